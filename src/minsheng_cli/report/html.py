"""The report as one self-contained HTML page, for the projector at the monthly 调度 and a phone.

Inline CSS and inline SVG only: the page makes no request of any kind, so it
opens the same from a USB stick, a mail attachment or a chat. Every text from
the figures is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import IO

from minsheng_cli.ledger.records import LIGHT_LABELS, Light
from minsheng_cli.models import UNCATEGORISED_LABEL
from minsheng_cli.report import palette, svg
from minsheng_cli.report.model import ListedTask, ReportFigures, ShareRow
from minsheng_cli.report.wording import TARGETS_TITLE, chinese_date, quantity, targets_summary
from minsheng_cli.serialize import clean_text

_NONE = "（无）"
_DASH = "—"
_FONTS = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'
# Chart order and colours (report/palette.py), with the ink for text on each.
_LIGHTS: tuple[tuple[Light, str, str], ...] = tuple(
    (light, palette.css(light), "#222" if light in palette.DARK_INK else "#fff")
    for light in palette.SEGMENTS
)
_NEGATIVE, _POSITIVE = palette.css(Light.RED), palette.css(Light.GREEN)
_HEADINGS = "一二三四五六七八九十"
_KEEP_ROWS = 15  # a table this short is not split across printed pages

_CSS = (
    """
@page { size: A4; margin: 15mm }
* { box-sizing: border-box }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100% }
body { margin: 0; background: #eef0f3; color: #1f2328; font-family: FONTS;
  font-size: 17px; line-height: 1.6 }
