"""Text to rows: find the cells of the allocation table in a plain-text dump.

The dump writes each table cell starting with a tab at the start of a line
(optionally after spaces); a cell runs on over the following lines until the
next cell starts. Cells are then grouped into rows: a cell holding only a
number starts a row.

The same Table, Row and Cell also carry what the other readers found (see
grid.py): there a "line" is a row of the table or the sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from minsheng_cli._data import load_table

# Optional non-tab whitespace, then the tab that opens a cell.
_CELL_START = re.compile(r"^[^\S\t\n]*\t")
_ROW_NUMBER = re.compile(r"(\d+)[.、．]?")

MAX_TASK_NUMBER = 999_999_999
"""The largest task number taken as one. A longer run of digits still starts a row
(so that its cells are not swallowed by the row above), but the parser drops it."""
_SPACE = re.compile(r"\s+")


@dataclass
class Cell:
    """One table cell: its text lines as written and the line numbers they span.

    `position` says where it is in the reader's terms ("第12行", "表1第3行第2列",
    "分工表!C12"); `merged` that its value came from a merged cell above or beside
    it. `last_line` is set by readers whose cells are one row tall whatever the
    lines of their text.
    """

    line: int
    lines: list[str] = field(default_factory=list)
    position: str = ""
    merged: bool = False
    last_line: int | None = None

    @property
    def end(self) -> int:
        """The last line that holds text (trailing blank lines belong to no cell)."""
        if self.last_line is not None:
            return self.last_line
        filled = [i for i, text in enumerate(self.lines) if text.strip()]
        return self.line + (filled[-1] if filled else 0)

    @property
    def parts(self) -> list[str]:
        """The non-blank lines, stripped of surrounding whitespace (U+00A0, U+3000 too)."""
        return [text.strip() for text in self.lines if text.strip()]

    @property
    def compact(self) -> str:
        """All text with every whitespace removed: for headers, labels and numbers."""
        return _SPACE.sub("", "".join(self.lines))


@dataclass
class Row:
    number: int
    number_cell: Cell
    cells: list[Cell]
    position: str = ""
    """Where the row starts, in the reader's terms (a task's `position`)."""
    items: list[tuple[list[str], list[str]]] = field(default_factory=list)
    """(content lines, deadline lines) of each sub-item, when the 序号 holds several."""

    @property
    def line(self) -> int:
        return self.number_cell.line

    @property
    def end(self) -> int:
        return max([self.number_cell.end, *(c.end for c in self.cells)])


@dataclass
class Table:
    """The allocation table: header columns in order, then its rows."""

    start_line: int
    header_line: int
    columns: list[str]
    caption: str | None
    rows: list[Row]
    stray_cells: list[Cell]
    trailing_line: int | None
    place: str = ""
    """What comes before 第N行 in a range of lines: "" for text, "表1" for a Word table."""
    places: dict[int, tuple[str, int]] = field(default_factory=dict)
    """Line → (table, its row) where the lines run on over several tables: 表2, 3."""
    positions: dict[int, str] = field(default_factory=dict)
    """Line → where that row starts in the reader's terms (表1第3行, 分工表!A5); none for text."""

    def span(self, start: int, end: int) -> str:
        """A range of lines (rows) in the reader's terms: 第3–9行, 表1第3–9行."""
        if start in self.places and end in self.places:
            (first, row), (last, end_row) = self.places[start], self.places[end]
            if first == last:
                return f"{first}第{row}–{end_row}行"
            return f"{first}第{row}行至{last}第{end_row}行"
        return f"{self.place}第{start}–{end}行"


@cache
def header_names() -> dict[str, str]:
    """Map each accepted header spelling to its column key (data/columns.toml)."""
    return {name: key for key, names in load_table("columns").items() for name in names}


def find_cells(lines: list[str]) -> list[Cell]:
    """Every cell in the text, in order. Lines before the first cell are not cells."""
    cells: list[Cell] = []
    for number, text in enumerate(lines, start=1):
        match = _CELL_START.match(text)
        if match is None:
            if cells:
                cells[-1].lines.append(text)
            continue
        # Further tabs on the same line open further cells on that line.
        for piece in text[match.end() :].split("\t"):
            cells.append(Cell(line=number, lines=[piece], position=f"第{number}行"))
    return cells


def find_table(lines: list[str]) -> Table | None:
    """Locate the header and group the cells after it into rows; None if no header."""
    cells = find_cells(lines)
    names = header_names()
    start = next((i for i, cell in enumerate(cells) if cell.compact in names), None)
    if start is None:
        return None
    stop = start
    while stop < len(cells) and cells[stop].compact in names:
        stop += 1
    columns = [names[cell.compact] for cell in cells[start:stop]]
    if "number" not in columns or "content" not in columns:
        return None
    caption_cells = [c for c in cells[:start] if c.parts]
    rows: list[Row] = []
    stray: list[Cell] = []
    for cell in cells[stop:]:
        match = _ROW_NUMBER.fullmatch(cell.compact)
        if match is not None:
            number = task_number(match.group(1))
            rows.append(Row(number=number, number_cell=cell, cells=[], position=cell.position))
        elif rows:
            rows[-1].cells.append(cell)
        else:
            stray.append(cell)
    trailing = _cut_trailing_text(rows[-1], len(columns)) if rows else None
    first = cells[0].line if cells else 1
    return Table(
        start_line=first,
        header_line=cells[start].line,
        columns=columns,
        caption="".join(caption_cells[-1].parts) if caption_cells else None,
        rows=rows,
        stray_cells=stray,
        trailing_line=trailing,
    )


def row_number(compact: str) -> int | None:
    """The task number a cell's compact text starts a row with ("12", "12、"), or None."""
    match = _ROW_NUMBER.fullmatch(compact)
    return task_number(match.group(1)) if match else None


def task_number(digits: str) -> int:
    """The number, or MAX_TASK_NUMBER + 1 for any longer one (int() refuses 4,300 digits)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= len(str(MAX_TASK_NUMBER)) else MAX_TASK_NUMBER + 1


def _cut_trailing_text(row: Row, width: int) -> int | None:
    """Split text that follows the table off the last cell of a complete last row.

    Such text (a footer, a 抄送 line) is recognised by a blank line that comes
    after the last cell's own text. Returns the line where that text starts.
    """
    if len(row.cells) < width - 1 or not row.cells:
        return None
    cell = row.cells[-1]
    filled = [i for i, text in enumerate(cell.lines) if text.strip()]
    # The first blank line after the first text, when more text follows it.
    for before, after in zip(filled, filled[1:], strict=False):
        if after > before + 1:
            cell.lines = cell.lines[: before + 1]
            return cell.line + after
    return None
