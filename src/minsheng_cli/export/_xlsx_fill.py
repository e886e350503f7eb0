"""The 分工表's fill-in side: columns a unit types in, their checks, the lock, the identity."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli.export._xlsx_cells import (
    FILL_CENTRED,
    FILL_DATE,
    FILL_TEXT,
    CellValue,
    put,
)
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.ledger.records import Status
from minsheng_cli.ledger.workbook import (
    DATE_HEADER,
    FILL_IN_HEADERS,
    IDENTITY_SHEET,
    NEXT_HEADER,
    NOTE_HEADER,
    PERCENT_HEADER,
    PROBLEMS_HEADER,
    STATUS_HEADER,
    WorkbookIdentity,
)
from minsheng_cli.models import Task

# header -> (narrowest, widest, centred), as xlsx._COLUMNS. Fixed widths: what a unit
# types is not known when the sheet is made, and its rows grow to hold it. 状态 holds
# 推进中, 完成进度（%） wraps its header after 完成进度, a date needs 12.5 units in
# LibreOffice (its digits are wider than 宋体's), and the three texts share what the
# page has left: about 21 characters a line between them.
FILL_COLUMNS: dict[str, tuple[float, float, bool]] = {
    STATUS_HEADER: (8, 8, True),
    PERCENT_HEADER: (9.5, 9.5, True),
    NOTE_HEADER: (18, 18, False),
    PROBLEMS_HEADER: (12, 12, False),
    NEXT_HEADER: (12, 12, False),
    DATE_HEADER: (12.5, 12.5, True),
}
FILL_STYLES = [FILL_CENTRED if FILL_COLUMNS[h][2] else FILL_TEXT for h in FILL_IN_HEADERS[:-1]] + [
    FILL_DATE
]


def fill_values(document: ExportDocument, task: Task) -> list[CellValue]:
    """The fill-in cells of a task's row: empty, or its prefilled report."""
    report = (document.prefill or {}).get(task.number)
    if report is None:
        return [None] * len(FILL_IN_HEADERS)
    return [
        report.status.value,
        report.percent,
        report.note,
        report.problems,
        report.next_steps,
        report.as_of,
    ]


def _explained(validation: DataValidation, message: str) -> DataValidation:
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.errorTitle = "填写有误"
    validation.error = message
    validation.promptTitle = "填写说明"
    validation.prompt = message
    return validation


def add_validations(ws: Worksheet, first_column: int, first_row: int, last_row: int) -> None:
    """Drop-down, whole-number and date checks on the fill-in cells of rows first..last."""
    if last_row < first_row:
        return
    statuses = ",".join(s.value for s in Status)
    checks = {
        STATUS_HEADER: _explained(
            DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True),
            "请从下拉列表中选择：未启动、推进中或已完成。",
        ),
        PERCENT_HEADER: _explained(
            DataValidation(
                type="whole", operator="between", formula1="0", formula2="100", allow_blank=True
            ),
            "请填写 0 到 100 的整数。",
        ),
        DATE_HEADER: _explained(
            DataValidation(
                type="date", operator="lessThanOrEqual", formula1="TODAY()", allow_blank=True
            ),
            "请填写日期，如 2015-06-30，且不晚于今天。",
        ),
    }
    for offset, header in enumerate(FILL_IN_HEADERS):
        if header in checks:
            letter = get_column_letter(first_column + offset)
            checks[header].add(f"{letter}{first_row}:{letter}{last_row}")
            ws.add_data_validation(checks[header])


def protect(ws: Worksheet) -> None:
    """Lock the sheet without a password: only unlocked (fill-in) cells take typing.

    Filtering, sorting and resizing rows and columns stay allowed (False means "not
    protected" in openpyxl's SheetProtection).
    """
    protection = ws.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False


def write_identity(workbook: Workbook, identity: WorkbookIdentity) -> None:
    """The very hidden sheet that says what the workbook is, one field per row."""
    ws = workbook.create_sheet(IDENTITY_SHEET)
    ws.sheet_state = "veryHidden"
    for row, values in enumerate(identity.rows(), start=1):
        for column, value in enumerate(values, start=1):
            put(ws, row, column, value)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 14
