"""Excel export: a 分工表 the supervision office can filter, sort, print and fill in, the
量化指标 to report 完成值 against, plus 统计."""

from __future__ import annotations

import math
from typing import IO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli.errors import ExportError
from minsheng_cli.export._xlsx_cells import (
    CENTRED,
    DATE,
    HEADER,
    MAX_CELL_CHARS,
    TEXT,
    UNIT_PT,
    CellValue,
    add_styles,
    cell_text,
    fit_row,
    line_count,
    printable_width,
    put,
    row_height,
    set_default_font,
    set_page,
    text_width,
    too_long,
    write_title,
)
from minsheng_cli.export._xlsx_fill import (
    FILL_COLUMNS,
    FILL_STYLES,
    add_validations,
    fill_values,
    protect,
    write_identity,
)
from minsheng_cli.export._xlsx_stats import STATS_SHEET, write_stats
from minsheng_cli.export._xlsx_targets import write_targets
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.ledger.workbook import FILL_IN_HEADERS, TARGETS_SHEET, TASKS_SHEET
from minsheng_cli.models import Task
from minsheng_cli.serialize import TASK_HEADERS, task_row

_ROLE_HEADER = "本单位职责"
_ALL_UNITS_HEADER = "全部责任单位"
_CONTENT_HEADER = "工作内容"

_TITLE_ROWS = 2
_HEADER_ROW = _TITLE_ROWS + 1

# Printed on A4 landscape, one page wide, the 11 pt body text must still print at 9 pt or
# more: the printed columns may add up to _BUDGET units, about 89 characters of 9 pt
# text across the page. To get there:
# - 全部责任单位 (the 牵头单位, then the 配合单位, once more) keeps its data, for filters
#   and formulas, but is hidden: it takes no room on the page or on screen;
# - the side margins are Excel's "narrow" ones;
# - the other task columns are as wide as their usual text (names of four characters,
#   dates), longer text wraps; the fill-in columns have fixed widths (_xlsx_fill);
# - 工作内容 takes what is left, up to its cap;
# - the sheet prints at a scale computed from those widths (print_scale), not "fit to one
#   page wide": LibreOffice's search for that scale stops a few percent short, and not
#   always by the same amount (81–84 % for one table), which is 8.9 pt instead of 9.1.
# Every program then prints the body at 11 pt × the scale: 9.1 pt (83 %) for the widest.
_BODY_PT = 11.0
_MIN_PRINTED_PT = 9.0
_SIDE_MARGIN = 0.25
# Keep two percent spare, for rounding the scale down and for widths a person rounds up.
_BUDGET = printable_width(_SIDE_MARGIN) / (UNIT_PT * (_MIN_PRINTED_PT / _BODY_PT + 0.02))
_HIDDEN = {_ALL_UNITS_HEADER}

# Column widths in Excel units (one Latin character; a Chinese character takes two):
# header -> (narrowest, widest, centred). Longer text wraps inside the widest width.
_COLUMNS: dict[str, tuple[float, float, bool]] = {
    "序号": (5, 5, True),
    "类别": (8, 10, True),
    _CONTENT_HEADER: (24, 60, False),
    "完成时限": (8, 10, True),
    "截止日期": (12.5, 12.5, True),
    "牵头单位": (8, 10, False),
    "配合单位": (10, 14, False),
    _ALL_UNITS_HEADER: (14, 20, False),
    _ROLE_HEADER: (7.5, 7.5, True),
    **FILL_COLUMNS,
}
_DATE_INDEX = TASK_HEADERS.index("截止日期")


def write_xlsx(document: ExportDocument, stream: IO[bytes]) -> None:
    """Write `document` as a workbook with the sheets 分工表, 量化指标 and 统计.

    The 分工表 and the 量化指标 are locked but for their fill-in columns; with
    `document.identity`, a very hidden sheet says what the workbook is, signed.

    Raises ExportError, naming the task, when a text is longer than a cell can hold:
    Excel would cut it short, and a 分工表 must not lose words without a trace.
    """
    check_lengths(document)
    workbook = Workbook()
    workbook.properties.title = cell_text(document.title)
    workbook.properties.creator = "minsheng"
    set_default_font(workbook)
    add_styles(workbook)
    sheet = workbook.worksheets[0]
    sheet.title = TASKS_SHEET
    _write_tasks(sheet, document)
    write_targets(workbook.create_sheet(TARGETS_SHEET), document)
    write_stats(workbook.create_sheet(STATS_SHEET), document)
    if document.identity is not None:
        write_identity(workbook, document.identity)
    workbook.save(stream)


def check_lengths(document: ExportDocument) -> None:
    """Raise ExportError if any text of `document` is too long for an Excel cell."""
    for task in document.tasks:
        for header, value in zip(TASK_HEADERS, task_row(task), strict=True):
            if isinstance(value, str) and too_long(cell_text(value)):
                raise ExportError(
                    f"第 {task.number} 项的“{header}”有 {len(value)} 字，"
                    f"超过 Excel 单元格上限 {MAX_CELL_CHARS} 字，未写入 xlsx",
                    ["请改用 --format docx、csv 或 json 导出，不会截断。"],
                )
    for number, report in (document.prefill or {}).items():
        texts = {
            "进展情况": report.note,
            "存在问题": report.problems,
            "下步打算": report.next_steps,
        }
        for header, text in texts.items():
            if text and too_long(cell_text(text)):
                raise ExportError(
                    f"第 {number} 项预填的“{header}”有 {len(text)} 字，"
                    f"超过 Excel 单元格上限 {MAX_CELL_CHARS} 字，未写入 xlsx",
                    ["请去掉 --prefill 再导出，或改用 --format docx、csv 或 json。"],
                )
    for what, text in (("标题", document.title), ("说明行", _info_line(document))):
        if too_long(cell_text(text)):
            raise ExportError(
                f"{what}有 {len(text)} 字，超过 Excel 单元格上限 {MAX_CELL_CHARS} 字，未写入 xlsx",
                ["请改用 --format docx、csv 或 json 导出，不会截断。"],
            )


