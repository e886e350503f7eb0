"""The `progress` commands: record, show and list progress against the schedule; keep the ledger.

Registered on the main app only when `progress` is invoked (see cli/app.py).
"""

from __future__ import annotations

from pathlib import Path
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
    parse_date,
    task_filter,
)
from minsheng_cli.cli.output import emit
from minsheng_cli.ledger.records import LIGHT_LABELS, Light, Status

if TYPE_CHECKING:
    import datetime as dt

    from minsheng_cli.ledger.records import Actual, Report
    from minsheng_cli.ledger.schedule import TaskState
    from minsheng_cli.models import Notice

app = typer.Typer(
    name="progress",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _group() -> None:
    """进度台账：记录各单位的填报，按序时进度亮灯，备份和检查台账。

    例：minsheng progress list --unit 市民政局
    """


_LIGHTS: dict[str, Light] = {
    **{light.value: light for light in Light},
    **{label: light for light, label in LIGHT_LABELS.items()},
}


def _percent(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise typer.BadParameter(f"完成进度应是 0 到 100 的整数，收到 {value}")
    return value


def _lights(values: list[str] | None) -> list[str] | None:
    for value in values or []:
        if value.strip() not in _LIGHTS:
            names = "、".join([light.value for light in Light] + list(LIGHT_LABELS.values()))
            raise typer.BadParameter(f"不认识的灯“{value}”；可用：{names}")
    return values


DateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar="DATE", help="填报日期 YYYY-MM-DD；默认今天，不能晚于今天。"),
]


@app.command("set")
@handles_errors
def set_(
    number: Annotated[int, typer.Argument(help="事项序号。", show_default=False)],
    *,
    status: Annotated[
        Status | None,
        typer.Option(
            "--status",
            help="状态：未启动、推进中或已完成；只填报完成值（--actual）时可不写。",
            show_default=False,
        ),
    ] = None,
    percent: Annotated[
        int | None,
        typer.Option(
            "--percent",
            help="完成进度（0–100 的整数）；已完成默认 100，未启动默认 0，推进中必填。",
            callback=_percent,
            show_default=False,
        ),
    ] = None,
    progress_note: Annotated[str | None, typer.Option("--note", help="进展情况。")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="存在问题。")] = None,
    next_steps: Annotated[str | None, typer.Option("--next", help="下步打算。")] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            help="填报单位（默认牵头单位）；统称牵头的事项须指明其中的单位。",
            show_default=False,
        ),
    ] = None,
    date: DateOpt = None,
    actual: Annotated[
        list[str] | None,
        typer.Option(
            "--actual",
            metavar="N.k=VALUE",
            help="量化指标的完成值，如 2.1=4.5万（也可写 45000、45,000、4.5万人）；可给多次。"
            "指标编号见 minsheng targets。",
            show_default=False,
        ),
    ] = None,
    db: DbOpt = None,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """记入一条进度填报，可附量化指标的完成值（只追加，不改动已有记录；更正即再记一条）。

    例：minsheng progress set 18 --status 推进中 --percent 60 --note 已完成摸底
    """
    from minsheng_cli.ledger.entry import command_line_report

    on = parse_date("--date", date)
    if status is None and (
        not actual or percent is not None or progress_note or problems or next_steps
    ):
        raise typer.BadParameter(
            "须选择状态（未启动、推进中或已完成）；只填报完成值时可只写 --actual",
            param_hint="--status",
        )
    loaded = load(notice, year, overlay)
    reports = []
    if status is not None:
        reports.append(
            command_line_report(
                loaded,
                number,
                status=status,
                percent=percent,
                unit=unit,
                note=progress_note,
                problems=problems,
                next_steps=next_steps,
                on=on,
            )
        )
    actuals = _actuals(loaded, number, unit, actual or [], on, status)
    with open_ledger(db) as ledger:
        warn_changed(ledger, loaded, reading=False)
        added, added_actuals = ledger.record(loaded, reports, actuals)
    for report in reports:
        what = f"第{number}项 {report.unit} {report.status.value} {report.percent}%"
        when = f"（填报日期 {report.as_of.isoformat()}）"
        if added:
            _say(f"已记入台账：{what}{when}")
        else:
            _say(f"台账中已有同一填报日期的相同填报，未重复记录：{what}{when}")
    if actuals:
        what = "、".join(f"{a.indicator} = {_number(a.value)}" for a in actuals)
        when = f"（{actuals[0].unit}，填报日期 {actuals[0].as_of.isoformat()}）"
        if added_actuals == len(actuals):
            _say(f"已记入完成值：{what}{when}")
        elif added_actuals:
            _say(f"已记入 {added_actuals} 个完成值，其余与台账中同一填报日期的相同：{what}{when}")
        else:
            _say(f"台账中已有同一填报日期的相同完成值，未重复记录：{what}{when}")


