"""The ledger's SQLite store: creation, append-only records, migrations, refusal, upkeep."""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from minsheng_cli import Notice
from minsheng_cli.errors import LedgerError
from minsheng_cli.ledger import location
from minsheng_cli.ledger.records import FileSource, Report, Status
from minsheng_cli.ledger.schedule import task_states
from minsheng_cli.ledger.store import MIGRATIONS, SCHEMA_VERSION, Ledger, expected_schema

from .conftest import DATA

JUNE30 = dt.date(2015, 6, 30)


def _ledger_report(
    task: int = 18, unit: str = "市民政局", percent: int = 40, **extra: Any
) -> Report:
    fields: dict[str, object] = {
        "task": task,
        "unit": unit,
        "status": Status.IN_PROGRESS,
        "percent": percent,
        "as_of": JUNE30,
    }
    fields.update(extra)
    return Report.model_validate(fields)


def _ledger_dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _ledger_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_ledger_reading_a_missing_ledger_creates_nothing(tmp_path: Path, notice: Notice) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    assert ledger.reports(notice) == []
    assert ledger.latest(notice, JUNE30) == []
    assert ledger.changed_tasks(notice) == []
    assert ledger.stored_identity() is None
    assert ledger.version is None
    assert _ledger_files(tmp_path) == []


def test_ledger_identity_is_created_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as first:
        ledger_id, key = first.identity()
    with Ledger.open(path) as again:
        assert again.identity() == (ledger_id, key)
        assert again.stored_identity() == (ledger_id, key)
        assert (again.ledger_id(), again.signing_key()) == (ledger_id, key)
    assert len(key) == 32 and len(ledger_id) == 32
    assert Ledger(tmp_path / "other.sqlite3").identity()[0] != ledger_id


def test_ledger_append_is_all_or_nothing(tmp_path: Path, notice: Notice) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.append(notice, [_ledger_report(percent=10)])
    before = _ledger_dump(path)
    bad = Report.model_construct(**{**_ledger_report().__dict__, "percent": 150})
    with Ledger(path) as ledger, pytest.raises(LedgerError, match="本次没有记入任何内容"):
        ledger.append(notice, [_ledger_report(percent=60), bad])
    assert _ledger_dump(path) == before


# (what the second report changes, how many it adds)
DUPLICATES: list[tuple[dict[str, Any], int]] = [
    ({}, 0),
    ({"percent": 41}, 1),
    ({"note": "新进展"}, 1),
    ({"as_of": dt.date(2015, 6, 29)}, 1),
    ({"unit": "船营区"}, 1),
    ({"source": FileSource(file="a.xlsx", sha256="00", sheet="事项", row=3)}, 0),
]


@pytest.mark.parametrize(("change", "added"), DUPLICATES)
def test_ledger_a_report_like_the_units_latest_for_that_date_adds_nothing(
    tmp_path: Path, notice: Notice, change: dict[str, Any], added: int
) -> None:
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        assert ledger.pending(notice, [_ledger_report()]) == [_ledger_report()]
        assert ledger.append(notice, [_ledger_report()]) == 1
        assert len(ledger.pending(notice, [_ledger_report(**change)])) == added  # the same rule
        assert ledger.append(notice, [_ledger_report(**change)]) == added
        assert len(ledger.reports(notice)) == 1 + added
        # the same batch twice in one call adds each once
        assert len(ledger.pending(notice, [_ledger_report(percent=70)] * 2)) == 1
        assert ledger.append(notice, [_ledger_report(percent=70)] * 2) == 1


def test_ledger_a_correction_is_a_new_record_and_the_old_one_stays(
    tmp_path: Path, notice: Notice
) -> None:
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.append(notice, [_ledger_report(percent=40)])
        ledger.append(notice, [_ledger_report(percent=20)])
        ledger.append(notice, [_ledger_report(percent=40)])  # back to 40: recorded again
        assert [r.percent for r in ledger.reports(notice, task=18)] == [40, 20, 40]
        (latest,) = ledger.latest(notice, JUNE30)
        assert latest.percent == 40


@pytest.mark.parametrize(
    "statement",
    ["UPDATE reports SET percent = 100", "DELETE FROM reports", "DELETE FROM reports WHERE id = 1"],
)
def test_ledger_reports_cannot_be_updated_or_deleted(
    tmp_path: Path, notice: Notice, statement: str
) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.append(notice, [_ledger_report()])
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()
    assert len(Ledger(path).reports(notice)) == 1


