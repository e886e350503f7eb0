"""The report's figures, table by table, on hand-made tasks and ledgers."""

from __future__ import annotations

import datetime as dt

import pytest

from minsheng_cli.ledger.records import Light, Report, Status
from minsheng_cli.ledger.schedule import Thresholds
from minsheng_cli.models import Deadline, DeadlineKind, Notice, Recipient, RecipientRole, Task
from minsheng_cli.report.figures import Options, compute, default_since
from minsheng_cli.report.model import Period, ReportFigures

AS_OF = dt.date(2015, 6, 30)
YEAR_END = dt.date(2015, 12, 31)
MARCH = dt.date(2015, 3, 31)
CITY = ["昌邑区", "龙潭区", "船营区", "丰满区"]  # 各城区 in the seed's recipient table


def _task(
    base: Task,
    number: int,
    lead: str,
    deadline: dt.date | None = YEAR_END,
    *,
    supporting: tuple[str, ...] = (),
    category: str | None = "甲类",
) -> Task:
    members = CITY if lead == "各城区" else [lead]
    recipients = [
        Recipient(name=m, role=RecipientRole.LEAD, via=lead if lead == "各城区" else None)
        for m in members
    ] + [Recipient(name=s, role=RecipientRole.SUPPORT, via=None) for s in supporting]
    kind = DeadlineKind.DATE if deadline else DeadlineKind.ONGOING
    return base.model_copy(
        update={
            "number": number,
            "category": category,
            "content": f"事项{number}",
            "deadline": Deadline(text="年底" if deadline else "长期", date=deadline, kind=kind),
            "units": [lead, *supporting],
            "units_as_written": [lead, *supporting],
            "recipients": recipients,
        }
    )


def _report(
    task: int, unit: str, percent: int, on: dt.date = AS_OF, problems: str | None = None
) -> Report:
    if percent == 100:
        status = Status.DONE
    elif percent == 0:
        status = Status.NOT_STARTED
    else:
        status = Status.IN_PROGRESS
    return Report(task=task, unit=unit, status=status, percent=percent, as_of=on, problems=problems)


def _figures(
    notice: Notice,
    tasks: list[Task],
    reports: list[Report],
    *,
    as_of: dt.date = AS_OF,
    period: Period = Period.MONTH,
    since: dt.date | None = None,
) -> ReportFigures:
    hand_made = notice.model_copy(update={"tasks": tasks})
    options = Options(as_of=as_of, period=period, since=since, thresholds=Thresholds(10, 30))
    return compute(hand_made, tasks, reports, options)


@pytest.fixture
def lights(notice: Notice) -> tuple[list[Task], list[Report]]:
    """One task for every light; on 2015-06-30 a year-end task expects 49.5%."""
    base = notice.tasks[0]
    tasks = [
        _task(base, 1, "市民政局"),  # done
        _task(base, 2, "市民政局"),  # 50%: green
        _task(base, 3, "市教育局"),  # 35%: 14.5 behind, yellow
        _task(base, 4, "市教育局"),  # 10%: red
        _task(base, 5, "市教育局", MARCH, category="乙类"),  # 60% after its deadline: overdue
        _task(base, 6, "市体育局", None, category="乙类"),  # 50%, no date: none
        _task(base, 7, "市体育局", category="乙类"),  # nobody reported: red, unreported
    ]
    reports = [
        _report(1, "市民政局", 100, dt.date(2015, 5, 10)),
        _report(2, "市民政局", 50),
        _report(3, "市教育局", 35),
        _report(4, "市教育局", 10, problems="资金未到位"),
        _report(5, "市教育局", 60, dt.date(2015, 6, 1), problems="拆迁受阻"),
        _report(6, "市体育局", 50),
    ]
    return tasks, reports


