"""Hostile notices and odd terminals: what reaches the terminal is data, never markup or control.

Covers terminal output, option checks and interruption (issue 6).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import typer.testing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from minsheng_cli import Notice, query
from minsheng_cli.cli import app
from minsheng_cli.cli.visible import clip, json_safe, visible

from .conftest import DATA, ROOT

_out_runner = CliRunner()
# The package's `app` attribute is the Typer app; the module of the same name is here.
_OUT_APP_MODULE = importlib.import_module("minsheng_cli.cli.app")
_OUT_QUERIES_MODULE = importlib.import_module("minsheng_cli.cli.queries")

_OUT_TABLE_COMMANDS = [
    ["list"],
    ["due"],
    ["show", "1"],
    ["stats"],
    ["units"],
    ["categories"],
    ["info"],
    ["validate"],
]

# What must never reach a terminal: ESC, the other C0 controls but tab and newline, DEL, C1.
_OUT_FORBIDDEN = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}
_OUT_BIDI = {
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
}


_OUT_COMMAND = typer.main.get_command(app)


@pytest.fixture(autouse=True)
def _out_command_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """CliRunner builds the click command from the Typer app on every call (30 ms); reuse one."""
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _OUT_COMMAND)


def _out_notice(
    folder: Path,
    *,
    category: str = "就业增收",
    content: str = "积极落实创业扶持政策。",
    deadline: str = "11月",
    units: tuple[str, ...] = ("市人社局", "各县(市)区"),
    front: str = "",
) -> Path:
    """good_2016.txt cut to its first five tasks, with task 1's cells and one body line replaced."""
    lines = (DATA / "good_2016.txt").read_text(encoding="utf-8").split("\n")
    task_one = [
        "\t1",
        f"\t{category}",
        f"\t{content}",
        f"\t{deadline}",
        "\t" + "\n".join(units),
    ]
    body = [*lines[:7], front, *lines[7:25]] if front else lines[:25]
    text = "\n".join([*body, *task_one, *lines[36:69]]) + "\n"
    path = folder / "通知.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _out_invoke(args: list[str], notice: Path | None = None) -> Result:
    extra = ["--notice", str(notice)] if notice else []
    return _out_runner.invoke(app, [*args, *extra])


def _out_assert_clean(result: Result, *, codes: tuple[int, ...] = (0,)) -> None:
    assert result.exit_code in codes, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.output.strip(), "a command that succeeds must print something"
    leaked = (_OUT_FORBIDDEN | _OUT_BIDI) & set(result.output)
    assert not leaked, sorted(leaked)


def _out_flat(text: str) -> str:
    """Text with all white space gone, so that wrapping does not matter."""
    return "".join(text.split())


def _out_cjk(text: str) -> Counter[str]:
    return Counter(c for c in text if unicodedata.east_asian_width(c) == "W" and c.isalpha())


# --- the helper itself -------------------------------------------------------------------------

_OUT_VISIBLE = [
    ("plain 民生 text", "plain 民生 text"),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ("\x1b]0;pwn\x07title", "␛]0;pwn␇title"),
    ("\x1b[31mred", "␛[31mred"),
    ("cr\roverwrite", "cr␍overwrite"),
    ("del\x7f", "del␡"),
    ("csi\x9b31m", "csi\\x9b31m"),
    ("next line\x85", "next line\\x85"),
    ("bidi\u202eevil\u2066", "bidi\\u202eevil\\u2066"),
    ("nbsp\xa0and\u3000ideographic space stay", "nbsp\xa0and\u3000ideographic space stay"),
    ("[/] [i]markup[/i] is text here", "[/] [i]markup[/i] is text here"),
]


