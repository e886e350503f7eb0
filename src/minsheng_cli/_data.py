"""Load the tables of facts that ship as TOML under `minsheng_cli/data/`."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_table(name: str) -> dict[str, Any]:
    """Parse `data/<name>.toml` once per process."""
    text = resources.files("minsheng_cli").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)
