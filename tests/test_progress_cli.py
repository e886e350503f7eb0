"""The `progress` commands: set, show, list, backup and check, through the command line."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from minsheng_cli.cli import app
from minsheng_cli.ledger.store import PAUSE_ENV, SCHEMA_VERSION

from .conftest import ROOT

runner = CliRunner()
AS_OF = ["--as-of", "2015-06-30"]
SUBCOMMANDS = ["set", "show", "list", "backup", "check"]


@pytest.fixture(scope="module")
def _ledger_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def _ledger_parse_once(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINSHENG_NO_CACHE", raising=False)
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(cache))


@pytest.fixture(autouse=True)
def _ledger_cached(_ledger_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the ledger: let the notice cache spare them a parse per command."""
    _ledger_parse_once(_ledger_cache, monkeypatch)


def _ledger_run(args: list[str], db: Path | None = None, **kw: Any) -> Result:
    extra = ["--db", str(db)] if db is not None else []
    result = runner.invoke(app, ["progress", *args, *extra], **kw)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _ledger_ok(args: list[str], db: Path | None = None, **kw: Any) -> Result:
    result = _ledger_run(args, db, **kw)
    assert result.exit_code == 0, result.output
    return result


def _ledger_json(args: list[str], db: Path) -> dict[int, dict[str, Any]]:
    result = _ledger_ok([*args, "--format", "json"], db)
    return {record["number"]: record for record in json.loads(result.stdout)}


def _ledger_set(db: Path | None, number: int, *args: str, date: str = "2015-06-30") -> Result:
    return _ledger_ok(["set", str(number), *args, "--date", date], db)


def _ledger_dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_ledger_the_issue_walkthrough_by_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40")
    _ledger_set(db, 19, "--status", "推进中", "--percent", "50")
    mine = _ledger_json(["list", "--unit", "市民政局", *AS_OF], db)
    assert mine[19]["schedule"] == {
        "expected_percent": 49.5,
        "behind_by": -0.5,
        "light": "green",
        "reported": True,
    }
    assert mine[18]["schedule"]["expected_percent"] == 59.4
    assert mine[18]["schedule"]["light"] == "yellow"
    assert mine[18]["progress"]["unit"] == "市民政局" and mine[18]["progress"]["source"] == "cli"
    assert mine[20]["progress"] is None and mine[20]["schedule"]["reported"] is False
    _ledger_set(db, 18, "--status", "推进中", "--percent", "20")
    assert (
        _ledger_json(["list", "--unit", "市民政局", *AS_OF], db)[18]["schedule"]["light"] == "red"
    )
    everything = _ledger_json(["list", *AS_OF], db)
    assert len(everything) == 80
    assert everything[5]["lead_unit"] == "市城管执法局"
    assert everything[5]["schedule"]["light"] == "overdue"


