"""The identity of an exported workbook: what it claims to be, signed with the ledger's key.

An exported workbook carries a very hidden sheet, one field to a row, each in plain
text beside its label, so that a person can read what the workbook claims to be:

    格式       minsheng-workbook/1
    通知       吉市政办发〔2015〕3号
    台账       <the ledger's uuid>
    工具版本   0.1.0
    事项       18、19、20
    单位       市民政局          实际接收单位     (none, one or several rows)
    指标       18.1、18.2、21.1  (only when the 量化指标 sheet has rows)
    签名       <HMAC-SHA256, hex>

The signature covers every field but itself, in `canonical()` form. The 指标 field,
the ids of the 量化指标 sheet in row order, is signed only when there are some, so
that a workbook made before that sheet existed verifies exactly as it did. Nothing
here imports openpyxl or SQLite: the key and the ledger id are arguments.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from minsheng_cli.models import REPORTABLE_KINDS, RecipientRole, RecipientTable, Target, Task

TASKS_SHEET = "分工表"
TARGETS_SHEET = "量化指标"
IDENTITY_SHEET = "工作簿标识"
FORMAT = "minsheng-workbook/1"

STATUS_HEADER = "状态"
PERCENT_HEADER = "完成进度（%）"
NOTE_HEADER = "进展情况"
PROBLEMS_HEADER = "存在问题"
NEXT_HEADER = "下步打算"
DATE_HEADER = "填报日期"
FILL_IN_HEADERS = [
    STATUS_HEADER,
    PERCENT_HEADER,
    NOTE_HEADER,
    PROBLEMS_HEADER,
    NEXT_HEADER,
    DATE_HEADER,
]
"""The columns a unit fills in, after the task columns, in this order."""

TARGET_NUMBER_HEADER = "序号"
TARGET_ID_HEADER = "指标编号"
TARGET_TEXT_HEADER = "指标"
TARGET_VALUE_HEADER = "目标值"
TARGET_UNIT_HEADER = "单位"
ACTUAL_HEADER = "完成值"
TARGET_HEADERS = [
    TARGET_NUMBER_HEADER,
    TARGET_ID_HEADER,
    TARGET_TEXT_HEADER,
    TARGET_VALUE_HEADER,
    TARGET_UNIT_HEADER,
]
"""The 量化指标 sheet's columns that say what each indicator is, in this order."""
TARGET_FILL_IN_HEADERS = [ACTUAL_HEADER, DATE_HEADER]
"""The 量化指标 columns a unit fills in, after TARGET_HEADERS."""

# Labels of the identity sheet, in row order (units repeat, zero or more times).
LABEL_NOTE = "说明"
LABEL_FORMAT = "格式"
LABEL_NOTICE = "通知"
LABEL_LEDGER = "台账"
LABEL_VERSION = "工具版本"
LABEL_TASKS = "事项"
LABEL_UNIT = "单位"
LABEL_INDICATORS = "指标"
LABEL_SIGNATURE = "签名"
NOTE_TEXT = "本表由 minsheng 导出时写入，用于核对工作簿的来源，请勿修改。"
_TASK_SEPARATOR = "、"


def sheet_targets(tasks: Sequence[Task]) -> list[tuple[Task, Target]]:
    """The rows of a workbook's 量化指标 sheet: each reportable indicator, in task order."""
    return [
        (task, target)
        for task in tasks
        for target in task.targets
        if target.kind in REPORTABLE_KINDS
    ]


class UnitKind(StrEnum):
    """What a unit of a workbook is, in the words the identity sheet writes."""

    RECIPIENT = "实际接收单位"
    """A real recipient (--split-by recipient, --unit 市民政局): it reports for itself."""
    AS_WRITTEN = "责任单位"
    """A unit as the table writes it (--split-by unit) that is not a group."""
    GROUP = "统称"
    """A group name as written (各县（市）区): for reading only, no single member wrote it."""


@dataclass(frozen=True)
class WorkbookUnit:
    name: str
    kind: UnitKind


