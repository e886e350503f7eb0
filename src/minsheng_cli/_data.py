"""Load the tables of facts that ship as TOML under `minsheng_cli/data/`.

Plain paths rather than importlib.resources: the package is always installed as
files, and importlib.resources costs tens of milliseconds at start-up.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@cache
def load_table(name: str) -> dict[str, Any]:
    """Parse `data/<name>.toml` once per process."""
    import tomllib  # not needed when a cached notice is used

    return tomllib.loads((DATA_DIR / f"{name}.toml").read_text(encoding="utf-8"))
