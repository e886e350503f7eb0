"""Indicator states as plain data: the JSON and CSV of `minsheng targets`, and how a goal reads.

The JSON of one indicator is its own fields (models.Target) plus `number`, `actual`,
`ratio`, `met` and `light`, the keys the report uses, and who reported what.
"""

from __future__ import annotations

from typing import Any

from minsheng_cli.ledger.actuals import KIND_LABELS
from minsheng_cli.ledger.indicators import IndicatorState, json_number, number_text
from minsheng_cli.ledger.records import LIGHT_LABELS, Actual
from minsheng_cli.ledger.schedule import round1
from minsheng_cli.models import Compare, Target, TargetKind

TARGET_HEADERS = [
    "指标编号",
    "序号",
    "指标",
    "原文",
    "目标（原文）",
    "目标（规范）",
    "目标值",
    "单位",
    "类型",
    "比较",
    "基数",
    "下限",
    "范围",
    "牵头单位",
    "完成值",
    "完成率（%）",
    "序时进度（%）",
    "灯",
]

_SIGNS = {Compare.EQ: "", Compare.GE: "≥", Compare.LE: "≤"}
# In words for CSV, where a leading "=" would be taken for a formula.
COMPARE_LABELS = {
    Compare.EQ: "等于",
    Compare.GE: "不低于",
    Compare.LE: "不超过",
    Compare.RANGE: "区间",
}


def goal_text(target: Target) -> str:
    """The goal normalised: 90000人, ≥8000000平方米, 65000→90000元, 80–100%, 每个城区100栋."""
    unit = target.unit
    value = number_text(target.value)
    if target.kind is TargetKind.RAISE and target.baseline is not None:
        shown = f"{number_text(target.baseline)}→{value}{unit}"
    elif target.compare is Compare.RANGE and target.low is not None:
        shown = f"{number_text(target.low)}–{value}{unit}"
    else:
        shown = f"{_SIGNS.get(target.compare, '')}{value}{unit}"
    return f"{target.per}{shown}" if target.per else shown


def ratio_percent(state: IndicatorState) -> float | None:
    """完成率 in percent, one decimal; None when there is none."""
    return round1(state.ratio * 100) if state.ratio is not None else None


def _actual_record(actual: Actual | None) -> dict[str, Any] | None:
    if actual is None:
        return None
    source: Any = "cli"
    if actual.source is not None:
        s = actual.source
        source = {"file": s.file, "sha256": s.sha256, "sheet": s.sheet, "row": s.row}
        source["via_office"] = s.via_office
    return {
        "unit": actual.unit,
        "value": json_number(actual.value),
        "status": actual.status.value if actual.status else None,
        "as_of": actual.as_of.isoformat(),
        "recorded_at": actual.recorded_at.isoformat() if actual.recorded_at else None,
        "source": source,
    }


def target_record(state: IndicatorState) -> dict[str, Any]:
    """What `minsheng targets --format json` gives for one indicator."""
    target = state.target
    own = target.model_dump(mode="json")
    for key in ("value", "baseline", "low"):
        own[key] = json_number(own[key])
    record: dict[str, Any] = {
        **own,
        "number": state.task.number,
        "lead_unit": state.task.lead_unit,
        "goal": goal_text(target),
        "reportable": state.reportable,
        "actual": json_number(state.actual),
        "ratio": round(state.ratio, 6) if state.ratio is not None else None,
        "met": state.met,
        "light": state.light.value if state.light else None,
        "expected_percent": round1(state.expected),
        "as_of": state.as_of.isoformat(),
        "lead": _actual_record(state.lead),
        "supporting": [_actual_record(a) for a in state.supporting],
    }
    if state.members:
        record["members"] = [
            {"unit": m.unit, "actual": _actual_record(m.actual)} for m in state.members
        ]
    return record


def _figure(value: float | None) -> str:
    return "" if value is None else number_text(value)


def target_row(state: IndicatorState) -> list[str | int]:
    """One row under TARGET_HEADERS."""
    target = state.target
    return [
        target.id,
        state.task.number,
        target.label,
        target.text,
        target.as_written,
        goal_text(target),
        number_text(target.value),
        target.unit,
        KIND_LABELS[target.kind],
        COMPARE_LABELS[target.compare],
        _figure(target.baseline),
        _figure(target.low),
        target.per or "",
        state.task.lead_unit or "",
        _figure(state.actual),
        _figure(ratio_percent(state)),
        _figure(round1(state.expected)),
        LIGHT_LABELS[state.light] if state.light else "",
    ]
