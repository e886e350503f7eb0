"""Skip Typer's value coercion where it needs no pydantic adapter.

Typer 0.29 builds a pydantic TypeAdapter for every parameter of the invoked
command at every start, before it looks at the value, even when the value is
None and the adapter is never used: about 4 ms a parameter on this project's
build machine, and `list` has 14 of them. Where Typer's coercion plainly gives
the value back (None, a list of strings, a string Enum's exact value), the
parameter skips it and goes straight to its callback, with exactly the same
result. Anything else goes through Typer unchanged, and a Typer without this
method is left alone.
"""

from __future__ import annotations

import enum
import functools
import typing
from collections.abc import Callable
from typing import Any

import typer.core


def install() -> None:
    base = getattr(typer.core, "_TyperParameter", None)
    original: Callable[..., Any] | None = getattr(base, "process_value", None)
    if base is None or original is None or getattr(original, "_minsheng", False):
        return

    @functools.wraps(original)
    def process_value(self: Any, ctx: Any, value: Any) -> Any:
        done, coerced = _plain(self, value)
        if not done:
            return original(self, ctx, value)
        # What Typer does next, less the adapter: the callback (no required check is due).
        return self.callback(ctx, self, coerced) if self.callback is not None else coerced

    process_value._minsheng = True  # type: ignore[attr-defined]
    base.process_value = process_value


def _plain(param: Any, value: Any) -> tuple[bool, Any]:
    """(True, what Typer's coercion gives) where that needs no adapter; else (False, None).

    Three cases, all for an optional parameter: None; a list of strings for a repeated
    `list[str]` option (`--unit A --unit B`); and the exact value of a member of a
    string Enum (`--format json`). Anything else, Typer coerces itself.
    """
    if param.required or param.nargs != 1:
        return False, None
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if param.multiple:
        strings = typing.get_origin(annotation) is list and typing.get_args(annotation) == (str,)
        if strings and isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return True, list(value)
        return False, None
    if value is None:
        return True, None
    if (
        isinstance(annotation, type)
        and issubclass(annotation, enum.Enum)
        and isinstance(value, str)
    ):
        member = annotation._value2member_map_.get(value)
        if member is not None and isinstance(member.value, str):
            return True, member
    return False, None
