from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart
from openpyxl.chart._chart import ChartBase
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli import Notice, load_notice
from minsheng_cli.ledger.records import LIGHT_LABELS, Light
from minsheng_cli.report.figures import Options, compute
from minsheng_cli.report.model import Changes, Period, ReportFigures
from minsheng_cli.report.xlsx import CLIPPED, UNCATEGORISED, write_xlsx
from tests.rendering import renders
from tests.report_sample import AS_OF, sample_figures

NOTICE: Notice = load_notice()
FIGURES: ReportFigures = sample_figures(NOTICE, Period.YEAR)

SHEETS = [
    "总览",
    "分类别",
    "牵头单位排名",
    "逾期和红灯",
    "即将到期",
    "未报送单位",
    "变化",
    "量化指标",
]
YEAR_END_SHEETS = ["年终-牵头", "年终-配合"]

CATEGORY_HEADERS = [
    "类别", "事项数", "已完成", "绿灯", "黄灯", "红灯", "逾期", "无时限", "落后", "未报送",
    "平均进度（%）",
]  # fmt: skip
UNIT_HEADERS = [
    "名次", "单位", "牵头事项", "已完成", "落后", "逾期", "未报送", "平均进度（%）",
    "平均序时进度（%）", "牵头差距（百分点）",
]  # fmt: skip
TASK_HEADERS = [
    "序号", "类别", "工作内容", "牵头单位", "截止日期", "进度（%）", "序时进度（%）", "灯",
    "存在问题",
]  # fmt: skip
SHARE_HEADERS = [
    "单位", "事项数", "按期完成", "逾期完成", "未完成", "按期完成率（%）", "逾期完成率（%）",
    "未完成率（%）",
]  # fmt: skip

# The 总览 table: 指标 -> the Headline field it shows.
HEADLINE = {
    "事项数": "tasks",
    "已完成": "done",
    "绿灯": "green",
    "黄灯": "yellow",
    "红灯": "red",
    "逾期": "overdue",
    "无时限": "none",
    "未报送": "unreported",
    "已启动": "started",
    "落后（黄灯加红灯）": "behind",
    "完成率（%）": "done_rate",
    "平均完成进度（%）": "mean_percent",
    "平均序时进度（%）": "mean_expected",
}

# Columns holding a one-decimal percent (or percentage points), by sheet.
PERCENT_COLUMNS = {
    "分类别": ["平均进度（%）"],
    "牵头单位排名": ["平均进度（%）", "平均序时进度（%）", "牵头差距（百分点）"],
    "逾期和红灯": ["进度（%）", "序时进度（%）"],
    "年终-牵头": ["按期完成率（%）", "逾期完成率（%）", "未完成率（%）"],
}


def _reopen(figures: ReportFigures) -> Workbook:
    stream = io.BytesIO()
    write_xlsx(figures, stream)
    stream.seek(0)
    return load_workbook(stream)


