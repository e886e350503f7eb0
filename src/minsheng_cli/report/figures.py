"""The report's figures, as pure functions over tasks and progress records.

Every state comes from `ledger.schedule.task_states`, the computation behind
`progress list`, so the two never disagree. A group that leads a task counts for
each of its members, each with its own latest report (none counting as 0).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from minsheng_cli.ledger.indicators import IndicatorState, indicator_states, json_number
from minsheng_cli.ledger.records import Actual, Light, Report, Status
from minsheng_cli.ledger.schedule import (
    TaskState,
    Thresholds,
    expected_percent,
    lead_units,
    light,
    round1,
    task_states,
    year_start,
)
from minsheng_cli.models import REPORTABLE_KINDS, Notice, RecipientRole, Task
from minsheng_cli.report import wording
from minsheng_cli.report.model import (
    LIGHT_ORDER,
    CategoryRow,
    Changes,
    Headline,
    ListedTask,
    Period,
    ReportFigures,
    Scope,
    ShareRow,
    TargetRow,
    UnitRow,
    YearEnd,
)

DUE_WITHIN_DAYS = 30
DEFAULT_ISSUER = "吉林市人民政府督查室"


@dataclass(frozen=True)
class Options:
    """How a report is asked for, besides the tasks and the reports."""

    as_of: dt.date
    period: Period = Period.MONTH
    since: dt.date | None = None
    start: dt.date | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    issuer: str = DEFAULT_ISSUER
    number: int | None = None
    filters: tuple[str, ...] = ()


def default_since(as_of: dt.date, period: Period) -> dt.date:
    """The last day of the period before the one that holds `as_of`.

    month: 2015-06-15 → 2015-05-31; quarter: → 2015-03-31; year: → 2014-12-31.
    """
    if period is Period.YEAR:
        return dt.date(as_of.year - 1, 12, 31)
    first_month = as_of.month if period is Period.MONTH else (as_of.month - 1) // 3 * 3 + 1
    return dt.date(as_of.year, first_month, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class _Credit:
    """One lead unit's part in one task: its own status, percent and light."""

    unit: str
    task: Task
    status: Status | None
    percent: float
    expected: float | None
    light: Light


def compute(
    notice: Notice,
    tasks: Sequence[Task],
    reports: Sequence[Report],
    options: Options,
    actuals: Sequence[Actual] = (),
) -> ReportFigures:
    """Every figure of the report on `tasks`, from `reports` and `actuals` (the ledger's
    whole history of progress reports and of 完成值)."""
    as_of = options.as_of
    since = options.since or default_since(as_of, options.period)
    start = options.start or year_start(notice, as_of)
    thresholds = options.thresholds
    in_scope = {t.number for t in tasks}
    history = [r for r in reports if r.task in in_scope]
    states = task_states(notice, history, as_of, tasks=tasks, start=start, thresholds=thresholds)
    before = task_states(notice, history, since, tasks=tasks, start=start, thresholds=thresholds)
    credits = _credits(notice, states, start, thresholds)
    targets = [
        _target_row(state)
        for state in indicator_states(
            notice,
            [a for a in actuals if a.task in in_scope],
            as_of,
            tasks=tasks,
            kinds=REPORTABLE_KINDS,
            start=start,
            thresholds=thresholds,
        )
    ]
    headline = _headline(states).model_copy(
        update={
            "targets": len(targets),
            "targets_reported": sum(1 for t in targets if t.actual is not None),
            "targets_met": sum(1 for t in targets if t.met),
        }
    )
    by_unit = _by_unit(credits)
    scope = Scope(
        title=wording.title(notice, options.period, as_of),
        issuer=options.issuer,
        number=options.number,
        period=options.period,
        period_label=wording.period_label(options.period, as_of),
        notice_title=notice.meta.title,
        document_number=notice.meta.document_number,
        year=notice.meta.year,
        filters=list(options.filters),
        start=start,
        yellow=thresholds.yellow,
        red=thresholds.red,
        due_within_days=DUE_WITHIN_DAYS,
    )
    overdue_or_red = [_listed(s) for s in states if s.light in (Light.OVERDUE, Light.RED)]
    reported = any(r.as_of <= as_of for r in history)
    summary = wording.summary(as_of, headline, by_unit, overdue_or_red, reported=reported)
    if targets and headline.targets_reported:
        summary.append(
            wording.targets_summary(len(targets), headline.targets_reported, headline.targets_met)
        )
    return ReportFigures(
        as_of=as_of,
        since=since,
        note=None if reported else wording.NOTHING_REPORTED,
        scope=scope,
        summary=summary,
        headline=headline,
        by_category=_by_category(states),
        by_unit=by_unit,
        ranking_rule=wording.RANKING_RULE,
        overdue_or_red=overdue_or_red,
        due_soon=[_listed(s) for s in states if _due_soon(s, as_of)],
        silent_units=_silent_units(tasks, history, since, as_of),
        changes=_changes(before, states),
        year_end=_year_end(notice, states, history, as_of)
        if options.period is Period.YEAR
        else None,
        targets=targets,
    )


