"""Show a result as a table, JSON or CSV."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from minsheng_cli import query
from minsheng_cli.cli.options import OutputFormat
from minsheng_cli.models import Task

if TYPE_CHECKING:
    from rich.console import RenderableType


def emit(
    fmt: OutputFormat,
    *,
    table: Callable[[], RenderableType],
    records: Callable[[], Any],
    rows: Callable[[], tuple[Sequence[str], Sequence[Sequence[str | int]]]],
) -> None:
    if fmt is OutputFormat.table:
        from minsheng_cli.cli import display

        display.console().print(table())
    elif fmt is OutputFormat.json:
        import json

        sys.stdout.write(json.dumps(records(), ensure_ascii=False, indent=2) + "\n")
    else:
        from minsheng_cli.serialize import to_csv

        sys.stdout.write(to_csv(*rows()))


def emit_tasks(fmt: OutputFormat, tasks: list[Task], unit: str | None = None) -> None:
    """Show tasks; for a unit's query, tables and CSV also say whether it leads or supports."""

    def records() -> list[dict[str, Any]]:
        from minsheng_cli.serialize import task_record

        return [task_record(t) for t in tasks]

    def rows() -> tuple[list[str], list[list[str | int]]]:
        from minsheng_cli.serialize import TASK_HEADERS, task_row

        if unit is None:
            return TASK_HEADERS, [task_row(t) for t in tasks]
        return [*TASK_HEADERS, "本单位职责"], [
            [*task_row(t), query.role_of(t, unit)] for t in tasks
        ]

    emit(fmt, table=lambda: display().tasks_table(tasks, unit), records=records, rows=rows)


def display() -> Any:
    """The rich renderings, imported only when a table is shown."""
    from minsheng_cli.cli import display

    return display
