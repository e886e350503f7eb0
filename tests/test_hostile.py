"""Issue 6: the tool attacked as a hostile or unlucky user would.

Hostile notices, failing disks, odd terminals and interruptions never crash it, hang it or lose
a file. Each case asserts our own exit code and Chinese message, that no traceback appears, and,
where it writes, that nothing outside the target was touched. Anything that could block (a
FIFO, /dev/zero, a signal) runs under a time limit that fails the test instead of hanging.
"""

from __future__ import annotations

import ast
import codecs
import csv
import errno
import importlib
import io
import json
import os
import pkgutil
import re
import secrets
import signal
import stat
import subprocess
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
import typer
import typer.testing
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner, Result

import minsheng_cli
from minsheng_cli import (
    ExportError,
    MinshengError,
    Notice,
    NoticeError,
    _fs,
    load_notice,
    query,
    units,
)
from minsheng_cli.cli import app
from minsheng_cli.cli.visible import clip, json_safe, visible
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export import files as export_files
from minsheng_cli.export._xlsx_cells import MAX_ROW_HEIGHT
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.files import atomic_write, unique_paths
from minsheng_cli.export.plan import plan_export, prepare_targets, write_planned
from minsheng_cli.export.text import write_markdown
from minsheng_cli.export.xlsx import write_xlsx
from minsheng_cli.notice import cache, deadlines
from minsheng_cli.notice.loader import bundled_notice_path, parse_notice
from minsheng_cli.notice.source import NOTICE_LIMIT, SourceText, read_source, split_lines
from minsheng_cli.query import TaskFilter, select
from minsheng_cli.serialize import csv_safe

from .conftest import DATA, ROOT

# ================================================================================================
# Inputs: bounded reads, linear patterns, lenient decoding, the parse cache
# ================================================================================================

# A hang guard, not a benchmark: linear work on these inputs takes milliseconds here,
# the quadratic patterns this guards against took 12–23 s.
_IN_GUARD = 2.0
_IN_LENGTH = 40_000
_IN_SRC = Path(minsheng_cli.__file__).parent


def _in_invoke(args: list[str], timeout: float = 30.0) -> Result:
    """Run the CLI in a thread, failing (not hanging) if it does not return in time."""
    box: dict[str, Result] = {}

    def run() -> None:
        box["result"] = CliRunner().invoke(app, args)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), f"minsheng {' '.join(args)} still running after {timeout} s"
    return box["result"]


def _in_assert_clean(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _in_seed() -> bytes:
    return bundled_notice_path().read_bytes()


def _in_lines() -> list[str]:
    return split_lines(_in_seed().decode("utf-8"))


def _in_write(folder: Path, lines: list[str], name: str = "n.txt") -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# 1. Inputs are bounded: regular files only, at most 64 MB.


def _in_fifo(tmp_path: Path) -> str:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return str(path)


NON_REGULAR: dict[str, tuple[Callable[[Path], str], str]] = {
    "fifo": (_in_fifo, "这是命名管道（FIFO），不是普通文件，不能作为通知读取"),
    "dev-zero": (lambda _: "/dev/zero", "这是设备文件，不是普通文件，不能作为通知读取"),
    "dev-urandom": (lambda _: "/dev/urandom", "这是设备文件，不是普通文件，不能作为通知读取"),
    "folder": (lambda tmp: str(tmp), "这是一个文件夹，不是通知文件"),
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", NON_REGULAR)
def test_input_non_regular_file_is_refused_before_reading(kind: str, tmp_path: Path) -> None:
    make, message = NON_REGULAR[kind]
    path = make(tmp_path)
    result = _in_invoke(["list", "--notice", path], timeout=20)
    _in_assert_clean(result)
    assert result.exit_code == 1
    assert result.stderr == f"错误：{path}：{message}\n"


def test_input_notice_over_64_mb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:  # sparse: no 64 MB written to disk
        handle.truncate(NOTICE_LIMIT + 1)
    result = _in_invoke(["list", "--notice", str(path)])
    _in_assert_clean(result)
    assert result.exit_code == 1
    assert result.stderr == f"错误：{path}：文件超过 64 MB 的上限，不像是一份通知\n"


def test_input_notice_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    # Up to the limit is fine: the refusal above is about size, not about being sparse.
    path = tmp_path / "ok.txt"
    data = _in_seed()
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("minsheng_cli.notice.source.NOTICE_LIMIT", len(data))
        assert len(load_notice(path).tasks) == 80
        patch.setattr("minsheng_cli.notice.source.NOTICE_LIMIT", len(data) - 1)
        with pytest.raises(NoticeError, match="上限"):
            load_notice(path)


# ---------------------------------------------------------------------------
# 2. Task numbers: 100000 and above are numbers; a giant digit string crashes nothing.


def _in_renumber(lines: list[str], numbers: dict[str, str]) -> list[str]:
    return [("\t" + numbers[text[1:]]) if text[1:] in numbers else text for text in lines]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("100000", 100000), ("123456789", 123456789), ("０７", 7), ("999999999.", 999999999)],
)
def test_input_big_task_numbers_are_numbers(written: str, expected: int, tmp_path: Path) -> None:
    lines = _in_renumber(_in_lines(), {"80": written})
    notice = load_notice(_in_write(tmp_path, lines))
    assert len(notice.tasks) == 80
    assert notice.tasks[-1].number == expected
    assert notice.tasks[-2].number == 79
    assert len(notice.tasks[-2].units) < 10  # task 80's cells were not swallowed by 79


@pytest.mark.parametrize("digits", ["1000000000", "9" * 5000])
def test_input_giant_task_number_is_dropped_with_a_warning(digits: str, tmp_path: Path) -> None:
    path = _in_write(tmp_path, _in_renumber(_in_lines(), {"80": digits}))
    notice = load_notice(path)
    assert [task.number for task in notice.tasks] == list(range(1, 80))
    [problem] = [p for p in notice.problems if p.code == "bad-number"]
    assert problem.message.endswith("超过999999999，不像是事项序号，该项未收录")
    assert problem.message.startswith(f"第{problem.line}行的序号“{digits[:19]}")
    for command in (["list"], ["validate"], ["export", "-f", "json", "-o", "-"]):
        result = _in_invoke([*command, "--notice", str(path)])
        _in_assert_clean(result)
        assert result.exit_code == 0, result.output
    assert "不像是事项序号" in _in_invoke(["validate", "--notice", str(path)]).output


# ---------------------------------------------------------------------------
# 3. No regular expression backtracks super-linearly; whole-notice parsing is linear.


