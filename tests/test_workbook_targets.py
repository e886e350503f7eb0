"""The 量化指标 sheet of every xlsx export: written, filled in as a person would, read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from minsheng_cli import Notice
from minsheng_cli.cli import app
from minsheng_cli.export import ExportFormat
from minsheng_cli.export._xlsx_targets import NO_TARGETS
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.plan import plan_export
from minsheng_cli.export.xlsx import write_xlsx
from minsheng_cli.ledger.records import Actual, FileSource
from minsheng_cli.ledger.returned import ReturnedWorkbook, read_returned_bytes
from minsheng_cli.ledger.workbook import (
    IDENTITY_SHEET,
    Signer,
    UnitKind,
    WorkbookIdentity,
    WorkbookUnit,
    parse_identity,
    sheet_targets,
)
from minsheng_cli.models import REPORTABLE_KINDS
from minsheng_cli.query import TaskFilter

KEY = bytes(range(32))
LEDGER = "0f8e2c1a-5b7d-4e3f-9a6b-1c2d3e4f5a6b"
NOTICE_KEY = "吉市政办发〔2015〕3号"
TODAY = dt.date(2015, 7, 1)
JUNE_30 = dt.date(2015, 6, 30)
SHEET = "量化指标"
HEADER_ROW = 3
FILE = "市人社局.xlsx"
UNIT = "市人社局"
HEADERS = ["序号", "指标编号", "指标", "目标值", "单位", "完成值", "填报日期"]
ID, ACTUAL, DATE = 2, 6, 7
SIGNER = Signer(notice_key=NOTICE_KEY, ledger_id=LEDGER, key=KEY)
runner = CliRunner()


def _export(
    notice: Notice,
    task_filter: TaskFilter,
    prefill_actuals: Mapping[tuple[str, str], Actual] | None = None,
) -> bytes:
    planned = plan_export(
        notice,
        task_filter,
        ExportFormat.xlsx,
        output="unused/",
        signer=SIGNER,
        prefill_actuals=prefill_actuals,
    )
    stream = io.BytesIO()
    write_xlsx(planned[0].document, stream)
    return stream.getvalue()


@pytest.fixture(scope="module")
def seeds(notice: Notice) -> dict[str, bytes]:
    """市人社局's workbook and the whole office's, exported once for the module."""
    return {
        "unit": _export(notice, TaskFilter(units=(UNIT,))),
        "office": _export(notice, TaskFilter()),
    }


def _sheet(workbook: Workbook, name: str = SHEET) -> Worksheet:
    sheet = workbook[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def _columns(ws: Worksheet) -> dict[object, int]:
    return {cell.value: index for index, cell in enumerate(ws[HEADER_ROW], start=1)}


def _row_of(ws: Worksheet, indicator: str) -> int:
    return next(
        r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, ID).value == indicator
    )


Edit = Callable[[Workbook], None]


def _edited(data: bytes, edit: Edit) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _fill(cells: Mapping[str, tuple[Any, ...]]) -> Edit:
    """Type (完成值[, 填报日期[, number format]]) into the rows of the given indicators."""

    def edit(workbook: Workbook) -> None:
        ws = _sheet(workbook)
        for indicator, typed in cells.items():
            row = _row_of(ws, indicator)
            ws.cell(row, ACTUAL).value = typed[0]
            if len(typed) > 1:
                ws.cell(row, DATE).value = typed[1]
            if len(typed) > 2:
                ws.cell(row, ACTUAL).number_format = str(typed[2])

    return edit


def _read(data: bytes, notice: Notice) -> ReturnedWorkbook:
    return read_returned_bytes(
        data, FILE, notice, notice_key=NOTICE_KEY, keys={LEDGER: KEY}, today=TODAY
    )


# --- the sheet as written ----------------------------------------------------------------


@pytest.mark.parametrize("seed", ["unit", "office"])
def test_sheet_lists_every_reportable_indicator_in_task_order(
    seeds: dict[str, bytes], notice: Notice, seed: str
) -> None:
    workbook = load_workbook(io.BytesIO(seeds[seed]))
    assert workbook.sheetnames == ["分工表", SHEET, "统计", IDENTITY_SHEET]
    ws = _sheet(workbook)
    assert [c.value for c in ws[HEADER_ROW]] == HEADERS
    tasks_sheet = _sheet(workbook, "分工表")
    numbers = [int(str(tasks_sheet.cell(r, 1).value)) for r in range(4, tasks_sheet.max_row + 1)]
    by_number = {t.number: t for t in notice.tasks}
    expected = [
        [t.number, g.id, g.text, g.value, g.unit, None, None]
        for t in (by_number[n] for n in numbers)
        for g in t.targets
        if g.kind in REPORTABLE_KINDS
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 1)]
    assert rows == expected
    assert all(isinstance(r[3], int | float) for r in rows)
    identity = parse_identity(
        [[c.value for c in row] for row in _sheet(workbook, IDENTITY_SHEET).iter_rows()]
    )
    assert list(identity.indicators) == [r[1] for r in rows]
    assert identity.verifies(KEY)


def test_standards_and_thresholds_never_appear(seeds: dict[str, bytes], notice: Notice) -> None:
    ws = _sheet(load_workbook(io.BytesIO(seeds["office"])))
    ids = {ws.cell(r, ID).value for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    others = {g.id for t in notice.tasks for g in t.targets if g.kind not in REPORTABLE_KINDS}
    assert "10.2" in others  # 超过9600元以上部分, a threshold
    assert len(ids) == 125 and not ids & others


def test_sheet_is_locked_but_for_the_fill_ins_and_checks_them(seeds: dict[str, bytes]) -> None:
    ws = _sheet(load_workbook(io.BytesIO(seeds["unit"])))
    assert ws.protection.sheet and not ws.protection.autoFilter
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize or 0) == 9
    assert ws.print_title_rows == "$3:$3"
    last = ws.max_row
    for row in range(HEADER_ROW + 1, last + 1):
        locked = [ws.cell(row, c).protection.locked for c in range(1, 8)]
        assert locked == [True] * 5 + [False, False], row
    checks = {
        (v.type, v.operator, v.formula1, str(v.sqref)) for v in ws.data_validations.dataValidation
    }
    assert checks == {
        ("decimal", "greaterThanOrEqual", "0", f"F4:F{last}"),
        ("date", "lessThanOrEqual", "TODAY()", f"G4:G{last}"),
    }
    assert ws.cell(4, 4).number_format == "#,##0"
    widths = [ws.column_dimensions[letter].width for letter in "ABCDEFG"]
    assert widths[2] >= 24 and sum(widths) * 5.6 < 841.89 - 2 * 72 * 0.4


def test_sheet_is_there_without_indicators(notice: Notice) -> None:
    tasks = [t for t in notice.tasks if t.number in (39, 72)]
    assert not sheet_targets(tasks)
    identity = SIGNER.identity([39, 72], [], [])
    document = ExportDocument(notice.meta, tasks, "分工表", identity=identity)
    stream = io.BytesIO()
    write_xlsx(document, stream)
    ws = _sheet(load_workbook(io.BytesIO(stream.getvalue())))
    assert [c.value for c in ws[HEADER_ROW]] == HEADERS
    assert ws.cell(HEADER_ROW + 1, 1).value == NO_TARGETS
    assert ws.max_row == HEADER_ROW + 1 and not ws.data_validations.dataValidation
    assert identity.indicators == ()
    result = _read(stream.getvalue(), notice)
    assert (result.problems, result.actuals) == ([], [])


# --- the signature -----------------------------------------------------------------------

OLD_CANONICAL = (
    '{"format":"minsheng-workbook/1","ledger_id":"L","notice":"吉市政办发〔2015〕3号",'
    '"tasks":[1,2],"units":[["市人社局","实际接收单位"]],"version":"0.1.0"}'
)
"""What canonical() gave before the 量化指标 sheet, computed with that version's code."""
OLD_SIGNATURE = "63463aa4d7dffe420c4e596fd25e1e243db0e0bcad2a1843fe906c2bcd63528c"


