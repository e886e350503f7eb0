"""Questions asked of a notice: filter tasks, resolve names, count things."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from minsheng_cli.errors import QueryError
from minsheng_cli.models import UNCATEGORISED as UNCATEGORISED
from minsheng_cli.models import UNCATEGORISED_LABEL as UNCATEGORISED_LABEL
from minsheng_cli.models import Notice, Recipient, RecipientRole, Task


@dataclass(frozen=True)
class TaskFilter:
    """Filters that combine with AND. `None` (or no units) means "no restriction".

    `units` match any of them: a task is kept when one of them is among its units
    or its recipients; with `lead`, when one of them leads it.
    """

    units: tuple[str, ...] = ()
    lead: bool = False
    category: str | None = None
    month: int | None = None
    quarter: int | None = None
    before: dt.date | None = None
    search: str | None = None

    @property
    def is_empty(self) -> bool:
        return self == TaskFilter()


def select(notice: Notice, task_filter: TaskFilter) -> list[Task]:
    """The tasks that pass every filter, in table order.

    Raises QueryError when a unit or category is not in the notice.
    """
    targets = resolve_targets(notice, task_filter.units)
    category = resolve_category(notice, task_filter.category) if task_filter.category else None
    words = task_filter.search.split() if task_filter.search else []
    year = notice.meta.year
    tasks: list[Task] = []
    for task in notice.tasks:
        if targets and not any(t.matches(task, lead=task_filter.lead) for t in targets):
            continue
        if task_filter.category is not None and task.category != category:
            continue
        date = task.deadline.date
        if task_filter.month is not None and not _in_months(date, year, [task_filter.month]):
            continue
        if task_filter.quarter is not None:
            months = [
                3 * task_filter.quarter - 2,
                3 * task_filter.quarter - 1,
                3 * task_filter.quarter,
            ]
            if not _in_months(date, year, months):
                continue
        if task_filter.before is not None and (date is None or date > task_filter.before):
            continue
        haystack = f"{task.content} {task.category or ''}".casefold()
        if not all(word.casefold() in haystack for word in words):
            continue
        tasks.append(task)
    return tasks


@dataclass(frozen=True)
class UnitTarget:
    """What one `--unit` names: a real recipient, or a unit as written in the table.

    A recipient (船营区, 市民政局) is matched wherever it is reached, directly or
    through a group. A unit `as_written` (a group such as 各城区, or any unit of a
    split by unit) selects the tasks whose units column names it.
    """

    name: str
    as_written: bool = False

    def _reached(self, task: Task) -> Recipient | None:
        return next((r for r in task.recipients if r.name == self.name), None)

    def matches(self, task: Task, *, lead: bool = False) -> bool:
        if self.as_written:
            return self.name in (task.units[:1] if lead else task.units)
        reached = self._reached(task)
        return reached is not None and (not lead or reached.role is RecipientRole.LEAD)

    def leads(self, task: Task) -> bool:
        return self.matches(task, lead=True)

    def role(self, task: Task) -> str:
        """牵头 or 配合, with the group it comes through: 配合（各城区）; "" if not its task."""
        if self.as_written:
            return role_of(task, self.name)
        reached = self._reached(task)
        if reached is None:
            return ""
        return reached.role.value + (f"（{reached.via}）" if reached.via else "")


def role_of(task: Task, unit: str) -> str:
    """牵头 when `unit` (as written in the units) leads `task`, 配合 when it supports it."""
    if task.lead_unit == unit:
        return "牵头"
    return "配合" if unit in task.units else ""


def role_label(task: Task, targets: Sequence[UnitTarget]) -> str:
    """The role column for one or several --unit: 牵头, or 市民政局牵头、市人社局配合."""
    if len(targets) == 1:
        return targets[0].role(task)
    return "、".join(f"{t.name}{t.role(task)}" for t in targets if t.role(task))


def by_deadline(tasks: list[Task]) -> list[Task]:
    """Tasks ordered by end date (undated last), then by number."""
    return sorted(tasks, key=lambda t: (t.deadline.date or dt.date.max, t.number))


def _in_months(date: dt.date | None, year: int | None, months: list[int]) -> bool:
    return date is not None and (year is None or date.year == year) and date.month in months


def all_units(notice: Notice) -> list[str]:
    """Canonical unit names in order of first appearance."""
    return list(dict.fromkeys(unit for task in notice.tasks for unit in task.units))


def all_recipients(notice: Notice) -> list[str]:
    """Real recipient names in order of first appearance."""
    return list(dict.fromkeys(r.name for task in notice.tasks for r in task.recipients))


def resolve_targets(notice: Notice, names: Sequence[str]) -> list[UnitTarget]:
    """One target per distinct name; QueryError for a name the notice does not have."""
    return list(dict.fromkeys(resolve_target(notice, name) for name in names))


def resolve_target(notice: Notice, name: str) -> UnitTarget:
    """A group stays a group; anything else is the real recipient it names.

    丰满区政府 and 丰满区人民政府 both name 丰满区; 民政局 names 市民政局.
    """
    table = notice.recipient_table
    recipients = set(all_recipients(notice))
    member = table.recipient_of(name)
    if member is not None and member in recipients:
        return UnitTarget(member)
    if name in recipients:
        return UnitTarget(name)
    unit = resolve_unit(notice, name, extra=sorted(recipients))
    if unit in table.groups:
        return UnitTarget(unit, as_written=True)
    return UnitTarget(table.recipient_of(unit) or unit)


def resolve_unit(notice: Notice, name: str, *, extra: Sequence[str] = ()) -> str:
    """A canonical unit name for a canonical name or any alias; QueryError if unknown."""
    known = all_units(notice)
    if name in known:
        return name
    from minsheng_cli.units import canonical_unit  # the alias table is read only when needed

    canonical = canonical_unit(name)
    if canonical in known:
        return canonical
    known += [n for n in extra if n not in known]
    raise QueryError(f"通知中没有责任单位“{name}”", _suggest(name, known, "minsheng units"))


def resolve_category(notice: Notice, name: str) -> str | None:
    """The category to match: a canonical name, or None for 未标注."""
    if name in (UNCATEGORISED, UNCATEGORISED_LABEL):
        return None
    known = [c for c in dict.fromkeys(t.category for t in notice.tasks) if c is not None]
    if name in known:
        return name
    raise QueryError(
        f"通知中没有类别“{name}”", _suggest(name, [*known, UNCATEGORISED], "minsheng categories")
    )


def _suggest(name: str, known: list[str], command: str) -> list[str]:
    import difflib

    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = [f"您是不是要找：{'、'.join(close)}？"] if close else []
    return [*hint, f"运行 {command} 查看全部名称。"]


def notice_facts(notice: Notice) -> list[tuple[str, str]]:
    """What `minsheng info` shows: (Chinese label, value) pairs, "—" when unknown."""
    meta = notice.meta
    declared = (
        f"{meta.declared_categories}个方面{meta.declared_tasks}项"
        if meta.declared_tasks is not None
        else None
    )
    facts = [
        ("文号", meta.document_number),
        ("发文机关", meta.issuer),
        ("标题", meta.title),
        ("年度", str(meta.year) if meta.year else None),
        ("主送机关", "、".join(meta.addressees)),
        ("附件", meta.attachment_title),
        ("正文声明", declared),
        ("表中实有", f"{len(notice.tasks)}项，{len(meta.category_counts)}个已标注类别"),
        ("问题", f"{len(notice.errors)}个错误，{len(notice.warnings)}个警告"),
        ("文件", f"{meta.source}（{meta.encoding}）"),
    ]
    return [(label, value or "—") for label, value in facts]


def filter_words(
    notice: Notice, task_filter: TaskFilter, targets: tuple[UnitTarget, ...]
) -> list[str]:
    """Short words for a file name or a scope line, in the order filters are usually thought of.

    Every filter that narrows the tasks has a word, so that a subset never takes the
    name of the whole table.
    """
    words: list[str] = []
    if targets:
        words.append("、".join(t.name for t in targets) + ("牵头" if task_filter.lead else ""))
    if task_filter.category is not None:
        category = resolve_category(notice, task_filter.category) if task_filter.category else None
        words.append(category or UNCATEGORISED_LABEL.strip("（）"))
    if task_filter.month:
        words.append(f"{task_filter.month}月到期")
    if task_filter.quarter:
        words.append(f"第{task_filter.quarter}季度到期")
    if task_filter.before:
        words.append(f"{task_filter.before.isoformat()}前到期")
    if task_filter.search and task_filter.search.split():
        words.append(f"含{' '.join(task_filter.search.split())}")
    return words