@dataclass(frozen=True)
class WorkbookIdentity:
    """What a workbook claims to be. `signature` is hex HMAC-SHA256 over `canonical()`."""

    notice_key: str
    ledger_id: str
    version: str
    tasks: tuple[int, ...]
    units: tuple[WorkbookUnit, ...]
    indicators: tuple[str, ...] = ()
    """The ids of the 量化指标 sheet's rows, in order; () for a workbook without any."""
    signature: str = field(default="", compare=False)
    format: str = FORMAT

    def canonical(self) -> bytes:
        """The signed bytes: compact JSON with sorted keys, UTF-8."""
        fields: dict[str, object] = {
            "format": self.format,
            "ledger_id": self.ledger_id,
            "notice": self.notice_key,
            "tasks": list(self.tasks),
            "units": [[u.name, u.kind.value] for u in self.units],
            "version": self.version,
        }
        if self.indicators:
            # Absent, not empty, without indicators: older workbooks keep their signature.
            fields["indicators"] = list(self.indicators)
        text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8")

    def expected_signature(self, key: bytes) -> str:
        return hmac.new(key, self.canonical(), hashlib.sha256).hexdigest()

    def verifies(self, key: bytes) -> bool:
        """Whether `signature` is the key's signature over these fields (constant time)."""
        return hmac.compare_digest(
            self.signature.encode("ascii", "replace"), self.expected_signature(key).encode("ascii")
        )

    @property
    def is_office(self) -> bool:
        """Made for the whole office (no unit): rows report as each task's lead unit."""
        return not self.units

    def rows(self) -> list[list[str]]:
        """The identity sheet, row by row: a label, then the field's value(s)."""
        rows = [
            [LABEL_NOTE, NOTE_TEXT],
            [LABEL_FORMAT, self.format],
            [LABEL_NOTICE, self.notice_key],
            [LABEL_LEDGER, self.ledger_id],
            [LABEL_VERSION, self.version],
            [LABEL_TASKS, _TASK_SEPARATOR.join(map(str, self.tasks))],
        ]
        rows += [[LABEL_UNIT, unit.name, unit.kind.value] for unit in self.units]
        if self.indicators:
            rows.append([LABEL_INDICATORS, _TASK_SEPARATOR.join(self.indicators)])
        rows.append([LABEL_SIGNATURE, self.signature])
        return rows


class IdentityFormatError(ValueError):
    """The identity sheet is not laid out as `WorkbookIdentity.rows()` writes it."""


def parse_identity(rows: Sequence[Sequence[object]]) -> WorkbookIdentity:
    """Read back what `WorkbookIdentity.rows()` wrote. Raises IdentityFormatError (Chinese).

    Every cell must be text; trailing empty cells and rows are ignored.
    """
    cleaned: list[list[str]] = []
    for row in rows:
        values = list(row)
        while values and values[-1] in (None, ""):
            values.pop()
        if not values:
            continue
        if not all(isinstance(v, str) for v in values):
            raise IdentityFormatError("工作簿标识表中有非文字的单元格")
        cleaned.append([str(v) for v in values])
    labels = [row[0] for row in cleaned]
    head = [LABEL_NOTE, LABEL_FORMAT, LABEL_NOTICE, LABEL_LEDGER, LABEL_VERSION, LABEL_TASKS]
    if labels[: len(head)] != head or not labels or labels[-1] != LABEL_SIGNATURE:
        raise IdentityFormatError("工作簿标识表的栏目与导出时不同")
    fields = {row[0]: row for row in cleaned[1 : len(head)]}
    units_rows = cleaned[len(head) : -1]
    indicators: tuple[str, ...] = ()
    if units_rows and units_rows[-1][0] == LABEL_INDICATORS:
        *units_rows, indicators_row = units_rows
        if len(indicators_row) != 2:
            raise IdentityFormatError(f"工作簿标识表的“{LABEL_INDICATORS}”一栏应恰有一个值")
        indicators = tuple(indicators_row[1].split(_TASK_SEPARATOR))
    for row in [*fields.values(), cleaned[-1]]:
        if len(row) != 2:
            raise IdentityFormatError(f"工作簿标识表的“{row[0]}”一栏应恰有一个值")
    units: list[WorkbookUnit] = []
    kinds = {k.value: k for k in UnitKind}
    for row in units_rows:
        if row[0] != LABEL_UNIT or len(row) != 3 or row[2] not in kinds:
            raise IdentityFormatError("工作簿标识表的“单位”一栏写法不对")
        units.append(WorkbookUnit(row[1], kinds[row[2]]))
    tasks_text = fields[LABEL_TASKS][1]
    try:
        tasks = tuple(int(t) for t in tasks_text.split(_TASK_SEPARATOR)) if tasks_text else ()
    except ValueError:
        raise IdentityFormatError("工作簿标识表的“事项”一栏不是序号列表") from None
    return WorkbookIdentity(
        format=fields[LABEL_FORMAT][1],
        notice_key=fields[LABEL_NOTICE][1],
        ledger_id=fields[LABEL_LEDGER][1],
        version=fields[LABEL_VERSION][1],
        tasks=tasks,
        units=tuple(units),
        indicators=indicators,
        signature=cleaned[-1][1],
    )


