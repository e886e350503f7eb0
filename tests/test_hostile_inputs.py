"""Hostile inputs (issue 6): bounded reads, linear parsing, lenient decoding, a safe cache."""

from __future__ import annotations

import ast
import codecs
import errno
import importlib
import os
import pkgutil
import re
import secrets
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import minsheng_cli
from minsheng_cli import (
    MinshengError,
    Notice,
    NoticeError,
    _fs,
    cache,
    deadlines,
    load_notice,
    units,
)
from minsheng_cli.cli import app
from minsheng_cli.loader import bundled_notice_path
from minsheng_cli.parser import parse_notice
from minsheng_cli.source import NOTICE_LIMIT, SourceText, read_source, split_lines

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
        patch.setattr("minsheng_cli.source.NOTICE_LIMIT", len(data))
        assert len(load_notice(path).tasks) == 80
        patch.setattr("minsheng_cli.source.NOTICE_LIMIT", len(data) - 1)
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
_IN_FULLMATCH_ONLY = {
    "minsheng_cli._fs._OUR_TEMPORARY",
    "minsheng_cli.export.files._EXPORT_TEMPORARY",
}


def test_input_pattern_audit_found_the_known_patterns() -> None:
    # A guard on the collector itself: the property test below must see these.
    for name in ("metadata._DOC_NUMBER", "parser._LABEL", "table._ROW_NUMBER", "metadata._TOTALS"):
        assert f"minsheng_cli.{name}" in _IN_PATTERNS
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
    "platformdirs missing": _in_no_platformdirs,
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
    for name in ("parser.py", "cli/app.py", "export/xlsx.py", "data/deadlines.toml"):
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
_IN_MINE = ["source", "loader", "metadata", "parser", "table", "numerals", "deadlines"]
_IN_MINE += ["units", "cache", "_data", "models"]


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
