"""The `targets` command: the notice's 量化指标, and with a ledger how much of each is done.

Registered on the main app only when `targets` is invoked (cli/app.py LAZY_GROUPS).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from minsheng_cli import query
from minsheng_cli.cli.app import handles_errors, load
from minsheng_cli.cli.ledger_options import (
    AsOfOpt,
    DbOpt,
    RedOpt,
    StartOpt,
    YellowOpt,
    open_ledger,
    schedule_options,
    warn_changed,
)
from minsheng_cli.cli.options import (
    BeforeOpt,
    CategoryOpt,
    FormatOpt,
    LeadOpt,
    MonthOpt,
    NoticeOpt,
    OutputFormat,
    OverlayOpt,
    QuarterOpt,
    SearchOpt,
    UnitOpt,
    YearOpt,
    task_filter,
)
from minsheng_cli.cli.output import emit
from minsheng_cli.models import TargetKind

if TYPE_CHECKING:
    from minsheng_cli.ledger.indicators import IndicatorState

app = typer.Typer(
    name="targets",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command("targets")
@handles_errors
def targets(
    *,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    month: MonthOpt = None,
    quarter: QuarterOpt = None,
    before: BeforeOpt = None,
    search: SearchOpt = None,
    kind: Annotated[
        list[TargetKind] | None,
        typer.Option(
            "--kind",
            "-k",
            help="只列这些类型的指标：amount（数量）、percent（比率）、raise（提标）、"
            "standard（标准）、threshold（门槛）；可给多次。",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    start: StartOpt = None,
    yellow: YellowOpt = 10,
    red: RedOpt = 30,
    fmt: FormatOpt = OutputFormat.table,
    db: DbOpt = None,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """列出事项的量化指标（筛选条件同 list）；有台账时另列完成值、完成率、序时进度和灯。

    完成率：数量、比率为 完成值 ÷ 目标值（区间 ÷ 下限）；提标为
    （完成值 − 基数）÷（目标值 − 基数）；“不超过”类达标为 100%，超出为 目标值 ÷ 完成值；
    不封顶。完成率达到 100% 亮“已完成”，否则按事项的亮灯规则，以完成率与序时进度比较。
    完成值用 progress set --actual 填报。

    例：minsheng targets --unit 市人社局 --as-of 2015-06-30
    """
    from minsheng_cli.ledger.indicators import indicator_states

    chosen = task_filter(unit, lead, category, month, quarter, before, search)
    when, begin, thresholds = schedule_options(as_of, start, yellow, red)
    loaded = load(notice, year, overlay)
    tasks = query.select(loaded, chosen)
    with open_ledger(db) as ledger:
        with_ledger = ledger.exists
        if with_ledger:
            warn_changed(ledger, loaded)
        latest = ledger.latest_actuals(loaded, when) if with_ledger else []
    states = indicator_states(
        loaded, latest, when, tasks=tasks, kinds=kind, start=begin, thresholds=thresholds
    )
    _emit(fmt, states, with_ledger=with_ledger)


def _emit(fmt: OutputFormat, states: list[IndicatorState], *, with_ledger: bool) -> None:
    from minsheng_cli.ledger import target_records

    emit(
        fmt,
        table=lambda: _display().targets_table(states, with_ledger=with_ledger),
        records=lambda: [target_records.target_record(s) for s in states],
        rows=lambda: (
            target_records.TARGET_HEADERS,
            [target_records.target_row(s) for s in states],
        ),
    )


def _display() -> Any:
    from minsheng_cli.cli import display

    return display
