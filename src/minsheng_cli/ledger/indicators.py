"""Indicator figures: 完成值, 完成率, met and the light of each 量化指标 on a date, pure functions.

- An indicator's actual is its lead unit's latest actual with a 填报日期 on or before
  the date. Where a group leads the task, the members' latest actuals combine: their
  sum for an amount, their mean for a percent or a raise; a member that has not
  reported counts as 0 (at the baseline for a raise). An amount with a `per` (每个城区…)
  is each member's to deliver, so the group's goal is the value times the members.
- 完成率: actual ÷ value (÷ low for a range); for a raise, (actual − baseline) ÷
  (value − baseline); for `<=`, 1 when met and value ÷ actual when exceeded. Not capped.
- met: 完成率 ≥ 1. The light: done when met; otherwise the task's rules
  (`schedule.light`) with the 完成率 as the percent, against the task's 序时进度.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from minsheng_cli.ledger.records import Actual, Light
from minsheng_cli.ledger.schedule import (
    Thresholds,
    expected_percent,
    lead_units,
    light,
    year_start,
)
from minsheng_cli.models import REPORTABLE_KINDS, Compare, Notice, Target, TargetKind, Task

_DEFAULT = Thresholds()


@dataclass(frozen=True)
class MemberActual:
    """One member of the group that leads a task, and its latest actual (None: 未报送)."""

    unit: str
    actual: Actual | None


@dataclass(frozen=True)
class IndicatorState:
    """Where one indicator stands on `as_of`."""

    task: Task
    target: Target
    as_of: dt.date
    actual: float | None
    """The lead's value, or the group's combination; None when no lead has reported."""
    lead: Actual | None
    """The lead unit's latest actual; None for a group-led task or when unreported."""
    members: tuple[MemberActual, ...]
    """For a group-led task, every member in order; otherwise empty."""
    supporting: tuple[Actual, ...]
    """The latest actual of each other unit that reported one, in the task's order."""
    ratio: float | None
    """完成率 (1.0 is 100%); None when unreported or not reportable."""
    expected: float | None
    """The task's 序时进度; None for a task without a date."""
    light: Light | None
    """None for an indicator that is not reported against (standard, threshold)."""

    @property
    def reportable(self) -> bool:
        return self.target.kind in REPORTABLE_KINDS

    @property
    def reported(self) -> bool:
        return self.actual is not None

    @property
    def met(self) -> bool:
        return self.ratio is not None and self.ratio >= 1


def completion(target: Target, actual: float, *, scale: int = 1) -> float:
    """The 完成率 of `actual` against `target` (1.0 is 100%); `scale` multiplies the goal."""
    if target.kind is TargetKind.RAISE:
        base = target.baseline or 0.0
        return _share(actual - base, target.value - base)
    if target.compare is Compare.LE:
        return 1.0 if actual <= target.value else target.value / actual
    goal = (
        target.low if target.compare is Compare.RANGE and target.low is not None else target.value
    )
    return _share(actual, goal * scale)


def _share(done: float, goal: float) -> float:
    if goal <= 0:  # nothing to deliver: met once anything is
        return 1.0 if done >= goal else 0.0
    return done / goal


def latest_actuals(actuals: Iterable[Actual], as_of: dt.date) -> dict[tuple[str, str], Actual]:
    """(indicator, unit) → its latest actual with a 填报日期 on or before `as_of`.

    Latest by 填报日期, then recording time; among equals, the one given later.
    """
    latest: dict[tuple[str, str], Actual] = {}
    for actual in actuals:
        if actual.as_of > as_of:
            continue
        key = (actual.indicator, actual.unit)
        held = latest.get(key)
        if held is None or _order(actual) >= _order(held):
            latest[key] = actual
    return latest


