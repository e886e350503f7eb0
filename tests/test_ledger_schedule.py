"""序时进度, current state and lights: the pure functions every report uses."""

from __future__ import annotations

import datetime as dt

import pytest

from minsheng_cli import Notice
from minsheng_cli.ledger.records import Light, Report, Status
from minsheng_cli.ledger.schedule import (
    Thresholds,
    combine,
    expected_percent,
    latest_reports,
    light,
    round1,
    task_states,
)
from minsheng_cli.models import Deadline, DeadlineKind

D = dt.date
JAN1 = D(2015, 1, 1)
JUNE30 = D(2015, 6, 30)
GROUP = ["昌邑区", "龙潭区", "船营区", "丰满区", "蛟河市", "桦甸市", "舒兰市", "磐石市", "永吉县"]


def _ledger_report(
    task: int,
    unit: str,
    percent: int,
    status: Status = Status.IN_PROGRESS,
    as_of: dt.date = JUNE30,
    recorded: int = 0,
) -> Report:
    return Report(
        task=task,
        unit=unit,
        status=status,
        percent=percent,
        as_of=as_of,
        recorded_at=dt.datetime(2015, 7, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=recorded),
    )


# (start, deadline, as_of, expected rounded to one decimal)
EXPECTED = [
    (JAN1, D(2015, 12, 31), JUNE30, 49.5),  # task 19, 年底前/全年
    (JAN1, D(2015, 10, 31), JUNE30, 59.4),  # task 18, 10月
    (JAN1, D(2015, 11, 30), JUNE30, 54.1),
    (JAN1, D(2015, 3, 31), JUNE30, 100.0),  # past the deadline
    (JAN1, D(2015, 10, 31), D(2015, 10, 31), 100.0),  # on the deadline
    (JAN1, D(2015, 10, 31), JAN1, 0.0),
    (JAN1, D(2015, 10, 31), D(2014, 12, 1), 0.0),  # before the start: clamped
    (D(2015, 4, 1), D(2015, 10, 31), JUNE30, 42.3),  # --start 2015-04-01: 90 / 213 days
    (D(2015, 12, 1), D(2015, 10, 31), JUNE30, 0.0),  # a start after the deadline
]


@pytest.mark.parametrize(("start", "deadline", "as_of", "expected"), EXPECTED)
def test_ledger_expected_percent(
    start: dt.date, deadline: dt.date, as_of: dt.date, expected: float
) -> None:
    assert round1(expected_percent(start, deadline, as_of)) == expected


# (status, percent, deadline, as_of, expected, thresholds, light)
LIGHTS = [
    (Status.IN_PROGRESS, 40, D(2015, 10, 31), JUNE30, 59.4, Thresholds(), Light.YELLOW),
    (Status.IN_PROGRESS, 20, D(2015, 10, 31), JUNE30, 59.4, Thresholds(), Light.RED),
    (Status.IN_PROGRESS, 50, D(2015, 12, 31), JUNE30, 49.5, Thresholds(), Light.GREEN),
    (Status.IN_PROGRESS, 40, D(2015, 10, 31), JUNE30, 59.4, Thresholds(20, 30), Light.GREEN),
    (Status.IN_PROGRESS, 39, D(2015, 10, 31), JUNE30, 59.4, Thresholds(5, 20), Light.RED),
    (Status.IN_PROGRESS, 40, D(2015, 10, 31), JUNE30, 50.0, Thresholds(), Light.GREEN),  # 10: not >
    (Status.IN_PROGRESS, 20, D(2015, 10, 31), JUNE30, 50.0, Thresholds(), Light.YELLOW),  # 30
    (None, 0, D(2015, 3, 31), JUNE30, 100.0, Thresholds(), Light.OVERDUE),
    (Status.IN_PROGRESS, 100, D(2015, 3, 31), JUNE30, 100.0, Thresholds(), Light.OVERDUE),
    (Status.DONE, 100, D(2015, 3, 31), JUNE30, 100.0, Thresholds(), Light.DONE),
    (
        Status.IN_PROGRESS,
        89,
        D(2015, 6, 30),
        JUNE30,
        100.0,
        Thresholds(),
        Light.YELLOW,
    ),  # due today
    (Status.IN_PROGRESS, 10, None, JUNE30, None, Thresholds(), Light.NONE),
    (None, 0, None, JUNE30, None, Thresholds(), Light.NONE),
    (Status.DONE, 100, None, JUNE30, None, Thresholds(), Light.DONE),
]


