from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minsheng_cli import Notice
from minsheng_cli.cli import app

from .conftest import DATA, ROOT
from .test_recipients import CHUANYING, THROUGH_COUNTIES

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


# Units as real recipients. The numbers are those of tests/test_recipients.py, checked
# by hand against the notice: 36 tasks name 各县（市）区 and 20 name 各城区.

RECIPIENT_ROLES = [
    (["--unit", "船营区"], 1, "配合（各县（市）区）"),
    (["--unit", "船营区"], 5, "配合（各城区）"),
    (["--unit", "船营区"], 49, "牵头（各县（市）区）"),
    (["--unit", "丰满区"], 55, "配合"),
    (["--unit", "丰满区政府"], 55, "配合"),
    (["--unit", "市中心医院"], 16, "配合（市直三所医院）"),
    (["--unit", "高新区"], 1, "配合（开发区）"),
    (["--unit", "各县（市）区"], 49, "牵头"),
]


def _roles(args: list[str]) -> dict[int, str]:
    result = runner.invoke(app, ["list", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][-1] == "本单位职责"
    return {int(row[0]): row[-1] for row in rows[1:]}


@pytest.mark.parametrize(("args", "number", "role"), RECIPIENT_ROLES)
def test_recipient_role_column(args: list[str], number: int, role: str) -> None:
    assert _roles(args)[number] == role


RECIPIENT_LISTS = [
    (["--unit", "船营区"], CHUANYING),
    (["--unit", "丰满区"], sorted([*CHUANYING, 55])),
    (["--unit", "丰满区政府"], sorted([*CHUANYING, 55])),
    (["--unit", "丰满区人民政府"], sorted([*CHUANYING, 55])),
    (["--unit", "市中心医院"], [16]),
    (["--unit", "各县（市）区"], THROUGH_COUNTIES),
    (["--unit", "船营区", "--lead"], [49, 69]),
    (
        ["--unit", "市民政局", "--unit", "市人社局"],
        sorted(set(MINZHENG) | {1, 2, 3, 4, 9, 10, 11, 27, 31, 36}),
    ),
    (["--unit", "市民政局", "--unit", "民政局"], MINZHENG),
    (
        ["--unit", "市民政局", "--unit", "市人社局", "--lead"],
        [1, 2, 3, 4, 9, 10, 11, 18, 19, 20, 21, 22, 23, 24, 25, 29, 68, 70, 71],
    ),
]


@pytest.mark.parametrize(("args", "numbers"), RECIPIENT_LISTS)
def test_recipient_listing(args: list[str], numbers: list[int]) -> None:
    assert _numbers(["list", *args]) == numbers


def test_union_of_two_units_lists_each_task_once() -> None:
    both = _numbers(["list", "--unit", "市民政局", "--unit", "市人社局"])
    assert len(both) == len(set(both))
    assert set(both) == set(_numbers(["list", "--unit", "市民政局"])) | set(
        _numbers(["list", "--unit", "市人社局"])
    )


def test_json_records_carry_recipients() -> None:
    result = runner.invoke(app, ["show", "16", "--format", "json"])
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)
    assert record["recipients"] == [
        {"name": "市卫计委", "role": "牵头", "via": None},
        {"name": "市中心医院", "role": "配合", "via": "市直三所医院"},
        {"name": "市人民医院", "role": "配合", "via": "市直三所医院"},
        {"name": "市中西医结合医院", "role": "配合", "via": "市直三所医院"},
    ]


