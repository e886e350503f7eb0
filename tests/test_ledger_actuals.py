"""Actuals (完成值) in the ledger: the migration, the store, value parsing and indicator figures.

Until the extraction fills `Task.targets`, the indicators are hand-made (SAMPLE_TARGETS)
and attached to the bundled notice's tasks; `with_targets` keeps the real ones when a
task already has them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from minsheng_cli import Notice
from minsheng_cli.errors import LedgerError
from minsheng_cli.ledger.actuals import (
    command_line_actuals,
    find_indicator,
    parse_assignment,
    parse_value,
)
from minsheng_cli.ledger.indicators import (
    combine,
    completion,
    indicator_states,
    latest_actuals,
)
from minsheng_cli.ledger.records import Actual, FileSource, Light, Status
from minsheng_cli.ledger.schedule import Thresholds
from minsheng_cli.ledger.store import MIGRATIONS, SCHEMA_VERSION, Ledger
from minsheng_cli.models import Compare, Target, TargetKind

from .conftest import DATA

JUNE30 = dt.date(2015, 6, 30)


def target(
    id: str,
    value: float,
    unit: str,
    kind: TargetKind = TargetKind.AMOUNT,
    compare: Compare = Compare.EQ,
    **extra: Any,
) -> Target:
    label = extra.pop("label", "指标")
    return Target(
        id=id,
        text=extra.pop("text", f"{label}{value:g}{unit}"),
        label=label,
        as_written=extra.pop("as_written", f"{value:g}{unit}"),
        value=value,
        unit=unit,
        kind=kind,
        compare=compare,
        **extra,
    )


# Hand-made from the notice's text, for tasks the tests use.
SAMPLE_TARGETS: dict[int, list[Target]] = {
    2: [
        target("2.1", 90000, "人", label="城镇新增就业", as_written="9万人"),
        target("2.2", 650000, "人次", label="农村劳动力实现转移就业", as_written="65万人次"),
    ],
    9: [
        target(
            "9.1",
            90000,
            "元",
            TargetKind.RAISE,
            Compare.LE,
            baseline=65000,
            label="统筹基金的最高支付限额",
            as_written="由6.5万元提高到9万元",
        ),
        target(
            "9.2",
            210000,
            "元",
            TargetKind.RAISE,
            Compare.LE,
            baseline=150000,
            label="大额补充医疗保险的最高支付限额",
            as_written="由15万元提高到21万元",
        ),
    ],
    20: [target("20.1", 1000, "元", TargetKind.STANDARD, label="按每人每年", as_written="1000元")],
    21: [
        target("21.1", 5000, "元", TargetKind.THRESHOLD, Compare.GE, as_written="5000元以上"),
        target("21.2", 60, "%", TargetKind.PERCENT, Compare.GE, label="救助比例达到"),
    ],
    28: [
        target("28.2", 100, "%", TargetKind.PERCENT, Compare.RANGE, low=80, label="减免"),
    ],
    # Task 49 is led by the group 各县（市）区: made-up indicators, to test the combination.
    49: [
        target("49.1", 100, "处", label="设立监管点"),
        target("49.2", 90, "%", TargetKind.PERCENT, Compare.GE, label="巡查覆盖率达到"),
        target("49.3", 30, "元", TargetKind.RAISE, baseline=10, label="补助由10元提高到"),
    ],
    # Task 80: 每个城区新建和改造温室大棚100栋, led by 市农委 (a single unit).
    80: [target("80.2", 100, "栋", per="每个城区", label="新建和改造温室大棚")],
}


def with_targets(notice: Notice) -> Notice:
    """The notice with SAMPLE_TARGETS on tasks the extraction left without any."""
    tasks = [
        task.model_copy(update={"targets": SAMPLE_TARGETS[task.number]})
        if task.number in SAMPLE_TARGETS and not task.targets
        else task
        for task in notice.tasks
    ]
    return notice.model_copy(update={"tasks": tasks})


@pytest.fixture(scope="module")
def sample(notice: Notice) -> Notice:
    return with_targets(notice)


def actual(indicator: str, unit: str, value: float, on: dt.date = JUNE30, **extra: Any) -> Actual:
    return Actual(
        task=int(indicator.split(".")[0]),
        indicator=indicator,
        unit=unit,
        value=value,
        as_of=on,
        **extra,
    )


# -- the migration -------------------------------------------------------------------------


def _ledger_v2(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript((DATA / "ledger_v2.sql").read_text(encoding="utf-8"))
    conn.close()


def test_fixture_is_the_second_schema(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    _ledger_v2(path)
    second = sqlite3.connect(":memory:")
    for step in MIGRATIONS[:2]:
        for statement in step:
            second.execute(statement)
    query = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    conn = sqlite3.connect(path)
    assert conn.execute(query).fetchall() == second.execute(query).fetchall()
    assert conn.execute("PRAGMA user_version").fetchone() == (2,)
    conn.close()


def test_a_ledger_of_the_second_schema_migrates_with_its_records(
    tmp_path: Path, sample: Notice
) -> None:
    path = tmp_path / "v2.sqlite3"
    _ledger_v2(path)
    with Ledger(path) as ledger:
        history = ledger.reports(sample)
        assert ledger.version == SCHEMA_VERSION == 3
        assert ledger.check() == []
        assert ledger.stored_identity() == ("0123456789abcdef0123456789abcdef", bytes(range(32)))
        assert [(r.task, r.unit, r.percent) for r in history] == [
            (2, "市人社局", 30),
            (18, "船营区", 50),
            (2, "市人社局", 40),
        ]
        assert history[2].source == FileSource(
            file="全表.xlsx", sha256="cd34", sheet="事项", row=6, via_office=True
        )
        assert history[0].note == "已摸底" and history[2].problems == "资金未到位"
        assert ledger.actuals(sample) == []
        assert ledger.record(sample, [], [actual("2.1", "市人社局", 45000)]) == (0, 1)
        assert [a.value for a in ledger.latest_actuals(sample, JUNE30)] == [45000]
        assert len(ledger.reports(sample)) == 3


def test_an_older_reader_sees_no_actuals(tmp_path: Path, sample: Notice) -> None:
    path = tmp_path / "v2.sqlite3"
    _ledger_v2(path)
    with Ledger(path, max_version=2) as ledger:
        assert ledger.actuals(sample) == [] and ledger.latest_actuals(sample, JUNE30) == []
        assert ledger.pending_actuals(sample, [actual("2.1", "市人社局", 1)]) != []
        assert ledger.version == 2


# -- the store -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE actuals SET value = 1", "DELETE FROM actuals", "DELETE FROM actuals WHERE id = 1"],
)
def test_actuals_cannot_be_updated_or_deleted(
    tmp_path: Path, sample: Notice, statement: str
) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.record(sample, [], [actual("2.1", "市人社局", 45000)])
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()
    assert [a.value for a in Ledger(path).actuals(sample)] == [45000]


def test_a_repeated_actual_adds_nothing_and_a_change_is_a_new_record(
    tmp_path: Path, sample: Notice
) -> None:
    source = FileSource(file="市人社局.xlsx", sha256="ef", sheet="量化指标", row=3)
    first = actual("2.1", "市人社局", 45000, status=Status.IN_PROGRESS, source=source)
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        assert ledger.record(sample, [], [first]) == (0, 1)
        assert ledger.record(sample, [], [first]) == (0, 0)
        assert ledger.pending_actuals(sample, [first, first]) == []
        changed = actual("2.1", "市人社局", 50000)
        assert ledger.pending_actuals(sample, [changed, changed]) == [changed]
        assert ledger.record(sample, [], [changed, first]) == (0, 2)  # first now differs again
        stored = ledger.actuals(sample, task=2)
        assert [(a.value, a.status) for a in stored] == [
            (45000, Status.IN_PROGRESS),
            (50000, None),
            (45000, Status.IN_PROGRESS),
        ]
        assert stored[0].source == source and stored[0].recorded_at is not None
        assert ledger.actuals(sample, task=9) == []


def test_latest_actuals_go_by_date_then_recording(tmp_path: Path, sample: Notice) -> None:
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.record(sample, [], [actual("2.1", "市人社局", 30000, dt.date(2015, 5, 31))])
        ledger.record(sample, [], [actual("2.1", "市人社局", 60000, dt.date(2015, 7, 31))])
        ledger.record(sample, [], [actual("2.1", "市人社局", 45000)])
        ledger.record(sample, [], [actual("2.1", "高新区", 500)])
        ledger.record(sample, [], [actual("2.1", "市人社局", 44000)])  # same day, later
        history = ledger.actuals(sample)
        stored = sorted((a.unit, a.value) for a in ledger.latest_actuals(sample, JUNE30))
        assert stored == [("市人社局", 44000), ("高新区", 500)]
        pure = latest_actuals(history, JUNE30)
        assert sorted((a.unit, a.value) for a in pure.values()) == stored
        assert [a.value for a in ledger.latest_actuals(sample, dt.date(2015, 5, 31))] == [30000]


def test_a_report_and_its_actuals_are_one_transaction(tmp_path: Path, sample: Notice) -> None:
    from minsheng_cli.ledger.records import Report

    report = Report(task=2, unit="市人社局", status=Status.IN_PROGRESS, percent=50, as_of=JUNE30)
    bad = Actual.model_construct(**{**actual("2.1", "市人社局", 1).__dict__, "value": -1.0})
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger, pytest.raises(LedgerError, match="没有记入任何内容"):
        ledger.record(sample, [report], [bad])  # the table's CHECK refuses a negative value
    assert Ledger(path).reports(sample) == []


# -- value parsing -------------------------------------------------------------------------

PEOPLE = SAMPLE_TARGETS[2][0]
VISITS = SAMPLE_TARGETS[2][1]
RATE = SAMPLE_TARGETS[21][1]
AREA = target("6.1", 1_200_000, "平方米")
MONEY = SAMPLE_TARGETS[9][0]

VALUES = [
    ("45000", PEOPLE, 45000),
    ("45,000", PEOPLE, 45000),
    ("4.5万", PEOPLE, 45000),
    ("4.5万人", PEOPLE, 45000),
    (" 4.5 万 人 ", PEOPLE, 45000),
    ("４．５万", PEOPLE, 45000),  # full-width digits
    ("1,234,567", PEOPLE, 1234567),
    ("0", PEOPLE, 0),
    ("65万人次", VISITS, 650000),
    ("65万人（次）", VISITS, 650000),
    ("85%", RATE, 85),
    ("85％", RATE, 85),
    ("62.5", RATE, 62.5),
    ("80万平米", AREA, 800000),
    ("1.2亿", AREA, 120_000_000),
    ("8万元", MONEY, 80000),
]


@pytest.mark.parametrize(("text", "indicator", "expected"), VALUES)
def test_values_are_read_with_their_multiplier(
    text: str, indicator: Target, expected: float
) -> None:
    assert parse_value(text, indicator) == expected


REFUSED = [
    (
        "4.5万元",
        PEOPLE,
        "指标 2.1（城镇新增就业9万人）的单位是“人”，完成值“4.5万元”的单位“元”与之不符",
    ),
    ("4.5万人", VISITS, "单位是“人次”，完成值“4.5万人”的单位“人”与之不符"),
    ("-5", PEOPLE, "指标 2.1（城镇新增就业9万人）的完成值不能为负数，收到“-5”"),
    ("−5", PEOPLE, "不能为负数"),
    ("四万五", PEOPLE, "的完成值“四万五”不是数字；请写成 45000、45,000、4.5万或4.5万人"),
    ("", PEOPLE, "不是数字"),
    ("4.5.1万", PEOPLE, "与之不符"),
    ("12", SAMPLE_TARGETS[20][0], "指标 20.1（按每人每年1000元）是标准（standard），不填报完成值"),
    ("5000", SAMPLE_TARGETS[21][0], "是门槛（threshold），不填报完成值"),
]


@pytest.mark.parametrize(("text", "indicator", "message"), REFUSED)
def test_values_that_contradict_the_indicator_are_refused(
    text: str, indicator: Target, message: str
) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_value(text, indicator)
    assert message in caught.value.message


ASSIGNMENTS = [
    ("2.1=4.5万", ("2.1", "4.5万")),
    (" 2.1 ＝ 45,000 ", ("2.1", "45,000")),
]


@pytest.mark.parametrize(("text", "expected"), ASSIGNMENTS)
def test_assignments(text: str, expected: tuple[str, str]) -> None:
    assert parse_assignment(text) == expected


@pytest.mark.parametrize("text", ["2.1", "=5", "2.1=", "45000"])
def test_an_assignment_needs_an_id_and_a_value(text: str) -> None:
    with pytest.raises(LedgerError, match="--actual 应写成 指标编号=完成值"):
        parse_assignment(text)


def test_command_line_actuals(sample: Notice) -> None:
    task = next(t for t in sample.tasks if t.number == 2)
    made = command_line_actuals(
        task, "市人社局", ["2.1=4.5万", "2.2=30万人次"], on=JUNE30, status=Status.IN_PROGRESS
    )
    assert [(a.indicator, a.value, a.status) for a in made] == [
        ("2.1", 45000, Status.IN_PROGRESS),
        ("2.2", 300000, Status.IN_PROGRESS),
    ]
    with pytest.raises(LedgerError, match="给了指标 2.1 两次"):
        command_line_actuals(task, "市人社局", ["2.1=1", "2.1=2"], on=JUNE30)
    with pytest.raises(LedgerError, match="指标 9.1 不属于第2项"):
        find_indicator(task, "9.1")
    with pytest.raises(LedgerError) as caught:
        find_indicator(task, "2.9")
    assert caught.value.message == "第2项没有指标 2.9"
    assert caught.value.details[0].startswith("可填报的指标：2.1（城镇新增就业9万人）、2.2")


# -- figures -------------------------------------------------------------------------------

COMPLETION = [
    (PEOPLE, 45000, 0.5),
    (PEOPLE, 99000, 1.1),  # not capped
    (RATE, 30, 0.5),
    (SAMPLE_TARGETS[28][0], 40, 0.5),  # a range: ÷ low (80)
    (SAMPLE_TARGETS[28][0], 90, 1.125),
    (MONEY, 77500, 0.5),  # a raise: (77500 − 65000) ÷ (90000 − 65000), whatever its compare
    (MONEY, 65000, 0.0),
    (MONEY, 100000, 1.4),
    (target("x.1", 500, "元", compare=Compare.LE), 400, 1.0),  # <=: 1 when met
    (target("x.1", 500, "元", compare=Compare.LE), 1000, 0.5),  # value ÷ actual when exceeded
    (target("x.1", 0, "起"), 0, 1.0),
]


@pytest.mark.parametrize(("indicator", "value", "ratio"), COMPLETION)
def test_completion(indicator: Target, value: float, ratio: float) -> None:
    assert completion(indicator, value) == pytest.approx(ratio)


COMBINE = [
    (SAMPLE_TARGETS[49][0], [10, None, 20], 30),  # an amount: the sum
    (SAMPLE_TARGETS[49][1], [90, None, 60], 50),  # a percent: the mean, missing as 0
    (SAMPLE_TARGETS[49][2], [30, None, 20], 20),  # a raise: the mean, missing at the baseline
    (SAMPLE_TARGETS[49][0], [None, None], None),
]


@pytest.mark.parametrize(("indicator", "values", "combined"), COMBINE)
def test_a_group_combines_its_members(
    indicator: Target, values: list[float | None], combined: float | None
) -> None:
    assert combine(indicator, values) == combined


def _states(notice: Notice, actuals: list[Actual], numbers: set[int], **kw: Any) -> dict[str, Any]:
    tasks = [t for t in notice.tasks if t.number in numbers]
    return {s.target.id: s for s in indicator_states(notice, actuals, JUNE30, tasks=tasks, **kw)}


def test_the_lead_unit_decides_and_supporting_units_are_kept_beside(sample: Notice) -> None:
    states = _states(
        sample,
        [
            actual("2.1", "市人社局", 45000, status=Status.IN_PROGRESS),
            actual("2.1", "高新区", 3000),
            actual("2.1", "船营区", 2000),
            actual("2.1", "市人社局", 90000, dt.date(2015, 7, 1)),  # after the as-of date
        ],
        {2},
    )
    first = states["2.1"]
    assert (first.actual, first.ratio, first.met) == (45000, 0.5, False)
    assert first.lead is not None and first.lead.unit == "市人社局"
    assert [a.unit for a in first.supporting] == ["船营区", "高新区"]  # in the task's order
    assert first.expected == pytest.approx(180 / 333 * 100)
    assert first.light is Light.GREEN  # 50 against 54.1: 4.1 points behind
    second = states["2.2"]
    assert (second.actual, second.ratio, second.reported) == (None, None, False)
    assert second.light is Light.RED  # unreported counts as 0, 54 points behind


LIGHTS = [
    (45000, Thresholds(), Light.GREEN),
    (45000, Thresholds(yellow=2, red=30), Light.YELLOW),
    (45000, Thresholds(yellow=2, red=3), Light.RED),
    (90000, Thresholds(yellow=0, red=0), Light.DONE),
    (120000, Thresholds(), Light.DONE),
]


@pytest.mark.parametrize(("value", "thresholds", "shown"), LIGHTS)
def test_the_light_follows_the_task_rules_with_the_completion_rate(
    sample: Notice, value: float, thresholds: Thresholds, shown: Light
) -> None:
    states = _states(sample, [actual("2.1", "市人社局", value)], {2}, thresholds=thresholds)
    assert states["2.1"].light is shown
    assert states["2.1"].met is (shown is Light.DONE)


def test_past_its_deadline_an_unmet_indicator_is_overdue(sample: Notice) -> None:
    states = _states(sample, [actual("9.1", "市人社局", 80000)], {9})
    assert states["9.1"].ratio == pytest.approx(0.6)
    assert states["9.1"].light is Light.OVERDUE  # task 9 was due 2015-03-31
    assert states["9.2"].light is Light.OVERDUE


def test_standards_and_thresholds_have_no_figures(sample: Notice) -> None:
    states = _states(sample, [actual("20.1", "市民政局", 1000)], {20, 21})
    assert {"20.1", "21.1", "21.2"} <= set(states)
    for key in ("20.1", "21.1"):
        state = states[key]
        assert (state.actual, state.ratio, state.light, state.reportable) == (
            None,
            None,
            None,
            False,
        )


def test_a_group_lead_sums_or_averages_its_members(sample: Notice) -> None:
    members = sample.recipient_table.groups["各县（市）区"]
    states = _states(
        sample,
        [
            actual("49.1", members[0], 30),
            actual("49.1", members[1], 20),
            actual("49.2", members[0], 90),
            actual("49.3", members[0], 30),
        ],
        {49},
    )
    amount, rate, raised = states["49.1"], states["49.2"], states["49.3"]
    assert [m.unit for m in amount.members] == members and amount.lead is None
    assert (amount.actual, amount.ratio) == (50, 0.5)
    assert rate.actual == pytest.approx(90 / len(members))
    assert raised.actual == pytest.approx((30 + 10 * (len(members) - 1)) / len(members))
    assert raised.ratio == pytest.approx((raised.actual - 10) / 20)


def test_kinds_filter_the_indicators(sample: Notice) -> None:
    states = indicator_states(sample, [], JUNE30, kinds=[TargetKind.RAISE])
    assert {s.target.id for s in states} >= {"9.1", "9.2"}
    assert {s.target.kind for s in states} == {TargetKind.RAISE}
