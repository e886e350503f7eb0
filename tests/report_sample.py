"""A made-up half year of reports on the seed, for the report tests and their renders.

Every light, a late completion, group-led tasks with silent members, problems
text and silent units all occur. `python -m tests.report_sample DIR` writes one
report of each format into DIR for looking at.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from minsheng_cli.ledger.records import Actual, Report, Status
from minsheng_cli.ledger.schedule import lead_units
from minsheng_cli.models import Notice
from minsheng_cli.report.figures import Options, compute
from minsheng_cli.report.model import Period, ReportFigures

AS_OF = dt.date(2015, 6, 30)
PROBLEMS = "配套资金尚未到位，部分项目前期手续仍在办理中。"

# By task number modulo 7: (status, percent, 填报日期, problems) for each report, in order.
_PATTERNS: list[list[tuple[Status, int, dt.date, str | None]]] = [
    [],  # never reported
    [(Status.DONE, 100, dt.date(2015, 5, 20), None)],
    [(Status.IN_PROGRESS, 30, dt.date(2015, 5, 31), None),
     (Status.IN_PROGRESS, 35, dt.date(2015, 6, 25), None)],
    [(Status.IN_PROGRESS, 15, dt.date(2015, 6, 28), PROBLEMS)],
    [(Status.NOT_STARTED, 0, dt.date(2015, 5, 31), "等待上级资金下达。")],
    [(Status.IN_PROGRESS, 90, dt.date(2015, 5, 31), None),
     (Status.IN_PROGRESS, 95, dt.date(2015, 6, 29), None)],
    [(Status.IN_PROGRESS, 50, dt.date(2015, 4, 30), None),
     (Status.DONE, 100, dt.date(2015, 6, 29), None)],
]  # fmt: skip


# Task 10 (due 2015-03-31) is finished three weeks late.
_LATE = [
    (Status.IN_PROGRESS, 80, dt.date(2015, 3, 31), "场地协调滞后。"),
    (Status.DONE, 100, dt.date(2015, 4, 20), None),
]


def sample_reports(notice: Notice) -> list[Report]:
    """Reports by each task's lead units (every second member of a group), as recorded."""
    reports: list[Report] = []
    recorded = dt.datetime(2015, 7, 1, 9, tzinfo=dt.UTC)
    for task in notice.tasks:
        pattern = _LATE if task.number == 10 else _PATTERNS[task.number % 7]
        units = lead_units(task)
        if len(units) > 1:
            units = units[::2]  # the other members stay silent
        for index, unit in enumerate(units):
            for status, percent, on, problems in pattern:
                recorded += dt.timedelta(minutes=1)
                reports.append(
                    Report(
                        task=task.number,
                        unit=unit,
                        status=status,
                        percent=percent,
                        note=f"{unit}报：按计划推进。" if index == 0 else None,
                        problems=problems,
                        as_of=on,
                        recorded_at=recorded,
                    )
                )
    return reports


# Actual values (完成值) as a share of each indicator's target, by its task's number modulo 5:
# met, overachieved, half, a tenth, and not reported.
_SHARES = [1.0, 1.25, 0.5, 0.1, None]


def sample_actuals(notice: Notice) -> list[Actual]:
    """The lead's actual of each reportable indicator (a group's first member only)."""
    actuals: list[Actual] = []
    for task in notice.tasks:
        share = _SHARES[task.number % 5]
        units = lead_units(task)
        if share is None or not units:
            continue
        for target in task.targets:
            if target.kind.value in ("standard", "threshold"):
                continue
            base = target.baseline or 0.0
            actuals.append(
                Actual(
                    task=task.number,
                    indicator=target.id,
                    unit=units[0],
                    value=base + (target.value - base) * share,
                    as_of=dt.date(2015, 6, 25),
                    recorded_at=dt.datetime(2015, 7, 1, 10, tzinfo=dt.UTC),
                )
            )
    return actuals


def sample_figures(
    notice: Notice, period: Period = Period.MONTH, *, category: str | None = None
) -> ReportFigures:
    """The sample's report on every task, or on one category's (a short one to render)."""
    options = Options(as_of=AS_OF, period=period, number=6)
    tasks = [t for t in notice.tasks if category is None or t.category == category]
    return compute(notice, tasks, sample_reports(notice), options, sample_actuals(notice))


if __name__ == "__main__":
    from minsheng_cli.notice.loader import load_notice

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    figures = sample_figures(load_notice(), Period.YEAR)
    (folder / "report-sample.json").write_text(figures.model_dump_json(indent=2), "utf-8")
    print(folder / "report-sample.json")