def test_units_lists_groups_with_members() -> None:
    result = runner.invoke(app, ["units", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["unit"]: row for row in json.loads(result.stdout)}
    assert rows["各城区"]["members"] == ["昌邑区", "龙潭区", "船营区", "丰满区"]
    assert rows["市民政局"]["members"] is None
    assert len(rows) == 45


def test_units_recipients_counts_every_task_once_per_recipient(notice: Notice) -> None:
    result = runner.invoke(app, ["units", "--recipients", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["recipient"]: row for row in json.loads(result.stdout)}
    assert len(rows) == 54  # 40 units named directly, less 丰满区政府 (丰满区), plus 15 members
    assert "各县（市）区" not in rows and "丰满区政府" not in rows
    assert rows["船营区"] == {"recipient": "船营区", "lead": 2, "supporting": 54, "total": 56}
    assert rows["丰满区"]["total"] == 57
    assert rows["市中心医院"] == {"recipient": "市中心医院", "lead": 0, "supporting": 1, "total": 1}
    # Against the table itself: each task counts once under each of its recipients.
    for name, row in rows.items():
        tasks = [t for t in notice.tasks if any(r.name == name for r in t.recipients)]
        assert row["total"] == len(tasks), name
    assert sum(row["lead"] for row in rows.values()) == sum(
        len(notice.recipient_table.groups.get(t.units[0], [t.units[0]])) for t in notice.tasks
    )


OVERLAY_CASES = [
    ('[recipients.groups]\n"开发区" = ["高新区", "北大湖开发区"]\n', 0, "", 31),
    (
        '[recipients.groups]\n"开发区" = ["高新区"]\n"各乡镇" = ["一镇"]\n',
        0,
        "minsheng.toml:3：通知的责任单位中没有统称“各乡镇”",
        0,
    ),
    (
        '[recipients.groups]\n"开发区" = ["高新区",\n  "高新区"]\n',
        1,
        "minsheng.toml:3：统称“开发区”中“高新区”出现了两次",
        0,
    ),
    ("[correction]\n", 1, "minsheng.toml:1：不认识的部分 [correction]", 0),
    ("[corrections]\n", 1, "minsheng.toml:1：corrections 应写成 [[corrections]] 表数组", 0),
]


@pytest.mark.parametrize(("text", "code", "message", "zone_tasks"), OVERLAY_CASES)
def test_overlay_beside_the_notice(
    tmp_path: Path, text: str, code: int, message: str, zone_tasks: int
) -> None:
    notice = tmp_path / "通知.txt"
    notice.write_bytes((ROOT / "data" / "notice.txt").read_bytes())
    (tmp_path / "minsheng.toml").write_text(text, encoding="utf-8")
    args = ["list", "--unit", "北大湖开发区", "--notice", str(notice), "--format", "json"]
    result = runner.invoke(app, args)
    assert message in (result.stderr if code else _validate(notice))
    if code == 0 and zone_tasks:
        assert result.exit_code == 0, result.output
        assert len(json.loads(result.stdout)) == zone_tasks
    elif code:
        assert result.exit_code == code
        assert "Traceback" not in result.output


def _validate(notice: Path) -> str:
    result = runner.invoke(app, ["validate", "--notice", str(notice), "--format", "json"])
    return "\n".join(problem["message"] for problem in json.loads(result.stdout))


def test_overlay_option_applies_to_the_bundled_notice(tmp_path: Path) -> None:
    overlay = tmp_path / "补充.toml"
    overlay.write_text('[recipients.groups]\n"各城区" = ["昌邑区", "船营区"]\n', encoding="utf-8")
    with_it = _numbers(["list", "--unit", "龙潭区", "--overlay", str(overlay)])
    assert with_it == sorted(THROUGH_COUNTIES)  # no longer reached through 各城区
    assert len(_numbers(["list", "--unit", "龙潭区"])) == 56


def test_overlay_changes_are_never_served_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MINSHENG_NO_CACHE")
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(tmp_path / "cache"))
    notice = tmp_path / "通知.txt"
    notice.write_bytes((ROOT / "data" / "notice.txt").read_bytes())
    overlay = tmp_path / "minsheng.toml"
    args = ["list", "--unit", "北大湖开发区", "--notice", str(notice)]
    overlay.write_text('[recipients.groups]\n"开发区" = ["北大湖开发区"]\n', encoding="utf-8")
    assert len(_numbers(args)) == 31
    overlay.write_text('[recipients.groups]\n"各城区" = ["北大湖开发区"]\n', encoding="utf-8")
    assert len(_numbers(args)) == 20
    overlay.unlink()
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "通知中没有责任单位“北大湖开发区”" in result.stderr


def test_another_city_keeps_groups_and_says_so_once(tmp_path: Path) -> None:
    text = (ROOT / "data" / "notice.txt").read_text(encoding="utf-8")
    notice = tmp_path / "other.txt"
    notice.write_text(
        text.replace("吉林市人民政府办公厅", "某某市人民政府办公厅", 1), encoding="utf-8"
    )
    result = runner.invoke(app, ["list", "--unit", "船营区", "--notice", str(notice)])
    assert result.exit_code == 1
    result = runner.invoke(app, ["list", "--unit", "各城区", "--notice", str(notice), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("统称未展开") == 1
    assert "配合" in result.stdout


@pytest.mark.parametrize("option", ["--unit", "--search", "--overlay"])
def test_empty_option_is_a_usage_error(option: str) -> None:
    result = runner.invoke(app, ["list", option, ""])
    assert result.exit_code == 2
    assert f"{option} 不能为空" in result.output


ONLY_INVOKED = [
    (["list", "--unit", "市民政局"], ["list"]),
    (["export", "-f", "csv"], ["export"]),
    (["--help"], None),
    ([], None),
    (["lst"], None),
    (["-h", "list"], None),
]


@pytest.mark.parametrize(("argv", "kept"), ONLY_INVOKED)
def test_only_the_invoked_command_is_built(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], kept: list[str] | None
) -> None:
    from minsheng_cli.cli.app import _command_name, only_invoked

    everything = list(app.registered_commands)
    monkeypatch.setattr(app, "registered_commands", everything)
    only_invoked(argv)
    names = [_command_name(c) for c in app.registered_commands]
    assert names == (kept if kept is not None else [_command_name(c) for c in everything])
    assert len(everything) == 10


def test_the_console_script_runs_one_command(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "MINSHENG_NO_CACHE": "1", "COLUMNS": "100"}
    command = [sys.executable, "-m", "minsheng_cli", "list", "-u", "市民政局", "-f", "json"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 15
