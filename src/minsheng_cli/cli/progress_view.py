"""Rich renderings of task states and report histories. Only cli/progress.py imports this.

Notice text and report text reach rich only as `Text`, with controls made visible
and length capped, as in cli/display.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from minsheng_cli.cli.visible import clip, visible
from minsheng_cli.ledger.records import LIGHT_LABELS, Light, Report
from minsheng_cli.ledger.schedule import TaskState
from minsheng_cli.ledger.serialize import (
    NOT_REPORTED,
    figure,
    recorded_label,
    source_label,
    status_label,
)

LIGHT_STYLES: dict[Light, str] = {
    Light.DONE: "bold blue",
    Light.OVERDUE: "bold magenta",
    Light.RED: "bold red",
    Light.YELLOW: "bold yellow",
    Light.GREEN: "bold green",
    Light.NONE: "dim",
}
_CONTENT = 24  # characters of 工作内容 the list shows
_LIMIT = 1000
_HINT = "--format json"


def _cell(text: str, style: str = "", *, limit: int = _LIMIT) -> Text:
    return Text(visible(clip(text, limit, _HINT)), style=style)


def _short(text: str) -> Text:
    flat = " ".join(text.split())
    return _cell(flat if len(flat) <= _CONTENT else flat[:_CONTENT] + "…")


def light_text(light: Light) -> Text:
    return Text(LIGHT_LABELS[light], style=LIGHT_STYLES[light])


def _percent(value: float | None) -> str:
    shown = figure(value)
    return shown if shown == "—" else f"{shown}%"


def states_table(states: Sequence[TaskState]) -> RenderableType:
    """序号, shortened 工作内容, 牵头单位, 截止日期, 状态, 进度, 序时进度, 灯; a closing count."""
    if not states:
        return Text("（没有符合条件的事项）")
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    table.add_column("序号", justify="right", no_wrap=True)
    table.add_column("工作内容", overflow="fold", ratio=1)
    table.add_column("牵头单位", overflow="fold", max_width=16)
    table.add_column("截止日期", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    table.add_column("进度", justify="right", no_wrap=True)
    table.add_column("序时进度", justify="right", no_wrap=True)
    table.add_column("灯", no_wrap=True)
    for state in states:
        task = state.task
        deadline = task.deadline.date.isoformat() if task.deadline.date else task.deadline.text
        table.add_row(
            Text(str(task.number)),
            _short(task.content),
            _cell(task.lead_unit or "—"),
            _cell(deadline),
            Text(status_label(state), style="" if state.reported else "dim"),
            Text(_percent(state.percent)),
            Text(_percent(state.expected)),
            light_text(state.light),
        )
    return Group(table, summary(states))


def summary(states: Sequence[TaskState]) -> Text:
    """共 N 项：绿灯 a，黄灯 b，…；未报送 k 项 (each light in its colour)."""
    counts = Counter(s.light for s in states)
    line = Text(f"共 {len(states)} 项：")
    parts = [light for light in Light if counts[light]]
    for index, light in enumerate(parts):
        if index:
            line.append("，")
        line.append(LIGHT_LABELS[light], style=LIGHT_STYLES[light])
        line.append(f" {counts[light]}")
    unreported = sum(1 for s in states if not s.reported)
    if unreported:
        line.append(f"；{NOT_REPORTED} {unreported} 项（按 0% 计）")
    return line


def state_view(state: TaskState, history: Sequence[Report]) -> RenderableType:
    """One task: what it is, where it stands, and every report on it."""
    task = state.task
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column(overflow="fold")
    when = task.deadline.date.isoformat() if task.deadline.date else "无具体日期"
    rows: list[tuple[str, Text]] = [
        ("序号", Text(str(task.number))),
        ("工作内容", _cell(task.content)),
        ("完成时限", _cell(f"{task.deadline.text}（截止 {when}）")),
        ("牵头单位", _cell(task.lead_unit or "—")),
        ("配合单位", _cell("、".join(task.supporting_units) or "—")),
        ("当前状态", _current(state)),
        ("序时进度", Text(f"{_percent(state.expected)}（截至 {state.as_of.isoformat()}）")),
        ("灯", light_text(state.light)),
    ]
    if state.behind is not None:
        behind = figure(abs(state.behind))
        ahead = state.behind < 0
        rows.insert(7, ("落后", Text(f"超前 {behind} 个百分点" if ahead else f"{behind} 个百分点")))
    for member in state.members:
        rows.append((f"  {member.unit}", _report_line(member.report)))
    for report in state.supporting:
        rows.append((f"配合：{report.unit}", _report_line(report)))
    for label, value in rows:
        fields.add_row(Text(visible(label)), value)
    return Group(fields, Text(""), history_table(history))


def _current(state: TaskState) -> Text:
    if not state.reported:
        return Text(f"{NOT_REPORTED}（按 0% 计）")
    if state.lead is not None:
        return _report_line(state.lead)
    given = sum(1 for m in state.members if m.report is not None)
    return Text(
        f"{status_label(state)} {_percent(state.percent)}"
        f"（{len(state.members)} 个成员的平均，{given} 个已填报，未报送的按 0% 计）"
    )


def _report_line(report: Report | None) -> Text:
    if report is None:
        return Text(NOT_REPORTED, style="dim")
    return _cell(
        f"{report.status.value} {report.percent}%"
        f"（{report.unit}，填报日期 {report.as_of.isoformat()}）"
    )


def history_table(history: Sequence[Report]) -> RenderableType:
    if not history:
        return Text("填报记录：（还没有填报）")
    table = Table(box=box.SIMPLE_HEAD, title="填报记录（按记入先后）", title_justify="left")
    table.add_column("填报日期", no_wrap=True)
    table.add_column("填报单位", overflow="fold", max_width=14)
    table.add_column("状态", no_wrap=True)
    table.add_column("进度", justify="right", no_wrap=True)
    table.add_column("进展情况 / 存在问题 / 下步打算", overflow="fold", ratio=1)
    table.add_column("记入时间", overflow="fold", max_width=10)
    table.add_column("来源", overflow="fold", max_width=28)
    for report in history:
        texts = [
            f"{label}：{value}"
            for label, value in (
                ("进展", report.note),
                ("问题", report.problems),
                ("下步", report.next_steps),
            )
            if value
        ]
        table.add_row(
            Text(report.as_of.isoformat()),
            _cell(report.unit),
            Text(report.status.value),
            Text(f"{report.percent}%"),
            _cell("\n".join(texts)),
            Text(recorded_label(report)),
            _cell(source_label(report)),
        )
    return table
