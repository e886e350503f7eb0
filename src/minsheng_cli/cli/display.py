"""Rich renderings for the terminal. Only the CLI imports this module."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from minsheng_cli.export.document import KIND_LABELS
from minsheng_cli.models import Notice, Problem, Severity, Task
from minsheng_cli.query import (
    UNCATEGORISED_LABEL,
    CategoryCount,
    MonthCount,
    UnitCount,
    role_of,
)

_BAR = "█"


def console(*, stderr: bool = False) -> Console:
    """A console that writes no ANSI codes when NO_COLOR is set or output is not a terminal."""
    plain = "NO_COLOR" in os.environ
    return Console(
        stderr=stderr,
        color_system=None if plain else "auto",
        highlight=False,
        emoji=False,
        file=sys.stderr if stderr else sys.stdout,
    )


def tasks_table(tasks: Sequence[Task], unit: str | None = None) -> RenderableType:
    """Tasks as a table; for a unit's query, a column says whether it leads or supports."""
    if not tasks:
        return Text("（没有符合条件的事项）")
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    table.add_column("序号", justify="right", no_wrap=True)
    table.add_column("类别", min_width=8, max_width=8, overflow="fold")
    table.add_column("工作内容", ratio=5, overflow="fold")
    table.add_column("完成时限", min_width=10, max_width=16, overflow="fold")
    table.add_column("责任单位", ratio=2, min_width=12, max_width=20, overflow="fold")
    if unit:
        table.add_column("本单位", no_wrap=True)
    for task in tasks:
        cells: list[RenderableType] = [
            str(task.number),
            task.category or UNCATEGORISED_LABEL,
            task.content,
            _deadline_text(task),
            _units_text(task),
        ]
        if unit:
            cells.append(role_of(task, unit))
        table.add_row(*cells)
    table.caption = f"共 {len(tasks)} 项（责任单位中第一个为牵头单位）"
    return table


def _deadline_text(task: Task) -> Text:
    text = Text(task.deadline.text)
    text.append(
        "\n" + (task.deadline.date.isoformat() if task.deadline.date else "无具体日期"), style="dim"
    )
    return text


def _units_text(task: Task) -> Text:
    text = Text()
    for index, unit in enumerate(task.units):
        if index:
            text.append("\n")
        text.append(unit, style="bold" if index == 0 else "")
    return text


def task_detail(notice: Notice, task: Task) -> RenderableType:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column(overflow="fold")
    deadline = task.deadline
    when = deadline.date.isoformat() if deadline.date else "无具体日期"
    note = f"；说明：{deadline.note}" if deadline.note else ""
    fields.add_row("序号", str(task.number))
    fields.add_row("类别", task.category or UNCATEGORISED_LABEL)
    fields.add_row("工作内容", task.content)
    fields.add_row(
        "完成时限", f"{deadline.text}（截止 {when}，类型：{KIND_LABELS[deadline.kind]}{note}）"
    )
    fields.add_row("牵头单位", task.lead_unit or "—")
    fields.add_row("配合单位", "、".join(task.supporting_units) or "—")
    written = "、".join(task.units_as_written)
    fields.add_row("原文写法", written)
    fields.add_row("出处", f"{notice.meta.source} 第 {task.lines.start}–{task.lines.end} 行")
    source = Table.grid(padding=(0, 1))
    source.add_column(justify="right", style="dim", no_wrap=True)
    source.add_column(overflow="fold")
    for number, line in notice.source_excerpt(task):
        source.add_row(str(number), line.replace("\t", "→ ").replace("\xa0", "·"))
    return Group(
        fields,
        Text(""),
        Text("原文（→ 表示单元格开头的制表符，· 表示不换行空格）：", style="bold"),
        source,
    )


def task_details(notice: Notice, tasks: Sequence[Task]) -> RenderableType:
    """One task in full; several (a duplicated number) each under a rule naming its line."""
    if len(tasks) == 1:
        return task_detail(notice, tasks[0])
    parts: list[RenderableType] = []
    for task in tasks:
        parts += [Rule(f"第{task.number}项（第{task.lines.start}行）"), task_detail(notice, task)]
    return Group(*parts)


def _bar(count: int, top: int, width: int = 30) -> str:
    return _BAR * max(1, round(count / top * width)) if top and count else ""


def categories_table(counts: Sequence[CategoryCount]) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("类别")
    table.add_column("标明项数", justify="right")
    table.add_column("实有项数", justify="right")
    table.add_column("", no_wrap=True)
    top = max((c.count for c in counts), default=0)
    for c in counts:
        declared = str(c.declared) if c.declared is not None else "—"
        mark = "" if c.declared in (None, c.count) else "  ≠"
        table.add_row(
            c.name or UNCATEGORISED_LABEL, declared, f"{c.count}{mark}", _bar(c.count, top)
        )
    table.caption = f"共 {sum(c.count for c in counts)} 项"
    return table


def units_table(counts: Sequence[UnitCount]) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("责任单位")
    table.add_column("牵头", justify="right")
    table.add_column("配合", justify="right")
    table.add_column("合计", justify="right")
    for c in counts:
        table.add_row(c.name, str(c.lead), str(c.supporting), str(c.total))
    table.caption = f"共 {len(counts)} 个责任单位"
    return table


def months_table(counts: Sequence[MonthCount]) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("截止月份")
    table.add_column("事项数", justify="right")
    table.add_column("", no_wrap=True)
    top = max((c.count for c in counts), default=0)
    for c in counts:
        table.add_row(c.label, str(c.count), _bar(c.count, top))
    return table


def stats_view(
    categories: Sequence[CategoryCount], units: Sequence[UnitCount], months: Sequence[MonthCount]
) -> RenderableType:
    return Group(
        Text("按类别", style="bold"),
        categories_table(categories),
        Text("按截止月份", style="bold"),
        months_table(months),
        Text("按责任单位", style="bold"),
        units_table(units),
    )


def facts_table(facts: Sequence[tuple[str, str]]) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in facts:
        table.add_row(label, value)
    return table


def problems_table(problems: Sequence[Problem], path: str) -> RenderableType:
    if not problems:
        return Text(f"{path}：没有发现问题。")
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    table.add_column("级别", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("说明", ratio=1, overflow="fold")
    for problem in problems:
        level = "错误" if problem.severity is Severity.ERROR else "警告"
        where = f"第{problem.line}行" if problem.line else "—"
        table.add_row(
            Text(level, style="red" if level == "错误" else "yellow"), where, problem.message
        )
    return table
