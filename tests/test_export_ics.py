from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from icalendar.cal import Component
from typer.testing import CliRunner

from minsheng_cli import Notice, load_notice
from minsheng_cli.cli import app
from minsheng_cli.query import TaskFilter, select

DATA = Path(__file__).parent / "data"
TITLE = "吉林市2015年改善民生事项及责任分工表"
runner = CliRunner()


def _export(tmp_path: Path, name: str, *args: str) -> tuple[Calendar, str]:
    """Run `export -f ics` to tmp_path/name; the calendar read back and stderr."""
    target = tmp_path / name
    result = runner.invoke(app, ["export", "-f", "ics", "-o", str(target), *args])
    assert result.exit_code == 0, result.output
    return Calendar.from_ical(target.read_bytes()), result.stderr


def _events(calendar: Calendar) -> dict[int, Component]:
    """Events by task number, read from 第N项 in their summary."""
    events: dict[int, Component] = {}
    for event in calendar.walk("VEVENT"):
        match = re.match(r"第(\d+)项 ", str(event["SUMMARY"]))
        assert match, event["SUMMARY"]
        events[int(match[1])] = event
    return events


def test_unit_calendar_has_one_event_per_deadline(notice: Notice, tmp_path: Path) -> None:
    calendar, _ = _export(tmp_path, "民政.ics", "--unit", "市民政局")
    tasks = {t.number: t for t in select(notice, TaskFilter(units=("市民政局",)))}
    events = _events(calendar)
    assert len(calendar.walk("VEVENT")) == len(events) == len(tasks) == 15
    assert set(events) == set(tasks)
    for number, event in events.items():
        task = tasks[number]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and start == task.deadline.date  # all day, not a time
        assert end == start + dt.timedelta(days=1)
        assert str(event["SUMMARY"]).endswith(f"（{task.category or '未标注类别'}）")
        text = str(event["DESCRIPTION"])
        for part in (
            task.content,
            f"完成时限：{task.deadline.text}",
            f"牵头单位：{task.lead_unit}",
        ):
            assert part in text, number
        assert f"配合单位：{'、'.join(task.supporting_units) or '无'}" in text
        assert "本单位职责：" in text
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") == -dt.timedelta(days=7)
        assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
    assert str(calendar["X-WR-CALNAME"]) == f"{TITLE}-市民政局"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"]).startswith("-//minsheng-cli//")


def test_uids_are_unique_and_stable(tmp_path: Path) -> None:
    first, _ = _export(tmp_path, "a.ics")
    again, _ = _export(tmp_path, "b.ics")
    uids = {n: str(e["UID"]) for n, e in _events(first).items()}
    assert len(set(uids.values())) == len(uids) == 80
    assert uids == {n: str(e["UID"]) for n, e in _events(again).items()}
    assert all(uid.isascii() and uid.endswith("@minsheng") for uid in uids.values())
    # A unit's calendar gives the same task the same UID, so one import updates the other.
    unit, _ = _export(tmp_path, "c.ics", "--unit", "市民政局")
    assert all(uids[n] == str(e["UID"]) for n, e in _events(unit).items())


@pytest.mark.parametrize(("split", "count"), [("unit", 45), ("category", 10), ("quarter", 4)])
def test_split_writes_one_calendar_each(
    notice: Notice, tmp_path: Path, split: str, count: int
) -> None:
    out = tmp_path / "日历"
    result = runner.invoke(app, ["export", "-f", "ics", "--split-by", split, "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == count and all(f.suffix == ".ics" for f in files)
    names: set[str] = set()
    for path in files:
        calendar = Calendar.from_ical(path.read_bytes())
        assert str(calendar["X-WR-CALNAME"]) == path.stem
        names.add(path.stem)
        if split == "unit":
            unit = path.stem.removeprefix(f"{TITLE}-")
            expected = {t.number for t in notice.tasks if unit in t.units}
            assert set(_events(calendar)) == expected, unit
    assert len(names) == count


@pytest.fixture(scope="module")
def undated_notice() -> Path:
    """Task 34 (市教育局 leads, 市国资委 supports, its only task) is due “6月前”: no date."""
    path = DATA / "warn_unknown_deadline.txt"
    [task] = [t for t in load_notice(path).tasks if t.deadline.date is None]
    assert task.number == 34 and task.units == ["市教育局", "市国资委"]
    return path


@pytest.mark.parametrize(
    ("args", "events", "note"),
    [
        (["--unit", "市教育局"], 8, "提示：1 项没有具体日期，未写入日历。"),
        (["--unit", "市民政局"], 15, None),
        ([], 79, "提示：1 项没有具体日期，未写入日历。"),
        (["--unit", "市国资委"], 0, "提示：1 项没有具体日期，未写入日历。"),
    ],
)
def test_tasks_without_a_date_are_left_out_and_counted(
    undated_notice: Path, tmp_path: Path, args: list[str], events: int, note: str | None
) -> None:
    calendar, stderr = _export(tmp_path, "x.ics", "--notice", str(undated_notice), *args)
    found = _events(calendar)
    assert 34 not in found and len(found) == events
    if note:
        assert note in stderr.splitlines()
    else:
        assert "具体日期" not in stderr


def test_file_is_folded_crlf_utf8(tmp_path: Path) -> None:
    target = tmp_path / "a.ics"
    result = runner.invoke(app, ["export", "-f", "ics", "-o", str(target), "--unit", "市民政局"])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long lines are folded
    assert "市民政局" in data.decode("utf-8")


def test_calendar_to_stdout() -> None:
    result = runner.invoke(app, ["export", "-f", "ics", "-o", "-", "--unit", "市民政局"])
    assert result.exit_code == 0, result.output
    assert len(Calendar.from_ical(result.stdout_bytes).walk("VEVENT")) == 15


def test_prefill_is_refused_and_db_unused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "-f", "ics", "--prefill", "-o", str(tmp_path / "a.ics")])
    assert result.exit_code == 2
    assert "只有 xlsx 工作簿有填报列" in result.output
    assert list(tmp_path.iterdir()) == []
    db = tmp_path / "台账.db"
    result = runner.invoke(
        app,
        ["export", "-f", "ics", "--db", str(db), "-u", "市民政局", "-o", str(tmp_path / "b.ics")],
    )
    assert result.exit_code == 0, result.output
    assert not db.exists()  # a calendar is not signed: the ledger is not opened, as for csv
