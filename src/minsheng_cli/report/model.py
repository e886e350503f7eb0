"""What a report holds: every figure of every section, already computed.

`figures.compute` builds a `ReportFigures`; each renderer (docx, xlsx, html, md,
json) only lays these out. `--format json` is `ReportFigures` dumped as it is,
and schemas/report.schema.json is its schema.

Percent figures are rounded to one decimal (halves away from zero), as
`progress list` shows them.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from minsheng_cli.ledger.records import Light
from minsheng_cli.models import Compare, TargetKind
from minsheng_cli.report.kinds import Period as Period

_FIGURES = ConfigDict(frozen=True, defer_build=True)


# The order in which a light counts as worse: done, green, yellow, red, overdue.
LIGHT_ORDER: tuple[Light, ...] = (Light.DONE, Light.GREEN, Light.YELLOW, Light.RED, Light.OVERDUE)


class Scope(BaseModel):
    """What the report covers and how it was computed."""

    model_config = _FIGURES

    title: str = Field(description="通报标题，如“关于2015年民生改善工作进展情况的通报”")
    issuer: str = Field(description="发文单位（版头下的署名），默认“吉林市人民政府督查室”")
    number: int | None = Field(description="期号（第N期）；未给出时为 null")
    period: Period = Field(description="周期：month、quarter 或 year")
    period_label: str = Field(description="周期的中文说法，如“6月”“第二季度”“全年”")
    notice_title: str | None = Field(description="通知标题")
    document_number: str | None = Field(description="通知文号")
    year: int | None = Field(description="通知年度")
    filters: list[str] = Field(description="筛选条件的中文说法；全部事项时为空")
    start: dt.date = Field(description="计算序时进度的起始日")
    yellow: float = Field(description="落后超过这么多个百分点亮黄灯")
    red: float = Field(description="落后超过这么多个百分点亮红灯")
    due_within_days: int = Field(description="“即将到期”所看的天数")


class Headline(BaseModel):
    """The counts as of the date. done + green + yellow + red + overdue + none = tasks."""

    model_config = _FIGURES

    tasks: int = Field(description="事项数")
    done: int = Field(description="已完成")
    green: int = Field(description="绿灯（按序时进度推进）")
    yellow: int = Field(description="黄灯")
    red: int = Field(description="红灯")
    overdue: int = Field(description="逾期未完成")
    none: int = Field(description="无具体时限且未完成")
    unreported: int = Field(description="未报送（按 0% 计）")
    started: int = Field(description="已启动（推进中或已完成）")
    behind: int = Field(description="落后（黄灯加红灯）")
    done_rate: float = Field(description="完成率（%）：已完成 ÷ 事项数")
    mean_percent: float = Field(description="平均完成进度（%），未报送的按 0 计，覆盖全部事项")
    mean_expected: float | None = Field(
        description="平均序时进度（%），覆盖有具体时限的事项；没有时为 null"
    )
    targets: int = Field(default=0, description="范围内事项可填报的量化指标数")
    targets_reported: int = Field(
        default=0, description="其中牵头单位已填报完成值的指标数（统称牵头时任一成员填报即算）"
    )
    targets_met: int = Field(default=0, description="其中完成率达到100%的指标数")


class CategoryRow(BaseModel):
    model_config = _FIGURES

    category: str | None = Field(description="类别；未标注类别的事项为 null")
    tasks: int
    done: int
    green: int
    yellow: int
    red: int
    overdue: int
    none: int
    behind: int = Field(description="黄灯加红灯")
    unreported: int
    mean_percent: float = Field(description="平均完成进度（%）")


class UnitRow(BaseModel):
    """A lead unit (a real recipient: a group lead counts for each of its members)."""

    model_config = _FIGURES

    unit: str
    rank: int | None = Field(
        description="按 lead_gap 从高到低的名次，并列同名次；无可比事项时为 null"
    )
    led: int = Field(description="牵头事项数")
    done: int
    behind: int
    overdue: int
    unreported: int = Field(description="该单位未报送的牵头事项数")
    mean_percent: float = Field(description="牵头事项的平均完成进度（%）")
    mean_expected: float | None = Field(description="有时限的牵头事项的平均序时进度（%）")
    lead_gap: float | None = Field(
        description="有时限的牵头事项：平均进度减平均序时进度（百分点）；没有时为 null"
    )


class ListedTask(BaseModel):
    """A task in one of the report's lists."""

    model_config = _FIGURES

    number: int
    content: str
    category: str | None
    lead_unit: str | None
    deadline: str = Field(description="截止日期 YYYY-MM-DD；没有具体日期时为完成时限原文")
    deadline_date: dt.date | None
    percent: float = Field(description="完成进度（%）")
    expected_percent: float | None = Field(description="序时进度（%）")
    light: Light
    problems: str | None = Field(
        description="牵头单位所填的存在问题；统称牵头时为各成员的，前注单位名"
    )


