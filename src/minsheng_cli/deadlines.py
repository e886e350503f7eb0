"""完成时限: turn phrases like "一季度末" or "10月底前" into an end date and a kind.

The phrase patterns live in `data/deadlines.toml`; this module only applies them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from minsheng_cli._data import load_table
from minsheng_cli.models import Deadline, DeadlineKind
from minsheng_cli.numerals import NUMERAL, to_int

_NOTE = re.compile(r"[（(]([^（）()]*)[）)]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    search: bool
    kind: DeadlineKind
    month: int | None
    day: int | str | None


@cache
def _rules() -> tuple[_Rule, ...]:
    return tuple(
        _Rule(
            pattern=re.compile(raw["pattern"].replace("{n}", NUMERAL)),
            search=bool(raw.get("search", False)),
            kind=DeadlineKind(raw["kind"]),
            month=raw.get("month"),
            day=raw.get("day"),
        )
        for raw in load_table("deadlines")["rule"]
    )


def parse_deadline(text: str, year: int | None) -> Deadline:
    """Interpret one deadline cell. Never raises: unknown text gives kind `unknown`.

    `text` may still hold line breaks ("一季\\n度末"); they are joined first.
    Accepted shapes are listed in data/deadlines.toml.
    """
    joined = _SPACE.sub("", text)
    notes = [n for n in _NOTE.findall(joined) if n]
    core = _NOTE.sub("", joined)
    note = "；".join(notes) or None
    for rule in _rules():
        match = rule.pattern.search(core) if rule.search else rule.pattern.fullmatch(core)
        if match is None:
            continue
        if rule.kind is DeadlineKind.ONGOING:
            return Deadline(text=joined, date=None, kind=rule.kind, note=note)
        date = _end_date(rule, match.groupdict(), year)
        if date is False:
            break  # matched a shape but holds an impossible month, day or quarter
        return Deadline(text=joined, date=date, kind=rule.kind, note=note)
    return Deadline(text=joined, date=None, kind=DeadlineKind.UNKNOWN, note=note)


def _end_date(rule: _Rule, groups: dict[str, str | None], year: int | None) -> dt.date | None | bool:
    """The inclusive end date; None when no year is known; False when impossible."""
    numbers = {k: to_int(v) for k, v in groups.items() if v is not None}
    if any(v is None for v in numbers.values()):
        return False
    the_year = numbers.get("year") or year
    quarter = numbers.get("quarter")
    if quarter is not None and not 1 <= quarter <= 4:
        return False
    month = numbers.get("month") or (quarter * 3 if quarter else None) or rule.month or 12
    if not 1 <= month <= 12:
        return False
    if the_year is None:
        return None
    last = calendar.monthrange(the_year, month)[1]
    day = numbers.get("day") or (rule.day if isinstance(rule.day, int) else last)
    if day is None or not 1 <= day <= last:
        return False
    return dt.date(the_year, month, day)