def _target_row(state: IndicatorState) -> TargetRow:
    target, task = state.target, state.task
    ratio = json_number(state.ratio)
    actual = json_number(state.actual)
    return TargetRow(
        id=target.id,
        number=task.number,
        text=target.text,
        label=target.label,
        kind=target.kind,
        compare=target.compare,
        value=json_number(target.value) or 0,
        baseline=json_number(target.baseline),
        unit=target.unit,
        as_written=target.as_written,
        lead_unit=task.lead_unit,
        actual=actual,
        ratio=ratio,
        met=state.met,
        light=state.light,
        sentence=wording.target_sentence(
            number=task.number,
            label=target.label,
            text=target.text,
            kind=target.kind.value,
            actual=state.actual,
            ratio=state.ratio,
            unit=target.unit,
        ),
    )


def _mean(values: Iterable[float]) -> float | None:
    listed = list(values)
    return sum(listed) / len(listed) if listed else None


def _percent(value: float | None) -> float:
    return round1(value) or 0.0


def _counts(states: Sequence[TaskState]) -> dict[str, Any]:
    """What the headline and each category count alike: tasks, each light, behind, unreported."""
    lights = Counter(s.light for s in states)
    return {
        "tasks": len(states),
        **{light.value: lights[light] for light in Light},
        "behind": lights[Light.YELLOW] + lights[Light.RED],
        "unreported": sum(1 for s in states if not s.reported),
        "mean_percent": _percent(_mean(s.percent for s in states)),
    }


def _headline(states: Sequence[TaskState]) -> Headline:
    total = len(states)
    done = sum(1 for s in states if s.light is Light.DONE)
    return Headline(
        **_counts(states),
        started=sum(1 for s in states if s.status in (Status.IN_PROGRESS, Status.DONE)),
        done_rate=_percent(done / total * 100 if total else None),
        mean_expected=round1(_mean(s.expected for s in states if s.expected is not None)),
    )


def _by_category(states: Sequence[TaskState]) -> list[CategoryRow]:
    """One row per category in the notice's order; uncategorised tasks where they first appear."""
    grouped: dict[str | None, list[TaskState]] = {}
    for state in states:
        grouped.setdefault(state.task.category, []).append(state)
    return [
        CategoryRow(category=category, **_counts(members)) for category, members in grouped.items()
    ]


def _credits(
    notice: Notice, states: Sequence[TaskState], start: dt.date, thresholds: Thresholds
) -> list[_Credit]:
    """Each lead unit's part in each task; a group's members each with their own report."""
    credits = []
    for state in states:
        task = state.task
        if not state.members:
            for unit in lead_units(task)[:1]:
                credits.append(
                    _Credit(unit, task, state.status, state.percent, state.expected, state.light)
                )
            continue
        deadline = task.deadline.date
        expected = expected_percent(start, deadline, state.as_of) if deadline else None
        for member in state.members:
            status = member.report.status if member.report else None
            percent = float(member.report.percent) if member.report else 0.0
            shown = light(status, percent, deadline, state.as_of, expected, thresholds)
            credits.append(_Credit(member.unit, task, status, percent, expected, shown))
    return credits


def _by_unit(credits: Sequence[_Credit]) -> list[UnitRow]:
    """Lead units ranked by lead_gap, highest first; ties share a rank (1, 2, 2, 4).

    Units with no dated led task have no gap and no rank, and come last in the
    notice's order.
    """
    grouped: dict[str, list[_Credit]] = {}
    for credit in credits:
        grouped.setdefault(credit.unit, []).append(credit)
    rows = []
    for unit, led in grouped.items():
        lights = Counter(c.light for c in led)
        dated = [c for c in led if c.expected is not None]
        mean_expected = _mean(c.expected for c in dated if c.expected is not None)
        mean_dated = _mean(c.percent for c in dated)
        gap = None if mean_expected is None or mean_dated is None else mean_dated - mean_expected
        rows.append(
            UnitRow(
                unit=unit,
                rank=None,
                led=len(led),
                done=lights[Light.DONE],
                behind=lights[Light.YELLOW] + lights[Light.RED],
                overdue=lights[Light.OVERDUE],
                unreported=sum(1 for c in led if c.status is None),
                mean_percent=_percent(_mean(c.percent for c in led)),
                mean_expected=round1(mean_expected),
                lead_gap=round1(gap),
            )
        )
    ranked = sorted(
        (r for r in rows if r.lead_gap is not None),
        key=lambda r: -(r.lead_gap or 0.0),
    )
    result: list[UnitRow] = []
    for index, row in enumerate(ranked):
        tied = result and result[-1].lead_gap == row.lead_gap
        rank = result[-1].rank if tied else index + 1
        result.append(row.model_copy(update={"rank": rank}))
    return result + [r for r in rows if r.lead_gap is None]


