"""Word export: the allocation table as an official attachment (GB/T 9704-2012)."""

from __future__ import annotations

import re
from itertools import groupby
from typing import IO, Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from minsheng_cli.export.document import ExportDocument
from minsheng_cli.models import Deadline
from minsheng_cli.serialize import clean_text

# Faces named as Chinese Windows and WPS install them. 仿宋 rather than 仿宋_GB2312: it ships
# with every Windows since Vista, while 仿宋_GB2312 must be installed by hand.
FANGSONG = "仿宋"
HEITI = "黑体"
KAITI = "楷体"
SONGTI = "宋体"
# The standard's title face. Government PCs have it; elsewhere Word, WPS and LibreOffice
# substitute a Song face, which is what a clerk would pick by hand anyway.
TITLE_FACE = "方正小标宋简体"

# 小四 (12 pt): 4号 (14 pt) makes the 80-row table twice as long and wraps unit names.
TABLE_SIZE = Pt(12)

# GB/T 9704 gives portrait A4 a 156 x 225 mm type area: top 37, bottom 35, left 28, right 26.
# The landscape attachment keeps that type area turned on its side, so that it lines up with
# portrait pages when bound: the binding/outer margins (28/26) go to top/bottom and the
# top/bottom margins (37/35) to left/right, leaving 225 x 156 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(297), Mm(210)
MARGINS_MM = {"top_margin": 28, "bottom_margin": 26, "left_margin": 37, "right_margin": 35}
# The page number's dash sits 7 mm below the type area; a 4号 line is about 5 mm tall.
FOOTER_DISTANCE = Mm(14)
TYPE_WIDTH_MM = 297 - 37 - 35

ROLE_HEADER = "本单位职责"
# Widths in mm at 12 pt; 工作内容 takes what is left (about 29 characters a line). 类别 fits
# two characters a line, so a merged category reads as a short vertical block as in the
# source; 完成时限 fits "（三年工程）" and 责任单位 "市住房公积金管理中心" on one line.
NARROW_COLUMNS_MM = {"序号": 12, "类别": 13, "完成时限": 28, "责任单位": 46, ROLE_HEADER: 17}
HEADERS = ["序号", "类别", "工作内容", "完成时限", "责任单位"]
# A role through a group goes on two lines, 牵头 over （各县（市）区）: room for the second.
ROLE_THROUGH_GROUP_MM = 40

_PAGE_NUMBER = (
    '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
)
_CELL_MARGINS = (
    f"<w:tblCellMar {nsdecls('w')}>"
    '<w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
    '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
    "</w:tblCellMar>"
)
_NONCHARACTERS = re.compile("[\ufffe\uffff]")
# (style name, face, size, alignment). English names: Word derives style ids from them.
_STYLES = [
    ("Attachment Label", HEITI, Pt(16), WD_ALIGN_PARAGRAPH.LEFT),
    ("Attachment Title", TITLE_FACE, Pt(22), WD_ALIGN_PARAGRAPH.CENTER),
    ("Attachment Subtitle", KAITI, Pt(16), WD_ALIGN_PARAGRAPH.CENTER),
    ("Table Header", HEITI, TABLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER),
    ("Table Cell", FANGSONG, TABLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER),
    ("Table Content", FANGSONG, TABLE_SIZE, WD_ALIGN_PARAGRAPH.JUSTIFY),
    ("Footer Page Number", SONGTI, Pt(14), WD_ALIGN_PARAGRAPH.RIGHT),
]


def write_docx(document: ExportDocument, stream: IO[bytes]) -> None:
    """Write `document` as a landscape A4 attachment with a repeating-header table."""
    word = Document()
    _set_up_styles(word)
    _set_up_page(word)
    word.add_paragraph("附件", style="Attachment Label")
    title = word.add_paragraph(_clean(document.title), style="Attachment Title")
    title.paragraph_format.space_before = Pt(29)  # the standard puts the title on line 3
    if document.subtitle:
        word.add_paragraph(_clean(document.subtitle), style="Attachment Subtitle")
    word.paragraphs[-1].paragraph_format.space_after = Pt(12)
    _add_table(word, document)
    # The template signs every file "python-docx"; these go out under the issuer's name.
    properties = word.core_properties
    properties.author = _clean(document.meta.issuer or "")
    properties.title = _clean(document.title)
    properties.comments = ""
    word.save(stream)


