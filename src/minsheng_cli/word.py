"""The Word furniture the export and the bulletin share (GB/T 9704-2012).

Faces and the font table that declares them, style and document defaults, "— N —"
page numbers, tables written as XML text and parsed once, and the package's
properties. python-docx is imported by whoever imports this module, so only the
docx writers do.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Pt

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


class Face(NamedTuple):
    """A font table entry: what Word falls back on when the face is not installed."""

    name: str
    alt: str  # the Latin name the same face is installed under
    family: str  # roman (serif) or swiss (sans)
    pitch: str
    panose: str | None  # as Chinese Windows reports it; None where not known


# charset 86 is GB2312. LibreOffice 7.4 reads only the name and charset (see docs/fonts.conf).
FONT_TABLE = [
    Face(FANGSONG, "FangSong", "roman", "fixed", "02010609060101010101"),
    Face(SONGTI, "SimSun", "roman", "variable", "02010600030101010101"),
    Face(KAITI, "KaiTi", "roman", "fixed", "02010609060101010101"),
    Face(TITLE_FACE, "FZXiaoBiaoSong-B05S", "roman", "variable", None),
    Face(HEITI, "SimHei", "swiss", "fixed", "02010609060101010101"),
]

# GB/T 9704 gives portrait A4 a 156 x 225 mm type area: top 37, bottom 35, left 28, right 26.
# A landscape page keeps that type area turned on its side, so that it lines up with
# portrait pages when bound: the binding/outer margins (28/26) go to top/bottom and the
# top/bottom margins (37/35) to left/right, leaving 225 x 156 mm.
LANDSCAPE_MARGINS_MM = {
    "top_margin": 28,
    "bottom_margin": 26,
    "left_margin": 37,
    "right_margin": 35,
}
# The page number's dash sits 7 mm below the type area; a 4号 line is about 5 mm tall.
LANDSCAPE_FOOTER_MM = 14

# GB/T 9704: 22 lines on a 225 mm type area.
LINE_PITCH = 28.9
TABLE_PT = 12.0  # 小四: 4号 (14 pt) makes an 80-row table twice as long
TABLE_LINE_PT = 18.0
TABLE_STYLE_ID = "TableGrid"  # the template's Table Grid

PAGE_NUMBER = (
    '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
)
# Twips above and below cell text, and at its sides: Table Grid has none above and below,
# which crowds the borders.
CELL_MARGIN_TWIPS = 57
CELL_SIDE_TWIPS = 85
_NONCHARACTERS = re.compile("[\ufffe\uffff]")


class ParagraphStyle(NamedTuple):
    """A paragraph style. English names: Word derives style ids from them."""

    name: str
    face: str
    size: float  # pt
    align: str  # w:jc: left, center, right, both (justified)
    indent: int = 0  # first-line indent in characters
    pitch: float | None = LINE_PITCH  # exact line pitch in pt; None for single spacing
    before: float = 0  # pt
    after: float = 0
    keep_next: bool = False
    colour: str | None = None
    extra: str = ""  # w:pBdr and w:tabs, which come between w:widowControl and w:spacing


# A fixed pitch keeps rows even whatever face a reader substitutes. No punctuation hangs
# past a cell's edge: Word and LibreOffice then break lines alike, and rows can be sized.
_NO_HANGING = '<w:overflowPunct w:val="0"/>'
TABLE_STYLES = [
    ParagraphStyle(name, face, TABLE_PT, align, pitch=TABLE_LINE_PT, extra=_NO_HANGING)
    for name, face, align in [
        ("Table Header", HEITI, "center"),
        ("Table Cell", FANGSONG, "center"),
        ("Table Content", FANGSONG, "both"),
    ]
]
FOOTER_STYLE = ParagraphStyle("Footer Page Number", SONGTI, 14, "right", pitch=None)


def style_id(name: str) -> str:
    """Word's id for a style name: the name without spaces."""
    return name.replace(" ", "")


