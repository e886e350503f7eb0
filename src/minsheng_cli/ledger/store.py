"""The ledger's SQLite file: every line of SQL the ledger runs is in this module.

One connection helper (WAL, busy timeout, foreign keys), every write inside
`with conn:` after BEGIN IMMEDIATE, and the schema as numbered migrations
recorded in `PRAGMA user_version`. Reports and actuals (完成值) are only ever
inserted: triggers refuse UPDATE and DELETE on them. The file is created by the first write;
reading a ledger that does not exist finds no reports and creates nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Concatenate, ParamSpec, TypeVar

from minsheng_cli.errors import LedgerError
from minsheng_cli.ledger.location import is_default, ledger_path
from minsheng_cli.ledger.notices import Snapshot, changed_tasks, notice_key, task_snapshot
from minsheng_cli.ledger.records import Actual, FileSource, Report, Status
from minsheng_cli.models import Notice
from minsheng_cli.trusted import assemble

BUSY_SECONDS = 10.0
T = TypeVar("T")

# Each step is a list of statements, applied in one transaction; step N brings the
# schema to version N. Never change a released step: add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
        """CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            title TEXT,
            snapshot TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            notice_id INTEGER NOT NULL REFERENCES notices (id),
            task INTEGER NOT NULL,
            unit TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('未启动', '推进中', '已完成')),
            percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
            note TEXT,
            problems TEXT,
            next_steps TEXT,
            as_of TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source_file TEXT,
            source_sha256 TEXT,
            source_sheet TEXT,
            source_row INTEGER
        )""",
    ),
    (
        # Rows that came through the office's whole-table workbook say so.
        "ALTER TABLE reports ADD COLUMN source_via_office INTEGER NOT NULL DEFAULT 0"
        " CHECK (source_via_office IN (0, 1))",
        # "Latest per (task, unit) as of a date" is one descent of this index for each
        # pair that has reported: a few hundred, however many reports there are.
        "CREATE INDEX reports_latest ON reports (notice_id, task, unit, as_of, recorded_at)",
        """CREATE TABLE reporters (
            notice_id INTEGER NOT NULL REFERENCES notices (id),
            task INTEGER NOT NULL,
            unit TEXT NOT NULL,
            PRIMARY KEY (notice_id, task, unit)
        ) WITHOUT ROWID""",
        "INSERT INTO reporters SELECT DISTINCT notice_id, task, unit FROM reports",
        """CREATE TRIGGER reports_append_only_update BEFORE UPDATE ON reports
           BEGIN SELECT RAISE(ABORT, 'reports are append-only'); END""",
        """CREATE TRIGGER reports_append_only_delete BEFORE DELETE ON reports
           BEGIN SELECT RAISE(ABORT, 'reports are append-only'); END""",
    ),
    (
        # Actual values (完成值) of a task's indicators, kept like reports: only inserted.
        """CREATE TABLE actuals (
            id INTEGER PRIMARY KEY,
            notice_id INTEGER NOT NULL REFERENCES notices (id),
            task INTEGER NOT NULL,
            indicator TEXT NOT NULL,
            unit TEXT NOT NULL,
            value REAL NOT NULL CHECK (value >= 0),
            status TEXT CHECK (status IS NULL OR status IN ('未启动', '推进中', '已完成')),
            as_of TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source_file TEXT,
            source_sha256 TEXT,
            source_sheet TEXT,
            source_row INTEGER,
            source_via_office INTEGER NOT NULL DEFAULT 0 CHECK (source_via_office IN (0, 1))
        )""",
        "CREATE INDEX actuals_latest ON actuals (notice_id, indicator, unit, as_of, recorded_at)",
        """CREATE TRIGGER actuals_append_only_update BEFORE UPDATE ON actuals
           BEGIN SELECT RAISE(ABORT, 'actuals are append-only'); END""",
        """CREATE TRIGGER actuals_append_only_delete BEFORE DELETE ON actuals
           BEGIN SELECT RAISE(ABORT, 'actuals are append-only'); END""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# Test hook, off by default: a path. A write creates it once inside its transaction,
# then sleeps, so that a test can kill the process there.
PAUSE_ENV = "MINSHENG_TEST_PAUSE_IN_WRITE"

