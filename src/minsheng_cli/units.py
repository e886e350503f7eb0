"""责任单位: split unit cells and map every spelling to one canonical name.

The alias table and naming rules live in `data/units.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from minsheng_cli._data import load_table

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


@dataclass(frozen=True)
class _Rules:
    city_prefix: str
    place_prefixes: tuple[str, ...]
    department_suffixes: tuple[str, ...]
    separators: re.Pattern[str]
    aliases: dict[str, str]


@cache
def _rules() -> _Rules:
    table = load_table("units")
    separators = ["\n", *table["separators"]]
    return _Rules(
        city_prefix=table["city_prefix"],
        place_prefixes=tuple(table["place_prefixes"]),
        department_suffixes=tuple(table["department_suffixes"]),
        separators=re.compile("|".join(re.escape(s) for s in separators)),
        aliases={_tidy(k): v for k, v in table["aliases"].items()},
    )


def split_units(cell: str) -> list[str]:
    """Split a unit cell on line breaks and 、，,；; keeping order and dropping blanks."""
    parts = (part.strip() for part in _rules().separators.split(cell))
    return [part for part in parts if part]


def canonical_unit(name: str) -> str:
    """The canonical name of one unit: 民政局 → 市民政局, 各县(市)区 → 各县（市）区."""
    rules = _rules()
    name = _tidy(name)
    if name in rules.aliases:
        return rules.aliases[name]
    if not name.startswith(rules.place_prefixes) and name.endswith(rules.department_suffixes):
        name = rules.city_prefix + name
    return rules.aliases.get(name, name)


def _tidy(text: str) -> str:
    return _SPACE.sub("", text).translate(_BRACKETS)
