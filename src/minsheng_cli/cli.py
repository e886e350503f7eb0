"""The `minsheng` command line. Each command reads options, calls the library, shows the result."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from minsheng_cli import query
from minsheng_cli.errors import MinshengError, NoticeError, QueryError
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.loader import load_notice
from minsheng_cli.models import Notice, Task

if TYPE_CHECKING:
    from rich.console import RenderableType

app = typer.Typer(
    name="minsheng",
    help="解析民生改善工作通知的分工表，按单位、类别、时限查询事项并导出文档。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

P = ParamSpec("P")
R = TypeVar("R")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _month(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 12:
        raise typer.BadParameter(f"月份应在 1–12 之间，收到 {value}")
    return value


def _quarter(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 4:
        raise typer.BadParameter(f"季度应在 1–4 之间，收到 {value}")
    return value


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"日期应写成 YYYY-MM-DD，如 2015-10-31，收到“{value}”") from None


NoticeOpt = Annotated[
    Path | None,
    typer.Option(
        "--notice",
        envvar="MINSHENG_NOTICE",
        help="通知文件（也可用环境变量 MINSHENG_NOTICE）；默认使用内置的吉市政办发〔2015〕3号。",
        show_default=False,
    ),
]
YearOpt = Annotated[
    int | None,
    typer.Option("--year", help="换算时限所用的年度；默认取自文号或标题。", show_default=False),
]
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="输出格式：table、json 或 csv。")
]
UnitOpt = Annotated[
    str | None, typer.Option("--unit", "-u", help="责任单位，规范名称或简称均可（如 民政局）。")
]
LeadOpt = Annotated[bool, typer.Option("--lead", help="只要该单位牵头的事项（须与 --unit 同用）。")]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", "-c", help="类别名称；“未标注”选出原文没有类别的事项。")
]
MonthOpt = Annotated[
    int | None,
    typer.Option("--month", "-m", help="截止日期在通知年度的该月（1–12）。", callback=_month),
]
QuarterOpt = Annotated[
    int | None,
    typer.Option("--quarter", "-q", help="截止日期在通知年度的该季度（1–4）。", callback=_quarter),
]
BeforeOpt = Annotated[
    str | None,
    typer.Option("--before", help="截止日期不晚于该日（含），格式 YYYY-MM-DD。", metavar="DATE"),
]
SearchOpt = Annotated[
    str | None, typer.Option("--search", "-s", help="工作内容包含这些词（空格分隔，须全部包含）。")
]


def _handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn our own errors into a Chinese message and exit code 1; let real bugs through."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = command(*args, **kwargs)
        except MinshengError as exc:
            _notes.clear()
            print(f"错误：{exc.message}", file=sys.stderr)
            for line in exc.details:
                print(line, file=sys.stderr)
            raise typer.Exit(1) from None
        sys.stdout.flush()  # keep the note below the output when both go to one terminal
        for note in _notes:
            print(note, file=sys.stderr)
        _notes.clear()
        return result

    return wrapper


# Said on stderr once the command's own output is out, so it is not scrolled away.
_notes: list[str] = []


def _load(notice: Path | None, year: int | None) -> Notice:
    loaded = load_notice(notice, year=year)
    if loaded.warnings:
        _notes.append(
            f"提示：通知有 {len(loaded.warnings)} 个警告，"
            "运行 minsheng validate 查看（不影响以上结果）。"
        )
    return loaded


def _filter(
    unit: str | None,
    lead: bool,
    category: str | None,
    month: int | None,
    quarter: int | None,
    before: str | None,
    search: str | None,
) -> query.TaskFilter:
    if lead and not unit:
        raise typer.BadParameter("--lead 须与 --unit 一起使用", param_hint="--lead")
    return query.TaskFilter(unit, lead, category, month, quarter, _date(before), search)


def _emit(
    fmt: OutputFormat,
    *,
    table: Callable[[], RenderableType],
    records: Callable[[], Any],
    rows: Callable[[], tuple[Sequence[str], Sequence[Sequence[str | int]]]],
) -> None:
    if fmt is OutputFormat.table:
        from minsheng_cli import display

        display.console().print(table())
    elif fmt is OutputFormat.json:
        import json

        sys.stdout.write(json.dumps(records(), ensure_ascii=False, indent=2) + "\n")
    else:
        from minsheng_cli.serialize import to_csv

        sys.stdout.write(to_csv(*rows()))


def _emit_tasks(fmt: OutputFormat, tasks: list[Task], unit: str | None = None) -> None:
    """Show tasks; for a unit's query, tables and CSV also say whether it leads or supports."""

    def records() -> list[dict[str, Any]]:
        from minsheng_cli.serialize import task_record

        return [task_record(t) for t in tasks]

    def rows() -> tuple[list[str], list[list[str | int]]]:
        from minsheng_cli.serialize import TASK_HEADERS, task_row

        if unit is None:
            return TASK_HEADERS, [task_row(t) for t in tasks]
        return [*TASK_HEADERS, "本单位职责"], [
            [*task_row(t), query.role_of(t, unit)] for t in tasks
        ]

    _emit(fmt, table=lambda: _display().tasks_table(tasks, unit), records=records, rows=rows)