HEADLINE = {
    "tasks": 7,
    "done": 1,
    "green": 1,
    "yellow": 1,
    "red": 2,
    "overdue": 1,
    "none": 1,
    "unreported": 1,
    "started": 6,
    "behind": 3,
    "done_rate": 14.3,
    # (100 + 50 + 35 + 10 + 60 + 50 + 0) / 7 = 43.57…
    "mean_percent": 43.6,
    # five year-end tasks at 49.45… and one past its deadline at 100, over six dated tasks
    "mean_expected": 57.9,
}


@pytest.mark.parametrize(("key", "expected"), HEADLINE.items())
def test_headline_counts_every_light(
    notice: Notice, lights: tuple[list[Task], list[Report]], key: str, expected: object
) -> None:
    figures = _figures(notice, *lights)
    assert getattr(figures.headline, key) == expected


def test_headline_lights_add_up_to_the_tasks(
    notice: Notice, lights: tuple[list[Task], list[Report]]
) -> None:
    h = _figures(notice, *lights).headline
    assert h.done + h.green + h.yellow + h.red + h.overdue + h.none == h.tasks


CATEGORIES = [
    # category, tasks, done, behind, overdue, unreported, mean percent
    ("甲类", 4, 1, 2, 0, 0, 48.8),
    ("乙类", 3, 0, 1, 1, 1, 36.7),
]


@pytest.mark.parametrize(
    ("category", "tasks", "done", "behind", "overdue", "unreported", "mean"), CATEGORIES
)
def test_by_category(
    notice: Notice,
    lights: tuple[list[Task], list[Report]],
    category: str,
    tasks: int,
    done: int,
    behind: int,
    overdue: int,
    unreported: int,
    mean: float,
) -> None:
    rows = {r.category: r for r in _figures(notice, *lights).by_category}
    row = rows[category]
    assert (row.tasks, row.done, row.behind, row.overdue, row.unreported, row.mean_percent) == (
        tasks,
        done,
        behind,
        overdue,
        unreported,
        mean,
    )


UNITS = [
    # unit, rank, led, done, behind, overdue, unreported, lead gap
    # 市民政局: (100 + 50) / 2 − 49.5 = 25.5
    ("市民政局", 1, 2, 1, 0, 0, 0, 25.5),
    # 市教育局: (35 + 10 + 60) / 3 − (49.45 + 49.45 + 100) / 3 = 35 − 66.3 = −31.3
    ("市教育局", 2, 3, 0, 2, 1, 0, -31.3),
    # 市体育局: only task 7 is dated (0% against 49.5); task 6 counts for led but not the gap
    ("市体育局", 3, 2, 0, 1, 0, 1, -49.5),
]


@pytest.mark.parametrize(
    ("unit", "rank", "led", "done", "behind", "overdue", "unreported", "gap"), UNITS
)
def test_by_unit(
    notice: Notice,
    lights: tuple[list[Task], list[Report]],
    unit: str,
    rank: int,
    led: int,
    done: int,
    behind: int,
    overdue: int,
    unreported: int,
    gap: float,
) -> None:
    rows = {r.unit: r for r in _figures(notice, *lights).by_unit}
    row = rows[unit]
    assert (row.rank, row.led, row.done, row.behind, row.overdue, row.unreported, row.lead_gap) == (
        rank,
        led,
        done,
        behind,
        overdue,
        unreported,
        gap,
    )


def test_units_are_ranked_by_gap_highest_first(
    notice: Notice, lights: tuple[list[Task], list[Report]]
) -> None:
    rows = _figures(notice, *lights).by_unit
    assert [(r.unit, r.rank) for r in rows] == [("市民政局", 1), ("市教育局", 2), ("市体育局", 3)]


def test_ties_share_a_rank_and_the_next_rank_skips(notice: Notice) -> None:
    base = notice.tasks[0]
    units = ["市民政局", "市教育局", "市体育局", "市交通局"]
    tasks = [_task(base, n, unit) for n, unit in enumerate(units, 1)]
    reports = [_report(1, "市民政局", 90), _report(2, "市教育局", 40), _report(3, "市体育局", 40)]
    rows = _figures(notice, tasks, reports).by_unit
    assert [r.rank for r in rows] == [1, 2, 2, 4]
    assert [r.unit for r in rows][0] == "市民政局"