@pytest.mark.parametrize(("text", "shown"), _OUT_VISIBLE)
def test_output_visible_shows_controls(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize("char", sorted(_OUT_FORBIDDEN | _OUT_BIDI | {"\u2028", "\u2029"}))
def test_output_json_safe_escapes_what_json_dumps_leaves(char: str) -> None:
    dumped = json_safe(json.dumps({"k": f"a{char}b"}, ensure_ascii=False))
    assert char not in dumped
    assert json.loads(dumped) == {"k": f"a{char}b"}


def test_output_clip_says_how_long_and_where() -> None:
    assert clip("民生" * 3, 10, "show") == "民生" * 3
    assert clip("民" * 12, 10, "show") == "民" * 10 + "…（共12字，完整内容请用 show）"


# --- markup and controls from the notice (items 1, 2) ------------------------------------------

_OUT_HOSTILE = (
    "[/]积极[i]落实[/i][link=http://evil.example]点我[/link]\x1b]0;pwn\x07\x1b[31m红\x9b1m"
)


@pytest.fixture
def _out_hostile(tmp_path: Path) -> Path:
    return _out_notice(
        tmp_path,
        category=f"就业[/]增收[b]{chr(0x1B)}[2J",
        content=_OUT_HOSTILE,
        deadline="11月[/]\x1b[5m",
        units=("市人社局[/]\x1b[7m", "[red]各县(市)区"),
        front="一行[/]正文\x1b]8;;http://evil.example\x07链接\u202e",
    )


@pytest.mark.parametrize("command", _OUT_TABLE_COMMANDS, ids=" ".join)
def test_output_notice_text_is_never_markup_or_control(
    _out_hostile: Path, command: list[str]
) -> None:
    result = _out_invoke(command, _out_hostile)
    _out_assert_clean(result)


@pytest.mark.parametrize("command", [["list"], ["show", "1"]], ids=" ".join)
def test_output_markup_is_shown_as_written(
    _out_hostile: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # no cell wraps
    result = _out_invoke(command, _out_hostile)
    _out_assert_clean(result)
    flat = _out_flat(result.stdout)
    for shown in ["[i]落实[/i]", "[link=http://evil.example]", "␛]0;pwn␇", "␛[31m红\\x9b1m"]:
        assert shown in flat


def test_output_json_escapes_c1_and_keeps_the_data(_out_hostile: Path) -> None:
    result = _out_invoke(["list", "--format", "json"], _out_hostile)
    _out_assert_clean(result)
    assert json.loads(result.stdout)[0]["content"] == _OUT_HOSTILE


def test_output_csv_on_stdout_carries_no_escape(_out_hostile: Path) -> None:
    result = _out_invoke(["list", "--format", "csv"], _out_hostile)
    _out_assert_clean(result)


def test_output_error_messages_show_controls(tmp_path: Path) -> None:
    result = _out_invoke(["list", "--unit", "\x1b[31m市[/]局"])
    assert result.exit_code == 1, result.output
    assert "错误：通知中没有责任单位“␛[31m市[/]局”" in result.stderr
    assert "\x1b" not in result.output


def test_output_usage_error_shows_controls() -> None:
    result = _out_invoke(["due", "--before", "\x1b[31m[/]"])
    assert result.exit_code == 2, result.output
    assert "\x1b" not in result.output
    assert "Traceback" not in result.output


# --- a 6 MB cell (item 3) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "marker"),
    [
        (["list"], "…（共300006字，完整内容请用 --format json 或 show）"),
        (["show", "1"], "…（共300006字，完整内容请用 --format json）"),
    ],
)
def test_output_huge_cell_is_cut_with_a_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], marker: str
) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # records: the marker is not split between columns
    notice = _out_notice(tmp_path, content="民生改善工作任务。" * 33334)
    start = time.perf_counter()
    result = _out_invoke(command, notice)
    elapsed = time.perf_counter() - start
    _out_assert_clean(result)
    assert _out_flat(marker) in _out_flat(result.stdout)
    assert len(result.stdout) < 200_000  # the cell, the source line: each is cut
    assert elapsed < 5  # generous: uncut, rich needs about 1.5 s for this cell


