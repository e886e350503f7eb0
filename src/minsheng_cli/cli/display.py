"""Rich renderings for the terminal. Only the CLI imports this module.

Every piece of notice text reaches rich as a `Text` built by `_cell`, never as a markup string,
with its control characters made visible and its length capped; the console itself parses no
markup either. Below `NARROW` columns every table is shown as records, one field per line.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from minsheng_cli.cli.visible import clip, visible
from minsheng_cli.export.document import KIND_LABELS
from minsheng_cli.models import Notice, Problem, Severity, Task
from minsheng_cli.query import UNCATEGORISED_LABEL, UnitTarget, role_label

if TYPE_CHECKING:
    from minsheng_cli.counts import CategoryCount, MonthCount, UnitCount
    from minsheng_cli.ledger.indicators import IndicatorState

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
# A column of names is as wide as its longest name, up to this; only a longer name can break.
_NAME_WIDTH = 24


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


class _Names:
    """Lines of names, wrapped between names only: "各县（市" / "）区" never happens.

    Rich breaks CJK text anywhere, and breaks it only at spaces otherwise; U+2060 WORD JOINER
    does not stop it. So this lays the names out itself, each line of `lines` on lines of its
    own, the separator kept with the name before it so that no line starts with "、". A name
    wider than the cell still folds.
    """

    def __init__(self, lines: Sequence[Sequence[str]], separator: str = "、") -> None:
        self.lines = [[visible(clip(n, CELL_LIMIT, _CELL_HINT)) for n in line] for line in lines]
        self.separator = separator

    def _pieces(self, line: Sequence[str]) -> list[str]:
        last = len(line) - 1
        return [name + (self.separator if i < last else "") for i, name in enumerate(line)]

    def text(self) -> Text:
        return Text("\n".join("".join(self._pieces(line)) for line in self.lines))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widths = [[cell_len(piece) for piece in self._pieces(line)] for line in self.lines]
        shortest = max((max(w, default=0) for w in widths), default=0)
        longest = max((sum(w) for w in widths), default=0)
        return Measurement(shortest, longest).clamp(max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for names in self.lines:
            line = ""
            for piece in self._pieces(names):
                if line and cell_len(line) + cell_len(piece) > options.max_width:
                    yield Text(line)
                    line = ""
                line += piece
            yield Text(line)


def _plain(renderable: RenderableType) -> str:
    return renderable.plain if isinstance(renderable, Text) else str(renderable)


def _as_text(renderable: RenderableType) -> Text:
    # Every cell this module makes is a Text, names, or our own plain string (never markup).
    if isinstance(renderable, _Names):
        return renderable.text()
    return renderable if isinstance(renderable, Text) else Text(str(renderable))


def _name_width(names: Iterable[str]) -> int:
    return min(max((cell_len(visible(name)) for name in names), default=4), _NAME_WIDTH)


def _indented(value: Text) -> Text:
    lines = value.split("\n")
    return Text("\n  ").join(lines) if len(lines) > 1 else value


def _table(*, expand: bool = False) -> Table:
    return Table(box=box.SIMPLE_HEAD, expand=expand)


def tasks_table(tasks: Sequence[Task], targets: Sequence[UnitTarget] = ()) -> RenderableType:
    """Tasks as a table; for a unit's query, a column says whether it leads or supports."""
    if not tasks:
        return Text("（没有符合条件的事项）")
    return _TaskTable(tasks, targets)


_CONTENT_MIN = 16  # below this, the content column would be a ribbon: show records instead
_CONTENT_WANTED = 30  # narrow the deadline, then the roles, to give the content this much
_DEADLINE_MIN, _DEADLINE_MAX = 10, 16  # 2015-11-30; a longer deadline wraps


