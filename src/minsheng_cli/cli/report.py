"""The report command: a 督查通报 or review pack from the ledger, in one of five formats."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from minsheng_cli.cli.app import app, handles_errors, load, note
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
    LeadOpt,
    MonthOpt,
    NoticeOpt,
    OverlayOpt,
    QuarterOpt,
    SearchOpt,
    UnitOpt,
    YearOpt,
    parse_date,
    task_filter,
)
from minsheng_cli.cli.visible import visible
from minsheng_cli.report.kinds import Period, ReportFormat

if TYPE_CHECKING:
    from minsheng_cli.report.formats import Renderer
    from minsheng_cli.report.model import ReportFigures


def _number(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 9999:
        raise typer.BadParameter(f"期号应在 1–9999 之间，收到 {value}")
    return value


def _issuer(value: str) -> str:
    if not value.strip():
        raise typer.BadParameter("不能为空", param_hint="--issuer")
    return value.strip()


@app.command()
@handles_errors
def report(
    *,
    as_of: AsOfOpt = None,
    period: Annotated[
        Period,
        typer.Option(
            "--period",
            help="周期：month（月度调度）、quarter（季度专题会议）或 year（年终，附绩效考核表）。",
        ),
    ] = Period.MONTH,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="上期通报的日期，比较变化和查找未报送单位的起点；"
            "默认为上一周期的最后一天（月度 2015-06-15 → 2015-05-31）。",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="格式：docx（督查通报）、xlsx、html、md 或 json。"),
    ] = ReportFormat.docx,
    number: Annotated[
        int | None,
        typer.Option("--number", "-n", help="期号，版头写作“第N期”。", callback=_number),
    ] = None,
    issuer: Annotated[
        str, typer.Option("--issuer", help="版头下的发文单位。", callback=_issuer)
    ] = "吉林市人民政府督查室",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="输出文件；以 / 结尾或已存在的文件夹则按默认名写在其中，- 为标准输出。"
            "默认 md、json 写到标准输出，docx、xlsx、html 按期号和日期命名写在当前目录。",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖已存在的文件。")] = False,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    month: MonthOpt = None,
    quarter: QuarterOpt = None,
    before: BeforeOpt = None,
    search: SearchOpt = None,
    start: StartOpt = None,
    yellow: YellowOpt = 10,
    red: RedOpt = 30,
    db: DbOpt = None,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """按台账生成督查通报：总体进展、分类别、牵头单位排名、逾期和红灯、即将到期、未报送单位和变化。

    数字与 progress list 出自同一计算；--period year 另附年终绩效（按期完成、逾期完成、未完成）。

    例：minsheng report --as-of 2015-06-30 --number 6
    """
    from minsheng_cli import query
    from minsheng_cli.report.figures import Options, compute
    from minsheng_cli.report.formats import TEXT_FORMATS, default_path, renderer_for

    if output == "":
        raise typer.BadParameter("不能为空；要写在当前目录，请省略 -o", param_hint="--output")
    chosen = task_filter(unit, lead, category, month, quarter, before, search)
    when, begin, thresholds = schedule_options(as_of, start, yellow, red)
    previous = parse_date("--since", since)
    if previous is not None and previous >= when:
        raise typer.BadParameter(
            f"上期日期 {previous.isoformat()} 应早于截至日期 {when.isoformat()}",
            param_hint="--since",
        )
    loaded = load(notice, year, overlay)
    tasks = query.select(loaded, chosen)
    words = query.filter_words(loaded, chosen, tuple(query.resolve_targets(loaded, chosen.units)))
    to_stdout = output in ("-", "/dev/stdout") or (output is None and fmt in TEXT_FORMATS)
    if to_stdout and fmt not in TEXT_FORMATS and sys.stdout.isatty():
        raise typer.BadParameter(
            f"{fmt.value} 是二进制文件，不能写到终端；请用 -o 指定文件", param_hint="--output"
        )
    path = None if to_stdout else default_path(number, when, fmt, words, output)
    if path is not None:
        from minsheng_cli.export.files import check_targets, remove_stale_temporaries

        check_targets([path], force=force)
        if remove_stale_temporaries([path.parent]):
            note("已清理中断的写入遗留的临时文件")
    with _busy("正在读取台账"):
        with open_ledger(db) as ledger:
            warn_changed(ledger, loaded)
            history = ledger.reports(loaded)
            actuals = ledger.actuals(loaded)
    options = Options(
        as_of=when,
        period=period,
        since=previous,
        start=begin,
        thresholds=thresholds,
        issuer=issuer,
        number=number,
        filters=tuple(words),
    )
    with _busy("正在计算"):
        figures = compute(loaded, tasks, history, options, actuals)
    if figures.note:
        note(f"提示：{figures.note}")
    chart = _chart(figures) if fmt is ReportFormat.docx else None
    render = renderer_for(fmt, chart=chart)
    if path is None:
        _to_stdout(render, figures, fmt)
        return
    from minsheng_cli.export.files import atomic_write

    with _busy(f"正在写入 {visible(str(path))}"):
        atomic_write(path, lambda stream: render(figures, stream), force=force)
    print(visible(str(path)))


def _busy(what: str) -> contextlib.AbstractContextManager[object]:
    """A spinner on a terminal's stderr while a long step runs; nothing otherwise."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from minsheng_cli.cli.output import display

    status: contextlib.AbstractContextManager[object] = (
        display().console(stderr=True).status(what + "……")
    )
    return status


def _to_stdout(render: Renderer, figures: ReportFigures, fmt: ReportFormat) -> None:
    """Text reports reach a terminal with their controls shown, not obeyed (as in cli/output)."""
    import io

    from minsheng_cli.cli.visible import json_safe

    buffer = io.BytesIO()
    render(figures, buffer)
    data = buffer.getvalue()
    if fmt is ReportFormat.json:
        data = json_safe(data.decode("utf-8")).encode("utf-8")
    elif fmt in (ReportFormat.md, ReportFormat.html):
        data = visible(data.decode("utf-8")).encode("utf-8")
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _chart(figures: ReportFigures) -> bytes | None:
    """The lights-by-category picture for Word, or None (and a note) without a Chinese font."""
    from minsheng_cli.report.chart import NO_FONT_NOTE, lights_chart_png

    picture = lights_chart_png(figures)
    if picture is None:
        note(NO_FONT_NOTE)
    return picture