def _in_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled pattern at module level anywhere in the package, and the rule tables."""
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages([str(_IN_SRC)], "minsheng_cli."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found[f"{info.name}.{name}"] = value
    for index, rule in enumerate(deadlines._rules()):
        found[f"data/deadlines.toml rule {index + 1}"] = rule.pattern
    found["data/units.toml separators"] = units._rules().separators
    return found


_IN_PATTERNS = _in_patterns()
# Characters the patterns look for, so that partial matches start everywhere.
_IN_ALPHABET = sorted(
    set("〔[［【（(〕]］】）)0123456789 \t\u3000\xa0年月日号项个方面季度上中下旬前底末份")
    | set("附件关于的通知：:、，,；;第市局委办各县区一二十两〇xX.．-\ufffd\udcff")
)


# Patterns only ever fullmatched against a file name, and so tried at one position only.
# Both are quadratic under search() ("\\..+\\." tried at every dot): "\\A" in front fixes it.
_IN_FULLMATCH_ONLY: set[str] = set()  # patterns only ever fullmatched may go here


def test_input_pattern_audit_found_the_known_patterns() -> None:
    # A guard on the collector itself: the property test below must see these.
    for name in ("metadata._DOC_NUMBER", "builder._LABEL", "table._ROW_NUMBER", "metadata._TOTALS"):
        assert f"minsheng_cli.notice.{name}" in _IN_PATTERNS
    assert sum(name.startswith("data/deadlines.toml") for name in _IN_PATTERNS) >= 10


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],  # shrinking a hang would take minutes
)
@example(unit="x", tail="")
@example(unit=" ", tail="x")
@example(unit="（", tail="")
@example(unit="附件 ", tail="")
@example(unit="〔2015〕1", tail="")
@example(unit="1 ", tail="")
@given(
    unit=st.text(alphabet=st.sampled_from(_IN_ALPHABET), min_size=1, max_size=8),
    tail=st.text(alphabet=st.sampled_from(_IN_ALPHABET), max_size=3),
)
def test_input_every_pattern_is_linear_on_long_lines(unit: str, tail: str) -> None:
    line = (unit * (_IN_LENGTH // len(unit) + 1))[:_IN_LENGTH] + tail
    for name, pattern in _IN_PATTERNS.items():
        operations: list[Callable[[str], object]] = [pattern.match, pattern.fullmatch]
        if name not in _IN_FULLMATCH_ONLY:
            operations += [pattern.search, pattern.findall, pattern.split]
        for operation in operations:
            start = time.perf_counter()
            operation(line)
            elapsed = time.perf_counter() - start
            assert elapsed < _IN_GUARD, f"{name}.{operation.__name__} took {elapsed:.1f} s"


# Where one long line goes in the bundled notice (see benchmarks/pathological.py).
def _in_replace(start: int, count: int, text: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: [*lines[:start], text, *lines[start + count :]]


PATHOLOGICAL: dict[str, Callable[[list[str]], list[str]]] = {
    "文号 line without spaces": _in_replace(0, 1, "民生改善x" * 8000),
    "文号 line of 附件 and spaces": _in_replace(0, 1, "附件" + " " * _IN_LENGTH + "x"),
    "category cell without a count": _in_replace(26, 5, "\t" + "就业增收" * 10_000),
    "content cell of one line": _in_replace(31, 1, "\t" + "积极落实 (1) " * 4000),
    "content cell of 40,000 lines": _in_replace(31, 1, "\t" + "\nword" * _IN_LENGTH),
    "last cell with 40,000 blank lines": lambda lines: [*lines, *[""] * _IN_LENGTH, "抄送"],
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_input_pathological_notice_parses_in_linear_time(case: str) -> None:
    lines = split_lines("\n".join(PATHOLOGICAL[case](_in_lines())))
    start = time.perf_counter()
    notice = parse_notice(SourceText(path="x.txt", encoding="utf-8", lines=lines))
    elapsed = time.perf_counter() - start
    assert elapsed < _IN_GUARD, f"{case}: {elapsed:.1f} s"
    assert len(notice.tasks) == 80


# ---------------------------------------------------------------------------
# 5. Encodings degrade: a few bad bytes are replaced, each damaged line is a warning.


def _in_gbk_line(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[31] = lines[31].decode("utf-8").encode("gb18030")  # task 1's content
    return b"\n".join(lines)


def _in_line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


DAMAGED: dict[str, tuple[Callable[[bytes], bytes], str, list[int]]] = {
    # name: (damage, encoding reported, lines warned)
    "stray byte": (lambda d: d[:3000] + b"\xff" + d[3000:], "utf-8", [59]),
    "gbk line in utf-8": (_in_gbk_line, "utf-8", [32]),
    "utf-8 cut mid-character": (lambda d: d.rstrip()[:-1], "utf-8", [692]),
    "gbk cut mid-character": (
        lambda d: d.decode("utf-8").encode("gb18030").rstrip()[:-1],
        "gb18030",
        [692],
    ),
    "gbk with a stray byte": (
        lambda d: (g := d.decode("utf-8").encode("gb18030"))[:2001] + b"\xff" + g[2001:],
        "gb18030",
        [_in_line_of(_in_seed().decode("utf-8").encode("gb18030"), 2001)],
    ),
    "utf-16 with a lone surrogate": (
        lambda d: (
            codecs.BOM_UTF16_LE
            + (u := d.decode().encode("utf-16-le"))[:4000]
            + b"\x00\xdc"  # U+DC00: a low surrogate with no high one before it
            + u[4000:]
        ),
        "utf-16",
        [_in_seed().decode()[:2000].count("\n") + 1],
    ),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_input_damaged_bytes_become_warnings_with_lines(case: str, tmp_path: Path) -> None:
    damage, encoding, warned = DAMAGED[case]
    path = tmp_path / "damaged.txt"
    path.write_bytes(damage(_in_seed()))
    source = read_source(path)
    assert source.encoding == encoding
    bad = [p for p in source.problems if p.code == "bad-bytes"]
    assert bad and all(p.line is not None for p in bad)
    assert [p.line for p in bad] == warned
    for problem in bad:
        assert problem.message.startswith(f"第{problem.line}行有")
        assert "\ufffd" in source.lines[problem.line - 1]  # type: ignore[operator]
    assert not any("\udcff" in line for line in source.lines)
    result = _in_invoke(["validate", "--notice", str(path)])
    _in_assert_clean(result)
    assert f"无法按 {encoding} 解码" in result.output
    assert len(load_notice(path).tasks) >= 79


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,
        os.urandom(4096),
        b"\x89PNG\r\n\x1a\n" + bytes(range(128, 256)) * 30,
        (Path(__file__).parent / "data" / "bad_binary.bin").read_bytes(),
    ],
    ids=["all-bytes", "random", "png-like", "bad_binary.bin"],
)
def test_input_binary_is_still_refused(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    result = _in_invoke(["list", "--notice", str(path)])
    _in_assert_clean(result)
    assert result.exit_code == 1
    assert re.fullmatch(
        rf"错误：{re.escape(str(path))}："
        "(文件含有空字节|文件含有大量控制字符|无法识别文件编码|没有找到分工表)"
        r"[^\n]*\n",
        result.stderr,
    ), result.stderr


# ---------------------------------------------------------------------------
# 6. --year in the library: our own error, never a crash.


@pytest.mark.parametrize(
    "year",
    [0, -1, 10_000, 99_999, 99_999_999_999_999_999_999, 10**5000],
    ids=["0", "-1", "10000", "99999", "20-digits", "5001-digits"],
)
def test_input_year_outside_the_calendar_is_our_error(year: int) -> None:
    with pytest.raises(MinshengError) as caught:
        load_notice(year=year)
    assert "超出公历范围（应在 1–9999 之间）" in caught.value.message


@pytest.mark.parametrize("year", [1, 9999])
def test_input_year_at_the_calendar_edges_parses(year: int) -> None:
    notice = load_notice(year=year)
    assert len(notice.tasks) == 80
    assert notice.meta.year == year


def test_input_year_0000_in_the_document_number_warns(tmp_path: Path) -> None:
    lines = _in_lines()
    lines[0] = lines[0].replace("〔2015〕", "〔0000〕")
    notice = load_notice(_in_write(tmp_path, lines))
    assert notice.meta.year == 0
    assert "年度0不在公历1–9999年之内，完成时限无法换算成日期" in [
        p.message for p in notice.problems
    ]


# ---------------------------------------------------------------------------
# 7. The cache is a cache.


@pytest.fixture
def _in_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME with the cache on and no cache folder yet."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("MINSHENG_CACHE_DIR", raising=False)
    monkeypatch.delenv("MINSHENG_NO_CACHE", raising=False)
    return home


def _in_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.entry"))


def _in_tree(root: Path) -> dict[str, bytes | str]:
    """Everything under `root`: file bytes, or where a symlink points."""
    tree: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            tree[str(path.relative_to(root))] = os.readlink(path)
        elif path.is_file():
            tree[str(path.relative_to(root))] = path.read_bytes()
    return tree


_IN_LINUX = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="platformdirs' Linux (XDG) layout"
)


@_IN_LINUX
def test_input_cache_lives_in_platformdirs_folder(_in_home: Path, notice: Notice) -> None:
    assert cache.cache_dir() == _in_home / ".cache" / "minsheng"
    assert load_notice() == notice
    folder = _in_home / ".cache" / "minsheng"
    [entry] = _in_entries(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert load_notice() == notice


@_IN_LINUX
def test_input_cache_honours_xdg_and_overrides(
    _in_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "minsheng"
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("MINSHENG_NO_CACHE", "1")
    assert cache.cache_dir() is None


@_IN_LINUX
def test_input_open_cache_folder_is_made_private(_in_home: Path, notice: Notice) -> None:
    folder = _in_home / ".cache" / "minsheng"
    folder.mkdir(parents=True, mode=0o777)
    folder.chmod(0o777)
    assert load_notice() == notice  # not read from a folder others may write to...
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # ...but made private on write
    assert len(_in_entries(folder)) == 1


def _in_no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container uid with no passwd entry and no HOME."""
    monkeypatch.delenv("HOME")
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))


