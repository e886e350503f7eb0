"""The plain-text dump: bytes to lines (source.py), then the tab-led cells (table.py),
or one cell a line as a browser copies a web page (readers/copied.py)."""

from __future__ import annotations

from pathlib import Path

from minsheng_cli.notice.reading import Reading
from minsheng_cli.notice.source import SourceText, read_source
from minsheng_cli.notice.table import find_table

NO_TABLE = "没有找到分工表：缺少以制表符开头的表头（序号、工作内容、完成时限、责任单位）"


def read_text(path: Path, data: bytes, name: str) -> Reading:
    return text_reading(read_source(path, data, name=name))


def text_reading(source: SourceText) -> Reading:
    """The table of decoded text; the lines before it are the front matter."""
    table = find_table(source.lines)
    if table is None:
        # A web page copied by a browser: one cell a line, no tabs.
        from minsheng_cli.notice.readers.copied import find_copied_table

        table = find_copied_table(source.lines)
    return Reading(
        path=source.path,
        kind="text",
        encoding=source.encoding,
        lines=source.lines,
        front=source.lines[: table.start_line - 1] if table else [],
        table=table,
        no_table=NO_TABLE,
        problems=list(source.problems),
    )