def _display() -> Any:
    from minsheng_cli import display

    return display


@app.command("list")
@_handles_errors
def list_(
    *,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    month: MonthOpt = None,
    quarter: QuarterOpt = None,
    before: BeforeOpt = None,
    search: SearchOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """列出事项，可按单位、类别、截止时间和关键词筛选（条件同时满足）。

    例：minsheng list --unit 市民政局
    """
    task_filter = _filter(unit, lead, category, month, quarter, before, search)
    loaded = _load(notice, year)
    tasks = query.select(loaded, task_filter)
    _emit_tasks(fmt, tasks, query.resolve_unit(loaded, unit) if unit else None)


@app.command()
@_handles_errors
def due(
    *,
    month: MonthOpt = None,
    quarter: QuarterOpt = None,
    before: BeforeOpt = None,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """按截止日期列出到期事项（按日期先后排列，没有具体日期的事项不列出）。

    例：minsheng due --month 10
    """
    task_filter = _filter(unit, lead, category, month, quarter, before, None)
    loaded = _load(notice, year)
    tasks = [t for t in query.select(loaded, task_filter) if t.deadline.date]
    _emit_tasks(fmt, query.by_deadline(tasks), query.resolve_unit(loaded, unit) if unit else None)


@app.command()
@_handles_errors
def show(
    number: Annotated[int, typer.Argument(help="事项序号。", show_default=False)],
    *,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """显示一个事项的全部信息，包括它在通知原文中的行。

    例：minsheng show 62
    """
    loaded = _load(notice, year)
    tasks = [t for t in loaded.tasks if t.number == number]
    if not tasks:
        raise QueryError(f"通知中没有第{number}项（共{len(loaded.tasks)}项）")
    from minsheng_cli import serialize

    _emit(
        fmt,
        table=lambda: _display().task_details(loaded, tasks),
        records=lambda: [
            {
                **serialize.task_record(t),
                "source": [{"line": n, "text": s} for n, s in loaded.source_excerpt(t)],
            }
            for t in tasks
        ],
        rows=lambda: (serialize.TASK_HEADERS, [serialize.task_row(t) for t in tasks]),
    )


@app.command()
@_handles_errors
def stats(
    *,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """统计事项数：按类别、按截止月份、按责任单位（牵头与配合）。

    例：minsheng stats
    """
    loaded = _load(notice, year)
    tasks = query.select(loaded, _filter(unit, lead, category, None, None, None, None))
    categories = query.category_counts(tasks, _declared(loaded))
    months = query.month_counts(tasks)
    units = query.unit_counts(tasks)
    _emit(
        fmt,
        table=lambda: _display().stats_view(categories, units, months),
        records=lambda: {
            "total": len(tasks),
            "categories": [_category_record(c) for c in categories],
            "months": [{"month": m.label, "count": m.count} for m in months],
            "units": [_unit_record(u) for u in units],
        },
        rows=lambda: (
            ["维度", "名称", "事项数", "牵头", "配合"],
            _stats_rows(categories, months, units),
        ),
    )


def _stats_rows(
    categories: list[query.CategoryCount],
    months: list[query.MonthCount],
    units: list[query.UnitCount],
) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    rows += [["类别", c.name or query.UNCATEGORISED_LABEL, c.count, "", ""] for c in categories]
    rows += [["截止月份", m.label, m.count, "", ""] for m in months]
    rows += [["责任单位", u.name, u.total, u.lead, u.supporting] for u in units]
    return rows


def _declared(notice: Notice) -> dict[str, int]:
    return {k: v for k, v in notice.meta.category_counts.items() if v is not None}


def _category_record(c: query.CategoryCount) -> dict[str, Any]:
    return {"category": c.name, "count": c.count, "declared": c.declared}


def _unit_record(u: query.UnitCount) -> dict[str, Any]:
    return {"unit": u.name, "lead": u.lead, "supporting": u.supporting, "total": u.total}


@app.command()
@_handles_errors
def units(
    *,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """列出全部责任单位（规范名称）及其牵头、配合的事项数。

    例：minsheng units
    """
    counts = query.unit_counts(_load(notice, year).tasks)
    _emit(
        fmt,
        table=lambda: _display().units_table(counts),
        records=lambda: [_unit_record(u) for u in counts],
        rows=lambda: (
            ["责任单位", "牵头", "配合", "合计"],
            [[u.name, u.lead, u.supporting, u.total] for u in counts],
        ),
    )


@app.command()
@_handles_errors
def categories(
    *,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """列出全部类别及事项数，并与原文标明的“（N项）”对照。

    例：minsheng categories
    """
    loaded = _load(notice, year)
    counts = query.category_counts(loaded.tasks, _declared(loaded))
    _emit(
        fmt,
        table=lambda: _display().categories_table(counts),
        records=lambda: [_category_record(c) for c in counts],
        rows=lambda: (
            ["类别", "标明项数", "实有项数"],
            [
                [
                    c.name or query.UNCATEGORISED_LABEL,
                    c.declared if c.declared is not None else "",
                    c.count,
                ]
                for c in counts
            ],
        ),
    )


@app.command()
@_handles_errors
def info(
    *,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """显示通知的基本信息：文号、发文机关、标题、年度、主送机关、附件和声明的总数。

    例：minsheng info
    """
    loaded = _load(notice, year)
    facts = query.notice_facts(loaded)
    _emit(
        fmt,
        table=lambda: _display().facts_table(facts),
        records=lambda: loaded.meta.model_dump(mode="json"),
        rows=lambda: (["项目", "内容"], [[label, value] for label, value in facts]),
    )


@app.command()
def validate(
    *,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以退出码 1 结束。")] = False,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
) -> None:
    """检查通知，逐条列出问题及所在行；有错误时以退出码 1 结束。

    例：minsheng validate --notice 通知.txt
    """
    from minsheng_cli.models import Problem, Severity

    path = str(notice) if notice else "内置通知"
    try:
        problems = load_notice(notice, year=year).problems
    except NoticeError as exc:
        problems = [
            Problem(severity=Severity.ERROR, code="unusable", message=exc.message, line=exc.line)
        ]
    _emit(
        fmt,
        table=lambda: _display().problems_table(problems, path),
        records=lambda: [p.model_dump(mode="json") for p in problems],
        rows=lambda: (
            ["级别", "行号", "序号", "代码", "说明"],
            [[p.severity.value, p.line or "", p.task or "", p.code, p.message] for p in problems],
        ),
    )
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    if errors or (strict and problems):
        raise typer.Exit(1)


@app.command()
@_handles_errors
def export(
    *,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="文件格式：xlsx、docx、csv、json 或 md。")
    ] = ExportFormat.xlsx,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="输出文件；配合 --split-by 时为输出文件夹。"
            "默认按通知和筛选条件命名，写在当前目录。",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖已存在的文件。")] = False,
    split_by: Annotated[
        SplitBy | None,
        typer.Option(
            "--split-by", help="按 unit（责任单位）或 category（类别）拆分，每个一份文件。"
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
) -> None:
    """把事项导出为 Excel、Word、CSV、JSON 或 Markdown 文件，可先筛选、可按单位拆分。

    例：minsheng export --format xlsx --unit 市民政局
    """
    from minsheng_cli.export.plan import plan_export, write_planned

    task_filter = _filter(unit, lead, category, month, quarter, before, search)
    planned = plan_export(_load(notice, year), task_filter, fmt, output=output, split_by=split_by)
    written = write_planned(planned, fmt, force=force)
    if len(planned) <= 3:
        for path in written:
            print(path)
        return
    from rich.progress import Progress

    with Progress(console=_display().console(stderr=True), transient=True) as progress:
        job = progress.add_task("正在导出", total=len(planned))
        for _path in written:
            progress.advance(job)
    for item in planned:
        print(item.path)
    print(f"共写入 {len(planned)} 个文件，位于 {planned[0].path.parent}", file=sys.stderr)


def main() -> None:
    app()
