"""The `minsheng` command line: a thin layer that reads options, calls the library, shows results.

Each module registers its commands on the one app when imported.
"""

from __future__ import annotations

from minsheng_cli.cli import export, queries, report
from minsheng_cli.cli.app import app

__all__ = ["app", "main"]

assert export and queries and report  # imported for the commands they register


def main() -> None:
    """The `minsheng` command. SIGTERM is handled as Ctrl-C: both say 已取消 and exit 130."""
    import contextlib
    import gc
    import signal
    import sys

    from minsheng_cli.cli.app import CANCELLED, cancelled, only_invoked, say_notes
    from minsheng_cli.cli.output import guard_streams

    # A command builds its records once and keeps them to the end: with the default
    # thresholds, the collector rescans a 10,000-task notice every few thousand new
    # objects, which tripled the time to read 100,000 reports. mypy does the same.
    gc.set_threshold(200_000, 30, 30)
    sigterm = getattr(signal, "SIGTERM", None)  # Windows has no SIGTERM to catch
    if sigterm is not None:
        signal.signal(sigterm, _interrupt)
    guard_streams()
    only_invoked(sys.argv[1:])
    try:
        app()
    except KeyboardInterrupt:  # outside a command; inside one, handles_errors says it
        cancelled()
        raise SystemExit(CANCELLED) from None
    finally:
        with contextlib.suppress(OSError, ValueError):  # stdout may be a closed pipe by now
            say_notes()  # a note from a path no command wraps, such as --help


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