class _TaskTable:
    """The task table, laid out for the width it gets.

    Category, units and roles are names: each column is as wide as its longest name, one name
    a line, and only the content and a long deadline wrap. To give the content room, a long
    deadline wraps at the width of a date, then a role through a group breaks before its
    bracket; when the content would still be a ribbon, the tasks are shown as records.
    """

    def __init__(self, tasks: Sequence[Task], targets: Sequence[UnitTarget]) -> None:
        self.tasks = tasks
        self.targets = targets
        self.categories = [_category_pieces(task.category) for task in tasks]
        self.roles = [_Names(_roles(task, targets), "") for task in tasks] if targets else []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        tasks = self.tasks
        number = len(str(max(task.number for task in tasks)))
        # Never narrower than the heading: rich would cut 本单位 to "本 …".
        category = max(4, *(cell_len(piece) for pieces in self.categories for piece in pieces))
        units = max(8, _name_width(unit for task in tasks for unit in task.units))
        deadline = max(_DEADLINE_MIN, *(cell_len(visible(t.deadline.text)) for t in tasks))
        deadline = min(deadline, _DEADLINE_MAX)
        measured = [names.__rich_measure__(console, options) for names in self.roles]
        role = max((m.maximum for m in measured), default=0)
        padding = 2 * (6 if self.targets else 5)

        def content() -> int:
            return options.max_width - (number + category + deadline + units + role + padding)

        if content() < _CONTENT_WANTED:
            deadline = _DEADLINE_MIN
        if content() < _CONTENT_WANTED and measured:
            role = max(m.minimum for m in measured)
        role = max(role, 6) if measured else 0
        table = self._table(category, deadline, units, role)
        if options.max_width < NARROW or content() < _CONTENT_MIN:
            yield from _Adaptive(table)._records()
        else:
            yield table

    def _table(self, category: int, deadline: int, units: int, role: int) -> Table:
        table = _table(expand=True)
        table.add_column("序号", justify="right", no_wrap=True)
        table.add_column("类别", width=category)
        table.add_column("工作内容", ratio=1, overflow="fold")
        table.add_column("完成时限", width=deadline, overflow="fold")
        table.add_column("责任单位", width=units, overflow="fold")
        if self.targets:
            table.add_column("本单位", width=role)
        for index, task in enumerate(self.tasks):
            cells: list[RenderableType] = [
                Text(str(task.number)),
                _Names([self.categories[index]], ""),
                _cell(task.content),
                _deadline_text(task),
                _units_text(task),
            ]
            if self.targets:
                cells.append(self.roles[index])
            table.add_row(*cells)
        table.caption = Text(f"共 {len(self.tasks)} 项（责任单位中第一个为牵头单位）")
        return table


def _category_pieces(category: str | None) -> list[str]:
    # The label for "no category" is a phrase, not a name: it may break before 类别.
    return ["（未标注", "类别）"] if category is None else [category]


def _roles(task: Task, targets: Sequence[UnitTarget]) -> list[list[str]]:
    """The role column: 牵头 for one --unit, a line per unit for several (市民政局牵头).

    A role through a group, 配合（各县（市）区）, may break before its bracket, never in it.
    """
    if len(targets) == 1:
        roles = [role_label(task, targets)]
    else:
        roles = [f"{t.name}{t.role(task)}" for t in targets if t.role(task)]
    return [re.split(r"(?=（)", role, maxsplit=1) for role in roles]


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
    rows: list[tuple[str, str | list[str]]] = [
        ("序号", str(task.number)),
        ("类别", task.category or UNCATEGORISED_LABEL),
        ("工作内容", task.content),
        ("完成时限", f"{deadline.text}（截止 {when}，类型：{KIND_LABELS[deadline.kind]}{note}）"),
    ]
    if deadline.milestones:
        steps = (
            f"{m.text}（{m.date.isoformat() if m.date else '无具体日期'}）"
            for m in deadline.milestones
        )
        rows.append(("时间节点", "\n".join(steps)))
    if task.targets:
        from minsheng_cli.ledger.actuals import KIND_LABELS as TARGET_KINDS

        listed = (f"{t.id}　{t.text}（{TARGET_KINDS[t.kind]}）" for t in task.targets)
        rows.append(("量化指标", "\n".join(listed)))
    if task.title:
        rows.append(("项目名称", task.title))
    if task.leader:
        rows.append(("分管领导", task.leader))
    rows += [
        ("牵头单位", task.lead_unit or "—"),
        ("配合单位", task.supporting_units or "—"),
        ("原文写法", task.units_as_written),
        ("出处", _origin(notice, task)),
    ]
    rows = _marked(rows, task)
    for label, value in rows:
        fields.add_row(Text(label), _detail(value) if isinstance(value, str) else _Names([value]))
    source = Table.grid(padding=(0, 1))
    source.add_column(justify="right", style="dim", no_wrap=True)
    source.add_column(overflow="fold")
    for number, line in notice.source_excerpt(task):
        shown = clip(line, DETAIL_LIMIT, _DETAIL_HINT).replace("\t", "→ ").replace("\xa0", "·")
        source.add_row(Text(str(number)), Text(visible(shown)))
    return Group(
        _Adaptive(fields),
        Text(""),
        Text(_legend(task), style="bold"),
        _Adaptive(source, separator=" "),
    )


_CORRECTED_LABELS = {
    "category": "类别",
    "content": "工作内容",
    "deadline": "完成时限",
    "target": "量化指标",
}


