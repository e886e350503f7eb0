"""Counts over tasks: per unit, per real recipient, per category and per deadline month.

Kept apart from query.py, which every command imports: only `stats`, `units`,
`categories` and the Excel 统计 sheet count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from minsheng_cli.models import DeadlineKind, RecipientRole, Task


@dataclass(frozen=True)
class UnitCount:
    name: str
    lead: int
    supporting: int

    @property
    def total(self) -> int:
        return self.lead + self.supporting


@dataclass(frozen=True)
class CategoryCount:
    name: str | None
    count: int
    declared: int | None


@dataclass(frozen=True)
class MonthCount:
    label: str
    count: int


def unit_counts(tasks: list[Task]) -> list[UnitCount]:
    """Per unit: how many tasks it leads and supports, most tasks first."""
    lead = Counter(task.units[0] for task in tasks if task.units)
    support = Counter(unit for task in tasks for unit in task.units[1:])
    names = dict.fromkeys(unit for task in tasks for unit in task.units)
    counts = [UnitCount(name, lead[name], support[name]) for name in names]
    return sorted(counts, key=lambda c: (-c.total, -c.lead))


def category_counts(
    tasks: list[Task], declared: dict[str, int] | None = None
) -> list[CategoryCount]:
    """Per category in table order; tasks without one are counted under None, last."""
    counts = Counter(task.category for task in tasks)
    names = sorted(counts, key=lambda name: name is None)
    declared = declared or {}
    return [CategoryCount(n, counts[n], declared.get(n) if n else None) for n in names]


def month_counts(tasks: list[Task]) -> list[MonthCount]:
    """Per deadline month (YYYY-MM) in date order, then ongoing and unknown ones."""
    months = Counter(t.deadline.date.strftime("%Y-%m") for t in tasks if t.deadline.date)
    rows = [MonthCount(label, months[label]) for label in sorted(months)]
    ongoing = sum(1 for t in tasks if t.deadline.kind is DeadlineKind.ONGOING)
    unknown = sum(1 for t in tasks if t.deadline.date is None) - ongoing
    if ongoing:
        rows.append(MonthCount("常态化", ongoing))
    if unknown:
        rows.append(MonthCount("无法确定", unknown))
    return rows


def recipient_counts(tasks: list[Task]) -> list[UnitCount]:
    """Per real recipient: tasks it leads and supports, through groups included, most first."""
    lead: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for task in tasks:
        for recipient in task.recipients:
            (lead if recipient.role is RecipientRole.LEAD else support)[recipient.name] += 1
    names = dict.fromkeys(r.name for task in tasks for r in task.recipients)
    counts = [UnitCount(name, lead[name], support[name]) for name in names]
    return sorted(counts, key=lambda c: (-c.total, -c.lead))