@pytest.mark.parametrize(
    ("status", "percent", "deadline", "as_of", "expected", "thresholds", "want"), LIGHTS
)
def test_ledger_light_rules_in_order(
    status: Status | None,
    percent: int,
    deadline: dt.date | None,
    as_of: dt.date,
    expected: float | None,
    thresholds: Thresholds,
    want: Light,
) -> None:
    assert light(status, percent, deadline, as_of, expected, thresholds) is want


# The issue's own figures, as of 2015-06-30 with the year's start.
# (reports, task, expected, behind, light, status)
STATES = [
    ([_ledger_report(19, "市民政局", 50)], 19, 49.5, -0.5, Light.GREEN, Status.IN_PROGRESS),
    ([_ledger_report(18, "市民政局", 40)], 18, 59.4, 19.4, Light.YELLOW, Status.IN_PROGRESS),
    ([_ledger_report(18, "市民政局", 20)], 18, 59.4, 39.4, Light.RED, Status.IN_PROGRESS),
    ([], 5, 100.0, 100.0, Light.OVERDUE, None),  # 一季度末, led by 市城管执法局
    ([], 18, 59.4, 59.4, Light.RED, None),  # nobody reported: 0%
    # A later correction with the same 填报日期 wins; a supporting unit's report does not count.
    (
        [
            _ledger_report(18, "市民政局", 20),
            _ledger_report(18, "市民政局", 45, recorded=5),
            _ledger_report(18, "船营区", 90),
        ],
        18,
        59.4,
        14.4,
        Light.YELLOW,
        Status.IN_PROGRESS,
    ),
    # The report for the later 填报日期 wins, even when it was recorded first.
    (
        [
            _ledger_report(18, "市民政局", 55, recorded=0),
            _ledger_report(18, "市民政局", 10, as_of=D(2015, 5, 31), recorded=9),
        ],
        18,
        59.4,
        4.4,
        Light.GREEN,
        Status.IN_PROGRESS,
    ),
    # A report whose 填报日期 is after the as-of date is not counted.
    ([_ledger_report(18, "市民政局", 90, as_of=D(2015, 7, 1))], 18, 59.4, 59.4, Light.RED, None),
    ([_ledger_report(5, "市城管执法局", 100, Status.DONE)], 5, 100.0, 0.0, Light.DONE, Status.DONE),
]


@pytest.mark.parametrize(("reports", "number", "expected", "behind", "want", "status"), STATES)
def test_ledger_task_state_on_the_bundled_notice(
    notice: Notice,
    reports: list[Report],
    number: int,
    expected: float,
    behind: float,
    want: Light,
    status: Status | None,
) -> None:
    task = next(t for t in notice.tasks if t.number == number)
    (state,) = task_states(notice, reports, JUNE30, tasks=[task])
    assert round1(state.expected) == expected
    assert round1(state.behind) == behind
    assert state.light is want
    assert state.status is status
    assert state.reported is (status is not None)


def test_ledger_supporting_reports_are_shown_beside_the_lead(notice: Notice) -> None:
    reports = [
        _ledger_report(18, "船营区", 30, as_of=D(2015, 6, 1)),
        _ledger_report(18, "船营区", 35, as_of=D(2015, 6, 2)),
        _ledger_report(18, "高新区", 10),
        _ledger_report(18, "市民政局", 40),
    ]
    (state,) = task_states(notice, reports, JUNE30, tasks=[notice.tasks[17]])
    assert state.lead is not None and state.lead.percent == 40
    assert [(r.unit, r.percent) for r in state.supporting] == [("船营区", 35), ("高新区", 10)]


