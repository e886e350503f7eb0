"""A report typed at the command line (`progress set`): who may report it, and on what day."""

from __future__ import annotations

import datetime as dt

from minsheng_cli.errors import LedgerError, QueryError
from minsheng_cli.ledger.records import Report, ReportError, Status, settle
from minsheng_cli.ledger.schedule import lead_units
from minsheng_cli.models import Notice, Task
from minsheng_cli.query import resolve_target


def find_task(notice: Notice, number: int) -> Task:
    """Task `number`, or QueryError."""
    for task in notice.tasks:
        if task.number == number:
            return task
    raise QueryError(f"通知中没有第{number}项（共{len(notice.tasks)}项）")


def reporting_unit(notice: Notice, task: Task, name: str | None) -> str:
    """The real recipient a report on `task` is from: `name` resolved, or the lead unit.

    A task led by a group needs a member named; a unit not on the task is refused.
    """
    leads = lead_units(task)
    group_led = task.lead_unit in notice.recipient_table.groups
    if name is None:
        if group_led or not leads:
            raise LedgerError(
                f"第{task.number}项由“{task.lead_unit}”牵头，须用 --unit 指明由其中哪个单位填报",
                [f"可填报的单位：{'、'.join(leads)}"] if leads else [],
            )
        return leads[0]
    target = resolve_target(notice, name)
    if target.as_written:
        raise LedgerError(
            f"“{target.name}”是统称，不能代成员填报；请用 --unit 指明其中的单位",
            [f"{target.name}包括：{'、'.join(notice.recipient_table.groups.get(target.name, []))}"],
        )
    if target.name not in {r.name for r in task.recipients}:
        raise LedgerError(
            f"“{target.name}”不是第{task.number}项的责任单位，不能填报该项",
            [f"第{task.number}项的责任单位：{'、'.join(task.units)}"],
        )
    return target.name


def command_line_report(
    notice: Notice,
    number: int,
    *,
    status: Status,
    percent: int | None,
    unit: str | None = None,
    note: str | None = None,
    problems: str | None = None,
    next_steps: str | None = None,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> Report:
    """The report `progress set` records, checked by the ledger's rules.

    Raises QueryError (no such task or unit) or LedgerError (not its task, a date
    after today, a status and percent that contradict each other).
    """
    today = today or dt.date.today()
    on = on or today
    if on > today:
        raise LedgerError(
            f"填报日期 {on.isoformat()} 晚于今天（{today.isoformat()}），不能预先填报"
        )
    task = find_task(notice, number)
    reporter = reporting_unit(notice, task, unit)
    texts = [_text(note), _text(problems), _text(next_steps)]
    try:
        status, settled = settle(status, percent, has_text=any(texts))
    except ReportError as exc:
        raise LedgerError(str(exc)) from None
    return Report(
        task=number,
        unit=reporter,
        status=status,
        percent=settled,
        note=texts[0],
        problems=texts[1],
        next_steps=texts[2],
        as_of=on,
    )


def _text(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None
