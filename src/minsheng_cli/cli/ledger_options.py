"""The options of commands that read or write the progress ledger (progress, export, report)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from minsheng_cli.cli.app import note
from minsheng_cli.cli.options import parse_date

if TYPE_CHECKING:
    from minsheng_cli.ledger.schedule import Thresholds
    from minsheng_cli.ledger.store import Ledger
    from minsheng_cli.models import Notice


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


def _threshold(value: float) -> float:
    if not 0 <= value <= 100:
        raise typer.BadParameter(f"阈值应在 0–100 之间，收到 {value:g}")
    return value


AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="截至该日的状态（YYYY-MM-DD，默认今天）；填报日期在其后的填报不计。",
    ),
]
StartOpt = Annotated[
    str | None,
    typer.Option(
        "--start", metavar="DATE", help="计算序时进度的起始日（默认通知年度的 1 月 1 日）。"
    ),
]
YellowOpt = Annotated[
    float,
    typer.Option("--yellow", help="落后序时进度超过这么多个百分点亮黄灯。", callback=_threshold),
]
RedOpt = Annotated[
    float,
    typer.Option("--red", help="落后序时进度超过这么多个百分点亮红灯。", callback=_threshold),
]


def open_ledger(db: Path | None) -> Ledger:
    from minsheng_cli.ledger.store import Ledger

    return Ledger.open(db)


def warn_changed(ledger: Ledger, notice: Notice, *, reading: bool = True) -> None:
    if not ledger.exists:
        if not reading:
            return
        note(f"提示：台账 {ledger.path} 还不存在，全部事项按未报送显示。")
        return
    changed = ledger.changed_tasks(notice)
    if changed:
        shown = "、".join(f"第{n}项" for n in changed[:20]) + ("等" if len(changed) > 20 else "")
        note(
            f"提示：通知与台账首次使用它时相比有改动：{shown}（进度仍按序号对应，请核对这些事项）。"
        )


def schedule_options(
    as_of: str | None, start: str | None, yellow: float, red: float
) -> tuple[dt.date, dt.date | None, Thresholds]:
    from minsheng_cli.ledger.schedule import Thresholds

    if yellow > red:
        raise typer.BadParameter(
            f"--yellow（{yellow:g}）不能大于 --red（{red:g}）", param_hint="--yellow"
        )
    when = parse_date("--as-of", as_of) or dt.date.today()
    return when, parse_date("--start", start), Thresholds(yellow, red)
