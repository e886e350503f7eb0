from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli import Notice, QueryError
from minsheng_cli.counts import category_counts, month_counts, unit_counts
from minsheng_cli.query import TaskFilter, by_deadline, resolve_unit, select

MINZHENG = [18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 29, 31, 68, 70, 71]

SELECTIONS: list[tuple[TaskFilter, list[int]]] = [
    (TaskFilter(units=("市民政局",)), MINZHENG),
    (TaskFilter(units=("民政局",)), MINZHENG),
    (TaskFilter(units=("市民政局",), lead=True), [18, 19, 20, 21, 22, 23, 24, 25, 29, 68, 70, 71]),
    (TaskFilter(units=("市执法局",)), [5, 48, 62, 63, 65, 66]),
    (TaskFilter(units=("城管执法局",), lead=True), [5, 48, 65, 66]),
    (TaskFilter(month=10), [18, 29, 37, 39, 43, 48, 49, 56, 66, 79, 80]),
    (TaskFilter(category="医疗保障"), list(range(8, 18))),
    (TaskFilter(category="未标注"), list(range(62, 81))),
    (TaskFilter(quarter=1), [5, 9, 10]),
    (TaskFilter(before=dt.date(2015, 6, 30)), [5, 9, 10, 11, 34]),
    (TaskFilter(search="公交"), [44]),
    (TaskFilter(search="低保 供热"), [28]),
    (TaskFilter(units=("市民政局",), month=10), [18, 29]),
    (TaskFilter(units=("各县（市）",)), [8]),
    (TaskFilter(search="不存在的词"), []),
]


@pytest.mark.parametrize(("task_filter", "numbers"), SELECTIONS)
def test_select(notice: Notice, task_filter: TaskFilter, numbers: list[int]) -> None:
    assert [t.number for t in select(notice, task_filter)] == numbers


@pytest.mark.parametrize(
    ("task_filter", "message", "hint"),
    [
        (
            TaskFilter(units=("市民证局",)),
            "通知中没有责任单位“市民证局”",
            "您是不是要找：市民政局？",
        ),
        (
            TaskFilter(category="医疗"),
            "通知中没有类别“医疗”",
            "运行 minsheng categories 查看全部名称。",
        ),
    ],
)
def test_unknown_names_suggest(
    notice: Notice, task_filter: TaskFilter, message: str, hint: str
) -> None:
    with pytest.raises(QueryError) as caught:
        select(notice, task_filter)
    assert caught.value.message == message
    assert hint in caught.value.details


def test_resolve_unit_aliases(notice: Notice) -> None:
    assert resolve_unit(notice, "县(市)区") == "各县（市）区"


def test_by_deadline_orders_dates(notice: Notice) -> None:
    dates = [t.deadline.date for t in by_deadline(notice.tasks)]
    assert dates == sorted(d for d in dates if d is not None)


def test_counts_add_up(notice: Notice) -> None:
    assert sum(c.count for c in category_counts(notice.tasks)) == 80
    assert sum(c.count for c in month_counts(notice.tasks)) == 80
    assert sum(c.total for c in unit_counts(notice.tasks)) == sum(
        len(t.units) for t in notice.tasks
    )
    assert sum(c.lead for c in unit_counts(notice.tasks)) == 80
    assert len(unit_counts(notice.tasks)) == 45


_FILTERS = st.builds(
    TaskFilter,
    units=st.lists(
        st.sampled_from(["市民政局", "开发区", "各城区", "发改委", "船营区", "丰满区政府"]),
        max_size=2,
    ).map(tuple),
    lead=st.booleans(),
    category=st.sampled_from([None, "医疗保障", "未标注", "困难救助"]),
    month=st.one_of(st.none(), st.integers(1, 12)),
    quarter=st.one_of(st.none(), st.integers(1, 4)),
    before=st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2016, 1, 1))),
    search=st.sampled_from([None, "低保", "建设 城区", "x"]),
)


@given(task_filter=_FILTERS)
def test_a_filter_returns_an_ordered_subset(notice: Notice, task_filter: TaskFilter) -> None:
    numbers = [t.number for t in select(notice, task_filter)]
    assert numbers == sorted(numbers)
    # Dropping any one condition can only widen the result.
    for field in ("units", "category", "month", "quarter", "before", "search"):
        empty = () if field == "units" else None
        changes: dict[str, Any] = {field: empty, "lead": task_filter.lead and field != "units"}
        wider = replace(task_filter, **changes)
        assert set(numbers) <= {t.number for t in select(notice, wider)}