def _marked(
    rows: list[tuple[str, str | list[str]]], task: Task
) -> list[tuple[str, str | list[str]]]:
    """Corrected fields marked （已更正）, and one 更正 line per correction with its reason."""
    if not task.corrections:
        return rows
    fields = {_CORRECTED_LABELS.get(c.field.value, "牵头单位") for c in task.corrections}
    if any(c.field.value == "units" for c in task.corrections):
        fields |= {"牵头单位", "配合单位"}
    marked = [(f"{label}（已更正）" if label in fields else label, value) for label, value in rows]
    for c in task.corrections:
        was = f"“{c.was}”" if c.was else "（空）"
        marked.append(("更正", f"{was} → “{c.now}”；理由：{c.reason}"))
    return marked


def _is_text(task: Task) -> bool:
    return task.position is None or task.position.startswith("第")


def _origin(notice: Notice, task: Task) -> str:
    """第 a–b 行 of a text notice; the reader's own position (表1第3行, 分工表!A5) otherwise."""
    if _is_text(task):
        return f"{notice.meta.source} 第 {task.lines.start}–{task.lines.end} 行"
    return f"{notice.meta.source} {task.position}"


def _legend(task: Task) -> str:
    if _is_text(task):
        return "原文（→ 表示单元格开头的制表符，· 表示不换行空格）："
    return "原文（每行一个表格行，→ 分隔单元格，· 表示不换行空格）："


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
    table.add_column(heading, width=_name_width(c.name for c in counts), overflow="fold")
    table.add_column("牵头", justify="right")
    table.add_column("配合", justify="right")
    table.add_column("合计", justify="right")
    shown = groups and any(c.name in groups for c in counts)
    if shown:
        table.add_column("统称代表的单位", overflow="fold", max_width=40)
    for c in counts:
        cells: list[RenderableType] = [
            _cell(c.name),
            Text(str(c.lead)),
            Text(str(c.supporting)),
            Text(str(c.total)),
        ]
        if groups and shown:
            cells.append(_Names([groups.get(c.name, [])]))
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


_SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.CORRECTION: "更正"}


