from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minsheng_cli.cli import app

from .conftest import DATA

runner = CliRunner()

MINZHENG = [18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 29, 31, 68, 70, 71]


def _numbers(args: list[str]) -> list[int]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return [record["number"] for record in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("args", "numbers"),
    [
        (["list", "--unit", "市民政局"], MINZHENG),
        (["list", "--unit", "民政局"], MINZHENG),
        (["list", "--unit", "市执法局"], [5, 48, 62, 63, 65, 66]),
        (["list", "--category", "医疗保障"], list(range(8, 18))),
        (["list", "--category", "未标注"], list(range(62, 81))),
        (["due", "--month", "10"], [18, 29, 37, 39, 43, 48, 49, 56, 66, 79, 80]),
        (["due", "--quarter", "1"], [5, 9, 10]),
        (["due", "--before", "2015-06-30"], [5, 9, 10, 11, 34]),
        (["list", "--unit", "市民政局", "--lead", "--month", "10"], [18, 29]),
        (["list", "--search", "不存在"], []),
    ],
)
def test_listing_commands(args: list[str], numbers: list[int]) -> None:
    assert _numbers(args) == numbers


def test_env_variable_selects_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINSHENG_NOTICE", str(DATA / "good_2016.txt"))
    result = runner.invoke(app, ["info", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["year"] == 2016


def test_table_output_is_plain_text() -> None:
    result = runner.invoke(app, ["list", "--unit", "市民政局"])
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output
    assert "共 15 项" in result.stdout
    assert "提示：通知有 2 个警告" in result.stderr


def test_csv_output() -> None:
    result = runner.invoke(app, ["list", "--category", "安居工程", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "序号,类别,工作内容,完成时限,截止日期,牵头单位,配合单位,全部责任单位"
    assert lines[1].startswith("6,安居工程,")
    assert len(lines) == 3


@pytest.mark.parametrize(
    ("command", "fragments"),
    [
        (["show", "62"], ["（未标注类别）", "558", "市商务局", "年底前（截止 2015-12-31"]),
        (["show", "17"], ["说明：三年工程", "第 181–186 行"]),
        (["stats"], ["按类别", "按截止月份", "2015-10", "按责任单位", "共 45 个责任单位"]),
        (["units"], ["市城管执法局", "共 45 个责任单位"]),
        (["categories"], ["医疗保障", "（未标注类别）", "共 80 项"]),
        (["info"], ["吉市政办发〔2015〕3号", "吉林市人民政府办公厅", "10个方面80项"]),
        (["validate"], ["第558行", "第62–80项", "正文说共10个方面"]),
    ],
)
def test_table_views(command: list[str], fragments: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    for fragment in fragments:
        assert fragment in result.stdout


def test_categories_json_matches_declared_counts() -> None:
    result = runner.invoke(app, ["categories", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    named = [row for row in rows if row["category"] is not None]
    assert len(named) == 9
    assert all(row["count"] == row["declared"] for row in named)
    assert rows[-1] == {"category": None, "count": 19, "declared": None}


ERRORS = [
    (
        ["list", "--unit", "市民证局"],
        1,
        "错误：通知中没有责任单位“市民证局”\n您是不是要找：市民政局？\n",
    ),
    (["list", "--category", "医疗"], 1, "错误：通知中没有类别“医疗”\n"),
    (["show", "99"], 1, "错误：通知中没有第99项（共80项）\n"),
    (["list", "--notice", "missing.txt"], 1, "错误：missing.txt：找不到该文件\n"),
    (["list", "--notice", str(DATA)], 1, f"错误：{DATA}：这是一个文件夹，不是通知文件\n"),
    (["list", "--notice", str(DATA / "bad_binary.bin")], 1, "看起来是二进制文件而不是文本"),
    (["list", "--notice", str(DATA / "bad_empty.txt")], 1, "文件是空的"),
    (["list", "--notice", str(DATA / "bad_no_table.txt")], 1, "没有找到分工表"),
    (["list", "--month", "13"], 2, "月份应在 1–12 之间，收到 13"),
    (["list", "--quarter", "5"], 2, "季度应在 1–4 之间，收到 5"),
    (["due", "--before", "2015/10/31"], 2, "日期应写成 YYYY-MM-DD"),
    (["list", "--lead"], 2, "--lead 须与 --unit 一起使用"),
    (["list", "--format", "xml"], 2, "xml"),
]


@pytest.mark.parametrize(("args", "code", "message"), ERRORS)
def test_errors(args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("notice", "args", "code"),
    [
        (None, [], 0),
        (None, ["--strict"], 1),
        (DATA / "bad_empty.txt", [], 1),
        (DATA / "warn_unknown_deadline.txt", [], 0),
    ],
)
def test_validate_exit_codes(notice: Path | None, args: list[str], code: int) -> None:
    extra = ["--notice", str(notice)] if notice else []
    result = runner.invoke(app, ["validate", *args, *extra])
    assert result.exit_code == code, result.output


def test_validate_json_lists_lines() -> None:
    result = runner.invoke(
        app, ["validate", "--format", "json", "--notice", str(DATA / "warn_unknown_deadline.txt")]
    )
    problems = json.loads(result.stdout)
    assert {
        "severity": "warning",
        "code": "unknown-deadline",
        "line": 328,
        "task": 34,
    }.items() <= next(p for p in problems if p["code"] == "unknown-deadline").items()


def test_help_is_chinese() -> None:
    result = runner.invoke(app, ["list", "--help"])
    assert result.exit_code == 0
    assert "列出事项" in result.output
    assert "minsheng list --unit 市民政局" in result.output