def test_an_identity_without_indicators_signs_as_before() -> None:
    identity = WorkbookIdentity(
        notice_key=NOTICE_KEY,
        ledger_id="L",
        version="0.1.0",
        tasks=(1, 2),
        units=(WorkbookUnit(UNIT, UnitKind.RECIPIENT),),
        indicators=(),
    )
    assert identity.canonical().decode() == OLD_CANONICAL
    assert identity.expected_signature(KEY) == OLD_SIGNATURE
    signed = dataclasses.replace(identity, signature=OLD_SIGNATURE)
    assert [row[0] for row in signed.rows()] == [
        "说明",
        "格式",
        "通知",
        "台账",
        "工具版本",
        "事项",
        "单位",
        "签名",
    ]
    assert parse_identity(signed.rows()) == signed and parse_identity(signed.rows()).verifies(KEY)


@pytest.mark.parametrize(
    "indicators",
    [("2.1", "2.3"), ("2.2", "2.1"), ("2.1",), ("2.1", "2.2", "2.3"), ()],
)
def test_the_signature_covers_the_ids_in_order(indicators: tuple[str, ...]) -> None:
    identity = SIGNER.identity([2], [WorkbookUnit(UNIT, UnitKind.RECIPIENT)], ["2.1", "2.2"])
    assert identity.verifies(KEY)
    assert "indicators" in identity.canonical().decode()
    assert parse_identity(identity.rows()) == identity
    assert ["指标", "2.1、2.2"] in identity.rows()
    assert not dataclasses.replace(identity, indicators=indicators).verifies(KEY)


