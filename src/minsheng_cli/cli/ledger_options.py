"""The options of commands that read or write the progress ledger (progress, export)."""

from __future__ import annotations

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
