"""Our own error types. The CLI turns these, and only these, into clean messages."""

from __future__ import annotations


class MinshengError(Exception):
    """Base of every error a user can cause. `message` is Chinese and fits on one line."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        return "\n".join([self.message, *self.details])


class NoticeError(MinshengError):
    """The notice cannot be used at all: unreadable, empty, binary, or without a table.

    Like packaging's ParserSyntaxError, it can show the offending source line
    with a caret under it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int | None = None,
        source_line: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.source_line = source_line
        where = f"{path}:{line}" if line is not None else path
        details: list[str] = []
        if source_line is not None:
            shown = source_line.replace("\t", "→")
            details = [f"    {shown}", "    " + "^" * max(1, min(len(shown), 40))]
        super().__init__(f"{where}：{message}", details)


class QueryError(MinshengError):
    """A filter names something the notice does not have (an unknown unit, say)."""


class ExportError(MinshengError):
    """An export cannot be written (the file exists, the folder is missing, ...)."""


class OverlayError(NoticeError):
    """The notice's overlay file (minsheng.toml) cannot be used as written."""


class LedgerError(MinshengError):
    """The progress ledger cannot be used: newer than this program, not a ledger, damaged, ...

    Also a report the ledger refuses (a unit not on the task, a date after today).
    """
