"""Fuzz each reader: whatever the bytes or the table, tasks or our own error, nothing else."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from minsheng_cli import NoticeError
from minsheng_cli.notice.builder import parse_reading
from minsheng_cli.notice.readers import read_notice

from .test_readers import _zip

_FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
_TEXTS = st.sampled_from(
    ["", "序号", "工作内容", "完成时限", "责任单位", "类别", "1", "2", "甲（2项）", "年底前",
     "6月底", "市民政局、市教育局", "（未标注类别）", " ", "\n", "<", "&amp;", "x" * 30]
)  # fmt: skip


def _outcome(data: bytes, name: str) -> None:
    try:
        notice = parse_reading(read_notice(Path(name), data))
    except NoticeError as error:
        assert error.message
        return
    assert all(task.content for task in notice.tasks)
    assert all(task.position for task in notice.tasks)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TC_PROPS = st.sampled_from(
    ["", '<w:vMerge w:val="restart"/>', "<w:vMerge/>", '<w:vMerge w:val="x"/>',
     '<w:gridSpan w:val="2"/>', '<w:gridSpan w:val="0"/>', '<w:gridSpan w:val="-3"/>',
     '<w:gridSpan w:val="99999"/>', '<w:gridSpan w:val="a"/>']
)  # fmt: skip


@st.composite
def _document_xml(draw: st.DrawFn) -> bytes:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = []
        for _ in range(draw(st.integers(0, 6))):
            props = draw(_TC_PROPS)
            text = draw(_TEXTS).replace("<", "&lt;").replace("&amp;", "&amp;amp;")
            cells.append(
                f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
            )
        before = draw(st.sampled_from(["", '<w:trPr><w:gridBefore w:val="2"/></w:trPr>']))
        rows.append(f"<w:tr>{before}{''.join(cells)}</w:tr>")
    body = f"<w:tbl>{''.join(rows)}</w:tbl>" * draw(st.integers(0, 2))
    xml = f"<w:document {_W}><w:body>{body}</w:body></w:document>".encode()
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(xml)))
        xml = xml[:cut] + draw(st.binary(max_size=8)) + xml[cut:]
    return xml


@_FAST
@given(_document_xml(), st.integers(0, 400), st.binary(max_size=4))
def test_docx_fuzz(xml: bytes, flip: int, junk: bytes) -> None:
    data = _zip({"word/document.xml": xml})
    if junk:  # damage the archive itself now and then
        flip %= len(data)
        data = data[:flip] + junk + data[flip + len(junk) :]
    _outcome(data, "f.docx")


_HTML_PIECES = st.sampled_from(
    ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<td rowspan=3>",
     "<td rowspan=0>", "<td colspan=2>", "<td colspan=1000>", "<td rowspan='-1'>", "<br>", "<p>",
     "</p>", "<caption>", "<!--", "-->", "<![if x]>", "<script>", "</script>", "&#0;", "&#xd800;",
     "<meta charset=x>", '<meta charset="gbk">', "<title>", "\x00", "\ufffd"]
)  # fmt: skip


@_FAST
@given(st.lists(st.one_of(_HTML_PIECES, _TEXTS), max_size=60), st.sampled_from(["utf-8", "gbk"]))
def test_html_fuzz(pieces: list[str], codec: str) -> None:
    _outcome(("<html>" + "".join(pieces)).encode(codec, "replace"), "f.html")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(
    st.lists(st.lists(st.one_of(_TEXTS, st.integers(-5, 5), st.floats()), max_size=5), max_size=6),
    st.lists(st.tuples(st.integers(1, 6), st.integers(1, 5), st.integers(0, 3), st.integers(0, 3))),
    st.binary(max_size=3),
    st.integers(0, 10_000),
)
def test_xlsx_fuzz(
    rows: list[list[str | int | float]],
    merges: list[tuple[int, int, int, int]],
    junk: bytes,
    flip: int,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value)
    for top, left, down, right in merges[:3]:
        try:
            sheet.merge_cells(start_row=top, start_column=left, end_row=top + down,
                              end_column=left + right)  # fmt: skip
        except ValueError:
            pass
    stream = io.BytesIO()
    workbook.save(stream)
    data = stream.getvalue()
    if junk:
        flip %= len(data)
        data = data[:flip] + junk + data[flip + len(junk) :]
    _outcome(data, "f.xlsx")


_LINES = st.sampled_from(
    ["", "序号", "民生实事", "工作内容", "完成时限", "责任单位", "1", "2", "02", "年底前",
     "5月底前开工", "县教科局", "县残联、县住建局", "新建幼儿园2所", "分享到：", "建设康复中心",
     " ", "\t", "全年", "x" * 30]
)  # fmt: skip


@_FAST
@given(st.lists(_LINES, max_size=40))
def test_copied_page_fuzz(lines: list[str]) -> None:
    _outcome("\n".join(lines).encode(), "n.txt")
