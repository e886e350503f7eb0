"""Cell writing, sizing and page setup shared by the xlsx sheets."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math
import re
import unicodedata
import weakref
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli.errors import ExportError
from minsheng_cli.serialize import clean_text, looks_like_formula

CellValue = str | int | dt.date | None

FONT_NAME = "宋体"
BOLD_FONT = Font(name=FONT_NAME, size=11, bold=True)
SUBTITLE_FONT = Font(name=FONT_NAME, size=11, color="404040")
TOTAL_FILL = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")

# Named styles, one per kind of cell. Assigning a name is much faster than assigning fonts
# and borders cell by cell (openpyxl hashes each style object on every assignment), and a
# clerk who adds rows can pick the same style from Excel's style gallery.
HEADER = "民生-表头"
TEXT = "民生-正文"
CENTRED = "民生-居中"
DATE = "民生-日期"
NUMBER = "民生-数字"
TOTAL = "民生-合计"
FILL_TEXT = "民生-填写"
FILL_CENTRED = "民生-填写居中"
FILL_DATE = "民生-填写日期"
"""The fill-in cells: unlocked on the protected sheet, on a pale ground that says "type here"."""

_BODY_FONT = Font(name=FONT_NAME, size=11)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
_FILL_GROUND = PatternFill(fill_type="solid", start_color="FFF8E1", end_color="FFF8E1")
_UNLOCKED = Protection(locked=False)


def set_default_font(workbook: Workbook) -> None:
    """Make Arial 10 the workbook's default font, so that a column unit is one width everywhere.

    A column width counts digits of the default font. openpyxl's default, Calibri 11, is
    7 px (5.25 pt) in Excel and WPS, but where it is missing, as on many Linux machines,
    LibreOffice measures DejaVu Sans instead: every column comes out a third wider and a
    table fitted to the page prints a third smaller. Arial 10 is 7 px in Excel too, and
    LibreOffice always has its metric twin, Liberation Sans (5.55 pt). Cells keep 宋体.
    """
    # openpyxl has no public handle on the built-in Normal style.
    normal = workbook._named_styles["Normal"]  # type: ignore[attr-defined]
    normal.font = Font(name="Arial", size=10)


def add_styles(workbook: Workbook) -> None:
    """Register the named styles above (NamedStyle objects bind to one workbook)."""
    plain = PatternFill()
    for name, font, fill, alignment, number_format in [
        (HEADER, BOLD_FONT, _HEADER_FILL, Alignment("center", "center", wrap_text=True), None),
        (TEXT, _BODY_FONT, plain, _LEFT, None),
        (CENTRED, _BODY_FONT, plain, _CENTRE, None),
        (DATE, _BODY_FONT, plain, _CENTRE, "yyyy-mm-dd"),
        (NUMBER, _BODY_FONT, plain, Alignment(horizontal="right", vertical="top"), None),
        # General alignment: the 合计 label to the left, the sums to the right.
        (TOTAL, BOLD_FONT, TOTAL_FILL, Alignment(vertical="top"), None),
        (FILL_TEXT, _BODY_FONT, _FILL_GROUND, _LEFT, None),
        (FILL_CENTRED, _BODY_FONT, _FILL_GROUND, _CENTRE, None),
        (FILL_DATE, _BODY_FONT, _FILL_GROUND, _CENTRE, "yyyy-mm-dd"),
    ]:
        style = NamedStyle(name, font=font, fill=fill, border=_BORDER, alignment=alignment)
        if number_format:
            style.number_format = number_format
        if name.startswith(FILL_TEXT):
            style.protection = _UNLOCKED
        workbook.add_named_style(style)


# Points per line of 11pt text: CJK fonts need more than Excel's 14.25pt default, most of
# all Noto Sans CJK, which LibreOffice draws 宋体 with where 宋体 is missing (1.45 em, 16pt
# a line); a row a little too tall beats a clipped one.
LINE_HEIGHT = 16.0
ROW_PADDING = 4.0

# Excel's limits: a cell holds 32,767 characters (UTF-16 code units), a row is 409 pt tall.
MAX_CELL_CHARS = 32767
MAX_ROW_HEIGHT = 409.0

# Two noncharacters XML 1.0 cannot hold, besides the controls clean_text removes.
_NOT_XML = re.compile("[\ufffe\uffff]")


def text_width(text: str) -> int:
    """Width in Excel column units: CJK and full-width characters count 2, others 1."""
    return sum(map(_char_width, text))


@functools.cache
def _char_width(char: str) -> int:
    # "A" (ambiguous) covers “”、…, which Chinese fonts draw full width.
    return 2 if unicodedata.east_asian_width(char) in "WFA" else 1


def line_count(text: str, width: float) -> int:
    """Lines `text` wraps to in a column `width` units wide (CJK wraps between any characters)."""
    # Sized for Excel and WPS, whose 11pt 宋体 glyphs are a little over two units wide;
    # LibreOffice draws CJK narrower, so there some rows keep a spare line.
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def row_height(lines: int) -> float:
    """Points for `lines` lines of text; a taller cell scrolls inside Excel's tallest row."""
    return min(lines * LINE_HEIGHT + ROW_PADDING, MAX_ROW_HEIGHT)


