"""Tasks as plain data: JSON records for scripts, and rows for CSV and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from minsheng_cli.models import Task
from minsheng_cli.query import UNCATEGORISED_LABEL

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

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def task_record(task: Task) -> dict[str, Any]:
    """The JSON contract: number, category, content, deadline, units, lead_unit, …"""
    return task.model_dump(mode="json")


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


def csv_safe(value: str | int) -> str | int:
    """Neutralise text a spreadsheet would run as a formula (OWASP: prefix a quote)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[str | int]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return buffer.getvalue()


def tasks_csv(tasks: Iterable[Task]) -> str:
    return to_csv(TASK_HEADERS, (task_row(t) for t in tasks))
