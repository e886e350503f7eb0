"""The `minsheng` command line: a thin layer that reads options, calls the library, shows results.

Each module registers its commands on the one app when imported.
"""

from __future__ import annotations

from minsheng_cli.cli import export, queries
from minsheng_cli.cli.app import app

__all__ = ["app", "main"]

assert export and queries  # imported for the commands they register


def main() -> None:
    app()
