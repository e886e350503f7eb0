"""量化指标: the targets, limits and conditions that a task's content states.

The rules (units, multipliers, the words that decide kind and compare, what is
no quantity) are data, in `data/targets.toml`; its header explains them. The
content is read in one pass, with look-ahead and look-behind bounded by the
longest word of the table, so the work is linear in its length. No regular
expression is used.

    clause    := text between ，；。：… and unmatched brackets
    quantity  := number [multiplier] unit          "1.2亿元", "5万人（次）", "三十个"
    indicator := [from] quantity to quantity       "由6.5万元提高到9万元"  (raise)
               | quantity range quantity           "80％—100％"           (range)
               | quantity [suffix]                 "800万平米以上", "9600元以上部分"
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from minsheng_cli.models import Compare, Target, TargetKind

# Each pattern is one character class: a match never backtracks.
_CLAUSE_END = re.compile("[，,；;。！!？?：:\n\r]")
_BRACKET = re.compile("[（）()【】\\[\\]]")
_DECIMAL = re.compile("([0-9０-９]+)(?:[.．]([0-9０-９]+))?")
_NUMERAL = re.compile(
    "[0-9０-９]+|[〇零一二两三四五六七八九十][〇零一二两三四五六七八九十百千万亿]*"
)  # noqa: E501
_BRACKETS = {"）": "（", ")": "(", "】": "【", "]": "["}
_DIGITS = frozenset("0123456789０１２３４５６７８９")
_POINTS = frozenset(".．")
_CHINESE = frozenset("〇零一二两三四五六七八九十百千万亿")
_CHINESE_FIRST = frozenset("〇零一二两三四五六七八九十")
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MAX_DIGITS = 15  # a longer run is a code, not a quantity (and would not fit a float)
_MAX_CHINESE = 12
_LIST_SEPARATORS = ("以及", "、", "和", "及", "与")
_LABEL_STRIP = " \t\u3000（）()【】[]、和及与并"


@dataclass(frozen=True)
class _Rules:
    units: dict[str, str]
    measure: re.Pattern[str]  # [multiplier] unit, the unit written as in the table
    multipliers: dict[str, int]
    ranges: tuple[str, ...]
    chinese_units: frozenset[str]
    ordinal: tuple[str, ...]
    names: tuple[str, ...]
    name_after: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...]
    raise_from: tuple[str, ...]
    raise_to: tuple[str, ...]
    threshold_after: tuple[str, ...]
    threshold_units: frozenset[str]
    standard_before: tuple[str, ...]
    standard_clause: tuple[str, ...]
    standard_frames: tuple[tuple[str, str], ...]
    after_ge: tuple[str, ...]
    after_le: tuple[str, ...]
    before_ge: re.Pattern[str]
    before_le: re.Pattern[str]
    per: tuple[str, ...]
    words: re.Pattern[str]  # every word that _Clause looks for, longest first
    suffixes: tuple[str, ...]  # threshold_after, after_ge and after_le, longest first


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _rules() -> _Rules:
    from minsheng_cli._data import load_table

    table = load_table("targets")
    units = dict(table["units"])
    for noun in table["people"]["nouns"]:
        units.setdefault(noun, "人")
    words, kind, compare = table["not_indicators"], table["kind"], table["compare"]
    return _Rules(
        units=units,
        # The multiplier is tried last, so that 千米 is a unit and 千元 is 1000 元.
        measure=re.compile(
            f"({_alternation(list(table['numbers']['multipliers'])).pattern})??"
            f"({_alternation(list(units)).pattern})"
        ),
        multipliers=dict(table["numbers"]["multipliers"]),
        ranges=_longest_first(table["numbers"]["range"]),
        chinese_units=frozenset(table["numbers"]["chinese_units"]),
        ordinal=tuple(words["before"]),
        names=_longest_first(words["names"]),
        name_after=_longest_first(words["after"]),
        quotes=tuple((pair[0], pair[1]) for pair in words["quotes"]),
        raise_from=_longest_first(kind["from"]),
        raise_to=_longest_first(kind["to"]),
        threshold_after=_longest_first(kind["threshold_after"]),
        threshold_units=frozenset(kind["threshold_units"]),
        standard_before=tuple(kind["standard_before"]),
        standard_clause=tuple(kind["standard_clause"]),
        standard_frames=tuple((pair[0], pair[1]) for pair in kind["standard_frames"]),
        after_ge=_longest_first(compare["after_ge"]),
        after_le=_longest_first(compare["after_le"]),
        before_ge=_alternation(compare["before_ge"]),
        before_le=_alternation(compare["before_le"]),
        per=_longest_first(table["per"]["scopes"]),
        suffixes=_longest_first(
            [*kind["threshold_after"], *compare["after_ge"], *compare["after_le"]]
        ),
        words=_alternation(
            kind["standard_before"],
            kind["standard_clause"],
            kind["not_standard"],
            [word for pair in kind["standard_frames"] for word in pair],
            table["per"]["scopes"],
        ),
    )


def _alternation(*groups: list[str]) -> re.Pattern[str]:
    """One pattern of literal words, longest first, so that 标准化 is read before 标准."""
    words = _longest_first(list({word for group in groups for word in group}))
    return re.compile("|".join(map(re.escape, words)))


@dataclass(slots=True)
class _Quantity:
    start: int
    numeral_end: int  # where the numeral ends, before any multiplier and unit
    end: int
    value: float
    unit: str | None  # canonical; None when no unit follows


@dataclass(slots=True)
class _Found:
    start: int  # where as_written begins (the 由 of a raise)
    number: int  # where the first number begins
    end: int
    value: float
    unit: str
    baseline: float | None = None
    low: float | None = None
    suffix: str = ""
    raised: bool = False  # "提高到480元": reached by a raise verb, with no baseline


def extract_targets(number: int, content: str) -> list[Target]:
    """Every target, limit or condition that `content` states, in order, with ids "N.k"."""
    candidates = [match.start() for match in _NUMERAL.finditer(content)]
    if not candidates:
        return []
    rules = _rules()
    masked = _Masked(content, rules)
    candidates = [c for c in candidates if c not in masked]
    targets: list[Target] = []
    index = 0
    for start, end in _clauses(content, candidates):
        while index < len(candidates) and candidates[index] < start:
            index += 1
        first = index
        while index < len(candidates) and candidates[index] < end:
            index += 1
        if first < index:
            inside = [c - start for c in candidates[first:index]]
            found = _clause_targets(number, len(targets), content[start:end], inside, rules)
            targets.extend(found)
    return targets


# --- clauses and quotes ------------------------------------------------------------------------


class _Masked:
    """The spans inside quotes and 《》: numbers there are names and codes."""

    def __init__(self, content: str, rules: _Rules) -> None:
        spans: list[tuple[int, int]] = []
        for opening, closing in rules.quotes:
            at = content.find(opening)
            while at >= 0:
                close = content.find(closing, at + 1)
                if close < 0:
                    break
                spans.append((at, close + 1))
                at = content.find(opening, close + 1)
        self.starts: list[int] = []
        self.ends: list[int] = []
        for left, right in sorted(spans):  # merged, so that the spans do not overlap
            if self.ends and left < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], right)
            else:
                self.starts.append(left)
                self.ends.append(right)

    def __contains__(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


def _clauses(content: str, candidates: list[int]) -> list[tuple[int, int]]:
    """Spans of the clauses that hold a candidate: split at clause punctuation, then at
    unmatched brackets."""
    result: list[tuple[int, int]] = []
    start, index = 0, 0
    ends = [match.start() for match in _CLAUSE_END.finditer(content)]
    for end in [*ends, len(content)]:
        if index < len(candidates) and candidates[index] < end:
            result.extend(_balanced(content, start, end))
            while index < len(candidates) and candidates[index] < end:
                index += 1
        start = end + 1
    return result


def _balanced(content: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) at brackets left open or closed without an opening."""
    cuts: list[int] = []
    stack: list[tuple[str, int]] = []
    for match in _BRACKET.finditer(content, start, end):
        char, i = match.group(), match.start()
        if char not in _BRACKETS:
            stack.append((char, i))
        elif stack and stack[-1][0] == _BRACKETS[char]:
            stack.pop()
        else:
            cuts.append(i)
    cuts = sorted([*cuts, *(i for _, i in stack)])
    pieces = []
    for cut in [*cuts, end]:
        left, right = start, cut
        while left < right and content[left].isspace():
            left += 1
        while right > left and content[right - 1].isspace():
            right -= 1
        if left < right:
            pieces.append((left, right))
        start = cut + 1
    return pieces


