"""The options of commands that read or write the progress ledger (progress, export)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer


def _db_path(value: str) -> Path:
    if not value.strip():
        raise typer.BadParameter("--db 不能为空；要用默认台账时请不写 --db", param_hint="--db")
    return Path(value)


DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="MINSHENG_DB",
        parser=_db_path,
        metavar="PATH",
        help="进度台账文件（也可用环境变量 MINSHENG_DB）；默认在本机的用户数据文件夹中。",
        show_default=False,
    ),
]


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
