"""Excel (.xlsx): the first visible sheet that holds the allocation table.

Read with openpyxl in read-only mode, which streams a sheet's cells in half
the time, and the sheet's merged ranges (<mergeCell ref="A1:N1"/>, which that
mode does not load) taken from the sheet's own XML. A merged range's value
(that of its top-left cell) is spread over the cells it covers, which are
marked merged. Formulas give their cached values. Positions are the sheet's
own: 分工表!C12; a task's lines are its sheet rows.

This tool's own export reads back: its 牵头单位 and 配合单位 columns make the
units (see grid.py), "（未标注类别）" reads as no category (builder.py), and its
截止日期 and hidden 全部责任单位 columns are not read (their headers are not
among data/columns.toml's).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from typing import TYPE_CHECKING, Any, cast

from minsheng_cli.errors import NoticeError
from minsheng_cli.notice.grid import Grid, GridCell, GridRow, check_size, grid_lines, grid_table
from minsheng_cli.notice.readers import PART_LIMIT, open_zip, zip_part
from minsheng_cli.notice.reading import Reading

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

_PLAIN_SHEET_NAME = re.compile(r"\w+")
_MERGE = re.compile(
    rb"<(?:\w{1,20}:)?mergeCell\b[^>]{0,200}?\bref=\"([A-Za-z]{1,3}\d{1,7}:[A-Za-z]{1,3}\d{1,7})\""
)
_DAMAGED = "Excel 工作簿已损坏或不完整，无法打开；请在 Excel/WPS 中打开后另存为 .xlsx 再读取"


def read_xlsx(data: bytes, path: str) -> Reading:
    with open_zip(data, path) as archive:
        return _read(data, archive, path)


def _read(data: bytes, archive: zipfile.ZipFile, path: str) -> Reading:
    if sum(info.file_size for info in archive.infolist()) > PART_LIMIT:
        raise NoticeError(
            f"工作簿解压后超过 {PART_LIMIT // (1024 * 1024)} MB，不像是一份通知", path=path
        )
    # Imported here: only a workbook notice pays for openpyxl.
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported" and the like
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    except Exception:  # openpyxl raises whatever its parts raise on a damaged file
        raise NoticeError(_DAMAGED, path=path) from None
    for sheet in sheets:
        grid = _grid(sheet, archive, path)
        table = grid_table(grid)
        if table is not None:
            # What precedes the header: the export's title and 依据 line, a heading.
            above = [row for row in grid.rows if row.line < table.header_line]
            front = ["".join(dict.fromkeys(c.text for c in row.cells)) for row in above]
            return Reading(
                path=path,
                kind="xlsx",
                encoding="xlsx",
                lines=grid_lines(grid),
                front=front,
                table=table,
                no_table="",
            )
    return Reading(
        path=path,
        kind="xlsx",
        encoding="xlsx",
        lines=[],
        front=[],
        table=None,
        no_table=(
            f"工作簿的{len(sheets)}个工作表里都没有分工表的表头（序号、工作内容、完成时限、责任单位）"
        ),
    )


def _grid(sheet: ReadOnlyWorksheet, archive: zipfile.ZipFile, path: str) -> Grid:
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils import get_column_letter, range_boundaries

    values: dict[tuple[int, int], str] = {}
    # Without its stated dimension, a row is only as long as its cells: a stray value
    # at XFD1048576 would otherwise pad every row to 16,384 columns.
    sheet.reset_dimensions()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The stubs type iter_rows() for Worksheet alone.
            for row_cells in cast(Any, sheet).iter_rows():
                for cell in row_cells:
                    if isinstance(cell, ReadOnlyCell) and (text := _text(cell.value)):
                        values[(cell.row, cell.column)] = text
    except Exception:  # the sheet's XML is damaged: openpyxl streams it only now
        raise NoticeError(_DAMAGED, path=path) from None
    name = _sheet_name(sheet.title)
    if not values:
        return Grid(rows=[], place=name)
    last_row = max(r for r, _ in values)
    first_column = min(c for _, c in values)
    last_column = max(c for _, c in values)
    merged: set[tuple[int, int]] = set()
    spread = 0
    own = getattr(sheet, "_worksheet_path", None)
    xml = zip_part(archive, own, path) if isinstance(own, str) else b""
    for match in _MERGE.finditer(xml):
        try:
            left, top, right, bottom = range_boundaries(match.group(1).decode())
        except ValueError:  # a column past XFD: no range Excel could have written
            continue
        if left is None or top is None or right is None or bottom is None:
            continue
        bottom, right = min(bottom, last_row), min(right, last_column)
        spread += max(0, bottom - top + 1) * max(0, right - left + 1)
        check_size(spread, path)
        text = values.get((top, left), "")
        for row in range(top, bottom + 1):
            for column in range(left, right + 1):
                if (row, column) != (top, left):
                    merged.add((row, column))
                    if text:
                        values[(row, column)] = text
                    else:
                        values.pop((row, column), None)
    letters = {c: get_column_letter(c) for c in range(first_column, last_column + 1)}
    used = sorted({r for r, _ in values} | {r for r, _ in merged})
    check_size(len(used) * len(letters), path)
    rows: list[GridRow] = []
    for row in used:
        cells = [
            GridCell(values.get((row, c), ""), f"{name}!{letters[c]}{row}", (row, c) in merged)
            for c in range(first_column, last_column + 1)
        ]
        rows.append(GridRow(row, f"{name}!{letters[first_column]}{row}", cells))
    return Grid(rows=rows, place=name)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _sheet_name(title: str) -> str:
    """The sheet's name as a reference writes it: 分工表, 'Sheet 1'."""
    if _PLAIN_SHEET_NAME.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"
