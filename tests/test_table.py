from __future__ import annotations

import pytest

from minsheng_cli.notice.table import find_cells, find_table

HEADER = [
    "\t序号",
    "\t类别",
    "\t工\xa0\xa0作\xa0\xa0内\xa0\xa0容",
    "\t完成",
    "时限",
    "\t责任单位",
    "",
]


def test_cells_start_at_a_tab_and_run_on() -> None:
    cells = find_cells(["preamble", "\ta", "b", " \tc", "\t", "d"])
    assert [(c.line, c.lines) for c in cells] == [(2, ["a", "b"]), (4, ["c"]), (5, ["", "d"])]


def test_tabs_inside_a_line_open_more_cells() -> None:
    assert [c.lines for c in find_cells(["\ta\tb"])] == [["a"], ["b"]]


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        (HEADER, ["number", "category", "content", "deadline", "units"]),
        (
            ["\t序号", "\t工作任务", "\t责任单位", "\t完成时间"],
            ["number", "content", "units", "deadline"],
        ),
    ],
)
def test_columns_are_found_by_name(header: list[str], columns: list[str]) -> None:
    table = find_table([*header, "\t1", "\t内容", "\t11月", "\t市民政局"])
    assert table is not None
    assert table.columns == columns


def test_no_header_means_no_table() -> None:
    assert find_table(["\t1", "\t内容"]) is None


def test_text_after_the_table_is_cut_off() -> None:
    lines = [
        *HEADER,
        "\t1",
        "\t",
        "\t内容",
        "\t11月",
        "\t市民政局",
        "开发区",
        "",
        "抄送：市委办公厅",
    ]
    table = find_table(lines)
    assert table is not None
    assert table.rows[-1].cells[-1].parts == ["市民政局", "开发区"]
    assert table.trailing_line == len(lines)


def test_leading_blank_line_in_last_cell_is_kept() -> None:
    lines = [*HEADER, "\t1", "\t", "\t内容", "\t全年", "\t", "市卫计委"]
    table = find_table(lines)
    assert table is not None
    assert table.rows[-1].cells[-1].parts == ["市卫计委"]
    assert table.trailing_line is None
