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

        from minsheng_cli.cli.visible import json_safe

        sys.stdout.write(json_safe(json.dumps(records(), ensure_ascii=False, indent=2)) + "\n")
    else:
        from minsheng_cli.serialize import to_csv

        sys.stdout.write(to_csv(*rows()))  # to_csv neutralises formulas and control characters


def emit_tasks(
    fmt: OutputFormat, tasks: list[Task], targets: Sequence[query.UnitTarget] = ()
) -> None:
    """Show tasks; for a unit's query, tables and CSV also say whether it leads or supports."""

    def records() -> list[dict[str, Any]]:
        from minsheng_cli.serialize import task_record

        return [task_record(t) for t in tasks]

    def rows() -> tuple[list[str], list[list[str | int]]]:
        from minsheng_cli.serialize import TASK_HEADERS, task_row

        if not targets:
            return TASK_HEADERS, [task_row(t) for t in tasks]
        return [*TASK_HEADERS, "本单位职责"], [
            [*task_row(t), query.role_label(t, targets)] for t in tasks
        ]

    emit(fmt, table=lambda: display().tasks_table(tasks, targets), records=records, rows=rows)


def display() -> Any:
    """The rich renderings, imported only when a table is shown."""
    from minsheng_cli.cli import display

    return display


def guard_streams() -> None:
    """Let stdout write what its encoding cannot hold as "?", and say so once on stderr.

    Redirected output on Chinese Windows is GBK, and a no-break space in a notice would
    otherwise end the command with UnicodeEncodeError.
    """
    import codecs

    def replace(error: UnicodeError) -> tuple[str, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        from minsheng_cli.cli.app import note

        note(
            f"提示：输出编码 {error.encoding} 无法表示部分字符，已用“?”代替；"
            "设置环境变量 PYTHONIOENCODING=utf-8 可完整显示。"
        )
        return "?" * (error.end - error.start), error.end

    codecs.register_error("minsheng-replace", replace)
    _reconfigure(sys.stdout, "minsheng-replace")
    if getattr(sys.stderr, "errors", None) == "strict":
        _reconfigure(sys.stderr, "backslashreplace")  # so that the note itself can be written


def _reconfigure(stream: Any, errors: str) -> None:
    try:
        stream.reconfigure(errors=errors)
    except (AttributeError, ValueError, OSError):
        pass  # not a text stream we can change (replaced by the caller, or closed)