def _ledger_from_fixture(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript((DATA / "ledger_v1.sql").read_text(encoding="utf-8"))
    conn.close()


def test_ledger_fixture_is_the_first_schema(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    _ledger_from_fixture(path)
    first = sqlite3.connect(":memory:")
    for statement in MIGRATIONS[0]:
        first.execute(statement)
    query = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    conn = sqlite3.connect(path)
    assert conn.execute(query).fetchall() == first.execute(query).fetchall()
    assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    conn.close()


def test_ledger_migrates_a_ledger_of_the_first_schema(tmp_path: Path, notice: Notice) -> None:
    path = tmp_path / "v1.sqlite3"
    _ledger_from_fixture(path)
    with Ledger(path) as ledger:
        history = ledger.reports(notice)
        assert ledger.version == SCHEMA_VERSION
        assert ledger.check() == []
        assert ledger.stored_identity() == ("0123456789abcdef0123456789abcdef", bytes(range(32)))
        assert [(r.unit, r.percent) for r in history] == [
            ("市民政局", 30),
            ("船营区", 50),
            ("市民政局", 40),
        ]
        assert history[1].source == FileSource(
            file="船营区.xlsx", sha256="ab12", sheet="事项", row=5
        )
        latest = ledger.latest(notice, JUNE30)  # the new table of reporters was filled in
        assert sorted((r.unit, r.percent) for r in latest) == [("市民政局", 40), ("船营区", 50)]
        assert ledger.append(notice, [_ledger_report(percent=45)]) == 1
        assert ledger.append(notice, [_ledger_report(percent=45)]) == 0


def test_ledger_written_by_a_newer_version_is_refused_and_untouched(
    tmp_path: Path, notice: Notice
) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.append(notice, [_ledger_report()])
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    actions: list[Callable[[Ledger], object]] = [
        lambda ledger: ledger.reports(notice),
        lambda ledger: ledger.append(notice, [_ledger_report(percent=1)]),
        lambda ledger: ledger.identity(),
    ]
    for action in actions:
        with Ledger(path) as ledger, pytest.raises(LedgerError) as caught:
            action(ledger)
        assert "由更新版本的 minsheng 写入" in caught.value.message
        assert f"结构版本 {SCHEMA_VERSION + 1}" in caught.value.message
    assert path.read_bytes() == before


def _ledger_other_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()


FOREIGN = [
    (lambda p: p.write_text("序号,工作内容\n1,x\n", encoding="utf-8"), "不是 SQLite 数据库文件"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200), "不是 SQLite 数据库文件"),
    (_ledger_other_database, "是 SQLite 数据库，但不是 minsheng 台账"),
    (lambda p: p.mkdir(), "是文件夹，不是台账文件"),
]


@pytest.mark.parametrize(("make", "message"), FOREIGN)
def test_ledger_refuses_what_is_not_a_ledger(
    tmp_path: Path, notice: Notice, make: object, message: str
) -> None:
    path = tmp_path / "ledger.sqlite3"
    make(path)  # type: ignore[operator]
    before = path.read_bytes() if path.is_file() else None
    with Ledger(path) as ledger, pytest.raises(LedgerError, match=message):
        ledger.append(notice, [_ledger_report()])
    assert (path.read_bytes() if path.is_file() else None) == before


def test_ledger_a_missing_folder_is_named(tmp_path: Path, notice: Notice) -> None:
    with pytest.raises(LedgerError, match="台账所在的文件夹 .* 不存在"):
        Ledger(tmp_path / "no" / "ledger.sqlite3").append(notice, [_ledger_report()])
    assert _ledger_files(tmp_path) == []


def test_ledger_backup_copies_and_never_overwrites(tmp_path: Path, notice: Notice) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.append(notice, [_ledger_report(), _ledger_report(unit="船营区")])
        ledger.backup(tmp_path / "copy.sqlite3")
        with pytest.raises(LedgerError, match="已存在"):
            ledger.backup(tmp_path / "copy.sqlite3")
    with Ledger(tmp_path / "copy.sqlite3") as copy:
        assert copy.reports(notice) == Ledger(path).reports(notice)
        assert copy.check() == []
    assert not [n for n in _ledger_files(tmp_path) if n.endswith(".tmp")]
    with pytest.raises(LedgerError, match="还不存在"):
        Ledger(tmp_path / "missing.sqlite3").backup(tmp_path / "b.sqlite3")


def test_ledger_check_finds_a_schema_unlike_the_migrations(tmp_path: Path, notice: Notice) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.append(notice, [_ledger_report()])
        assert ledger.check() == []
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER reports_append_only_delete")
    conn.close()
    assert Ledger(path).check() == ["表、索引或触发器与各步迁移建立的结构不一致"]
    assert len(expected_schema()) == 11  # 5 tables, 2 indexes, 4 triggers


def test_ledger_a_damaged_file_is_our_error(tmp_path: Path, notice: Notice) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.bulk_append(notice, [_ledger_report(percent=p % 100) for p in range(3000)])
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page but the schema's
    path.write_bytes(bytes(data))
    with Ledger(path) as ledger:
        try:
            problems = ledger.check()
        except LedgerError:
            problems = ["refused"]
        assert problems
        with pytest.raises(LedgerError):
            ledger.reports(notice)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ledger_latest_gives_the_states_the_whole_history_gives(
    tmp_path: Path, notice: Notice, seed: int
) -> None:
    rng = random.Random(seed)
    pairs = [(t.number, r.name) for t in notice.tasks for r in t.recipients]
    reports = []
    for _ in range(400):
        task, unit = rng.choice(pairs)
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 240))
        reports.append(_ledger_report(task, unit, rng.randint(0, 99), as_of=day))
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        for start in range(0, 400, 50):  # several transactions, so recording times differ
            ledger.append(notice, reports[start : start + 50])
        history = ledger.reports(notice)
        for as_of in (dt.date(2015, 3, 1), JUNE30, dt.date(2015, 12, 31)):
            latest = ledger.latest(notice, as_of)
            assert task_states(notice, latest, as_of) == task_states(notice, history, as_of)
            assert {(r.task, r.unit) for r in latest} <= {(r.task, r.unit) for r in history}


