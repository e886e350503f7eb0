"""The grid's rules, through small hand-written tables: merges, charsets, the year."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from minsheng_cli import Notice
from minsheng_cli.notice.builder import parse_reading
from minsheng_cli.notice.readers import read_notice

HEAD = "<tr><th>序号</th><th>类别</th><th>工作内容</th><th>完成时限</th><th>责任单位</th></tr>"


def _parse(data: bytes, name: str = "n") -> Notice:
    return parse_reading(read_notice(Path(name), data))


def _page(rows: str) -> bytes:
    title = "<p>关于做好2015年民生改善工作的通知</p>"
    return f'<html><head><meta charset="utf-8"></head><body>{title}<table>{HEAD}{rows}'.encode()


def _row(number: int, category: str | None, units: str | None = "<td>市民政局</td>") -> str:
    cells = [f"<td>{number}</td>"]
    if category is not None:
        cells.append(category)
    cells += [f"<td>内容{number}</td>", "<td>年底前</td>"]
    if units is not None:
        cells.append(units)
    return "<tr>" + "".join(cells) + "</tr>"


def test_html_merges_and_inheritance() -> None:
    rows = "".join(
        [
            _row(1, '<td rowspan="2">甲（2项）</td>'),
            _row(2, None),
            _row(3, "<td></td>"),  # unmerged and empty: inherits 甲
            _row(4, '<td rowspan="2"> </td>'),  # merged and empty: no category for 4 and 5
            _row(5, None),
            _row(6, "<td>乙</td>", '<td rowspan="2">市教育局<br>市财政局</td>'),
            _row(7, "<td></td>", None),  # the units merged from above belong to 7 too
        ]
    )
    notice = _parse(_page(rows))
    assert [t.category for t in notice.tasks] == ["甲", "甲", "甲", None, None, "乙", "乙"]
    assert notice.tasks[6].units == ["市教育局", "市财政局"]
    assert notice.meta.category_counts == {"甲": 2, "乙": None}
    # The continued label is neither a second label nor a count to check again.
    assert [p.code for p in notice.problems] == ["count-mismatch", "missing-category"]
    assert "表1第5–6行" in notice.problems[1].message
    assert [t.position for t in notice.tasks[:2]] == ["表1第2行", "表1第3行"]


def test_html_colspan_and_rowspan_zero() -> None:
    head = "<tr><th>序号</th><th colspan=2>工作内容</th><th>完成时限</th><th>责任单位</th></tr>"
    rows = (
        '<tr><td>1</td><td colspan="2">内容</td><td>6月底</td><td rowspan="0">市民政局</td></tr>'
        "<tr><td>2</td><td>甲</td><td>乙</td><td>9月</td></tr>"
    )
    notice = _parse(f"<table>{head}{rows}</table>".encode(), "n.html")
    assert [t.content for t in notice.tasks] == ["内容", "甲"]
    assert [t.units for t in notice.tasks] == [["市民政局"], ["市民政局"]]


CHARSETS = [
    ("meta charset", '<meta charset="gbk">', "gbk", "html; charset=gbk"),
    (
        "http-equiv",
        '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">',
        "gbk",
        "html; charset=gb2312",
    ),
    ("detected", "", "gbk", "html; charset=gb18030"),
    ("utf-8 without meta", "", "utf-8", "html; charset=utf-8"),
    ("meta names an unknown charset", '<meta charset="x-none">', "utf-8", "html; charset=utf-8"),
]


@pytest.mark.parametrize(
    ("head", "codec", "shown"), [c[1:] for c in CHARSETS], ids=[c[0] for c in CHARSETS]
)
def test_html_charset(head: str, codec: str, shown: str) -> None:
    text = "<p>关于做好2015年民生改善工作的通知</p>" * 3
    rows = _row(1, "<td>就业增收</td>", "<td>市人力资源和社会保障局</td>")
    page = f"<html><head>{head}</head><body>{text}<table>{HEAD}{rows}</table>"
    notice = _parse(page.encode(codec), "n.htm")
    assert notice.meta.encoding.startswith(shown[:12])
    assert notice.meta.encoding == shown or codec == "gbk" and "gb" in notice.meta.encoding
    assert notice.tasks[0].category == "就业增收"
    assert notice.meta.title == "关于做好2015年民生改善工作的通知"


def test_year_from_the_table_title() -> None:
    page = "<table><caption>北山市2016年民生实事项目</caption>" + HEAD + _row(1, "<td></td>")
    notice = _parse(page.replace("年底前", "6月底").encode())
    assert notice.meta.year == 2016
    assert notice.meta.attachment_title == "北山市2016年民生实事项目"
    assert str(notice.tasks[0].deadline.date) == "2016-06-30"


# Word, by hand: vMerge, gridSpan, gridBefore and content controls.
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _tc(text: str, *props: str) -> str:
    pr = f"<w:tcPr>{''.join(props)}</w:tcPr>" if props else ""
    paragraphs = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in text.split("|"))
    return f"<w:tc>{pr}{paragraphs}</w:tc>"


def _docx(body: str) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        xml = f"<w:document {_W}><w:body>{body}</w:body></w:document>"
        archive.writestr("word/document.xml", xml)
    return stream.getvalue()


def test_docx_merges() -> None:
    header = "".join(_tc(h) for h in ["序号", "类别", "工作内容", "完成时限", "责任单位"])
    restart, go_on = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    rows = [
        _tc("1") + _tc("甲|（2项）", restart) + _tc("内容|续") + _tc("6月") + _tc("市民政局"),
        _tc("2") + _tc("", go_on) + _tc("二") + _tc("年底前", '<w:gridSpan w:val="2"/>'),
        _tc("3") + _tc("", restart) + _tc("三") + _tc("9月") + _tc("市教育局"),
        "<w:sdt><w:sdtContent>"
        + _tc("4")
        + _tc("", go_on)
        + _tc("四")
        + _tc("9月")
        + _tc("市财政局")
        + "</w:sdtContent></w:sdt>",
    ]
    table = "<w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in [header, *rows]) + "</w:tbl>"
    front = "<w:p><w:r><w:t>吉市政办发〔2015〕3号</w:t></w:r></w:p>"
    notice = _parse(_docx(front + table), "n.docx")
    assert [t.category for t in notice.tasks] == ["甲", "甲", None, None]
    assert notice.tasks[0].content == "内容续"
    assert notice.tasks[1].units == ["年底前"]  # the span covers the units column too
    assert notice.meta.year == 2015
    assert [t.position for t in notice.tasks] == [f"表1第{n}行" for n in range(2, 6)]
    row = "\t1\t甲 （2项）\t内容 续\t6月\t市民政局"
    assert notice.source_excerpt(notice.tasks[0]) == [(2, row)]
