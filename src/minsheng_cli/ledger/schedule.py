"""序时进度 and the lights: where each task stands on a date, as pure functions.

This is the one computation of a task's state: `progress list`, `progress show`,
`export --prefill` and the bulletins all call `task_states` (or `task_state`).

- The expected percent on the as-of date is the elapsed share of the span from
  the start (1 January of the notice's year unless given) to the deadline,
  clamped to 0–100; 100 on and after the deadline.
- A task's state is its lead unit's latest report on or before the as-of date,
  by 填报日期 and then by recording time. For a task led by a group (各县（市）区),
  the members' latest reports are combined: the mean percent, counting a member
  that has not reported as 0, and 已完成 only when every member says so.
- The light is the first rule that holds: done, overdue (past the deadline),
  red (more than `red` points behind), yellow (more than `yellow`), green. A task
  without a date that is not done gets `none`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from minsheng_cli.ledger.records import Light, Report, Status
from minsheng_cli.models import Notice, RecipientRole, Task

YELLOW = 10.0
RED = 30.0


@dataclass(frozen=True)
class Thresholds:
    """Points behind the expected percent beyond which a task is yellow, and red."""

    yellow: float = YELLOW
    red: float = RED


@dataclass(frozen=True)
class MemberState:
    """One member of the group that leads a task, and its latest report (None: 未报送)."""

    unit: str
    report: Report | None


@dataclass(frozen=True)
class TaskState:
    """Where one task stands on `as_of`."""

    task: Task
    as_of: dt.date
    status: Status | None
    """None when nobody who leads it has reported (未报送)."""
    percent: float
    """The lead's percent; a group's mean; 0 when unreported."""
    lead: Report | None
    """The lead unit's latest report; None for a group-led task or when unreported."""
    members: tuple[MemberState, ...]
    """For a group-led task, every member in order; otherwise empty."""
    supporting: tuple[Report, ...]
    """The latest report of each supporting unit that has reported, in the task's order."""
    expected: float | None
    """序时进度; None for a task without a date."""
    light: Light

    @property
    def reported(self) -> bool:
        return self.status is not None

    @property
    def behind(self) -> float | None:
        """Points behind the expected percent (negative when ahead); None without a date."""
        return None if self.expected is None else self.expected - self.percent

    @property
    def group(self) -> str | None:
        """The group that leads the task, when one does."""
        return self.task.lead_unit if self.members else None


def year_start(notice: Notice, as_of: dt.date) -> dt.date:
    """1 January of the notice's year (of `as_of`'s year when the notice has none)."""
    return dt.date(notice.meta.year or as_of.year, 1, 1)


def expected_percent(start: dt.date, deadline: dt.date, as_of: dt.date) -> float:
    """`(as_of − start) / (deadline − start) × 100`, clamped to 0–100; 100 from the deadline on."""
    if as_of >= deadline:
        return 100.0
    span = (deadline - start).days
    if span <= 0:
        return 0.0
    return min(100.0, max(0.0, (as_of - start).days / span * 100))


def light(
    status: Status | None,
    percent: float,
    deadline: dt.date | None,
    as_of: dt.date,
    expected: float | None,
    thresholds: Thresholds = Thresholds(),
) -> Light:
    """The first rule that holds: done, overdue, red, yellow, green; `none` without a date."""
    if status is Status.DONE:
        return Light.DONE
    if deadline is None or expected is None:
        return Light.NONE
    if as_of > deadline:
        return Light.OVERDUE
    behind = expected - percent
    if behind > thresholds.red:
        return Light.RED
    if behind > thresholds.yellow:
        return Light.YELLOW
    return Light.GREEN


def latest_reports(reports: Iterable[Report], as_of: dt.date) -> dict[tuple[int, str], Report]:
    """(task, unit) → its latest report with a 填报日期 on or before `as_of`.

    Latest is by 填报日期, then recording time; among equals, the one given later
    (the store gives reports in the order they were recorded).
    """
    latest: dict[tuple[int, str], Report] = {}
    for report in reports:
        if report.as_of > as_of:
            continue
        key = (report.task, report.unit)
        held = latest.get(key)
        if held is None or _order(report) >= _order(held):
            latest[key] = report
    return latest


def task_states(
    notice: Notice,
    reports: Iterable[Report],
    as_of: dt.date,
    *,
    tasks: Sequence[Task] | None = None,
    start: dt.date | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[TaskState]:
    """The state of each task (all of the notice's, or `tasks`) on `as_of`, in their order.

    `reports` may be a whole history or only the latest ones (Ledger.latest).
    """
    latest = latest_reports(reports, as_of)
    begin = start or year_start(notice, as_of)
    groups = notice.recipient_table.groups
    return [
        task_state(task, latest, as_of, begin, thresholds, group_led=task.lead_unit in groups)
        for task in (notice.tasks if tasks is None else tasks)
    ]


def task_state(
    task: Task,
    latest: dict[tuple[int, str], Report],
    as_of: dt.date,
    start: dt.date,
    thresholds: Thresholds = Thresholds(),
    *,
    group_led: bool = False,
) -> TaskState:
    """One task's state from `latest_reports(...)`; `group_led` when a group leads it."""
    leads = lead_units(task)
    supporting = tuple(
        latest[(task.number, r.name)]
        for r in task.recipients
        if r.role is RecipientRole.SUPPORT and (task.number, r.name) in latest
    )
    members: tuple[MemberState, ...] = ()
    lead: Report | None = None
    if group_led:
        members = tuple(MemberState(u, latest.get((task.number, u))) for u in leads)
        status, percent = combine([m.report for m in members])
    else:
        lead = latest.get((task.number, leads[0])) if leads else None
        status = lead.status if lead else None
        percent = float(lead.percent) if lead else 0.0
    deadline = task.deadline.date
    expected = expected_percent(start, deadline, as_of) if deadline else None
    return TaskState(
        task=task,
        as_of=as_of,
        status=status,
        percent=percent,
        lead=lead,
        members=members,
        supporting=supporting,
        expected=expected,
        light=light(status, percent, deadline, as_of, expected, thresholds),
    )


def combine(reports: Sequence[Report | None]) -> tuple[Status | None, float]:
    """A group's status and percent from its members' latest reports (None: not reported).

    The percent is the mean, a member that has not reported counting as 0; 已完成
    only when every member reported 已完成; 推进中 once any member has started.
    """
    given = [r for r in reports if r is not None]
    if not given:
        return None, 0.0
    percent = sum(r.percent for r in given) / len(reports)
    if len(given) == len(reports) and all(r.status is Status.DONE for r in given):
        return Status.DONE, percent
    if any(r.status is not Status.NOT_STARTED for r in given) or percent > 0:
        return Status.IN_PROGRESS, percent
    return Status.NOT_STARTED, percent


def lead_units(task: Task) -> list[str]:
    """The real recipients that lead a task: one unit, or every member of its lead group."""
    leads = [r.name for r in task.recipients if r.role is RecipientRole.LEAD]
    if leads:
        return leads
    return [task.lead_unit] if task.lead_unit else []


def round1(value: float | None) -> float | None:
    """A figure as shown and written: one decimal, halves away from zero."""
    if value is None:
        return None
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _order(report: Report) -> tuple[dt.date, dt.datetime]:
    recorded = report.recorded_at or dt.datetime.max.replace(tzinfo=dt.UTC)
    if recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=dt.UTC)
    return report.as_of, recorded
