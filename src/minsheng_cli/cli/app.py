"""The Typer app and what every command shares: error handling, notes, loading."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer

from minsheng_cli.errors import MinshengError
from minsheng_cli.loader import load_notice
from minsheng_cli.models import Notice

app = typer.Typer(
    name="minsheng",
    help="解析民生改善工作通知的分工表，按单位、类别、时限查询事项并导出文档。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

P = ParamSpec("P")
R = TypeVar("R")

# Said on stderr once the command's own output is out, so it is not scrolled away.
_notes: list[str] = []


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn our own errors into a Chinese message and exit code 1; let real bugs through."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = command(*args, **kwargs)
        except MinshengError as exc:
            _notes.clear()
            print(f"错误：{exc.message}", file=sys.stderr)
            for line in exc.details:
                print(line, file=sys.stderr)
            raise typer.Exit(1) from None
        sys.stdout.flush()  # keep the note below the output when both go to one terminal
        for note in _notes:
            print(note, file=sys.stderr)
        _notes.clear()
        return result

    return wrapper


def load(notice: Path | None, year: int | None) -> Notice:
    """Load the notice and queue a note about its warnings."""
    loaded = load_notice(notice, year=year)
    if loaded.warnings:
        _notes.append(
            f"提示：通知有 {len(loaded.warnings)} 个警告，"
            "运行 minsheng validate 查看（不影响以上结果）。"
        )
    return loaded