def _set_up_styles(word: WordDocument) -> None:
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    # Theme fonts in the defaults would win over names set lower down in some readers.
    _set_run_fonts(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"), FANGSONG)
    # Chinese for CJK text; Latin text stays en-US so that numbers such as 2200 do not
    # break across lines the way Chinese characters may.
    defaults.find(f".//{qn('w:lang')}").set(qn("w:eastAsia"), "zh-CN")
    normal = word.styles["Normal"]
    _set_run_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    normal.font.size = Pt(16)  # 3号, the standard's body size
    for style_name in ("Normal", "Footer"):
        fmt = word.styles[style_name].paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
    for name, face, size, alignment in _STYLES:
        style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _set_run_fonts(style.element.get_or_add_rPr(), face)
        style.font.size = size
        fmt = style.paragraph_format
        fmt.alignment = alignment
        fmt.widow_control = False
        if size == TABLE_SIZE:  # a fixed pitch keeps rows even whatever face is substituted
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(18)


def _set_run_fonts(rpr: Any, face: str) -> None:
    """Name `face` for every script: w:eastAsia is what Word uses for Chinese text."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), face)


def _set_up_page(word: WordDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, mm in MARGINS_MM.items():
        setattr(section, side, Mm(mm))
    section.footer_distance = FOOTER_DISTANCE
    # The standard puts odd page numbers on the right and even ones on the left, one
    # character in from the edge of the type area.
    word.settings.odd_and_even_pages_header_footer = True
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.style = word.styles["Footer Page Number"]
        paragraph.alignment = alignment
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(14)
        else:
            paragraph.paragraph_format.left_indent = Pt(14)
        paragraph._p.extend(_parse_children("w:p", _PAGE_NUMBER))


def _add_table(word: WordDocument, document: ExportDocument) -> None:
    headers = [*HEADERS, ROLE_HEADER] if document.unit else HEADERS
    narrow = dict(NARROW_COLUMNS_MM)
    if any("（" in (document.role(t) or "") for t in document.tasks):
        narrow[ROLE_HEADER] = ROLE_THROUGH_GROUP_MM
    content_mm = TYPE_WIDTH_MM - sum(narrow.get(h, 0) for h in headers)
    widths = [Mm(narrow.get(h, content_mm)) for h in headers]
    table = word.add_table(rows=0, cols=len(headers))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed, so readers keep the widths below
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    tbl_pr = table._tbl.tblPr
    tbl_pr.find(qn("w:tblW")).attrib.update(
        {qn("w:w"): str(Mm(TYPE_WIDTH_MM).twips), qn("w:type"): "dxa"}
    )
    # Table Grid has no space above and below cell text, which crowds the borders.
    tbl_pr.find(qn("w:tblLook")).addprevious(parse_xml(_CELL_MARGINS))
    ids = {name: word.styles[name].style_id for name, *_ in _STYLES}
    twips = [str(width.twips) for width in widths]
    header = [
        _cell(width, [text], ids["Table Header"], shade=True)
        for width, text in zip(twips, headers, strict=True)
    ]
    rows = [_row(header, header=True)]
    body, content = ids["Table Cell"], ids["Table Content"]
    for category, group in groupby(document.tasks, key=lambda t: t.category):
        tasks = list(group)
        for index, task in enumerate(tasks):
            merge = None if len(tasks) == 1 else "restart" if index == 0 else "continue"
            # Tasks without a category get a blank merged cell, as in the source: the
            # attachment goes out under the government's name, so no editorial remarks.
            cells = [
                ([str(task.number)], body, None),
                ([category or ""] if index == 0 else [], body, merge),
                ([task.content], content, None),
                (_deadline_lines(task.deadline), body, None),
                (task.units, body, None),
            ]
            if document.unit:
                cells.append((_role_lines(document.role(task) or ""), body, None))
            row = [
                _cell(width, lines, style, merge=cell_merge, bold=document.unit)
                for width, (lines, style, cell_merge) in zip(twips, cells, strict=True)
            ]
            rows.append(_row(row))
    # Rows are written as XML text and parsed once: building them element by element is six
    # times slower, and python-docx's table.cell() rescans the whole table on every call.
    table._tbl.extend(_parse_children("w:tbl", "".join(rows)))


def _deadline_lines(deadline: Deadline) -> list[str]:
    """Split "全年（三年工程）" into two lines, so that the note is not broken inside."""
    head, bracket, note = deadline.text.partition("（")
    return [head, bracket + note] if head and note else [deadline.text]


def _row(cells: list[str], *, header: bool = False) -> str:
    """A w:tr kept on one page; the header row repeats on every page."""
    repeat = "<w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>{''.join(cells)}</w:tr>"


def _cell(
    width: str,
    lines: list[str],
    style_id: str,
    *,
    merge: str | None = None,
    shade: bool = False,
    bold: str | None = None,
) -> str:
    """A w:tc holding one paragraph per line; a line equal to `bold` is set in bold."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if merge:
        props += f'<w:vMerge w:val="{merge}"/>'
    if shade:
        props += '<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>'
    props += '<w:vAlign w:val="center"/>'
    paragraphs = []
    for line in lines or [""]:  # a w:tc must hold at least one paragraph
        run = ""
        if line:
            run_props = "<w:rPr><w:b/></w:rPr>" if line == bold else ""
            run = f'<w:r>{run_props}<w:t xml:space="preserve">{escape(_clean(line))}</w:t></w:r>'
        paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{run}</w:p>')
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{''.join(paragraphs)}</w:tc>"


def _parse_children(tag: str, xml: str) -> list[Any]:
    """The elements in `xml`, parsed inside a `tag` that declares the w: namespace."""
    return list(parse_xml(f"<{tag} {nsdecls('w')}>{xml}</{tag}>"))


def _clean(text: str) -> str:
    """Drop control characters and noncharacters: XML cannot hold most of them."""
    return _NONCHARACTERS.sub("", clean_text(text))


def _role_lines(role: str) -> list[str]:
    """牵头（各县（市）区） as 牵头 over （各县（市）区）, so the column stays narrow."""
    head, bracket, rest = role.partition("（")
    return [head, bracket + rest] if bracket else [role]