# --- numbers -----------------------------------------------------------------------------------


def _quantity(text: str, i: int, end: int, rules: _Rules) -> _Quantity | None:
    """The number at `i` with its multiplier and unit, or None when no number starts there."""
    decimal = _DECIMAL.match(text, i, end)
    if decimal:
        whole, fraction = decimal.group(1), decimal.group(2) or ""
        if len(whole) > _MAX_DIGITS or len(fraction) > _MAX_DIGITS:
            return None
        j = decimal.end()
        measure = rules.measure.match(text, j, end)
        if measure is None:
            return _Quantity(i, j, j, int(whole + fraction) / 10 ** len(fraction), None)
        multiplier = rules.multipliers[measure.group(1)] if measure.group(1) else 1
        # In integers, so that 11.23万 is 112300 and not 112300.00000000001.
        value = int(whole + fraction) * multiplier / 10 ** len(fraction)
        return _Quantity(i, j, measure.end(), value, rules.units[measure.group(2)])
    j = i
    while j < end and text[j] in _CHINESE and j - i <= _MAX_CHINESE:
        j += 1
    if j - i > _MAX_CHINESE or text[i:j] == "一" or text[i] not in _CHINESE_FIRST:
        return None
    measure = rules.measure.match(text, j, end)
    if measure is None or measure.group(1) or measure.group(2) not in rules.chinese_units:
        return None
    converted = _chinese(text[i:j])
    if converted is None:
        return None
    return _Quantity(i, j, measure.end(), converted, rules.units[measure.group(2)])