_COLUMNS = (
    "task, unit, status, percent, note, problems, next_steps, as_of, recorded_at,"
    " source_file, source_sha256, source_sheet, source_row, source_via_office"
)


_ACTUAL_COLUMNS = (
    "task, indicator, unit, value, status, as_of, recorded_at,"
    " source_file, source_sha256, source_sheet, source_row, source_via_office"
)

P = ParamSpec("P")


def _guarded(method: Callable[Concatenate[Ledger, P], T]) -> Callable[Concatenate[Ledger, P], T]:
    """A reading method whose SQLite errors (a damaged file) become LedgerError."""

    def guarded(self: Ledger, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with _reading(self.path):
            return method(self, *args, **kwargs)

    guarded.__doc__ = method.__doc__
    return guarded


class Ledger:
    """One ledger file. Opens no file until used; `close()` (or `with`) ends its connection.

    Reading methods on a missing file behave as on an empty ledger and create
    nothing; writing methods create it.
    """

    def __init__(self, path: Path, *, max_version: int = SCHEMA_VERSION) -> None:
        self.path = path
        self._max_version = max_version  # tests build older ledgers by lowering it
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def open(cls, path: Path | None = None) -> Ledger:
        """The ledger at `path`, or at the default location (`MINSHENG_DB`, the data folder)."""
        return cls(ledger_path(path))

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def exists(self) -> bool:
        return self.path.exists()

    # -- identity -------------------------------------------------------------------------

    def identity(self) -> tuple[str, bytes]:
        """(ledger id, signing key): a uuid and 32 random bytes, created by the first call."""
        import secrets
        import uuid

        conn = self._writer()
        with _write(conn):
            for key, value in (
                ("ledger_id", uuid.uuid4().hex),
                ("signing_key", secrets.token_bytes(32)),
            ):
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
        found = self.stored_identity()
        assert found is not None
        return found

    @_guarded
    def stored_identity(self) -> tuple[str, bytes] | None:
        """The identity if the ledger has one already; never creates the file or the identity."""
        conn = self._reader()
        if conn is None:
            return None
        rows = dict(
            conn.execute("SELECT key, value FROM meta WHERE key IN ('ledger_id', 'signing_key')")
        )
        if "ledger_id" not in rows or "signing_key" not in rows:
            return None
        return str(rows["ledger_id"]), bytes(rows["signing_key"])

    def ledger_id(self) -> str:
        return self.identity()[0]

    def signing_key(self) -> bytes:
        return self.identity()[1]

    # -- reading --------------------------------------------------------------------------

    @_guarded
    def reports(self, notice: Notice, *, task: int | None = None) -> list[Report]:
        """Every report on the notice (or on one task), in the order they were recorded."""
        conn = self._reader()
        notice_id = _notice_id(conn, notice) if conn else None
        if conn is None or notice_id is None:
            return []
        sql = f"SELECT {_COLUMNS} FROM reports WHERE notice_id = ?"
        params: tuple[int, ...] = (notice_id,)
        if task is not None:
            sql += " AND task = ?"
            params += (task,)
        return [_report(row) for row in conn.execute(sql + " ORDER BY id", params)]

    @_guarded
    def latest(self, notice: Notice, as_of: dt.date) -> list[Report]:
        """Each unit's latest report on each task with a 填报日期 on or before `as_of`.

        Latest is by 填报日期, then by recording time. One query: one index descent
        per (task, unit) pair, however many reports there are.
        """
        conn = self._reader()
        notice_id = _notice_id(conn, notice) if conn else None
        if conn is None or notice_id is None:
            return []
        rows = conn.execute(
            f"""
            SELECT {_COLUMNS} FROM reports WHERE id IN (
                SELECT (
                    SELECT r.id FROM reports AS r
                    WHERE r.notice_id = p.notice_id AND r.task = p.task AND r.unit = p.unit
                      AND r.as_of <= :as_of
                    ORDER BY r.as_of DESC, r.recorded_at DESC, r.id DESC LIMIT 1
                ) FROM reporters AS p WHERE p.notice_id = :notice
            ) ORDER BY id
            """,
            {"as_of": as_of.isoformat(), "notice": notice_id},
        )
        return [_report(row) for row in rows]

    @_guarded
    def actuals(self, notice: Notice, *, task: int | None = None) -> list[Actual]:
        """Every actual on the notice (or on one task's indicators), in the order recorded."""
        conn = self._reader()
        notice_id = _notice_id(conn, notice) if conn else None
        if conn is None or notice_id is None or not _has_actuals(conn):
            return []
        sql = f"SELECT {_ACTUAL_COLUMNS} FROM actuals WHERE notice_id = ?"
        params: tuple[int, ...] = (notice_id,)
        if task is not None:
            sql += " AND task = ?"
            params += (task,)
        return [_actual(row) for row in conn.execute(sql + " ORDER BY id", params)]

    @_guarded
    def latest_actuals(self, notice: Notice, as_of: dt.date) -> list[Actual]:
        """Each unit's latest actual of each indicator with a 填报日期 on or before `as_of`.

        Latest by 填报日期, then recording time, as for reports.
        """
        conn = self._reader()
        notice_id = _notice_id(conn, notice) if conn else None
        if conn is None or notice_id is None or not _has_actuals(conn):
            return []
        rows = conn.execute(
            f"""
            SELECT {_ACTUAL_COLUMNS} FROM actuals WHERE id IN (
                SELECT (
                    SELECT a.id FROM actuals AS a
                    WHERE a.notice_id = p.notice_id AND a.indicator = p.indicator
                      AND a.unit = p.unit AND a.as_of <= :as_of
                    ORDER BY a.as_of DESC, a.recorded_at DESC, a.id DESC LIMIT 1
                ) FROM (
                    SELECT DISTINCT notice_id, indicator, unit FROM actuals
                    WHERE notice_id = :notice
                ) AS p
            ) ORDER BY id
            """,
            {"as_of": as_of.isoformat(), "notice": notice_id},
        )
        return [_actual(row) for row in rows]

    @_guarded
    def changed_tasks(self, notice: Notice) -> list[int]:
        """Tasks that differ from the snapshot taken when the notice was first used; [] if none."""
        conn = self._reader()
        if conn is None:
            return []
        row = conn.execute(
            "SELECT snapshot FROM notices WHERE key = ?", (notice_key(notice),)
        ).fetchone()
        if row is None:
            return []
        stored: Snapshot = json.loads(row[0])
        return changed_tasks(stored, task_snapshot(notice))

    # -- writing --------------------------------------------------------------------------

    def append(self, notice: Notice, reports: Sequence[Report]) -> int:
        """Record the reports in one transaction, all or none; returns how many were added.

        A report that says what the unit's latest report for that task and that
        填报日期 says adds nothing. Each added report gets the recording time now.
        """
        conn = self._writer()
        added = 0
        with _write(conn):
            notice_id = _notice_id(conn, notice, create=True)
            assert notice_id is not None
            recorded_at = _now()
            for report in reports:
                if _is_repeat(conn, notice_id, report):
                    continue
                _insert(conn, notice_id, [report], recorded_at)
                added += 1
            _pause_for_tests()
        return added

    def record(
        self, notice: Notice, reports: Sequence[Report], actuals: Sequence[Actual]
    ) -> tuple[int, int]:
        """Reports and actuals in one transaction, all or none: (reports added, actuals added).

        Each is skipped when it repeats the unit's latest one for that task (or
        indicator) and that 填报日期, as in `append`.
        """
        conn = self._writer()
        added = [0, 0]
        with _write(conn):
            notice_id = _notice_id(conn, notice, create=True)
            assert notice_id is not None
            recorded_at = _now()
            for report in reports:
                if not _is_repeat(conn, notice_id, report):
                    added[0] += _insert(conn, notice_id, [report], recorded_at)
            for actual in actuals:
                if not _is_repeat_actual(conn, notice_id, actual):
                    _insert_actual(conn, notice_id, actual, recorded_at)
                    added[1] += 1
            _pause_for_tests()
        return added[0], added[1]

    def pending_actuals(self, notice: Notice, actuals: Sequence[Actual]) -> list[Actual]:
        """The actuals `record` would add now, by the same rule; reads only (for --dry-run)."""
        conn = self._reader()
        notice_id = _notice_id(conn, notice) if conn is not None else None
        if conn is not None and not _has_actuals(conn):
            notice_id = None
        fresh: list[Actual] = []
        for actual in actuals:
            if any(a.same_content(actual) for a in fresh):
                continue
            if conn and notice_id is not None and _is_repeat_actual(conn, notice_id, actual):
                continue
            fresh.append(actual)
        return fresh

    def pending(self, notice: Notice, reports: Sequence[Report]) -> list[Report]:
        """The reports `append` would add now, by the same rule; reads only (for --dry-run)."""
        conn = self._reader()
        notice_id = _notice_id(conn, notice) if conn is not None else None
        fresh: list[Report] = []
        for report in reports:
            if any(r.same_content(report) for r in fresh):
                continue
            if conn is not None and notice_id is not None and _is_repeat(conn, notice_id, report):
                continue
            fresh.append(report)
        return fresh

    def bulk_append(self, notice: Notice, reports: Iterable[Report]) -> int:
        """Insert reports as given, without the duplicate check: for benchmarks and fixtures."""
        conn = self._writer()
        with _write(conn):
            notice_id = _notice_id(conn, notice, create=True)
            assert notice_id is not None
            return _insert(conn, notice_id, list(reports), _now())

    def ensure_notice(self, notice: Notice) -> None:
        """Take the notice's snapshot now if the ledger has none (creating the ledger)."""
        conn = self._writer()
        with _write(conn):
            _notice_id(conn, notice, create=True)

    # -- upkeep ---------------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """Copy the ledger to `target` (which must not exist) with SQLite's online backup."""
        conn = self._reader()
        if conn is None:
            raise LedgerError(f"台账 {self.path} 还不存在，没有可备份的内容")
        if target.exists() or target.is_symlink():
            raise LedgerError(f"{target} 已存在；请换一个文件名，备份不会覆盖已有文件")
        if not target.parent.is_dir():
            raise LedgerError(f"文件夹 {target.parent} 不存在")
        from minsheng_cli._fs import create_temporary

        fd, temporary = create_temporary(target.parent, f".{target.name}.")
        os.close(fd)
        try:
            copy = sqlite3.connect(temporary)
            try:
                conn.backup(copy)
            finally:
                copy.close()
            if target.exists():
                raise LedgerError(f"{target} 已存在；请换一个文件名，备份不会覆盖已有文件")
            os.replace(temporary, target)
        except sqlite3.Error as exc:
            raise LedgerError(f"无法写入备份 {target}：{exc}") from None
        except OSError as exc:
            raise LedgerError(f"无法写入备份 {target}：{exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    @_guarded
    def check(self) -> list[str]:
        """Problems found by `PRAGMA integrity_check` and by comparing the schema with the
        migrations' (in Chinese); [] for a sound ledger. Raises LedgerError if it is missing."""
        conn = self._reader()
        if conn is None:
            raise LedgerError(f"台账 {self.path} 还不存在（第一次写入时建立）")
        problems = [
            f"完整性检查：{row[0]}"
            for row in conn.execute("PRAGMA integrity_check")
            if row[0] != "ok"
        ]
        problems += [
            f"外键检查：表 {row[0]} 第 {row[1]} 行指向不存在的记录"
            for row in conn.execute("PRAGMA foreign_key_check")
        ]
        version = _user_version(conn)
        if version != SCHEMA_VERSION:
            problems.append(f"结构版本为 {version}，应为 {SCHEMA_VERSION}")
        if _schema(conn) != expected_schema():
            problems.append("表、索引或触发器与各步迁移建立的结构不一致")
        return problems

    @property
    def version(self) -> int | None:
        """The schema version of the file, or None when it does not exist."""
        conn = self._reader()
        return _user_version(conn) if conn else None

    # -- connections ----------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection | None:
        if self._conn is None:
            if not self.path.exists():
                return None
            self._conn = _connect(self.path, create=False, max_version=self._max_version)
        return self._conn

    def _writer(self) -> sqlite3.Connection:
        if self._conn is None:
            if is_default(self.path):
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = _connect(self.path, create=True, max_version=self._max_version)
        return self._conn


def expected_schema() -> list[tuple[str, str, str]]:
    """(type, name, sql) of every object the migrations create, as SQLite stores them."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in MIGRATIONS:
            for statement in step:
                conn.execute(statement)
        return _schema(conn)
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return [
        (str(kind), str(name), str(sql))
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        )
    ]


def _connect(path: Path, *, create: bool, max_version: int) -> sqlite3.Connection:
    """A connection in WAL mode with the schema up to date, or LedgerError.

    A ledger of a newer schema is refused before anything is written to it.
    """
    if path.is_dir():
        raise LedgerError(f"{path} 是文件夹，不是台账文件")
    if create and not path.parent.is_dir():
        raise LedgerError(f"台账所在的文件夹 {path.parent} 不存在")
    uri = f"{path.absolute().as_uri()}?mode={'rwc' if create else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
    except sqlite3.Error as exc:
        raise LedgerError(f"无法打开台账 {path}：{exc}") from None
    try:
        _prepare(conn, path, max_version)
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path, max_version: int) -> None:
    try:
        _refuse_foreign(conn, path, max_version)
        _retry_locked(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        if _user_version(conn) < max_version:
            _migrate(conn, path, max_version)
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"无法使用台账 {path}：{exc}") from None


def _refuse_foreign(conn: sqlite3.Connection, path: Path, max_version: int) -> None:
    """LedgerError for a file that is not a SQLite database, not ours, or newer than us."""
    try:
        version = _retry_locked(lambda: _user_version(conn))
        tables = _retry_locked(
            lambda: conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        )
    except sqlite3.DatabaseError:
        raise LedgerError(
            f"{path} 不是 minsheng 台账（不是 SQLite 数据库文件）；请用 --db 指定正确的台账"
        ) from None
    if version > max_version:
        raise LedgerError(
            f"台账 {path} 由更新版本的 minsheng 写入（结构版本 {version}，"
            f"本程序只认识到 {max_version}）；请升级 minsheng。台账未作任何改动"
        )
    if version == 0 and tables:
        raise LedgerError(
            f"{path} 是 SQLite 数据库，但不是 minsheng 台账；请用 --db 指定正确的台账"
        )


def _migrate(conn: sqlite3.Connection, path: Path, max_version: int) -> None:
    with _write(conn):
        version = _user_version(conn)  # another process may have migrated meanwhile
        if version > max_version:
            raise LedgerError(f"台账 {path} 由更新版本的 minsheng 写入；请升级 minsheng")
        for step in MIGRATIONS[version:max_version]:
            for statement in step:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(max_version)}")


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextlib.contextmanager
def _write(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed at the end, rolled back on any exception.

    BEGIN IMMEDIATE takes the write lock first (waiting up to the busy timeout), so
    that a transaction never has to upgrade a read, which WAL refuses at once.
    """
    try:
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            yield
    except sqlite3.Error as exc:
        raise LedgerError(f"写入台账失败，本次没有记入任何内容：{exc}") from None


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    """A damaged file found while reading is the user's problem to hear of, not a traceback."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"无法读取台账 {path}：{exc}；可运行 minsheng progress check") from None


def _retry_locked(action: Callable[[], T]) -> T:
    """`action`, tried again while SQLite says "locked" or "busy", up to the busy timeout.

    Switching a brand-new file to WAL, or reading it while another process does,
    can answer "database is locked" at once, without calling the busy handler.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            transient = "locked" in str(exc) or "busy" in str(exc)
            if not transient or time.monotonic() > deadline:
                raise
        time.sleep(random.uniform(0.005, 0.03))


def _is_repeat(conn: sqlite3.Connection, notice_id: int, report: Report) -> bool:
    """Whether `report` says what the unit's latest report for that task and 填报日期 says."""
    previous = conn.execute(
        f"SELECT {_COLUMNS} FROM reports"
        " WHERE notice_id = ? AND task = ? AND unit = ? AND as_of = ?"
        " ORDER BY recorded_at DESC, id DESC LIMIT 1",
        (notice_id, report.task, report.unit, report.as_of.isoformat()),
    ).fetchone()
    return previous is not None and _report(previous).same_content(report)


def _has_actuals(conn: sqlite3.Connection) -> bool:
    """Whether the file has the actuals table: a reader may hold a ledger not yet migrated.

    A reader migrates on opening, so this holds unless `max_version` was lowered (tests).
    """
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actuals'"
    ).fetchone()
    return row is not None


def _is_repeat_actual(conn: sqlite3.Connection, notice_id: int, actual: Actual) -> bool:
    """Whether `actual` says what the unit's latest actual for that indicator and 填报日期 says."""
    previous = conn.execute(
        f"SELECT {_ACTUAL_COLUMNS} FROM actuals"
        " WHERE notice_id = ? AND indicator = ? AND unit = ? AND as_of = ?"
        " ORDER BY recorded_at DESC, id DESC LIMIT 1",
        (notice_id, actual.indicator, actual.unit, actual.as_of.isoformat()),
    ).fetchone()
    return previous is not None and _actual(previous).same_content(actual)


def _insert_actual(
    conn: sqlite3.Connection, notice_id: int, actual: Actual, recorded_at: str
) -> None:
    conn.execute(
        f"INSERT INTO actuals (notice_id, {_ACTUAL_COLUMNS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            notice_id,
            actual.task,
            actual.indicator,
            actual.unit,
            actual.value,
            actual.status.value if actual.status else None,
            actual.as_of.isoformat(),
            recorded_at,
            *_source_columns(actual.source),
        ),
    )


