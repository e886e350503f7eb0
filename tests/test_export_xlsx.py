from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart
from openpyxl.chart._chart import ChartBase
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli import Deadline, DeadlineKind, Notice, Task, load_notice
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export._xlsx_cells import line_count, text_width
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.plan import plan_export
from minsheng_cli.export.xlsx import write_xlsx
from minsheng_cli.ledger.records import Report, Status
from minsheng_cli.query import UNCATEGORISED_LABEL, TaskFilter, resolve_targets, select
from minsheng_cli.serialize import TASK_HEADERS, task_row
from tests.rendering import renders

HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
FILL_IN = ["状态", "完成进度（%）", "进展情况", "存在问题", "下步打算", "填报日期"]


def _document(notice: Notice, task_filter: TaskFilter | None = None) -> ExportDocument:
    """A document as the exporter receives it: a unit's tasks lead-first, with a subtitle."""
    task_filter = task_filter or TaskFilter()
    tasks = select(notice, task_filter)
    if not task_filter.units:
        return ExportDocument(meta=notice.meta, tasks=tasks, title="民生事项分工表")
    targets = tuple(resolve_targets(notice, task_filter.units))
    led = [t for t in tasks if targets[0].leads(t)]
    supported = [t for t in tasks if not targets[0].leads(t)]
    subtitle = f"{targets[0].name}（牵头{len(led)}项，配合{len(supported)}项）"
    return ExportDocument(
        meta=notice.meta, tasks=led + supported, title="分工表", subtitle=subtitle, targets=targets
    )


def _custom(notice: Notice, tasks: list[Task]) -> ExportDocument:
    return ExportDocument(meta=notice.meta, tasks=tasks, title="分工表")


_reopened: dict[str, Workbook] = {}


def _reopen(document: ExportDocument) -> Workbook:
    """The workbook written for `document`, read back; once per document for the module.

    The tests here only read what they get, so one reading serves every test that asks
    for the same document (reading 80 rows back costs more than writing them).
    """
    key = repr(document)
    if key not in _reopened:
        stream = io.BytesIO()
        write_xlsx(document, stream)
        stream.seek(0)
        _reopened[key] = load_workbook(stream)
    return _reopened[key]


