"""The HTML report, checked by parsing it again: html.parser for the page, xml.etree for its SVG."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng_cli import Notice, load_notice
from minsheng_cli.ledger.records import LIGHT_LABELS, Light
from minsheng_cli.models import UNCATEGORISED_LABEL
from minsheng_cli.report import palette, svg
from minsheng_cli.report.figures import Options, compute
from minsheng_cli.report.html import write_html
from minsheng_cli.report.model import CategoryRow, Headline, Period, ReportFigures, UnitRow
from minsheng_cli.serialize import clean_text
from tests.report_sample import AS_OF, sample_figures

NOTICE: Notice = load_notice()
FIGURES = sample_figures(NOTICE, Period.YEAR)
MONTH = sample_figures(NOTICE, Period.MONTH)
EMPTY = compute(NOTICE, NOTICE.tasks, [], Options(as_of=AS_OF))
SVG = "{http://www.w3.org/2000/svg}"
XMLNS = 'xmlns="http://www.w3.org/2000/svg"'


def render(figures: ReportFigures) -> str:
    stream = BytesIO()
    write_html(figures, stream)
    return stream.getvalue().decode("utf-8")


@dataclass
class Table:
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class Page(HTMLParser):
    """What a reader sees: the text, the tables, the headline cards, the chips and the headings."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[Table] = []
        self.cards: dict[str, list[str]] = {}
        self.chips: list[list[str]] = []
        self.headings: list[str] = []
        self.notes: list[str] = []
        self.summary: list[str] = []
        self.html_attrs: dict[str, str | None] = {}
        self.metas: list[dict[str, str | None]] = []
        # Open elements: tag, class, and the text inside so far.
        self._open: list[tuple[str, list[str], list[str]]] = []
        self._card: list[str] | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        kinds = (given.get("class") or "").split()
        if tag == "html":
            self.html_attrs = given
        elif tag == "meta":
            self.metas.append(given)
            return  # a void element
        elif tag == "table":
            self.tables.append(Table())
        elif tag == "tr":
            self.tables[-1].rows.append([])
        elif tag == "li" and "card" in kinds:
            self._card = []
        elif tag == "ul" and "chips" in kinds:
            self.chips.append([])
        self._open.append((tag, kinds, []))

    def handle_endtag(self, tag: str) -> None:
        name, kinds, parts = self._open.pop()
        assert name == tag, (name, tag)
        text = "".join(parts)
        if name in ("td", "th"):
            table = self.tables[-1]
            (table.header if name == "th" else table.rows[-1]).append(text)
        elif name == "tr" and not self.tables[-1].rows[-1]:
            self.tables[-1].rows.pop()  # the header row
        elif name == "caption":
            self.tables[-1].caption = text
        elif name == "h2":
            self.headings.append(text)
        elif name == "span" and self._card is not None:
            self._card.append(text)
        elif name == "li" and self._card is not None:
            self.cards[self._card[0]] = self._card[1:]
            self._card = None
        elif name == "li" and self._inside("ul", "chips"):
            self.chips[-1].append(text)
        elif name == "p" and "note" in kinds:
            self.notes.append(text)
        elif name == "p" and self._inside("div", "summary"):
            self.summary.append(text)

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1][0] in ("style", "title"):
            return
        self.text.append(data)
        for _, _, parts in self._open:
            parts.append(data)

    def _inside(self, tag: str, kind: str) -> bool:
        return any(t == tag and kind in k for t, k, _ in self._open)

    def table(self, caption_start: str) -> Table:
        [table] = [t for t in self.tables if t.caption.startswith(caption_start)]
        return table

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def svgs(markup: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", markup, re.DOTALL)]


def segments(chart: ET.Element) -> list[ET.Element]:
    return [e for e in chart.iter(f"{SVG}rect") if e.get("class") == "seg"]


SAMPLE_HTML = render(FIGURES)
SAMPLE = Page(SAMPLE_HTML)
EMPTY_HTML = render(EMPTY)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}" if value else "0.0"


