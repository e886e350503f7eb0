"""The report as Markdown, for pasting into a message: the sentences, then the tables."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import IO

from minsheng_cli.ledger.records import LIGHT_LABELS
from minsheng_cli.models import UNCATEGORISED_LABEL
from minsheng_cli.report.model import ListedTask, ReportFigures, ShareRow, TargetRow
from minsheng_cli.report.wording import TARGETS_TITLE, chinese_date, quantity, targets_summary
from minsheng_cli.serialize import clean_text

_NONE = "（无）"


def write_markdown(figures: ReportFigures, stream: IO[bytes]) -> None:
    stream.write(render_markdown(figures).encode("utf-8"))


def render_markdown(figures: ReportFigures) -> str:
    f = figures
    scope = f.scope
    h = f.headline
    lines = [f"# {_text(scope.title)}", ""]
    head = [_text(scope.issuer), chinese_date(f.as_of)]
    if scope.number is not None:
        head.insert(0, f"第{scope.number}期")
    lines += ["　".join(head), ""]
    if scope.filters:
        lines += [f"范围：{_text('；'.join(scope.filters))}", ""]
    lines.append(_text("".join(f.summary)))
    lines += [
        "",
        "## 一、总体进展",
        "",
        *_table(
            ["事项", "已完成", "绿灯", "黄灯", "红灯", "逾期", "无时限", "未报送", "平均进度",
             "平均序时进度"],
            [[h.tasks, h.done, h.green, h.yellow, h.red, h.overdue, h.none, h.unreported,
              _pct(h.mean_percent), _pct(h.mean_expected)]],
        ),
        "",
        "## 二、分类别进展",
        "",
        *_table(
            ["类别", "事项", "已完成", "落后", "逾期", "未报送", "平均进度"],
            [[c.category or UNCATEGORISED_LABEL, c.tasks, c.done, c.behind, c.overdue,
              c.unreported, _pct(c.mean_percent)] for c in f.by_category],
        ),
        "",
        "## 三、牵头单位排名",
        "",
        *_table(
            ["名次", "单位", "牵头", "已完成", "落后", "逾期", "未报送", "牵头差距"],
            [[u.rank if u.rank is not None else "—", u.unit, u.led, u.done, u.behind, u.overdue,
              u.unreported, _points(u.lead_gap)] for u in f.by_unit],
        ),
        "",
        f"*{_text(f.ranking_rule)}*",
        "",
        "## 四、逾期和亮红灯的事项",
        "",
        *_listed(f.overdue_or_red, problems=True),
        "",
        f"## 五、{f.scope.due_within_days}天内到期、尚未完成的事项",
        "",
        *_listed(f.due_soon, problems=False),
        "",
        f"## 六、自{chinese_date(f.since)}以来没有填报的单位",
        "",
        _text("、".join(f.silent_units)) or _NONE,
        "",
        f"## 七、自{chinese_date(f.since)}以来的变化",
        "",
        f"- 新完成：{_numbers(f.changes.completed)}",
        f"- 灯变差：{_numbers(f.changes.worse)}",
        f"- 灯变好：{_numbers(f.changes.better)}",
    ]  # fmt: skip
    numerals = iter("八九十")
    if f.targets:
        lines += ["", f"## {next(numerals)}、{TARGETS_TITLE}", ""]
        lines += [targets_summary(h.targets, h.targets_reported, h.targets_met), ""]
        lines += [f"- {_text(row.sentence)}" for row in f.targets if row.sentence]
        lines += ["", *_targets(f.targets)]
    if f.year_end is not None:
        lines += ["", f"## {next(numerals)}、年终绩效：牵头的事项", "", *_shares(f.year_end.lead)]
        lines += [
            "",
            f"## {next(numerals)}、年终绩效：配合的事项",
            "",
            *_shares(f.year_end.support),
        ]
    return "\n".join(lines) + "\n"


def _targets(rows: Sequence[TargetRow]) -> list[str]:
    return _table(
        ["编号", "指标", "目标", "牵头单位", "完成值", "完成率", "灯"],
        [[r.id, r.text, r.as_written, r.lead_unit or "—",
          "—" if r.actual is None else quantity(r.actual, r.unit),
          "—" if r.ratio is None else f"{r.ratio * 100:.1f}%",
          LIGHT_LABELS[r.light] if r.light else "—"] for r in rows],
    )  # fmt: skip


def _listed(tasks: Sequence[ListedTask], *, problems: bool) -> list[str]:
    headers = ["序号", "工作内容", "牵头单位", "截止日期", "进度", "序时进度", "灯"]
    rows: list[list[object]] = [
        [t.number, t.content, t.lead_unit or "—", t.deadline, _pct(t.percent),
         _pct(t.expected_percent), LIGHT_LABELS[t.light]]
        + ([t.problems or ""] if problems else [])
        for t in tasks
    ]  # fmt: skip
    return _table(headers + (["存在问题"] if problems else []), rows)


def _shares(rows: Sequence[ShareRow]) -> list[str]:
    return _table(
        ["单位", "事项", "按期完成", "逾期完成", "未完成", "按期完成率", "逾期完成率", "未完成率"],
        [[r.unit, r.tasks, r.on_time, r.late, r.not_done, _pct(r.on_time_share),
          _pct(r.late_share), _pct(r.not_done_share)] for r in rows],
    )  # fmt: skip


def _table(headers: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    if not rows:
        return [_NONE]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _cell(value: object) -> str:
    return _text(str(value)).replace("|", "\\|").replace("\n", "<br>")


def _text(value: str) -> str:
    """Escape HTML, so that text from the notice or the ledger is shown and not obeyed."""
    return html.escape(clean_text(value), quote=False)


def _figure(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{_figure(value)}%"


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _numbers(numbers: Sequence[int]) -> str:
    return "、".join(f"第{n}项" for n in numbers) if numbers else _NONE
