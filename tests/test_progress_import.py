"""Issue 8 end to end: export signed workbooks, fill one in, import it, see the lights."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from minsheng_cli.cli import app

runner = CliRunner()
TITLE = "吉林市2015年改善民生事项及责任分工表"


def _run(args: list[str], db: Path) -> Result:
    return runner.invoke(app, [*args, "--db", str(db)])


def _fill(path: Path, rows: dict[int, tuple[str, int]], date: str = "2015-06-30") -> None:
    """Type status, percent and 填报日期 into the rows of the given tasks, as a unit would."""
    book = load_workbook(path)
    sheet = book["分工表"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    columns = {sheet.cell(header, c).value: c for c in range(1, sheet.max_column + 1)}
    for row in range(header + 1, sheet.max_row + 1):
        number = str(sheet.cell(row, 1).value)
        if number.isdigit() and int(number) in rows:
            status, percent = rows[int(number)]
            sheet.cell(row, columns["状态"]).value = status
            sheet.cell(row, columns["完成进度（%）"]).value = percent
            sheet.cell(row, columns["填报日期"]).value = date
    book.save(path)


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "台账.db"
    result = _run(["export", "-f", "xlsx", "--split-by", "unit", "-o", str(tmp_path / "分发")], db)
    assert result.exit_code == 0, result.output
    return tmp_path / "分发", db


@pytest.fixture
def one(tmp_path: Path) -> tuple[Path, Path]:
    """Only 市民政局's workbook, where a test needs no other: exporting all 45 takes seconds."""
    db = tmp_path / "台账.db"
    folder = tmp_path / "分发"
    folder.mkdir()
    target = folder / f"{TITLE}-市民政局.xlsx"
    result = _run(["export", "-f", "xlsx", "-u", "市民政局", "-o", str(target)], db)
    assert result.exit_code == 0, result.output
    return folder, db


def _lights(db: Path, *extra: str) -> dict[int, tuple[float | None, str]]:
    result = _run(["progress", "list", "--as-of", "2015-06-30", "--format", "json", *extra], db)
    assert result.exit_code == 0, result.output
    return {
        r["number"]: (r["schedule"]["expected_percent"], r["schedule"]["light"])
        for r in json.loads(result.stdout)
    }


def test_the_monthly_cycle(exported: tuple[Path, Path]) -> None:
    folder, db = exported
    assert len(list(folder.glob("*.xlsx"))) == 45
    mine = folder / f"{TITLE}-市民政局.xlsx"
    _fill(mine, {18: ("推进中", 40), 19: ("推进中", 50)})
    result = _run(["progress", "import", str(mine)], db)
    assert result.exit_code == 0, result.output
    assert "已记入台账 2 条填报" in result.stdout
    lights = _lights(db, "--unit", "市民政局")
    assert lights[19] == (49.5, "green")
    assert lights[18] == (59.4, "yellow")
    again = _run(["progress", "import", str(mine)], db)
    assert again.exit_code == 0, again.output
    assert "未重复记录" in again.stdout
    _fill(mine, {18: ("推进中", 20)})
    assert _run(["progress", "import", str(mine)], db).exit_code == 0
    everything = _lights(db)
    assert everything[18] == (59.4, "red")
    assert everything[5][1] == "overdue"


def _dump(db: Path) -> bytes:
    return db.read_bytes() if db.exists() else b""


def test_refused_imports_write_nothing(one: tuple[Path, Path], tmp_path: Path) -> None:
    folder, db = one
    mine = folder / f"{TITLE}-市民政局.xlsx"
    before = _dump(db)
    # A row for a task that is not 市民政局's.
    other = tmp_path / "多一行.xlsx"
    shutil.copy(mine, other)
    book = load_workbook(other)
    sheet = book["分工表"]
    sheet.cell(sheet.max_row + 1, 1).value = 1
    book.save(other)
    _fill(other, {1: ("推进中", 10)})
    # The hidden identity edited to name another unit.
    edited = tmp_path / "改了标识.xlsx"
    shutil.copy(mine, edited)
    book = load_workbook(edited)
    identity = book["工作簿标识"]
    for row in identity.iter_rows():
        for cell in row:
            if cell.value == "市民政局":
                cell.value = "市人社局"
    book.save(edited)
    # One good row and one bad row.
    mixed = tmp_path / "一好一坏.xlsx"
    shutil.copy(mine, mixed)
    _fill(mixed, {18: ("推进中", 40), 19: ("已完成", 60)})
    for path in (other, edited, mixed):
        result = _run(["progress", "import", str(path)], db)
        assert result.exit_code == 1, (path, result.output)
        assert "未导入任何记录" in result.stderr, result.stderr
        assert "Traceback" not in result.output
        assert _dump(db) == before
    _fill(mine, {18: ("推进中", 40)})
    dry = _run(["progress", "import", str(mine), "--dry-run"], db)
    assert dry.exit_code == 0, dry.output
    assert "--dry-run，未写入" in dry.stdout
    assert _dump(db) == before


def test_prefill_starts_from_the_last_answers(one: tuple[Path, Path], tmp_path: Path) -> None:
    folder, db = one
    mine = folder / f"{TITLE}-市民政局.xlsx"
    _fill(mine, {18: ("推进中", 40)})
    assert _run(["progress", "import", str(mine)], db).exit_code == 0
    again = tmp_path / "下月.xlsx"
    result = _run(["export", "-f", "xlsx", "-u", "市民政局", "--prefill", "-o", str(again)], db)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(again)["分工表"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    row = next(r for r in values if r[0] in (18, "18"))
    assert "推进中" in row and 40 in row
    assert "提示" not in _run(["progress", "import", str(again)], db).stdout


def _iterdump(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("where", ["inside the write transaction", "while reading the files"])
def test_an_import_killed_part_way_leaves_the_ledger_as_it_was(
    one: tuple[Path, Path], tmp_path: Path, where: str
) -> None:
    from minsheng_cli.ledger.store import PAUSE_ENV

    folder, db = one
    mine = folder / f"{TITLE}-市民政局.xlsx"
    _fill(mine, {18: ("推进中", 40)})
    assert _run(["progress", "import", str(mine)], db).exit_code == 0
    _fill(mine, {18: ("推进中", 60), 19: ("推进中", 50)})
    before = _iterdump(db)
    marker = tmp_path / "inside"
    env = {**os.environ, "MINSHENG_DB": str(db)}
    if where.startswith("inside"):
        env[PAUSE_ENV] = str(marker)
    # While reading: the workbook 300 times over, seconds of work, so the kill lands part way.
    times = 1 if where.startswith("inside") else 300
    command = [sys.executable, "-m", "minsheng_cli", "progress", "import", *[str(mine)] * times]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        if where.startswith("inside"):
            while not marker.exists():
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the write never started"
                time.sleep(0.02)
        else:
            time.sleep(0.8)  # start-up plus a few of the workbooks
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert _iterdump(db) == before
    again = _run(["progress", "import", str(mine)], db)
    assert again.exit_code == 0, again.output
    assert "已记入台账 2 条填报" in again.stdout