def test_ledger_list_table_shows_the_columns_and_counts_each_light(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40")
    _ledger_set(db, 19, "--status", "推进中", "--percent", "50")
    _ledger_set(db, 20, "--status", "已完成")
    result = _ledger_ok(["list", "--unit", "市民政局", "--lead", *AS_OF], db)
    header = result.stdout.splitlines()[1]
    for column in ["序号", "工作内容", "牵头单位", "截止日期", "状态", "进度", "序时进度", "灯"]:
        assert column in header
    assert re.search(r"18 .*市民政局 .*2015-10-31 .*推进中 .*40% .*59\.4% .*黄灯", result.stdout)
    assert "共 12 项：已完成 1，红灯 9，黄灯 1，绿灯 1；未报送 9 项（按 0% 计）" in result.stdout


LIGHT_FILTERS = [
    (["--light", "yellow"], [18]),
    (["--light", "黄灯"], [18]),
    (["--light", "绿灯", "--light", "yellow"], [18, 19]),
    (["--light", "已完成"], []),
    (["--yellow", "20"], [19, 18]),  # 19.4 behind is green with --yellow 20
    (["--red", "15", "--yellow", "5", "--light", "red", "--month", "10"], [18, 29]),
]


@pytest.fixture(scope="module")
def _ledger_18_and_19(tmp_path_factory: pytest.TempPathFactory, _ledger_cache: Path) -> Path:
    """A ledger where 市民政局 reported 18 at 40% and 19 at 50% for 2015-06-30."""
    db = tmp_path_factory.mktemp("ledger") / "ledger.sqlite3"
    with pytest.MonkeyPatch.context() as monkeypatch:
        _ledger_parse_once(_ledger_cache, monkeypatch)
        _ledger_set(db, 18, "--status", "推进中", "--percent", "40")
        _ledger_set(db, 19, "--status", "推进中", "--percent", "50")
    return db


@pytest.mark.parametrize(("args", "numbers"), LIGHT_FILTERS)
def test_ledger_list_by_light_and_thresholds(
    _ledger_18_and_19: Path, args: list[str], numbers: list[int]
) -> None:
    chosen = ["--unit", "市民政局", *AS_OF, *args]
    if "--light" not in args:
        chosen += ["--light", "green"]
    found = _ledger_json(["list", *chosen], _ledger_18_and_19)
    assert sorted(found) == sorted(numbers)


def test_ledger_as_of_leaves_out_later_reports_and_start_moves_the_schedule(
    tmp_path: Path,
) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40", date="2015-06-30")
    early = _ledger_json(["list", "--unit", "市民政局", "--as-of", "2015-06-29"], db)
    assert early[18]["progress"] is None
    started = _ledger_json(["list", "--unit", "市民政局", *AS_OF, "--start", "2015-04-01"], db)
    assert started[18]["schedule"]["expected_percent"] == 42.3


def test_ledger_group_led_task_needs_a_member_and_combines_them(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    refused = _ledger_run(["set", "49", "--status", "推进中", "--percent", "50"], db)
    assert refused.exit_code == 1
    assert "错误：第49项由“各县（市）区”牵头，须用 --unit 指明由其中哪个单位填报" in refused.stderr
    assert not db.exists()
    _ledger_set(db, 49, "--unit", "船营区", "--status", "已完成")
    _ledger_set(db, 49, "--unit", "丰满区政府", "--status", "推进中", "--percent", "50")
    record = _ledger_json(["list", "--unit", "船营区", *AS_OF], db)[49]
    progress = record["progress"]
    assert (progress["status"], progress["percent"], progress["unit"]) == (
        "推进中",
        16.7,
        "各县（市）区",
    )
    members = {m["unit"]: m["progress"] for m in progress["members"]}
    assert members["船营区"]["status"] == "已完成" and members["丰满区"]["percent"] == 50
    assert members["永吉县"] is None
    assert record["schedule"]["light"] == "red"


# (arguments of set, exit code, message on stderr)
SET_ERRORS = [
    (
        ["18", "--status", "推进中", "--unit", "市人社局", "--percent", "5"],
        1,
        "“市人社局”不是第18项的责任单位",
    ),
    (
        ["49", "--status", "推进中", "--unit", "各县（市）区", "--percent", "5"],
        1,
        "是统称，不能代成员填报",
    ),
    (
        ["18", "--status", "推进中", "--unit", "市民证局", "--percent", "5"],
        1,
        "通知中没有责任单位“市民证局”",
    ),
    (["99", "--status", "推进中", "--percent", "5"], 1, "通知中没有第99项（共80项）"),
    (["18", "--status", "已完成", "--percent", "60"], 1, "状态为已完成，完成进度却是 60%"),
    (["18", "--status", "未启动", "--percent", "20"], 1, "状态为未启动，完成进度却是 20%"),
    (["18", "--status", "推进中"], 1, "状态为推进中，须填写完成进度"),
    (["18", "--status", "推进中", "--percent", "5", "--date", "2999-01-01"], 1, "晚于今天"),
    (["18", "--status", "推进中", "--percent", "120"], 2, "完成进度应是 0 到 100 的整数，收到 120"),
    (["18", "--status", "推进中", "--percent", "5", "--date", "6月30日"], 2, "--date 的日期应写成"),
    (["18", "--status", "做完了"], 2, "做完了"),
    (["18", "--percent", "5"], 2, "--status"),
]


@pytest.mark.parametrize(("args", "code", "message"), SET_ERRORS)
def test_ledger_set_refuses_with_a_chinese_message(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    db = tmp_path / "ledger.sqlite3"
    result = _ledger_run(["set", *args], db)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    if code == 1:
        assert result.stderr.startswith("错误：") or "\n错误：" in result.stderr
    assert not db.exists()


def test_ledger_set_twice_adds_nothing_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    first = _ledger_set(db, 18, "--status", "推进中", "--percent", "40", "--note", "已摸底")
    assert "已记入台账：第18项 市民政局 推进中 40%（填报日期 2015-06-30）" in first.stdout
    again = _ledger_set(db, 18, "--status", "推进中", "--percent", "40", "--note", "已摸底")
    assert "未重复记录" in again.stdout
    supporting = _ledger_set(db, 18, "--status", "推进中", "--percent", "30", "--unit", "船营区")
    assert "船营区" in supporting.stdout
    history = json.loads(_ledger_ok(["show", "18", *AS_OF, "--format", "json"], db).stdout)
    assert [(r["unit"], r["percent"]) for r in history["history"]] == [
        ("市民政局", 40),
        ("船营区", 30),
    ]
    assert history["supporting"][0]["unit"] == "船营区"


def test_ledger_show_lists_the_history_with_sources_markup_safe(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    note = "[bold red]不是标记[/bold red]\x1b]0;title\x07"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40", "--note", note)
    result = _ledger_ok(["show", "18", *AS_OF], db)
    out = result.stdout
    assert "[boldred]不是标记[/boldred]␛]0;title␇" in out.replace("\n", "").replace(" ", "")
    assert "\x1b" not in out and "\x07" not in out
    for shown in [
        "当前状态",
        "推进中 40%（市民政局，填报日期 2015-06-30）",
        "59.4%",
        "黄灯",
        "命令行",
    ]:
        assert shown in out


def test_ledger_a_missing_ledger_reads_as_all_unreported(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    records = _ledger_json(["list", *AS_OF], db)
    assert len(records) == 80
    assert all(r["progress"] is None and not r["schedule"]["reported"] for r in records.values())
    table = _ledger_ok(["list", *AS_OF], db)
    assert "未报送 80 项" in table.stdout
    assert "还不存在，全部事项按未报送显示" in table.stderr
    _ledger_ok(["show", "18"], db)
    check = _ledger_ok(["check"], db)
    assert "还不存在" in check.stdout
    backup = _ledger_run(["backup", str(tmp_path / "copy.sqlite3")], db)
    assert backup.exit_code == 1 and "没有可备份的内容" in backup.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_ledger_db_option_and_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = tmp_path / "env.sqlite3"
    monkeypatch.setenv("MINSHENG_DB", str(from_env))
    _ledger_set(None, 18, "--status", "推进中", "--percent", "40")
    assert from_env.exists()
    assert _ledger_json(["list", *AS_OF], from_env)[18]["progress"]["percent"] == 40
    other = tmp_path / "db.sqlite3"
    _ledger_set(other, 18, "--status", "推进中", "--percent", "10")  # --db wins over the env
    assert _ledger_json(["list", *AS_OF], other)[18]["progress"]["percent"] == 10
    assert _ledger_json(["list", *AS_OF], from_env)[18]["progress"]["percent"] == 40
    blank = _ledger_run(["list", "--db", " "])
    assert blank.exit_code == 2 and "--db 不能为空" in blank.stderr


def test_ledger_newer_ledger_is_refused_by_every_command(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40")
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = db.read_bytes()
    for args in (["list"], ["show", "18"], ["check"], ["set", "18", "--status", "已完成"]):
        result = _ledger_run(args, db)
        assert result.exit_code == 1, args
        assert "由更新版本的 minsheng 写入" in result.stderr and "请升级 minsheng" in result.stderr
    assert db.read_bytes() == before


def test_ledger_backup_and_check(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40")
    copy = tmp_path / "备份.sqlite3"
    assert "已备份台账" in _ledger_ok(["backup", str(copy)], db).stdout
    assert _ledger_dump(copy) == _ledger_dump(db)
    again = _ledger_run(["backup", str(copy)], db)
    assert again.exit_code == 1 and "已存在" in again.stderr
    assert f"完好（结构版本 {SCHEMA_VERSION}）" in _ledger_ok(["check"], copy).stdout
    conn = sqlite3.connect(copy)
    conn.execute("DROP INDEX reports_latest")
    conn.close()
    broken = _ledger_run(["check"], copy)
    assert broken.exit_code == 1
    assert "有 1 个问题" in broken.stderr and "与各步迁移建立的结构不一致" in broken.stderr


def test_ledger_a_changed_notice_is_named(tmp_path: Path, seed_text: str) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40")
    changed = tmp_path / "通知.txt"
    assert "进一步提高城乡低保保障水平" in seed_text
    changed.write_text(seed_text.replace("进一步提高城乡低保保障水平", "提高低保水平"), "utf-8")
    result = _ledger_ok(["list", *AS_OF, "--notice", str(changed), "--format", "json"], db)
    assert "通知与台账首次使用它时相比有改动：第18项" in result.stderr
    assert json.loads(result.stdout)[17]["progress"]["percent"] == 40


@pytest.mark.parametrize("command", ["", *SUBCOMMANDS])
def test_ledger_every_progress_command_has_chinese_help_and_is_documented(command: str) -> None:
    args = [command] if command else []
    result = _ledger_ok([*args, "--help"])
    assert re.search(r"[\u4e00-\u9fff]", result.output)
    name = f"minsheng progress {command}".strip()
    assert f"例：{name}" in result.output
    assert name in (ROOT / "README.md").read_text(encoding="utf-8")


def test_ledger_progress_is_listed_by_the_main_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "progress" in result.output


def _ledger_worker(db: str, worker: int, count: int, barrier: Any, out: Any) -> None:
    from minsheng_cli.cli.app import only_invoked

    only_invoked(["progress"])  # as the console script does; this forked process is our own
    barrier.wait(timeout=30)
    codes = []
    for i in range(count):
        args = ["progress", "set", "18", "--status", "推进中", "--percent", str(worker * count + i)]
        result = CliRunner().invoke(app, [*args, "--date", "2015-06-30", "--db", db])
        codes.append((result.exit_code, result.output[-300:]))
    out.put(codes)


@pytest.mark.skipif(sys.platform == "win32", reason="forks the test process")
def test_ledger_concurrent_sets_on_a_new_ledger_lose_no_record(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    context = multiprocessing.get_context("fork")
    workers, count = 4, 10
    barrier, out = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(target=_ledger_worker, args=(str(db), w, count, barrier, out))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    results = [out.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert [code for codes in results for code, _ in codes] == [0] * (workers * count), results
    history = json.loads(_ledger_ok(["show", "18", *AS_OF, "--format", "json"], db).stdout)
    assert sorted(r["percent"] for r in history["history"]) == list(range(workers * count))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_ledger_set_killed_inside_the_write_transaction_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ledger_set(db, 18, "--status", "推进中", "--percent", "40")
    _ledger_set(db, 19, "--status", "推进中", "--percent", "50")
    before = _ledger_dump(db)
    marker = tmp_path / "inside"
    env = {**os.environ, PAUSE_ENV: str(marker), "MINSHENG_DB": str(db)}
    args = ["progress", "set", "18", "--status", "推进中", "--percent", "70", "--note", "半途"]
    process = subprocess.Popen(
        [sys.executable, "-m", "minsheng_cli", *args, "--date", "2015-06-30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the write never started"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert _ledger_dump(db) == before
    assert "完好" in _ledger_ok(["check"], db).stdout
    _ledger_set(db, 18, "--status", "推进中", "--percent", "70")  # and it is usable after
    assert len(_ledger_dump(db)) == len(before) + 1


def test_ledger_the_console_script_runs_progress_list_without_the_other_commands(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from minsheng_cli.cli import app, main\n"
        "sys.argv = ['minsheng', 'progress', 'list', '--as-of', '2015-06-30', '--format', 'json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print(len(app.registered_commands), file=sys.stderr)\n"
    )
    env = {**os.environ, "MINSHENG_DB": str(tmp_path / "ledger.sqlite3")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 80
    assert done.stderr.strip().splitlines()[-1] == "0"  # no top-level command was built
    assert not (tmp_path / "ledger.sqlite3").exists()