def test_a_unit_with_only_undated_tasks_has_no_gap_and_no_rank(notice: Notice) -> None:
    base = notice.tasks[0]
    tasks = [_task(base, 1, "市民政局"), _task(base, 2, "市体育局", None)]
    rows = _figures(notice, tasks, [_report(2, "市体育局", 50)]).by_unit
    assert [(r.unit, r.rank, r.lead_gap, r.mean_expected) for r in rows] == [
        ("市民政局", 1, -49.5, 49.5),
        ("市体育局", None, None, None),
    ]


def test_a_group_lead_counts_for_each_member_with_its_own_report(notice: Notice) -> None:
    base = notice.tasks[0]
    tasks = [_task(base, 1, "各城区", supporting=("市财政局",))]
    reports = [_report(1, "昌邑区", 100), _report(1, "龙潭区", 60)]
    figures = _figures(notice, tasks, reports)
    rows = {r.unit: r for r in figures.by_unit}
    assert set(rows) == set(CITY)
    assert (rows["昌邑区"].done, rows["昌邑区"].mean_percent) == (1, 100.0)
    assert (rows["龙潭区"].done, rows["龙潭区"].mean_percent, rows["龙潭区"].behind) == (0, 60, 0)
    # A member that has not reported counts 0 and is behind.
    assert (rows["船营区"].unreported, rows["船营区"].mean_percent, rows["船营区"].behind) == (
        1,
        0.0,
        1,
    )
    # The task itself: the members' mean, (100 + 60 + 0 + 0) / 4.
    assert figures.headline.mean_percent == 40.0
    assert "各城区" not in figures.silent_units
    assert figures.silent_units == ["船营区", "丰满区", "市财政局"]


def test_silent_units_look_only_after_the_previous_report(notice: Notice) -> None:
    base = notice.tasks[0]
    tasks = [_task(base, 1, "市民政局", supporting=("市财政局",)), _task(base, 2, "市教育局")]
    reports = [
        _report(1, "市民政局", 40, dt.date(2015, 6, 10)),
        _report(2, "市教育局", 40, dt.date(2015, 5, 31)),  # on the day of the last bulletin
        _report(1, "市财政局", 40, dt.date(2015, 7, 2)),  # after the as-of date
    ]
    figures = _figures(notice, tasks, reports)
    assert figures.since == dt.date(2015, 5, 31)
    assert figures.silent_units == ["市财政局", "市教育局"]


YEAR_END_ROWS = [
    # unit, tasks, on time, late, not done, shares
    ("市民政局", 3, 1, 1, 1, (33.3, 33.3, 33.3)),
    ("市教育局", 1, 1, 0, 0, (100.0, 0.0, 0.0)),
]


@pytest.mark.parametrize(("unit", "tasks", "on_time", "late", "not_done", "shares"), YEAR_END_ROWS)
def test_year_end_counts_late_completions(
    notice: Notice,
    unit: str,
    tasks: int,
    on_time: int,
    late: int,
    not_done: int,
    shares: tuple[float, float, float],
) -> None:
    base = notice.tasks[0]
    made = [
        _task(base, 1, "市民政局", MARCH, supporting=("市财政局",)),
        _task(base, 2, "市民政局", MARCH, supporting=("市财政局",)),
        _task(base, 3, "市民政局"),
        _task(base, 4, "市教育局", None),
    ]
    reports = [
        _report(1, "市民政局", 100, dt.date(2015, 3, 20)),
        _report(2, "市民政局", 60, dt.date(2015, 3, 20)),
        _report(2, "市民政局", 100, dt.date(2015, 5, 5)),  # done after its deadline
        _report(2, "市民政局", 100, dt.date(2015, 6, 5)),  # a later repeat changes nothing
        _report(3, "市民政局", 30),
        _report(4, "市教育局", 100),  # no deadline to miss
    ]
    figures = _figures(notice, made, reports, as_of=YEAR_END, period=Period.YEAR)
    assert figures.year_end is not None
    row = {r.unit: r for r in figures.year_end.lead}[unit]
    assert (row.tasks, row.on_time, row.late, row.not_done) == (tasks, on_time, late, not_done)
    assert (row.on_time_share, row.late_share, row.not_done_share) == shares
    supported = {r.unit: r for r in figures.year_end.support}["市财政局"]
    assert (supported.tasks, supported.on_time, supported.late) == (2, 1, 1)


