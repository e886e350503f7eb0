"""The commands that ask the notice questions: list, due, show, stats, units, ..."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from minsheng_cli import query
from minsheng_cli.cli.app import app, handles_errors, load
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
from minsheng_cli.cli.output import display, emit, emit_tasks
from minsheng_cli.errors import NoticeError, QueryError
from minsheng_cli.models import Notice
from minsheng_cli.notice.loader import load_notice
from minsheng_cli.trusted import dump

if TYPE_CHECKING:
    from minsheng_cli.counts import CategoryCount, MonthCount, UnitCount


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
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """列出事项，可按单位、类别、截止时间和关键词筛选（条件同时满足）。

    例：minsheng list --unit 市民政局
    """
    chosen = task_filter(unit, lead, category, month, quarter, before, search)
    loaded = load(notice, year, overlay)
    tasks = query.select(loaded, chosen)
    emit_tasks(fmt, tasks, query.resolve_targets(loaded, chosen.units))


@app.command()
@handles_errors
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
    overlay: OverlayOpt = None,
) -> None:
    """按截止日期列出到期事项（按日期先后排列，没有具体日期的事项不列出）。

    例：minsheng due --month 10
    """
    chosen = task_filter(unit, lead, category, month, quarter, before, None)
    loaded = load(notice, year, overlay)
    tasks = [t for t in query.select(loaded, chosen) if t.deadline.date]
    emit_tasks(fmt, query.by_deadline(tasks), query.resolve_targets(loaded, chosen.units))


@app.command()
@handles_errors
def show(
    number: Annotated[int, typer.Argument(help="事项序号。", show_default=False)],
    *,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """显示一个事项的全部信息，包括它在通知原文中的行。

    例：minsheng show 62
    """
    loaded = load(notice, year, overlay)
    tasks = [t for t in loaded.tasks if t.number == number]
    if not tasks:
        raise QueryError(f"通知中没有第{number}项（共{len(loaded.tasks)}项）")
    from minsheng_cli import serialize

    emit(
        fmt,
        table=lambda: display().task_details(loaded, tasks),
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
@handles_errors
def stats(
    *,
    unit: UnitOpt = None,
    lead: LeadOpt = False,
    category: CategoryOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """统计事项数：按类别、按截止月份、按责任单位（牵头与配合）。

    例：minsheng stats
    """
    loaded = load(notice, year, overlay)
    tasks = query.select(loaded, task_filter(unit, lead, category, None, None, None, None))
    from minsheng_cli.counts import category_counts, month_counts, unit_counts

    categories = category_counts(tasks, _declared(loaded))
    months = month_counts(tasks)
    units = unit_counts(tasks)
    emit(
        fmt,
        table=lambda: display().stats_view(categories, units, months),
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
    categories: list[CategoryCount],
    months: list[MonthCount],
    units: list[UnitCount],
) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    rows += [["类别", c.name or query.UNCATEGORISED_LABEL, c.count, "", ""] for c in categories]
    rows += [["截止月份", m.label, m.count, "", ""] for m in months]
    rows += [["责任单位", u.name, u.total, u.lead, u.supporting] for u in units]
    return rows


def _declared(notice: Notice) -> dict[str, int]:
    return {k: v for k, v in notice.meta.category_counts.items() if v is not None}


def _category_record(c: CategoryCount) -> dict[str, Any]:
    return {"category": c.name, "count": c.count, "declared": c.declared}


def _unit_record(u: UnitCount) -> dict[str, Any]:
    return {"unit": u.name, "lead": u.lead, "supporting": u.supporting, "total": u.total}


@app.command()
@handles_errors
def units(
    *,
    recipients: Annotated[
        bool,
        typer.Option(
            "--recipients",
            help="列出实际接收单位（统称展开后的每个县（市）区、开发区等），含经统称分到的事项。",
        ),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """列出全部责任单位（规范名称）及其牵头、配合的事项数；统称同时列出它代表的单位。

    例：minsheng units --recipients
    """
    loaded = load(notice, year, overlay)
    if recipients:
        from minsheng_cli.counts import recipient_counts

        counts = recipient_counts(loaded.tasks)
        emit(
            fmt,
            table=lambda: display().units_table(counts, heading="实际接收单位"),
            records=lambda: [
                {"recipient": u.name, "lead": u.lead, "supporting": u.supporting, "total": u.total}
                for u in counts
            ],
            rows=lambda: (
                ["实际接收单位", "牵头", "配合", "合计"],
                [[u.name, u.lead, u.supporting, u.total] for u in counts],
            ),
        )
        return
    from minsheng_cli.counts import unit_counts

    counts = unit_counts(loaded.tasks)
    groups = loaded.recipient_table.groups
    emit(
        fmt,
        table=lambda: display().units_table(counts, groups=groups),
        records=lambda: [{**_unit_record(u), "members": groups.get(u.name)} for u in counts],
        rows=lambda: (
            ["责任单位", "牵头", "配合", "合计", "统称代表的单位"],
            [
                [u.name, u.lead, u.supporting, u.total, "、".join(groups.get(u.name, []))]
                for u in counts
            ],
        ),
    )


@app.command()
@handles_errors
def categories(
    *,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """列出全部类别及事项数，并与原文标明的“（N项）”对照。

    例：minsheng categories
    """
    loaded = load(notice, year, overlay)
    from minsheng_cli.counts import category_counts

    counts = category_counts(loaded.tasks, _declared(loaded))
    emit(
        fmt,
        table=lambda: display().categories_table(counts),
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
@handles_errors
def info(
    *,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """显示通知的基本信息：文号、发文机关、标题、年度、主送机关、附件和声明的总数。

    例：minsheng info
    """
    loaded = load(notice, year, overlay)
    facts = query.notice_facts(loaded)
    emit(
        fmt,
        table=lambda: display().facts_table(facts),
        records=lambda: dump(loaded.meta),
        rows=lambda: (["项目", "内容"], [[label, value] for label, value in facts]),
    )


@app.command()
@handles_errors
def validate(
    *,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以退出码 1 结束。")] = False,
    fmt: FormatOpt = OutputFormat.table,
    notice: NoticeOpt = None,
    year: YearOpt = None,
    overlay: OverlayOpt = None,
) -> None:
    """检查通知，逐条列出问题及所在行；有错误时以退出码 1 结束。

    例：minsheng validate --notice 通知.txt
    """
    from minsheng_cli.models import Problem, Severity

    path = str(notice) if notice else "内置通知"
    try:
        problems = load_notice(notice, year=year, overlay=overlay).problems
    except NoticeError as exc:
        problems = [
            Problem(severity=Severity.ERROR, code="unusable", message=exc.message, line=exc.line)
        ]
    emit(
        fmt,
        table=lambda: display().problems_table(problems, path),
        records=lambda: [dump(p) for p in problems],
        rows=lambda: (
            ["级别", "行号", "位置", "序号", "代码", "说明"],
            [
                [p.severity.value, p.line or "", p.position or "", p.task or "", p.code, p.message]
                for p in problems
            ],
        ),
    )
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    if errors or (strict and any(p.severity is Severity.WARNING for p in problems)):
        raise typer.Exit(1)
