"""Validated records: the contract every command and exporter shares."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, computed_field

# Validators are built on first use, not at import: a cached notice only ever
# validates `Notice`, so the nested models never need validators of their own.
_RECORD = ConfigDict(frozen=True, defer_build=True)

UNCATEGORISED = "未标注"
"""The `--category` value that selects tasks the notice gives no category."""

UNCATEGORISED_LABEL = "（未标注类别）"
"""How a missing category is shown in tables and documents."""


class DeadlineKind(StrEnum):
    DATE = "date"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"
    ONGOING = "ongoing"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    CORRECTION = "correction"
    """Not a problem: a correction from the overlay, listed where its warning was."""


class Milestone(BaseModel):
    """One dated clause of a deadline cell that sets several, such as "6月底前完成招标"."""

    model_config = _RECORD

    text: str = Field(description="该节点的整句原文，如“6月底前完成招标”")
    date: dt.date | None = Field(description="该节点的截止日（含当日）；无法确定时为 null")


class Deadline(BaseModel):
    """完成时限: the source text plus what it means."""

    model_config = _RECORD

    text: str = Field(description="原文（跨行已合并），如“一季度末”")
    date: dt.date | None = Field(
        description="换算后的截止日（含当日）；有多个节点时取最晚的节点；无法确定时为 null"
    )
    kind: DeadlineKind = Field(description="时限类型；有多个节点时为最晚节点的类型")
    note: str | None = Field(
        default=None,
        description="说明：时限后的动作（如“投入使用”）在前，括号内的说明（如“三年工程”）在后，"
        "以“；”分隔；有多个节点时为最晚节点的说明",
    )
    milestones: list[Milestone] = Field(
        default_factory=list,
        description="一格里写了多个带时限的分句（如“6月底前完成招标，10月底前竣工”）时的各个节点，"
        "按原文顺序；只有一个时限时为空",
    )


class LineSpan(BaseModel):
    model_config = _RECORD

    start: int = Field(ge=1, description="起始行号（从 1 开始）")
    end: int = Field(ge=1, description="结束行号（含）")


class RecipientRole(StrEnum):
    LEAD = "牵头"
    SUPPORT = "配合"


class Recipient(BaseModel):
    """A real recipient of a task: a unit named directly, or a member of a group it names."""

    model_config = _RECORD

    name: str = Field(description="实际接收单位")
    role: RecipientRole = Field(description="牵头或配合")
    via: str | None = Field(description="经由的统称（如“各城区”）；直接点名时为 null")


class RecipientTable(BaseModel):
    """Which real recipients each group name stands for, as applied to a notice.

    Built from data/recipients.toml for the issuer's city, with the overlay's
    [recipients] section on top. `aliases` already holds the suffixed names
    (丰满区政府 → 丰满区).
    """

    model_config = _RECORD

    city: str | None = Field(default=None, description="所用实际接收单位表的城市；没有时为 null")
    groups: dict[str, list[str]] = Field(
        default_factory=dict, description="统称 → 它代表的实际接收单位"
    )
    aliases: dict[str, str] = Field(default_factory=dict, description="别称 → 实际接收单位")

    @property
    def members(self) -> list[str]:
        """Every real recipient named by a group, in table order, each once."""
        return list(dict.fromkeys(m for members in self.groups.values() for m in members))

    def recipient_of(self, name: str) -> str | None:
        """The group member `name` stands for (丰满区政府 → 丰满区), or None."""
        name = "".join(name.split())
        if name in self.aliases:
            return self.aliases[name]
        return name if name in self.members else None


class TargetKind(StrEnum):
    AMOUNT = "amount"
    """Something to deliver: 2200人, 120万平方米."""
    PERCENT = "percent"
    """A rate to reach: 达到100%."""
    RAISE = "raise"
    """A change from a stated baseline: 由6.5万元提高到9万元."""
    STANDARD = "standard"
    """A rate for each head or item of a group: 按每人每年1000元标准."""
    THRESHOLD = "threshold"
    """A condition, not a goal: 超过9600元以上部分."""


REPORTABLE_KINDS = frozenset({TargetKind.AMOUNT, TargetKind.PERCENT, TargetKind.RAISE})
"""The kinds of target that units report an actual value (完成值) against."""


class Compare(StrEnum):
    EQ = "="
    GE = ">="
    LE = "<="
    RANGE = "range"


class Target(BaseModel):
    """量化指标: one target, limit or condition that a task's content states."""

    model_config = _RECORD

    id: str = Field(description="指标编号“序号.k”，k 按解析出的原文从 1 起数；更正删去的指标留空号")
    text: str = Field(description="指标所在的分句原文（工作内容的子串）")
    label: str = Field(description="数字前的说明文字，如“城镇新增就业”")
    as_written: str = Field(description="原文写法，如“800万平米以上”")
    value: float = Field(description="目标值，万、亿已乘出，如 9万人 → 90000")
    unit: str = Field(description="计量单位（已规范：平米 → 平方米，万元 → 元，％ → %）")
    kind: TargetKind = Field(description="类型")
    compare: Compare = Field(description="比较方式：=、>=、<= 或 range")
    baseline: float | None = Field(default=None, description="提高前的基数（raise）；否则为 null")
    low: float | None = Field(default=None, description="区间下限（range）；否则为 null")
    per: str | None = Field(
        default=None, description="每个接收单位各自完成的范围，如“每个城区”；否则为 null"
    )


