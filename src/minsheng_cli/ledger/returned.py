"""Read a workbook a unit sent back: check what it is, then every row, before keeping any.

`read_returned` gives either reports and actuals (none recorded yet) or problems,
never both: one bad row on the 分工表 or on the 量化指标 sheet and the whole file is
refused, each problem naming the file, sheet, row, column and the value found. The
量化指标 sheet is read when the identity signs its ids; a workbook made before that
sheet existed signs none, and is read as it always was. No SQL here: the caller
passes the ledger's keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minsheng_cli.errors import MinshengError
from minsheng_cli.ledger._package import PackageError, check_package, read_file
from minsheng_cli.ledger._rows import ImportProblem as ImportProblem
from minsheng_cli.ledger._rows import RowReader, SheetCell
from minsheng_cli.ledger._target_rows import TargetRowReader
from minsheng_cli.ledger.records import Actual, Report
from minsheng_cli.ledger.workbook import (
    FORMAT,
    IDENTITY_SHEET,
    TARGETS_SHEET,
    TASKS_SHEET,
    IdentityFormatError,
    WorkbookIdentity,
    parse_identity,
)
from minsheng_cli.models import Notice

_MAX_ROWS = 2000
_MAX_COLUMNS = 60
_IDENTITY_ROWS = 200


@dataclass(frozen=True)
class ReturnedWorkbook:
    """What reading one file gave: reports and actuals, or the problems that refuse it (then
    neither)."""

    file: str
    sha256: str | None
    reports: list[Report] = field(default_factory=list)
    actuals: list[Actual] = field(default_factory=list)
    """The 完成值 of the 量化指标 sheet's filled rows."""
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: int = 0
    """Rows whose fill-in cells were all empty: that unit had nothing to report there."""
    identity: WorkbookIdentity | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class ReturnedFileError(MinshengError):
    """Returned files refused, every problem listed; nothing was recorded."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        files = len(dict.fromkeys(p.file for p in problems))
        super().__init__(
            f"{files} 个文件中有 {len(problems)} 处错误，未导入任何记录",
            [str(p) for p in problems],
        )
        self.problems = list(problems)


def read_returned(
    path: Path,
    notice: Notice,
    *,
    notice_key: str,
    keys: Mapping[str, bytes],
    today: dt.date,
) -> ReturnedWorkbook:
    """Read and check one returned workbook. `keys` maps a ledger id to its signing key."""
    name = str(path)
    try:
        data = read_file(path)
    except PackageError as exc:
        return ReturnedWorkbook(name, None, problems=[ImportProblem(name, str(exc))])
    return read_returned_bytes(
        data, name, notice, notice_key=notice_key, keys=keys, today=today, file_name=path.name
    )


def read_returned_bytes(
    data: bytes,
    name: str,
    notice: Notice,
    *,
    notice_key: str,
    keys: Mapping[str, bytes],
    today: dt.date,
    file_name: str | None = None,
) -> ReturnedWorkbook:
    """As read_returned, for bytes already read; `name` is how problems name the file."""
    digest = hashlib.sha256(data).hexdigest()

    def refused(*problems: ImportProblem) -> ReturnedWorkbook:
        return ReturnedWorkbook(name, digest, problems=list(problems))

    try:
        has_formula = check_package(data)
        values = _load(data, data_only=True)
        formulas = _load(data, data_only=False) if has_formula else None
    except PackageError as exc:
        return refused(ImportProblem(name, str(exc)))
    try:
        names = list(values.sheetnames)
        identity_rows = _identity_rows(values)
        rows = list(_sheet_rows(values, formulas, TASKS_SHEET)) if TASKS_SHEET in names else None
        target_rows = (
            list(_sheet_rows(values, formulas, TARGETS_SHEET)) if TARGETS_SHEET in names else None
        )
    except _UNREADABLE:
        return refused(ImportProblem(name, "xlsx 文件已损坏，无法读取其中的表格"))
    finally:
        values.close()
        if formulas is not None:
            formulas.close()
    identity, problem = _identity(identity_rows, name, notice_key, keys)
    if problem is not None:
        return refused(problem)
    assert identity is not None
    if rows is None:
        return refused(ImportProblem(name, f"找不到工作表“{TASKS_SHEET}”（工作表被改名或删除）"))
    reader = RowReader(
        notice=notice,
        identity=identity,
        file=name,
        file_name=file_name or Path(name).name,
        sha256=digest,
        today=today,
    )
    reports, problems, skipped = reader.read(TASKS_SHEET, rows)
    actuals: list[Actual] = []
    if identity.indicators:
        if target_rows is None:
            problems.append(
                ImportProblem(name, f"找不到工作表“{TARGETS_SHEET}”（工作表被改名或删除）")
            )
        else:
            targets = TargetRowReader(notice, identity, name, reader.file_name, digest, today)
            actuals, found = targets.read_targets(target_rows)
            problems += found
    if problems:
        return refused(*problems)
    return ReturnedWorkbook(
        name, digest, reports=reports, actuals=actuals, skipped=skipped, identity=identity
    )


# What openpyxl raises on a malformed package: its own parsing gives no single error type.
_UNREADABLE = (
    ArithmeticError,
    AttributeError,
    EOFError,
    LookupError,
    RuntimeError,  # zipfile: an encrypted member, or a compression method it does not know
    OSError,
    RecursionError,
    SyntaxError,
    TypeError,
    ValueError,
    zipfile.BadZipFile,
    zlib.error,
)


def _load(data: bytes, *, data_only: bool) -> Any:
    """An openpyxl read-only workbook: cached values only, no links, no macros, no formulas run."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about every extension it drops (data validation lists, slicers).
            warnings.simplefilter("ignore")
            return load_workbook(
                io.BytesIO(data),
                read_only=True,
                data_only=data_only,
                keep_links=False,
                keep_vba=False,
            )
    except (*_UNREADABLE, InvalidFileException):
        raise PackageError("xlsx 文件已损坏，无法读取") from None