def _actual(row: Sequence[object]) -> Actual:
    """A stored row as an Actual; the table's checks already hold, so nothing is validated."""
    task, indicator, unit, value, status, as_of, recorded_at = row[:7]
    return assemble(
        Actual,
        {
            "task": task,
            "indicator": indicator,
            "unit": unit,
            "value": float(str(value)),
            "status": _STATUSES[str(status)] if status is not None else None,
            "as_of": dt.date.fromisoformat(str(as_of)),
            "recorded_at": dt.datetime.fromisoformat(str(recorded_at)),
            "source": _source(row[7:]),
        },
    )


def _source(columns: Sequence[object]) -> FileSource | None:
    file, sha256, sheet, line, via_office = columns
    if file is None:
        return None
    return assemble(
        FileSource,
        {
            "file": file,
            "sha256": sha256,
            "sheet": sheet,
            "row": line,
            "via_office": bool(via_office),
        },
    )


def _notice_id(conn: sqlite3.Connection, notice: Notice, *, create: bool = False) -> int | None:
    key = notice_key(notice)
    row = conn.execute("SELECT id FROM notices WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return int(row[0])
    if not create:
        return None
    snapshot = json.dumps(task_snapshot(notice), ensure_ascii=False, sort_keys=True)
    cursor = conn.execute(
        "INSERT INTO notices (key, title, snapshot, created_at) VALUES (?, ?, ?, ?)",
        (key, notice.meta.title, snapshot, _now()),
    )
    return int(cursor.lastrowid or 0)


def _insert(
    conn: sqlite3.Connection, notice_id: int, reports: list[Report], recorded_at: str
) -> int:
    conn.executemany(
        f"INSERT INTO reports (notice_id, {_COLUMNS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(notice_id, *_row(r, recorded_at)) for r in reports],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO reporters (notice_id, task, unit) VALUES (?, ?, ?)",
        list(dict.fromkeys((notice_id, r.task, r.unit) for r in reports)),
    )
    return len(reports)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _row(report: Report, recorded_at: str) -> tuple[object, ...]:
    return (
        report.task,
        report.unit,
        report.status.value,
        report.percent,
        report.note,
        report.problems,
        report.next_steps,
        report.as_of.isoformat(),
        recorded_at,
        *_source_columns(report.source),
    )


def _source_columns(source: FileSource | None) -> tuple[object, ...]:
    """The source_* columns of a report or an actual, in table order (read back by _source)."""
    if source is None:
        return (None, None, None, None, 0)
    return (source.file, source.sha256, source.sheet, source.row, int(source.via_office))


def _report(row: Sequence[object]) -> Report:
    """A stored row as a Report; the table's checks already hold, so nothing is validated."""
    (task, unit, status, percent, note, problems, next_steps, as_of, recorded_at) = row[:9]
    source = _source(row[9:])
    return assemble(
        Report,
        {
            "task": task,
            "unit": unit,
            "status": _STATUSES[str(status)],
            "percent": percent,
            "note": note,
            "problems": problems,
            "next_steps": next_steps,
            "as_of": dt.date.fromisoformat(str(as_of)),
            "recorded_at": dt.datetime.fromisoformat(str(recorded_at)),
            "source": source,
        },
    )


_STATUSES = {status.value: status for status in Status}


def _pause_for_tests() -> None:
    marker = os.environ.get(PAUSE_ENV)
    if marker:
        Path(marker).touch()
        time.sleep(60)
