"""The export command: write the tasks as files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from minsheng_cli.cli.app import app, handles_errors, load, note
from minsheng_cli.cli.ledger_options import DbOpt
from minsheng_cli.cli.options import (
    BeforeOpt,
    CategoryOpt,
    LeadOpt,
    MonthOpt,
    NoticeOpt,
    OverlayOpt,
    QuarterOpt,
    SearchOpt,
    UnitOpt,
    YearOpt,
    task_filter,
)
from minsheng_cli.cli.output import display
from minsheng_cli.cli.visible import visible
from minsheng_cli.export import ExportFormat, SplitBy

if TYPE_CHECKING:
    from minsheng_cli.ledger.records import Actual, Report
    from minsheng_cli.ledger.workbook import Signer
    from minsheng_cli.models import Notice


@app.command()
@handles_errors
def export(
    *,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="文件格式：xlsx、docx、csv、json、md 或 ics（日历）。",
        ),
    ] = ExportFormat.xlsx,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="输出文件；以 / 结尾或已存在的文件夹则按默认名写在其中，- 为标准输出；"
            "配合 --split-by 时为输出文件夹。默认按通知和筛选条件命名，写在当前目录。",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖已存在的文件。")] = False,
    split_by: Annotated[
        SplitBy | None,
        typer.Option(
            "--split-by",
            help="拆分，每个一份文件：unit（按分工表所写的责任单位）、recipient（按实际接收单位，"
            "统称展开到每个县（市）区、开发区）、category（按类别）、month（按截止月份）"
            "或 quarter（按截止季度）。",
        ),
    ] = None,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    month: MonthOpt = None,
    quarter: QuarterOpt = None,
    before: BeforeOpt = None,
    search: SearchOpt = None,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
    prefill: Annotated[
        bool,
        typer.Option(
            "--prefill",
            help="xlsx：把台账中各事项的当前填报和各量化指标的最新完成值预先填入填报列（下月接着填）。",
        ),
    ] = False,
    db: DbOpt = None,
    page_start: Annotated[
        int | None,
        typer.Option(
            "--page-start",
            min=1,
            help="docx：页码从这个数开始，接在通知正文之后。",
            show_default=False,
        ),
    ] = None,
    copy_of_attachment: Annotated[
        bool | None,
        typer.Option(
            "--copy-of-attachment/--no-copy-of-attachment",
            help="docx：左上角写“文号+附件”（GB/T 9704 对单独印发的附件的要求）；"
            "按单位、按接收单位导出时默认写。",
            show_default=False,
        ),
    ] = None,
) -> None:
    """把事项导出为 Excel、Word、CSV、JSON、Markdown 或日历文件，可先筛选、可拆分。

    Excel 工作簿带填报列，并以台账的密钥签名，交回后用 minsheng progress import 导入。
    日历（ics）每项截止日一个全天日程，提前 7 天提醒，可导入手机日历或 Outlook；
    再次导入时更新原有日程而不重复。没有具体日期的事项不写入日历。

    例：minsheng export --format xlsx --unit 市民政局
    """
    from minsheng_cli.export.plan import plan_export, prepare_targets, write_planned

    if output == "":
        raise typer.BadParameter(
            "不能为空；要写在当前目录，请省略 -o 或写 -o ./", param_hint="--output"
        )
    chosen = task_filter(unit, lead, category, month, quarter, before, search)
    loaded = load(notice, year, overlay)
    if prefill and fmt is not ExportFormat.xlsx:
        raise typer.BadParameter("只有 xlsx 工作簿有填报列", param_hint="--prefill")
    if fmt is ExportFormat.ics:
        from minsheng_cli.export.ics import undated

        if left_out := undated(loaded, chosen):
            note(f"提示：{len(left_out)} 项没有具体日期，未写入日历。")
    signer, answers, actuals = (
        _ledger_parts(loaded, db, prefill) if fmt is ExportFormat.xlsx else (None, None, None)
    )
    planned = plan_export(
        loaded,
        chosen,
        fmt,
        output=output,
        split_by=split_by,
        signer=signer,
        prefill=answers,
        prefill_actuals=actuals,
        page_start=page_start,
        copy_of_attachment=copy_of_attachment,
    )
    prepared = prepare_targets(planned, force=force)
    for folder in prepared.created:
        print(f"已创建文件夹 {visible(str(folder))}", file=sys.stderr)
    if prepared.removed:
        print(f"已清理 {len(prepared.removed)} 个中断的导出遗留的临时文件", file=sys.stderr)
    written = write_planned(planned, fmt, force=force, stdout=sys.stdout.buffer)
    done: list[Path] = []
    try:
        if len(planned) <= 3:
            for path in written:
                done.append(path)
                if not planned[0].to_stdout:
                    print(visible(str(path)))
            return
        from rich.progress import Progress

        with Progress(console=display().console(stderr=True), transient=True) as progress:
            job = progress.add_task("正在导出", total=len(planned))
            for path in written:
                done.append(path)
                progress.advance(job)
    except BaseException:
        if split_by is not None and done:
            _say_partial(done, len(planned))
        raise
    for item in planned:
        print(visible(str(item.path)))
    print(
        f"共写入 {len(planned)} 个文件，位于 {visible(str(planned[0].path.parent))}",
        file=sys.stderr,
    )


def _ledger_parts(
    notice: Notice, db: Path | None, prefill: bool
) -> tuple[Signer, dict[tuple[int, str], Report] | None, dict[tuple[str, str], Actual] | None]:
    """The ledger's signer (creating the ledger and its key on first use) and, for
    --prefill, each unit's latest report on each task and latest actual of each indicator."""
    import datetime as dt

    from minsheng_cli.ledger.notices import notice_key
    from minsheng_cli.ledger.store import Ledger
    from minsheng_cli.ledger.workbook import Signer

    with Ledger.open(db) as ledger:
        ledger_id, key = ledger.identity()
        latest = ledger.latest(notice, dt.date.today()) if prefill else []
        figures = ledger.latest_actuals(notice, dt.date.today()) if prefill else []
    answers = {(r.task, r.unit): r for r in latest} if prefill else None
    actuals = {(a.indicator, a.unit): a for a in figures} if prefill else None
    return Signer(notice_key(notice), ledger_id, key), answers, actuals


def _say_partial(done: list[Path], total: int) -> None:
    """A split stopped part way: say which files are there, so none is mistaken for missing."""
    print(f"导出中断，{total} 个文件中已写入 {len(done)} 个：", file=sys.stderr)
    for path in done:
        print(f"  {visible(str(path))}", file=sys.stderr)