# --- reading back ------------------------------------------------------------------------

# (indicator, what the person types: 完成值, 填报日期[, number format]) -> the value recorded
TYPED: list[tuple[str, tuple[object, ...], float]] = [
    ("2.1", (45000, JUNE_30), 45000),
    ("2.1", ("4.5万", JUNE_30), 45000),
    ("2.1", ("45,000", "2015-06-30"), 45000),
    ("2.1", ("4.5万人", "2015年6月30日"), 45000),
    ("2.1", (45000.0, dt.datetime(2015, 6, 30)), 45000),
    ("2.2", ("65万人次", JUNE_30), 650000),
    ("1.1", ("1.2亿", JUNE_30), 120_000_000),
    ("1.1", ("8000万元", JUNE_30), 80_000_000),
    ("4.1", (0.85, JUNE_30, "0%"), 85),
    ("4.1", ("85%", JUNE_30), 85),
    ("4.1", (85, JUNE_30), 85),
    ("4.1", (0.855, JUNE_30, "0.0%"), 85.5),
    ("9.1", ("8万", JUNE_30), 80000),
]


@pytest.mark.parametrize(("indicator", "typed", "value"), TYPED)
def test_filled_rows_become_actuals(
    seeds: dict[str, bytes], notice: Notice, indicator: str, typed: tuple[object, ...], value: float
) -> None:
    filled = _edited(seeds["unit"], _fill({indicator: typed}))
    result = _read(filled, notice)
    assert result.problems == []
    row = _row_of(_sheet(load_workbook(io.BytesIO(filled))), indicator)
    assert result.actuals == [
        Actual(
            task=int(indicator.split(".")[0]),
            indicator=indicator,
            unit=UNIT,
            value=value,
            as_of=JUNE_30,
            source=FileSource(file=FILE, sha256=result.sha256 or "", sheet=SHEET, row=row),
        )
    ]
    assert result.reports == []