# --- widths (item 5) ---------------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["0", "-3", "abc", "", "1", "5", "40", "59", "60", "80", "240"])
def test_output_every_width_keeps_every_character(
    monkeypatch: pytest.MonkeyPatch, notice: Notice, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = _out_invoke(["list", "--unit", "市民政局"])
    _out_assert_clean(result)
    tasks = query.select(notice, query.TaskFilter("市民政局", False, None, None, None, None, None))
    wanted = _out_cjk("".join(t.content for t in tasks))
    assert not wanted - _out_cjk(result.stdout)
    assert "共15项" in _out_flat(result.stdout)


@pytest.mark.parametrize("command", _OUT_TABLE_COMMANDS, ids=" ".join)
def test_output_narrow_terminal_shows_records(
    monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    result = _out_invoke(command)
    _out_assert_clean(result)
    assert max(len(line) for line in result.stdout.splitlines()) <= 40


def test_output_narrow_list_is_one_field_a_line(
    monkeypatch: pytest.MonkeyPatch, notice: Notice
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    result = _out_invoke(["list", "--unit", "市民政局"])
    _out_assert_clean(result)
    lines = result.stdout.splitlines()
    assert lines[:2] == ["序号：18", "类别：困难救助"]
    leads = [t for t in notice.tasks if t.lead_unit == "市民政局"]
    assert lines.count("本单位：牵头") == len(leads)
    assert lines.count("本单位：配合") == 15 - len(leads)


def test_output_absurd_width_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100000000")
    result = _out_invoke(["list", "--unit", "市民政局"])
    _out_assert_clean(result)
    assert max(len(line) for line in result.stdout.splitlines()) <= 1000


_OUT_EMPTY_RESULTS = [
    ["list", "--search", "不存在"],
    ["due", "--unit", "市民政局", "--quarter", "1"],
    ["stats", "--unit", "丰满区政府", "--lead"],
    ["list", "--search", "不存在", "--format", "json"],
    ["list", "--search", "不存在", "--format", "csv"],
]


@pytest.mark.parametrize("args", _OUT_EMPTY_RESULTS, ids=" ".join)
def test_output_exit_0_is_never_silent(args: list[str]) -> None:
    _out_assert_clean(_out_invoke(args))


# --- options (item 6) --------------------------------------------------------------------------

_OUT_USAGE = [
    (["list", "--unit", ""], "--unit 不能为空"),
    (["list", "-u", "  "], "--unit 不能为空"),
    (["list", "--category", ""], "--category 不能为空"),
    (["list", "--search", ""], "--search 不能为空"),
    (["due", "--before", ""], "--before 不能为空"),
    (["due", "--before", "2015/10/31"], "--before 的日期应写成 YYYY-MM-DD"),
    (["list", "--notice", ""], "--notice 不能为空"),
    (["stats", "--unit", ""], "--unit 不能为空"),
    (["export", "--unit", "", "--format", "json"], "--unit 不能为空"),
    (["list", "--year", "0"], "--year 应在 1949–2100 之间，收到 0"),
    (["list", "--year", "-1"], "--year 应在 1949–2100 之间，收到 -1"),
    (["info", "--year", "99999"], "--year 应在 1949–2100 之间，收到 99999"),
    (["show", "1", "--year", "99999999999999999999"], "--year 应在 1949–2100 之间"),
    (["list", "--year", "1948"], "收到 1948"),
    (["list", "--year", "2101"], "收到 2101"),
]


@pytest.mark.parametrize(("args", "message"), _OUT_USAGE, ids=[" ".join(a) for a, _ in _OUT_USAGE])
def test_output_bad_option_is_a_chinese_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _out_runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in "".join(line.strip("│ ") for line in result.output.splitlines())
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []  # nothing was written


@pytest.mark.parametrize("year", ["1949", "2100"])
def test_output_year_bounds_are_allowed(year: str) -> None:
    result = _out_runner.invoke(app, ["info", "--year", year, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["year"] == int(year)


# --- interruption (item 7, and item 9: every command is wrapped) -------------------------------

_OUT_EVERY_COMMAND = [*_OUT_TABLE_COMMANDS, ["export", "--format", "json"]]


@pytest.mark.parametrize("command", _OUT_EVERY_COMMAND, ids=" ".join)
def test_output_ctrl_c_in_any_command_says_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_OUT_APP_MODULE, "load_notice", interrupted)
    monkeypatch.setattr(_OUT_QUERIES_MODULE, "load_notice", interrupted)
    result = _out_runner.invoke(app, command)
    assert result.exit_code == 130, result.output
    assert result.stderr == "已取消\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


_OUT_BLOCKING = """
import importlib, sys, time
app = importlib.import_module("minsheng_cli.cli.app")

def slow(*args, **kwargs):
    print("ready", file=sys.stderr, flush=True)
    time.sleep(30)

app.load_notice = slow
from minsheng_cli.cli import main
main()
"""


def _out_run(
    args: list[str], script: str | None = None, encoding: str = "utf-8"
) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "minsheng_cli"]
    return subprocess.Popen(
        [*command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding=encoding,
        errors="replace",
        env={**os.environ, "PYTHONIOENCODING": encoding},
        cwd=ROOT,
    )


def _out_wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stderr is not None
    assert process.stderr.readline() == "ready\n"


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="no POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_output_signal_while_busy_says_cancelled(signum: int) -> None:
    process = _out_run(["list"], script=_OUT_BLOCKING)
    try:
        _out_wait_ready(process)
        process.send_signal(signum)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert err == "已取消\n"
    assert out == ""


# --- stdout encodings (item 4) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [("gbk", "不换行?空格"), ("ascii", "2016-11-30"), ("latin-1", "\xa0???ñ?")],
)
def test_output_any_stdout_encoding_works(tmp_path: Path, encoding: str, shown: str) -> None:
    # GBK has no no-break space, and neither ASCII nor Latin-1 has CJK (nor has Latin-1 €).
    notice = _out_notice(tmp_path, content="不换行\xa0空格€ñ。")
    process = _out_run(["list", "--notice", str(notice)], encoding=encoding)
    try:
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert err.count("PYTHONIOENCODING=utf-8") == 1, err  # the note, said once
    assert shown in out


def test_output_utf8_stdout_says_nothing_extra(tmp_path: Path) -> None:
    notice = _out_notice(tmp_path, content="不换行\xa0空格€ñ。")
    process = _out_run(["list", "--notice", str(notice)])
    try:
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "PYTHONIOENCODING" not in err
    assert "不换行\xa0空格€ñ。" in out


# --- the fuzz test (item 8) --------------------------------------------------------------------

_OUT_PIECES = [
    "[/]",
    "[i]",
    "[/i]",
    "[b]",
    "[link=http://evil.example]",
    "[/link]",
    "[red on white]",
    "\\[",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x1b]8;;http://x\x1b\\",
    "\x1bP",
    "\x9b2J",
    "\x85",
    "\x07",
    "\r",
    "\x00",
    "\u202e",
    "\u2066",
    "\xa0",
    "\u3000",
    "民生",
    "市民政局",
    "10月",
    "（3项）",
]
_out_cell = st.lists(
    st.one_of(
        st.sampled_from(_OUT_PIECES),
        st.text(st.characters(exclude_characters="\t\n", codec="utf-8"), max_size=8),
        st.integers(1, 700).map(lambda n: "改善" * n),  # past the 1,000 a table cell shows
    ),
    max_size=6,
).map("".join)


@pytest.fixture
def _out_parse_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Parse each fuzzed notice once for all eight commands, not eight times, to stay fast."""
    from minsheng_cli.loader import load_notice

    memo: dict[tuple[object, object], object] = {}

    def cached(notice: object = None, *, year: object = None) -> object:
        key = (notice, year)
        if key not in memo:
            memo.clear()
            memo[key] = load_notice(notice, year=year)  # type: ignore[arg-type]
        return memo[key]

    monkeypatch.setattr(_OUT_APP_MODULE, "load_notice", cached)
    monkeypatch.setattr(_OUT_QUERIES_MODULE, "load_notice", cached)
    yield


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    category=_out_cell,
    content=_out_cell,
    deadline=_out_cell,
    units=st.lists(_out_cell, min_size=1, max_size=3),
    front=_out_cell,
)
def test_output_fuzzed_notice_never_leaks_or_crashes(
    tmp_path_factory: pytest.TempPathFactory,
    _out_parse_once: None,
    category: str,
    content: str,
    deadline: str,
    units: list[str],
    front: str,
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    notice = _out_notice(
        folder,
        category=category,
        content=content,
        deadline=deadline,
        units=tuple(units),
        front=front,
    )
    for command in _OUT_TABLE_COMMANDS:
        result = _out_invoke(command, notice)
        # 1: the notice became unusable (say, too many controls) or validate found an error.
        _out_assert_clean(result, codes=(0, 1))
        if result.exit_code == 1:
            assert "错误" in result.output or command == ["validate"]