def test_only_the_year_report_has_the_year_end_view(notice: Notice) -> None:
    tasks = [_task(notice.tasks[0], 1, "市民政局")]
    assert _figures(notice, tasks, []).year_end is None
    assert _figures(notice, tasks, [], period=Period.YEAR).year_end is not None


def test_changes_include_time_passing(notice: Notice) -> None:
    base = notice.tasks[0]
    tasks = [
        _task(base, 1, "市民政局"),  # completed since
        _task(base, 2, "市民政局", dt.date(2015, 6, 15)),  # green on 5-31, overdue by 6-30
        _task(base, 3, "市民政局"),  # red on 5-31, green after a new report
        _task(base, 4, "市民政局", None),  # none: left out
    ]
    reports = [
        _report(1, "市民政局", 40, dt.date(2015, 5, 20)),
        _report(1, "市民政局", 100, dt.date(2015, 6, 20)),
        _report(2, "市民政局", 90, dt.date(2015, 5, 20)),
        _report(3, "市民政局", 5, dt.date(2015, 5, 20)),
        _report(3, "市民政局", 60, dt.date(2015, 6, 20)),
        _report(4, "市民政局", 10, dt.date(2015, 6, 20)),
    ]
    changes = _figures(notice, tasks, reports).changes
    assert changes.completed == [1]
    assert changes.worse == [2]
    assert changes.better == [1, 3]


def test_lists_overdue_or_red_and_due_soon(
    notice: Notice, lights: tuple[list[Task], list[Report]]
) -> None:
    tasks, reports = lights
    tasks = [*tasks, _task(notice.tasks[0], 8, "市民政局", dt.date(2015, 7, 30))]
    figures = _figures(notice, tasks, reports)
    listed = {t.number: t for t in figures.overdue_or_red}
    assert sorted(listed) == [4, 5, 7, 8]  # 8: unreported, due in a month, so red
    assert (listed[5].light, listed[5].problems, listed[5].expected_percent) == (
        Light.OVERDUE,
        "拆迁受阻",
        100.0,
    )
    assert listed[4].problems == "资金未到位"
    assert [t.number for t in figures.due_soon] == [8]


def test_an_empty_ledger_says_so_and_counts_every_task_unreported(notice: Notice) -> None:
    figures = compute(notice, notice.tasks, [], Options(as_of=AS_OF))
    assert figures.note is not None and "还没有任何填报" in figures.note
    assert figures.headline.unreported == figures.headline.tasks == 80
    assert figures.headline.mean_percent == 0.0
    assert sum(r.tasks for r in figures.by_category) == 80


SINCE = [
    (dt.date(2015, 6, 15), Period.MONTH, dt.date(2015, 5, 31)),
    (dt.date(2015, 1, 1), Period.MONTH, dt.date(2014, 12, 31)),
    (dt.date(2015, 3, 31), Period.MONTH, dt.date(2015, 2, 28)),
    (dt.date(2015, 6, 15), Period.QUARTER, dt.date(2015, 3, 31)),
    (dt.date(2015, 2, 1), Period.QUARTER, dt.date(2014, 12, 31)),
    (dt.date(2015, 12, 31), Period.QUARTER, dt.date(2015, 9, 30)),
    (dt.date(2015, 6, 15), Period.YEAR, dt.date(2014, 12, 31)),
]


@pytest.mark.parametrize(("as_of", "period", "since"), SINCE)
def test_default_since(as_of: dt.date, period: Period, since: dt.date) -> None:
    assert default_since(as_of, period) == since