def _listed(state: TaskState) -> ListedTask:
    task = state.task
    date = task.deadline.date
    return ListedTask(
        number=task.number,
        content=task.content,
        category=task.category,
        lead_unit=task.lead_unit,
        deadline=date.isoformat() if date else task.deadline.text,
        deadline_date=date,
        percent=_percent(state.percent),
        expected_percent=round1(state.expected),
        light=state.light,
        problems=_problems(state),
    )


def _problems(state: TaskState) -> str | None:
    if state.lead is not None:
        return state.lead.problems
    given = [
        f"{m.unit}：{m.report.problems}"
        for m in state.members
        if m.report is not None and m.report.problems
    ]
    return "；".join(given) or None


def _due_soon(state: TaskState, as_of: dt.date) -> bool:
    """Not done, and due between the as-of date and DUE_WITHIN_DAYS days after it."""
    deadline = state.task.deadline.date
    if state.light is Light.DONE or deadline is None:
        return False
    return as_of <= deadline <= as_of + dt.timedelta(days=DUE_WITHIN_DAYS)


def _silent_units(
    tasks: Sequence[Task], history: Sequence[Report], since: dt.date, as_of: dt.date
) -> list[str]:
    """Recipients of a task in scope with no report dated in (since, as_of], in notice order."""
    recipients = dict.fromkeys(r.name for t in tasks for r in t.recipients)
    for task in tasks:  # a notice without a recipient table: its units as written
        if not task.recipients:
            recipients.update(dict.fromkeys(task.units))
    heard = {r.unit for r in history if since < r.as_of <= as_of}
    return [unit for unit in recipients if unit not in heard]


def _changes(before: Sequence[TaskState], after: Sequence[TaskState]) -> Changes:
    order = {light: index for index, light in enumerate(LIGHT_ORDER)}
    completed, worse, better = [], [], []
    for old, new in zip(before, after, strict=True):
        number = new.task.number
        if new.light is Light.DONE and old.light is not Light.DONE:
            completed.append(number)
        if old.light not in order or new.light not in order:
            continue
        if order[new.light] > order[old.light]:
            worse.append(number)
        elif order[new.light] < order[old.light]:
            better.append(number)
    return Changes(completed=completed, worse=worse, better=better)


def _year_end(
    notice: Notice, states: Sequence[TaskState], history: Sequence[Report], as_of: dt.date
) -> YearEnd:
    """Per unit: its led tasks, and the tasks it supports, done on time, late, and not done.

    A lead unit's task is done when its own part is (a group's member by its own
    report); a supported task when the task is. A task is done late when the first
    已完成 report (the last lead unit's, for a group) is dated after its deadline.
    """
    first_done: dict[tuple[int, str], dt.date] = {}
    for report in history:
        if report.status is Status.DONE and report.as_of <= as_of:
            key = (report.task, report.unit)
            if key not in first_done or report.as_of < first_done[key]:
                first_done[key] = report.as_of
    lead: dict[str, Counter[str]] = {}
    support: dict[str, Counter[str]] = {}
    for state in states:
        task = state.task
        leads = [m.unit for m in state.members] or lead_units(task)[:1]
        done_leads = {m.unit for m in state.members if m.report and m.report.status is Status.DONE}
        for unit in leads:
            done = unit in done_leads if state.members else state.light is Light.DONE
            when = first_done.get((task.number, unit))
            lead.setdefault(unit, Counter())[_outcome(task, done, when)] += 1
        dates = [first_done.get((task.number, u)) for u in leads]
        when = max((d for d in dates if d), default=None) if all(dates) else None
        outcome = _outcome(task, state.light is Light.DONE, when)
        for recipient in task.recipients:
            if recipient.role is RecipientRole.SUPPORT:
                support.setdefault(recipient.name, Counter())[outcome] += 1
    return YearEnd(lead=_shares(lead), support=_shares(support))


def _outcome(task: Task, done: bool, first_done: dt.date | None) -> str:
    if not done:
        return "not_done"
    deadline = task.deadline.date
    if deadline is not None and first_done is not None and first_done > deadline:
        return "late"
    return "on_time"


def _shares(counts: dict[str, Counter[str]]) -> list[ShareRow]:
    rows = []
    for unit, counter in counts.items():
        total = sum(counter.values())
        rows.append(
            ShareRow(
                unit=unit,
                tasks=total,
                on_time=counter["on_time"],
                late=counter["late"],
                not_done=counter["not_done"],
                on_time_share=_percent(counter["on_time"] / total * 100),
                late_share=_percent(counter["late"] / total * 100),
                not_done_share=_percent(counter["not_done"] / total * 100),
            )
        )
    return rows