def set_up_styles(word: WordDocument, styles: list[ParagraphStyle], *, body_pt: float) -> None:
    """Name 仿宋 in the defaults and Normal, and add `styles` (based on Normal)."""
    root = word.styles.element
    defaults = root.find(qn("w:docDefaults"))
    # Theme fonts in the defaults would win over names set lower down in some readers.
    set_run_fonts(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"), FANGSONG)
    # Chinese for CJK text; Latin text stays en-US so that numbers such as 2200 do not
    # break across lines the way Chinese characters may.
    defaults.find(f".//{qn('w:lang')}").set(qn("w:eastAsia"), "zh-CN")
    theme_lang = word.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:  # the template's is ja-JP
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    normal = word.styles["Normal"]
    set_run_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    normal.font.size = Pt(body_pt)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    # Written as XML: python-docx's add_style scans every style of the template for each.
    root.extend(parse_children("w:styles", "".join(map(_style_xml, styles))))


def _style_xml(style: ParagraphStyle) -> str:
    keep = "<w:keepNext/>" if style.keep_next else ""
    if style.pitch is None:
        line = 'w:line="240" w:lineRule="auto"'
    else:
        line = f'w:line="{round(style.pitch * 20)}" w:lineRule="exact"'
    before, after = round(style.before * 20), round(style.after * 20)
    spacing = f'<w:spacing w:before="{before}" w:after="{after}" {line}/>'
    indent = (
        f'<w:ind w:firstLine="{round(style.size * style.indent * 20)}"/>' if style.indent else ""
    )
    fonts = " ".join(
        f'w:{script}="{style.face}"' for script in ("ascii", "hAnsi", "eastAsia", "cs")
    )
    colour = f'<w:color w:val="{style.colour}"/>' if style.colour else ""
    size = round(style.size * 2)
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id(style.name)}">'
        f'<w:name w:val="{style.name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f'<w:pPr>{keep}<w:widowControl w:val="0"/>{style.extra}{spacing}{indent}'
        f'<w:jc w:val="{style.align}"/></w:pPr>'
        f'<w:rPr><w:rFonts {fonts}/>{colour}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        "</w:style>"
    )


def set_run_fonts(rpr: Any, face: str) -> None:
    """Name `face` for every script: w:eastAsia is what Word uses for Chinese text."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), face)


def add_page_numbers(word: WordDocument, section: Section) -> None:
    """ "— N —" in 4号 宋体: odd pages on the right, even ones on the left, one character in.

    Later sections keep these footers (linked to previous), so numbering runs on.
    """
    word.settings.odd_and_even_pages_header_footer = True
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph._p.style = style_id(FOOTER_STYLE.name)
        paragraph.alignment = alignment
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(14)
        else:
            paragraph.paragraph_format.left_indent = Pt(14)
        paragraph._p.extend(parse_children("w:p", PAGE_NUMBER))


def set_page_start(section: Section, start: int) -> None:
    """Number the section's pages from `start` (w:pgNumType), to run on from another file."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    numbering = parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="{int(start)}"/>')
    successors = ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection")
    sect_pr.insert_element_before(
        numbering, *(f"w:{tag}" for tag in (*successors, "bidi", "rtlGutter", "docGrid"))
    )


def row(cells: list[str], *, header: bool = False) -> str:
    """A w:tr kept on one page; a header row repeats on every page."""
    repeat = "<w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>{''.join(cells)}</w:tr>"


