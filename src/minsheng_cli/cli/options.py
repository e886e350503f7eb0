"""The options several commands share, and their checks."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli import query
from minsheng_cli.models import UNCATEGORISED, Notice


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


def parse_date(option: str, value: str | None) -> dt.date | None:
    """A YYYY-MM-DD option value, or a usage error naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        from minsheng_cli.cli.visible import visible

        raise typer.BadParameter(
            f"{option} 的日期应写成 YYYY-MM-DD，如 2015-06-30，收到“{visible(value)}”",
            param_hint=option,
        ) from None


def _before(value: str | None) -> str | None:
    parse_date("--before", _filled_text("--before", value))
    return value


FIRST_YEAR, LAST_YEAR = 1949, 2100


def _year(value: int | None) -> int | None:
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        shown = str(value) if len(str(abs(value))) <= 12 else f"{str(value)[:12]}…"
        raise typer.BadParameter(f"--year 应在 {FIRST_YEAR}–{LAST_YEAR} 之间，收到 {shown}")
    return value


def _filled_text(option: str, value: str | None, instead: str = "") -> str | None:
    """An option given as '' or blanks is a mistake, not "no filter": say so."""
    if value is not None and not value.strip():
        raise typer.BadParameter(
            f"{option} 不能为空；{instead or f'不需要这个条件时请不写 {option}'}"
        )
    return value


def _filled(param: typer.CallbackParam, value: str | None) -> str | None:
    return _filled_text(param.opts[0], value)


def _filled_all(param: typer.CallbackParam, values: list[str] | None) -> list[str] | None:
    for value in values or []:
        _filled_text(param.opts[0], value)
    return values


def _overlay_path(value: str) -> Path:
    _filled_text("--overlay", value)
    return Path(value)


def _category(value: str | None) -> str | None:
    return _filled_text("--category", value, f"原文没有类别的事项请用 --category {UNCATEGORISED}")


def _notice_path(value: str) -> Path:
    _filled_text("--notice", value)
    return Path(value)


# --- shell completion: the notice is read only when the shell asks -------------------------


def _completing_notice(ctx: typer.Context) -> Notice | None:
    """The notice of the command line being completed: --notice, MINSHENG_NOTICE or the bundled."""
    import os

    from minsheng_cli.errors import MinshengError
    from minsheng_cli.notice.loader import load_notice

    given = ctx.params.get("notice") or os.environ.get("MINSHENG_NOTICE") or None
    try:
        return load_notice(Path(given) if given else None)
    except (MinshengError, OSError, ValueError):
        return None  # a half-typed --notice: complete nothing rather than fail the shell


def _matching(names: list[str], incomplete: str) -> list[str]:
    # Typer keeps only what starts with the typed text, as the shells expect.
    return [name for name in dict.fromkeys(names) if name.startswith(incomplete)]


def complete_unit(ctx: typer.Context, incomplete: str) -> list[str]:
    """--unit: the notice's units, then its real recipients (such as 船营区)."""
    notice = _completing_notice(ctx)
    if notice is None:
        return []
    names = [*query.all_units(notice), *query.all_recipients(notice)]
    return _matching(names, incomplete)


def complete_category(ctx: typer.Context, incomplete: str) -> list[str]:
    """--category: the notice's categories, and 未标注 when some tasks have none."""
    notice = _completing_notice(ctx)
    if notice is None:
        return []
    names = [t.category or UNCATEGORISED for t in notice.tasks]
    return _matching(names, incomplete)


NoticeOpt = Annotated[
    Path | None,
    typer.Option(
        "--notice",
        envvar="MINSHENG_NOTICE",
        parser=_notice_path,
        metavar="PATH",
        help="通知文件（也可用环境变量 MINSHENG_NOTICE）；默认使用内置的吉市政办发〔2015〕3号。",
        show_default=False,
    ),
]
OverlayOpt = Annotated[
    Path | None,
    typer.Option(
        "--overlay",
        parser=_overlay_path,
        metavar="FILE.toml",
        help="通知的补充文件（统称成员等）；默认使用 --notice 所在文件夹中的 minsheng.toml。",
        show_default=False,
    ),
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        help=f"换算时限所用的年度（{FIRST_YEAR}–{LAST_YEAR}）；默认取自文号或标题。",
        show_default=False,
        callback=_year,
    ),
]
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="输出格式：table、json 或 csv。")
]
UnitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--unit",
        "-u",
        help="责任单位或实际接收单位，规范名称或简称均可（如 民政局、船营区）；"
        "可给多次，列出其中任一单位的事项。",
        callback=_filled_all,
        show_default=False,
        autocompletion=complete_unit,
    ),
]
LeadOpt = Annotated[bool, typer.Option("--lead", help="只要该单位牵头的事项（须与 --unit 同用）。")]
CategoryOpt = Annotated[
    str | None,
    typer.Option(
        "--category",
        "-c",
        help="类别名称；“未标注”选出原文没有类别的事项。",
        callback=_category,
        autocompletion=complete_category,
    ),
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
    typer.Option(
        "--before",
        help="截止日期不晚于该日（含），格式 YYYY-MM-DD。",
        metavar="DATE",
        callback=_before,
    ),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search", "-s", help="工作内容包含这些词（空格分隔，须全部包含）。", callback=_filled
    ),
]


def task_filter(
    units: list[str] | None,
    lead: bool,
    category: str | None,
    month: int | None,
    quarter: int | None,
    before: str | None,
    search: str | None,
) -> query.TaskFilter:
    """The library's filter from the shared options."""
    if lead and not units:
        raise typer.BadParameter("--lead 须与 --unit 一起使用", param_hint="--lead")
    chosen = tuple(dict.fromkeys(units or []))
    return query.TaskFilter(
        chosen, lead, category, month, quarter, parse_date("--before", before), search
    )