def test_the_office_workbook_reports_as_each_tasks_lead(
    seeds: dict[str, bytes], notice: Notice
) -> None:
    filled = _edited(seeds["office"], _fill({"2.1": (45000, JUNE_30), "5.1": ("800个", JUNE_30)}))
    result = _read(filled, notice)
    assert result.problems == []
    found = [(a.indicator, a.unit, a.value) for a in result.actuals]
    assert found == [("2.1", UNIT, 45000), ("5.1", "市城管执法局", 800)]
    assert all(a.source is not None and a.source.via_office for a in result.actuals)


def test_both_sheets_read_together(seeds: dict[str, bytes], notice: Notice) -> None:
    def tasks_row(workbook: Workbook) -> None:
        ws = _sheet(workbook, "分工表")
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == 2)
        columns = _columns(ws)
        typed: list[tuple[str, Any]] = [
            ("状态", "推进中"),
            ("完成进度（%）", 50),
            ("填报日期", JUNE_30),
        ]
        for header, value in typed:
            ws.cell(row, columns[header]).value = value

    filled = _edited(_edited(seeds["unit"], tasks_row), _fill({"2.1": ("4.5万", JUNE_30)}))
    result = _read(filled, notice)
    assert result.problems == []
    assert [(r.task, r.percent) for r in result.reports] == [(2, 50)]
    assert [(a.indicator, a.value) for a in result.actuals] == [("2.1", 45000)]
    # One bad 完成值 and the good 分工表 row is refused with it.
    bad = _read(_edited(filled, _fill({"2.2": (-5, JUNE_30)})), notice)
    assert (bad.reports, bad.actuals, len(bad.problems)) == ([], [], 1)


def _set(indicator: str, column: int, value: Any) -> Edit:
    def edit(workbook: Workbook) -> None:
        ws = _sheet(workbook)
        ws.cell(_row_of(ws, indicator), column).value = value

    return edit


def _set_at(row: int, column: int, value: str) -> Edit:
    def edit(workbook: Workbook) -> None:
        _sheet(workbook).cell(row, column).value = value

    return edit


def _swap(first: str, second: str) -> Edit:
    def edit(workbook: Workbook) -> None:
        ws = _sheet(workbook)
        a, b = _row_of(ws, first), _row_of(ws, second)
        ws.cell(a, ID).value, ws.cell(b, ID).value = second, first

    return edit


def _delete_row(indicator: str) -> Edit:
    def edit(workbook: Workbook) -> None:
        ws = _sheet(workbook)
        ws.delete_rows(_row_of(ws, indicator))

    return edit


def _delete_sheet(workbook: Workbook) -> None:
    del workbook[SHEET]


def _both(*edits: Edit) -> Edit:
    def edit(workbook: Workbook) -> None:
        for one in edits:
            one(workbook)

    return edit