def _headers(document: ExportDocument) -> list[str]:
    """The 分工表 columns: TASK_HEADERS, 本单位职责 for a per-unit document, then fill-ins."""
    role = [_ROLE_HEADER] if document.unit is not None else []
    return [*TASK_HEADERS, *role, *FILL_IN_HEADERS]


def _row(document: ExportDocument, task: Task) -> list[CellValue]:
    values: list[CellValue] = [*task_row(task)]
    # A real date, not task_row's ISO text, so that Excel sorts and filters it as a date.
    values[_DATE_INDEX] = task.deadline.date
    if document.unit is not None:
        values.append(document.role(task))
    return [*values, *fill_values(document, task)]


def _info_line(document: ExportDocument) -> str:
    # Subtitles already say how many tasks the document holds.
    parts = [document.subtitle or f"共 {len(document.tasks)} 项"]
    meta = document.meta
    if meta.document_number or meta.title:
        # 依据：发文机关《标题》（文号）, the form metadata.py reads back, so that a workbook
        # read as a notice knows its issuer, and with it the city's recipients.
        title = f"《{meta.title}》" if meta.title else ""
        number = f"（{meta.document_number}）" if meta.document_number else ""
        parts.append(f"依据：{meta.issuer or ''}{title}{number}")
    return "　　".join(parts)


def _widths(columns: list[str], rows: list[list[CellValue]]) -> list[float]:
    widest = [text_width(header) for header in columns]
    for values in rows:
        for index, value in enumerate(values):
            if isinstance(value, str | int):
                widest[index] = max(widest[index], text_width(str(value)))
    widths = []
    for header, measured in zip(columns, widest, strict=True):
        narrowest, cap, _ = _COLUMNS[header]
        widths.append(min(max(measured + 2, narrowest), cap))
    content = columns.index(_CONTENT_HEADER)
    others = (
        sum(w for h, w in zip(columns, widths, strict=True) if h not in _HIDDEN) - widths[content]
    )
    narrowest = _COLUMNS[_CONTENT_HEADER][0]
    # In half units, as a person would set it.
    widths[content] = max(narrowest, min(widths[content], math.floor(2 * (_BUDGET - others)) / 2))
    return widths


def print_scale(columns: list[str], widths: list[float]) -> int:
    """The percent the printed columns fit one page wide at, at most 100."""
    shown = sum(w for h, w in zip(columns, widths, strict=True) if h not in _HIDDEN)
    return min(100, math.floor(100 * printable_width(_SIDE_MARGIN) / (shown * UNIT_PT)))


def _write_tasks(ws: Worksheet, document: ExportDocument) -> None:
    columns = _headers(document)
    write_title(ws, 1, len(columns), document.title, main=True)
    write_title(ws, 2, len(columns), _info_line(document), main=False)
    rows = [_row(document, task) for task in document.tasks]
    widths = _widths(columns, rows)
    for index, (header, width) in enumerate(zip(columns, widths, strict=True), start=1):
        put(ws, _HEADER_ROW, index, header, HEADER)
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = width
        dimension.hidden = header in _HIDDEN
    shown = [(h, w) for h, w in zip(columns, widths, strict=True) if h not in _HIDDEN]
    ws.row_dimensions[_HEADER_ROW].height = row_height(max(line_count(h, w) for h, w in shown))

    fixed = len(columns) - len(FILL_IN_HEADERS)
    styles = [CENTRED if _COLUMNS[header][2] else TEXT for header in columns[:fixed]]
    styles += FILL_STYLES
    styles[_DATE_INDEX] = DATE
    for row, values in enumerate(rows, start=_HEADER_ROW + 1):
        lines = 1
        for index, value in enumerate(values):
            put(ws, row, index + 1, value, styles[index])
            if isinstance(value, str) and columns[index] not in _HIDDEN:
                lines = max(lines, line_count(value, widths[index]))
        # The estimate, capped at Excel's tallest row, without customHeight: the row is
        # refitted to what a unit types in it (see fit_row). LibreOffice 7 would keep a
        # row without any height one line tall on opening.
        fit_row(ws, row, row_height(lines))

    last_row = _HEADER_ROW + len(rows)
    ws.auto_filter.ref = f"A{_HEADER_ROW}:{get_column_letter(len(columns))}{last_row}"
    ws.freeze_panes = f"A{_HEADER_ROW + 1}"
    add_validations(ws, fixed + 1, _HEADER_ROW + 1, last_row)
    protect(ws)
    # The header row repeats on every page; the title, once on the first, is enough.
    set_page(
        ws,
        title_rows=f"{_HEADER_ROW}:{_HEADER_ROW}",
        side_margin=_SIDE_MARGIN,
        scale=print_scale(columns, widths),
    )
