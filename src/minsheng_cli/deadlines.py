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
        try:
            date = _end_date(rule, match.groupdict(), year)
        except ValueError:
            break  # the shape matched, but the month, day or quarter is impossible
        return Deadline(text=joined, date=date, kind=rule.kind, note=note)
    return Deadline(text=joined, date=None, kind=DeadlineKind.UNKNOWN, note=note)


def _end_date(rule: _Rule, groups: dict[str, str | None], year: int | None) -> dt.date | None:
    """The inclusive end date, or None when no year is known. ValueError if impossible."""
    numbers: dict[str, int] = {}
    for key, text in groups.items():
        if text is not None:
            value = to_int(text)
            if value is None:
                raise ValueError(text)
            numbers[key] = value
    quarter = numbers.get("quarter")
    if quarter is not None and not 1 <= quarter <= 4:
        raise ValueError(quarter)
    month = numbers.get("month") or (quarter * 3 if quarter else None) or rule.month or 12
    the_year = numbers.get("year") or year
    if the_year is not None and not dt.MINYEAR <= the_year <= dt.MAXYEAR:
        raise ValueError(the_year)  # --year 0 or 99999: no calendar date exists
    if the_year is None:
        if not 1 <= month <= 12:
            raise ValueError(month)
        return None
    last = calendar.monthrange(the_year, month)[1] if 1 <= month <= 12 else 0
    day = numbers.get("day") or (rule.day if isinstance(rule.day, int) else last)
    return dt.date(the_year, month, day)  # raises ValueError for 13月 or 2月30日