class CorrectionField(StrEnum):
    CATEGORY = "category"
    CONTENT = "content"
    UNITS = "units"
    DEADLINE = "deadline"
    TARGET = "target"
    """A 量化指标 dropped or given another kind: `was` is its as_written, `now` "9.2：删去"."""


class Correction(BaseModel):
    """One correction from the overlay's [[corrections]], as applied to a task."""

    model_config = _RECORD

    field: CorrectionField = Field(description="更正的字段")
    was: str = Field(description="原文（空字符串表示原文为空）")
    now: str = Field(description="更正为")
    reason: str = Field(description="理由")


class Task(BaseModel):
    """事项: one row of the allocation table."""

    model_config = _RECORD

    number: int = Field(description="序号")
    category: str | None = Field(description="类别（不含“（N项）”）；原文未标注时为 null")
    content: str = Field(min_length=1, description="工作内容")
    deadline: Deadline = Field(description="完成时限")
    units: list[str] = Field(description="责任单位（规范名称，牵头单位在前）")
    units_as_written: list[str] = Field(description="责任单位原文写法")
    lines: LineSpan = Field(
        description="该事项在通知中的行号范围；Word、网页通知为表格的行号，Excel 为工作表的行号"
    )
    position: str | None = Field(
        default=None,
        description="该事项在通知中的位置，按通知的格式书写：文本为“第26行”，"
        "Word、网页为“表1第3行”，Excel 为“分工表!A5”",
    )
    title: str | None = Field(
        default=None,
        description="项目名称（表中项目名称与主要内容分列时）；它也写在工作内容的开头",
    )
    leader: str | None = Field(
        default=None, description="责任领导或分管领导（表中有此列时）；没有时为 null"
    )
    recipients: list[Recipient] = Field(
        default_factory=list,
        description="实际接收单位：直接点名的单位，以及统称（如“各城区”）代表的每个单位；"
        "每个单位只出现一次",
    )
    corrections: list[Correction] = Field(
        default_factory=list, description="补充文件对本项所作的更正；没有时为空"
    )
    targets: list[Target] = Field(
        default_factory=list, description="工作内容中的量化指标，按原文顺序；没有时为空"
    )

    @computed_field(description="牵头单位")  # type: ignore[prop-decorator]
    @property
    def lead_unit(self) -> str | None:
        return self.units[0] if self.units else None

    @computed_field(description="配合单位")  # type: ignore[prop-decorator]
    @property
    def supporting_units(self) -> list[str]:
        return self.units[1:]


class Problem(BaseModel):
    """Something wrong in the notice. Warnings leave usable tasks; errors do not."""

    model_config = _RECORD

    severity: Severity
    code: str = Field(description="问题代码，如 missing-category")
    message: str = Field(description="中文说明")
    line: int | None = Field(default=None, description="相关行号")
    task: int | None = Field(default=None, description="相关事项序号")
    position: str | None = Field(
        default=None,
        description="问题在通知中的位置，按通知的格式书写（如“表1第3行第2列”“分工表!C12”）；"
        "文本通知为 null，看 line",
    )


class NoticeMeta(BaseModel):
    model_config = _RECORD

    document_number: str | None = Field(description="文号")
    issuer: str | None = Field(description="发文机关")
    title: str | None = Field(description="标题")
    year: int | None = Field(description="年度（来自文号或标题，可由 --year 覆盖）")
    addressees: list[str] = Field(description="主送机关")
    attachment_title: str | None = Field(description="附件标题")
    declared_categories: int | None = Field(description="正文声明的方面数")
    declared_tasks: int | None = Field(description="正文声明的事项数")
    category_counts: dict[str, int | None] = Field(
        default_factory=dict, description="表中各类别标签标明的事项数（“（N项）”），按出现顺序"
    )
    source: str = Field(description="通知文件路径")
    encoding: str = Field(description="识别出的文件编码")


class Notice(BaseModel):
    model_config = ConfigDict(defer_build=True)

    meta: NoticeMeta
    tasks: list[Task]
    problems: list[Problem]
    recipient_table: RecipientTable = Field(
        default_factory=RecipientTable, description="展开统称所用的实际接收单位表"
    )

    # A plain default (pydantic copies it), not default_factory=list: pydantic inspects a
    # factory's signature, and the first inspect.signature(list) compiles a tokenizer (13 ms).
    _source_lines: list[str] = PrivateAttr(default=[])

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def source_excerpt(self, task: Task) -> list[tuple[int, str]]:
        """The source lines a task came from, numbered from 1."""
        lines = self._source_lines
        return [
            (n, lines[n - 1])
            for n in range(task.lines.start, task.lines.end + 1)
            if n <= len(lines)
        ]