@lru_cache(maxsize=1024)  # cn2an takes 70 µs a numeral, and a few numerals recur
def _chinese(numeral: str) -> float | None:
    """三十 → 30, through cn2an (imported here: it costs about 0.3 s)."""
    import cn2an  # type: ignore[import-untyped]  # no stubs

    try:
        return float(cn2an.cn2an(numeral, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _starts_number(text: str, i: int) -> bool:
    char = text[i]
    before = text[i - 1] if i else ""
    if char in _DIGITS:
        return before not in _DIGITS and before not in _POINTS and before not in _LATIN
    return char in _CHINESE_FIRST and before not in _CHINESE


def _words_at(text: str, i: int, words: tuple[str, ...]) -> str | None:
    """The first of `words` (longest first) written at `i`."""
    if not text.startswith(words, i):  # one call in C for the usual miss
        return None
    return next(word for word in words if text.startswith(word, i))


def _word_before(text: str, start: int, i: int, words: tuple[str, ...]) -> str | None:
    """The first of `words` (longest first) that ends at `i`."""
    if not text.endswith(words, start, i):
        return None
    return next(word for word in words if text.endswith(word, start, i))


def _found(text: str, i: int, end: int, rules: _Rules) -> _Found | None:
    """The indicator whose first number is at `i` (a raise, a range or one quantity)."""
    first = _quantity(text, i, end, rules)
    if first is None or _words_at(text, first.numeral_end, rules.name_after):
        return None
    origin = _word_before(text, 0, i, rules.raise_from)
    verb = _words_at(text, first.end, rules.raise_to)
    if origin and verb and first.unit and first.end + len(verb) < end:
        second = _quantity(text, first.end + len(verb), end, rules)
        if second is not None and second.unit == first.unit:
            return _Found(
                i - len(origin), i, second.end, second.value, first.unit, baseline=first.value
            )
    dash = _words_at(text, first.end, rules.ranges)
    if dash and first.end + len(dash) < end and text[first.end + len(dash)] in _DIGITS:
        second = _quantity(text, first.end + len(dash), end, rules)
        if second is not None and second.unit and first.unit in (None, second.unit):
            return _Found(i, i, second.end, second.value, second.unit, low=first.value)
    if first.unit is None:
        return None
    suffix = _words_at(text, first.end, rules.suffixes)
    raised = _word_before(text, 0, i, rules.raise_to) is not None
    return _Found(
        i, i, first.end + len(suffix or ""), first.value, first.unit, suffix=suffix or "",
        raised=raised,
    )  # fmt: skip


# --- one clause --------------------------------------------------------------------------------


def _clause_targets(
    number: int, count: int, text: str, candidates: list[int], rules: _Rules
) -> list[Target]:
    """The indicators of one clause, whose numerals may start at `candidates`."""
    clause: _Clause | None = None
    targets: list[Target] = []
    previous_end, label = 0, ""
    for i in candidates:
        if i < previous_end or not _starts_number(text, i):
            continue
        if _words_at(text, i, rules.names) or _word_before(text, 0, i, rules.ordinal):
            continue
        found = _found(text, i, len(text), rules)
        if found is None:
            continue
        clause = clause or _Clause(text, rules)
        segment = text[previous_end : found.start]
        label = _label(segment, label if targets else None)
        target_id = f"{number}.{count + len(targets) + 1}"
        targets.append(_target(target_id, text, found, segment, label, clause, rules))
        previous_end = found.end
    return targets


class _Clause:
    """Where the words that decide a kind and a scope stand in one clause: one pass."""

    def __init__(self, text: str, rules: _Rules) -> None:
        self.standard = -1  # the first word that names a standard
        self.anywhere = False  # a word that makes every number of the clause a standard
        self.opened: dict[str, int] = {}  # the first opening word of each frame
        self.closed: dict[str, int] = {}  # the last closing word of each frame
        self.per: list[tuple[int, str]] = []
        for match in rules.words.finditer(text):
            word, at = match.group(), match.start()
            if word in rules.standard_clause:
                self.anywhere = True
            if word in rules.standard_before and self.standard < 0:
                self.standard = at
            for opening, closing in rules.standard_frames:
                if word == opening:
                    self.opened.setdefault(opening, at)
                if word == closing:
                    self.closed[closing] = at
            if word in rules.per:
                self.per.append((at, word))
        self.per_at = [at for at, _ in self.per]
        self.frames = [
            (self.opened.get(opening, -1), self.closed.get(closing, -1))
            for opening, closing in rules.standard_frames
        ]

    def is_standard(self, found: _Found) -> bool:
        if self.anywhere or 0 <= self.standard < found.number:
            return True
        if any(0 <= a < found.number and b >= found.end for a, b in self.frames):
            return True
        return found.raised and self.standard >= 0

    def scope(self, found: _Found) -> str | None:
        """The last scope written before the indicator (bisect: a clause may hold many)."""
        index = bisect.bisect_left(self.per_at, found.start) - 1
        return self.per[index][1] if index >= 0 else None


def _label(segment: str, previous: str | None) -> str:
    """The words in front of the number; an item of a list (、) shares the list's words."""
    if previous is None:
        return segment.strip().rstrip(_LABEL_STRIP).strip(_LABEL_STRIP)
    cut = max(segment.rfind(sep) + len(sep) if sep in segment else 0 for sep in _LIST_SEPARATORS)
    tail = segment[cut:].strip(_LABEL_STRIP)
    return tail or previous


def _target(
    target_id: str,
    text: str,
    found: _Found,
    segment: str,
    label: str,
    clause: _Clause,
    rules: _Rules,
) -> Target:
    kind = _kind(found, clause, rules)
    return Target(
        id=target_id,
        text=text,
        label=label,
        as_written=text[found.start : found.end],
        value=found.value,
        unit=found.unit,
        kind=kind,
        compare=_compare(found, segment, rules),
        baseline=found.baseline,
        low=found.low,
        per=None if kind is TargetKind.STANDARD else clause.scope(found),
    )


def _kind(found: _Found, clause: _Clause, rules: _Rules) -> TargetKind:
    if found.baseline is not None:
        return TargetKind.RAISE
    if found.suffix in rules.threshold_after or found.unit in rules.threshold_units:
        return TargetKind.THRESHOLD
    if clause.is_standard(found):
        return TargetKind.STANDARD
    return TargetKind.PERCENT if found.unit == "%" else TargetKind.AMOUNT


def _compare(found: _Found, segment: str, rules: _Rules) -> Compare:
    if found.low is not None:
        return Compare.RANGE
    suffix = found.suffix
    if suffix and suffix.startswith(rules.after_ge):
        return Compare.GE
    if suffix and suffix.startswith(rules.after_le):
        return Compare.LE
    if rules.before_ge.search(segment):
        return Compare.GE
    if rules.before_le.search(segment):
        return Compare.LE
    return Compare.EQ