main { max-width: 1200px; margin: 0 auto; padding: 28px 40px 48px; background: #fff }
.head { text-align: center; padding-bottom: 8px }
.mast { color: #c00; font-size: 3.2em; font-weight: 700; letter-spacing: .35em;
  margin: 0 0 0 .35em; line-height: 1.3 }
.issue { margin: 4px 0 10px; font-size: 1.1em }
.byline { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 4px 16px;
  border-bottom: 3px solid #c00; padding-bottom: 6px }
.title { font-size: 1.55em; margin: 20px 0 4px; line-height: 1.4 }
.meta { color: #555; margin: 2px 0 }
.note { background: #fff6d6; border: 1px solid #e6c34a; border-left: 6px solid #e6a700;
  padding: 10px 14px; margin: 16px 0; font-weight: 600 }
h2 { font-size: 1.3em; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #ddd }
h3 { font-size: 1.1em; margin: 20px 0 8px }
.summary p { margin: 0 0 .4em; text-indent: 2em }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; padding: 0; list-style: none }
.card { flex: 1 1 6.5em; min-width: 6.5em; border: 1px solid #d8dbe0; border-top: 6px solid #8a939e;
  border-radius: 6px; padding: 8px 12px; background: #fafbfc }
.card .k { display: block; color: #555; font-size: .9em }
.card .v { display: block; font-size: 2.1em; font-weight: 700; line-height: 1.2;
  font-variant-numeric: tabular-nums }
.card .s { display: block; color: #555; font-size: .85em }
.card.unreported { border-top-color: #444 } .card.mean { flex-basis: 9.5em }
figure { margin: 12px auto 16px; max-width: 640px }
figure svg { display: block; width: 100%; height: auto }
figcaption { color: #555; font-size: .9em; text-align: center; margin-top: 4px }
.wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 8px 0 }
table { border-collapse: collapse; width: 100%; font-size: .92em }
caption { text-align: left; color: #555; padding: 0 0 4px }
th, td { border: 1px solid #cfd3d8; padding: 4px 8px; vertical-align: top }
th { background: #eef1f5; font-weight: 600; white-space: nowrap }
tbody tr:nth-child(even) td { background: #f8f9fb }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums }
td.c { text-align: center; white-space: nowrap }
td.content { min-width: 16em; width: 40% }
td.problems { min-width: 10em; width: 22% }
td.unit { white-space: nowrap }
td.neg { color: #b3261e; font-weight: 600 } td.pos { color: #1e7b3a; font-weight: 600 }
.lt { display: inline-block; border-radius: 4px; padding: 0 6px; color: #fff; font-weight: 600;
  white-space: nowrap }
LIGHTS
.rule { color: #555; font-size: .88em; margin: 6px 0 0 }
.chips { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; padding: 0; margin: 6px 0 }
.chips li { border: 1px solid #c9cdd3; border-radius: 999px; padding: 1px 10px;
  background: #f4f5f7; white-space: nowrap }
.chips.nums li { min-width: 2.6em; text-align: center; font-variant-numeric: tabular-nums }
.empty { color: #777 }
@media (max-width: 640px) {
  body { font-size: 15px; background: #fff }
  main { padding: 14px 12px 32px }
  .mast { font-size: 2.4em; letter-spacing: .2em; margin-left: .2em }
  .title { font-size: 1.3em }
  .byline { justify-content: center }
  .card { flex-basis: 6.8em; min-width: 6.8em; padding: 6px 8px }
  .card .v { font-size: 1.7em }
  table { font-size: .88em }
  td.content { min-width: 13em }
}
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact }
  body { background: #fff; font-size: 10.5pt }
  main { max-width: none; padding: 0 }
  .wrap { overflow: visible }
  thead { display: table-header-group }
  tr, .card, figure, .note { break-inside: avoid; page-break-inside: avoid }
  h2, h3, .lead, caption { break-after: avoid; page-break-after: avoid }
  .wrap.keep { break-inside: avoid; page-break-inside: avoid }
  .card { flex: 1 1 0; min-width: 0; padding: 4px 6px }
  .card.mean { flex: 1.4 1 0 }
  .card .v { font-size: 1.6em }
  figure { max-width: 130mm }
  figure svg { max-height: 235mm }
  td.content, td.problems { min-width: 0 }
}
"""
).replace("FONTS", _FONTS)
# The cards' top borders and the 灯 chips take the charts' colours.
_CSS = _CSS.replace(
    "LIGHTS",
    "".join(
        f".card.{light.value} {{ border-top-color: {fill} }}\n"
        f".lt.{light.value} {{ background: {fill}; color: {ink} }}\n"
        for light, fill, ink in _LIGHTS
    ),
)


def write_html(figures: ReportFigures, stream: IO[bytes]) -> None:
    stream.write(render_html(figures).encode("utf-8"))


def render_html(figures: ReportFigures) -> str:
    sections = [
        _overview(figures),
        _categories(figures),
        _units(figures),
        _overdue_or_red(figures),
        _due_soon(figures),
        _silent(figures),
        _changes(figures),
    ]
    if figures.targets:
        sections.append(_targets(figures))
    if figures.year_end is not None:
        sections.append(_year_end(figures, first_table=6 if figures.targets else 5))
    body = [_header(figures)]
    if figures.note:
        body.append(_tag("p", _t(figures.note), class_="note", role="note"))
    for index, (heading, parts) in enumerate(sections):
        body.append(_section(f"{_HEADINGS[index]}、{heading}", parts))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_t(figures.scope.title)}</title>"
        f"<style>{_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


# --- markup -------------------------------------------------------------------


def _t(text: str) -> str:
    return escape(clean_text(text))


def _tag(name: str, *children: str, **attrs: str | None) -> str:
    """An element around `children` (markup already); attribute values are escaped here."""
    given = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not None
    )
    return f"<{name}{given}>{''.join(children)}</{name}>"


def _section(heading: str, parts: Sequence[str]) -> str:
    return _tag("section", _tag("h2", _t(heading)), *parts)


def _empty() -> str:
    return _tag("p", _NONE, class_="empty")


@dataclass(frozen=True, slots=True)
class _Cell:
    """A table cell: its text, the class that aligns it, and the class of a chip around the text."""

    text: str
    kind: str | None = None
    chip: str | None = None

    def markup(self) -> str:
        inner = (
            _t(self.text) if self.chip is None else _tag("span", _t(self.text), class_=self.chip)
        )
        return _tag("td", inner, class_=self.kind)


def _n(value: float | None) -> _Cell:
    if value is None:
        return _Cell(_DASH, "n")
    return _Cell(str(value) if isinstance(value, int) else f"{value:.1f}", "n")


def _table(headers: Sequence[str], rows: Iterable[Sequence[_Cell | str]], caption: str) -> str:
    """A table in a wrapper that scrolls sideways on a narrow screen; a short one prints whole."""
    head = _tag("thead", _tag("tr", *(_tag("th", _t(h), scope="col") for h in headers)))
    body_rows = []
    for row in rows:
        cells = [cell if isinstance(cell, _Cell) else _Cell(cell) for cell in row]
        body_rows.append(_tag("tr", *(c.markup() for c in cells)))
    table = _tag("table", _tag("caption", _t(caption)), head, _tag("tbody", *body_rows))
    return _tag("div", table, class_="wrap keep" if len(body_rows) <= _KEEP_ROWS else "wrap")


def _percent(value: float | None) -> str:
    return _DASH if value is None else f"{value:.1f}%"


def _signed(value: float | None) -> str:
    return _DASH if value is None else f"{value:+.1f}" if value else "0.0"


# --- sections -----------------------------------------------------------------


def _header(f: ReportFigures) -> str:
    scope = f.scope
    parts = [_tag("p", "督查通报", class_="mast")]
    if scope.number is not None:
        parts.append(_tag("p", _t(f"第{scope.number}期"), class_="issue"))
    parts.append(
        _tag(
            "p",
            _tag("span", _t(scope.issuer), class_="issuer"),
            _tag("span", _t(chinese_date(f.as_of)), class_="date"),
            class_="byline",
        )
    )
    parts.append(_tag("h1", _t(scope.title), class_="title"))
    if scope.filters:
        parts.append(_tag("p", _t("范围：" + "；".join(scope.filters)), class_="meta"))
    if scope.notice_title:
        source = scope.notice_title
        if scope.document_number:
            source += f"（{scope.document_number}）"
        parts.append(_tag("p", _t(f"依据：{source}"), class_="meta"))
    return _tag("header", *parts, class_="head")


def _card(kind: str, label: str, value: str, sub: str | None = None) -> str:
    parts = [_tag("span", _t(label), class_="k"), _tag("span", _t(value), class_="v")]
    if sub is not None:
        parts.append(_tag("span", _t(sub), class_="s"))
    return _tag("li", *parts, class_=f"card {kind}")


def _overview(f: ReportFigures) -> tuple[str, list[str]]:
    h = f.headline
    cards = [
        _card("tasks", "事项数", str(h.tasks)),
        _card("done", "已完成", str(h.done), f"完成率 {_percent(h.done_rate)}"),
        _card("green", "绿灯", str(h.green), "按序时推进"),
        _card("yellow", "黄灯", str(h.yellow), "落后"),
        _card("red", "红灯", str(h.red), "严重落后"),
        _card("overdue", "逾期", str(h.overdue), "逾期未完成"),
    ]
    if h.none:
        cards.append(_card("none", "无时限", str(h.none), "未完成"))
    cards += [
        _card("unreported", "未报送", str(h.unreported), "按 0% 计"),
        _card(
            "mean",
            "平均进度",
            _percent(h.mean_percent),
            f"平均序时进度 {_percent(h.mean_expected)}",
        ),
    ]
    summary = _tag("div", *(_tag("p", _t(s)) for s in f.summary), class_="summary")
    return "总体情况", [summary, _tag("ul", *cards, class_="cards")]


def _category_label(category: str | None) -> str:
    return category if category is not None else UNCATEGORISED_LABEL


def _categories(f: ReportFigures) -> tuple[str, list[str]]:
    if not f.by_category:
        return "分类别进展", [_empty()]
    series = [svg.Series(LIGHT_LABELS[light], fill, ink) for light, fill, ink in _LIGHTS]
    rows = []
    for c in f.by_category:
        counts = {
            Light.DONE: c.done,
            Light.GREEN: c.green,
            Light.YELLOW: c.yellow,
            Light.RED: c.red,
            Light.OVERDUE: c.overdue,
            Light.NONE: c.none,
        }
        rows.append(
            svg.StackedRow(
                _category_label(c.category), [counts[light] for light, _, _ in _LIGHTS], c.tasks
            )
        )
    desc = "；".join(
        f"{row.label}{row.total}项："
        + "，".join(f"{s.label}{v}项" for s, v in zip(series, row.values, strict=True) if v)
        for row in rows
    )
    chart = svg.stacked_bars(rows, series, ident="lights", title="各类别事项亮灯情况", desc=desc)
    figure = _tag("figure", chart, _tag("figcaption", "图1　各类别事项亮灯情况（项）"))
    table = _table(
        ["类别", "事项数", "已完成", "绿灯", "黄灯", "红灯", "逾期", "无时限", "落后",
         "未报送", "平均进度（%）"],
        (
            [_Cell(_category_label(c.category), "unit"), _n(c.tasks), _n(c.done), _n(c.green),
             _n(c.yellow), _n(c.red), _n(c.overdue), _n(c.none), _n(c.behind), _n(c.unreported),
             _n(c.mean_percent)]
            for c in f.by_category
        ),
        "表1　分类别进展（落后为黄灯加红灯）",
    )  # fmt: skip
    return "分类别进展", [figure, table]


def _units(f: ReportFigures) -> tuple[str, list[str]]:
    parts = []
    ranked = [
        svg.DivergingRow(
            u.unit,
            u.lead_gap,
            _signed(u.lead_gap),
            f"第{u.rank}名　{u.unit}：{_signed(u.lead_gap)}个百分点",
        )
        for u in f.by_unit
        if u.lead_gap is not None
    ]
    if ranked:
        chart = svg.diverging_bars(
            ranked,
            ident="ranking",
            title="牵头单位排名：平均进度减平均序时进度（百分点）",
            desc="；".join(f"{r.label} {r.value_text}" for r in ranked),
            negative=_NEGATIVE,
            positive=_POSITIVE,
            left_caption="← 落后于序时进度",
            right_caption="超前 →",
        )
        caption = "图2　牵头单位排名：平均进度减平均序时进度（百分点）"
        parts.append(_tag("figure", chart, _tag("figcaption", _t(caption))))
    if not f.by_unit:
        return "牵头单位排名", [_empty(), _tag("p", _t(f.ranking_rule), class_="rule")]
    table = _table(
        ["名次", "牵头单位", "牵头事项", "已完成", "落后", "逾期", "未报送",
         "平均进度（%）", "平均序时进度（%）", "牵头差距（百分点）"],
        (
            [_n(u.rank), _Cell(u.unit, "unit"), _n(u.led), _n(u.done), _n(u.behind),
             _n(u.overdue), _n(u.unreported), _n(u.mean_percent), _n(u.mean_expected),
             _Cell(_signed(u.lead_gap), _gap_kind(u.lead_gap))]
            for u in f.by_unit
        ),
        "表2　牵头单位进展及排名",
    )  # fmt: skip
    parts += [table, _tag("p", _t(f.ranking_rule), class_="rule")]
    return "牵头单位排名", parts


def _gap_kind(gap: float | None) -> str:
    if gap is None or gap == 0:
        return "n"
    return "n neg" if gap < 0 else "n pos"


def _listed(tasks: Sequence[ListedTask], caption: str) -> str:
    if not tasks:
        return _empty()
    return _table(
        ["序号", "工作内容", "牵头单位", "截止日期", "进度（%）", "序时进度（%）", "灯",
         "存在问题"],
        (
            [_n(t.number), _Cell(t.content, "content"), _Cell(t.lead_unit or _DASH, "unit"),
             _Cell(t.deadline, "c"), _n(t.percent), _n(t.expected_percent),
             _Cell(LIGHT_LABELS[t.light], "c", f"lt {t.light.value}"),
             _Cell(t.problems or _DASH, "problems")]
            for t in tasks
        ),
        caption,
    )  # fmt: skip


def _overdue_or_red(f: ReportFigures) -> tuple[str, list[str]]:
    return "逾期和亮红灯的事项", [_listed(f.overdue_or_red, "表3　逾期和亮红灯的事项")]


def _due_soon(f: ReportFigures) -> tuple[str, list[str]]:
    days = f.scope.due_within_days
    caption = f"表4　{days}天内到期、尚未完成的事项"
    return f"{days}天内到期的事项", [_listed(f.due_soon, caption)]


def _chips(items: Sequence[str], kind: str = "chips") -> str:
    if not items:
        return _empty()
    return _tag("ul", *(_tag("li", _t(item)) for item in items), class_=kind)


def _silent(f: ReportFigures) -> tuple[str, list[str]]:
    lead = _tag(
        "p",
        _t(f"有事项、但自{chinese_date(f.since)}以来至{chinese_date(f.as_of)}没有填报的单位："),
        class_="lead",
    )
    return "未报送单位", [lead, _chips(f.silent_units)]


def _changes(f: ReportFigures) -> tuple[str, list[str]]:
    c = f.changes
    parts = [_tag("p", _t(f"与{chinese_date(f.since)}相比（序号）："), class_="lead")]
    for label, numbers in (("新完成", c.completed), ("灯变差", c.worse), ("灯变好", c.better)):
        heading = f"{label}（{len(numbers)}项）" if numbers else label
        parts.append(_tag("h3", _t(heading)))
        parts.append(_chips([str(n) for n in numbers], "chips nums"))
    return "上期以来的变化", parts


def _shares(rows: Sequence[ShareRow], caption: str) -> str:
    if not rows:
        return _empty()
    return _table(
        ["单位", "事项数", "按期完成", "逾期完成", "未完成", "按期完成（%）", "逾期完成（%）",
         "未完成（%）"],
        (
            [_Cell(r.unit, "unit"), _n(r.tasks), _n(r.on_time), _n(r.late), _n(r.not_done),
             _n(r.on_time_share), _n(r.late_share), _n(r.not_done_share)]
            for r in rows
        ),
        caption,
    )  # fmt: skip


def _targets(f: ReportFigures) -> tuple[str, list[str]]:
    h = f.headline
    said = [row.sentence for row in f.targets if row.sentence]
    parts = [_tag("p", _t(targets_summary(h.targets, h.targets_reported, h.targets_met)))]
    if said:
        parts.append(_tag("ul", *(_tag("li", _t(sentence)) for sentence in said)))
    parts.append(
        _table(
            ["编号", "指标", "目标", "牵头单位", "完成值", "完成率（%）", "灯"],
            (
                [_Cell(r.id, "c"), _Cell(r.text, "content"), _Cell(r.as_written, "c"),
                 _Cell(r.lead_unit or _DASH, "unit"),
                 _Cell(_DASH if r.actual is None else quantity(r.actual, r.unit), "n"),
                 _n(None if r.ratio is None else round(r.ratio * 100, 1)),
                 _Cell(LIGHT_LABELS[r.light], "c", f"lt {r.light.value}") if r.light
                 else _Cell(_DASH, "c")]
                for r in f.targets
            ),
            "表5　量化指标完成情况（完成率为完成值占目标的比例，不封顶）",
        )
    )  # fmt: skip
    return TARGETS_TITLE, parts


def _year_end(f: ReportFigures, *, first_table: int) -> tuple[str, list[str]]:
    assert f.year_end is not None
    support = "各单位配合事项完成情况（以事项本身是否完成计）"
    return "年终绩效", [
        _tag("h3", "（一）牵头事项"),
        _shares(f.year_end.lead, f"表{first_table}　各单位牵头事项完成情况"),
        _tag("h3", "（二）配合事项"),
        _shares(f.year_end.support, f"表{first_table + 1}　{support}"),
    ]