# --- the page -----------------------------------------------------------------

# (card label, which span: 0 the big figure and 1 the line under it, the expected text)
HEADLINE: list[tuple[str, int, Callable[[Headline], str]]] = [
    ("事项数", 0, lambda h: str(h.tasks)),
    ("已完成", 0, lambda h: str(h.done)),
    ("已完成", 1, lambda h: f"完成率 {h.done_rate:.1f}%"),
    ("绿灯", 0, lambda h: str(h.green)),
    ("黄灯", 0, lambda h: str(h.yellow)),
    ("红灯", 0, lambda h: str(h.red)),
    ("逾期", 0, lambda h: str(h.overdue)),
    ("未报送", 0, lambda h: str(h.unreported)),
    ("平均进度", 0, lambda h: f"{h.mean_percent:.1f}%"),
    ("平均进度", 1, lambda h: f"平均序时进度 {pct(h.mean_expected)}%"),
]


@pytest.mark.parametrize(("label", "span", "expected"), HEADLINE)
def test_report_html_headline_cards(
    label: str, span: int, expected: Callable[[Headline], str]
) -> None:
    assert SAMPLE.cards[label][span] == expected(FIGURES.headline)


def test_report_html_head_and_order() -> None:
    assert SAMPLE_HTML.startswith("<!DOCTYPE html>")
    assert SAMPLE.html_attrs["lang"] == "zh-CN"
    assert {"charset": "utf-8"} in SAMPLE.metas
    assert any(m.get("name") == "viewport" for m in SAMPLE.metas)
    assert SAMPLE.headings == [
        "一、总体情况",
        "二、分类别进展",
        "三、牵头单位排名",
        "四、逾期和亮红灯的事项",
        "五、30天内到期的事项",
        "六、未报送单位",
        "七、上期以来的变化",
        "八、量化指标完成情况",
        "九、年终绩效",
    ]
    text = SAMPLE.all_text
    for expected in ("督查通报", "第6期", "吉林市人民政府督查室", "2015年6月30日"):
        assert expected in text
    assert FIGURES.scope.title in text
    assert SAMPLE.summary == FIGURES.summary
    assert not SAMPLE.notes


@pytest.mark.parametrize(
    ("update", "present", "absent"),
    [
        ({"number": None}, [], ["第6期"]),
        ({"filters": ["牵头单位：市民政局", "类别：就业增收"]},
         ["范围：牵头单位：市民政局；类别：就业增收"], []),
        ({}, [], ["范围："]),
    ],
)  # fmt: skip
def test_report_html_header_variants(
    update: dict[str, object], present: list[str], absent: list[str]
) -> None:
    figures = FIGURES.model_copy(update={"scope": FIGURES.scope.model_copy(update=update)})
    text = Page(render(figures)).all_text
    assert all(p in text for p in present)
    assert not any(a in text for a in absent)


def category_row(c: CategoryRow) -> list[str]:
    counts = [c.tasks, c.done, c.green, c.yellow, c.red, c.overdue, c.none, c.behind, c.unreported]
    label = c.category if c.category is not None else UNCATEGORISED_LABEL
    return [label, *map(str, counts), pct(c.mean_percent)]


def unit_row(u: UnitRow) -> list[str]:
    counts = [u.led, u.done, u.behind, u.overdue, u.unreported]
    rank = "—" if u.rank is None else str(u.rank)
    return [rank, u.unit, *map(str, counts), pct(u.mean_percent), pct(u.mean_expected),
            signed(u.lead_gap)]  # fmt: skip


@pytest.mark.parametrize("figures", [FIGURES, EMPTY], ids=["sample", "empty"])
def test_report_html_tables_equal_the_figures(figures: ReportFigures) -> None:
    page = SAMPLE if figures is FIGURES else Page(render(figures))
    assert page.table("表1").rows == [category_row(c) for c in figures.by_category]
    assert page.table("表2").rows == [unit_row(u) for u in figures.by_unit]
    assert UNCATEGORISED_LABEL in [row[0] for row in page.table("表1").rows]
    assert figures.ranking_rule in page.all_text