WORKBOOK = _reopen(FIGURES)
# Texts the problems column must clean, keep literal, or clip visibly: (given, written).
TEXTS = [
    ("资金\x07未到位\x1b", "资金未到位"),
    ('=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
    ("甲" * 40_000, "甲" * (32767 - len(CLIPPED)) + CLIPPED),
    ("𠀀" * 20_000, "𠀀" * ((32767 - len(CLIPPED)) // 2) + CLIPPED),
]
_TEMPLATE = FIGURES.overdue_or_red[0]
_UNRANKED = FIGURES.by_unit[3].model_copy(
    update={"rank": None, "mean_expected": None, "lead_gap": None}
)
# One shorter workbook for the tests of single cells (each workbook costs a write and a read):
# every light among the overdue, the texts among the due, and an unranked unit.
VARIANT = FIGURES.model_copy(
    update={
        "by_unit": [*FIGURES.by_unit[:3], _UNRANKED],
        "overdue_or_red": [_TEMPLATE.model_copy(update={"light": light}) for light in Light],
        "due_soon": [_TEMPLATE.model_copy(update={"problems": given}) for given, _ in TEXTS],
        "silent_units": FIGURES.silent_units[:2],
        "changes": Changes(completed=[1], worse=[2], better=[]),
        "year_end": None,
    }
)
VARIANT_WORKBOOK = _reopen(VARIANT)


def _charts(ws: Worksheet) -> list[ChartBase]:
    charts: list[ChartBase] = ws._charts  # type: ignore[attr-defined]  # no public accessor
    return charts


def _table(ws: Worksheet) -> tuple[list[str], list[list[object]]]:
    """The headers (line breaks dropped) and rows of the sheet's filtered table."""
    area = CellRange(ws.auto_filter.ref)
    rows: list[list[object]] = [
        [cell.value for cell in row]
        for row in ws.iter_rows(
            min_row=area.min_row,
            max_row=area.max_row,
            min_col=area.min_col,
            max_col=area.max_col,
        )
    ]
    headers = [str(value).replace("\n", "") for value in rows[0]]
    return headers, rows[1:]


def _column(ws: Worksheet, header: str) -> list[object]:
    headers, rows = _table(ws)
    index = headers.index(header)
    return [row[index] for row in rows]


@pytest.mark.parametrize(
    ("period", "sheets"),
    [
        (Period.MONTH, SHEETS),
        (Period.YEAR, SHEETS + YEAR_END_SHEETS),
    ],
)
def test_report_xlsx_sheets_per_section(period: Period, sheets: list[str]) -> None:
    workbook = WORKBOOK if period is Period.YEAR else _reopen(sample_figures(NOTICE, period))
    assert workbook.sheetnames == sheets


@pytest.mark.parametrize(
    ("sheet", "headers"),
    [
        ("总览", ["指标", "数值"]),
        ("分类别", CATEGORY_HEADERS),
        ("牵头单位排名", UNIT_HEADERS),
        ("逾期和红灯", TASK_HEADERS),
        ("即将到期", TASK_HEADERS),
        ("未报送单位", ["序号", "单位"]),
        ("变化", ["类型", "事项序号"]),
        ("年终-牵头", SHARE_HEADERS),
        ("年终-配合", SHARE_HEADERS),
    ],
)
def test_report_xlsx_headers(sheet: str, headers: list[str]) -> None:
    assert _table(WORKBOOK[sheet])[0] == headers


@pytest.mark.parametrize("sheet", SHEETS + YEAR_END_SHEETS)
def test_report_xlsx_every_sheet_frozen_filtered_and_printable(sheet: str) -> None:
    ws = WORKBOOK[sheet]
    area = CellRange(ws.auto_filter.ref)
    assert ws.freeze_panes == f"A{area.min_row + 1}"
    assert ws.print_title_rows == f"${area.min_row}:${area.min_row}"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert str(ws.page_setup.fitToWidth) == "1"
    assert ws.sheet_properties.pageSetUpPr is not None
    assert ws.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.parametrize("index", range(len(FIGURES.by_category)))
def test_report_xlsx_category_rows_are_the_figures(index: int) -> None:
    row = FIGURES.by_category[index]
    expected = [
        row.category or UNCATEGORISED,
        *(row.tasks, row.done, row.green, row.yellow, row.red, row.overdue, row.none),
        *(row.behind, row.unreported, row.mean_percent),
    ]
    assert _table(WORKBOOK["分类别"])[1][index] == expected


def test_report_xlsx_uncategorised_label_and_total_row() -> None:
    ws = WORKBOOK["分类别"]
    assert UNCATEGORISED in _column(ws, "类别")
    last = CellRange(ws.auto_filter.ref).max_row
    h = FIGURES.headline
    total = [cell.value for cell in ws[last + 1]][:11]
    assert total[:8] == ["合计", h.tasks, h.done, h.green, h.yellow, h.red, h.overdue, h.none]
    assert total[8:] == [h.behind, h.unreported, h.mean_percent]


def test_report_xlsx_headline_table_is_the_headline() -> None:
    headers, rows = _table(WORKBOOK["总览"])
    assert headers == ["指标", "数值"]
    table = {str(row[0]): row[1] for row in rows}
    assert table == {label: getattr(FIGURES.headline, name) for label, name in HEADLINE.items()}


@pytest.mark.parametrize("sheet", ["分类别", "牵头单位排名", "年终-牵头", "年终-配合"])
def test_report_xlsx_numbers_are_numbers(sheet: str) -> None:
    headers, rows = _table(WORKBOOK[sheet])
    text_columns = {"类别", "单位"}
    for row in rows:
        for header, value in zip(headers, row, strict=True):
            if header not in text_columns and value is not None:
                assert isinstance(value, int | float) and not isinstance(value, bool), header


@pytest.mark.parametrize(
    ("sheet", "header"),
    [(sheet, header) for sheet, headers in PERCENT_COLUMNS.items() for header in headers],
)
def test_report_xlsx_percent_columns_are_one_decimal_numbers(sheet: str, header: str) -> None:
    ws = WORKBOOK[sheet]
    headers, _ = _table(ws)
    area = CellRange(ws.auto_filter.ref)
    cells = list(ws.iter_rows(min_row=area.min_row + 1, max_row=area.max_row))
    assert cells
    for row in cells:
        cell = row[headers.index(header)]
        if cell.value is not None:
            # 75.0 is stored as 75 and read back as an int: a number either way.
            assert isinstance(cell.value, int | float)
            assert cell.number_format == "0.0"


def test_report_xlsx_overview_holds_scope_and_summary() -> None:
    texts = [c.value for row in WORKBOOK["总览"].iter_rows() for c in row if c.value is not None]
    assert FIGURES.scope.title in texts
    assert all(sentence in texts for sentence in FIGURES.summary)
    assert dt.datetime.combine(FIGURES.as_of, dt.time()) in texts
    assert dt.datetime.combine(FIGURES.since, dt.time()) in texts
    assert "第6期" in texts and "全部事项" in texts


def test_report_xlsx_lights_chart_is_stacked_by_light() -> None:
    ws = WORKBOOK["分类别"]
    [chart] = _charts(ws)
    assert isinstance(chart, BarChart)
    assert chart.grouping == "stacked"
    assert chart.overlap == 100
    assert len(chart.series) == 6
    titles = []
    for series in chart.series:
        assert series.tx is not None and series.tx.strRef is not None
        sheet, cell = series.tx.strRef.f.split("!")
        assert sheet == "'分类别'"
        titles.append(ws[cell.replace("$", "")].value)
    assert titles == ["已完成", "绿灯", "黄灯", "红灯", "逾期", "无时限"]
    colours = [series.graphicalProperties.solidFill.srgbClr for series in chart.series]
    assert len(set(colours)) == 6


def test_report_xlsx_ranking_chart_in_rank_order() -> None:
    ws = WORKBOOK["牵头单位排名"]
    [chart] = _charts(ws)
    [series] = chart.series
    assert series.val is not None and series.val.numRef is not None
    assert series.cat is not None and series.cat.strRef is not None
    values = [c.value for row in ws[series.val.numRef.f.split("!")[1]] for c in row]
    units = [c.value for row in ws[series.cat.strRef.f.split("!")[1]] for c in row]
    ranked = [row for row in FIGURES.by_unit if row.lead_gap is not None]
    assert values == [row.lead_gap for row in ranked]
    assert units == [row.unit for row in ranked]
    assert values == sorted(values, reverse=True)


def test_report_xlsx_unranked_unit_has_empty_cells_and_stays_off_the_chart() -> None:
    ws = VARIANT_WORKBOOK["牵头单位排名"]
    _, rows = _table(ws)
    assert rows[-1][0] is None and rows[-1][1] == _UNRANKED.unit
    assert rows[-1][8:] == [None, None]
    [series] = _charts(ws)[0].series
    assert series.cat is not None and series.cat.strRef is not None
    assert series.cat.strRef.f.endswith(f"$B${2 + len(rows) - 1}")
    texts = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert VARIANT.ranking_rule in texts


def test_report_xlsx_listed_tasks() -> None:
    headers, rows = _table(WORKBOOK["逾期和红灯"])
    assert [row[0] for row in rows] == [t.number for t in FIGURES.overdue_or_red]
    first, task = rows[0], FIGURES.overdue_or_red[0]
    assert task.deadline_date is not None
    assert first[headers.index("截止日期")] == dt.datetime.combine(task.deadline_date, dt.time())
    assert first[headers.index("灯")] == LIGHT_LABELS[task.light]
    assert first[headers.index("存在问题")] == task.problems


def test_report_xlsx_light_cells_say_and_show_the_light() -> None:
    ws = VARIANT_WORKBOOK["逾期和红灯"]
    column = TASK_HEADERS.index("灯") + 1
    cells = [ws.cell(row=3 + index, column=column) for index in range(len(Light))]
    assert [c.value for c in cells] == [LIGHT_LABELS[light] for light in Light]
    assert all(c.fill.fill_type == "solid" for c in cells)
    assert len({c.fill.fgColor.rgb for c in cells}) == len(Light)


def test_report_xlsx_changes_one_row_per_task() -> None:
    _, rows = _table(WORKBOOK["变化"])
    changes = FIGURES.changes
    expected = [
        *(["新完成", n] for n in changes.completed),
        *(["变差", n] for n in changes.worse),
        *(["变好", n] for n in changes.better),
    ]
    assert rows == expected


def test_report_xlsx_silent_units_and_year_end() -> None:
    _, rows = _table(WORKBOOK["未报送单位"])
    assert rows == [[i, unit] for i, unit in enumerate(FIGURES.silent_units, start=1)]
    assert FIGURES.year_end is not None
    _, rows = _table(WORKBOOK["年终-牵头"])
    assert [row[0] for row in rows] == [row.unit for row in FIGURES.year_end.lead]
    assert rows[0][1:] == [
        FIGURES.year_end.lead[0].tasks,
        FIGURES.year_end.lead[0].on_time,
        FIGURES.year_end.lead[0].late,
        FIGURES.year_end.lead[0].not_done,
        FIGURES.year_end.lead[0].on_time_share,
        FIGURES.year_end.lead[0].late_share,
        FIGURES.year_end.lead[0].not_done_share,
    ]


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_report_xlsx_text_is_cleaned_kept_literal_and_clipped_visibly(index: int) -> None:
    cell = VARIANT_WORKBOOK["即将到期"].cell(
        row=3 + index, column=TASK_HEADERS.index("存在问题") + 1
    )
    assert cell.value == TEXTS[index][1]
    assert cell.data_type == "s"
    assert len(str(cell.value).encode("utf-16-le")) // 2 <= 32767


def test_report_xlsx_empty_ledger_says_so() -> None:
    figures = compute(NOTICE, NOTICE.tasks, [], Options(as_of=AS_OF))
    assert figures.note is not None
    workbook = _reopen(figures)
    texts = [c.value for row in workbook["总览"].iter_rows() for c in row if c.value]
    assert texts.count(figures.note) == 1
    unreported = _column(workbook["分类别"], "未报送")
    assert sum(n for n in unreported if isinstance(n, int)) == len(NOTICE.tasks)


def test_report_xlsx_targets_sheet() -> None:
    ws = WORKBOOK["量化指标"]
    assert _column(ws, "编号") == [t.id for t in FIGURES.targets]
    assert _column(ws, "完成值") == [t.actual for t in FIGURES.targets]
    assert _column(ws, "完成率（%）") == [
        None if t.ratio is None else round(t.ratio * 100, 1) for t in FIGURES.targets
    ]


def test_report_xlsx_empty_lists_are_header_only_tables() -> None:
    figures = FIGURES.model_copy(
        update={
            "by_category": [],
            "by_unit": [],
            "overdue_or_red": [],
            "due_soon": [],
            "silent_units": [],
            "changes": Changes(completed=[], worse=[], better=[]),
            "targets": [],
            "year_end": FIGURES.year_end.model_copy(update={"lead": [], "support": []})
            if FIGURES.year_end
            else None,
        }
    )
    workbook = _reopen(figures)
    for name in workbook.sheetnames[1:]:
        ws = workbook[name]
        headers, rows = _table(ws)
        assert headers and rows == [], name
        assert _charts(ws) == [], name


@renders("report-xlsx")
def _report_workbook() -> dict[str, bytes]:
    # One category keeps the render short; every sheet is still there.
    short = sample_figures(NOTICE, Period.YEAR, category="医疗保障")
    stream = io.BytesIO()
    write_xlsx(short, stream)
    return {"report.xlsx": stream.getvalue()}


@pytest.mark.render
def test_report_xlsx_libreoffice_renders(pdfs: dict[str, dict[str, Path]]) -> None:
    pdf = pdfs["report-xlsx"]["report"]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
        pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
        # At least a page per sheet.
        assert int(pages.split()[1]) >= len(SHEETS) + len(YEAR_END_SHEETS)
