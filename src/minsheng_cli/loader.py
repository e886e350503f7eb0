"""The one entry point most callers need: a path (or nothing) in, a Notice out."""

from __future__ import annotations

from pathlib import Path

from minsheng_cli._data import DATA_DIR
from minsheng_cli.models import Notice
from minsheng_cli.parser import parse_notice
from minsheng_cli.source import read_source


def bundled_notice_path() -> Path:
    """The notice shipped inside the package (a copy of data/notice.txt)."""
    packaged = DATA_DIR / "notice.txt"
    if packaged.is_file():
        return packaged
    # An editable install runs from the source tree, where the file sits at the top.
    return Path(__file__).resolve().parents[2] / "data" / "notice.txt"


def load_notice(path: Path | None = None, *, year: int | None = None) -> Notice:
    """Read and parse a notice; the bundled one when `path` is None.

    `year` overrides the year taken from the 文号 or title.
    """
    return parse_notice(read_source(path or bundled_notice_path()), year=year)
