from __future__ import annotations

import datetime as dt

import pytest

from minsheng_cli.models import DeadlineKind, Milestone
from minsheng_cli.notice import deadlines
from minsheng_cli.notice.deadlines import parse_deadline

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
    ("10月份前", None, DeadlineKind.UNKNOWN, None),
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


# Clauses: an action after the date, and cells with several dated clauses (milestones).
# text as written, expected date, kind, note, milestones as (text, date)
Y = DeadlineKind.YEAR
M = DeadlineKind.MONTH
CLAUSES: list[
    tuple[str, dt.date | None, DeadlineKind, str | None, list[tuple[str, dt.date | None]]]
] = [
    # one clause with an action: the action is the note
    ("9月投入使用", D(2015, 9, 30), M, "投入使用", []),
    ("5月底前动工", D(2015, 5, 31), M, "动工", []),
    ("年底前建成", D(2015, 12, 31), Y, "建成", []),
    ("一季度末启动", D(2015, 3, 31), DeadlineKind.QUARTER, "启动", []),
    ("9月15日前开工。", D(2015, 9, 15), DeadlineKind.DATE, "开工", []),
    ("6月上旬完成验收", D(2015, 6, 10), DeadlineKind.DATE, "完成验收", []),
    ("9月上线运行", D(2015, 9, 30), M, "上线运行", []),
    # brackets and an action: the action first, then the remarks
    ("年底前建成（三年工程）", D(2015, 12, 31), Y, "建成；三年工程", []),
    ("全年（三年工程）投入使用", D(2015, 12, 31), Y, "投入使用；三年工程", []),
    ("年底前建\n成（一期）", D(2015, 12, 31), Y, "建成；一期", []),
    # an action of its own clauses, none of them dated: one clause, no milestones
    ("年底前建成，投入使用", D(2015, 12, 31), Y, "建成，投入使用", []),
    ("年底前，全面完成", D(2015, 12, 31), Y, "全面完成", []),
    # two milestones
    (
        "6月底前完成招标，10月底前竣工",
        D(2015, 10, 31),
        M,
        "竣工",
        [("6月底前完成招标", D(2015, 6, 30)), ("10月底前竣工", D(2015, 10, 31))],
    ),
    (
        "一季度末启动，年底前完成",
        D(2015, 12, 31),
        Y,
        "完成",
        [("一季度末启动", D(2015, 3, 31)), ("年底前完成", D(2015, 12, 31))],
    ),
    (
        "一季\n度末启动；\n上半年\n完成",  # line breaks inside a phrase join it
        D(2015, 6, 30),
        DeadlineKind.HALF_YEAR,
        "完成",
        [("一季度末启动", D(2015, 3, 31)), ("上半年完成", D(2015, 6, 30))],
    ),
    (
        "6月底前完成招标\n10月\n底前竣工",  # a line break between two dated clauses splits
        D(2015, 10, 31),
        M,
        "竣工",
        [("6月底前完成招标", D(2015, 6, 30)), ("10月底前竣工", D(2015, 10, 31))],
    ),
    (
        "6月底前完成招标、设计，10月底前竣工",  # "、设计" has no date: it stays in clause one
        D(2015, 10, 31),
        M,
        "竣工",
        [("6月底前完成招标、设计", D(2015, 6, 30)), ("10月底前竣工", D(2015, 10, 31))],
    ),
    (
        "年底前完成（三年工程）,6月底前完成一期",  # the latest, not the last written
        D(2015, 12, 31),
        Y,
        "完成；三年工程",
        [("年底前完成（三年工程）", D(2015, 12, 31)), ("6月底前完成一期", D(2015, 6, 30))],
    ),
    (
        "10月15日前开工，2016年6月底前建成",
        D(2016, 6, 30),
        M,
        "建成",
        [("10月15日前开工", D(2015, 10, 15)), ("2016年6月底前建成", D(2016, 6, 30))],
    ),
    (
        "6月底前完成招标，，10月底前竣工",  # an empty piece between: no stray separator
        D(2015, 10, 31),
        M,
        "竣工",
        [("6月底前完成招标", D(2015, 6, 30)), ("10月底前竣工", D(2015, 10, 31))],
    ),
    # three milestones: 季度, 半年, 年底 and a date of its own
    (
        "上半年完成设计；三季度开工、年底前完成主体",
        D(2015, 12, 31),
        Y,
        "完成主体",
        [
            ("上半年完成设计", D(2015, 6, 30)),
            ("三季度开工", D(2015, 9, 30)),
            ("年底前完成主体", D(2015, 12, 31)),
        ],
    ),
    (
        "3月15日前选址;6月中旬开工;下半年建成",
        D(2015, 12, 31),
        DeadlineKind.HALF_YEAR,
        "建成",
        [
            ("3月15日前选址", D(2015, 3, 15)),
            ("6月中旬开工", D(2015, 6, 20)),
            ("下半年建成", D(2015, 12, 31)),
        ],
    ),
    (
        "一季度末前完成方案，11月底前完成建设、年末（12月31日）全部运行",  # tie: later wins
        D(2015, 12, 31),
        Y,
        "全部运行；12月31日",
        [
            ("一季度末前完成方案", D(2015, 3, 31)),
            ("11月底前完成建设", D(2015, 11, 30)),
            ("年末（12月31日）全部运行", D(2015, 12, 31)),
        ],
    ),
    # a date needs an action, not a second time word: these stay unknown, and unsplit
    ("10月前完成", None, DeadlineKind.UNKNOWN, None, []),
    ("10月起实施", None, DeadlineKind.UNKNOWN, None, []),
    ("6月至10月", None, DeadlineKind.UNKNOWN, None, []),
    ("10月15号", None, DeadlineKind.UNKNOWN, None, []),
    ("10月中完成（一期）", None, DeadlineKind.UNKNOWN, "一期", []),
    ("10月前完成招标，年底前竣工", None, DeadlineKind.UNKNOWN, None, []),
    ("尽快完成招标，10月底前竣工", None, DeadlineKind.UNKNOWN, None, []),
    # an impossible clause makes the whole cell unknown, its milestones kept
    (
        "13月完成招标，10月底前竣工",
        None,
        DeadlineKind.UNKNOWN,
        None,
        [("13月完成招标", None), ("10月底前竣工", D(2015, 10, 31))],
    ),
    # no date phrase at the start: ongoing wins only then
    ("持续推进，年底前见效", None, DeadlineKind.ONGOING, None, []),
    ("年底前建成并长期运行", D(2015, 12, 31), Y, "建成并长期运行", []),
]


