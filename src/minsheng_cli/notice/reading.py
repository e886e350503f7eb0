"""What every reader hands the builder: the table, the text before it, and lines to quote."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from minsheng_cli.models import Problem

if TYPE_CHECKING:
    from minsheng_cli.notice.table import Table


@dataclass
class Reading:
    """What a reader found: the table, the text before it, and lines to quote.

    `lines` are what `lines` and problem line numbers count: the text's lines for
    a text notice; for the other kinds, line N shows row N of the table (Word, web
    page) or of the sheet (Excel), so that a task's lines are its rows.
    """

    path: str
    kind: str
    encoding: str
    lines: list[str]
    front: list[str]
    table: Table | None
    no_table: str
    """The message when `table` is None."""
    problems: list[Problem] = field(default_factory=list)
