"""The rows of a returned 量化指标 sheet: its ids checked against the signed identity, then
each filled row read as an actual (完成值) of its indicator.

The sheet's 指标编号 column, read top to bottom, must be `identity.indicators`
exactly: the signature covers those ids in order, so an id edited, two rows swapped,
a row deleted or added all refuse the sheet before any value is read. Then a row with
both fill-ins empty is skipped; otherwise it needs both. A 填报日期 without a 完成值 is
refused too, as a 分工表 row with only a date is: the unit meant to report something,
and an all-or-nothing import asks it to say what rather than dropping the row.
"""

from __future__ import annotations

import datetime as dt
import math

from minsheng_cli.errors import LedgerError
from minsheng_cli.ledger._rows import _NO_VALUE, ImportProblem, RowReader, SheetCell
from minsheng_cli.ledger._values import ValueProblem, is_blank, read_date, shown
from minsheng_cli.ledger.actuals import parse_value
from minsheng_cli.ledger.indicators import number_text
from minsheng_cli.ledger.records import Actual, FileSource
from minsheng_cli.ledger.workbook import (
    ACTUAL_HEADER,
    DATE_HEADER,
    TARGET_ID_HEADER,
    TARGET_NUMBER_HEADER,
    TARGETS_SHEET,
    RowUnitError,
    reporting_unit,
)
from minsheng_cli.models import Task
from minsheng_cli.serialize import clean_text

_REQUIRED = [TARGET_NUMBER_HEADER, TARGET_ID_HEADER, ACTUAL_HEADER, DATE_HEADER]
_HEADER_SEARCH_ROWS = 10
_CHANGED = "指标编号被改动、调换或增删了行，与导出时不同，不能导入；请用本台账重新导出"


