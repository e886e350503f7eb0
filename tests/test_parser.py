from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng_cli import Notice, NoticeError, load_notice
from minsheng_cli.notice.loader import parse_notice
from minsheng_cli.notice.source import SourceText, split_lines

from .conftest import DATA


def test_golden_snapshot(notice: Notice) -> None:
    expected = json.loads((DATA / "snapshot.json").read_text(encoding="utf-8"))
    assert [t.model_dump(mode="json") for t in notice.tasks] == expected


def test_eighty_tasks_in_order(notice: Notice) -> None:
    assert [t.number for t in notice.tasks] == list(range(1, 81))


CATEGORY_RANGES = [
    ("就业增收", 1, 5),
    ("安居工程", 6, 7),
    ("医疗保障", 8, 17),
    ("困难救助", 18, 28),
    ("教育助学", 29, 38),
    ("文体生活", 39, 43),
    ("交通便民", 44, 48),
    ("生态环境", 49, 56),
    ("平安创建", 57, 61),
    (None, 62, 80),
]


@pytest.mark.parametrize(("category", "first", "last"), CATEGORY_RANGES)
def test_categories_cover_their_rows(
    notice: Notice, category: str | None, first: int, last: int
) -> None:
    assert [t.number for t in notice.tasks if t.category == category] == list(
        range(first, last + 1)
    )


def test_declared_category_counts(notice: Notice) -> None:
    assert notice.meta.category_counts == {
        "就业增收": 5,
        "安居工程": 2,
        "医疗保障": 10,
        "困难救助": 11,
        "教育助学": 10,
        "文体生活": 5,
        "交通便民": 5,
        "生态环境": 8,
        "平安创建": 5,
    }


# Quirks of the seed, one per row: (task, field, expected)
QUIRKS: list[tuple[int, str, object]] = [
    (8, "lines", {"start": 87, "end": 117}),
    (15, "units", ["市卫计委"]),
    (
        17,
        "deadline",
        {
            "text": "全年（三年工程）",
            "date": "2015-12-31",
            "kind": "year",
            "note": "三年工程",
            "milestones": [],
        },
    ),
    (
        29,
        "content",
        "对符合救助条件的当年新入学贫困大学生，给予一次性分类救助：低保家庭大学生一次性救助5000元，"
        "其他困难家庭大学生一次性救助3000元。",
    ),
    (
        5,
        "deadline",
        {
            "text": "一季度末",
            "date": "2015-03-31",
            "kind": "quarter",
            "note": None,
            "milestones": [],
        },
    ),
    (
        65,
        "deadline",
        {"text": "11月底前", "date": "2015-11-30", "kind": "month", "note": None, "milestones": []},
    ),
    (3, "units", ["市人社局", "各县（市）区", "开发区"]),
    (43, "units", ["市广电局"]),
    (62, "category", None),
    (62, "lead_unit", "市商务局"),
    (62, "lines", {"start": 557, "end": 561}),
]


@pytest.mark.parametrize(("number", "field", "expected"), QUIRKS)
def test_seed_quirks(notice: Notice, number: int, field: str, expected: object) -> None:
    task = next(t for t in notice.tasks if t.number == number)
    assert task.model_dump(mode="json")[field] == expected


def test_seed_problems_explain_missing_category(notice: Notice) -> None:
    codes = [(p.code, p.line) for p in notice.problems]
    assert codes == [("count-mismatch", 7), ("missing-category", 558)]
    assert "19项" in notice.problems[0].message
    assert "第62–80项" in notice.problems[1].message
    assert not notice.errors


def test_distinct_units(notice: Notice) -> None:
    assert len({u for t in notice.tasks for u in t.units}) == 45


def test_another_year_gets_its_own_dates() -> None:
    other = load_notice(DATA / "good_2016.txt")
    assert other.meta.year == 2016
    assert {t.deadline.date.year for t in other.tasks if t.deadline.date} == {2016}


def test_year_override(notice: Notice) -> None:
    overridden = load_notice(year=2020)
    assert overridden.tasks[4].deadline.date is not None
    assert overridden.tasks[4].deadline.date.isoformat() == "2020-03-31"
    assert overridden.meta.year == 2020


WARNINGS = {
    "warn_duplicate_numbers.txt": ("duplicate-number", 80),
    "warn_unknown_deadline.txt": ("unknown-deadline", 80),
    "warn_truncated.txt": ("incomplete-row", 29),
}


@pytest.mark.parametrize("path", sorted(DATA.glob("warn_*")), ids=lambda p: p.name)
def test_warnings_leave_usable_tasks(path: Path) -> None:
    code, count = WARNINGS[path.name]
    parsed = load_notice(path)
    assert len(parsed.tasks) == count
    assert code in {p.code for p in parsed.warnings}


BAD = {
    "bad_empty.txt": "文件是空的",
    "bad_blank.txt": "文件是空的",
    "bad_binary.bin": "二进制",
    "bad_no_table.txt": "没有找到分工表",
}


@pytest.mark.parametrize("path", sorted(DATA.glob("bad_*")), ids=lambda p: p.name)
def test_unusable_notices_raise(path: Path) -> None:
    with pytest.raises(NoticeError, match=BAD[path.name]):
        load_notice(path)


def test_header_without_rows(seed_text: str) -> None:
    lines = split_lines(seed_text)[:25]
    with pytest.raises(NoticeError, match="没有任何事项"):
        parse_notice(SourceText(path="t.txt", encoding="utf-8", lines=lines))


_SEED_LINES = split_lines((DATA.parent.parent / "data" / "notice.txt").read_text(encoding="utf-8"))
_PIECES = st.sampled_from(
    ["\t", "\n", "\t1", "（5项）", "\xa0", "年底前", "市民政局、", "", "医\n疗", "\t\t"]
)


@st.composite
def _mutated(draw: st.DrawFn) -> list[str]:
    lines = list(_SEED_LINES)
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "insert", "replace", "truncate", "junk"]))
        if action == "drop":
            del lines[index]
        elif action == "insert":
            lines.insert(index, draw(_PIECES))
        elif action == "replace":
            lines[index] = draw(_PIECES)
        elif action == "truncate":
            del lines[index:]
        else:
            lines[index] = draw(st.text(max_size=20))
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_mutated_notice_gives_tasks_or_our_error(lines: list[str]) -> None:
    try:
        parsed = parse_notice(SourceText(path="m.txt", encoding="utf-8", lines=lines))
    except NoticeError:
        return
    assert all(t.content for t in parsed.tasks)
    assert all(p.line is None or p.line >= 1 for p in parsed.problems)