def _ledger_group(notice: Notice, reports: list[Report]) -> tuple[Status | None, float, Light]:
    task = next(t for t in notice.tasks if t.number == 49)  # 各县（市）区, 10月末
    (state,) = task_states(notice, reports, JUNE30, tasks=[task])
    assert [m.unit for m in state.members] == GROUP
    assert state.group == "各县（市）区" and state.lead is None
    return state.status, state.percent, state.light


GROUP_CASES = [
    ([], (None, 0.0, Light.RED)),
    ([("船营区", 90, Status.IN_PROGRESS)], (Status.IN_PROGRESS, 10.0, Light.RED)),
    (
        [("船营区", 100, Status.DONE), ("昌邑区", 80, Status.IN_PROGRESS)],
        (Status.IN_PROGRESS, 20.0, Light.RED),
    ),
    ([(u, 100, Status.DONE) for u in GROUP[:8]], (Status.IN_PROGRESS, 800 / 9, Light.GREEN)),
    (
        [(u, 100, Status.DONE) for u in GROUP[:8]] + [("永吉县", 100, Status.IN_PROGRESS)],
        (Status.IN_PROGRESS, 100.0, Light.GREEN),
    ),
    ([(u, 100, Status.DONE) for u in GROUP], (Status.DONE, 100.0, Light.DONE)),
    ([(u, 0, Status.NOT_STARTED) for u in GROUP[:3]], (Status.NOT_STARTED, 0.0, Light.RED)),
]


@pytest.mark.parametrize(("given", "want"), GROUP_CASES)
def test_ledger_group_led_task_combines_its_members(
    notice: Notice, given: list[tuple[str, int, Status]], want: tuple[Status | None, float, Light]
) -> None:
    reports = [_ledger_report(49, unit, percent, status) for unit, percent, status in given]
    status, percent, shown = _ledger_group(notice, reports)
    assert (status, round1(percent), shown) == (want[0], round1(want[1]), want[2])


def test_ledger_combine_counts_an_unreported_member_as_zero() -> None:
    done = _ledger_report(49, "船营区", 100, Status.DONE)
    assert combine([done, None]) == (Status.IN_PROGRESS, 50.0)
    assert combine([done, done]) == (Status.DONE, 100.0)
    assert combine([None, None]) == (None, 0.0)


def test_ledger_a_task_without_a_date_gets_none_and_no_figures(notice: Notice) -> None:
    ongoing = Deadline(text="常态化", date=None, kind=DeadlineKind.ONGOING)
    task = notice.tasks[0].model_copy(update={"deadline": ongoing})
    (state,) = task_states(notice, [_ledger_report(1, "市人社局", 10)], JUNE30, tasks=[task])
    assert (state.light, state.expected, state.behind) == (Light.NONE, None, None)


def test_ledger_start_overrides_the_first_of_january(notice: Notice) -> None:
    reports = [_ledger_report(18, "市民政局", 40)]
    (state,) = task_states(notice, reports, JUNE30, tasks=[notice.tasks[17]], start=D(2015, 4, 1))
    assert round1(state.expected) == 42.3
    assert state.light is Light.GREEN


def test_ledger_latest_reports_ignores_later_dates_and_keeps_the_later_recorded() -> None:
    first = _ledger_report(18, "市民政局", 40, recorded=0)
    second = _ledger_report(18, "市民政局", 50, recorded=0)  # same time: the later given wins
    future = _ledger_report(18, "市民政局", 90, as_of=D(2015, 7, 2))
    assert latest_reports([first, second, future], JUNE30) == {(18, "市民政局"): second}


@pytest.mark.parametrize(
    ("value", "shown"), [(49.45, 49.5), (-0.55, -0.6), (59.40594, 59.4), (None, None)]
)
def test_ledger_round1_rounds_halves_away_from_zero(value: float | None, shown: float) -> None:
    assert round1(value) == shown