class Changes(BaseModel):
    """The state on `since` against the state on `as_of`, time passing included."""

    model_config = _FIGURES

    completed: list[int] = Field(description="新完成的事项序号")
    worse: list[int] = Field(description="灯变差的事项（已完成 → 绿 → 黄 → 红 → 逾期）")
    better: list[int] = Field(description="灯变好的事项")


class ShareRow(BaseModel):
    """Year-end: one unit's tasks done by their deadlines, done late, and not done."""

    model_config = _FIGURES

    unit: str
    tasks: int
    on_time: int = Field(description="按期完成（首条已完成填报的填报日期不晚于截止日）")
    late: int = Field(description="逾期完成")
    not_done: int = Field(description="未完成")
    on_time_share: float = Field(description="按期完成占比（%）")
    late_share: float
    not_done_share: float


class YearEnd(BaseModel):
    model_config = _FIGURES

    lead: list[ShareRow] = Field(description="各单位牵头的事项")
    support: list[ShareRow] = Field(description="各单位配合的事项（以事项本身是否完成计）")


class TargetRow(BaseModel):
    """One reportable 量化指标 of a task in scope, as of the date."""

    model_config = _FIGURES

    id: str = Field(description="指标编号“序号.k”")
    number: int = Field(description="事项序号")
    text: str = Field(description="指标所在的分句原文")
    label: str = Field(description="数字前的说明文字")
    kind: TargetKind
    compare: Compare
    value: int | float = Field(description="目标值")
    baseline: int | float | None = Field(description="提高前的基数（raise）；否则为 null")
    unit: str = Field(description="计量单位")
    as_written: str = Field(description="目标的原文写法")
    lead_unit: str | None
    actual: int | float | None = Field(description="完成值；未填报时为 null")
    ratio: float | None = Field(description="完成率（1 为 100%，不封顶）；未填报时为 null")
    met: bool = Field(description="完成率是否达到 100%")
    light: Light | None
    sentence: str | None = Field(
        description="通报用语，如“城镇新增就业4.5万人，完成年度目标的50.0%”；未填报时为 null"
    )


class ReportFigures(BaseModel):
    """Every figure of a 督查通报, as of one date."""

    model_config = _FIGURES

    as_of: dt.date = Field(description="截至日期")
    since: dt.date = Field(description="上期通报的日期（比较变化的起点）")
    note: str | None = Field(description="台账中尚无任何填报时的说明；否则为 null")
    scope: Scope
    summary: list[str] = Field(description="通报正文的概述句")
    headline: Headline
    by_category: list[CategoryRow]
    by_unit: list[UnitRow]
    ranking_rule: str = Field(description="单位排名规则的说明")
    overdue_or_red: list[ListedTask]
    due_soon: list[ListedTask]
    silent_units: list[str] = Field(description="有事项、但自上期以来没有填报的单位")
    changes: Changes
    year_end: YearEnd | None = Field(description="--period year 时的年终绩效视图；否则为 null")
    targets: list[TargetRow] = Field(
        default_factory=list, description="量化指标完成情况：范围内每个可填报的指标"
    )
