"""The Word export, checked by reopening it with python-docx."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tc
from docx.table import Table

from minsheng_cli import Notice, load_notice
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.docx import Layout, _line_count, labelled_rows, page_starts, write_docx
from minsheng_cli.query import TaskFilter, resolve_targets, select
from tests.rendering import renders

NOTICE: Notice = load_notice()
FONTS_CONF = Path(__file__).parent.parent / "docs" / "fonts.conf"
SOURCE_HEADERS = ["序号", "类别", "工作内容", "完成时限", "责任单位"]
CATEGORY, CONTENT, DEADLINE, UNITS = 1, 2, 3, 4


def make_document(task_filter: TaskFilter) -> ExportDocument:
    """What the export command passes on: lead tasks first for a per-unit document."""
    tasks = select(NOTICE, task_filter)
    targets = tuple(resolve_targets(NOTICE, task_filter.units))
    if targets:
        tasks = sorted(tasks, key=lambda task: not targets[0].leads(task))
    return ExportDocument(meta=NOTICE.meta, tasks=tasks, title="附件标题", targets=targets)


def export(document: ExportDocument) -> WordDocument:
    stream = BytesIO()
    write_docx(document, stream)
    return docx.Document(BytesIO(stream.getvalue()))


FULL = export(make_document(TaskFilter()))
FULL_TABLE: Table = FULL.tables[0]


def data_rows(table: Table) -> list[CT_Row]:
    return [row._tr for row in table.rows][1:]


def row_of(number: int) -> CT_Row:
    """The full table's row for task `number` (tasks 1..80 in order)."""
    return data_rows(FULL_TABLE)[number - 1]


def paragraphs(tc: CT_Tc) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]


def merge_of(tc: CT_Tc) -> str | None:
    """The cell's w:vMerge value ("restart" or "continue"); None when it is not merged."""
    found = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return None if found is None else found.get(qn("w:val"), "continue")


@pytest.mark.parametrize(
    ("task_filter", "rows"),
    [
        (TaskFilter(), 80),
        (TaskFilter(units=("市民政局",)), 15),
        (TaskFilter(units=("市总工会",)), 2),
    ],
)
def test_one_row_per_task(task_filter: TaskFilter, rows: int) -> None:
    assert len(data_rows(export(make_document(task_filter)).tables[0])) == rows


def test_header_repeats_and_rows_do_not_split() -> None:
    header, *rows = [row._tr for row in FULL_TABLE.rows]
    assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
    assert [paragraphs(tc)[0] for tc in header.tc_lst] == SOURCE_HEADERS
    assert all(
        row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None for row in rows
    )


def test_landscape_a4() -> None:
    section = FULL.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)


def test_properties_name_the_issuer() -> None:
    properties = FULL.core_properties
    assert (properties.author, properties.title) == ("吉林市人民政府办公厅", "附件标题")
    assert "python-docx" not in properties.comments


@pytest.mark.parametrize("style", ["Normal", "Table Cell", "Table Content"])
def test_east_asian_font_is_fangsong(style: str) -> None:
    fonts = FULL.styles[style].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None
    assert "仿宋" in fonts.get(qn("w:eastAsia"), "")


def label_of(number: int) -> str:
    return "".join(paragraphs(row_of(number).tc_lst[CATEGORY]))


def labelled(numbers: range) -> list[int]:
    """The rows among `numbers` whose category cell starts afresh."""
    return [n for n in numbers if merge_of(row_of(n).tc_lst[CATEGORY]) != "continue"]


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        (1, 5, "就业增收"),
        (6, 7, "安居工程"),
        (8, 17, "医疗保障"),
        (57, 61, "平安创建"),
        (62, 80, "（未标注类别）"),
    ],
)
def test_category_cells_carry_their_label(first: int, last: int, label: str) -> None:
    numbers = range(first, last + 1)
    starts = labelled(numbers)
    assert starts[0] == first  # each category starts a cell of its own
    assert all(label_of(n) == label for n in starts)
    assert all(label_of(n) == "" for n in numbers if n not in starts)
    cells = [row_of(n).tc_lst[CATEGORY] for n in numbers]
    # A cell of one row is not merged; a longer one restarts, then continues.
    for start, end in zip(starts, [*starts[1:], last + 1], strict=True):
        merges = [merge_of(tc) for tc in cells[start - first : end - first]]
        expected = ["restart"] + ["continue"] * (end - start - 1)
        assert merges == ([None] if end - start == 1 else expected)


@pytest.mark.parametrize(("first", "last", "at_least"), [(8, 17, 2), (62, 80, 3)])
def test_long_category_repeats_its_label_on_each_page(first: int, last: int, at_least: int) -> None:
    # 医疗保障 runs over three pages, the 19 uncategorised tasks over four.
    assert len(labelled(range(first, last + 1))) >= at_least


# Rows of 10 pt on pages of 25 pt; a label cell needs `label` pt.
@pytest.mark.parametrize(
    ("heights", "labels", "label", "starts"),
    [
        ([10, 10, 10, 10, 10], "aaaaa", 0, {2, 4}),
        ([10, 10, 10, 10, 10], "aabbb", 0, {2, 4}),
        ([20, 20, 20], "abc", 0, {1, 2}),
        # b's label needs 20 pt: beside a single 10 pt row it grows to the next page
        ([10, 10, 10, 10], "aabb", 20, {2}),
        ([10, 10, 10], "abc", 15, {1, 2}),
    ],
)
def test_page_starts(heights: list[float], labels: str, label: float, starts: set[int]) -> None:
    layout = Layout(heights, [label] * len(heights), first_page=25, page=25)
    restarts = {i for i, c in enumerate(labels) if i == 0 or c != labels[i - 1]}
    assert page_starts(layout, restarts) == starts


