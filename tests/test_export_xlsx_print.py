"""The 分工表 prints readably: at least 9 pt on A4 landscape, rows that grow, nothing lost."""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli import Notice, load_notice
from minsheng_cli.export._xlsx_cells import UNIT_PT, printable_width
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.xlsx import write_xlsx
from minsheng_cli.query import TaskFilter, resolve_targets, select
from tests.rendering import renders

HEADER_ROW = 3
BODY_PT = 11
MIN_PT = 9.0
SIDE_MARGIN = 0.25

DOCUMENTS = [
    pytest.param(TaskFilter(), id="full"),
    pytest.param(TaskFilter(units=("市民政局",)), id="unit"),
    pytest.param(TaskFilter(units=("昌邑区",)), id="group-member"),
    pytest.param(TaskFilter(category="就业增收"), id="category"),
]


def _document(notice: Notice, task_filter: TaskFilter) -> ExportDocument:
    tasks = select(notice, task_filter)
    targets = tuple(resolve_targets(notice, task_filter.units)) if task_filter.units else ()
    return ExportDocument(meta=notice.meta, tasks=tasks, title="分工表", targets=targets)


def _xlsx(document: ExportDocument) -> bytes:
    stream = io.BytesIO()
    write_xlsx(document, stream)
    return stream.getvalue()


def _sheet(data: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(data))["分工表"]
    assert isinstance(ws, Worksheet)
    return ws


def _shown_widths(ws: Worksheet) -> dict[str, float]:
    widths = {}
    for column in range(1, ws.max_column + 1):
        dimension = ws.column_dimensions[get_column_letter(column)]
        if not dimension.hidden:
            widths[str(ws.cell(HEADER_ROW, column).value)] = dimension.width or 0.0
    return widths


@pytest.mark.parametrize("task_filter", DOCUMENTS)
def test_printed_columns_fit_the_page_at_nine_points(
    notice: Notice, task_filter: TaskFilter
) -> None:
    ws = _sheet(_xlsx(_document(notice, task_filter)))
    scale = ws.page_setup.scale
    assert scale is not None and BODY_PT * scale / 100 >= MIN_PT
    # A set scale, not "fit to page", which LibreOffice resolves a few percent too small.
    properties = ws.sheet_properties.pageSetUpPr
    assert properties is not None and not properties.fitToPage
    assert ws.page_margins.left == ws.page_margins.right == SIDE_MARGIN
    # Measured with the widest column unit of Excel, WPS and LibreOffice.
    width = sum(_shown_widths(ws).values()) * UNIT_PT * scale / 100
    assert width <= printable_width(SIDE_MARGIN)
    assert (ws.print_title_rows or "").replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"


@pytest.mark.parametrize("task_filter", DOCUMENTS)
def test_all_units_column_is_kept_but_not_printed(notice: Notice, task_filter: TaskFilter) -> None:
    document = _document(notice, task_filter)
    ws = _sheet(_xlsx(document))
    headers = [cell.value for cell in ws[HEADER_ROW]]
    assert "全部责任单位" not in _shown_widths(ws)
    column = headers.index("全部责任单位") + 1
    values = [ws.cell(row, column).value for row in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert values == ["、".join(task.units) or None for task in document.tasks]
    # Everything a unit reads or types in stays on the page.
    for header in ["序号", "工作内容", "牵头单位", "配合单位", "状态", "进展情况", "填报日期"]:
        assert header in _shown_widths(ws), header


def _row_attributes(data: bytes) -> dict[int, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    return {int(r): attrs for r, attrs in re.findall(r'<row r="(\d+)"([^>]*)>', xml)}


@pytest.mark.parametrize("task_filter", DOCUMENTS)
def test_task_rows_have_a_height_but_not_a_fixed_one(
    notice: Notice, task_filter: TaskFilter
) -> None:
    data = _xlsx(_document(notice, task_filter))
    rows = _row_attributes(data)
    body = {row: attrs for row, attrs in rows.items() if row > HEADER_ROW}
    assert body
    for row, attrs in body.items():
        # A height to show on opening, and no customHeight, so typing refits the row.
        assert 'ht="' in attrs and "customHeight" not in attrs, row
    ws = _sheet(data)
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        assert ws.cell(row, 3).alignment.wrap_text, row


# ------------------------------------------------ rendered by LibreOffice

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
Word = tuple[float, float, str]
"""yMin, yMax, text."""


def _pages(pdf: Path) -> list[list[Word]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [
        [(float(y0), float(y1), text) for _, y0, _, y1, text in _WORD.findall(page)]
        for page in _PAGE.findall(out)
    ]


def _calibration() -> bytes:
    """宋体 at the body size, printed at 100 %: what a word box of 11 pt measures."""
    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)
    for row, text in enumerate(["市民政局", "进一步提高城乡低保保障水平", "2015-12-31", "牵头"], 1):
        ws.cell(row, 1, text).font = Font(name="宋体", size=BODY_PT)
    ws.column_dimensions["A"].width = 40
    ws.page_setup.scale = 100
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _body_heights(pages: list[list[Word]]) -> list[float]:
    """Word box heights in the 分工表's body: below its repeated header, above the footer."""
    heights = []
    for words in pages:
        header = [y1 for _, y1, text in words if text == "序号"]
        if not header:
            continue  # a page of the 统计 sheet
        footer = min(y0 for y0, _, text in words if text == "第")
        heights += [y1 - y0 for y0, y1, _ in words if header[0] < y0 and y1 < footer]
    return heights


@renders("xlsx-print")
def _printed() -> dict[str, bytes]:
    notice = load_notice()
    return {
        "calibration.xlsx": _calibration(),
        "full.xlsx": _xlsx(_document(notice, TaskFilter())),
        "unit.xlsx": _xlsx(_document(notice, TaskFilter(units=("市民政局",)))),
    }


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_libreoffice_prints_the_body_at_nine_points_or_more(
    pdfs: dict[str, dict[str, Path]],
) -> None:
    printed = pdfs["xlsx-print"]
    [calibration] = _pages(printed["calibration"])
    # The box is the font's ascent plus descent: about 1.3 em for Noto Sans CJK.
    em = statistics.median(y1 - y0 for y0, y1, _ in calibration) / BODY_PT
    assert 1.0 < em < 1.6
    for name in ("full", "unit"):
        pages = _pages(printed[name])
        heights = _body_heights(pages)
        assert len(heights) > 50, name
        size = statistics.median(heights) / em
        assert size >= MIN_PT, (name, round(size, 2))
        text = " ".join(word for words in pages for _, _, word in words)
        assert "###" not in text, name  # a date wider than its column