def cell(
    width: str,
    lines: list[str],
    style: str,
    *,
    merge: str | None = None,
    shade: bool = False,
    bold: str | None = None,
) -> str:
    """A w:tc `width` twips wide with one paragraph per line; a line equal to `bold` is bold."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if merge:
        props += f'<w:vMerge w:val="{merge}"/>'
    if shade:
        props += '<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>'
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{text_run(line, bold=line == bold)}</w:p>'
        for line in lines or [""]  # a w:tc must hold at least one paragraph
    )
    return f'<w:tc><w:tcPr>{props}<w:vAlign w:val="center"/></w:tcPr>{paragraphs}</w:tc>'


def text_run(text: str, *, bold: bool = False) -> str:
    """A w:r holding `text`, or nothing for no text.

    xml:space="preserve" only where spaces at either end need it: lxml moves an element
    carrying xml: attributes into the document in time quadratic in their number.
    """
    text = clean(text)
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:r>{props}<w:t{space}>{escape(text)}</w:t></w:r>"


def insert_table(
    word: WordDocument, twips: list[str], rows: str, *, side: int = CELL_SIDE_TWIPS
) -> None:
    """Append a fixed-layout, centred w:tbl with these column widths and rows (XML text);
    `side` is the cell margin left and right of the text, in twips.

    The whole table is written as text and parsed once: python-docx's cell() rescans
    the table on every call, which makes big tables quadratic.
    """
    total = sum(int(width) for width in twips)
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in twips)
    xml = (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{TABLE_STYLE_ID}"/><w:tblW w:w="{total}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
        f'<w:left w:w="{side}" w:type="dxa"/><w:bottom w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
        f'<w:right w:w="{side}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1"'
        ' w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )
    # Before the body's closing w:sectPr, i.e. at the end of the current section.
    word.element.body.sectPr.addprevious(parse_xml(xml))


def parse_children(tag: str, xml: str) -> list[Any]:
    """The elements in `xml`, parsed inside a `tag` that declares the w: namespace."""
    return list(parse_xml(f"<{tag} {nsdecls('w')}>{xml}</{tag}>"))


def clean(text: str) -> str:
    """Drop control characters and noncharacters: XML cannot hold most of them."""
    return _NONCHARACTERS.sub("", clean_text(text))


def finish(word: WordDocument, *, title: str, author: str) -> None:
    """Declare the faces and set the package's properties, just before saving."""
    _declare_fonts(word)
    _set_properties(word, title=title, author=author)


def _declare_fonts(word: WordDocument) -> None:
    """Add the faces the styles name to word/fontTable.xml, with charset and family."""
    part = _part(word, "/word/fontTable.xml")
    root = parse_xml(part.blob)
    known = {font.get(qn("w:name")) for font in root.iter(qn("w:font"))}
    for face in FONT_TABLE:
        if face.name in known:
            continue
        panose = f'<w:panose1 w:val="{face.panose}"/>' if face.panose else ""
        root.append(
            parse_xml(
                f"<w:font {nsdecls('w')} w:name={quoteattr(face.name)}>"
                f'<w:altName w:val="{face.alt}"/>{panose}<w:charset w:val="86"/>'
                f'<w:family w:val="{face.family}"/><w:pitch w:val="{face.pitch}"/></w:font>'
            )
        )
    part._blob = serialize_part_xml(root)


# The template's app.xml says "Microsoft Macintosh Word" and counts one empty page.
_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>minsheng</Application><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
)
# The faces of the theme's Simplified Chinese script, as a Chinese Word names them.
_THEME_FACES = {"majorFont": HEITI, "minorFont": SONGTI}


def _set_properties(word: WordDocument, *, title: str, author: str) -> None:
    # The template signs every file "python-docx", dates it 2013 and carries a thumbnail.
    properties = word.core_properties
    properties.title = clean(title)
    properties.author = properties.last_modified_by = clean(author)
    properties.comments = properties.subject = properties.keywords = ""
    properties.language = "zh-CN"
    properties.revision = 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    properties.created = properties.modified = now
    package = word.part.package
    for rel_id in [r for r, rel in package.rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package.rels[rel_id]
    _part(word, "/docProps/app.xml")._blob = _APP_XML.encode()
    theme = _part(word, "/word/theme/theme1.xml")
    root = parse_xml(theme.blob)
    drawing = "http://schemas.openxmlformats.org/drawingml/2006/main"
    for kind, face in _THEME_FACES.items():
        for font in root.iter(f"{{{drawing}}}{kind}"):
            for script in font.iter(f"{{{drawing}}}font"):
                if script.get("script") == "Hans":
                    script.set("typeface", face)
    theme._blob = serialize_part_xml(root)


def _part(word: WordDocument, name: str) -> Any:
    return next(p for p in word.part.package.iter_parts() if p.partname == name)
