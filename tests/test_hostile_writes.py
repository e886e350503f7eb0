"""Hostile and unlucky writes: colliding names, odd targets, full disks, interruptions.

Each case asserts our own exit code and Chinese message, no traceback, and that nothing
outside the target was touched. Anything that could block runs in a subprocess with a
time limit.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner, Result

from minsheng_cli import ExportError, Notice, _fs
from minsheng_cli.cli import app
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export import files as export_files
from minsheng_cli.export._xlsx_cells import MAX_ROW_HEIGHT
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.files import atomic_write, unique_paths
from minsheng_cli.export.plan import plan_export, prepare_targets, write_planned
from minsheng_cli.export.text import write_markdown
from minsheng_cli.export.xlsx import write_xlsx
from minsheng_cli.query import TaskFilter, select
from minsheng_cli.serialize import csv_safe

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


def _wr_subprocess(code: str, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter: for real signals, FIFOs and devices."""
    env = {**os.environ, "MINSHENG_NO_CACHE": "1", "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
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
        TaskFilter(unit="民政局", lead=True),
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