def _sheet(workbook: Workbook, name: str) -> Worksheet:
    sheet = workbook[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def _headers(ws: Worksheet) -> list[object]:
    return [cell.value for cell in ws[HEADER_ROW]]


def _column(ws: Worksheet, header: str) -> list[object]:
    index = _headers(ws).index(header) + 1
    return [ws.cell(row, index).value for row in range(FIRST_ROW, ws.max_row + 1)]


DOCUMENTS = [
    pytest.param(TaskFilter(), 80, [*TASK_HEADERS, *FILL_IN], id="full"),
    pytest.param(
        TaskFilter(units=("市民政局",)), 15, [*TASK_HEADERS, "本单位职责", *FILL_IN], id="unit"
    ),
    pytest.param(TaskFilter(category="就业增收"), 5, [*TASK_HEADERS, *FILL_IN], id="category"),
]


@pytest.mark.parametrize(("task_filter", "count", "headers"), DOCUMENTS)
def test_one_row_per_task_under_the_headers(
    notice: Notice, task_filter: TaskFilter, count: int, headers: list[str]
) -> None:
    document = _document(notice, task_filter)
    ws = _sheet(_reopen(document), "分工表")
    assert _headers(ws) == headers
    assert ws.max_row - HEADER_ROW == count
    assert _column(ws, "序号") == [task.number for task in document.tasks]


def test_rows_read_back_as_the_tasks(notice: Notice) -> None:
    ws = _sheet(_reopen(_document(notice)), "分工表")
    width = len(TASK_HEADERS)
    for row, task in enumerate(notice.tasks, start=FIRST_ROW):
        expected: list[object] = [value if value != "" else None for value in task_row(task)]
        date = task.deadline.date
        assert date is not None
        expected[TASK_HEADERS.index("截止日期")] = dt.datetime(date.year, date.month, date.day)
        assert [cell.value for cell in ws[row][:width]] == expected, task.number


def test_every_row_carries_its_category_and_nothing_is_merged_below_the_title(
    notice: Notice,
) -> None:
    ws = _sheet(_reopen(_document(notice)), "分工表")
    categories = _column(ws, "类别")
    assert categories == [task.category or UNCATEGORISED_LABEL for task in notice.tasks]
    assert all(merged.max_row < HEADER_ROW for merged in ws.merged_cells.ranges)


def test_sheet_is_ready_to_filter_freeze_and_print(notice: Notice) -> None:
    ws = _sheet(_reopen(_document(notice)), "分工表")
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:N83"
    # The header row repeats on every page; scale and widths: test_export_xlsx_print.py.
    assert (ws.print_title_rows or "").replace("$", "") == "3:3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.scale is not None and 80 <= ws.page_setup.scale <= 100
    footer = ws.oddFooter
    assert footer is not None and "&P" in (footer.center.text or "")


def test_cells_are_styled_for_reading(notice: Notice) -> None:
    ws = _sheet(_reopen(_document(notice)), "分工表")
    header = ws.cell(HEADER_ROW, 1)
    assert header.font.b
    assert header.fill.fill_type == "solid"
    assert header.border.bottom is not None and header.border.bottom.style == "thin"
    content = ws.cell(FIRST_ROW, TASK_HEADERS.index("工作内容") + 1)
    assert content.alignment.wrap_text and content.alignment.vertical == "top"
    assert content.border.left is not None and content.border.left.style == "thin"
    assert 24 <= (ws.column_dimensions["C"].width or 0) <= 60
    # Rows have heights, and taller ones for longer content.
    heights = {
        task.number: ws.row_dimensions[row].height or 0.0
        for row, task in enumerate(notice.tasks, start=FIRST_ROW)
    }
    longest = max(notice.tasks, key=lambda t: len(t.content))
    shortest = min(notice.tasks, key=lambda t: len(t.content))
    assert heights[longest.number] > heights[shortest.number] > 0


def test_deadlines_are_real_dates_and_empty_without_one(notice: Notice) -> None:
    ongoing = Deadline(text="长期坚持", date=None, kind=DeadlineKind.ONGOING)
    tasks = [notice.tasks[0], notice.tasks[1].model_copy(update={"deadline": ongoing})]
    ws = _sheet(_reopen(_custom(notice, tasks)), "分工表")
    dated, undated = (ws.cell(row, TASK_HEADERS.index("截止日期") + 1) for row in (4, 5))
    assert isinstance(dated.value, dt.datetime)
    assert dated.value.date() == notice.tasks[0].deadline.date
    assert dated.is_date and "yy" in dated.number_format
    assert undated.value is None
    assert _column(ws, "完成时限") == ["11月", "长期坚持"]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_text_that_looks_like_a_formula_stays_text(notice: Notice, prefix: str) -> None:
    task = notice.tasks[0].model_copy(
        update={
            "content": f"{prefix}SUM(A1:A2)",
            "category": f"{prefix}类别",
            "units": [f"{prefix}甲", "乙"],
        }
    )
    workbook = _reopen(_custom(notice, [task]))
    ws = _sheet(workbook, "分工表")
    expected = {
        "类别": f"{prefix}类别",
        "工作内容": f"{prefix}SUM(A1:A2)",
        "牵头单位": f"{prefix}甲",
        "全部责任单位": f"{prefix}甲、乙",
    }
    for header, text in expected.items():
        cell = ws.cell(FIRST_ROW, _headers(ws).index(header) + 1)
        assert (cell.value, cell.data_type) == (text, "s"), header
    stats = _sheet(workbook, "统计")
    labels = [cell for cell in stats["A"] if cell.value == f"{prefix}类别"]
    assert labels and all(cell.data_type == "s" for cell in labels)


@settings(max_examples=15, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=80))
def test_any_content_reads_back_unchanged(notice: Notice, text: str) -> None:
    task = notice.tasks[0].model_copy(update={"content": text})
    ws = _sheet(_reopen(_custom(notice, [task])), "分工表")
    # XML, and so xlsx, cannot hold most controls or U+FFFE/U+FFFF; the other controls
    # (DEL, C1, bidirectional overrides) are dropped too. Tab and line feed stay.
    dropped = {*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), "\ufffe", "\uffff"}
    dropped |= {*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}
    dropped -= {"\t", "\n"}
    kept = "".join(c for c in text if c not in dropped)
    assert _column(ws, "工作内容") == [kept or None]