class TargetRowReader(RowReader):
    """A RowReader for the 量化指标 sheet: the same file, identity and ways of naming a cell."""

    def read_targets(self, rows: list[list[SheetCell]]) -> tuple[list[Actual], list[ImportProblem]]:
        """(actuals, problems); with any problem, use no actual."""
        self._sheet = TARGETS_SHEET
        header_at = next(
            (
                i
                for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS])
                if row and _text(row[0].value) == TARGET_NUMBER_HEADER
            ),
            None,
        )
        if header_at is None:
            return [], [self._problem("找不到表头（第一列为“序号”的一行）")]
        columns: dict[str, int] = {}
        for index, cell in enumerate(rows[header_at]):
            if isinstance(cell.value, str):
                columns.setdefault(_text(cell.value), index)
        missing = [h for h in _REQUIRED if h not in columns]
        if missing:
            found = [
                self._problem(f"缺少“{h}”列（表头被改动）", row=header_at + 1) for h in missing
            ]
            return [], found
        self._columns = columns
        lines = [
            (index + 1, cells)
            for index, cells in enumerate(rows[header_at + 1 :], start=header_at + 1)
            if not all(is_blank(c.value) and not c.formula for c in cells)
        ]
        problems = self._check_ids(lines)
        if problems:
            return [], problems
        tasks = {task.number: task for task in self.notice.tasks}
        actuals: list[Actual] = []
        for (row, cells), indicator in zip(lines, self.identity.indicators, strict=True):
            actual, found = self._target_row(row, cells, indicator, tasks)
            problems += found
            if actual is not None:
                actuals.append(actual)
        return ([] if problems else actuals), problems

    def _check_ids(self, lines: list[tuple[int, list[SheetCell]]]) -> list[ImportProblem]:
        """A problem for each row whose id is not the one signed there, and for rows missing
        or added; when the count differs, only the first changed row is named."""
        expected = self.identity.indicators
        problems: list[ImportProblem] = []
        for (row, cells), signed in zip(lines, expected, strict=False):
            value = self._cell(cells, TARGET_ID_HEADER).value
            if _text(value) != signed:
                problems.append(
                    self._problem(
                        f"此行导出时是指标 {signed}：{_CHANGED}",
                        row=row,
                        column=TARGET_ID_HEADER,
                        value=value,
                    )
                )
                if len(lines) != len(expected):
                    break
        if len(lines) < len(expected):
            gone = "、".join(expected[len(lines) :])
            problems.append(self._problem(f"缺少指标 {gone} 的行（行被删除），不能导入"))
        elif len(lines) > len(expected):
            row, cells = lines[len(expected)]
            value = self._cell(cells, TARGET_ID_HEADER).value
            problems.append(
                self._problem(
                    "多出导出时没有的行（行被添加），不能导入",
                    row=row,
                    column=TARGET_ID_HEADER,
                    value=value,
                )
            )
        return problems

    def _target_row(
        self, row: int, cells: list[SheetCell], indicator: str, tasks: dict[int, Task]
    ) -> tuple[Actual | None, list[ImportProblem]]:
        filled, date = self._cell(cells, ACTUAL_HEADER), self._cell(cells, DATE_HEADER)
        unresolved = [
            self._problem(_NO_VALUE, row=row, column=header, value="")
            for header, cell in ((ACTUAL_HEADER, filled), (DATE_HEADER, date))
            if cell.unresolved
        ]
        if unresolved:
            return None, unresolved
        if is_blank(filled.value) and is_blank(date.value):
            return None, []
        number, _, _ = indicator.partition(".")
        task = tasks.get(int(number)) if number.isdigit() else None
        target = next((t for t in task.targets if t.id == indicator), None) if task else None
        if task is None or target is None:
            message = f"通知中已没有指标 {indicator}（通知在导出后被更正过）；请用本台账重新导出"
            return None, [self._problem(message, row=row, column=TARGET_ID_HEADER, value=indicator)]
        problems: list[ImportProblem] = []
        unit: str | None = None
        try:
            unit = reporting_unit(task, self.identity.units, self.notice.recipient_table)
        except RowUnitError as exc:
            problems.append(
                self._problem(str(exc), row=row, column=TARGET_ID_HEADER, value=indicator)
            )
        value: float | None = None
        if is_blank(filled.value):
            problems.append(
                self._problem(
                    "填写了填报日期，但没有填写完成值；没有完成值请把填报日期也清空",
                    row=row,
                    column=ACTUAL_HEADER,
                    value="",
                )
            )
        else:
            written = _written(filled)
            try:
                if written is None:
                    raise LedgerError("完成值应是数字，如 45000、4.5万或 85%")
                value = parse_value(written, target)
            except LedgerError as exc:
                shown_value = written if written is not None else filled.value
                problems.append(
                    self._problem(exc.message, row=row, column=ACTUAL_HEADER, value=shown_value)
                )
        as_of: dt.date | None = None
        try:
            as_of = read_date(date.value, self.today)
        except ValueProblem as exc:
            problems.append(self._problem(str(exc), row=row, column=DATE_HEADER, value=date.value))
        else:
            if as_of is None and not is_blank(filled.value):
                problems.append(
                    self._problem(
                        "填写了完成值，但没有填写填报日期", row=row, column=DATE_HEADER, value=""
                    )
                )
        if problems or unit is None or value is None or as_of is None:
            return None, problems
        source = FileSource(
            file=self.file_name,
            sha256=self.sha256,
            sheet=TARGETS_SHEET,
            row=row,
            via_office=self.identity.is_office,
        )
        return Actual(
            task=task.number,
            indicator=target.id,
            unit=unit,
            value=value,
            as_of=as_of,
            source=source,
        ), []


def _written(cell: SheetCell) -> str | None:
    """A 完成值 cell as text for `parse_value`: 45000, "4.5万", and a number shown through a
    percent format (Excel holds a typed 85% as 0.85) as "85%"; None when not a number or text."""
    value = cell.value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, str):
        return clean_text(value).strip()
    if not math.isfinite(value):
        return None
    if "%" in cell.number_format:
        return number_text(round(float(value) * 100, 9)) + "%"
    return number_text(float(value))


def _text(value: object) -> str:
    """A header or an id as written, without spaces; a number typed as an id as it shows."""
    if value is None:
        return ""
    return "".join(shown(value).split())
