"""The report's words: its title, the period in Chinese, and the headline as sentences.

Written once here, so that the Word, HTML and Markdown reports say the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from minsheng_cli.models import Notice
from minsheng_cli.report.model import Headline, ListedTask, Period, UnitRow

NOTHING_REPORTED = "台账中还没有任何填报，全部事项按未报送计（进度 0%）。"
RANKING_RULE = (
    "排名规则：按“牵头差距”从高到低排列，即该单位牵头的有具体时限事项的平均完成进度"
    "减去平均序时进度（百分点，一位小数）；差距相同的并列同一名次，下一名次顺延"
    "（如 1、2、2、4）。统称牵头的事项计入每个成员单位，按各成员自己的填报计，"
    "未报送的按 0% 计。没有具体时限事项的单位不排名，列在最后。"
)
_QUARTERS = "一二三四"
_CORE = re.compile(r"\A关于(?:做好|进一步做好|加快推进)?(.+?)的(?:通知|意见|方案)\Z")


def chinese_date(day: dt.date) -> str:
    """2015年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_label(period: Period, as_of: dt.date) -> str:
    if period is Period.MONTH:
        return f"{as_of.month}月"
    if period is Period.QUARTER:
        return f"第{_QUARTERS[(as_of.month - 1) // 3]}季度"
    return "全年"


def title(notice: Notice, period: Period, as_of: dt.date) -> str:
    """关于2015年民生改善工作进展情况的通报; 全年 reports say 完成情况."""
    core = _core(notice, as_of)
    what = "完成情况" if period is Period.YEAR else "进展情况"
    return f"关于{core}{what}的通报"


def _core(notice: Notice, as_of: dt.date) -> str:
    match = _CORE.match(notice.meta.title or "")
    if match:
        return match.group(1)
    return f"{notice.meta.year or as_of.year}年民生改善工作"


def _figure(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def summary(
    as_of: dt.date,
    headline: Headline,
    by_unit: Sequence[UnitRow],
    overdue_or_red: Sequence[ListedTask],
    *,
    reported: bool,
) -> list[str]:
    """The headline in the sentences of a real bulletin: done and its rate, started, behind."""
    h = headline
    opening = (
        f"截至{chinese_date(as_of)}，{h.tasks}项民生实事已完成{h.done}项，"
        f"完成率{_figure(h.done_rate)}%；已启动{h.started}项，未报送{h.unreported}项。"
    )
    if not reported:
        return [opening, NOTHING_REPORTED]
    lights = (
        f"按序时进度，绿灯{h.green}项，黄灯{h.yellow}项，红灯{h.red}项，逾期未完成{h.overdue}项"
        + (f"，无具体时限且未完成{h.none}项" if h.none else "")
        + "。"
    )
    means = f"全部事项平均完成进度{_figure(h.mean_percent)}%"
    if h.mean_expected is not None:
        gap = h.mean_percent - h.mean_expected
        relation = "落后" if gap < 0 else "超前"
        means += f"，有具体时限事项的平均序时进度{_figure(h.mean_expected)}%" + (
            f"，总体{relation}{_figure(round(abs(gap), 1))}个百分点" if gap else "，持平"
        )
    sentences = [opening, lights, means + "。"]
    behind = sorted(
        (r for r in by_unit if r.behind + r.overdue),
        key=lambda r: -(r.behind + r.overdue),
    )
    if behind:
        named = "、".join(f"{r.unit}{r.behind + r.overdue}项" for r in behind[:8])
        more = f"等{len(behind)}个单位" if len(behind) > 8 else ""
        sentences.append(f"落后于序时进度或逾期的事项，牵头单位为{named}{more}。")
    if overdue_or_red:
        numbers = "、".join(f"第{t.number}项" for t in overdue_or_red[:10])
        more = "等" if len(overdue_or_red) > 10 else ""
        sentences.append(
            f"逾期和亮红灯的{len(overdue_or_red)}项事项（{numbers}{more}）见附件，"
            "请牵头单位抓紧推进。"
        )
    return sentences


TARGETS_TITLE = "量化指标完成情况"

# Units whose large figures a bulletin writes in 万 and 亿 (9万人, 1.2亿元).
_COUNTED = {"人", "人次", "元", "平方米", "斤", "户", "吨", "亩", "册", "株"}


def quantity(value: float, unit: str) -> str:
    """A figure as a bulletin writes it: 4.5万人, 1.2亿元, 85%, 13.5公里."""
    if unit in _COUNTED and abs(value) >= 100_000_000:
        return f"{_number(value / 100_000_000)}亿{unit}"
    if unit in _COUNTED and abs(value) >= 10_000:
        return f"{_number(value / 10_000)}万{unit}"
    return f"{_number(value)}{unit}"


def _number(value: float) -> str:
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.2f}".rstrip("0").rstrip(".")


def target_sentence(
    *,
    number: int,
    label: str,
    text: str,
    kind: str,
    actual: float | None,
    ratio: float | None,
    unit: str,
) -> str | None:
    """城镇新增就业4.5万人，完成年度目标的50.0%; None when nothing is reported."""
    if actual is None or ratio is None:
        return None
    # A label of a word or two (为, 组织) names nothing: the clause does.
    named = label if len(label) >= 4 else f"第{number}项“{text}”已完成"
    done = f"{named}{quantity(actual, unit)}"
    goal = "提高目标" if kind == "raise" else "年度目标"
    return f"{done}，完成{goal}的{ratio * 100:.1f}%"


def targets_summary(total: int, reported: int, met: int) -> str:
    return f"范围内事项共有量化指标{total}项，已填报完成值{reported}项，已达到目标{met}项。"
