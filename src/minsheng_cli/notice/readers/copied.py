"""A web page's text as a browser copies it: one cell per line, blank lines between.

There are no tabs. The header's cells stand on consecutive lines (blank lines
between them allowed) and give the columns and their order, for example 序号,
民生实事, 责任单位, 完成时限. Each line after it is told apart by what it is:
- the next 序号: a line that is a number alone starts a task;
- a deadline phrase (5月底前开工) that data/deadlines.toml can read;
- a unit name: each of its names ends as a unit does (data/units.toml,
  data/copied_page.toml), unless the header puts 工作内容 first and the task has
  no content yet;
- otherwise content.

A content line after the sub-item's deadline (or a deadline after its content,
when the header puts the deadline first) starts another sub-item under the
same 序号; units are shared. The table ends at the page's own lines (分享到, 打印本页 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from minsheng_cli._data import load_table
from minsheng_cli.models import DeadlineKind
from minsheng_cli.notice.deadlines import parse_deadline
from minsheng_cli.notice.table import Cell, Row, Table, header_names, row_number
from minsheng_cli.units import split_units

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"[0-9０-９]")
_TITLE_LENGTH = 80
_FIELDS = ("content", "deadline")  # what a sub-item has of its own; units are shared


@dataclass(frozen=True)
class _Rules:
    unit_endings: tuple[str, ...]
    unit_length: int
    deadline_length: int
    page_lines: tuple[str, ...]


@cache
def _rules() -> _Rules:
    table = load_table("copied_page")
    units = load_table("units")
    return _Rules(
        unit_endings=tuple(table["unit_endings"]) + tuple(units["department_suffixes"]),
        unit_length=int(table["unit_length"]),
        deadline_length=int(table["deadline_length"]),
        page_lines=tuple(table["page_lines"]),
    )


@dataclass
class _Task:
    number: int
    line: int
    fields: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    items: list[dict[str, list[str]]] = field(default_factory=list)
    last: str | None = None
    """The field of the current sub-item written last (content or deadline)."""

    def add(self, key: str, line: int, text: str) -> None:
        if key in _FIELDS:
            # A field the sub-item has already, after another one: the next sub-item.
            if not self.items or (key != self.last and key in self.items[-1]):
                self.items.append({})
            self.items[-1].setdefault(key, []).append(text)
            self.last = key
        self.fields.setdefault(key, []).append((line, text))


def find_copied_table(lines: list[str]) -> Table | None:
    """The table of a page copied one cell a line, or None when no header is found."""
    header = _header(lines)
    if header is None:
        return None
    first, last, order = header
    rules = _rules()
    tasks: list[_Task] = []
    stray: list[Cell] = []
    for index in range(last + 1, len(lines)):
        text = lines[index].strip()
        number = index + 1
        if not text:
            continue
        if text.startswith(rules.page_lines):
            break
        task_number = row_number(_SPACE.sub("", text))
        if task_number is not None:
            tasks.append(_Task(task_number, number))
        elif not tasks:
            stray.append(Cell(number, [text], position=f"第{number}行", last_line=number))
        else:
            task = tasks[-1]
            task.add(_kind(text, task, order, rules), number, text)
    before = [text.strip() for text in lines[:first] if text.strip()]
    caption = before[-1] if before and len(before[-1]) <= _TITLE_LENGTH else None
    return Table(
        start_line=first + 1,
        header_line=first + 1,
        columns=order,
        caption=caption,
        rows=[_row(task, order) for task in tasks],
        stray_cells=stray,
        trailing_line=None,
    )


def _header(lines: list[str]) -> tuple[int, int, list[str]] | None:
    """(index of the header's first line, of its last, the column keys in order)."""
    names = header_names()
    index = 0
    while index < len(lines):
        if _SPACE.sub("", lines[index]) not in names:
            index += 1
            continue
        keys: list[str] = []
        last = index
        cursor = index
        while cursor < len(lines):
            compact = _SPACE.sub("", lines[cursor])
            if compact in names:
                keys.append(names[compact])
                last = cursor
            elif compact:
                break
            cursor += 1
        if "number" in keys and ("content" in keys or "title" in keys) and len(keys) >= 3:
            order = list(dict.fromkeys("content" if k == "title" else k for k in keys))
            return index, last, order
        index = cursor + 1
    return None


def _kind(text: str, task: _Task, order: list[str], rules: _Rules) -> str:
    compact = _SPACE.sub("", text)
    if "deadline" in order and len(compact) <= rules.deadline_length and _is_deadline(compact):
        return "deadline"
    content_first = "content" in order and "units" in order
    content_first = content_first and order.index("content") < order.index("units")
    waiting = content_first and not (task.items and "content" in task.items[-1])
    if "units" in order and not waiting and _is_units(compact, rules):
        return "units"
    return "content"


def _is_deadline(compact: str) -> bool:
    deadline = parse_deadline(compact, 2000)
    return deadline.kind is not DeadlineKind.UNKNOWN


def _is_units(compact: str, rules: _Rules) -> bool:
    names = split_units(compact)
    return bool(names) and all(
        len(name) <= rules.unit_length
        and not _DIGIT.search(name)
        and name.endswith(rules.unit_endings)
        for name in names
    )


def _row(task: _Task, order: list[str]) -> Row:
    where = f"第{task.line}行"
    cells = []
    for key in order[1:]:
        found = task.fields.get(key, [])
        line = found[0][0] if found else task.line
        cells.append(
            Cell(
                line,
                [text for _, text in found] or [""],
                position=f"第{line}行",
                last_line=found[-1][0] if found else task.line,
            )
        )
    own = [item for item in task.items if item.get("content") and item.get("deadline")]
    number_cell = Cell(task.line, [str(task.number)], position=where, last_line=task.line)
    return Row(
        number=task.number,
        number_cell=number_cell,
        cells=cells,
        position=where,
        items=[(item["content"], item["deadline"]) for item in own] if len(own) > 1 else [],
    )
