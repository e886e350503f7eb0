"""The Word export, checked by reopening it with python-docx."""

from __future__ import annotations

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
from minsheng_cli.export.docx import write_docx
from minsheng_cli.query import TaskFilter, resolve_targets, select

NOTICE: Notice = load_notice()
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


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [(1, 5, "就业增收"), (8, 17, "医疗保障"), (57, 61, "平安创建"), (62, 80, "")],
)
def test_category_merged_over_its_tasks(first: int, last: int, label: str) -> None:
    cells = [row_of(n).tc_lst[CATEGORY] for n in range(first, last + 1)]
    assert [merge_of(tc) for tc in cells] == ["restart"] + ["continue"] * (last - first)
    assert "".join(paragraphs(cells[0])) == label
    if last < 80:  # the next category starts a cell of its own
        assert merge_of(row_of(last + 1).tc_lst[CATEGORY]) == "restart"


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


@pytest.mark.render
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_renders(tmp_path: Path) -> None:
    source = tmp_path / "full.docx"
    with source.open("wb") as stream:
        write_docx(make_document(TaskFilter()), stream)
    # A private profile, so that a running LibreOffice does not swallow the conversion.
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=60)
    pdf = tmp_path / "full.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
        pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
        assert int(pages.split()[1]) >= 1
