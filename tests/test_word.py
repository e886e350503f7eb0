"""The Word layer both docx writers share, checked in the files they write."""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from minsheng_cli import load_notice
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.docx import write_docx as write_export
from minsheng_cli.report.docx import write_docx as write_bulletin
from minsheng_cli.report.model import Period
from minsheng_cli.word import FONT_TABLE, Face, cell, row, set_page_start, text_run
from tests.report_sample import sample_figures

NOTICE = load_notice()


def export_bytes() -> bytes:
    stream = BytesIO()
    document = ExportDocument(meta=NOTICE.meta, tasks=NOTICE.tasks[:3], title="分工表")
    write_export(document, stream)
    return stream.getvalue()


def bulletin_bytes() -> bytes:
    stream = BytesIO()
    write_bulletin(sample_figures(NOTICE, Period.MONTH), stream)
    return stream.getvalue()


FILES = {"export": export_bytes(), "bulletin": bulletin_bytes()}
AUTHORS = {"export": "吉林市人民政府办公厅", "bulletin": "吉林市人民政府督查室"}
KINDS = list(FILES)


def part(kind: str, name: str) -> str:
    return zipfile.ZipFile(BytesIO(FILES[kind])).read(name).decode("utf-8")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("face", FONT_TABLE, ids=lambda face: face.alt)
def test_font_table_declares_the_faces(kind: str, face: Face) -> None:
    root = parse_xml(part(kind, "word/fontTable.xml").encode())
    fonts = {f.get(qn("w:name")): f for f in root.iter(qn("w:font"))}
    declared = fonts[face.name]

    def value(tag: str) -> str | None:
        found = declared.find(qn(tag))
        return None if found is None else found.get(qn("w:val"))

    assert value("w:charset") == "86"
    assert value("w:altName") == face.alt
    assert value("w:family") == ("swiss" if face.name == "黑体" else "roman")
    assert value("w:pitch") == face.pitch


@pytest.mark.parametrize("kind", KINDS)
def test_core_properties(kind: str) -> None:
    properties = docx.Document(BytesIO(FILES[kind])).core_properties
    assert properties.author == properties.last_modified_by == AUTHORS[kind]
    assert (properties.language, properties.revision) == ("zh-CN", 1)
    now = dt.datetime.now(dt.UTC)
    for stamp in (properties.created, properties.modified):
        assert stamp is not None
        assert abs(stamp.replace(tzinfo=dt.UTC) - now) < dt.timedelta(minutes=5)


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_left_of_the_template(kind: str) -> None:
    package = zipfile.ZipFile(BytesIO(FILES[kind]))
    assert not [name for name in package.namelist() if "thumbnail" in name]
    assert "thumbnail" not in part(kind, "_rels/.rels")
    for name in package.namelist():
        text = package.read(name).decode("utf-8", "replace")
        for word in ("python-docx", "Macintosh", "ja-JP"):
            assert word not in text, (name, word)
    assert "<Application>minsheng</Application>" in part(kind, "docProps/app.xml")


@pytest.mark.parametrize("kind", KINDS)
def test_theme_and_settings_speak_chinese(kind: str) -> None:
    theme = part(kind, "word/theme/theme1.xml")
    assert '<a:font script="Hans" typeface="黑体"/>' in theme  # headings
    assert '<a:font script="Hans" typeface="宋体"/>' in theme  # body
    assert 'w:eastAsia="zh-CN"' in part(kind, "word/settings.xml")


@pytest.mark.parametrize(
    ("text", "preserved"),
    [("工作", False), (" 前有空格", True), ("后有空格 ", True), ("中 间", False)],
)
def test_space_preserved_only_where_needed(text: str, preserved: bool) -> None:
    run = parse_xml(f"<w:p {nsdecls('w')}>{text_run(text)}</w:p>")[0]
    t = run.find(qn("w:t"))
    assert t.text == text
    assert (t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve") is preserved


@pytest.mark.parametrize(("text", "runs"), [("", 0), ("\x07", 0), ("字", 1)])
def test_empty_text_writes_no_run(text: str, runs: int) -> None:
    assert text_run(text).count("<w:r>") == runs


@pytest.mark.parametrize(("header", "repeats"), [(False, False), (True, True)])
def test_rows_do_not_split(header: bool, repeats: bool) -> None:
    xml = row([cell("100", ["字"], "TableCell")], header=header)
    assert "<w:cantSplit/>" in xml
    assert ("<w:tblHeader/>" in xml) is repeats


def test_page_start_sits_where_the_schema_puts_it() -> None:
    document = docx.Document(BytesIO(FILES["export"]))
    section = document.sections[0]
    set_page_start(section, 7)
    set_page_start(section, 9)  # a second call replaces the first
    tags = [child.tag.split("}")[1] for child in section._sectPr]
    assert tags.count("pgNumType") == 1
    assert tags.index("pgMar") < tags.index("pgNumType") < tags.index("cols")
    assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "9"