@pytest.mark.parametrize(("caption", "listed"), [("表3", "overdue_or_red"), ("表4", "due_soon")])
def test_report_html_lists(caption: str, listed: str) -> None:
    table = SAMPLE.table(caption)
    assert table.header == ["序号", "工作内容", "牵头单位", "截止日期", "进度（%）",
                            "序时进度（%）", "灯", "存在问题"]  # fmt: skip
    tasks = getattr(FIGURES, listed)
    assert tasks
    assert table.rows == [
        [str(t.number), t.content, t.lead_unit or "—", t.deadline, pct(t.percent),
         pct(t.expected_percent), LIGHT_LABELS[t.light], t.problems or "—"]
        for t in tasks
    ]  # fmt: skip


def test_report_html_chips_and_year_end() -> None:
    c = FIGURES.changes
    numbers = [[str(n) for n in listed] for listed in (c.completed, c.worse, c.better)]
    assert SAMPLE.chips == [FIGURES.silent_units, *numbers]
    assert FIGURES.year_end is not None
    lead, support = SAMPLE.table("表6"), SAMPLE.table("表7")
    for table, rows in ((lead, FIGURES.year_end.lead), (support, FIGURES.year_end.support)):
        assert [row[:5] for row in table.rows] == [
            [r.unit, str(r.tasks), str(r.on_time), str(r.late), str(r.not_done)] for r in rows
        ]
        assert [row[5:] for row in table.rows] == [
            [pct(r.on_time_share), pct(r.late_share), pct(r.not_done_share)] for r in rows
        ]


def test_report_html_month_has_no_year_end() -> None:
    page = Page(render(MONTH))
    assert "九、年终绩效" not in page.headings and "八、量化指标完成情况" in page.headings
    assert not [t for t in page.tables if t.caption.startswith(("表6", "表7"))]


def test_report_html_targets_table() -> None:
    table = SAMPLE.table("表5")
    assert [row[0] for row in table.rows] == [t.id for t in FIGURES.targets]
    reported = [t for t in FIGURES.targets if t.actual is not None]
    for target in reported:
        [row] = [r for r in table.rows if r[0] == target.id]
        assert row[5] == pct(round((target.ratio or 0) * 100, 1))


def test_report_html_empty_ledger() -> None:
    page = Page(EMPTY_HTML)
    assert EMPTY.note is not None
    assert page.notes == [EMPTY.note]
    assert "（无）" in page.all_text
    assert page.cards["未报送"][0] == str(len(NOTICE.tasks))
    assert page.cards["已完成"][0] == "0"


@pytest.mark.parametrize("markup", [SAMPLE_HTML, EMPTY_HTML], ids=["sample", "empty"])
def test_report_html_is_self_contained(markup: str) -> None:
    assert markup.count(XMLNS) == len(svgs(markup))
    rest = markup.replace(XMLNS, "").lower()
    for forbidden in ("http", "src=", "<script", "@import", "url(", "<link", "<img", "<iframe"):
        assert forbidden not in rest


@pytest.mark.parametrize(
    "rule",
    [
        "@page { size: A4; margin: 15mm }",
        "print-color-adjust: exact",
        "thead { display: table-header-group }",
        "break-inside: avoid",
        '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif',
        "overflow-x: auto",
        "flex-wrap: wrap",
    ],
)
def test_report_html_css(rule: str) -> None:
    [style] = re.findall(r"<style>(.*?)</style>", SAMPLE_HTML, re.DOTALL)
    assert rule in style


HOSTILE = "<script>alert('x')</script> & \"quoted\""