@pytest.mark.parametrize(
    ("heights", "tolerance", "labelled"),
    [
        ([10, 10, 10, 10], 0.0, {0, 2}),
        # 19.5 pt fills a 20 pt page to within the tolerance; on a page 1 pt shorter each
        # row would start a page, so each carries the label
        ([10, 9.5, 10, 10], 1.0, {0, 1, 2, 3}),
        ([10, 9.5, 10, 10], 0.0, {0, 2}),
    ],
)
def test_labels_where_a_page_may_start(
    heights: list[float], tolerance: float, labelled: set[int]
) -> None:
    layout = Layout(heights, [0.0] * len(heights), first_page=20, page=20)
    assert labelled_rows([layout], "a" * len(heights), tolerance=tolerance) == labelled


@pytest.mark.parametrize(
    ("text", "ems", "lines"),
    [
        ("", 5, 1),
        ("一二三四五", 5, 1),
        ("一二三四五六", 5, 2),
        ("一二三四，", 4, 2),  # the comma takes 四 down with it
        ("一二三（四", 4, 2),
        ("一二三2200", 4, 2),  # a number does not break
        ("一\n二", 5, 2),
        ("（三年工程）", 6, 1),
    ],
)
def test_line_count(text: str, ems: float, lines: int) -> None:
    assert _line_count(text, ems) == lines


@pytest.mark.parametrize(
    ("copy", "label"),
    [(False, "附件"), (True, "吉市政办发〔2015〕3号附件")],
)
def test_attachment_label(copy: bool, label: str) -> None:
    document = make_document(TaskFilter(units=("市总工会",)))
    word = export(dataclasses.replace(document, copy_of_attachment=copy))
    first = word.paragraphs[0]
    assert first.text == label
    assert first.style is not None and first.style.name == "Attachment Label"


@pytest.mark.parametrize(("start", "expected"), [(None, None), (5, "5")])
def test_page_numbers_can_run_on(start: int | None, expected: str | None) -> None:
    document = make_document(TaskFilter(units=("市总工会",)))
    sect_pr = export(dataclasses.replace(document, page_start=start)).sections[0]._sectPr
    numbering = sect_pr.find(qn("w:pgNumType"))
    assert (None if numbering is None else numbering.get(qn("w:start"))) == expected


@pytest.mark.parametrize(
    ("number", "units"),
    [
        (1, ["市人社局", "各县（市）区", "开发区"]),
        (15, ["市卫计委"]),
        (27, ["市物价局", "市民政局", "市人社局", "吉林城市调查队"]),
    ],
)
def test_units_one_per_paragraph(number: int, units: list[str]) -> None:
    assert paragraphs(row_of(number).tc_lst[UNITS]) == units


@pytest.mark.parametrize(
    ("number", "lines"),
    [(5, ["一季度末"]), (65, ["11月底前"]), (17, ["全年", "（三年工程）"])],
)
def test_deadline_as_written(number: int, lines: list[str]) -> None:
    assert paragraphs(row_of(number).tc_lst[DEADLINE]) == lines


def test_per_unit_document_marks_role() -> None:
    table = export(make_document(TaskFilter(units=("市民政局",)))).tables[0]
    header, *rows = [row._tr for row in table.rows]
    assert paragraphs(header.tc_lst[-1]) == ["本单位职责"]
    assert [paragraphs(row.tc_lst[-1])[0] for row in rows] == ["牵头"] * 12 + ["配合"] * 3


def test_footer_holds_page_field() -> None:
    section = FULL.sections[0]
    for footer in (section.footer, section.even_page_footer):
        instructions = [i.text or "" for i in footer._element.iter(qn("w:instrText"))]
        assert [i.strip() for i in instructions] == ["PAGE"]
        assert footer.paragraphs[0].text.startswith("— ")


@pytest.mark.parametrize(
    ("content", "written"),
    [
        ("=SUM(A1:A3)", "=SUM(A1:A3)"),
        ("=cmd|' /C calc'!A0 <b>&amp;", "=cmd|' /C calc'!A0 <b>&amp;"),
        ("铃\x07声", "铃声"),
    ],
)
def test_content_is_literal_text(content: str, written: str) -> None:
    task = NOTICE.tasks[0].model_copy(update={"content": content})
    document = ExportDocument(meta=NOTICE.meta, tasks=[task], title="标题")
    [row] = data_rows(export(document).tables[0])
    assert paragraphs(row.tc_lst[CONTENT]) == [written]


def first_rows(pdf: Path) -> list[int]:
    """The task number of the first row on each page, read from the 序号 column."""
    layout = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    left, mm = 37 * 72 / 25.4, 72 / 25.4  # the table's left edge, pt
    found = []
    for page in layout.split("<page ")[1:]:
        numbers = [
            (float(y), int(text))
            for x, y, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(\d+)', page)
            if left - 1 <= float(x) < left + 12 * mm and float(y) < 184 * mm  # not the footer
        ]
        if numbers:
            found.append(min(numbers)[1])
    return found


@renders("export-docx")
def _full_docx() -> dict[str, bytes]:
    stream = io.BytesIO()
    write_docx(make_document(TaskFilter()), stream)
    return {"full.docx": stream.getvalue()}


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_libreoffice_shows_the_category_on_every_page(pdfs: dict[str, dict[str, Path]]) -> None:
    pdf = pdfs["export-docx"]["full"]
    firsts = first_rows(pdf)
    assert firsts[0] == 1 and len(firsts) >= 10, firsts
    # Every page starts with a row whose category cell shows the label.
    assert [n for n in firsts if merge_of(row_of(n).tc_lst[CATEGORY]) == "continue"] == []
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
        assert "SerifCJK" in fonts.stdout, fonts.stdout