def combine(target: Target, values: Sequence[float | None]) -> float | None:
    """A group's actual from its members' (None: not reported); None when none reported."""
    if all(v is None for v in values):
        return None
    missing = (target.baseline or 0.0) if target.kind is TargetKind.RAISE else 0.0
    given = [missing if v is None else v for v in values]
    if target.kind is TargetKind.AMOUNT:
        return sum(given)
    return sum(given) / len(given)


def indicator_states(
    notice: Notice,
    actuals: Iterable[Actual],
    as_of: dt.date,
    *,
    tasks: Sequence[Task] | None = None,
    kinds: Iterable[TargetKind] | None = None,
    start: dt.date | None = None,
    thresholds: Thresholds = _DEFAULT,
) -> list[IndicatorState]:
    """Every indicator of the tasks (all the notice's, or `tasks`) on `as_of`, in their order.

    `actuals` may be a whole history or only the latest ones (Ledger.latest_actuals).
    `kinds` keeps only indicators of those kinds.
    """
    latest = latest_actuals(actuals, as_of)
    begin = start or year_start(notice, as_of)
    groups = notice.recipient_table.groups
    wanted = set(kinds) if kinds is not None else None
    return [
        indicator_state(
            task, target, latest, as_of, begin, thresholds, group_led=task.lead_unit in groups
        )
        for task in (notice.tasks if tasks is None else tasks)
        for target in task.targets
        if wanted is None or target.kind in wanted
    ]


def indicator_state(
    task: Task,
    target: Target,
    latest: dict[tuple[str, str], Actual],
    as_of: dt.date,
    start: dt.date,
    thresholds: Thresholds = _DEFAULT,
    *,
    group_led: bool = False,
) -> IndicatorState:
    """One indicator's state from `latest_actuals(...)`; `group_led` when a group leads it."""
    leads = lead_units(task)
    deadline = task.deadline.date
    expected = expected_percent(start, deadline, as_of) if deadline else None
    members: tuple[MemberActual, ...] = ()
    lead: Actual | None = None
    if group_led:
        members = tuple(MemberActual(u, latest.get((target.id, u))) for u in leads)
        actual = combine(target, [m.actual.value if m.actual else None for m in members])
    else:
        lead = latest.get((target.id, leads[0])) if leads else None
        actual = lead.value if lead else None
    taken = set(leads if group_led else leads[:1])
    others = [r.name for r in task.recipients if r.name not in taken] or [
        u for u in task.units if u not in taken
    ]
    supporting = tuple(latest[(target.id, u)] for u in others if (target.id, u) in latest)
    reportable = target.kind in REPORTABLE_KINDS
    ratio: float | None = None
    shown: Light | None = None
    if reportable:
        if actual is not None:
            scale = (
                len(members) if members and target.per and target.kind is TargetKind.AMOUNT else 1
            )
            ratio = completion(target, actual, scale=scale)
        if ratio is not None and ratio >= 1:
            shown = Light.DONE
        else:
            percent = (ratio or 0.0) * 100
            shown = light(None, percent, deadline, as_of, expected, thresholds)
    return IndicatorState(
        task=task,
        target=target,
        as_of=as_of,
        actual=actual if reportable else None,
        lead=lead,
        members=members,
        supporting=supporting,
        ratio=ratio,
        expected=expected,
        light=shown,
    )


def json_number(value: float | None) -> int | float | None:
    """A figure for JSON: 45000 rather than 45000.0, and no float noise past 6 decimals."""
    if value is None:
        return None
    rounded = round(value, 6)
    return int(rounded) if rounded.is_integer() else rounded


def number_text(value: float) -> str:
    """A figure as shown: 45000, 4.5, 291.9 (never 4.5e+04)."""
    shown = json_number(value)
    return str(shown) if isinstance(shown, int) else f"{shown:f}".rstrip("0").rstrip(".")


def _order(actual: Actual) -> tuple[dt.date, dt.datetime]:
    recorded = actual.recorded_at or dt.datetime.max.replace(tzinfo=dt.UTC)
    if recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=dt.UTC)
    return actual.as_of, recorded
