"""The calendar export: one all-day event per task deadline, with a reminder a week before.

Each event's UID is made from the notice's key and the task number, so that importing
the calendar again (or refreshing a subscription) updates the events instead of adding
them twice. icalendar is imported only when a calendar is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import IO

from minsheng_cli.export.document import ExportDocument
from minsheng_cli.models import Notice, Task
from minsheng_cli.query import UNCATEGORISED_LABEL, TaskFilter, select

PRODID = "-//minsheng-cli//民生事项日历//ZH"
REMINDER_DAYS = 7
_SHORT = 20
# Where the first clause of a task's content ends: what a calendar's one line can show.
_CLAUSE_END = re.compile(r"[，。；：,;:！？]")


def undated(notice: Notice, task_filter: TaskFilter) -> list[Task]:
    """The selected tasks a calendar leaves out, having no date to put them on."""
    return [t for t in select(notice, task_filter) if t.deadline.date is None]


def event_uid(notice_key: str | None, task: Task) -> str:
    """The task's stable UID: the same notice and number give the same UID on every run.

    The notice's key (its 文号) is hashed, so that the UID is plain ASCII, as some
    calendar servers, which name files by UID, need.
    """
    digest = hashlib.sha256((notice_key or "").encode("utf-8")).hexdigest()[:16]
    return f"{digest}-task-{task.number}@minsheng"


def _summary(task: Task) -> str:
    """第N项, the first clause of its content (cut to about 20 characters), its category."""
    text = " ".join(task.content.split())
    short = _CLAUSE_END.split(text, maxsplit=1)[0]
    if len(short) > _SHORT:
        short = short[:_SHORT]
    if short != text:
        short += "…"
    category = task.category or UNCATEGORISED_LABEL.strip("（）")
    return f"第{task.number}项 {short}（{category}）"


def _description(document: ExportDocument, task: Task) -> str:
    """The event's text: the full content, the deadline as written, and who does it."""
    deadline = task.deadline
    lines = [
        f"工作内容：{task.content}",
        f"完成时限：{deadline.text}"
        + (f"（截止 {deadline.date.isoformat()}）" if deadline.date else ""),
        f"牵头单位：{task.lead_unit or '—'}",
        f"配合单位：{'、'.join(task.supporting_units) or '无'}",
    ]
    if document.unit and (role := document.role(task)):
        lines.append(f"本单位职责：{role}")
    lines.append(f"类别：{task.category or UNCATEGORISED_LABEL.strip('（）')}")
    source = document.title + (
        f"（{document.meta.document_number}）" if document.meta.document_number else ""
    )
    lines.append(f"出自：{source}")
    return "\n".join(lines)


def write_ics(
    document: ExportDocument,
    stream: IO[bytes],
    *,
    name: str = "",
    notice_key: str | None = None,
) -> None:
    """An iCalendar file (UTF-8, CRLF, lines folded at 75 octets) of the dated tasks.

    `name` is the calendar's name as a calendar app shows it; `notice_key` (see
    ledger.notices.notice_key) keeps the UIDs stable. Tasks without a date are left out.
    """
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or document.title)
    calendar.add("name", name or document.title)
    if document.subtitle:
        calendar.add("x-wr-caldesc", document.subtitle)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for task in document.tasks:
        date = task.deadline.date
        if date is None:
            continue
        event = icalendar.Event()
        event.add("uid", event_uid(notice_key, task))
        event.add("dtstamp", stamp)
        event.add("dtstart", date)
        event.add("dtend", date + dt.timedelta(days=1))
        event.add("summary", _summary(task))
        event.add("description", _description(document, task))
        event.add("categories", [task.category or UNCATEGORISED_LABEL.strip("（）")])
        event.add("transp", "TRANSPARENT")  # a deadline, not a busy day
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", dt.timedelta(days=-REMINDER_DAYS))
        alarm.add("description", f"{REMINDER_DAYS}天后到期：{_summary(task)}")
        event.add_component(alarm)
        calendar.add_component(event)
    stream.write(calendar.to_ical())