def test_ledger_snapshot_names_the_tasks_that_changed(tmp_path: Path, notice: Notice) -> None:
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.append(notice, [_ledger_report()])
        assert ledger.changed_tasks(notice) == []
        tasks = list(notice.tasks)
        tasks[17] = tasks[17].model_copy(update={"content": "改过的工作内容"})
        tasks[4] = tasks[4].model_copy(update={"units": ["市民政局"]})
        changed = notice.model_copy(update={"tasks": tasks[:-1]})
        assert ledger.changed_tasks(changed) == [5, 18, 80]
        assert ledger.reports(changed)  # progress still belongs to the same notice


def test_ledger_keeps_each_notices_progress_apart(tmp_path: Path, notice: Notice) -> None:
    meta = notice.meta.model_copy(update={"document_number": "吉市政办发〔2016〕1号"})
    other = notice.model_copy(update={"meta": meta})
    undated = notice.model_copy(
        update={"meta": notice.meta.model_copy(update={"document_number": None})}
    )
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.append(notice, [_ledger_report(percent=40)])
        ledger.append(other, [_ledger_report(percent=60)])
        ledger.append(undated, [_ledger_report(percent=70)])
        assert [r.percent for r in ledger.reports(notice)] == [40]
        assert [r.percent for r in ledger.reports(other)] == [60]
        assert [r.percent for r in ledger.reports(undated)] == [70]


def test_ledger_location_follows_db_then_env_then_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(location.ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = location.ledger_path(None)
    assert default.name == "ledger.sqlite3" and "minsheng" in default.parts
    if sys.platform.startswith("linux"):
        assert default == tmp_path / "data" / "minsheng" / "ledger.sqlite3"
    assert location.is_default(default)
    monkeypatch.setenv(location.ENV, str(tmp_path / "env.sqlite3"))
    assert location.ledger_path(None) == tmp_path / "env.sqlite3"
    assert location.ledger_path(tmp_path / "db.sqlite3") == tmp_path / "db.sqlite3"


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_ledger_file_follows_the_umask(
    tmp_path: Path, notice: Notice, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        with Ledger(tmp_path / "ledger.sqlite3") as ledger:
            ledger.append(notice, [_ledger_report()])
    finally:
        os.umask(old)
    assert (tmp_path / "ledger.sqlite3").stat().st_mode & 0o777 == mode