def hostile_figures(text: str) -> ReportFigures:
    task = FIGURES.overdue_or_red[0]
    return FIGURES.model_copy(
        update={
            "summary": [text],
            "note": text,
            "scope": FIGURES.scope.model_copy(update={"title": text, "filters": [text]}),
            "overdue_or_red": [task.model_copy(update={"problems": text, "content": text})],
            "by_category": [FIGURES.by_category[0].model_copy(update={"category": text})],
            "by_unit": [FIGURES.by_unit[0].model_copy(update={"unit": text})],
            "silent_units": [text],
        }
    )


def test_report_html_escapes_every_text() -> None:
    markup = render(hostile_figures(HOSTILE))
    assert "<script" not in markup
    page = Page(markup)
    assert page.summary == [HOSTILE]
    assert page.notes == [HOSTILE]
    assert page.table("表3").rows[0][1] == HOSTILE
    assert page.table("表3").rows[0][7] == HOSTILE
    assert page.table("表1").rows[0][0] == HOSTILE
    assert page.chips[0] == [HOSTILE]
    for chart in svgs(markup):  # still well-formed, with the text as text
        labels = ["".join(e.itertext()) for e in chart.iter(f"{SVG}text")]
        assert HOSTILE in labels


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_report_html_any_text_survives(text: str) -> None:
    markup = render(hostile_figures(text))
    page = Page(markup)
    assert page.summary == [clean_text(text)]
    assert page.table("表3").rows[0][7] == clean_text(text)
    assert len(svgs(markup)) == 2  # each parses as XML


# --- the charts ---------------------------------------------------------------


def test_report_html_lights_chart() -> None:
    lights, ranking = svgs(SAMPLE_HTML)
    assert lights.get("viewBox", "").startswith("0 0 ")
    assert lights.get("width") == "100%"
    assert lights.get("role") == "img"
    assert (lights.findtext(f"{SVG}desc") or "").startswith(
        f"{FIGURES.by_category[0].category}{FIGURES.by_category[0].tasks}项"
    )
    non_zero = [
        value
        for c in FIGURES.by_category
        for value in (c.done, c.green, c.yellow, c.red, c.overdue, c.none)
        if value
    ]
    rects = segments(lights)
    assert len(rects) == len(non_zero)
    assert all(r.find(f"{SVG}title") is not None for r in rects)
    labels = ["".join(e.itertext()) for e in lights.iter(f"{SVG}text")]
    legend = [LIGHT_LABELS[light] for light in Light if light is not Light.NONE]
    assert set(legend) | {"无时限"} <= set(labels)
    assert labels.index("已完成") < labels.index("绿灯") < labels.index("黄灯")
    assert labels.index("红灯") < labels.index("逾期") < labels.index("无时限")


def test_report_html_ranking_chart() -> None:
    _, ranking = svgs(SAMPLE_HTML)
    ranked = [u for u in FIGURES.by_unit if u.lead_gap is not None]
    labels = ["".join(e.itertext()) for e in ranking.iter(f"{SVG}text")]
    units = [label for label in labels if label in {u.unit for u in FIGURES.by_unit}]
    assert units == [u.unit for u in ranked]
    rects = segments(ranking)
    assert len(rects) == sum(1 for u in ranked if u.lead_gap)
    fills = [r.get("fill") for r in rects]
    ahead, behind = palette.css(Light.GREEN), palette.css(Light.RED)
    expected = [ahead if (u.lead_gap or 0) > 0 else behind for u in ranked if u.lead_gap]
    assert fills == expected
    [zero] = list(ranking.iter(f"{SVG}line"))
    axis = float(zero.get("x1", "nan"))
    for rect, unit in zip(rects, (u for u in ranked if u.lead_gap), strict=True):
        x, width = float(rect.get("x", "nan")), float(rect.get("width", "nan"))
        if (unit.lead_gap or 0) < 0:
            assert x + width == pytest.approx(axis, abs=0.1)
        else:
            assert x == pytest.approx(axis, abs=0.1)


