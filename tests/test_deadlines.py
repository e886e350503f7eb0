from __future__ import annotations

import datetime as dt

import pytest

from minsheng_cli.deadlines import parse_deadline
from minsheng_cli.models import DeadlineKind

D = dt.date

# text as written (line breaks included), expected date, kind, note
CASES: list[tuple[str, dt.date | None, DeadlineKind, str | None]] = [
    ("11月", D(2015, 11, 30), DeadlineKind.MONTH, None),
    ("2月", D(2015, 2, 28), DeadlineKind.MONTH, None),
    ("10月份", D(2015, 10, 31), DeadlineKind.MONTH, None),
    ("7月底", D(2015, 7, 31), DeadlineKind.MONTH, None),
    ("10月末", D(2015, 10, 31), DeadlineKind.MONTH, None),
    ("11月\n底前", D(2015, 11, 30), DeadlineKind.MONTH, None),
    ("十月", D(2015, 10, 31), DeadlineKind.MONTH, None),
    ("十一月底", D(2015, 11, 30), DeadlineKind.MONTH, None),
    ("6月上旬", D(2015, 6, 10), DeadlineKind.DATE, None),
    ("6月中旬", D(2015, 6, 20), DeadlineKind.DATE, None),
    ("6月下旬", D(2015, 6, 30), DeadlineKind.DATE, None),
    ("9月15日", D(2015, 9, 15), DeadlineKind.DATE, None),
    ("9月15日前", D(2015, 9, 15), DeadlineKind.DATE, None),
    ("2016年3月", D(2016, 3, 31), DeadlineKind.MONTH, None),
    ("2016年3月底前", D(2016, 3, 31), DeadlineKind.MONTH, None),
    ("2016年3月前", D(2016, 3, 31), DeadlineKind.MONTH, None),
    ("一季\n度末", D(2015, 3, 31), DeadlineKind.QUARTER, None),
    ("二季\n度末", D(2015, 6, 30), DeadlineKind.QUARTER, None),
    ("三季度", D(2015, 9, 30), DeadlineKind.QUARTER, None),
    ("第四季度", D(2015, 12, 31), DeadlineKind.QUARTER, None),
    ("第2季度末前", D(2015, 6, 30), DeadlineKind.QUARTER, None),
    ("上半年", D(2015, 6, 30), DeadlineKind.HALF_YEAR, None),
    ("年中", D(2015, 6, 30), DeadlineKind.HALF_YEAR, None),
    ("下半年", D(2015, 12, 31), DeadlineKind.HALF_YEAR, None),
    ("年底前", D(2015, 12, 31), DeadlineKind.YEAR, None),
    ("年底", D(2015, 12, 31), DeadlineKind.YEAR, None),
    ("年末", D(2015, 12, 31), DeadlineKind.YEAR, None),
    ("年内", D(2015, 12, 31), DeadlineKind.YEAR, None),
    ("全年", D(2015, 12, 31), DeadlineKind.YEAR, None),
    ("全年\n（三年工程）", D(2015, 12, 31), DeadlineKind.YEAR, "三年工程"),
    ("全年(三年工程)", D(2015, 12, 31), DeadlineKind.YEAR, "三年工程"),
    ("常态化开展", None, DeadlineKind.ONGOING, None),
    ("长期坚持", None, DeadlineKind.ONGOING, None),
    ("持续推进（每季度通报）", None, DeadlineKind.ONGOING, "每季度通报"),
    ("10月前", None, DeadlineKind.UNKNOWN, None),
    ("13月", None, DeadlineKind.UNKNOWN, None),
    ("2月30日", None, DeadlineKind.UNKNOWN, None),
    ("第五季度", None, DeadlineKind.UNKNOWN, None),
    ("尽快", None, DeadlineKind.UNKNOWN, None),
    ("", None, DeadlineKind.UNKNOWN, None),
]


@pytest.mark.parametrize(("text", "date", "kind", "note"), CASES)
def test_parse_deadline(
    text: str, date: dt.date | None, kind: DeadlineKind, note: str | None
) -> None:
    deadline = parse_deadline(text, 2015)
    assert (deadline.date, deadline.kind, deadline.note) == (date, kind, note)
    assert "\n" not in deadline.text


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("一季度末", 2016, D(2016, 3, 31)),
        ("2月", 2016, D(2016, 2, 29)),
        ("2014年12月", 2016, D(2014, 12, 31)),
        ("10月", None, None),
    ],
)
def test_year_comes_from_the_notice(text: str, year: int | None, expected: dt.date | None) -> None:
    assert parse_deadline(text, year).date == expected


def test_text_keeps_joined_lines() -> None:
    assert parse_deadline("一季\n度末", 2015).text == "一季度末"
