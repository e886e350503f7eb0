"""Readers: Word, a saved web page and a workbook give the text dump's tasks.

Every fixture is made here from the seed itself (its front matter, tasks and
category labels), so that nothing binary is committed.
"""

from __future__ import annotations

import html
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from typer.testing import CliRunner

from minsheng_cli import Notice, NoticeError, Task, load_notice
from minsheng_cli.cli import app
from minsheng_cli.notice.loader import bundled_notice_path
from minsheng_cli.notice.readers import kind_of
from minsheng_cli.notice.source import split_lines
from minsheng_cli.notice.table import find_table

runner = CliRunner()

HEADERS = ["序号", "类别", "工作内容", "完成时限", "责任单位"]


# ---------------------------------------------------------------------------
# The seed in other forms


def seed_front() -> tuple[list[str], str]:
    """The seed's lines before its table, and the table's own title."""
    lines = split_lines(bundled_notice_path().read_text(encoding="utf-8"))
    table = find_table(lines)
    assert table is not None and table.caption is not None
    front = [line.strip() for line in lines[: table.start_line - 1] if line.strip()]
    return front, table.caption


def category_runs(notice: Notice, tasks: list[Task]) -> list[tuple[str, list[Task]]]:
    """Consecutive tasks of one category, each with its label as the seed writes it."""
    runs: list[tuple[str, list[Task]]] = []
    for name, group in groupby(tasks, key=lambda t: t.category):
        count = notice.meta.category_counts.get(name) if name else None
        label = "" if name is None else f"{name}（{count}项）" if count else name
        runs.append((label, list(group)))
    return runs


def seed_docx(notice: Notice, tasks: list[Task] | None = None) -> bytes:
    """The seed as an office system writes it: paragraphs, then a table whose
    category cells are merged vertically (w:vMerge restart, then continue)."""
    tasks = notice.tasks if tasks is None else tasks
    front, caption = seed_front()
    document = Document()
    for line in [*front, caption]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=len(HEADERS))
    for cell, header in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = header
    for label, run in category_runs(notice, tasks):
        for index, task in enumerate(run):
            cells = table.add_row().cells
            cells[0].text = str(task.number)
            merge = OxmlElement("w:vMerge")
            if index == 0:
                merge.set(qn("w:val"), "restart")
                cells[1].text = label
            cells[1]._tc.get_or_add_tcPr().append(merge)
            cells[2].text = task.content
            cells[3].text = task.deadline.text
            cells[4].text = "\n".join(task.units_as_written)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def seed_html(notice: Notice, tasks: list[Task] | None = None, *, charset: str = "gbk") -> bytes:
    """The seed as a saved government page: GBK, rowspan for the category cells."""
    tasks = notice.tasks if tasks is None else tasks
    front, caption = seed_front()
    out = [
        "<!DOCTYPE html>",
        f'<html><head><meta charset="{charset}"><title>{html.escape(front[0])}</title>',
        "<script>var x = '<table><tr><td>序号</td></tr></table>';</script></head><body>",
        '<div class="nav">首页 &gt; 政务公开</div>',
        *(f"<p>{html.escape(line)}</p>" for line in front),
        '<table border="1">',
        f"<caption>{html.escape(caption)}</caption>",
        "<tr>" + "".join(f"<th>{h}</th>" for h in HEADERS) + "</tr>",
    ]
    for label, run in category_runs(notice, tasks):
        for index, task in enumerate(run):
            units = "<br>".join(html.escape(u) for u in task.units_as_written)
            category = f'<td rowspan="{len(run)}">{html.escape(label)}</td>' if index == 0 else ""
            out.append(
                f"<tr><td>{task.number}</td>{category}<td><p>{html.escape(task.content)}</p></td>"
                f"<td>{html.escape(task.deadline.text)}</td><td>{units}</td></tr>"
            )
    out += ["</table>", "<p>分享到：</p></body></html>"]
    return "\n".join(out).encode(charset, "xmlcharrefreplace")


