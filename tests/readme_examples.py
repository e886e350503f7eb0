"""Rewrite the output under every `$ minsheng ...` example in README.md.

Each ```console block that starts with `$ minsheng` is run at a width of 100
columns in a scratch folder, and its output replaced by what the command prints
now. tests/test_docs.py fails when README.md and the commands disagree.

    python -m tests.readme_examples
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```console\n\$ (minsheng [^\n]*)\n(.*?)```", re.DOTALL)
WIDTH = "100"


def run_example(command: str) -> str:
    """What `command` prints on stdout, with trailing spaces removed from each line."""
    from typer.testing import CliRunner

    from minsheng_cli.cli import app

    args = shlex.split(command)[1:]
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        try:
            # A ledger that does not exist: examples show what a fresh machine shows.
            env = {"COLUMNS": WIDTH, "NO_COLOR": "1", "MINSHENG_DB": f"{scratch}/ledger.db"}
            result = CliRunner().invoke(app, args, env=env)
        finally:
            os.chdir(old)
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines).rstrip() + "\n"


def refresh(text: str, run: Callable[[str], str] = run_example) -> str:
    return BLOCK.sub(lambda m: f"```console\n$ {m.group(1)}\n{run(m.group(1))}```", text)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    README.write_text(refresh(text), encoding="utf-8")
    print(f"{README}: {len(BLOCK.findall(text))} examples refreshed", file=sys.stderr)


if __name__ == "__main__":
    main()
