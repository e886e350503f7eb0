"""Tasks as plain data: JSON records for scripts, and rows for CSV and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from minsheng_cli.models import Task
from minsheng_cli.query import UNCATEGORISED_LABEL
from minsheng_cli.trusted import dump

TASK_HEADERS = [
    "序号",
    "类别",
    "工作内容",
    "完成时限",
    "截止日期",
    "牵头单位",
    "配合单位",
    "全部责任单位",
]

# What Excel, LibreOffice and WPS run as a formula, or as DDE, when a cell starts with it.
_FORMULA_START = ("=", "+", "-", "@")
# Control characters but tab and line feed (C0, DEL, C1: ESC and CSI among them) and the
# bidirectional overrides, which can make text read as something else. They carry no
# meaning in a notice, and in a file they reach whatever terminal or program shows it.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def task_record(task: Task) -> dict[str, Any]:
    """The JSON contract: number, category, content, deadline, units, lead_unit, …"""
    return dump(task)


def tasks_json(tasks: Iterable[Task]) -> str:
    return json.dumps([task_record(t) for t in tasks], ensure_ascii=False, indent=2) + "\n"


def task_row(task: Task) -> list[str | int]:
    """One row under TASK_HEADERS; units are joined with 、."""
    return [
        task.number,
        task.category or UNCATEGORISED_LABEL,
        task.content,
        task.deadline.text,
        task.deadline.date.isoformat() if task.deadline.date else "",
        task.lead_unit or "",
        "、".join(task.supporting_units),
        "、".join(task.units),
    ]


def clean_text(text: str) -> str:
    """`text` without control characters (tab and line feed stay)."""
    return _CONTROL.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could run `text`: spaces and controls in front do not hide it."""
    return _CONTROL.sub("", text).lstrip().startswith(_FORMULA_START) or text.startswith("\t")


def csv_safe(value: str | int) -> str | int:
    """Text without controls, and a quote before what would run as a formula (OWASP)."""
    if not isinstance(value, str):
        return value
    if looks_like_formula(value):
        return "'" + clean_text(value)
    return clean_text(value)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[str | int]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return buffer.getvalue()


def tasks_csv(tasks: Iterable[Task]) -> str:
    return to_csv(TASK_HEADERS, (task_row(t) for t in tasks))
