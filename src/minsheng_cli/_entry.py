"""The console script's entry point.

The command line is imported inside the guard, so that Ctrl-C while it loads
says 已取消 and exits 130 like Ctrl-C at any later moment, with no traceback.
"""

from __future__ import annotations


def main() -> None:
    try:
        from minsheng_cli.cli import main as run
    except KeyboardInterrupt:
        import sys

        print("已取消", file=sys.stderr)
        raise SystemExit(130) from None
    run()