W = f"{FILE} 工作表“{SHEET}”"
CHANGED = "指标编号被改动、调换或增删了行，与导出时不同，不能导入；请用本台账重新导出"
# (what the person did, the problems, exactly); rows of 市人社局's sheet: 2.1 is row 8.
REFUSED: list[tuple[str, Edit, list[str]]] = [
    (
        "an edited id",
        _both(_set("2.1", ID, "2.3"), _fill({"2.2": (1, JUNE_30)})),
        [f"{W}第 8 行“指标编号”列：此行导出时是指标 2.1：{CHANGED}（填的是“2.3”）"],
    ),
    (
        "an id typed as a number",
        _set("3.1", ID, 3.2),
        [f"{W}第 10 行“指标编号”列：此行导出时是指标 3.1：{CHANGED}（填的是“3.2”）"],
    ),
    (
        "swapped ids",
        _swap("2.1", "2.2"),
        [
            f"{W}第 8 行“指标编号”列：此行导出时是指标 2.1：{CHANGED}（填的是“2.2”）",
            f"{W}第 9 行“指标编号”列：此行导出时是指标 2.2：{CHANGED}（填的是“2.1”）",
        ],
    ),
    (
        "a deleted row",
        _delete_row("10.3"),
        [f"{W}：缺少指标 10.3 的行（行被删除），不能导入"],
    ),
    (
        "an added row",
        _set_at(17, ID, "10.2"),
        [f"{W}第 17 行“指标编号”列：多出导出时没有的行（行被添加），不能导入（填的是“10.2”）"],
    ),
    (
        "a 完成值 without a date",
        _fill({"2.1": (45000,)}),
        [f"{W}第 8 行“填报日期”列：填写了完成值，但没有填写填报日期（未填写）"],
    ),
    (
        "a date without a 完成值",
        _fill({"2.1": (None, JUNE_30)}),
        [
            f"{W}第 8 行“完成值”列：填写了填报日期，但没有填写完成值；"
            "没有完成值请把填报日期也清空（未填写）"
        ],
    ),
    (
        "a negative value",
        _fill({"2.1": (-5, JUNE_30)}),
        [
            f"{W}第 8 行“完成值”列：指标 2.1（城镇新增就业9万人）的完成值不能为负数，"
            "收到“-5”（填的是“-5”）"
        ],
    ),
    (
        "the wrong unit",
        _fill({"2.1": ("4.5万元", JUNE_30)}),
        [
            f"{W}第 8 行“完成值”列：指标 2.1（城镇新增就业9万人）的单位是“人”，"
            "完成值“4.5万元”的单位“元”与之不符（填的是“4.5万元”）"
        ],
    ),
    (
        "a percent for people",
        _fill({"2.1": (0.5, JUNE_30, "0%")}),
        [
            f"{W}第 8 行“完成值”列：指标 2.1（城镇新增就业9万人）的单位是“人”，"
            "完成值“50%”的单位“%”与之不符（填的是“50%”）"
        ],
    ),
    (
        "not a number",
        _fill({"2.1": ("很多", JUNE_30)}),
        [
            f"{W}第 8 行“完成值”列：指标 2.1（城镇新增就业9万人）的完成值“很多”不是数字；"
            "请写成 45000、45,000、4.5万或4.5万人（填的是“很多”）"
        ],
    ),
    (
        "a date as the value",
        _fill({"2.1": (JUNE_30, JUNE_30)}),
        [f"{W}第 8 行“完成值”列：完成值应是数字，如 45000、4.5万或 85%（填的是“2015-06-30”）"],
    ),
    (
        "a date after today",
        _fill({"2.1": (45000, dt.date(2015, 7, 2))}),
        [f"{W}第 8 行“填报日期”列：填报日期晚于今天（2015-07-01）（填的是“2015-07-02”）"],
    ),
    (
        "a formula without its value",
        _fill({"2.1": ("=1+1", JUNE_30)}),
        [
            f"{W}第 8 行“完成值”列：公式没有保存计算结果（本工具不计算公式）；"
            "请在 Excel 中重新计算并保存，或直接填写数值（未填写）"
        ],
    ),
    (
        "the sheet deleted",
        _delete_sheet,
        [f"{FILE}：找不到工作表“{SHEET}”（工作表被改名或删除）"],
    ),
    (
        "the header edited",
        _set_at(HEADER_ROW, ACTUAL, "实际完成"),
        [f"{W}第 3 行：缺少“完成值”列（表头被改动）"],
    ),
]