def _in_home_is_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path(os.environ["HOME"])
    home.rmdir()
    home.write_text("", encoding="utf-8")


def _in_home_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root writes through any permission bits")
    Path(os.environ["HOME"]).chmod(0o500)


def _in_cache_is_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(os.environ["HOME"]) / ".cache"
    folder.mkdir()
    (folder / "minsheng").write_text("", encoding="utf-8")


def _in_no_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # import raises ImportError


def _in_cache_of_someone_else(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(os.environ["HOME"]) / ".cache" / "minsheng"
    folder.mkdir(parents=True)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(folder).st_uid + 1)


NO_CACHE: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "no home": _in_no_home,
    "home is a file": _in_home_is_a_file,
    "home read-only": _in_home_read_only,
    "cache folder is a file": _in_cache_is_a_file,
    "cache folder of another user": _in_cache_of_someone_else,
}


@pytest.mark.parametrize("case", NO_CACHE)
def test_input_no_usable_cache_location_still_works(
    case: str, _in_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    NO_CACHE[case](monkeypatch)
    before = _in_tree(tmp_path)
    for _ in range(2):
        result = _in_invoke(["list", "--unit", "市民政局"])
        _in_assert_clean(result)
        assert result.exit_code == 0, result.output
        assert "市民政局" in result.output
    assert _in_tree(tmp_path) == before  # nothing written anywhere, not even under ./~


@pytest.mark.skipif(os.name != "posix", reason="Windows asks platformdirs for the folder")
def test_input_without_platformdirs_the_cache_still_works(
    _in_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Linux and macOS find the folder without it; an import of it would raise here.
    _in_no_platformdirs(monkeypatch)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        result = _in_invoke(["list", "--unit", "市民政局"])
        _in_assert_clean(result)
        assert result.exit_code == 0, result.output
    cached = _in_home / (".cache" if sys.platform != "darwin" else "Library/Caches") / "minsheng"
    assert [p.suffix for p in cached.iterdir() if p.suffix == ".entry"] == [".entry"]


@pytest.fixture
def _in_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.delenv("MINSHENG_NO_CACHE", raising=False)
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(folder))
    return folder


def test_input_edited_entry_is_never_served(_in_cache: Path, notice: Notice) -> None:
    load_notice()
    [entry] = _in_entries(_in_cache)
    header, _, payload = entry.read_bytes().partition(b"\n")
    cached = cache._Entry.model_validate_json(payload)
    edited = cached.model_copy(
        update={"notice": cached.notice.model_copy(update={"tasks": cached.notice.tasks[:3]})}
    )
    entry.write_bytes(header + b"\n" + edited.model_dump_json().encode())
    assert len(load_notice().tasks) == 80
    entry.write_bytes(edited.model_dump_json().encode())  # no header at all
    assert len(load_notice().tasks) == 80
    entry.write_bytes(entry.read_bytes()[:-10])  # cut short
    assert load_notice() == notice


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_input_fifo_at_entry_path_does_not_block(_in_cache: Path, notice: Notice) -> None:
    load_notice()
    [entry] = _in_entries(_in_cache)
    entry.unlink()
    os.mkfifo(entry)
    result = _in_invoke(["list", "--unit", "市民政局"], timeout=20)
    _in_assert_clean(result)
    assert result.exit_code == 0
    assert "市民政局" in result.output


def _in_plant(folder: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Symlinks to `target` at the entry path, the stamp and the first temporary names."""
    folder.mkdir(mode=0o700, exist_ok=True)
    entry = cache.entry_path(bundled_notice_path(), _in_seed(), None)
    assert entry is not None
    names = iter(["aaaaaaaa", "aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd", "eeeeeeee"] * 4)
    monkeypatch.setattr(secrets, "token_hex", lambda _: next(names))  # as _fs uses it
    planted = [
        entry,
        folder / cache._PRUNED,
        folder / ".entry.aaaaaaaa.tmp",
        folder / ".entry.bbbbbbbb.tmp",
        folder / f"{entry.stem}.{os.getpid()}.tmp",  # what earlier versions wrote to
    ]
    for link in planted:
        link.symlink_to(target)
    return planted


def test_input_planted_symlinks_are_never_written_through(
    _in_cache: Path, tmp_path: Path, notice: Notice, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o644)
    planted = _in_plant(_in_cache, target, monkeypatch)
    assert load_notice() == notice
    assert load_notice() == notice
    assert target.read_text(encoding="utf-8") == "keep me"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    entry, stamp = planted[0], planted[1]
    assert not entry.is_symlink() and stat.S_ISREG(entry.lstat().st_mode)
    assert not stamp.is_symlink()
    assert all(link.is_symlink() for link in planted[2:])  # left alone, never followed


def test_input_full_disk_is_ignored(
    _in_cache: Path, notice: Notice, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    assert load_notice() == notice
    left = [path.name for path in _in_cache.iterdir()]
    assert left in ([], [cache._PRUNED])  # no entry, no temporary left behind


def test_input_killed_write_leftovers_are_removed_next_run(_in_cache: Path, notice: Notice) -> None:
    _in_cache.mkdir(mode=0o700)
    old = time.time() - 2 * 24 * 3600
    stale = [_in_cache / ".entry.0123abcd.tmp", _in_cache / f"{'a' * 64}.4242.tmp"]
    fresh = _in_cache / ".entry.89abcdef.tmp"
    foreign = _in_cache / "notes.tmp"
    for path in [*stale, fresh, foreign]:
        path.write_bytes(b"x" * 1000)
        if path is not fresh:
            os.utime(path, (old, old))
    assert load_notice() == notice
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and foreign.exists()


def test_input_prune_by_age_and_size(_in_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in_cache.mkdir(mode=0o700)
    now = time.time()
    monkeypatch.setattr(cache, "TOTAL_LIMIT", 3000)

    def entry(name: str, age_days: float, size: int = 1000) -> Path:
        path = _in_cache / f"{name * 64}.entry"
        path.write_bytes(b"x" * size)
        os.utime(path, (now - age_days * 86400, now - age_days * 86400))
        return path

    ancient = entry("a", 31)
    oldest, middle, newer, newest = entry("b", 4), entry("c", 3), entry("d", 2), entry("e", 1)
    legacy = _in_cache / f"{'f' * 64}.json"
    legacy.write_bytes(b"{}")
    other = _in_cache / "README"
    other.write_bytes(b"x" * 10_000)
    cache._maybe_prune(_in_cache, now=now)
    assert sorted(_in_entries(_in_cache)) == [middle, newer, newest]
    assert not ancient.exists() and not oldest.exists() and not legacy.exists()
    assert other.exists()
    # At most once a day: a second call within the day prunes nothing.
    again = entry("9", 40)
    cache._maybe_prune(_in_cache, now=now + 3600)
    assert again.exists()
    cache._maybe_prune(_in_cache, now=now + 2 * 86400)
    assert not again.exists()


def test_input_key_covers_every_package_file_and_extra_files(
    _in_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint = cache._package_fingerprint()
    for name in ("notice/builder.py", "cli/app.py", "export/xlsx.py", "data/deadlines.toml"):
        assert f"\n{name}:" in f"\n{fingerprint}", name
    package = tmp_path / "pkg"
    (package / "sub" / "deeper").mkdir(parents=True)
    module = package / "sub" / "deeper" / "rules.py"
    module.write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    cache._package_fingerprint.cache_clear()
    try:
        notice_path, data = tmp_path / "n.txt", b"text"
        overlay = tmp_path / "minsheng.toml"
        keys = {cache.entry_path(notice_path, data, None)}
        module.write_text("A = 22\n", encoding="utf-8")
        cache._package_fingerprint.cache_clear()
        keys.add(cache.entry_path(notice_path, data, None))
        keys.add(cache.entry_path(notice_path, data, None, extra=[overlay]))
        overlay.write_text("[aliases]\n", encoding="utf-8")
        keys.add(cache.entry_path(notice_path, data, None, extra=[overlay]))
        overlay.write_text("[aliases]\nx = 'y'\n", encoding="utf-8")
        keys.add(cache.entry_path(notice_path, data, None, extra=[overlay]))
        assert len(keys) == 5
        assert cache.entry_path(notice_path, data, None, extra=[overlay]) in keys
    finally:
        cache._package_fingerprint.cache_clear()


def test_input_list_imports_neither_sqlite3_nor_openpyxl(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from minsheng_cli.cli import main\n"
        "sys.argv = ['minsheng', 'list']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('sqlite3', 'openpyxl', 'docx') if m in sys.modules])\n"
    )
    env = {**os.environ, "MINSHENG_CACHE_DIR": str(tmp_path / "c")}
    env.pop("MINSHENG_NO_CACHE", None)
    for _ in ("miss", "hit"):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "[]"
    assert len(_in_entries(tmp_path / "c")) == 1


# ---------------------------------------------------------------------------
# 8. Windows: no O_NOFOLLOW, no O_NONBLOCK, no getuid; the cache stays safe.


def test_input_cache_without_posix_safeguards(
    _in_cache: Path, tmp_path: Path, notice: Notice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_fs, "O_NOFOLLOW", 0)
    monkeypatch.setattr(_fs, "O_NONBLOCK", 0)
    monkeypatch.delattr(os, "getuid")
    monkeypatch.delattr(os, "O_NOFOLLOW")
    monkeypatch.delattr(os, "O_NONBLOCK")
    target = tmp_path / "victim.txt"
    target.write_text("keep me", encoding="utf-8")
    planted = _in_plant(_in_cache, target, monkeypatch)
    assert load_notice() == notice  # a symlink at the entry is not read...
    assert load_notice() == notice  # ...and is replaced by a regular entry
    assert target.read_text(encoding="utf-8") == "keep me"
    assert stat.S_ISREG(planted[0].lstat().st_mode)
    if hasattr(os, "mkfifo"):
        planted[0].unlink()
        os.mkfifo(planted[0])
        result = _in_invoke(["list", "--unit", "市民政局"], timeout=20)
        _in_assert_clean(result)
        assert result.exit_code == 0


_IN_POSIX_ONLY = {"fcntl", "pwd", "grp", "termios", "resource", "posix"}
_IN_MINE = ["source", "loader", "metadata", "builder", "table", "numerals", "deadlines", "cache"]
_IN_MINE = [f"notice/{name}" for name in _IN_MINE] + ["units", "_data", "models"]


def _in_imports(tree: ast.AST) -> Iterator[tuple[str, bool]]:
    """(module, guarded) for each import; guarded means inside try or a function."""

    def walk(node: ast.AST, guarded: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            inner = guarded or isinstance(child, ast.Try | ast.FunctionDef)
            if isinstance(child, ast.Import):
                yield from ((alias.name.split(".")[0], guarded) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                yield child.module.split(".")[0], guarded
            yield from walk(child, inner)

    return walk(tree, False)


@pytest.mark.parametrize("module", _IN_MINE)
def test_input_no_unguarded_posix_only_import(module: str) -> None:
    tree = ast.parse((_IN_SRC / f"{module}.py").read_text(encoding="utf-8"))
    bad = [name for name, guarded in _in_imports(tree) if name in _IN_POSIX_ONLY and not guarded]
    assert bad == []


# ================================================================================================
# Writes: colliding names, odd targets, full disks, interruptions
# ================================================================================================

runner = CliRunner()
FULL_NAME = "吉林市2015年改善民生事项及责任分工表"
FORMATS = [f.value for f in ExportFormat]


# ---------------------------------------------------------------------------- helpers


def _wr_run(*args: str) -> Result:
    return runner.invoke(app, ["export", *args])


def _wr_clean(result: Result) -> None:
    """No traceback, and no exception but our own exit."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


def _wr_fails(result: Result, message: str) -> None:
    _wr_clean(result)
    assert result.exit_code == 1, result.output
    assert message in result.output


def _wr_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _wr_notice(seed_text: str, tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """The seed notice with each (old, new) replaced once, in order."""
    text = seed_text
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _wr_colliding(seed_text: str, tmp_path: Path) -> Path:
    """Tasks 1 and 2 led by two units whose names differ only where file names cannot."""
    lead = "\t市人社局\n"
    return _wr_notice(seed_text, tmp_path, (lead, "\t市A/B局\n"), (lead, "\t市A:B局\n"))


def _wr_long_content(seed_text: str, tmp_path: Path, length: int) -> Path:
    first = "\t积极落实创业扶持政策"
    return _wr_notice(seed_text, tmp_path, (first, "\t" + "长" * length + first[1:]))


def _sigint_as_at_a_terminal() -> None:
    """A child of a background job inherits SIGINT ignored, and Python then leaves it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wr_subprocess(code: str, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter: for real signals, FIFOs and devices."""
    env = {**os.environ, "MINSHENG_NO_CACHE": "1", "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        preexec_fn=_sigint_as_at_a_terminal if os.name != "nt" else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _wr_raise_on_call(
    count: int, exc: BaseException, real: Callable[..., Any]
) -> Callable[..., Any]:
    """A stand-in for `real` that raises `exc` on its `count`-th call."""
    calls = 0

    def fake(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == count:
            raise exc
        return real(*args)

    return fake


def _wr_writes(data: bytes) -> Callable[[IO[bytes]], None]:
    def write(stream: IO[bytes]) -> None:
        stream.write(data)

    return write


def _wr_tmp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(_fs.TEMP_SUFFIX)]


# ------------------------------------------------- item 1: split names that collide


def test_write_split_keeps_units_whose_safe_names_collide(seed_text: str, tmp_path: Path) -> None:
    notice = _wr_colliding(seed_text, tmp_path)
    out = tmp_path / "out"
    for extra in ([], ["--force"]):
        result = _wr_run(
            "-f", "csv", "--split-by", "unit", "--notice", str(notice), "-o", str(out), *extra
        )
        _wr_clean(result)
        assert result.exit_code == 0, result.output
        names = _wr_listing(out)
        assert f"{FULL_NAME}-市A_B局.csv" in names
        assert f"{FULL_NAME}-市A_B局-2.csv" in names
        # One file per unit: no unit's file replaced another's, with or without --force.
        assert len(names) == len(result.stdout.splitlines()) == 47
    leads = {}
    for name in (f"{FULL_NAME}-市A_B局.csv", f"{FULL_NAME}-市A_B局-2.csv"):
        rows = list(csv.reader(io.StringIO((out / name).read_text("utf-8-sig"))))
        leads[name] = [(r[0], r[5]) for r in rows[1:]]
    assert leads == {
        f"{FULL_NAME}-市A_B局.csv": [("1", "市A/B局")],
        f"{FULL_NAME}-市A_B局-2.csv": [("2", "市A:B局")],
    }


@pytest.mark.parametrize(
    ("names", "unique"),
    [
        (["a/x.md", "a/y.md"], ["a/x.md", "a/y.md"]),
        (["a/x.md", "a/x.md", "a/x.md"], ["a/x.md", "a/x-2.md", "a/x-3.md"]),
        # Windows and macOS fold case: these would be one file there.
        (["a/Unit.md", "a/UNIT.md"], ["a/Unit.md", "a/UNIT-2.md"]),
        # macOS stores names decomposed: é and e + combining acute are one name.
        (["a/caf\u00e9.md", "a/cafe\u0301.md"], ["a/caf\u00e9.md", "a/cafe\u0301-2.md"]),
        # A suffixed name that is also a real name is made unique again.
        (["a/x.md", "a/x.md", "a/x-2.md"], ["a/x.md", "a/x-2.md", "a/x-2-2.md"]),
    ],
)
def test_write_unique_paths(names: list[str], unique: list[str]) -> None:
    assert unique_paths(Path(n) for n in names) == [Path(n) for n in unique]


def test_write_split_checks_every_target_before_writing(seed_text: str, tmp_path: Path) -> None:
    notice = _wr_colliding(seed_text, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    # The second unit's unique name is taken: nothing at all may be written.
    (out / f"{FULL_NAME}-市A_B局-2.json").write_text("填写过", encoding="utf-8")
    result = _wr_run("-f", "json", "--split-by", "unit", "--notice", str(notice), "-o", str(out))
    _wr_fails(result, "文件已存在，为免覆盖他人填写的内容，未写入")
    assert _wr_listing(out) == [f"{FULL_NAME}-市A_B局-2.json"]
    assert (out / f"{FULL_NAME}-市A_B局-2.json").read_text(encoding="utf-8") == "填写过"


# ------------------------------------------- item 2: --force, regular files and modes


def test_write_force_refuses_a_symlink_target(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("别人的文件", encoding="utf-8")
    link = tmp_path / "out.csv"
    link.symlink_to(outside)
    for extra in ([], ["--force"]):
        result = _wr_run("-f", "csv", "-o", str(link), *extra)
        _wr_fails(result, f"错误：{link}：这是符号链接，不是普通文件，未写入")
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == "别人的文件"
    assert _wr_listing(tmp_path) == ["out.csv", "outside.txt"]


def test_write_force_refuses_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"{FULL_NAME}.csv").mkdir()
    result = _wr_run("-f", "csv", "--force")
    _wr_fails(result, f"错误：{FULL_NAME}.csv：这是一个文件夹，不能作为导出文件")
    assert _wr_listing(tmp_path) == [f"{FULL_NAME}.csv"]
    assert not any((tmp_path / f"{FULL_NAME}.csv").iterdir())


def test_write_force_refuses_a_fifo(tmp_path: Path) -> None:
    # In a subprocess: opening a FIFO by mistake would block for ever.
    code = """
import os, sys
os.mkfifo("out.csv")
sys.argv = ["minsheng", "export", "-f", "csv", "-o", "out.csv", "--force"]
from minsheng_cli.cli import main
main()
"""
    done = _wr_subprocess(code, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "错误：out.csv：这是命名管道（FIFO），不是普通文件，未写入" in done.stderr
    assert "Traceback" not in done.stderr
    assert _wr_listing(tmp_path) == ["out.csv"]


@pytest.mark.parametrize("extra", [[], ["--force"]])
def test_write_refuses_a_device(extra: list[str]) -> None:
    result = _wr_run("-f", "md", "-o", "/dev/null", *extra)
    _wr_fails(result, "错误：/dev/null：这是设备文件，不是普通文件，未写入")
    assert "导出只写入普通文件，--force 也只替换普通文件" in result.output


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_write_force_keeps_the_mode(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"old")
    target.chmod(0o640)
    result = _wr_run("-f", fmt, "-o", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o7777 == 0o640
    assert target.read_bytes() != b"old"


@pytest.fixture
def _wr_umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)

    def set_umask(mask: int) -> None:
        os.umask(mask)

    yield set_umask
    os.umask(old)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_write_new_files_follow_the_umask(
    umask: int, mode: int, tmp_path: Path, _wr_umask: Callable[[int], None]
) -> None:
    _wr_umask(umask)
    result = _wr_run("-f", "json", "--split-by", "category", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "out").iterdir())
    assert len(files) == 10
    assert {f.stat().st_mode & 0o777 for f in files} == {mode}


# ------------------------------------------------ item 3: exclusive temporary files


def test_write_temporary_never_follows_a_planted_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("不可改动", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.csv"
    # An attacker guesses the next temporary name and plants a symlink there.
    names = iter(["deadbeef", "deadbeef", "cafebabe"])
    monkeypatch.setattr(secrets, "token_hex", lambda _n: next(names))
    (folder / ".out.csv.deadbeef.tmp").symlink_to(victim)
    atomic_write(target, _wr_writes(b"ours"))
    assert target.read_bytes() == b"ours"
    assert victim.read_text(encoding="utf-8") == "不可改动"
    assert _wr_listing(folder) == [".out.csv.deadbeef.tmp", "out.csv"]


# --------------------------------------------- item 4: cleanup on every exit path


@pytest.mark.parametrize("exc", [RuntimeError("bug"), KeyboardInterrupt()])
def test_write_failure_in_the_writer_leaves_nothing(tmp_path: Path, exc: BaseException) -> None:
    def write(stream: IO[bytes]) -> None:
        stream.write(b"half")
        raise exc

    with pytest.raises(type(exc)):
        atomic_write(tmp_path / "out.csv", write)
    assert _wr_listing(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_write_interrupt_on_disk_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    target = tmp_path / "out.csv"
    if force:
        target.write_bytes(b"old")
    monkeypatch.setattr(os, "fsync", _wr_raise_on_call(1, KeyboardInterrupt(), os.fsync))
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, _wr_writes(b"new"), force=force)
    assert _wr_listing(tmp_path) == (["out.csv"] if force else [])
    if force:
        assert target.read_bytes() == b"old"


_WR_SIGNAL_CODE = """
import os, signal, sys
sys.argv = ["minsheng", "export", "-f", "{fmt}"]
{patch}
from minsheng_cli.cli import main
main()
"""
# SIGINT while openpyxl is writing the zip; SIGTERM while the file is on its way to disk.
_WR_SIGNALS = [
    (
        "xlsx",
        "import openpyxl.writer.excel as w\n"
        "real = w.ExcelWriter.write_worksheet\n"
        "def stop(self, ws):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(self, ws)\n"
        "w.ExcelWriter.write_worksheet = stop",
    ),
    (
        "xlsx",
        "real = os.fsync\n"
        "def stop(fd):\n"
        "    real(fd)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "os.fsync = stop",
    ),
    (
        "docx",
        "real = os.fsync\n"
        "def stop(fd):\n"
        "    real(fd)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "os.fsync = stop",
    ),
]


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize(
    ("fmt", "patch"), _WR_SIGNALS, ids=["sigint-zip", "sigterm-disk", "sigint-docx"]
)
def test_write_signal_during_export_cleans_up(tmp_path: Path, fmt: str, patch: str) -> None:
    done = _wr_subprocess(_WR_SIGNAL_CODE.format(fmt=fmt, patch=patch), tmp_path)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().endswith("已取消"), done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert _wr_listing(tmp_path) == []


def test_write_interrupted_split_lists_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(os, "fsync", _wr_raise_on_call(3, KeyboardInterrupt(), os.fsync))
    result = _wr_run("-f", "csv", "--split-by", "category", "-o", str(out))
    _wr_clean(result)
    assert result.exit_code == 130
    assert result.output.endswith("已取消\n")
    written = _wr_listing(out)
    assert len(written) == 2 and not _wr_tmp_files(out)
    assert "导出中断，10 个文件中已写入 2 个：" in result.output
    for name in written:
        assert f"  {out / name}" in result.output


def test_write_removes_only_its_own_stale_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    day_and_a_bit = time.time() - 25 * 3600
    stale = [".表.xlsx.0123abcd.tmp", ".表.csv.k2x_9qzm.tmp"]  # ours, and tempfile's of old
    kept = [
        ".表.xlsx.89abcdef.tmp",  # fresh: a run may still be writing it
        ".notes.tmp",  # not our pattern
        ".notes.txt.0123abcd.tmp",  # not an export's
        "表.0123abcd.tmp",  # not hidden: not ours
        "表.xlsx",
    ]
    for name in stale + kept:
        (out / name).write_bytes(b"x")
        if name != ".表.xlsx.89abcdef.tmp":
            os.utime(out / name, (day_and_a_bit, day_and_a_bit))
    (out / ".link.xlsx.fedcba98.tmp").symlink_to(out / "表.xlsx")
    os.utime(out / ".link.xlsx.fedcba98.tmp", (day_and_a_bit,) * 2, follow_symlinks=False)
    kept.append(".link.xlsx.fedcba98.tmp")
    result = _wr_run("-f", "md", "-o", str(out / "new.md"))
    _wr_clean(result)
    assert result.exit_code == 0, result.output
    assert "已清理 2 个中断的导出遗留的临时文件" in result.output
    assert _wr_listing(out) == sorted([*kept, "new.md"])


# --------------------------------------------------------- item 5: Excel's limits


def test_write_xlsx_refuses_a_cell_excel_would_truncate(
    notice: Notice, seed_text: str, tmp_path: Path
) -> None:
    length = 40_000 + len(notice.tasks[0].content)
    notice_path = _wr_long_content(seed_text, tmp_path, 40_000)
    out = tmp_path / "out"
    for extra in ([], ["--split-by", "unit"]):
        result = _wr_run(
            "-f", "xlsx", "--notice", str(notice_path), "-o", str(out / "表.xlsx"), *extra
        )
        _wr_fails(result, f"错误：第 1 项的“工作内容”有 {length} 字，")
        assert "超过 Excel 单元格上限 32767 字，未写入 xlsx" in result.output
        assert "请改用 --format docx、csv 或 json 导出，不会截断。" in result.output
        assert not out.exists()  # checked before any folder or file was made
    # The other formats keep every character.
    result = _wr_run("-f", "json", "--notice", str(notice_path), "-o", str(tmp_path / "表.json"))
    assert result.exit_code == 0, result.output
    assert "长" * 40_000 in (tmp_path / "表.json").read_text(encoding="utf-8")


def test_write_xlsx_rows_stay_within_excel_height(notice: Notice) -> None:
    tasks = [notice.tasks[0].model_copy(update={"content": "长" * 30_000}), *notice.tasks[1:3]]
    stream = io.BytesIO()
    write_xlsx(ExportDocument(meta=notice.meta, tasks=tasks, title="分工表"), stream)
    ws = load_workbook(io.BytesIO(stream.getvalue()))["分工表"]
    assert isinstance(ws, Worksheet)
    heights = [d.height for d in ws.row_dimensions.values() if d.height is not None]
    assert max(heights) == MAX_ROW_HEIGHT
    assert ws.cell(row=4, column=3).value == "长" * 30_000


# ------------------------------------------------ item 6: text is data, not markup


_WR_HOSTILE = '<img src=x onerror="alert(1)">[点我](javascript:alert(1))**粗**<script>x</script>'


def test_write_markdown_shows_html_and_links_as_text(notice: Notice) -> None:
    task = notice.tasks[0].model_copy(
        update={"content": _WR_HOSTILE + "\n第二行", "units": ["<b>单位</b>"]}
    )
    document = ExportDocument(
        meta=notice.meta, tasks=[task], title="<img src=y onerror=t()>", subtitle="a|b"
    )
    stream = io.BytesIO()
    write_markdown(document, stream)
    markdown = stream.getvalue().decode("utf-8")
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    for tag in ("<img", "<script", "<a ", "<b>", "<strong>"):
        assert tag not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;[点我](javascript:alert(1))**粗**" in html
    assert "&lt;img src=y onerror=t()&gt;</h1>" in html
    assert html.count("<tr>") == 2  # the header and one task: no row broken open


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("\x1b=1+1", "'=1+1"),
        (" =1+1", "' =1+1"),
        ("\x00\x07\u3000-2", "'\u3000-2"),
        ("\r\n@SUM(A1)", "'\n@SUM(A1)"),
        ("\t+1", "'\t+1"),
        ("a\x1b]0;标题\x07b\x1b[31m红", "a]0;标题b[31m红"),
        ("\u202egnp.exe", "gnp.exe"),
        ("\x9b31m", "31m"),
        ("正常\n换行", "正常\n换行"),
        ("1-2", "1-2"),
        (42, 42),
    ],
)
def test_write_csv_strips_controls_and_quotes_formulas(value: str | int, safe: str | int) -> None:
    assert csv_safe(value) == safe


@pytest.mark.parametrize(
    ("content", "value", "quoted"),
    [
        ("\x1b=1+1", "=1+1", True),
        ("  \x07=cmd|' /C calc'!A0", "  =cmd|' /C calc'!A0", True),
        ("\u202e=1", "=1", True),
        ("文\x1b[31m字\x85", "文[31m字", False),
    ],
)
def test_write_xlsx_cells_hold_text_not_formulas_or_controls(
    notice: Notice, content: str, value: str, quoted: bool
) -> None:
    task = notice.tasks[0].model_copy(update={"content": content})
    stream = io.BytesIO()
    write_xlsx(ExportDocument(meta=notice.meta, tasks=[task], title="分工表"), stream)
    ws = load_workbook(io.BytesIO(stream.getvalue()))["分工表"]
    assert isinstance(ws, Worksheet)
    cell = ws.cell(row=4, column=3)
    assert cell.value == value
    assert cell.data_type == "s"
    assert cell.quotePrefix is quoted


# --------------------------------------------- item 7: our own error, no traceback


def test_write_under_a_path_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "somefile"
    blocker.write_text("x", encoding="utf-8")
    for output in (blocker / "out.xlsx", blocker / "sub" / "out.xlsx"):
        result = _wr_run("-f", "xlsx", "-o", str(output))
        _wr_fails(result, f"错误：{output}：“{blocker}”是一个文件，不是文件夹，未写入")
    result = _wr_run("-f", "csv", "--split-by", "unit", "-o", str(blocker))
    _wr_fails(result, f"“{blocker}”是一个文件，不是文件夹，未写入")
    assert _wr_listing(tmp_path) == ["somefile"]


def test_write_name_too_long(tmp_path: Path) -> None:
    target = tmp_path / ("长" * 100 + ".csv")  # 304 bytes: over every file system's 255
    result = _wr_run("-f", "csv", "-o", str(target))
    _wr_fails(result, f"错误：{target}：文件名太长，超出了文件系统的上限，未写入")
    assert "请用 -o 指定短一些的文件名。" in result.output
    assert _wr_listing(tmp_path) == []


def test_write_default_names_fit_the_file_system(notice: Notice, tmp_path: Path) -> None:
    long_title = notice.meta.model_copy(update={"attachment_title": "很长的标题" * 60})
    planned = plan_export(
        notice.model_copy(update={"meta": long_title}),
        TaskFilter(),
        ExportFormat.xlsx,
        output=tmp_path,
        split_by=SplitBy.unit,
    )
    assert all(len(p.path.name.encode()) <= 255 - 14 for p in planned)  # room for the temp
    assert len({p.path for p in planned}) == len(planned)


def test_write_without_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:  # root writes anyway: deny creating files as the kernel would
        real = os.open

        def deny(path: Any, flags: int, *args: Any) -> int:
            if flags & os.O_CREAT and Path(path).parent == folder:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, flags, *args)

        monkeypatch.setattr(os, "open", deny)
    try:
        result = _wr_run("-f", "docx", "-o", str(folder / "表.docx"))
        _wr_fails(result, f"错误：{folder / '表.docx'}：没有写入权限，未写入")
        assert _wr_listing(folder) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_full_disk(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / f"表.{fmt}"
    target.write_bytes(b"old")

    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    result = _wr_run("-f", fmt, "-o", str(target), "--force")
    _wr_fails(result, f"错误：{target}：磁盘空间不足，未写入\n请腾出空间后重试；原有文件没有改动。")
    assert target.read_bytes() == b"old"
    assert _wr_listing(tmp_path) == [f"表.{fmt}"]


@pytest.mark.parametrize("output", ["/dev/stdout", "-"])
def test_write_text_to_stdout(output: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _wr_run("-f", "csv", "-o", output, "--unit", "市民政局")
    _wr_clean(result)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == 16
    assert _wr_listing(tmp_path) == []


def test_write_xlsx_to_piped_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _wr_run("-f", "xlsx", "-o", "-")
    assert result.exit_code == 0, result.output
    ws = load_workbook(io.BytesIO(result.stdout_bytes))["分工表"]
    assert isinstance(ws, Worksheet) and ws.max_row == 3 + 80


def test_write_binary_refuses_a_terminal(notice: Notice) -> None:
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    planned = plan_export(notice, TaskFilter(), ExportFormat.docx, output="/dev/stdout")
    with pytest.raises(ExportError, match="docx 是二进制文件，不能显示在终端上"):
        list(write_planned(planned, ExportFormat.docx, stdout=Terminal()))


def test_write_split_to_stdout_is_refused() -> None:
    result = _wr_run("-f", "csv", "--split-by", "unit", "-o", "-")
    _wr_fails(result, "错误：--split-by 写出多个文件，须用 -o 指定文件夹，不能写到标准输出")


# ---------------------------------------------------- item 8: -o names a folder


def test_write_trailing_slash_means_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _wr_run("-f", "md", "-o", "newdir/sub/")
    _wr_clean(result)
    assert result.exit_code == 0, result.output
    made = Path("newdir") / "sub" / f"{FULL_NAME}.md"
    assert made.is_file()
    assert result.stdout.strip() == str(made)
    assert "已创建文件夹 newdir\n已创建文件夹 newdir/sub\n" in result.output
    assert _wr_listing(tmp_path) == ["newdir"]


def test_write_into_an_existing_folder(tmp_path: Path) -> None:
    result = _wr_run("-f", "json", "-o", str(tmp_path), "--month", "10")
    assert result.exit_code == 0, result.output
    assert _wr_listing(tmp_path) == [f"{FULL_NAME}-10月到期.json"]
    assert "已创建文件夹" not in result.output


def test_write_missing_parents_are_created_and_named(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "表.csv"
    result = _wr_run("-f", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.is_file()
    assert f"已创建文件夹 {tmp_path / 'a'}\n已创建文件夹 {tmp_path / 'a' / 'b'}\n" in result.output


# ----------------------------------------- item 9: split files say their filters


def test_write_split_names_and_subtitles_say_the_filters(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _wr_run("-f", "md", "--split-by", "unit", "--month", "10", "-o", str(out))
    assert result.exit_code == 0, result.output
    path = out / f"{FULL_NAME}-各县（市）区-10月到期.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[2] == "各县（市）区（牵头1项，配合4项）；筛选条件：10月到期"
    assert all(name.endswith("-10月到期.md") for name in _wr_listing(out))


def test_write_split_by_category_with_filters(notice: Notice) -> None:
    planned = plan_export(notice, TaskFilter(month=10), ExportFormat.csv, split_by=SplitBy.category)
    first = planned[0]
    assert first.path.parent == Path(f"{FULL_NAME}-按类别-10月到期")
    assert first.path.name == f"{FULL_NAME}-困难救助-10月到期.csv"
    assert first.document.subtitle == "类别：困难救助（1项）；筛选条件：10月到期"


# ---------------------------------- item 10: without POSIX-only names (as on Windows)


@pytest.fixture
def _wr_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fs, "O_NOFOLLOW", 0)
    monkeypatch.setattr(_fs, "O_NONBLOCK", 0)
    for name in ("link", "fchmod", "getuid"):
        monkeypatch.delattr(os, name, raising=False)


@pytest.mark.usefixtures("_wr_windows")
def test_write_without_posix_names_still_refuses_and_completes(tmp_path: Path) -> None:
    target = tmp_path / "表.xlsx"
    result = _wr_run("-f", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert load_workbook(target)["分工表"].max_row == 3 + 80
    written = target.read_bytes()
    _wr_fails(_wr_run("-f", "xlsx", "-o", str(target)), "文件已存在")
    assert target.read_bytes() == written
    target.chmod(0o640)
    result = _wr_run("-f", "xlsx", "-o", str(target), "--force", "--unit", "市民政局")
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o640
    assert load_workbook(target)["分工表"].max_row == 3 + 15
    assert _wr_listing(tmp_path) == ["表.xlsx"]


@pytest.mark.parametrize("platform", ["posix", "windows"])
def test_write_never_replaces_a_file_that_appeared(
    platform: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if platform == "windows":  # no hard links: the name is claimed with O_EXCL instead
        request.getfixturevalue("_wr_windows")
    target = tmp_path / "out.csv"

    def write(stream: IO[bytes]) -> None:
        target.write_bytes(b"someone else")  # created while we were writing
        stream.write(b"ours")

    with pytest.raises(ExportError, match="文件已存在"):
        atomic_write(target, write)
    assert target.read_bytes() == b"someone else"
    assert _wr_listing(tmp_path) == ["out.csv"]


@pytest.mark.usefixtures("_wr_windows")
def test_write_without_posix_names_removes_stale_temporaries(tmp_path: Path) -> None:
    stale = tmp_path / ".表.csv.0123abcd.tmp"
    stale.write_bytes(b"x")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    assert export_files.remove_stale_temporaries([tmp_path]) == [stale]
    assert _wr_listing(tmp_path) == []


# ------------------------------ item 11: a subset never takes the whole table's name


@pytest.mark.parametrize(
    "task_filter",
    [
        TaskFilter(category=""),
        TaskFilter(category="未标注"),
        TaskFilter(units=("民政局",), lead=True),
        TaskFilter(search="  医疗  "),
        TaskFilter(quarter=1),
        TaskFilter(month=10, category="困难救助"),
    ],
)
def test_write_subset_never_takes_the_full_name(notice: Notice, task_filter: TaskFilter) -> None:
    [planned] = plan_export(notice, task_filter, ExportFormat.csv)
    assert len(select(notice, task_filter)) < len(notice.tasks)
    assert planned.path != Path(f"{FULL_NAME}.csv")
    assert planned.document.subtitle


def test_write_prepare_creates_nothing_when_refusing(notice: Notice, tmp_path: Path) -> None:
    planned = plan_export(
        notice, TaskFilter(), ExportFormat.csv, output=tmp_path / "x" / "y" / "表.csv"
    )
    prepared = prepare_targets(planned)
    assert prepared.created == [tmp_path / "x", tmp_path / "x" / "y"]
    (tmp_path / "x" / "y" / "表.csv").write_text("填写过", encoding="utf-8")
    other = plan_export(notice, TaskFilter(), ExportFormat.csv, output=tmp_path / "z" / "表.csv")
    with pytest.raises(ExportError, match="文件已存在"):
        prepare_targets([*other, *planned])
    assert not (tmp_path / "z").exists()


def test_write_empty_output_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _wr_run("-f", "csv", "-o", "")
    _wr_clean(result)
    assert result.exit_code == 2
    assert "--output" in result.output and "不能为空" in result.output
    assert _wr_listing(tmp_path) == []


# ================================================================================================
# Output: notice text is data in the terminal; options; interruption; encodings
# ================================================================================================

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
    tasks = query.select(notice, query.TaskFilter(units=("市民政局",)))
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
        preexec_fn=_sigint_as_at_a_terminal if os.name != "nt" else None,
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
    from minsheng_cli.notice.loader import load_notice

    memo: dict[tuple[object, object, object], object] = {}

    def cached(notice: object = None, *, year: object = None, overlay: object = None) -> object:
        key = (notice, year, overlay)
        if key not in memo:
            memo.clear()
            memo[key] = load_notice(notice, year=year, overlay=overlay)  # type: ignore[arg-type]
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