class _FittedRow(RowDimension):
    """A row height that is a starting point, not a choice: written without customHeight.

    Every program shows it on opening, and Excel, WPS and LibreOffice refit the row when
    its text changes, so a row grows with what a unit types in it. (LibreOffice 24 also
    refits every such row on opening; a height set with customHeight never moves.)
    """

    @property
    def customHeight(self) -> bool:
        return False


def fit_row(ws: Worksheet, row: int, height: float) -> None:
    """Give `row` `height` points for now, and let the program refit it to its text."""
    ws.row_dimensions[row] = _FittedRow(ws, index=row, ht=height)


def too_long(text: str) -> bool:
    """Whether `text` is over MAX_CELL_CHARS, counted as Excel counts (UTF-16 units)."""
    return len(text) > MAX_CELL_CHARS // 2 and len(text.encode("utf-16-le")) // 2 > MAX_CELL_CHARS


def cell_text(text: str) -> str:
    """`text` as a cell can hold it: no controls or noncharacters."""
    return _NOT_XML.sub("", clean_text(text))


# Workbook → named style → the cell style it stands for, as openpyxl computes it.
_STYLE_ARRAYS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def set_style(cell: Cell, ws: Worksheet, style: str) -> None:
    """`cell.style = style`, remembering what it comes to.

    openpyxl looks the named style up by name and rebuilds its style array on every
    assignment: half the time of writing a 10,000-row sheet. The array is the same for
    every cell of a workbook, so the first assignment's is copied onto the others.
    """
    known = _STYLE_ARRAYS.setdefault(ws.parent, {})
    array = known.get(style)
    if array is None:
        cell.style = style
        known[style] = copy.copy(cell._style)  # type: ignore[attr-defined]
    else:
        cell._style = copy.copy(array)  # type: ignore[attr-defined]


def put(ws: Worksheet, row: int, column: int, value: CellValue, style: str | None = None) -> Cell:
    """Write one value in a named style; text stays text, even when it looks like a formula."""
    if isinstance(value, str):
        value = cell_text(value) or None
    if isinstance(value, str) and too_long(value):
        # Excel would cut the text short without a word; callers check first and say where.
        raise ExportError(
            f"{ws.title}!{get_column_letter(column)}{row}："
            f"文字超过 Excel 单元格上限 {MAX_CELL_CHARS} 字，未写入 xlsx",
            ["请改用 --format docx、csv 或 json 导出，不会截断。"],
        )
    cell = ws.cell(row=row, column=column, value=value)
    if style is not None:
        set_style(cell, ws, style)
    if isinstance(value, str):
        # openpyxl stores any "=…" string as a formula; notice text must never run.
        cell.data_type = "s"
        if looks_like_formula(value):
            # Excel's own mark for "typed with a leading apostrophe": editing keeps it text.
            cell.quotePrefix = True
    return cell


def write_title(ws: Worksheet, row: int, last_column: int, text: str, *, main: bool) -> None:
    """A title line merged across the table; it sits above the filter range, so sorting works."""
    cell = put(ws, row, 1, text)
    cell.font = Font(name=FONT_NAME, size=16, bold=True) if main else SUBTITLE_FONT
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if last_column > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    ws.row_dimensions[row].height = 30.0 if main else 20.0


# A4 landscape, in points, and the widest a column unit gets (see set_default_font):
# a table of W units fitted to the page prints at PAGE_WIDTH_PT / (W * UNIT_PT) of its size.
PAGE_WIDTH_PT = 841.89
UNIT_PT = 5.6
SIDE_MARGIN = 0.4
"""Inches, left and right, unless a sheet asks for narrower."""


def printable_width(side_margin: float = SIDE_MARGIN) -> float:
    """Points across an A4 landscape page inside side margins of `side_margin` inches."""
    return PAGE_WIDTH_PT - 2 * 72 * side_margin


def set_page(
    ws: Worksheet,
    *,
    title_rows: str | None,
    side_margin: float = SIDE_MARGIN,
    scale: int | None = None,
) -> None:
    """Landscape A4, one page wide, as many pages tall as needed, numbered in the footer.

    Fitted to the page width by the program, or printed at `scale` percent when given.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=scale is None)
    if scale is not None:
        ws.page_setup.scale = scale
    ws.print_options.horizontalCentered = True
    # Inches: narrow sides leave room for the wide table, the top and bottom for the footer.
    ws.page_margins.left = ws.page_margins.right = side_margin
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    if (footer := ws.oddFooter) is not None:  # always so; the stubs say it may be None
        footer.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows
