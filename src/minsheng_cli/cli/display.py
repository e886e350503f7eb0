"""Rich renderings for the terminal. Only the CLI imports this module.

Every piece of notice text reaches rich as a `Text` built by `_cell`, never as a markup string,
with its control characters made visible and its length capped; the console itself parses no
markup either. Below `NARROW` columns every table is shown as records, one field per line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from minsheng_cli.cli.visible import clip, visible
from minsheng_cli.export.document import KIND_LABELS
from minsheng_cli.models import Notice, Problem, Severity, Task
from minsheng_cli.query import (
    UNCATEGORISED_LABEL,
    CategoryCount,
    MonthCount,
    UnitCount,
    UnitTarget,
    role_label,
)

_BAR = "█"
NARROW = 60  # below this many columns, tables become records
_MIN_WIDTH = 20  # narrower than this, lay out at 20 and let the terminal wrap: nothing is lost
_MAX_WIDTH = 1000  # an absurd COLUMNS would pad every line of an expanded table to it
# What a table shows of one cell, and what `show` shows of one field or source line. Rich lays
# out about 200,000 characters a second, so a 6 MB cell would take half a minute.
CELL_LIMIT = 1000
DETAIL_LIMIT = 20_000
_CELL_HINT = "--format json 或 show"
_DETAIL_HINT = "--format json"


def console(*, stderr: bool = False) -> Console:
    """A console that writes no ANSI codes when NO_COLOR is set or output is not a terminal."""
    plain = "NO_COLOR" in os.environ
    return Console(
        stderr=stderr,
        color_system=None if plain else "auto",
        highlight=False,
        markup=False,
        emoji=False,
        width=_width(),
        file=sys.stderr if stderr else sys.stdout,
    )


def _width() -> int | None:
    """COLUMNS if it is a sane number; for 0, a negative or garbage, the terminal's or 80."""
    raw = os.environ.get("COLUMNS")
    if raw is None:
        return None  # rich asks the terminal
    try:
        width = int(raw)
    except ValueError:
        width = 0
    if width < 1:
        import shutil

        width = shutil.get_terminal_size((80, 24)).columns  # ignores a COLUMNS it cannot use
    return min(max(width, _MIN_WIDTH), _MAX_WIDTH)


def _cell(text: str, style: str = "", *, limit: int = CELL_LIMIT, hint: str = _CELL_HINT) -> Text:
    """Notice text as rich sees it: never markup, never a control, never longer than `limit`."""
    return Text(visible(clip(text, limit, hint)), style=style)


def _detail(text: str, style: str = "") -> Text:
    return _cell(text, style, limit=DETAIL_LIMIT, hint=_DETAIL_HINT)


class _Adaptive:
    """A table at `NARROW` columns or more; below that, its rows as records, one field per line.

    A grid (no header) shows each row as one text, its cells joined by `separator`.
    """

    def __init__(self, table: Table, separator: str = "：") -> None:
        self.table = table
        self.separator = separator

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= NARROW:
            yield self.table
            return
        yield from self._records()

    def _records(self) -> Iterator[RenderableType]:
        table = self.table
        columns = [list(column.cells) for column in table.columns]
        headers = [_plain(column.header) for column in table.columns]
        for row in range(table.row_count):
            if table.show_header and row:
                yield Text("")
            fields = [(headers[i], _as_text(cells[row])) for i, cells in enumerate(columns)]
            if table.show_header:
                for header, value in fields:
                    if header and value.plain:
                        yield Text.assemble((f"{header}：", "bold"), _indented(value))
            else:
                yield Text(self.separator).join(value for _header, value in fields if value.plain)
        if table.caption:
            yield Text("")
            yield _as_text(table.caption)


def _plain(renderable: RenderableType) -> str:
    return renderable.plain if isinstance(renderable, Text) else str(renderable)


def _as_text(renderable: RenderableType) -> Text:
    # Every cell this module makes is a Text or our own plain string; a string is not markup.
    return renderable if isinstance(renderable, Text) else Text(str(renderable))


def _indented(value: Text) -> Text:
    lines = value.split("\n")
    return Text("\n  ").join(lines) if len(lines) > 1 else value


def _table(*, expand: bool = False) -> Table:
    return Table(box=box.SIMPLE_HEAD, expand=expand)


def tasks_table(tasks: Sequence[Task], targets: Sequence[UnitTarget] = ()) -> RenderableType:
    """Tasks as a table; for a unit's query, a column says whether it leads or supports."""
    if not tasks:
        return Text("（没有符合条件的事项）")
    table = _table(expand=True)
    table.add_column("序号", justify="right", no_wrap=True)
    table.add_column("类别", min_width=8, max_width=8, overflow="fold")
    table.add_column("工作内容", ratio=5, overflow="fold")
    table.add_column("完成时限", min_width=10, max_width=16, overflow="fold")
    table.add_column("责任单位", ratio=2, min_width=12, max_width=20, overflow="fold")
    if targets:
        # One unit's role fits on a line; several are listed one after another.
        table.add_column("本单位", no_wrap=len(targets) == 1, max_width=24, overflow="fold")
    for task in tasks:
        cells: list[RenderableType] = [
            Text(str(task.number)),
            _cell(task.category or UNCATEGORISED_LABEL),
            _cell(task.content),
            _deadline_text(task),
            _units_text(task),
        ]
        if targets:
            cells.append(Text(role_label(task, targets)))
        table.add_row(*cells)
    table.caption = Text(f"共 {len(tasks)} 项（责任单位中第一个为牵头单位）")
    return _Adaptive(table)


def _deadline_text(task: Task) -> Text:
    text = _cell(task.deadline.text)
    text.append(
        "\n" + (task.deadline.date.isoformat() if task.deadline.date else "无具体日期"), style="dim"
    )
    return text


def _units_text(task: Task) -> Text:
    return Text("\n").join(
        _cell(unit, "bold" if index == 0 else "") for index, unit in enumerate(task.units)
    )


def task_detail(notice: Notice, task: Task) -> RenderableType:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column(overflow="fold")
    deadline = task.deadline
    when = deadline.date.isoformat() if deadline.date else "无具体日期"
    note = f"；说明：{deadline.note}" if deadline.note else ""
    rows = [
        ("序号", str(task.number)),
        ("类别", task.category or UNCATEGORISED_LABEL),
        ("工作内容", task.content),
        ("完成时限", f"{deadline.text}（截止 {when}，类型：{KIND_LABELS[deadline.kind]}{note}）"),
        ("牵头单位", task.lead_unit or "—"),
        ("配合单位", "、".join(task.supporting_units) or "—"),
        ("原文写法", "、".join(task.units_as_written)),
        ("出处", f"{notice.meta.source} 第 {task.lines.start}–{task.lines.end} 行"),
    ]
    for label, value in rows:
        fields.add_row(Text(label), _detail(value))
    source = Table.grid(padding=(0, 1))
    source.add_column(justify="right", style="dim", no_wrap=True)
    source.add_column(overflow="fold")
    for number, line in notice.source_excerpt(task):
        shown = clip(line, DETAIL_LIMIT, _DETAIL_HINT).replace("\t", "→ ").replace("\xa0", "·")
        source.add_row(Text(str(number)), Text(visible(shown)))
    return Group(
        _Adaptive(fields),
        Text(""),
        Text("原文（→ 表示单元格开头的制表符，· 表示不换行空格）：", style="bold"),
        _Adaptive(source, separator=" "),
    )


def task_details(notice: Notice, tasks: Sequence[Task]) -> RenderableType:
    """One task in full; several (a duplicated number) each under a rule naming its line."""
    if len(tasks) == 1:
        return task_detail(notice, tasks[0])
    parts: list[RenderableType] = []
    for task in tasks:
        title = Text(f"第{task.number}项（第{task.lines.start}行）")
        parts += [Rule(title), task_detail(notice, task)]
    return Group(*parts)


def _bar(count: int, top: int, width: int = 30) -> str:
    return _BAR * max(1, round(count / top * width)) if top and count else ""


def categories_table(counts: Sequence[CategoryCount]) -> RenderableType:
    table = _table()
    table.add_column("类别", overflow="fold")
    table.add_column("标明项数", justify="right")
    table.add_column("实有项数", justify="right")
    table.add_column("", no_wrap=True)
    top = max((c.count for c in counts), default=0)
    for c in counts:
        declared = str(c.declared) if c.declared is not None else "—"
        mark = "" if c.declared in (None, c.count) else "  ≠"
        table.add_row(
            _cell(c.name or UNCATEGORISED_LABEL),
            Text(declared),
            Text(f"{c.count}{mark}"),
            Text(_bar(c.count, top)),
        )
    table.caption = Text(f"共 {sum(c.count for c in counts)} 项")
    return _Adaptive(table)


def units_table(
    counts: Sequence[UnitCount],
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    heading: str = "责任单位",
) -> RenderableType:
    """Units (or recipients) with their counts; a group also shows whom it stands for."""
    table = _table()
    table.add_column(heading, overflow="fold")
    table.add_column("牵头", justify="right")
    table.add_column("配合", justify="right")
    table.add_column("合计", justify="right")
    shown = groups and any(c.name in groups for c in counts)
    if shown:
        table.add_column("统称代表的单位", overflow="fold", max_width=40)
    for c in counts:
        cells = [_cell(c.name), Text(str(c.lead)), Text(str(c.supporting)), Text(str(c.total))]
        if groups and shown:
            cells.append(_cell("、".join(groups.get(c.name, []))))
        table.add_row(*cells)
    caption = f"共 {len(counts)} 个{heading}"
    if shown and groups:
        caption += f"，其中 {sum(1 for c in counts if c.name in groups)} 个是统称"
    if heading != "责任单位":
        caption += "（含经统称分到的事项，每项在每个单位下只计一次）"
    table.caption = Text(caption)
    return _Adaptive(table)


def months_table(counts: Sequence[MonthCount]) -> RenderableType:
    table = _table()
    table.add_column("截止月份")
    table.add_column("事项数", justify="right")
    table.add_column("", no_wrap=True)
    top = max((c.count for c in counts), default=0)
    for c in counts:
        table.add_row(Text(c.label), Text(str(c.count)), Text(_bar(c.count, top)))
    if not counts:
        table.caption = Text("（没有带截止日期的事项）")
    return _Adaptive(table)


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
        table.add_row(Text(label), _detail(value))
    return _Adaptive(table)


def problems_table(problems: Sequence[Problem], path: str) -> RenderableType:
    if not problems:
        return Text(f"{visible(path)}：没有发现问题。")
    table = _table(expand=True)
    table.add_column("级别", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("说明", ratio=1, overflow="fold")
    for problem in problems:
        level = "错误" if problem.severity is Severity.ERROR else "警告"
        where = f"第{problem.line}行" if problem.line else "—"
        table.add_row(
            Text(level, style="red" if level == "错误" else "yellow"),
            Text(where),
            _cell(problem.message),
        )
    return _Adaptive(table)