@pytest.mark.parametrize(("what", "edit", "problems"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_naming_sheet_row_column_and_value(
    seeds: dict[str, bytes], notice: Notice, what: str, edit: Edit, problems: list[str]
) -> None:
    result = _read(_edited(seeds["unit"], edit), notice)
    assert [str(p) for p in result.problems] == problems
    assert (result.reports, result.actuals) == ([], [])


def test_a_workbook_made_before_the_sheet_imports_as_before(
    seeds: dict[str, bytes], notice: Notice
) -> None:
    """No 量化指标 sheet, and an identity that signs no indicators, as older versions wrote."""

    def older(workbook: Workbook) -> None:
        del workbook[SHEET]
        ws = _sheet(workbook, IDENTITY_SHEET)
        identity = parse_identity([[c.value for c in row] for row in ws.iter_rows()])
        old = dataclasses.replace(identity, indicators=())
        old = dataclasses.replace(old, signature=old.expected_signature(KEY))
        ws.delete_rows(1, ws.max_row)
        for row, values in enumerate(old.rows(), start=1):
            for column, value in enumerate(values, start=1):
                ws.cell(row, column, value)
        tasks = _sheet(workbook, "分工表")
        row = next(r for r in range(4, tasks.max_row + 1) if tasks.cell(r, 1).value == 2)
        columns = _columns(tasks)
        tasks.cell(row, columns["状态"], "已完成")
        tasks.cell(row, columns["填报日期"], JUNE_30)

    result = _read(_edited(seeds["unit"], older), notice)
    assert result.problems == []
    assert [(r.task, r.percent) for r in result.reports] == [(2, 100)]
    assert result.actuals == []
    assert result.identity is not None and result.identity.indicators == ()


def test_prefill_writes_the_last_actuals_of_each_rows_unit(notice: Notice) -> None:
    mine = Actual(task=2, indicator="2.1", unit=UNIT, value=45000, as_of=JUNE_30)
    other = Actual(task=2, indicator="2.2", unit="市民政局", value=7, as_of=JUNE_30)
    data = _export(
        notice,
        TaskFilter(units=(UNIT,)),
        prefill_actuals={("2.1", UNIT): mine, ("2.2", "市民政局"): other},
    )
    ws = _sheet(load_workbook(io.BytesIO(data)))
    cells = {
        str(ws.cell(r, ID).value): (ws.cell(r, ACTUAL).value, ws.cell(r, DATE).value)
        for r in range(HEADER_ROW + 1, ws.max_row + 1)
    }
    assert cells["2.1"] == (45000, dt.datetime(2015, 6, 30))
    assert cells["2.2"] == (None, None)
    read = _read(data, notice)
    assert [(a.indicator, a.value, a.as_of) for a in read.actuals] == [("2.1", 45000, JUNE_30)]


# --- the command line, end to end -------------------------------------------------------


def test_fill_import_and_see_it_in_targets_then_an_edited_id_writes_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "台账.db"
    book = tmp_path / "市人社局.xlsx"

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, [*args, "--db", str(db)])
        return result.exit_code, result.stdout, result.stderr

    code, _, err = run("export", "-f", "xlsx", "--unit", UNIT, "-o", str(book))
    assert code == 0, err
    book.write_bytes(_edited(book.read_bytes(), _fill({"2.1": ("4.5万", "2015-06-30")})))
    code, out, err = run("progress", "import", str(book))
    assert code == 0, err
    assert "已记入台账 0 条填报、1 个完成值" in out
    code, out, err = run("targets", "--unit", UNIT, "--as-of", "2015-06-30", "--format", "json")
    assert code == 0, err
    shown = {r["id"]: r for r in json.loads(out)}
    assert (shown["2.1"]["actual"], shown["2.1"]["ratio"]) == (45000, 0.5)
    assert shown["2.1"]["lead"]["source"]["sheet"] == SHEET
    assert shown["2.2"]["actual"] is None

    before = db.read_bytes()
    edited = tmp_path / "改了编号.xlsx"
    edited.write_bytes(
        _edited(book.read_bytes(), _both(_set("2.2", ID, "2.3"), _fill({"2.1": (50000, JUNE_30)})))
    )
    code, out, err = run("progress", "import", str(edited))
    assert code == 1
    assert "未导入任何记录" in err and "此行导出时是指标 2.2" in err and "Traceback" not in err
    assert db.read_bytes() == before

    again = tmp_path / "下月.xlsx"
    code, _, err = run("export", "-f", "xlsx", "--unit", UNIT, "--prefill", "-o", str(again))
    assert code == 0, err
    ws = _sheet(load_workbook(again))
    assert ws.cell(_row_of(ws, "2.1"), ACTUAL).value == 45000
    code, out, err = run("progress", "import", str(again))
    assert code == 0, err
    assert "未重复记录" in out
