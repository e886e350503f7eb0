"""A saved web page (.html, .htm): its tables, read with the standard library's parser.

The charset is the page's own (<meta charset> or <meta http-equiv
content="...; charset=">), else detected as for a text notice. The page's
text, a line per block (p, div, br, li, headings, rows), gives the front
matter; the tables (nested ones included) that hold the header are the
allocation table, in one part or one part per category (grid.find_tables).
In a cell, <br> and <p> start new lines; rowspan and colspan are spread over
the cells they cover, which are marked merged (rowspan="0" runs to the table's
last row, as in browsers).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from minsheng_cli.errors import NoticeError
from minsheng_cli.notice.grid import Grid, GridCell, GridRow, check_size, find_tables
from minsheng_cli.notice.reading import Reading
from minsheng_cli.notice.source import decode_text

# <meta charset="gbk"> or <meta http-equiv="Content-Type" content="text/html; charset=gbk">.
_CHARSET = re.compile(r"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_CHARSET_HEAD = 4096
# The labels pages use for GBK (WHATWG reads them all as GBK, which GB18030 extends).
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "chinese", "iso-ir-58", "gb18030"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SPACES = re.compile(r"[ \t\r\n\f]+")
_DIGITS = re.compile(r"\d{1,6}")
_SKIP = {"script", "style", "title", "template", "noscript", "head"}
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "dd", "dt", "dl", "tr", "table", "section", "article",
    "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "form",
}  # fmt: skip
_CELL_BREAKS = {"br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"}
_MAX_ROWSPAN = 65534  # as browsers cap them
_MAX_COLSPAN = 1000


@dataclass
class _Cell:
    rowspan: int
    colspan: int
    pieces: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        lines = (line.strip(" ") for line in "".join(self.pieces).split("\n"))
        return "\n".join(line for line in lines if line)


@dataclass
class _Table:
    start: int
    """How many lines of the page's text came before it."""
    end: int | None = None
    """How many lines of the page's text came before its end."""
    rows: list[list[_Cell]] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)
    cell: _Cell | None = None
    in_caption: bool = False


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.tables: list[_Table] = []
        self._line: list[str] = []
        self._open: list[_Table] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip.append(tag)
            return
        if tag in _BLOCKS:
            self._break(tag)
        if tag == "table":
            table = _Table(start=len(self.lines))
            self.tables.append(table)
            self._open.append(table)
        elif not self._open:
            return
        elif tag == "tr":
            self._open[-1].cell = None
            self._open[-1].rows.append([])
        elif tag in ("td", "th"):
            table = self._open[-1]
            values = dict(attrs)
            table.cell = _Cell(
                rowspan=_span(values.get("rowspan"), _MAX_ROWSPAN, zero=True),
                colspan=_span(values.get("colspan"), _MAX_COLSPAN, zero=False),
            )
            if not table.rows:
                table.rows.append([])
            table.rows[-1].append(table.cell)
        elif tag == "caption":
            self._open[-1].in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if tag in self._skip:
                del self._skip[self._skip.index(tag) :]
            return
        if tag in _BLOCKS:
            self._break(tag)
        if not self._open:
            return
        if tag in ("td", "th", "tr"):
            self._open[-1].cell = None
        elif tag == "caption":
            self._open[-1].in_caption = False
        elif tag == "table":
            self._open.pop().end = len(self.lines)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = _SPACES.sub(" ", data)
        self._line.append(text)
        if self._open:
            table = self._open[-1]
            if table.cell is not None:
                table.cell.pieces.append(text)
            elif table.in_caption:
                table.caption.append(text)

    def close(self) -> None:
        super().close()
        self._break("")

    def _break(self, tag: str) -> None:
        line = "".join(self._line).strip(" ")
        if line:
            self.lines.append(line)
        self._line = []
        if tag in _CELL_BREAKS and self._open and self._open[-1].cell is not None:
            self._open[-1].cell.pieces.append("\n")


def read_html(data: bytes, path: str) -> Reading:
    text, encoding = _decode(data, path)
    page = _Page()
    try:
        page.feed(text)
        page.close()
    except (AssertionError, ValueError, IndexError):  # html.parser's own complaints
        raise NoticeError("网页无法解析，不是完整的 HTML 文件", path=path) from None
    cells = 0
    grids: list[Grid] = []
    after = 0  # where the table before ended
    for index, table in enumerate(page.tables, start=1):
        grid = _grid(table, index, path, cells)
        cells += sum(len(row.cells) for row in grid.rows)
        grid.front = page.lines[: table.start]
        grid.lead = page.lines[min(after, table.start) : table.start]
        after = table.end if table.end is not None else len(page.lines)
        grids.append(grid)
    found = find_tables(grids)
    if found is not None:
        return Reading(
            path=path,
            kind="html",
            encoding=f"html; charset={encoding}",
            lines=found.lines,
            front=found.front,
            table=found.table,
            no_table="",
        )
    count = len(page.tables)
    return Reading(
        path=path,
        kind="html",
        encoding=f"html; charset={encoding}",
        lines=[],
        front=page.lines,
        table=None,
        no_table=(
            f"网页的{count}个表格里都没有分工表的表头（序号、工作内容、完成时限、责任单位）"
            if count
            else "网页里没有表格（<table>），找不到分工表"
        ),
    )


def _decode(data: bytes, path: str) -> tuple[str, str]:
    """The page's text and its charset: a BOM, else the meta tag, else detected."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, "replace"), encoding.replace("-sig", "")
    match = _CHARSET.search(data[:_CHARSET_HEAD].decode("latin-1"))
    if match is not None:
        label = match.group(1).lower()
        try:
            codec = codecs.lookup("gb18030" if label in _GB else label).name
        except LookupError:
            codec = None
        # A page whose meta tag can be read in ASCII is not UTF-16 (WHATWG reads it as UTF-8).
        if codec is not None and not codec.startswith(("utf-16", "utf-32")):
            return data.decode(codec, "replace"), label
    return decode_text(data, path)


def _span(value: str | None, largest: int, *, zero: bool) -> int:
    """rowspan/colspan as browsers read it: leading digits, 1 when unreadable."""
    match = _DIGITS.match((value or "").lstrip())
    if match is None:
        return 1
    number = int(match.group(0))
    if number == 0:
        return 0 if zero else 1
    return min(number, largest)


def _grid(table: _Table, index: int, path: str, cells_before: int) -> Grid:
    rows: list[GridRow] = []
    carry: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text)
    total = cells_before
    count = len(table.rows)
    for number, row in enumerate(table.rows, start=1):
        where = f"表{index}第{number}行"
        placed: dict[int, GridCell] = {}
        for column, (left, text) in sorted(carry.items()):
            placed[column] = GridCell(text, f"{where}第{column + 1}列", True)
            if left <= 1:
                del carry[column]
            else:
                carry[column] = (left - 1, text)
        column = 0
        for cell in row:
            while column in placed:
                column += 1
            text = cell.text
            down = min(cell.rowspan or count, count - number + 1)
            total += cell.colspan
            check_size(total, path)
            for k in range(cell.colspan):
                placed[column + k] = GridCell(text, f"{where}第{column + k + 1}列", k > 0)
                if down > 1:
                    carry[column + k] = (down - 1, text)
            column += cell.colspan
        width = max(placed) + 1 if placed else 0
        cells = [placed.get(c) or GridCell("", f"{where}第{c + 1}列") for c in range(width)]
        rows.append(GridRow(number, where, cells))
    caption = "".join(table.caption).strip() or None
    return Grid(rows=rows, place=f"表{index}", title=caption)
