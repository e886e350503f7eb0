"""A web page's text as a browser copies it: one cell per line, no tabs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minsheng_cli import load_notice
from minsheng_cli.cli import app
from minsheng_cli.notice.loader import parse_notice
from minsheng_cli.notice.source import SourceText

from .conftest import DATA

runner = CliRunner()
PAGE = DATA / "web_copy_2016.txt"


def _parse(text: str) -> list[tuple[int, str, list[str], str]]:
    notice = parse_notice(SourceText(path="n.txt", lines=text.split("\n"), encoding="utf-8"))
    return [(t.number, t.content, t.units, t.deadline.text) for t in notice.tasks]


def test_the_county_page_gives_its_tasks() -> None:
    notice = load_notice(PAGE)
    assert notice.meta.document_number == "竹府办〔2016〕20号"
    assert notice.meta.issuer == "大竹县人民政府办公室"
    assert notice.meta.title == "关于印发《大竹县2016年十件民生实事工作方案》的通知"
    assert notice.meta.addressees == ["各乡镇人民政府", "县级各部门"]
    assert notice.meta.attachment_title == "大竹县2016年十件民生实事责任分解表"
    assert [(t.number, t.content, t.units, t.deadline.date) for t in notice.tasks] == [
        (
            1,
            "新建县城第二幼儿园，设12个班；新建城南小学，可容纳学生2000人",
            ["县教科局"],
            dt.date(2016, 12, 31),
        ),
        (2, "改造农村公路200公里", ["县交通运输局", "县财政局"], dt.date(2016, 10, 31)),
        (3, "新建城市社区卫生服务中心2个", ["县卫计局"], dt.date(2016, 11, 30)),
        (4, "建设县残疾人康复中心", ["县残联", "县住建局"], dt.date(2016, 12, 31)),
    ]
    first = notice.tasks[0]
    assert [(m.text, m.date) for m in first.deadline.milestones] == [
        ("新建县城第二幼儿园：5月底前开工", dt.date(2016, 5, 31)),
        ("新建城南小学：12月底前建成", dt.date(2016, 12, 31)),
    ]
    assert [t.category for t in notice.tasks] == [None] * 4
    assert [t.position for t in notice.tasks] == ["第29行", "第41行", "第49行", "第57行"]
    # The page's own lines after the table are no part of task 4.
    assert notice.tasks[3].lines.end == 65


HEAD = "序号\n\n工作内容\n\n完成时限\n\n责任单位\n\n"

CASES = [
    (
        "the seed's column order",
        HEAD
        + "1\n\n发放创业贷款1亿元\n\n6月底前\n\n市人社局\n\n2\n\n改造棚户区\n\n年底前\n\n市住建局",
        [
            (1, "发放创业贷款1亿元", ["市人社局"], "6月底前"),
            (2, "改造棚户区", ["市住建局"], "年底前"),
        ],
    ),
    (
        "no blank lines, content over two lines",
        "序号\n工作内容\n完成时限\n责任单位\n1\n新建公园2处，\n改造游园5处\n8月底前\n市园林局",
        [(1, "新建公园2处，改造游园5处", ["市园林局"], "8月底前")],
    ),
    (
        "units on several lines",
        HEAD + "1\n\n建设养老院\n\n年底前\n\n市民政局\n\n市财政局",
        [(1, "建设养老院", ["市民政局", "市财政局"], "年底前")],
    ),
    (
        "content that ends as a unit does, right after its number",
        HEAD + "1\n\n建设市残疾人康复中心\n\n年底前\n\n市残联",
        [(1, "建设市残疾人康复中心", ["市残联"], "年底前")],
    ),
    (
        "the deadline first: a deadline after content starts a sub-item",
        "序号\n完成时限\n工作内容\n责任单位\n1\n5月底前\n开工建设体育馆\n市体育局\n10月底前\n建成游泳馆",
        [(1, "开工建设体育馆；建成游泳馆", ["市体育局"], "5月底前；10月底前")],
    ),
    (
        "the page's own lines end the table",
        HEAD + "1\n\n改造棚户区\n\n年底前\n\n市住建局\n\n分享到：\n\n微信\n\n上一篇：关于……",
        [(1, "改造棚户区", ["市住建局"], "年底前")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_lines_are_told_apart(text: str, expected: list[tuple[int, str, list[str], str]]) -> None:
    assert _parse(text) == expected


def test_cli_reads_the_page(tmp_path: Path) -> None:
    result = runner.invoke(app, ["list", "--notice", str(PAGE), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["units"] for r in json.loads(result.stdout)][1] == ["县交通运输局", "县财政局"]
    shown = runner.invoke(app, ["show", "1", "--notice", str(PAGE)], terminal_width=120)
    assert "新建城南小学：12月底前建成" in shown.stdout


def test_a_page_without_the_header_still_says_no_table(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("来源：县政府办\n\n分享到：\n", encoding="utf-8")
    result = runner.invoke(app, ["list", "--notice", str(path)])
    assert result.exit_code == 1
    assert "没有找到分工表" in result.output and str(path) in result.output