def _identity_rows(workbook: Any) -> list[tuple[object, ...]] | None:
    if IDENTITY_SHEET not in workbook.sheetnames:
        return None
    sheet = workbook[IDENTITY_SHEET]
    return list(sheet.iter_rows(max_row=_IDENTITY_ROWS, max_col=4, values_only=True))


def _identity(
    rows: list[tuple[object, ...]] | None, name: str, notice_key: str, keys: Mapping[str, bytes]
) -> tuple[WorkbookIdentity | None, ImportProblem | None]:
    """The verified identity, or the problem that refuses the file."""
    if rows is None:
        return None, ImportProblem(
            name, "没有工作簿标识，不是由本台账导出的工作簿；请用 minsheng export 重新导出后分发"
        )
    try:
        identity = parse_identity(rows)
    except IdentityFormatError as exc:
        return None, ImportProblem(name, f"工作簿标识被改动过：{exc}", sheet=IDENTITY_SHEET)
    key = keys.get(identity.ledger_id)
    if key is None:
        return None, ImportProblem(
            name,
            f"工作簿来自另一个台账（台账标识 {identity.ledger_id}），不是本台账导出的；"
            "请用导出它的台账导入，或用本台账重新导出",
            sheet=IDENTITY_SHEET,
        )
    if not identity.verifies(key):
        return None, ImportProblem(
            name,
            "工作簿标识与签名不符：标识被改动过（如单位、事项或通知），不能导入；"
            "请用本台账重新导出",
            sheet=IDENTITY_SHEET,
        )
    if identity.format != FORMAT:
        return None, ImportProblem(name, f"不支持的工作簿格式“{identity.format}”")
    if identity.notice_key != notice_key:
        return None, ImportProblem(
            name, f"工作簿属于另一份通知（{identity.notice_key}），不是当前通知（{notice_key}）"
        )
    return identity, None


def _sheet_rows(values: Any, formulas: Any | None, title: str) -> Iterator[list[SheetCell]]:
    """Each row of a sheet as cells with their value, number format and formula mark."""
    sheet = values[title]
    formula_rows: Iterator[Sequence[Any]] | None = None
    if formulas is not None and title in formulas.sheetnames:
        formula_rows = formulas[title].iter_rows(max_row=_MAX_ROWS, max_col=_MAX_COLUMNS)
    for cells in sheet.iter_rows(max_row=_MAX_ROWS, max_col=_MAX_COLUMNS):
        marks = next(formula_rows, ()) if formula_rows is not None else ()
        row: list[SheetCell] = []
        for index, cell in enumerate(cells):
            mark = marks[index] if index < len(marks) else None
            formula = mark is not None and getattr(mark, "data_type", None) == "f"
            row.append(SheetCell(cell.value, getattr(cell, "number_format", "General"), formula))
        yield row
