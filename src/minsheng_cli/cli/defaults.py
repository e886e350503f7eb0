"""Skip Typer's value coercion for an option left at its default of None.

Typer 0.29 builds a pydantic TypeAdapter for every parameter of the invoked
command at every start, before it looks at the value, even when the value is
None and the adapter is never used: about 4 ms a parameter on this project's
build machine, and `list` has 14 of them. For None, Typer's own coercion
returns None, so an optional parameter with a single value can skip it and go
straight to its callback, with exactly the same result. Anything else goes
through Typer unchanged, and a Typer without this method is left alone.
"""

from __future__ import annotations

import functools
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
        if value is None and not self.required and not self.multiple and self.nargs == 1:
            # What Typer does for None, less the adapter: None, then the callback.
            return self.callback(ctx, self, None) if self.callback is not None else None
        return original(self, ctx, value)

    process_value._minsheng = True  # type: ignore[attr-defined]
    base.process_value = process_value