def export_xlsx(tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "x.xlsx"
    result = runner.invoke(app, ["export", "--format", "xlsx", "-o", str(target), *args])
    assert result.exit_code == 0, result.output
    return target


def _record(task: Task, *skip: str) -> dict[str, Any]:
    record = task.model_dump(mode="json")
    for key in ("lines", "position", *skip):
        record.pop(key)
    return record


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------
# The same 80 tasks, whatever the form

FORMS: dict[str, tuple[Callable[[Notice, Path], Path], str, tuple[str, ...]]] = {
    # name → (make the file, the first task's position, fields the form does not keep)
    "docx": (lambda n, d: _write(d, "通知.docx", seed_docx(n)), "表1第2行", ()),
    "html": (lambda n, d: _write(d, "通知.htm", seed_html(n)), "表1第2行", ()),
    # The export does not keep the units as written. It keeps the issuer (依据：…), whose
    # city says what group names such as 各县（市）区 stand for, so recipients are the same.
    "xlsx": (lambda n, d: export_xlsx(d), "分工表!A4", ("units_as_written",)),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_form_gives_the_seed_tasks(form: str, notice: Notice, tmp_path: Path) -> None:
    make, first_position, skip = FORMS[form]
    read = load_notice(make(notice, tmp_path))
    assert [_record(t, *skip) for t in read.tasks] == [_record(t, *skip) for t in notice.tasks]
    assert read.tasks[0].position == first_position
    assert read.meta.year == 2015


@pytest.mark.parametrize("form", ["docx", "html"])
def test_word_and_html_keep_the_front_matter(form: str, notice: Notice, tmp_path: Path) -> None:
    read = load_notice(FORMS[form][0](notice, tmp_path))
    same = ("source", "encoding")
    assert read.meta.model_dump(exclude=set(same)) == notice.meta.model_dump(exclude=set(same))
    assert read.meta.encoding == {"docx": "docx", "html": "html; charset=gbk"}[form]


@pytest.mark.parametrize("form", ["docx", "html"])
def test_word_and_html_explain_the_missing_category(
    form: str, notice: Notice, tmp_path: Path
) -> None:
    read = load_notice(FORMS[form][0](notice, tmp_path))
    [missing] = [p for p in read.problems if p.code == "missing-category"]
    # Tasks 62–80 sit in rows 63–81: one merged empty cell, which nothing inherits across.
    assert "第62–80项（共19项，表1第63–81行）" in missing.message
    assert "类别单元格（表1第63行第2列起）是合并的空单元格" in missing.message
    assert missing.line == 63
    assert [t.lines.start for t in read.tasks[:2]] == [2, 3]


def test_xlsx_lines_are_sheet_rows(notice: Notice, tmp_path: Path) -> None:
    read = load_notice(export_xlsx(tmp_path))
    assert read.tasks[61].position == "分工表!A65"
    assert (read.tasks[61].lines.start, read.tasks[61].lines.end) == (65, 65)
    assert read.meta.document_number == "吉市政办发〔2015〕3号"
    # The source excerpt of a task quotes its row, cells split by tabs.
    [(line, text)] = read.source_excerpt(read.tasks[0])
    assert line == 4
    assert text.split("\t")[1:4] == ["1", "就业增收", read.tasks[0].content]


def test_xlsx_of_one_unit_reads_back(notice: Notice, tmp_path: Path) -> None:
    read = load_notice(export_xlsx(tmp_path, "--unit", "市民政局"))
    expected = [t for t in notice.tasks if "市民政局" in t.units]
    key = "number"
    assert sorted(t.number for t in read.tasks) == [t.number for t in expected]
    by_number = {t.number: t for t in read.tasks}
    for task in expected:
        skip = ("units_as_written",)
        assert _record(by_number[task.number], *skip) == _record(task, *skip), key


def test_cli_lists_a_workbook_notice(tmp_path: Path) -> None:
    target = export_xlsx(tmp_path)
    result = runner.invoke(app, ["list", "--notice", str(target), "-f", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 80
    assert records[4]["position"] == "分工表!A8"


def test_a_docx_parse_is_cached(
    notice: Notice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MINSHENG_NO_CACHE")
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(tmp_path / "cache"))
    path = _write(tmp_path, "n.docx", seed_docx(notice, notice.tasks[:3]))
    first = load_notice(path)
    assert list((tmp_path / "cache").glob("*.entry"))
    second = load_notice(path)
    assert second.tasks == first.tasks
    assert second.source_excerpt(second.tasks[0]) == first.source_excerpt(first.tasks[0])


# ---------------------------------------------------------------------------
# The kind comes from the content


KINDS: list[tuple[str, bytes, str]] = [
    ("text", "\t序号\n".encode(), "text"),
    ("html", b"\n\n<!DOCTYPE html><p>x", "html"),
    ("bare table", b"<table><tr><td>1</td></tr></table>", "html"),
    ("utf-16 html", "\ufeff<html>".encode("utf-16-le"), "html"),
    ("pdf", b"%PDF-1.7\n...", "PDF"),
    ("doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), ".doc"),
    ("wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "WPS"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), ".xls"),
    ("rtf", b"{\\rtf1\\ansi}", "RTF"),
]


@pytest.mark.parametrize(("data", "expected"), [k[1:] for k in KINDS], ids=[k[0] for k in KINDS])
def test_kind_from_content(data: bytes, expected: str) -> None:
    if expected in {"text", "html"}:
        assert kind_of(data, "f") == expected
    else:
        with pytest.raises(NoticeError, match=expected):
            kind_of(data, "f")


def _zip(parts: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return stream.getvalue()


def _docx_without_table() -> bytes:
    document = Document()
    document.add_paragraph("关于做好2015年民生改善工作的通知")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _encrypted_xlsx() -> bytes:
    """What Excel writes for a workbook with an open password: an OLE2 file, not a zip,
    holding the streams EncryptionInfo and EncryptedPackage (the directory, shortened)."""
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory


def _doc() -> bytes:
    """A Word 97–2003 file: OLE2 with a WordDocument stream."""
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
        for name in ("Root Entry", "WordDocument", "1Table")
    )
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory + b"\x00\xff" * 300


BAD: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("corrupt zip", "n.docx", lambda: b"PK\x03\x04" + bytes(100), "文件已损坏"),
    ("cut zip", "n.xlsx", lambda: _zip({"xl/workbook.xml": b"<x/>" * 100})[:-30], "文件已损坏"),
    ("zip of other files", "n.zip", lambda: _zip({"a.txt": b"x"}), "不是 Word"),
    ("docx without table", "n.docx", _docx_without_table, "Word 文档里没有表格"),
    (
        "docx with bad xml",
        "n.docx",
        lambda: _zip({"word/document.xml": b"<w:document"}),
        "不是完整的 XML",
    ),
    (
        "html without table",
        "n.html",
        lambda: "<html><body><p>关于……的通知</p></body></html>".encode(),
        "网页里没有表格",
    ),
    (
        "html with an other table",
        "n.html",
        lambda: "<html><table><tr><td>首页</td></tr></table></html>".encode(),
        "网页的1个表格里都没有分工表的表头",
    ),
    ("encrypted xlsx", "n.xlsx", _encrypted_xlsx, "设有打开密码"),
    (
        "damaged xlsx",
        "n.xlsx",
        lambda: _zip({"xl/workbook.xml": b"<x/>", "[Content_Types].xml": b"junk"}),
        "Excel 工作簿已损坏",
    ),
    ("binary doc", "通知.doc", _doc, "另存为”.docx"),
    ("pdf", "通知.pdf", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
]


@pytest.mark.parametrize(("name", "make", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_our_error(
    name: str, make: Callable[[], bytes], message: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, name, make())
    with pytest.raises(NoticeError, match=message) as caught:
        load_notice(path)
    assert caught.value.path == str(path)
    result = runner.invoke(app, ["list", "--notice", str(path)])
    assert result.exit_code == 1, result.output
    assert name in result.output and message in result.output
    assert "Traceback" not in result.output


def test_xlsx_without_table_names_its_sheets(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.worksheets[0]["A1"] = "汇总"
    workbook.create_sheet("第二页")["B2"] = "序号"
    stream = io.BytesIO()
    workbook.save(stream)
    with pytest.raises(NoticeError, match="工作簿的2个工作表里都没有分工表的表头"):
        load_notice(_write(tmp_path, "n.xlsx", stream.getvalue()))


def test_text_needs_no_reader_module() -> None:
    # Each reader is imported only for a notice of its kind: the text dump needs none.
    code = (
        "import sys; from minsheng_cli import load_notice; load_notice(); "
        "print(sorted(m for m in sys.modules if m.startswith(('openpyxl', 'docx', 'html.parser',"
        " 'minsheng_cli.notice.readers.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['minsheng_cli.notice.readers.text']"