def test_per_unit_document_says_the_role_lead_first(notice: Notice) -> None:
    document = _document(notice, TaskFilter(units=("市民政局",)))
    ws = _sheet(_reopen(document), "分工表")
    roles = _column(ws, "本单位职责")
    assert roles == ["牵头"] * 12 + ["配合"] * 3
    assert roles == [document.role(task) for task in document.tasks]
    assert "市民政局（牵头12项，配合3项）" in str(ws["A2"].value)


def _charts(ws: Worksheet) -> list[ChartBase]:
    charts: list[ChartBase] = ws._charts  # type: ignore[attr-defined]  # no public accessor
    return charts


def _block(ws: Worksheet, title: str) -> list[list[object]]:
    """The rows under a block's header, up to its 合计 row or the blank row after it."""
    start = next(cell.row for cell in ws["A"] if cell.value == title) + 2
    rows: list[list[object]] = []
    for row in ws.iter_rows(min_row=start, values_only=True):
        if row[0] is None:
            break
        rows.append(list(row[:4]))
    return rows


def test_stats_sheet_counts_add_up(notice: Notice) -> None:
    workbook = _reopen(_document(notice))
    ws = _sheet(workbook, "统计")
    for title in ["按类别统计", "按截止月份统计"]:
        *rows, total = _block(ws, title)
        assert all(isinstance(row[1], int) for row in rows)
        assert sum(int(str(row[1])) for row in rows) == total[1] == 80, title
        assert total[0] == "合计"
    categories = {row[0]: row[1] for row in _block(ws, "按类别统计")}
    assert categories[UNCATEGORISED_LABEL] == 19
    *_, lead_total = _block(ws, "按牵头单位统计")
    assert lead_total[1] == sum(1 for task in notice.tasks if task.lead_unit)
    units = _block(ws, "按责任单位统计（含牵头与配合）")
    assert all(row[3] == int(str(row[1])) + int(str(row[2])) for row in units)
    assert {row[0]: row[1] for row in units}["市民政局"] == 12


def test_stats_sheet_has_bar_charts_labelled_with_the_table_text(notice: Notice) -> None:
    ws = _sheet(_reopen(_document(notice)), "统计")
    charts = _charts(ws)
    assert [type(chart) for chart in charts] == [BarChart, BarChart]
    series = charts[0].series[0]
    assert series.cat is not None and series.cat.strRef is not None
    sheet, cells = series.cat.strRef.f.split("!")
    assert sheet.strip("'") == "统计"
    labels = [row[0].value for row in ws[cells.replace("$", "")]]
    assert labels[:3] == ["就业增收", "安居工程", "医疗保障"]
    assert labels[-1] == UNCATEGORISED_LABEL


def test_empty_document_still_makes_a_workbook(notice: Notice) -> None:
    workbook = _reopen(_custom(notice, []))
    ws = _sheet(workbook, "分工表")
    assert ws.max_row == HEADER_ROW
    assert ws.auto_filter.ref == "A3:N3"
    assert _charts(_sheet(workbook, "统计")) == []


def test_control_characters_are_dropped(notice: Notice) -> None:
    task = notice.tasks[0].model_copy(update={"content": "甲\x01乙\x1f\ufffe"})
    ws = _sheet(_reopen(_custom(notice, [task])), "分工表")
    assert _column(ws, "工作内容") == ["甲乙"]


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 0), ("ab1", 3), ("市民政局", 8), ("“甲”、", 8), ("１２", 4), ("2015年", 6)],
)
def test_text_width_counts_cjk_as_two(text: str, width: int) -> None:
    assert text_width(text) == width


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [("", 10, 1), ("甲" * 4, 10, 1), ("甲" * 5, 10, 2), ("甲\n乙", 60, 2), ("a" * 117, 60, 2)],
)
def test_line_count_estimates_wrapping(text: str, width: float, lines: int) -> None:
    assert line_count(text, width) == lines