def problems_table(problems: Sequence[Problem], path: str) -> RenderableType:
    if not problems:
        return Text(f"{visible(path)}：没有发现问题。")
    table = _table(expand=True)
    table.add_column("级别", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("说明", ratio=1, overflow="fold")
    for problem in problems:
        level = _SEVERITY_LABELS[problem.severity]
        where = problem.position or (f"第{problem.line}行" if problem.line else "—")
        table.add_row(
            Text(level, style={"错误": "red", "警告": "yellow"}.get(level, "green")),
            Text(where),
            _cell(problem.message),
        )
    return _Adaptive(table)


# -- minsheng targets ------------------------------------------------------------------------

_LABEL_SHORT = 20  # characters of an indicator's label the table shows
_LABEL_WIDE = 20  # below this, the ledger's four columns stack into two
_LABEL_MIN = 10  # below this, the indicators are shown as records
_SUPPORTING_SHOWN = 3


def targets_table(states: Sequence[IndicatorState], *, with_ledger: bool) -> RenderableType:
    """One row per indicator: 指标编号, a shortened 指标, 目标, 类型, 牵头单位; with a ledger
    also 完成值, 完成率, 序时进度 and the light (stacked two by two when narrow)."""
    if not states:
        return Text("（没有符合条件的量化指标）")
    return _TargetTable(states, with_ledger)


class _TargetTable:
    def __init__(self, states: Sequence[IndicatorState], with_ledger: bool) -> None:
        self.states = states
        self.with_ledger = with_ledger

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from minsheng_cli.ledger.target_records import goal_text

        states = self.states
        ids = max(5, *(cell_len(s.target.id) for s in states))
        goals = [(visible(s.target.as_written), goal_text(s.target)) for s in states]
        goal = min(20, max(6, *(cell_len(g) for pair in goals for g in pair)))
        lead = max(8, min(12, _name_width(s.task.lead_unit or "—" for s in states)))
        actual = min(14, max(6, *(cell_len(_actual_line(s)) for s in states)))
        fixed = ids + goal + 4 + lead
        wide = fixed + actual + 6 + 8 + 6 + 2 * 9
        plain = fixed + 2 * 5
        width = options.max_width
        if not self.with_ledger:
            table, room = self._table(ids, goal, lead, actual, "none"), width - plain
        elif width - wide >= _LABEL_WIDE:
            table, room = self._table(ids, goal, lead, actual, "wide"), width - wide
        else:
            goal = min(goal, 14)
            actual = max(actual, 8)
            stacked = ids + goal + 4 + lead + actual + 8 + 2 * 7
            table, room = self._table(ids, goal, lead, actual, "stacked"), width - stacked
        if width < NARROW or room < _LABEL_MIN:  # records: one field a line, none stacked
            layout = "wide" if self.with_ledger else "none"
            yield from _Adaptive(self._table(ids, goal, lead, actual, layout))._records()
        else:
            yield table

    def _table(self, ids: int, goal: int, lead: int, actual: int, layout: str) -> Table:
        from minsheng_cli.cli.progress_view import light_text
        from minsheng_cli.ledger.actuals import KIND_LABELS
        from minsheng_cli.ledger.target_records import goal_text

        table = _table(expand=True)
        table.add_column("指标编号", width=ids, overflow="fold")
        table.add_column("指标", ratio=1, overflow="fold")
        table.add_column("目标", width=goal, overflow="fold")
        table.add_column("类型", width=4, no_wrap=True)
        table.add_column("牵头单位", width=lead, overflow="fold")
        if layout == "wide":
            table.add_column("完成值", width=actual, overflow="fold")
            table.add_column("完成率", justify="right", no_wrap=True)
            table.add_column("序时进度", justify="right", no_wrap=True)
            table.add_column("灯", no_wrap=True)
        elif layout == "stacked":
            table.add_column("完成值\n完成率", width=actual, overflow="fold")
            table.add_column("灯\n序时进度", width=8, no_wrap=True)
        for state in self.states:
            target = state.target
            label = " ".join((target.label or target.text).split())
            short = label if len(label) <= _LABEL_SHORT else label[:_LABEL_SHORT] + "…"
            aim = _cell(target.as_written)
            aim.append("\n" + visible(goal_text(target)), style="dim")
            cells: list[RenderableType] = [
                Text(target.id),
                _cell(short),
                aim,
                Text(KIND_LABELS[target.kind]),
                _cell(state.task.lead_unit or "—"),
            ]
            ratio = Text(_ratio_line(state), style="bold" if state.met else "")
            done = _actual_text(state, ratio if layout == "stacked" else None)
            shown = light_text(state.light) if state.light else Text("—", style="dim")
            expected = Text(_percent_line(state.expected), style="dim")
            if layout == "wide":
                cells += [done, ratio, expected, shown]
            elif layout == "stacked":
                shown.append("\n")
                shown.append_text(expected)
                cells += [done, shown]
            table.add_row(*cells)
        table.caption = Text(_targets_caption(self.states, self.with_ledger))
        return table


def _percent_line(value: float | None) -> str:
    from minsheng_cli.ledger.serialize import figure

    shown = figure(value)
    return shown if shown == "—" else f"{shown}%"


def _ratio_line(state: IndicatorState) -> str:
    from minsheng_cli.ledger.target_records import ratio_percent

    return _percent_line(ratio_percent(state)) if state.reportable else "—"


def _actual_line(state: IndicatorState) -> str:
    from minsheng_cli.ledger.indicators import number_text

    if not state.reportable:
        return "不填报"
    if state.actual is None:
        return "未报送"
    return f"{number_text(state.actual)}{state.target.unit}"


def _actual_text(state: IndicatorState, ratio: Text | None = None) -> Text:
    """The actual (and `ratio` under it), then dim lines: how many members reported, or the
    supporting units' figures."""
    from minsheng_cli.ledger.indicators import number_text

    line = _actual_line(state)
    text = _cell(line, "" if state.actual is not None else "dim")
    if ratio is not None:
        text.append("\n")
        text.append_text(ratio)
    if state.members:
        given = sum(1 for m in state.members if m.actual is not None)
        text.append(f"\n已报{given}/{len(state.members)}", style="dim")
    for other in state.supporting[:_SUPPORTING_SHOWN]:
        text.append(f"\n{visible(other.unit)} {number_text(other.value)}", style="dim")
    if len(state.supporting) > _SUPPORTING_SHOWN:
        text.append(f"\n等 {len(state.supporting)} 家配合单位", style="dim")
    return text


def _targets_caption(states: Sequence[IndicatorState], with_ledger: bool) -> str:
    reportable = [s for s in states if s.reportable]
    caption = f"共 {len(states)} 个指标，其中 {len(reportable)} 个填报完成值（数量、比率、提标）"
    if with_ledger:
        reported = sum(1 for s in reportable if s.reported)
        met = sum(1 for s in reportable if s.met)
        caption += f"；已填报 {reported} 个，已完成 {met} 个；完成率不封顶"
    else:
        caption += "；还没有台账，完成值用 minsheng progress set --actual 填报"
    return caption