@pytest.mark.parametrize(("text", "date", "kind", "note", "milestones"), CLAUSES)
def test_clauses_and_milestones(
    text: str,
    date: dt.date | None,
    kind: DeadlineKind,
    note: str | None,
    milestones: list[tuple[str, dt.date | None]],
) -> None:
    deadline = parse_deadline(text, 2015)
    assert (deadline.date, deadline.kind, deadline.note) == (date, kind, note)
    assert deadline.milestones == [Milestone(text=t, date=d) for t, d in milestones]
    assert deadline.text == "".join(text.split())


# With no notice year, milestones cannot be dated; the latest is still chosen.
NO_YEAR: list[tuple[str, DeadlineKind, str, dt.date | None]] = [
    ("6月底前完成招标，10月底前竣工", M, "竣工", None),
    ("年底前完成，6月底前完成一期", Y, "完成", None),  # all in one year: by month
    ("2016年3月完成，年底前竣工", Y, "竣工", None),  # one names a year: the last written
    ("年底前开工，2016年3月建成", M, "建成", D(2016, 3, 31)),
    ("2016年3月开工，2016年10月建成", M, "建成", D(2016, 10, 31)),
    ("2017年3月建成，2016年10月开工", M, "建成", D(2017, 3, 31)),
]


@pytest.mark.parametrize(("text", "kind", "note", "date"), NO_YEAR)
def test_milestones_without_a_notice_year(
    text: str, kind: DeadlineKind, note: str, date: dt.date | None
) -> None:
    deadline = parse_deadline(text, None)
    assert (deadline.kind, deadline.note, deadline.date) == (kind, note, date)
    assert len(deadline.milestones) == 2


@pytest.mark.parametrize("year", [None, 2016])
def test_leap_day_is_checked_even_without_a_year(year: int | None) -> None:
    assert parse_deadline("2月29日", year).kind is DeadlineKind.DATE
    assert parse_deadline("2月30日", year).kind is DeadlineKind.UNKNOWN


def test_many_lines_cost_linear_time() -> None:
    # Each side of every line break is looked at through a bounded window, never the rest.
    cell = "6月底前完成招标\n" * 20_000 + "\n".join("设计" for _ in range(20_000))
    deadline = parse_deadline(cell, 2015)
    assert len(deadline.milestones) == 20_000
    assert deadline.milestones[-1].text.startswith("6月底前完成招标设计设计")


def test_refused_words_are_data() -> None:
    refused = deadlines._table().refuse
    assert {"前", "以前", "起", "至"} <= set(refused)
    assert list(refused) == sorted(refused, key=len, reverse=True)