@dataclass(frozen=True)
class Signer:
    """What signs exported workbooks: the notice's key and the ledger's id and secret key."""

    notice_key: str
    ledger_id: str
    key: bytes = field(repr=False)

    def identity(
        self,
        tasks: Sequence[int],
        units: Sequence[WorkbookUnit],
        indicators: Sequence[str] = (),
    ) -> WorkbookIdentity:
        from minsheng_cli import __version__

        unsigned = WorkbookIdentity(
            notice_key=self.notice_key,
            ledger_id=self.ledger_id,
            version=__version__,
            tasks=tuple(tasks),
            units=tuple(units),
            indicators=tuple(indicators),
        )
        return replace(unsigned, signature=unsigned.expected_signature(self.key))


def unit_kind(table: RecipientTable, name: str, *, as_written: bool) -> UnitKind:
    """The kind of a workbook's unit, from a query.UnitTarget's name and `as_written`."""
    if not as_written:
        return UnitKind.RECIPIENT
    return UnitKind.GROUP if name in table.groups else UnitKind.AS_WRITTEN


class RowUnitError(ValueError):
    """No single unit can report on this row in this workbook; the message says why (Chinese)."""


def reporting_unit(task: Task, units: Sequence[WorkbookUnit], table: RecipientTable) -> str:
    """The real recipient a row of a workbook made for `units` reports as, on `task`.

    No units (the whole office): the task's lead unit, unless a group leads it. One
    or several units: the one unit among them that reaches the task, directly or
    through a group. A group as written cannot report. Raises RowUnitError.
    """
    if not units:
        lead = task.lead_unit
        if lead is None:
            raise RowUnitError(f"第 {task.number} 项没有牵头单位，无法记为谁的填报")
        if lead in table.groups:
            raise RowUnitError(
                f"第 {task.number} 项由统称“{lead}”牵头，全表工作簿无法确定是哪个成员填报；"
                "请各成员用各自的工作簿填报（--split-by recipient）"
            )
        leads = [r.name for r in task.recipients if r.role is RecipientRole.LEAD and not r.via]
        return leads[0] if leads else table.recipient_of(lead) or lead
    reached = [r.name for r in task.recipients]
    candidates: list[str] = []
    groups: list[str] = []
    for unit in units:
        if unit.kind is UnitKind.GROUP:
            if unit.name in task.units:
                groups.append(unit.name)
            continue
        if unit.kind is UnitKind.AS_WRITTEN:
            if unit.name in task.units:
                candidates.append(table.recipient_of(unit.name) or unit.name)
        elif unit.name in reached:
            candidates.append(unit.name)
    candidates = list(dict.fromkeys(candidates))
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        raise RowUnitError(
            f"第 {task.number} 项同时是{'、'.join(candidates)}的事项，无法确定是哪个单位填报；"
            "请各单位用各自的工作簿填报（--split-by recipient）"
        )
    if groups:
        raise RowUnitError(
            f"本工作簿为统称“{groups[0]}”导出，只供阅读，无法确定是哪个成员填报；"
            "请各成员用各自的工作簿填报（--split-by recipient）"
        )
    names = "、".join(u.name for u in units)
    raise RowUnitError(f"第 {task.number} 项不是{names}的事项")
