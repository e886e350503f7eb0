"""The Word bulletin and its chart, checked by reopening them with python-docx and Pillow."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from PIL import Image

from minsheng_cli import Notice, load_notice
from minsheng_cli.report import chart
from minsheng_cli.report.docx import write_docx
from minsheng_cli.report.figures import Options, compute
from minsheng_cli.report.model import Period, ReportFigures
from tests.rendering import renders
from tests.report_sample import AS_OF, sample_figures

NOTICE: Notice = load_notice()
YEAR = sample_figures(NOTICE, Period.YEAR)
MONTH = sample_figures(NOTICE, Period.MONTH)
# An empty ledger on a day before any deadline: nothing overdue, nothing due soon.
EMPTY = compute(NOTICE, NOTICE.tasks, [], Options(as_of=dt.date(2015, 1, 15)))


def png(width: int = 300, height: int = 150) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), "#2F6EBA").save(out, format="PNG")
    return out.getvalue()


def render_bytes(figures: ReportFigures, picture: bytes | None = None) -> bytes:
    stream = BytesIO()
    write_docx(figures, stream, chart=picture)
    return stream.getvalue()


def render(figures: ReportFigures, picture: bytes | None = None) -> WordDocument:
    return docx.Document(BytesIO(render_bytes(figures, picture)))


YEAR_DOC = render(YEAR, png())
MONTH_DOC = render(MONTH)
EMPTY_DOC = render(EMPTY)


def texts(document: WordDocument) -> list[str]:
    return [p.text for p in document.paragraphs]


def styled(document: WordDocument, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def east_asia_face(document: WordDocument, style: str) -> str | None:
    fonts = document.styles[style].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def is_header(table: Table) -> bool:
    tr_pr = table.rows[0]._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def section_content(section: Section) -> Iterator[Paragraph | Table]:
    yield from section.iter_inner_content()


def attachment(document: WordDocument, number: int) -> list[Paragraph | Table]:
    """What attachment `number` holds: section 0 is the body, then one per attachment."""
    return list(section_content(document.sections[number]))


def body_after(document: WordDocument, heading: str) -> list[Paragraph | Table]:
    """The blocks after `heading` up to the next heading."""
    blocks = list(document.iter_inner_content())
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == heading)
    found = []
    for block in blocks[start + 1 :]:
        if isinstance(block, Paragraph) and block.style and block.style.name == "Report Heading":
            break
        found.append(block)
    return found


# The version head, title and body


def test_report_docx_version_head_is_red_and_numbered() -> None:
    head, number, issuer = YEAR_DOC.paragraphs[:3]
    assert head.text == "督查通报"
    style = YEAR_DOC.styles["Version Head"]
    assert style.font.color.rgb == RGBColor(0xFF, 0x00, 0x00)
    assert style.font.size is not None and style.font.size.pt >= 48
    assert east_asia_face(YEAR_DOC, "Version Head") == "方正小标宋简体"
    assert number.text == "第6期"
    assert issuer.text == "\u3000吉林市人民政府督查室\t2015年6月30日\u3000"


def test_report_docx_issuer_line_carries_the_red_separator() -> None:
    p_pr = YEAR_DOC.styles["Issuer Line"].element.find(qn("w:pPr"))
    bottom = p_pr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
    assert bottom is not None and bottom.get(qn("w:color")) == "FF0000"
    assert 12 <= int(bottom.get(qn("w:sz"))) <= 18  # eighths of a point: 1.5 to 2.25 pt


def test_report_docx_without_a_number_has_no_issue_line() -> None:
    assert EMPTY.scope.number is None
    assert not [t for t in texts(EMPTY_DOC) if t.startswith("第") and t.endswith("期")]
    assert EMPTY_DOC.paragraphs[1].text.startswith("\u3000吉林市人民政府督查室\t")


@pytest.mark.parametrize(
    ("filters", "subtitle"),
    [((), None), (("类别：就业增收",), "（范围：类别：就业增收）")],
)
def test_report_docx_title_and_scope(filters: tuple[str, ...], subtitle: str | None) -> None:
    figures = compute(NOTICE, NOTICE.tasks[:5], [], Options(as_of=AS_OF, filters=filters))
    document = render(figures)
    assert styled(document, "Report Title") == [figures.scope.title]
    assert east_asia_face(document, "Report Title") == "方正小标宋简体"
    assert styled(document, "Report Subtitle") == ([subtitle] if subtitle else [])


def test_report_docx_headings_in_heiti() -> None:
    assert styled(YEAR_DOC, "Report Heading") == [
        "一、总体进展",
        "二、分类别进展",
        "三、牵头单位排名",
        "四、自上期以来的变化",
        "五、量化指标完成情况",
    ]
    assert east_asia_face(YEAR_DOC, "Report Heading") == "黑体"
    assert east_asia_face(YEAR_DOC, "Report Body") == "仿宋"


@pytest.mark.parametrize(("figures", "document"), [(YEAR, YEAR_DOC), (EMPTY, EMPTY_DOC)])
def test_report_docx_summary_sentences(figures: ReportFigures, document: WordDocument) -> None:
    blocks = body_after(document, "一、总体进展")
    sentences = [b.text for b in blocks if isinstance(b, Paragraph) and b.text]
    assert sentences[: len(figures.summary)] == figures.summary
    if figures.note:
        assert figures.note in sentences


def test_report_docx_headline_pairs() -> None:
    table = next(b for b in body_after(YEAR_DOC, "一、总体进展") if isinstance(b, Table))
    pairs = {row[i]: row[i + 1] for row in cells(table) for i in (0, 2)}
    h = YEAR.headline
    assert pairs == {
        "事项数": str(h.tasks),
        "已完成": str(h.done),
        "绿灯": str(h.green),
        "黄灯": str(h.yellow),
        "红灯": str(h.red),
        "逾期": str(h.overdue),
        "无时限": str(h.none),
        "未报送": str(h.unreported),
        "平均进度（%）": f"{h.mean_percent:.1f}",
        "平均序时进度（%）": f"{h.mean_expected:.1f}",
    }


def only_table(blocks: list[Paragraph | Table]) -> Table:
    (table,) = [b for b in blocks if isinstance(b, Table)]
    return table


CATEGORY_TABLE = cells(only_table(body_after(YEAR_DOC, "二、分类别进展")))


def test_report_docx_category_table_has_every_category() -> None:
    assert CATEGORY_TABLE[0] == [
        "类别",
        "事项数",
        "已完成",
        "落后",
        "逾期",
        "未报送",
        "平均进度\n（%）",
    ]
    assert len(CATEGORY_TABLE) == len(YEAR.by_category) + 1


@pytest.mark.parametrize("index", [0, 1, 4, len(YEAR.by_category) - 1])
def test_report_docx_category_row(index: int) -> None:
    row = YEAR.by_category[index]
    label = row.category or "（未标注类别）"
    figures = [row.tasks, row.done, row.behind, row.overdue, row.unreported]
    expected = [label, *map(str, figures), f"{row.mean_percent:.1f}"]
    assert CATEGORY_TABLE[index + 1] == expected


def test_report_docx_uncategorised_row_is_labelled() -> None:
    assert YEAR.by_category[-1].category is None
    assert CATEGORY_TABLE[-1][0] == "（未标注类别）"


def test_report_docx_unit_ranking() -> None:
    unranked = YEAR.by_unit[-1].model_copy(update={"rank": None, "lead_gap": None})
    figures = YEAR.model_copy(update={"by_unit": [*YEAR.by_unit[:-1], unranked]})
    blocks = body_after(render(figures), "三、牵头单位排名")
    rows = cells(only_table(blocks))
    assert rows[0][:2] == ["名次", "单位"]
    assert len(rows) == len(YEAR.by_unit) + 1
    expected = [str(u.rank) for u in YEAR.by_unit[:-1]] + ["—"]
    assert [row[0] for row in rows[1:]] == expected
    assert [row[1] for row in rows[1:]] == [u.unit for u in YEAR.by_unit]
    assert rows[1][-1] == f"{YEAR.by_unit[0].lead_gap:+.1f}" and rows[-1][-1] == "—"
    assert YEAR.ranking_rule in [b.text for b in blocks if isinstance(b, Paragraph)]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (MONTH_DOC, ("新完成的事项：" + "、".join(f"第{n}项" for n in MONTH.changes.completed))),
        (EMPTY_DOC, "新完成的事项：无。"),
    ],
)
def test_report_docx_changes(document: WordDocument, expected: str) -> None:
    lines = [
        b.text for b in body_after(document, "四、自上期以来的变化") if isinstance(b, Paragraph)
    ]
    assert any(line.startswith(expected) for line in lines), lines


def test_report_docx_tables_repeat_their_header() -> None:
    for table in YEAR_DOC.tables:
        header, *rows = table.rows
        if header.cells[0].text != "事项数":  # the headline pairs have no header row
            assert is_header(table)
        assert all(
            r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows
        )


# Attachments


@pytest.mark.parametrize(
    ("document", "titles"),
    [
        (
            YEAR_DOC,
            [
                "逾期和亮红灯事项",
                "30天内到期未完成事项",
                "未报送单位",
                "量化指标完成情况",
                "年终绩效（牵头）",
                "年终绩效（配合）",
            ],
        ),
        (MONTH_DOC, ["逾期和亮红灯事项", "30天内到期未完成事项", "未报送单位", "量化指标完成情况"]),
    ],
)
def test_report_docx_attachments_on_landscape_pages(
    document: WordDocument, titles: list[str]
) -> None:
    body, *attached = document.sections
    assert body.page_width is not None and body.page_height is not None
    assert body.orientation == WD_ORIENT.PORTRAIT and body.page_width < body.page_height
    assert len(attached) == len(titles)
    for number, (section, title) in enumerate(zip(attached, titles, strict=True), start=1):
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert section.page_width is not None and section.page_height is not None
        assert section.page_width > section.page_height
        label, heading, *rest = section.iter_inner_content()
        assert isinstance(label, Paragraph) and label.text == f"附件{number}"
        assert isinstance(heading, Paragraph) and heading.text == title
        tables = [b for b in rest if isinstance(b, Table)]
        assert len(tables) == 1 and is_header(tables[0])
    lines = texts(document)
    start = next(i for i, line in enumerate(lines) if line.startswith("附件："))
    listed = lines[start : start + len(titles)]
    assert listed == [("附件：" if n == 1 else "") + f"{n}. {t}" for n, t in enumerate(titles, 1)]


def test_report_docx_overdue_attachment_rows() -> None:
    rows = cells(only_table(attachment(YEAR_DOC, 1)))
    assert rows[0] == [
        "序号", "工作内容", "牵头单位", "截止日期",
        "进度\n（%）", "序时进度\n（%）", "灯", "存在问题",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:]] == [str(t.number) for t in YEAR.overdue_or_red]
    first = YEAR.overdue_or_red[0]
    assert rows[1][1:4] == [first.content, first.lead_unit, first.deadline]
    assert {row[6] for row in rows[1:]} <= {"红灯", "逾期"}
    assert [row[7] for row in rows[1:]] == [t.problems or "" for t in YEAR.overdue_or_red]


def test_report_docx_silent_units_read_down_the_columns() -> None:
    rows = cells(only_table(attachment(YEAR_DOC, 3)))
    assert rows[0] == ["序号", "单位"] * 3
    listed = {int(row[i]): row[i + 1] for row in rows[1:] for i in (0, 2, 4) if row[i]}
    assert listed == dict(enumerate(YEAR.silent_units, start=1))
    assert rows[1][0:4:2] == ["1", str(len(rows))]  # the second column starts after the first


def test_report_docx_year_end_attachments() -> None:
    assert YEAR.year_end is not None
    for number, shares in ((5, YEAR.year_end.lead), (6, YEAR.year_end.support)):
        rows = cells(only_table(attachment(YEAR_DOC, number)))
        assert rows[0][:5] == ["单位", "事项数", "按期完成", "逾期完成", "未完成"]
        assert [row[0] for row in rows[1:]] == [s.unit for s in shares]
        assert rows[1][5] == f"{shares[0].on_time_share:.1f}"


def test_report_docx_targets_attachment_and_sentences() -> None:
    rows = cells(only_table(attachment(YEAR_DOC, 4)))
    headers = [header.replace("\n", "") for header in rows[0]]
    assert headers == ["编号", "指标", "目标", "牵头单位", "完成值", "完成率（%）", "灯"]
    assert [row[0] for row in rows[1:]] == [t.id for t in YEAR.targets]
    blocks = body_after(YEAR_DOC, "五、量化指标完成情况")
    texts = [b.text for b in blocks if isinstance(b, Paragraph) and b.text]
    h = YEAR.headline
    counts = (h.targets, h.targets_reported, h.targets_met)
    assert texts[0] == "范围内事项共有量化指标{}项，已填报完成值{}项，已达到目标{}项。".format(
        *counts
    )
    said = [t.sentence for t in YEAR.targets if t.sentence]
    assert said and texts[1] == "；".join(said) + "。"


@pytest.mark.parametrize(
    ("field", "number"), [("overdue_or_red", 1), ("due_soon", 2), ("silent_units", 3)]
)
def test_report_docx_empty_list_says_none(field: str, number: int) -> None:
    document = render(MONTH.model_copy(update={field: []}))
    blocks = attachment(document, number)
    assert not [b for b in blocks if isinstance(b, Table)]
    assert "（无）" in [b.text for b in blocks if isinstance(b, Paragraph)]


def test_report_docx_empty_ledger_has_empty_lists() -> None:
    for number in (1, 2):
        assert "（无）" in [
            b.text for b in attachment(EMPTY_DOC, number) if isinstance(b, Paragraph)
        ]


# Page furniture and package


def test_report_docx_page_numbers_on_every_section() -> None:
    first, *rest = YEAR_DOC.sections
    assert YEAR_DOC.settings.odd_and_even_pages_header_footer
    for footer in (first.footer, first.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in xml
    assert all(
        s.footer.is_linked_to_previous and s.even_page_footer.is_linked_to_previous for s in rest
    )
    assert east_asia_face(YEAR_DOC, "Footer Page Number") == "宋体"


FACES = {
    "仿宋": "roman",
    "宋体": "roman",
    "楷体": "roman",
    "方正小标宋简体": "roman",
    "黑体": "swiss",
}


def test_report_docx_font_table_declares_the_faces() -> None:
    part = next(
        p for p in YEAR_DOC.part.package.iter_parts() if p.partname.endswith("fontTable.xml")
    )
    root = docx.oxml.parse_xml(part.blob)
    fonts = {f.get(qn("w:name")): f for f in root.iter(qn("w:font"))}
    for face, family in FACES.items():
        font = fonts[face]
        assert font.find(qn("w:charset")).get(qn("w:val")) == "86"
        assert font.find(qn("w:family")).get(qn("w:val")) == family
        assert font.find(qn("w:pitch")).get(qn("w:val")) in ("fixed", "variable")
        assert font.find(qn("w:altName")) is not None


def test_report_docx_properties_and_no_thumbnail() -> None:
    properties = YEAR_DOC.core_properties
    assert properties.title == YEAR.scope.title
    assert properties.author == properties.last_modified_by == "吉林市人民政府督查室"
    assert properties.language == "zh-CN"
    assert properties.created is not None
    assert abs(properties.created.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)) < dt.timedelta(
        minutes=5
    )
    names = zipfile.ZipFile(BytesIO(render_bytes(MONTH))).namelist()
    assert not [n for n in names if "thumbnail" in n]


@pytest.mark.parametrize(("picture", "shapes"), [(png(), 1), (None, 0)])
def test_report_docx_chart_only_when_given(picture: bytes | None, shapes: int) -> None:
    document = render(MONTH, picture)
    assert len(document.inline_shapes) == shapes
    assert len(styled(document, "Report Caption")) == shapes
    if shapes:
        assert document.inline_shapes[0].width.mm == pytest.approx(150, abs=0.5)


def test_report_docx_control_characters_are_dropped() -> None:
    scope = MONTH.scope.model_copy(update={"title": "关于\x07通报\x00", "issuer": "督查室\x1b"})
    document = render(MONTH.model_copy(update={"scope": scope, "summary": ["句子\x0b。"]}))
    assert styled(document, "Report Title") == ["关于通报"]
    assert document.core_properties.author == "督查室"
    assert "句子。" in texts(document)


# The chart


@pytest.fixture
def cjk_font() -> Path:
    found = chart.find_cjk_font()
    if found is None:
        pytest.skip("no CJK font on this machine")
    return found


def test_report_docx_chart_is_a_png(cjk_font: Path) -> None:
    picture = chart.lights_chart_png(YEAR)
    assert picture is not None and picture.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(BytesIO(picture))
    assert image.width == chart.WIDTH
    fewer = chart.lights_chart_png(YEAR.model_copy(update={"by_category": YEAR.by_category[:3]}))
    assert fewer is not None and Image.open(BytesIO(fewer)).height < image.height
    counted = image.convert("RGB").getcolors(256) or []
    colours = [rgb for _, rgb in counted if isinstance(rgb, tuple)]
    for _, colour in chart.SEGMENTS:  # every colour at least in the legend
        target = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        assert any(sum(abs(a - b) for a, b in zip(c, target, strict=True)) < 40 for c in colours)


def test_report_docx_chart_of_no_categories(cjk_font: Path) -> None:
    picture = chart.lights_chart_png(YEAR.model_copy(update={"by_category": []}))
    assert picture is not None and Image.open(BytesIO(picture)).width == chart.WIDTH


def test_report_docx_has_cjk_tells_real_faces(cjk_font: Path, tmp_path: Path) -> None:
    assert chart._has_cjk(str(cjk_font))
    garbage = tmp_path / "broken.ttf"
    garbage.write_bytes(b"not a font")
    assert not chart._has_cjk(str(garbage))
    assert not chart._has_cjk(str(tmp_path / "missing.ttf"))
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.exists():
        assert not chart._has_cjk(str(latin))


def test_report_docx_chart_is_none_without_a_font(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    latin = tmp_path / "latin.ttf"
    latin.write_bytes(b"not a CJK font")
    monkeypatch.setenv(chart.FONT_VARIABLE, str(latin))
    monkeypatch.setattr(chart, "_fc_list", list)
    monkeypatch.setattr(chart, "KNOWN_FONTS", ())
    assert chart.find_cjk_font() is None
    assert chart.lights_chart_png(YEAR) is None
    assert chart.NO_FONT_NOTE.startswith("提示：") and chart.FONT_VARIABLE in chart.NO_FONT_NOTE


# (environment variable, what fc-list says, files under the known patterns, the CJK ones,
# the font found); paths are relative to tmp_path.
SANS, SERIF = "fc/NotoSansCJK-Regular.ttc", "fc/NotoSerifCJK-Regular.ttc"
BOLD, WQY = "fc/NotoSansCJK-Bold.ttc", "known/wqy-zenhei.ttc"
FINDER_CASES = [
    ("env.ttf", [SANS], [], {"env.ttf", SANS}, "env.ttf"),  # the variable first
    ("env.ttf", [SANS], [], {SANS}, SANS),  # a variable naming a Latin face is passed over
    (None, [SERIF, SANS], [], {SERIF, SANS}, SANS),  # sans before serif
    (None, [BOLD, SANS], [], {BOLD, SANS}, SANS),  # regular before bold
    (None, ["fc/DejaVuSans.ttf"], [WQY], {WQY}, WQY),  # the known paths last
    ("missing.ttf", [], [], set(), None),
]  # fmt: skip


@pytest.mark.parametrize(("env", "listed", "known", "cjk", "found"), FINDER_CASES)
def test_report_docx_font_finder(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    env: str | None,
    listed: list[str],
    known: list[str],
    cjk: set[str],
    found: str | None,
) -> None:
    for name in known:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    if env is None:
        monkeypatch.delenv(chart.FONT_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(chart.FONT_VARIABLE, str(tmp_path / env))
    monkeypatch.setattr(chart, "_fc_list", lambda: [str(tmp_path / name) for name in listed])
    monkeypatch.setattr(chart, "KNOWN_FONTS", (str(tmp_path / "known" / "*"),))
    monkeypatch.setattr(
        chart, "_has_cjk", lambda path: Path(path).relative_to(tmp_path).as_posix() in cjk
    )
    assert chart.find_cjk_font() == (None if found is None else tmp_path / found)


# Through LibreOffice


@renders("report-docx")
def _bulletin() -> dict[str, bytes]:
    # One category keeps the render short; every section and attachment is still there.
    short = sample_figures(NOTICE, Period.YEAR, category="医疗保障")
    return {"bulletin.docx": render_bytes(short, chart.lights_chart_png(short) or png())}


@pytest.mark.render
def test_report_docx_libreoffice_renders(pdfs: dict[str, dict[str, Path]]) -> None:
    pdf = pdfs["report-docx"]["bulletin"]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
        pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
        assert int(pages.split()[1]) >= 3
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
        cjk = ("CJK", "Song", "Sun", "Hei", "Kai", "Fang", "Ming", "WenQuanYi", "SourceHan")
        assert any(word.lower() in fonts.stdout.lower() for word in cjk), fonts.stdout
