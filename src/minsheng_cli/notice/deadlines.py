"""完成时限: turn phrases like "一季度末" or "10月底前竣工" into an end date, a kind and a note.

A cell holds one clause or several, each a date phrase and an optional action after it::

    cell    = clause { separator clause }    separator: ，,；; 、 or a line break
    clause  = date-phrase [ action ] { "（" remark "）" }

The phrase patterns and the words an action may not start with live in `data/deadlines.toml`;
this module only applies them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from minsheng_cli._data import load_table
from minsheng_cli.models import Deadline, DeadlineKind, Milestone
from minsheng_cli.notice.numerals import NUMERAL, to_int

if TYPE_CHECKING:
    from collections.abc import Iterator

_NOTE = re.compile(r"[（(]([^（）()]*)[）)]")
_SPACE = re.compile(r"\s+")
# A bracketed remark is one piece, whatever it holds; outside one, each separator ends a piece.
_PIECE_END = re.compile(r"[（(][^（）()]*[）)]|[，,；;、\r\n]")
_LINE_BREAKS = "\r\n"
_SEPARATORS = "，,；;、"
_ACTION_TRIM = "，,；;、。.：: "
_HEAD = 256
"""A date phrase is read from the first this many characters of a clause."""
_STAND_IN_YEAR = 2000
"""A leap year, to check month and day (2月29日) when no year is known."""


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    search: bool
    kind: DeadlineKind
    month: int | None
    day: int | str | None


@dataclass(frozen=True)
class _Table:
    prefix: tuple[_Rule, ...]
    search: tuple[_Rule, ...]
    refuse: tuple[str, ...]


@dataclass(frozen=True)
class _Clause:
    text: str
    kind: DeadlineKind
    when: tuple[int | None, int, int] | None
    """(year, month, day) of the inclusive end; year None when no year is known."""
    note: str | None


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


@cache
def _table() -> _Table:
    rules = _rules()
    return _Table(
        prefix=tuple(rule for rule in rules if not rule.search),
        search=tuple(rule for rule in rules if rule.search),
        # Longest first, so that "以前" is tried before "以" would be.
        refuse=tuple(sorted(load_table("deadlines")["action"]["refuse"], key=len, reverse=True)),
    )


def parse_deadline(text: str, year: int | None) -> Deadline:
    """Interpret one deadline cell. Never raises: unknown text gives kind `unknown`.

    `text` may still hold line breaks ("一季\\n度末"); they are joined, or split two
    clauses when each side starts with a date phrase. Accepted phrases are listed in
    data/deadlines.toml.
    """
    joined = _SPACE.sub("", text)
    clauses = [_read_clause(piece, year) for piece in _split(text)]
    if len(clauses) == 1:
        [clause] = clauses
        return Deadline(text=joined, date=_date(clause.when), kind=clause.kind, note=clause.note)
    latest = _latest(clauses)
    return Deadline(
        text=joined,
        date=_date(latest.when),
        kind=latest.kind,
        note=latest.note,
        milestones=[Milestone(text=c.text, date=_date(c.when)) for c in clauses],
    )


def parse_item_deadlines(items: list[tuple[str, str]], year: int | None) -> Deadline:
    """The deadline of a task whose 序号 holds several sub-items, each with its own.

    `items` are (the sub-item's name, its deadline text). Every dated clause is a
    milestone whose text names its sub-item ("新建体育馆：5月底前开工"); the task's
    deadline is the latest, as for a cell with several clauses.
    """
    named: list[tuple[str, _Clause]] = [
        (name, _read_clause(piece, year)) for name, text in items for piece in _split(text)
    ]
    shown = "；".join(_SPACE.sub("", text) for _, text in items if text.strip())
    if len(named) < 2:
        return parse_deadline(shown, year)
    latest = _latest([clause for _, clause in named])
    return Deadline(
        text=shown,
        date=_date(latest.when),
        kind=latest.kind,
        note=latest.note,
        milestones=[
            Milestone(
                text=f"{name}：{clause.text}" if name else clause.text, date=_date(clause.when)
            )
            for name, clause in named
        ],
    )


def _latest(clauses: list[_Clause]) -> _Clause:
    """The clause that ends last; of clauses that end together, the one written later.

    An impossible clause (13月) makes the cell unknown: the latest cannot be told. When one
    clause has a year and another has none (no notice year is known), they cannot be ordered
    and the one written last is taken: milestones are written in the order they fall.
    """
    for clause in clauses:
        if clause.when is None:
            return clause
    whens = [clause.when for clause in clauses if clause.when is not None]
    no_year = {when[0] is None for when in whens}
    if len(no_year) > 1:
        return clauses[-1]
    # Either every clause names its year, or none does and all fall in one year.
    keys = [(when[0] or 0, when[1], when[2]) for when in whens]
    latest = max(range(len(keys)), key=lambda index: (keys[index], index))
    return clauses[latest]


def _pieces(text: str) -> Iterator[tuple[str, str]]:
    """(piece, the separator after it) in order; the last separator is ""."""
    start = 0
    for match in _PIECE_END.finditer(text):
        if len(match.group()) == 1:  # a separator, not a bracketed remark
            yield text[start : match.start()], match.group()
            start = match.end()
    yield text[start:], ""


def _split(text: str) -> list[str]:
    """The cell's clauses, each with whitespace removed.

    A separator splits only when the clause before it and the text after it (up to the next
    separator that is not a line break) both start with a date phrase.
    """
    pieces = [(_SPACE.sub("", piece), sep) for piece, sep in _pieces(text)]
    # What follows each separator, line breaks joined, cut to _HEAD characters: built from
    # the end so that a cell of many lines costs linear time.
    after = [""] * (len(pieces) + 1)
    for index in range(len(pieces) - 1, -1, -1):
        piece, sep = pieces[index]
        tail = after[index + 1] if sep in _LINE_BREAKS and sep else ""
        after[index] = (piece + tail[:_HEAD])[:_HEAD]
    clauses: list[str] = []
    parts: list[str] = []
    head = ""
    dated: bool | None = None  # whether `head` starts with a date phrase, once asked
    for index, (piece, sep) in enumerate(pieces):
        parts.append(piece)
        if piece and len(head) < _HEAD:
            head, dated = (head + piece)[:_HEAD], None
        if not sep:
            break
        if dated is None:
            dated = _starts_with_date(head)
        if dated and _starts_with_date(after[index + 1]):
            clauses.append("".join(parts).rstrip(_SEPARATORS))  # "招标，，10月" keeps no "，"
            parts, head, dated = [], "", None
        elif sep not in _LINE_BREAKS:
            parts.append(sep)
            if len(head) < _HEAD:
                head, dated = (head + sep)[:_HEAD], None
    clauses.append("".join(parts))
    return clauses


def _starts_with_date(text: str) -> bool:
    found = _date_phrase(_NOTE.sub("", text) if "（" in text or "(" in text else text)
    return found is not None and found[0].kind is not DeadlineKind.ONGOING


def _date_phrase(core: str) -> tuple[_Rule, re.Match[str]] | None:
    """The rule that reads the longest date phrase at the start of `core`, if what follows
    it may be an action."""
    best: tuple[_Rule, re.Match[str]] | None = None
    for rule in _table().prefix:
        match = rule.pattern.match(core)
        if match is not None and (best is None or match.end() > best[1].end()):
            best = rule, match
    if best is None:
        return None
    rest = core[best[1].end() :]
    if rest and (rest[0].isdecimal() or rest.startswith(_table().refuse)):
        return None
    return best


def _read_clause(clause: str, year: int | None) -> _Clause:
    remarks = [n for n in _NOTE.findall(clause) if n]
    core = _NOTE.sub("", clause)
    found = _date_phrase(core)
    if found is not None:
        rule, match = found
        try:
            when = _end(rule, match.groupdict(), year)
        except ValueError:  # the shape matched, but the month, day or quarter is impossible
            return _Clause(clause, DeadlineKind.UNKNOWN, None, _note(remarks))
        action = core[match.end() :].strip(_ACTION_TRIM)
        return _Clause(clause, rule.kind, when, _note([action, *remarks]))
    for rule in _table().search:
        if rule.pattern.search(core):
            return _Clause(clause, rule.kind, None, _note(remarks))
    return _Clause(clause, DeadlineKind.UNKNOWN, None, _note(remarks))


def _note(parts: list[str]) -> str | None:
    """The action first, because it completes the date ("年底前" + "建成"); then the remarks,
    which qualify the whole clause."""
    return "；".join(part for part in parts if part) or None


def _date(when: tuple[int | None, int, int] | None) -> dt.date | None:
    if when is None or when[0] is None:
        return None
    return dt.date(when[0], when[1], when[2])


def _end(
    rule: _Rule, groups: dict[str, str | None], year: int | None
) -> tuple[int | None, int, int]:
    """(year, month, day) of the inclusive end, year None when none is known. ValueError if
    impossible (13月, 2月30日, 第五季度, --year 0)."""
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
    if not 1 <= month <= 12:
        raise ValueError(month)
    last = calendar.monthrange(_STAND_IN_YEAR if the_year is None else the_year, month)[1]
    day = numbers.get("day") or (rule.day if isinstance(rule.day, int) else last)
    if not 1 <= day <= last:
        raise ValueError(day)
    return the_year, month, day
