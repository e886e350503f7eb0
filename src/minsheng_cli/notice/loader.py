"""The one entry point most callers need: a path (or nothing) in, a Notice out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from minsheng_cli._data import DATA_DIR
from minsheng_cli.errors import MinshengError
from minsheng_cli.models import Notice
from minsheng_cli.notice import cache
from minsheng_cli.notice.source import SourceText, read_bytes
from minsheng_cli.overlay import find_overlay

BUNDLED_NAME = "内置通知 data/notice.txt"
"""How messages and `info` refer to the notice shipped with the package."""


def bundled_notice_path() -> Path:
    """The notice shipped inside the package (a copy of data/notice.txt)."""
    packaged = DATA_DIR / "notice.txt"
    if packaged.is_file():
        return packaged
    # An editable install runs from the source tree, where the file sits at the top.
    return Path(__file__).resolve().parents[3] / "data" / "notice.txt"


def load_notice(
    path: Path | None = None, *, year: int | None = None, overlay: Path | None = None
) -> Notice:
    """Read and parse a notice (text, .docx, .html or .xlsx); the bundled one when `path` is None.

    `year` overrides the year taken from the 文号 or title. It must be a year of
    the calendar (1–9999), or MinshengError is raised. `overlay` is the notice's
    minsheng.toml; by default the one beside a notice given as `path`, if any.
    Every task comes with its real recipients (see `recipients.py`).
    """
    if year is not None and not dt.MINYEAR <= year <= dt.MAXYEAR:
        shown = year if abs(year) < 10**12 else "（位数过多）"
        raise MinshengError(f"年度 {shown} 超出公历范围（应在 {dt.MINYEAR}–{dt.MAXYEAR} 之间）")
    name = None if path else BUNDLED_NAME
    overlay = find_overlay(path, overlay)
    path = path or bundled_notice_path()
    data = read_bytes(path)
    entry = cache.entry_path(path, data, year, extra=[overlay] if overlay else [])
    notice = cache.load(entry)
    if notice is None:
        # Imported here: a cache hit needs neither the parser nor its regexes and tables.
        from minsheng_cli.notice.builder import parse_reading
        from minsheng_cli.notice.corrections import apply_corrections
        from minsheng_cli.notice.readers import read_notice
        from minsheng_cli.notice.recipients import apply_recipients
        from minsheng_cli.overlay import read_overlay

        read = read_overlay(overlay) if overlay else None
        # The kind (text, docx, html, xlsx) comes from the bytes, whatever the file's name.
        notice = parse_reading(read_notice(path, data, name=name), year=year)
        # Corrections first, so that a corrected unit is expanded like any other.
        notice = apply_corrections(notice, read)
        notice = apply_recipients(notice, read)
        cache.store(entry, notice)
    return notice


def parse_notice(source: SourceText, year: int | None = None) -> Notice:
    """Parse a decoded text notice. Raises NoticeError only when nothing usable remains."""
    from minsheng_cli.notice.builder import parse_reading
    from minsheng_cli.notice.readers.text import text_reading

    return parse_reading(text_reading(source), year)