def test_report_html_ranking_leaves_out_units_without_a_gap() -> None:
    ungapped = FIGURES.by_unit[0].model_copy(
        update={"unit": "无时限单位", "rank": None, "lead_gap": None, "mean_expected": None}
    )
    markup = render(FIGURES.model_copy(update={"by_unit": [*FIGURES.by_unit, ungapped]}))
    _, ranking = svgs(markup)
    assert "无时限单位" not in "".join(ranking.itertext())
    assert Page(markup).table("表2").rows[-1][:2] == ["—", "无时限单位"]


SERIES = [svg.Series("甲", "#111"), svg.Series("乙", "#222"), svg.Series("丙", "#333")]


@pytest.mark.parametrize(
    ("values", "rects", "counts"),
    [
        ([1, 0, 2], 2, ["1", "2"]),
        ([0, 0, 0], 0, []),
        ([1, 98, 1], 3, ["98"]),  # the one-task segments are too narrow for a count
        ([5, 5, 5], 3, ["5", "5", "5"]),
    ],
)
def test_report_html_stacked_bars(values: list[int], rects: int, counts: list[str]) -> None:
    row = svg.StackedRow("类别", values, sum(values))
    chart = ET.fromstring(svg.stacked_bars([row], SERIES, ident="c", title="t", desc="d"))
    drawn = segments(chart)
    assert len(drawn) == rects
    widths = [float(r.get("width", "nan")) for r in drawn]
    shown = [v for v in values if v]
    assert [w / widths[0] for w in widths] == pytest.approx([v / shown[0] for v in shown], rel=0.01)
    written = [
        "".join(e.itertext()) for e in chart.iter(f"{SVG}text") if e.get("text-anchor") == "middle"
    ]
    assert written == counts


@pytest.mark.parametrize("values", [[-3.0, -1.0], [2.0, 0.0, -2.0], [4.0, 1.0], [0.0]], ids=str)
def test_report_html_diverging_bars(values: list[float]) -> None:
    rows = [svg.DivergingRow(f"单位{i}", v, f"{v:+.1f}", "tip") for i, v in enumerate(values)]
    chart = ET.fromstring(
        svg.diverging_bars(
            rows, ident="r", title="t", desc="d", negative="#f00", positive="#0f0",
            left_caption="左", right_caption="右",
        )
    )  # fmt: skip
    width = float((chart.get("viewBox") or "").split()[2])
    drawn = segments(chart)
    assert len(drawn) == sum(1 for v in values if v)
    for rect in drawn:
        x, w = float(rect.get("x", "nan")), float(rect.get("width", "nan"))
        assert 0 <= x and x + w <= width
    captions = {"".join(e.itertext()): e for e in chart.iter(f"{SVG}text")}
    assert ("左" in captions) == any(v < 0 for v in values)
    assert ("右" in captions) == any(v > 0 for v in values)
    if "右" in captions:  # at the right edge, however close to it the zero line is
        assert captions["右"].get("text-anchor") == "end"
        assert float(captions["右"].get("x", "nan")) == width


# --- a real browser -----------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
BROWSER = next((found for name in BROWSERS if (found := shutil.which(name))), None)


@pytest.mark.render
@pytest.mark.skipif(BROWSER is None, reason="Chromium is not installed")
def test_report_html_in_chromium(tmp_path: Path) -> None:
    assert BROWSER is not None
    page = tmp_path / "report.html"
    page.write_text(SAMPLE_HTML, encoding="utf-8")
    shot = tmp_path / "out.png"
    flags = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu",
             f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    subprocess.run(
        [*flags, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert shot.stat().st_size > 20_000
    dumped = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    dom = Page(dumped)
    h = FIGURES.headline
    assert dom.cards["已完成"][0] == str(h.done)
    assert dom.cards["平均进度"][0] == f"{h.mean_percent:.1f}%"
    assert FIGURES.summary[0] in dom.all_text
