"""The rows of a returned 分工表, each checked against the notice and the workbook's identity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from minsheng_cli.ledger._values import (
    ValueProblem,
    is_blank,
    read_date,
    read_number,
    read_percent,
    read_status,
    read_text,
    shown,
)
from minsheng_cli.ledger.records import FileSource, Report, ReportError, Status, settle
from minsheng_cli.ledger.workbook import (
    DATE_HEADER,
    FILL_IN_HEADERS,
    NEXT_HEADER,
    NOTE_HEADER,
    PERCENT_HEADER,
    PROBLEMS_HEADER,
    STATUS_HEADER,
    RowUnitError,
    WorkbookIdentity,
    reporting_unit,
)
from minsheng_cli.models import Notice, Task
from minsheng_cli.serialize import clean_text

NUMBER_HEADER = "序号"
CONTENT_HEADER = "工作内容"
_REQUIRED = [NUMBER_HEADER, CONTENT_HEADER, *FILL_IN_HEADERS]
_HEADER_SEARCH_ROWS = 10
T = TypeVar("T")
_NO_VALUE = "公式没有保存计算结果（本工具不计算公式）；请在 Excel 中重新计算并保存，或直接填写数值"


@dataclass(frozen=True)
class ImportProblem:
    """One reason a returned file is refused, with where it was found."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    """The value found, as the cell shows it; "" for an empty cell."""

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f" 工作表“{self.sheet}”"
        if self.row is not None:
            where += f"第 {self.row} 行" if self.sheet else f" 第 {self.row} 行"
        if self.column:
            where += f"“{self.column}”列"
        found = ""
        if self.value is not None:
            found = f"（填的是“{self.value}”）" if self.value else "（未填写）"
        return f"{where}：{self.message}{found}"


@dataclass(frozen=True)
class SheetCell:
    value: object
    number_format: str = "General"
    formula: bool = False
    """Whether the cell holds a formula (its value is then the cached result, or None)."""

    @property
    def unresolved(self) -> bool:
        return self.formula and self.value is None


@dataclass
class RowReader:
    notice: Notice
    identity: WorkbookIdentity
    file: str
    file_name: str
    sha256: str
    today: dt.date

    def read(
        self, sheet: str, rows: list[list[SheetCell]]
    ) -> tuple[list[Report], list[ImportProblem], int]:
        """(reports, problems, rows skipped as empty); with any problem, use no report."""
        self._sheet = sheet
        header_at = next(
            (i for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]) if _text_of(row, 0) == "序号"),
            None,
        )
        if header_at is None:
            return [], [self._problem("找不到表头（第一列为“序号”的一行）")], 0
        columns: dict[str, int] = {}
        for index, cell in enumerate(rows[header_at]):
            if isinstance(cell.value, str):
                columns.setdefault("".join(cell.value.split()), index)
        missing = [h for h in _REQUIRED if h not in columns]
        if missing:
            return (
                [],
                [self._problem(f"缺少“{h}”列（表头被改动）", row=header_at + 1) for h in missing],
                0,
            )
        self._columns = columns
        self._tasks = {task.number: task for task in self.notice.tasks}
        self._allowed = set(self.identity.tasks)
        self._seen: dict[int, int] = {}
        reports: list[Report] = []
        problems: list[ImportProblem] = []
        skipped = 0
        for index in range(header_at + 1, len(rows)):
            cells = rows[index]
            fill = [self._cell(cells, h) for h in FILL_IN_HEADERS]
            if all(is_blank(c.value) and not c.unresolved for c in fill):
                if not all(is_blank(c.value) for c in cells):
                    skipped += 1
                continue
            report, found = self._row(cells, index + 1)
            problems += found
            if report is not None:
                reports.append(report)
        return reports, problems, skipped

    def _cell(self, cells: list[SheetCell], header: str) -> SheetCell:
        index = self._columns[header]
        return cells[index] if index < len(cells) else SheetCell(None)

    def _problem(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        quote: bool = True,
    ) -> ImportProblem:
        found = None
        if column is not None and quote:
            found = "" if is_blank(value) else shown(value)
        return ImportProblem(self.file, message, self._sheet, row, column, found)

    def _row(self, cells: list[SheetCell], row: int) -> tuple[Report | None, list[ImportProblem]]:
        unresolved = [
            self._problem(_NO_VALUE, row=row, column=h, value="")
            for h in [NUMBER_HEADER, CONTENT_HEADER, *FILL_IN_HEADERS]
            if self._cell(cells, h).unresolved
        ]
        if unresolved:
            return None, unresolved
        task, problem = self._task(cells, row)
        if task is None:
            return None, [problem] if problem else []
        problems: list[ImportProblem] = []
        try:
            unit = reporting_unit(task, self.identity.units, self.notice.recipient_table)
        except RowUnitError as exc:
            problems.append(
                self._problem(str(exc), row=row, column=NUMBER_HEADER, value=task.number)
            )
            unit = None

        status, ok_status = self._field(cells, row, STATUS_HEADER, problems, _status)
        percent, ok_percent = self._field(cells, row, PERCENT_HEADER, problems, _percent)
        as_of, ok_date = self._field(cells, row, DATE_HEADER, problems, self._date)
        headers = (NOTE_HEADER, PROBLEMS_HEADER, NEXT_HEADER)
        texts = [read_text(self._cell(cells, h).value) for h in headers]
        if not (ok_status and ok_percent):
            return None, problems
        try:
            settled, settled_percent = settle(status, percent, has_text=any(texts))
        except ReportError as exc:
            header = STATUS_HEADER if status is None else PERCENT_HEADER
            value = self._cell(cells, header).value
            problems.append(self._problem(str(exc), row=row, column=header, value=value))
            return None, problems
        if as_of is None and ok_date:
            problems.append(
                self._problem("没有填写填报日期", row=row, column=DATE_HEADER, value="")
            )
        if problems or unit is None or as_of is None:
            return None, problems
        source = FileSource(
            file=self.file_name,
            sha256=self.sha256,
            sheet=self._sheet,
            row=row,
            via_office=self.identity.is_office,
        )
        report = Report(
            task=task.number,
            unit=unit,
            status=settled,
            percent=settled_percent,
            note=texts[0],
            problems=texts[1],
            next_steps=texts[2],
            as_of=as_of,
            source=source,
        )
        return report, []

    def _field(
        self,
        cells: list[SheetCell],
        row: int,
        header: str,
        problems: list[ImportProblem],
        parse: Callable[[SheetCell], T],
    ) -> tuple[T | None, bool]:
        """The parsed cell and True, or None and False with the problem added."""
        cell = self._cell(cells, header)
        try:
            return parse(cell), True
        except ValueProblem as exc:
            problems.append(self._problem(str(exc), row=row, column=header, value=cell.value))
            return None, False

    def _date(self, cell: SheetCell) -> dt.date | None:
        return read_date(cell.value, self.today)

    def _task(self, cells: list[SheetCell], row: int) -> tuple[Task | None, ImportProblem | None]:
        """The task a row is for, once its 序号 and 工作内容 are as exported."""
        raw = self._cell(cells, NUMBER_HEADER).value
        number = read_number(raw)
        if number is None:
            return None, self._problem("不是事项序号", row=row, column=NUMBER_HEADER, value=raw)
        if number not in self._allowed:
            return None, self._problem(
                f"第 {number} 项不在本工作簿的事项中，不能在此填报",
                row=row,
                column=NUMBER_HEADER,
                value=raw,
            )
        task = self._tasks.get(number)
        if task is None:
            return None, self._problem(
                f"通知中没有第 {number} 项", row=row, column=NUMBER_HEADER, value=raw
            )
        if number in self._seen:
            return None, self._problem(
                f"第 {number} 项已在第 {self._seen[number]} 行填报，同一事项只能填一行",
                row=row,
                column=NUMBER_HEADER,
                value=raw,
            )
        self._seen[number] = row
        content = self._cell(cells, CONTENT_HEADER).value
        if _clean(content) != _clean(task.content):
            return None, self._problem(
                f"第 {number} 项的工作内容与导出时不同（被改动过）",
                row=row,
                column=CONTENT_HEADER,
                value=content,
            )
        return task, None


def _status(cell: SheetCell) -> Status | None:
    return read_status(cell.value)


def _percent(cell: SheetCell) -> int | None:
    return read_percent(cell.value, cell.number_format)


def _clean(value: object) -> str:
    """Text as the exporter wrote it (no controls or noncharacters), for comparing."""
    if value is None:
        return ""
    return clean_text(str(value)).replace("\ufffe", "").replace("\uffff", "").strip()


def _text_of(row: list[SheetCell], index: int) -> str | None:
    if index >= len(row) or not isinstance(row[index].value, str):
        return None
    return "".join(str(row[index].value).split())
