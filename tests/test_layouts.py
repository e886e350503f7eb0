"""Other cities' layouts through the grid: separate 配合单位, section rows, two-row
headers, no deadline column. Each notice is written here, as a Word, web or Excel
file with real merges, from one description of its table."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook
from typer.testing import CliRunner

from minsheng_cli import Notice
from minsheng_cli.cli import app
from minsheng_cli.notice.builder import parse_reading
from minsheng_cli.notice.readers import read_notice

runner = CliRunner()

# A table as rows of cells: LEFT continues the merged cell on its left, UP the one above.
LEFT = "<"
UP = "^"
Layout = list[list[str]]
TITLE = "北山市2021年民生实事项目"


def _spans(rows: Layout) -> list[tuple[int, int, int, int, str]]:
    """(row, column, height, width, text) for each cell that starts a merge or stands alone."""
    found = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text in (LEFT, UP):
                continue
            width = 1
            while c + width < len(row) and row[c + width] == LEFT:
                width += 1
            height = 1
            while r + height < len(rows) and rows[r + height][c] == UP:
                height += 1
            found.append((r, c, height, width, text))
    return found


def _docx(rows: Layout) -> bytes:
    document = Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, c, height, width, text in _spans(rows):
        cell = table.cell(r, c)
        if height > 1 or width > 1:
            cell = cell.merge(table.cell(r + height - 1, c + width - 1))
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _html(rows: Layout) -> bytes:
    lines = [f'<html><head><meta charset="utf-8"></head><body><p>{TITLE}</p><table>']
    starts = {(r, c): (h, w, t) for r, c, h, w, t in _spans(rows)}
    for r, row in enumerate(rows):
        cells = []
        for c in range(len(row)):
            if (r, c) in starts:
                height, width, text = starts[r, c]
                text = text.replace("\n", "<br>")
                cells.append(f'<td rowspan="{height}" colspan="{width}">{text}</td>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return ("\n".join(lines) + "</table></body></html>").encode()


def _xlsx(rows: Layout) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "分工表"
    sheet.cell(1, 1, TITLE)
    for r, c, height, width, text in _spans(rows):
        sheet.cell(r + 2, c + 1, text)
        if height > 1 or width > 1:
            sheet.merge_cells(
                start_row=r + 2, start_column=c + 1, end_row=r + 1 + height, end_column=c + width
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


WRITERS: dict[str, Callable[[Layout], bytes]] = {"docx": _docx, "html": _html, "xlsx": _xlsx}

SEPARATE_UNITS: Layout = [
    ["序号", "工作内容", "完成时限", "牵头单位", "配合单位"],
    ["1", "新建幼儿园3所", "9月底前", "区教育局", "区财政局、区住建局"],
    ["2", "改造老旧小区", "年底前", "区住建局", ""],
]

SECTION_ROWS: Layout = [
    ["序号", "工作内容", "完成时限", "责任单位"],
    ["一、就业增收（2项）", LEFT, LEFT, LEFT],
    ["1", "发放创业贷款", "6月底前", "区人社局"],
    ["2", "开展技能培训", "年底前", "区人社局"],
    ["（二）安居工程（2项）", LEFT, LEFT, LEFT],
    ["3", "改造棚户区", "10月底前", "区住建局"],
    ["第三部分 医疗保障", LEFT, LEFT, LEFT],
    ["4", "建设社区卫生服务中心", "年底前", "区卫健局\n区财政局"],
]

TWO_ROW_HEADER: Layout = [
    ["序号", "工作内容", "完成时限", "责任单位", LEFT],
    [UP, UP, UP, "牵头单位", "配合单位"],
    ["1", "新建公园2处", "8月底前", "区园林局", "区财政局"],
    ["2", "增设公交线路", "年底前", "区交通局", "区公安分局，区城管局"],
]

NO_DEADLINE: Layout = [
    ["序号", "项目名称", "主要内容", "分管领导", "牵头单位", "配合单位"],
    ["1", "幼儿园建设", "新建公办幼儿园2所", "张三", "区教育局", "区住建局"],
    ["2", "道路改造", "改造背街小巷10条", "李四", "区住建局", ""],
    ["3", "助餐服务", "建设老年助餐点5个", "张三", "区民政局", "各街道"],
]

CASES: list[tuple[str, Layout, list[str | None], list[list[str]], list[str | None]]] = [
    # name, table, categories, units, deadline dates
    (
        "separate-units",
        SEPARATE_UNITS,
        [None, None],
        [["区教育局", "区财政局", "区住建局"], ["区住建局"]],
        ["2021-09-30", "2021-12-31"],
    ),
    (
        "section-rows",
        SECTION_ROWS,
        ["就业增收", "就业增收", "安居工程", "医疗保障"],
        [["区人社局"], ["区人社局"], ["区住建局"], ["区卫健局", "区财政局"]],
        ["2021-06-30", "2021-12-31", "2021-10-31", "2021-12-31"],
    ),
    (
        "two-row-header",
        TWO_ROW_HEADER,
        [None, None],
        [["区园林局", "区财政局"], ["区交通局", "区公安分局", "区城管局"]],
        ["2021-08-31", "2021-12-31"],
    ),
    (
        "no-deadline",
        NO_DEADLINE,
        [None, None, None],
        [["区教育局", "区住建局"], ["区住建局"], ["区民政局", "各街道"]],
        [None, None, None],
    ),
]


def _parse(kind: str, rows: Layout) -> Notice:
    return parse_reading(read_notice(Path(f"n.{kind}"), WRITERS[kind](rows)))


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize(
    ("rows", "categories", "units", "dates"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_layout_gives_its_tasks(
    kind: str,
    rows: Layout,
    categories: list[str | None],
    units: list[list[str]],
    dates: list[str | None],
) -> None:
    notice = _parse(kind, rows)
    assert notice.meta.year == 2021
    assert [t.number for t in notice.tasks] == list(range(1, len(units) + 1))
    assert [t.category for t in notice.tasks] == categories
    assert [t.units for t in notice.tasks] == units
    assert [t.deadline.date and t.deadline.date.isoformat() for t in notice.tasks] == dates
    if rows is not NO_DEADLINE:  # its 项目名称 leads the content (below)
        assert [t.content for t in notice.tasks] == [row[1] for row in rows if row[0].isdigit()]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_section_rows_name_categories_with_their_counts(kind: str) -> None:
    notice = _parse(kind, SECTION_ROWS)
    assert notice.meta.category_counts == {"就业增收": 2, "安居工程": 2, "医疗保障": None}
    # 安居工程 says 2 and holds 1: checked as a merged column's count is.
    [problem] = [p for p in notice.problems if p.code == "count-mismatch"]
    assert problem.message == "类别“安居工程”标明2项，表中实有1项"
    assert not [p for p in notice.problems if p.code in {"stray-cell", "missing-category"}]


@pytest.mark.parametrize(
    ("section", "name"),
    [
        ("一、就业增收（5项）", "就业增收"),
        ("（二）安居工程", "安居工程"),
        ("(3)困难救助", "困难救助"),
        ("第三部分 医疗保障", "医疗保障"),
        ("十二、平安创建（1项）", "平安创建"),
        ("文化惠民", "文化惠民"),  # spans the table, so a section even without a numeral
    ],
)
def test_section_numeral_is_not_part_of_the_name(section: str, name: str) -> None:
    rows: Layout = [SECTION_ROWS[0], [section, LEFT, LEFT, LEFT], SECTION_ROWS[2]]
    [task] = _parse("html", rows).tasks
    assert task.category == name


def test_tasks_before_the_first_section_have_none() -> None:
    rows: Layout = [SECTION_ROWS[0], SECTION_ROWS[2], *SECTION_ROWS[4:6]]
    notice = _parse("docx", rows)
    assert [t.category for t in notice.tasks] == [None, "安居工程"]
    assert [p.code for p in notice.problems] == ["missing-category", "count-mismatch", "number-gap"]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_project_name_leads_the_content(kind: str) -> None:
    notice = _parse(kind, NO_DEADLINE)
    assert [t.content for t in notice.tasks] == [
        "幼儿园建设：新建公办幼儿园2所",
        "道路改造：改造背街小巷10条",
        "助餐服务：建设老年助餐点5个",
    ]
    assert [t.deadline.kind for t in notice.tasks] == ["unknown"] * 3


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("幼儿园建设", "新建2所", "幼儿园建设：新建2所"),
        ("幼儿园建设", "幼儿园建设2所", "幼儿园建设2所"),  # the content names it already
        ("幼儿园建设", "", "幼儿园建设"),
        ("", "新建2所", "新建2所"),
    ],
)
def test_project_name_beside_content(name: str, content: str, expected: str) -> None:
    rows: Layout = [NO_DEADLINE[0], ["1", name, content, "", "区教育局", ""]]
    [task] = _parse("html", rows).tasks
    assert task.content == expected


def test_project_name_alone_is_the_content() -> None:
    rows: Layout = [[row[0], row[1], row[4]] for row in NO_DEADLINE]
    notice = _parse("xlsx", rows)
    assert [t.content for t in notice.tasks] == ["幼儿园建设", "道路改造", "助餐服务"]


def test_validate_says_once_that_there_is_no_deadline(tmp_path: Path) -> None:
    path = tmp_path / "notice.docx"
    path.write_bytes(_docx(NO_DEADLINE))
    result = runner.invoke(app, ["validate", "--notice", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    problems = json.loads(result.stdout)
    # One warning for the table, none a task; the other says the table has no categories.
    assert [p["code"] for p in problems] == ["no-deadline-column", "missing-category"]
    assert problems[0]["message"] == "分工表没有“完成时限”列：3项事项都没有完成时限"


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_project_name_and_leader_are_fields(kind: str) -> None:
    notice = _parse(kind, NO_DEADLINE)
    assert [t.title for t in notice.tasks] == ["幼儿园建设", "道路改造", "助餐服务"]
    assert [t.leader for t in notice.tasks] == ["张三", "李四", "张三"]
    assert [t.leader for t in _parse(kind, SEPARATE_UNITS).tasks] == [None, None]


@pytest.mark.parametrize(
    ("kind", "position"), [("docx", "表1第5行"), ("html", "表1第5行"), ("xlsx", "分工表!A6")]
)
def test_problems_say_where_in_the_files_own_terms(kind: str, position: str) -> None:
    # 安居工程 says 2 and holds 1: the warning points at its section row.
    [problem] = [p for p in _parse(kind, SECTION_ROWS).problems if p.code == "count-mismatch"]
    assert problem.position == position


def test_validate_shows_the_position(tmp_path: Path) -> None:
    path = tmp_path / "notice.xlsx"
    path.write_bytes(_xlsx(SECTION_ROWS))
    result = runner.invoke(app, ["validate", "--notice", str(path), "--format", "csv"])
    assert "分工表!A6" in result.stdout
    table = runner.invoke(app, ["validate", "--notice", str(path)], terminal_width=120)
    assert "分工表!A6" in table.stdout


# One table per category, each titled in a paragraph above it.
PER_CATEGORY = [
    ("一、就业增收（2项）", [SECTION_ROWS[0], SECTION_ROWS[2], SECTION_ROWS[3]]),
    ("二、安居工程", [SECTION_ROWS[0], SECTION_ROWS[5]]),
    ("（三）医疗保障（1项）", [SECTION_ROWS[0], SECTION_ROWS[7]]),
]


def _per_category_docx(parts: list[tuple[str, Layout]]) -> bytes:
    document = Document()
    document.add_paragraph(TITLE)
    for title, rows in parts:
        document.add_paragraph(title)
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _per_category_html(parts: list[tuple[str, Layout]]) -> bytes:
    html = [f'<html><head><meta charset="gbk"></head><body><h2>{TITLE}</h2>']
    for title, rows in parts:
        html.append(f"<h3>{title}</h3><table>")
        cells = ("".join(f"<td>{c.replace(chr(10), '<br>')}</td>" for c in row) for row in rows)
        html += [f"<tr>{row}</tr>" for row in cells]
        html.append("</table>")
    return ("\n".join(html) + "</body></html>").encode("gbk")


@pytest.mark.parametrize(
    ("kind", "write"), [("docx", _per_category_docx), ("html", _per_category_html)]
)
def test_one_table_per_category(kind: str, write: Callable[[Any], bytes]) -> None:
    notice = parse_reading(read_notice(Path(f"n.{kind}"), write(PER_CATEGORY)))
    assert [t.number for t in notice.tasks] == [1, 2, 3, 4]
    assert [t.category for t in notice.tasks] == ["就业增收", "就业增收", "安居工程", "医疗保障"]
    assert [t.position for t in notice.tasks] == ["表1第2行", "表1第3行", "表2第2行", "表3第2行"]
    assert [t.units for t in notice.tasks][-1] == ["区卫健局", "区财政局"]
    assert notice.meta.category_counts == {"就业增收": 2, "安居工程": None, "医疗保障": 1}
    assert notice.meta.year == 2021
    assert notice.meta.attachment_title == TITLE
    assert not [p for p in notice.problems if p.code != "count-mismatch"], notice.problems
    # Each task quotes its own row, whichever table it is in.
    assert [notice.source_excerpt(t)[0][1].split("\t")[1] for t in notice.tasks] == [
        "1", "2", "3", "4"
    ]  # fmt: skip


def test_a_title_names_no_category_when_a_table_has_a_column() -> None:
    with_column: Layout = [["序号", "类别", "工作内容", "完成时限", "责任单位"]]
    with_column.append(["1", "文化惠民", "建设农家书屋", "年底前", "区文旅局"])
    parts = [*PER_CATEGORY[:1], ("二、其他", with_column)]
    notice = parse_reading(read_notice(Path("n.docx"), _per_category_docx(parts)))
    assert [t.category for t in notice.tasks] == [None, None, "文化惠民"]


def test_a_table_without_a_title_leaves_its_tasks_uncategorised() -> None:
    parts = [PER_CATEGORY[0], ("", PER_CATEGORY[1][1])]
    notice = parse_reading(read_notice(Path("n.html"), _per_category_html(parts)))
    assert [t.category for t in notice.tasks] == ["就业增收", "就业增收", None]


# The columns in another order, and one 序号 holding two sub-items under one unit.
SUB_ITEMS: Layout = [
    ["序号", "民生实事", "责任单位", "完成时限"],
    ["1", "新建第二幼儿园", "区教育局", "5月底前开工"],
    [UP, "新建城南小学，设12个班", UP, "12月底前建成"],
    ["2", "改造农村公路50公里", "区交通局", "10月底前"],
]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_one_number_with_two_sub_items(kind: str) -> None:
    notice = _parse(kind, SUB_ITEMS)
    first, second = notice.tasks
    assert first.content == "新建第二幼儿园；新建城南小学，设12个班"
    assert first.units == ["区教育局"]
    assert first.deadline.date is not None and first.deadline.date.isoformat() == "2021-12-31"
    assert first.deadline.kind == "month"
    assert [(m.text, m.date and m.date.isoformat()) for m in first.deadline.milestones] == [
        ("新建第二幼儿园：5月底前开工", "2021-05-31"),
        ("新建城南小学：12月底前建成", "2021-12-31"),
    ]
    assert (second.content, second.deadline.milestones) == ("改造农村公路50公里", [])
    assert (first.deadline.text, first.deadline.note) == ("5月底前开工；12月底前建成", "建成")


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_row_that_only_wraps_the_content_is_no_sub_item(kind: str) -> None:
    rows: Layout = [SUB_ITEMS[0], ["1", "新建第二幼儿园", "区教育局", "12月底前"]]
    rows.append([UP, "及配套道路", UP, UP])
    [task] = _parse(kind, rows).tasks
    assert task.content == "新建第二幼儿园及配套道路"
    assert task.deadline.milestones == []


MILESTONES: Layout = [
    ["序号", "工作内容", "完成时限", "责任单位"],
    ["1", "建设市民健身中心", "6月底前完成招标，10月底前竣工", "区体育局"],
]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_milestones_in_one_deadline_cell(kind: str) -> None:
    [task] = _parse(kind, MILESTONES).tasks
    assert [(m.text, m.date and m.date.isoformat()) for m in task.deadline.milestones] == [
        ("6月底前完成招标", "2021-06-30"),
        ("10月底前竣工", "2021-10-31"),
    ]
    assert task.deadline.date is not None and task.deadline.date.isoformat() == "2021-10-31"