def _actuals(
    notice: Notice,
    number: int,
    unit: str | None,
    assignments: list[str],
    on: dt.date | None,
    status: Status | None,
) -> list[Actual]:
    """The --actual values, checked against the task's indicators, from the reporting unit."""
    if not assignments:
        return []
    import datetime as dt

    from minsheng_cli.errors import LedgerError
    from minsheng_cli.ledger.actuals import command_line_actuals
    from minsheng_cli.ledger.entry import find_task, reporting_unit

    today = dt.date.today()
    when = on or today
    if when > today:
        raise LedgerError(
            f"填报日期 {when.isoformat()} 晚于今天（{today.isoformat()}），不能预先填报"
        )
    task = find_task(notice, number)
    reporter = reporting_unit(notice, task, unit)
    return command_line_actuals(task, reporter, assignments, on=when, status=status)


def _number(value: float) -> str:
    from minsheng_cli.ledger.indicators import number_text

    return number_text(value)


@app.command("show")
@handles_errors
def show(
    number: Annotated[int, typer.Argument(help="事项序号。", show_default=False)],
    *,
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
    """显示一个事项的当前状态、序时进度和灯，以及它的全部填报记录和每条的来源。

    例：minsheng progress show 18
    """
    from minsheng_cli.ledger.entry import find_task
    from minsheng_cli.ledger.schedule import task_states
    from minsheng_cli.ledger.serialize import report_record, state_record

    when, begin, thresholds = schedule_options(as_of, start, yellow, red)
    loaded = load(notice, year, overlay)
    task = find_task(loaded, number)
    with open_ledger(db) as ledger:
        warn_changed(ledger, loaded)
        history = ledger.reports(loaded, task=number)
    (state,) = task_states(loaded, history, when, tasks=[task], start=begin, thresholds=thresholds)
    emit(
        fmt,
        table=lambda: _view().state_view(state, history),
        records=lambda: {
            **state_record(state),
            "history": [report_record(r) for r in history],
        },
        rows=lambda: _history_rows(history),
    )


@app.command("list")
@handles_errors
def list_(
    *,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    month: MonthOpt = None,
    quarter: QuarterOpt = None,
    before: BeforeOpt = None,
    search: SearchOpt = None,
    light: Annotated[
        list[str] | None,
        typer.Option(
            "--light",
            help="只列这些灯的事项：green、yellow、red、overdue、done、none，"
            "或 绿灯、黄灯、红灯、逾期、已完成、无时限；可给多次。",
            callback=_lights,
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
    """按序时进度列出事项的状态和灯（筛选条件同 list），末行统计各灯的事项数。

    例：minsheng progress list --unit 市民政局 --as-of 2015-06-30
    """
    from minsheng_cli.ledger.schedule import task_states

    chosen = task_filter(unit, lead, category, month, quarter, before, search)
    when, begin, thresholds = schedule_options(as_of, start, yellow, red)
    loaded = load(notice, year, overlay)
    tasks = query.select(loaded, chosen)
    with open_ledger(db) as ledger:
        warn_changed(ledger, loaded)
        latest = ledger.latest(loaded, when)
    states = task_states(loaded, latest, when, tasks=tasks, start=begin, thresholds=thresholds)
    if light:
        wanted = {_LIGHTS[value.strip()] for value in light}
        states = [s for s in states if s.light in wanted]
    _emit_states(fmt, states)


@app.command("backup")
@handles_errors
def backup(
    path: Annotated[Path, typer.Argument(help="备份文件（不能已存在）。", show_default=False)],
    *,
    db: DbOpt = None,
) -> None:
    """用 SQLite 的在线备份把台账复制一份（台账正在使用时也可以）。

    例：minsheng progress backup 台账备份-2015-06-30.sqlite3
    """
    with open_ledger(db) as ledger:
        ledger.backup(path)
        _say(f"已备份台账 {ledger.path} → {path}")


@app.command("check")
@handles_errors
def check(*, db: DbOpt = None) -> None:
    """检查台账：SQLite 完整性检查，以及结构与各步迁移是否一致；有问题时以退出码 1 结束。

    例：minsheng progress check
    """
    from minsheng_cli.errors import LedgerError
    from minsheng_cli.ledger.store import SCHEMA_VERSION

    with open_ledger(db) as ledger:
        if not ledger.exists:
            _say(f"台账 {ledger.path} 还不存在（第一次写入时建立），没有需要检查的内容。")
            return
        problems = ledger.check()
    if problems:
        raise LedgerError(f"台账 {ledger.path} 有 {len(problems)} 个问题", problems)
    _say(f"台账 {ledger.path} 完好（结构版本 {SCHEMA_VERSION}）。")


def _emit_states(fmt: OutputFormat, states: list[TaskState]) -> None:
    from minsheng_cli.ledger import serialize

    emit(
        fmt,
        table=lambda: _view().states_table(states),
        records=lambda: [serialize.state_record(s) for s in states],
        rows=lambda: (serialize.PROGRESS_HEADERS, [serialize.state_row(s) for s in states]),
    )


def _history_rows(history: list[Report]) -> tuple[list[str], list[list[str | int]]]:
    from minsheng_cli.ledger.serialize import HISTORY_HEADERS, history_row

    return HISTORY_HEADERS, [history_row(r) for r in history]


def _view() -> Any:
    """The rich renderings, imported only when a table is shown."""
    from minsheng_cli.cli import progress_view

    return progress_view


def _say(message: str) -> None:
    from minsheng_cli.cli.visible import visible

    print(visible(message))


from minsheng_cli.cli import progress_import as _progress_import  # noqa: E402  registers `import`

assert _progress_import
