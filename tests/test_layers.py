"""Data flows one way: no module imports from a layer above its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import minsheng_cli

PACKAGE = Path(minsheng_cli.__file__).parent

# (modules, as a path glob under the package) → imports they must never make.
RULES = [
    ("notice/**/*.py", ("minsheng_cli.query", "minsheng_cli.ledger", "minsheng_cli.report")),
    ("notice/**/*.py", ("minsheng_cli.export", "minsheng_cli.cli", "typer", "rich")),
    ("notice/builder.py", ("minsheng_cli.notice.readers",)),
    ("notice/grid.py", ("minsheng_cli.notice.readers", "minsheng_cli.notice.builder")),
    ("notice/reading.py", ("minsheng_cli.notice.readers", "minsheng_cli.notice.builder")),
    ("models.py", ("minsheng_cli.",)),
    ("units.py", ("minsheng_cli.notice", "minsheng_cli.query")),
    ("query.py", ("minsheng_cli.notice", "minsheng_cli.ledger", "minsheng_cli.report")),
    ("counts.py", ("minsheng_cli.notice", "minsheng_cli.ledger", "minsheng_cli.report")),
    ("ledger/*.py", ("minsheng_cli.report", "minsheng_cli.export", "minsheng_cli.cli")),
    ("report/*.py", ("minsheng_cli.cli", "typer", "rich")),
    ("export/*.py", ("minsheng_cli.cli", "typer", "rich")),
]


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


@pytest.mark.parametrize(("pattern", "forbidden"), RULES)
def test_no_import_reaches_up(pattern: str, forbidden: tuple[str, ...]) -> None:
    modules = sorted(PACKAGE.glob(pattern))
    assert modules, pattern
    bad = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in modules
        for name in _imports(path)
        if any(name == f or name.startswith(f if f.endswith(".") else f + ".") for f in forbidden)
    ]
    assert bad == []
