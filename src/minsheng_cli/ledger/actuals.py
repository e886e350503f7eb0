"""Actual values (完成值) as units write them: `2.1=4.5万` read against the indicator's unit.

VALUE := NUMBER [MULTIPLIER] [UNIT]
NUMBER := digits with optional thousands commas, optional decimals (45000, 45,000, 4.5)

The multipliers (万, 亿) and the unit aliases are data: the extraction's
(data/targets.toml), with data/actuals.toml on top. A unit,
when written, must be the indicator's own after normalising; a negative value, and
an actual for a kind that is not reported against (standard, threshold), are refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

from minsheng_cli._data import DATA_DIR, load_table
from minsheng_cli.errors import LedgerError
from minsheng_cli.ledger.records import Actual, Status
from minsheng_cli.models import REPORTABLE_KINDS, Target, TargetKind, Task

KIND_LABELS: dict[TargetKind, str] = {
    TargetKind.AMOUNT: "数量",
    TargetKind.PERCENT: "比率",
    TargetKind.RAISE: "提标",
    TargetKind.STANDARD: "标准",
    TargetKind.THRESHOLD: "门槛",
}

_NUMBER = re.compile(r"(?P<sign>[-+−]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?")


@cache
def _tables() -> tuple[dict[str, str], dict[str, int]]:
    """(unit aliases, multipliers): the extraction's tables (data/targets.toml) where it has
    them, with ours (data/actuals.toml) on top; every alias folded as input is."""
    own = load_table("actuals")
    units: dict[str, str] = {}
    multipliers: dict[str, int] = {}
    if (DATA_DIR / "targets.toml").exists():
        shared = load_table("targets")
        units.update(_strings(shared.get("units")))
        numbers = shared.get("numbers")
        if isinstance(numbers, dict):
            multipliers.update(_integers(numbers.get("multipliers")))
    units.update(_strings(own["units"]))
    multipliers.update(_integers(own["multipliers"]))
    folded = {unicodedata.normalize("NFKC", k): v for k, v in units.items()}
    return folded, multipliers


def _strings(table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        return {}
    return {str(k): v for k, v in table.items() if isinstance(v, str)}


def _integers(table: object) -> dict[str, int]:
    if not isinstance(table, dict):
        return {}
    return {str(k): v for k, v in table.items() if isinstance(v, int)}


def normalise_unit(unit: str) -> str:
    """A unit of measure as indicators write it: 平米 → 平方米, ％ → %, 名 → 人."""
    folded = unicodedata.normalize("NFKC", "".join(unit.split()))
    return _tables()[0].get(folded, folded)


def parse_value(text: str, target: Target) -> float:
    """The number `text` gives for `target`, 万 and 亿 multiplied out; LedgerError if it cannot."""
    where = f"指标 {target.id}（{target.label}{target.as_written}）"
    if target.kind not in REPORTABLE_KINDS:
        raise LedgerError(
            f"{where}是{KIND_LABELS[target.kind]}（{target.kind.value}），不填报完成值；"
            "只有数量、比率和提标（amount、percent、raise）的指标填报完成值"
        )
    written = unicodedata.normalize("NFKC", "".join(text.split()))
    match = _NUMBER.match(written)
    if not written or match is None:
        raise LedgerError(
            f"{where}的完成值“{text}”不是数字；请写成 45000、45,000、4.5万或4.5万{target.unit}"
        )
    if match["sign"] in ("-", "−"):
        raise LedgerError(f"{where}的完成值不能为负数，收到“{text}”")
    value = float(match["digits"].replace(",", "") + (match["fraction"] or ""))
    rest = written[match.end() :]
    for word, factor in sorted(_tables()[1].items(), key=lambda item: -len(item[0])):
        if rest.startswith(word):
            value *= factor
            rest = rest[len(word) :]
            break
    if rest and normalise_unit(rest) != normalise_unit(target.unit):
        raise LedgerError(f"{where}的单位是“{target.unit}”，完成值“{text}”的单位“{rest}”与之不符")
    return value


def parse_assignment(text: str) -> tuple[str, str]:
    """`"2.1=4.5万"` → ("2.1", "4.5万"); LedgerError when there is no `=`."""
    indicator, sign, value = unicodedata.normalize("NFKC", text).partition("=")
    if not sign or not indicator.strip() or not value.strip():
        raise LedgerError(f"--actual 应写成 指标编号=完成值，如 2.1=4.5万，收到“{text}”")
    return indicator.strip(), value.strip()


def find_indicator(task: Task, indicator: str) -> Target:
    """The task's indicator `indicator` ("N.k"), or LedgerError listing those it has."""
    for target in task.targets:
        if target.id == indicator:
            return target
    number, _, _ = indicator.partition(".")
    if number != str(task.number):
        raise LedgerError(
            f"指标 {indicator} 不属于第{task.number}项；"
            f"第{task.number}项的指标编号以“{task.number}.”开头"
        )
    reportable = [t for t in task.targets if t.kind in REPORTABLE_KINDS]
    listed = [f"{t.id}（{t.label}{t.as_written}）" for t in reportable]
    raise LedgerError(
        f"第{task.number}项没有指标 {indicator}",
        [f"可填报的指标：{'、'.join(listed)}"] if listed else ["该项没有可填报完成值的指标"],
    )


def command_line_actuals(
    task: Task,
    unit: str,
    assignments: list[str],
    *,
    on: dt.date,
    status: Status | None = None,
) -> list[Actual]:
    """The actuals `progress set N --actual N.k=VALUE ...` records, each checked; one per id."""
    actuals: dict[str, Actual] = {}
    for assignment in assignments:
        indicator, written = parse_assignment(assignment)
        target = find_indicator(task, indicator)
        if target.id in actuals:
            raise LedgerError(f"--actual 给了指标 {target.id} 两次；每个指标只能填一个完成值")
        actuals[target.id] = Actual(
            task=task.number,
            indicator=target.id,
            unit=unit,
            value=parse_value(written, target),
            status=status,
            as_of=on,
        )
    return list(actuals.values())