def test_openpyxl_is_only_imported_for_xlsx() -> None:
    code = (
        "import sys, minsheng_cli, minsheng_cli.export.plan, minsheng_cli.query;"
        "assert 'openpyxl' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@renders("export-xlsx")
def _unit_workbook() -> dict[str, bytes]:
    stream = io.BytesIO()
    write_xlsx(_document(load_notice(), TaskFilter(units=("市民政局",))), stream)
    return {"分工表.xlsx": stream.getvalue()}


@pytest.mark.render
def test_libreoffice_renders_the_workbook(pdfs: dict[str, dict[str, Path]]) -> None:
    pdf = pdfs["export-xlsx"]["分工表"]
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def _fill_columns(ws: Worksheet) -> list[int]:
    return [_headers(ws).index(header) + 1 for header in FILL_IN]


def test_task_columns_are_locked_and_fill_in_columns_are_not(notice: Notice) -> None:
    ws = _sheet(_reopen(_document(notice, TaskFilter(units=("市民政局",)))), "分工表")
    protection = ws.protection
    assert protection.sheet and not protection.password
    # False means "not protected": filtering, sorting and resizing stay allowed.
    assert (protection.autoFilter, protection.sort) == (False, False)
    assert (protection.formatColumns, protection.formatRows) == (False, False)
    fill = set(_fill_columns(ws))
    for row in range(HEADER_ROW, ws.max_row + 1):
        for column in range(1, ws.max_column + 1):
            locked = ws.cell(row, column).protection.locked
            assert locked is (row == HEADER_ROW or column not in fill), (row, column)


def test_fill_in_columns_check_what_is_typed(notice: Notice) -> None:
    ws = _sheet(_reopen(_document(notice, TaskFilter(units=("市民政局",)))), "分工表")
    letters = {h: get_column_letter(_headers(ws).index(h) + 1) for h in FILL_IN}
    rows = f"{FIRST_ROW}:{{}}{ws.max_row}"
    found = {
        str(v.sqref): (
            v.type,
            v.operator,
            v.formula1,
            v.formula2,
            v.allow_blank,
            v.showErrorMessage,
        )
        for v in ws.data_validations.dataValidation
    }

    def span(header: str) -> str:
        return f"{letters[header]}{rows.format(letters[header])}"

    assert found == {
        span("状态"): ("list", None, '"未启动,推进中,已完成"', None, True, True),
        span("完成进度（%）"): ("whole", "between", "0", "100", True, True),
        span("填报日期"): ("date", "lessThanOrEqual", "TODAY()", None, True, True),
    }
    date = ws.cell(FIRST_ROW, _headers(ws).index("填报日期") + 1)
    assert "yy" in date.number_format


def test_prefill_puts_each_rows_report_in_the_fill_in_cells(notice: Notice) -> None:
    report = Report(
        task=18,
        unit="市民政局",
        status=Status.IN_PROGRESS,
        percent=40,
        note="已摸底",
        problems=None,
        next_steps="七月完成",
        as_of=dt.date(2015, 6, 30),
    )
    document = dataclasses.replace(
        _document(notice, TaskFilter(units=("市民政局",))), prefill={18: report}
    )
    ws = _sheet(_reopen(document), "分工表")
    row = [cell.value for cell in ws[FIRST_ROW]][-len(FILL_IN) :]
    assert ws.cell(FIRST_ROW, 1).value == 18
    assert row == ["推进中", 40, "已摸底", None, "七月完成", dt.datetime(2015, 6, 30)]
    assert all(value is None for value in [c.value for c in ws[FIRST_ROW + 1]][-len(FILL_IN) :])


def test_plan_prefills_each_workbook_with_its_own_units_report(notice: Notice) -> None:
    def report(task: int, unit: str, percent: int) -> Report:
        return Report(
            task=task,
            unit=unit,
            status=Status.IN_PROGRESS,
            percent=percent,
            as_of=dt.date(2015, 6, 30),
        )

    latest = {
        (18, "市民政局"): report(18, "市民政局", 40),
        (18, "昌邑区"): report(18, "昌邑区", 10),
        (49, "昌邑区"): report(49, "昌邑区", 30),
    }
    planned = plan_export(
        notice,
        TaskFilter(),
        ExportFormat.xlsx,
        output="x/",
        split_by=SplitBy.recipient,
        prefill=latest,
    )
    prefills = {p.document.targets[0].name: p.document.prefill for p in planned}
    assert prefills["市民政局"] == {18: latest[18, "市民政局"]}
    assert prefills["昌邑区"] == {18: latest[18, "昌邑区"], 49: latest[49, "昌邑区"]}
    assert prefills["龙潭区"] is None
    [office] = plan_export(notice, TaskFilter(), ExportFormat.xlsx, prefill=latest)
    # The office workbook shows the lead's report; a group-led task (49) has no single one.
    assert office.document.prefill == {18: latest[18, "市民政局"]}
    assert office.document.identity is None
