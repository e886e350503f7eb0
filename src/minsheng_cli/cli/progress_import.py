"""`minsheng progress import`: read the returned workbooks into the ledger, all or nothing:
the 分工表's reports and the 量化指标 sheet's 完成值 of every file, in one transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from minsheng_cli.cli.app import handles_errors, load
from minsheng_cli.cli.ledger_options import DbOpt, open_ledger, warn_changed
from minsheng_cli.cli.options import NoticeOpt, OverlayOpt, YearOpt
from minsheng_cli.cli.progress import _say, app

if TYPE_CHECKING:
    from minsheng_cli.ledger.records import Actual, Report


@app.command("import")
@handles_errors
def import_(
    files: Annotated[
        list[Path], typer.Argument(help="各单位交回的 xlsx 工作簿，可给多个。", show_default=False)
    ],
    *,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只检查并显示将记入的内容，不写入台账。")
    ] = False,
    db: DbOpt = None,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """导入各单位填好的工作簿（分工表的填报和量化指标的完成值）：先逐行检查全部文件，
    有任何错误就一条也不记入。

    例：minsheng progress import 分发/*.xlsx
    """
    from minsheng_cli.ledger.notices import notice_key
    from minsheng_cli.ledger.returned import ReturnedFileError, read_returned

    loaded = load(notice, year, overlay)
    today = dt.date.today()
    with open_ledger(db) as ledger:
        warn_changed(ledger, loaded, reading=dry_run)
        identity = ledger.stored_identity()
        keys = dict([identity]) if identity else {}
        read = [
            read_returned(path, loaded, notice_key=notice_key(loaded), keys=keys, today=today)
            for path in files
        ]
        problems = [p for r in read for p in r.problems]
        if problems:
            raise ReturnedFileError(problems)
        reports = [report for r in read for report in r.reports]
        actuals = [actual for r in read for actual in r.actuals]
        before = {(r.task, r.unit): r for r in ledger.latest(loaded, today)}
        fresh = ledger.pending(loaded, reports)
        changes = [(r, before.get((r.task, r.unit))) for r in fresh]
        figures = {(a.indicator, a.unit): a for a in ledger.latest_actuals(loaded, today)}
        fresh_actuals = ledger.pending_actuals(loaded, actuals)
        actual_changes = [(a, figures.get((a.indicator, a.unit))) for a in fresh_actuals]
        added, added_actuals = (0, 0) if dry_run else ledger.record(loaded, reports, actuals)
    _show_changes(changes)
    _show_actual_changes(actual_changes)
    skipped = sum(r.skipped for r in read)
    tail = f"，{skipped} 行未填写已跳过" if skipped else ""
    if dry_run:
        count = f"{len(changes)} 条填报、{len(actual_changes)} 个完成值将记入"
        _say(f"检查通过：{len(files)} 个文件，{count}{tail}（--dry-run，未写入）。")
    elif added or added_actuals:
        what = f"{added} 条填报、{added_actuals} 个完成值"
        _say(f"已记入台账 {what}，来自 {len(files)} 个文件{tail}。")
    else:
        _say(f"这些文件中的填报和完成值台账里都已有，未重复记录（{len(files)} 个文件{tail}）。")


def _show_changes(changes: list[tuple[Report, Report | None]]) -> None:
    from rich.table import Table
    from rich.text import Text

    from minsheng_cli.cli import display

    if not changes:
        return
    table = Table(box=None, header_style="bold")
    for header in ("序号", "填报单位", "原状态", "新状态", "填报日期"):
        table.add_column(header)
    for new, old in changes:
        was = f"{old.status.value} {old.percent}%" if old is not None else "未报送"
        table.add_row(
            Text(str(new.task)),
            Text(new.unit),
            Text(was),
            Text(f"{new.status.value} {new.percent}%"),
            Text(new.as_of.isoformat()),
        )
    display.console().print(table)


def _show_actual_changes(changes: list[tuple[Actual, Actual | None]]) -> None:
    from rich.table import Table
    from rich.text import Text

    from minsheng_cli.cli import display
    from minsheng_cli.ledger.indicators import number_text

    if not changes:
        return
    table = Table(box=None, header_style="bold")
    for header in ("指标编号", "填报单位", "原完成值", "新完成值", "填报日期"):
        table.add_column(header)
    for new, old in changes:
        table.add_row(
            Text(new.indicator),
            Text(new.unit),
            Text(number_text(old.value) if old is not None else "未报送"),
            Text(number_text(new.value)),
            Text(new.as_of.isoformat()),
        )
    display.console().print(table)
