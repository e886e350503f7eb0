"""The 量化指标 sheet: one row per reportable indicator, with 完成值 and 填报日期 to fill in.

Laid out like the 分工表: two title rows, the header on row 3 (frozen, filtered,
repeated on every printed page), the indicator's cells locked and the fill-in cells
unlocked and checked. The rows are `ledger.workbook.sheet_targets` of the document's
tasks, the ids the workbook's identity signs, in the same order.
"""

from __future__ import annotations

import math

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli.export._xlsx_cells import (
    CENTRED,
    FILL_CENTRED,
    FILL_DATE,
    HEADER,
    NUMBER,
    TEXT,
    UNIT_PT,
    CellValue,
    fit_row,
    line_count,
    printable_width,
    put,
    row_height,
    set_page,
    text_width,
    write_title,
)
from minsheng_cli.export._xlsx_fill import _explained, protect
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.ledger.workbook import (
    ACTUAL_HEADER,
    DATE_HEADER,
    TARGET_FILL_IN_HEADERS,
    TARGET_HEADERS,
    TARGET_ID_HEADER,
    TARGET_NUMBER_HEADER,
    TARGET_TEXT_HEADER,
    TARGET_UNIT_HEADER,
    TARGET_VALUE_HEADER,
    sheet_targets,
)
from minsheng_cli.models import Target

NO_TARGETS = "本工作簿的事项没有可填报的量化指标"
_HEADER_ROW = 3
_COLUMNS_ALL = [*TARGET_HEADERS, *TARGET_FILL_IN_HEADERS]

# header -> (narrowest, widest, style), widths in Excel units as in xlsx._COLUMNS. At the
# widest they add up to about 130 units, less than an A4 landscape page holds at 100 %
# (140), so the sheet prints at full size. 完成值 holds 120,000,000 and its header.
_COLUMNS: dict[str, tuple[float, float, str]] = {
    TARGET_NUMBER_HEADER: (5, 5, CENTRED),
    TARGET_ID_HEADER: (10, 10, CENTRED),
    TARGET_TEXT_HEADER: (24, 60, TEXT),
    TARGET_VALUE_HEADER: (10, 18, NUMBER),
    TARGET_UNIT_HEADER: (6, 10, CENTRED),
    ACTUAL_HEADER: (14, 14, FILL_CENTRED),
    DATE_HEADER: (12.5, 12.5, FILL_DATE),
}
# 完成值 cells keep the General format: only there does a typed 85% take a percent
# format, which is how the reader knows 0.85 means 85; a cell formatted #,##0 would
# hold the same 0.85 and show 1.
_ACTUAL_PROMPT = (
    "请填写截至填报日期的完成数，不小于 0，单位同“单位”列（如 4.5万人填 45000）；"
    "比率填百分数，85 或 85% 均可。"
)
_DATE_PROMPT = "请填写完成值所说的日期，如 2015-06-30，且不晚于今天。填了完成值就须填日期。"


def write_targets(ws: Worksheet, document: ExportDocument) -> None:
    """Fill `ws` (titled 量化指标) from `document`; the sheet is there even without rows."""
    rows = [_row(document, task.number, target) for task, target in sheet_targets(document.tasks)]
    widths = _widths(rows)
    count = len(_COLUMNS_ALL)
    write_title(ws, 1, count, f"{document.title}　量化指标", main=True)
    info = document.subtitle or f"共 {len(document.tasks)} 项"
    info += f"　　可填报的量化指标 {len(rows)} 个；完成值填截至填报日期的累计数，单位同“单位”列"
    write_title(ws, 2, count, info, main=False)
    ws.row_dimensions[2].height = row_height(line_count(info, sum(widths)))
    for index, (header, width) in enumerate(zip(_COLUMNS_ALL, widths, strict=True), start=1):
        put(ws, _HEADER_ROW, index, header, HEADER)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[_HEADER_ROW].height = row_height(1)
    first = _HEADER_ROW + 1
    if not rows:
        put(ws, first, 1, NO_TARGETS, TEXT)
        ws.merge_cells(start_row=first, start_column=1, end_row=first, end_column=count)
        fit_row(ws, first, row_height(1))
    text_column = _COLUMNS_ALL.index(TARGET_TEXT_HEADER)
    for row, values in enumerate(rows, start=first):
        for column, (header, value) in enumerate(zip(_COLUMNS_ALL, values, strict=True), start=1):
            # put() takes no float; a fraction is written after it, as the number it is.
            cell = put(
                ws, row, column, None if isinstance(value, float) else value, _COLUMNS[header][2]
            )
            if isinstance(value, float):
                cell.value = value
            if header == TARGET_VALUE_HEADER and isinstance(value, int | float):
                cell.number_format = _number_format(value)
        fit_row(ws, row, row_height(line_count(str(values[text_column]), widths[text_column])))
    last = first + len(rows) - 1
    ws.auto_filter.ref = f"A{_HEADER_ROW}:{get_column_letter(count)}{max(last, _HEADER_ROW)}"
    ws.freeze_panes = f"A{first}"
    if rows:
        _add_validations(ws, first, last)
    protect(ws)
    set_page(ws, title_rows=f"{_HEADER_ROW}:{_HEADER_ROW}", scale=_print_scale(widths))


def _row(document: ExportDocument, number: int, target: Target) -> list[CellValue | float]:
    actual = (document.prefill_actuals or {}).get(target.id)
    filled: list[CellValue | float] = [None, None]
    if actual is not None:
        filled = [_plain(actual.value), actual.as_of]
    return [number, target.id, target.text, _plain(target.value), target.unit, *filled]


def _plain(value: float) -> int | float:
    """90000 rather than 90000.0, so that a cell shows no decimals it does not have."""
    return int(value) if value.is_integer() else value


def _number_format(value: float) -> str:
    return "#,##0" if float(value).is_integer() else "#,##0.0##"


def _widths(rows: list[list[CellValue | float]]) -> list[float]:
    widest = [text_width(header) for header in _COLUMNS_ALL]
    for values in rows:
        for index, value in enumerate(values):
            if isinstance(value, int | float) and not isinstance(value, bool):
                # As the number format shows it, 120,000,000, and LibreOffice's digits
                # are wider than a unit: two more.
                shown = f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0")
                widest[index] = max(widest[index], len(shown) + 2)
            elif isinstance(value, str):
                widest[index] = max(widest[index], text_width(value))
    widths = []
    for header, measured in zip(_COLUMNS_ALL, widest, strict=True):
        narrowest, cap, _ = _COLUMNS[header]
        widths.append(min(max(measured + 2, narrowest), cap))
    return widths


def _print_scale(widths: list[float]) -> int:
    return min(100, math.floor(100 * printable_width() / (sum(widths) * UNIT_PT)))


def _add_validations(ws: Worksheet, first_row: int, last_row: int) -> None:
    checks = {
        ACTUAL_HEADER: _explained(
            DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
            ),
            _ACTUAL_PROMPT,
        ),
        DATE_HEADER: _explained(
            DataValidation(
                type="date", operator="lessThanOrEqual", formula1="TODAY()", allow_blank=True
            ),
            _DATE_PROMPT,
        ),
    }
    for header, validation in checks.items():
        letter = get_column_letter(_COLUMNS_ALL.index(header) + 1)
        validation.add(f"{letter}{first_row}:{letter}{last_row}")
        ws.add_data_validation(validation)
