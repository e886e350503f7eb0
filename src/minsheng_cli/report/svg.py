"""Inline SVG charts for the HTML report: plain markup, no script, scaled by its viewBox.

Each chart is well-formed XML on its own. Text is escaped here; the caller
passes figures already computed and only chooses labels and colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from minsheng_cli.serialize import clean_text

SVG_NS = "http://www.w3.org/2000/svg"
# Narrow on purpose: a phone shows it about life size, a projector up to 1.8 times.
WIDTH = 360
FONT = 12
SMALL = 10.5
ROW = 22
BAR = 15
_LEGEND_ROW = 20
_INK = "#222"
_MUTED = "#666"


@dataclass(frozen=True)
class Series:
    """One kind of segment: its legend label, fill, and the colour of a count written on it."""

    label: str
    fill: str
    ink: str = "#fff"


@dataclass(frozen=True)
class StackedRow:
    label: str
    values: Sequence[int]  # one per series
    total: int


@dataclass(frozen=True)
class DivergingRow:
    label: str
    value: float
    value_text: str
    tip: str


def _t(text: str) -> str:
    return escape(clean_text(text))


def _advance(text: str, size: float) -> float:
    """A rough width: CJK and full-width forms one em, the rest a little over half."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(ident: str, height: float, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {WIDTH} {_num(height)}" width="100%" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="inherit" font-size="{FONT}">'
        f'<title id="{ident}-t">{_t(title)}</title><desc id="{ident}-d">{_t(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attrs.items())
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" '
        f'dominant-baseline="central"{extra}>{_t(text)}</text>'
    )


def _legend(series: Sequence[Series], top: float) -> tuple[list[str], float]:
    """Swatches in rows that wrap at the chart's width; returns the parts and the height."""
    parts: list[str] = []
    x, y = 0.0, top + _LEGEND_ROW / 2
    for item in series:
        width = 10 + 4 + _advance(item.label, FONT) + 14
        if x and x + width > WIDTH:
            x, y = 0.0, y + _LEGEND_ROW
        parts.append(
            f'<rect class="key" x="{_num(x)}" y="{_num(y - 5)}" width="10" height="10" '
            f'fill="{item.fill}"/>'
        )
        parts.append(_text(x + 14, y, item.label, fill=_INK))
        x += width
    return parts, y + _LEGEND_ROW / 2 - top


def stacked_bars(
    rows: Sequence[StackedRow], series: Sequence[Series], *, ident: str, title: str, desc: str
) -> str:
    """Horizontal bars of counts, one per row, in segments of `series`, longest total full width.

    Every non-zero segment is one `rect class="seg"` with a <title> tooltip; a count
    is written on it when it is wide enough to hold one.
    """
    parts, legend_height = _legend(series, 0)
    top = legend_height + 6
    label_width = max((_advance(r.label, FONT) for r in rows), default=0) + 8
    largest = max((r.total for r in rows), default=0)
    total_width = _advance(str(largest), FONT) + 8
    scale = (WIDTH - label_width - total_width) / largest if largest else 0.0
    for index, row in enumerate(rows):
        middle = top + index * ROW + ROW / 2
        parts.append(_text(label_width - 6, middle, row.label, anchor="end", fill=_INK))
        x = label_width
        for item, value in zip(series, row.values, strict=True):
            if not value:
                continue
            width = value * scale
            tip = f"{row.label}：{item.label} {value} 项"
            parts.append(
                f'<rect class="seg" x="{_num(x)}" y="{_num(middle - BAR / 2)}" '
                f'width="{_num(width)}" height="{BAR}" fill="{item.fill}">'
                f"<title>{_t(tip)}</title></rect>"
            )
            if width >= _advance(str(value), SMALL) + 4:
                parts.append(
                    _text(
                        x + width / 2,
                        middle,
                        str(value),
                        anchor="middle",
                        fill=item.ink,
                        font_size=str(SMALL),
                        pointer_events="none",
                    )
                )
            x += width
        parts.append(_text(x + 4, middle, str(row.total), fill=_MUTED))
    return _svg(ident, top + len(rows) * ROW + 4, title, desc, parts)


def diverging_bars(
    rows: Sequence[DivergingRow],
    *,
    ident: str,
    title: str,
    desc: str,
    negative: str,
    positive: str,
    left_caption: str,
    right_caption: str,
) -> str:
    """Bars from a zero line, negative to the left in `negative`, positive to the right.

    Rows keep the order given. The zero line sits where the range of values puts
    it, so that a chart of only negative values uses the whole width.
    """
    label_width = max((_advance(r.label, FONT) for r in rows), default=0) + 8
    pad = max((_advance(r.value_text, SMALL) for r in rows), default=0) + 8
    area = WIDTH - label_width - 2 * pad
    low = min((r.value for r in rows), default=0.0)
    high = max((r.value for r in rows), default=0.0)
    low, high = min(low, 0.0), max(high, 0.0)
    span = (high - low) or 1.0
    zero = label_width + pad + (-low) / span * area
    top = ROW
    parts = []
    # At the edges, not at the zero line: a zero near one edge leaves no room there.
    if low < 0:
        parts.append(_text(label_width, ROW / 2, left_caption, fill=negative))
    if high > 0:
        parts.append(_text(WIDTH, ROW / 2, right_caption, anchor="end", fill=positive))
    bottom = top + len(rows) * ROW
    for index, row in enumerate(rows):
        middle = top + index * ROW + ROW / 2
        if index % 2:
            parts.append(
                f'<rect class="band" x="0" y="{_num(middle - ROW / 2)}" width="{WIDTH}" '
                f'height="{ROW}" fill="#f3f4f6"/>'
            )
        parts.append(_text(label_width - 6, middle, row.label, anchor="end", fill=_INK))
        width = abs(row.value) / span * area
        x = zero - width if row.value < 0 else zero
        fill = negative if row.value < 0 else positive
        if width:
            parts.append(
                f'<rect class="seg" x="{_num(x)}" y="{_num(middle - BAR / 2)}" '
                f'width="{_num(width)}" height="{BAR}" fill="{fill}">'
                f"<title>{_t(row.tip)}</title></rect>"
            )
        if row.value < 0:
            parts.append(
                _text(x - 3, middle, row.value_text, anchor="end", fill=_INK, font_size=str(SMALL))
            )
        else:
            parts.append(
                _text(x + width + 3, middle, row.value_text, fill=_INK, font_size=str(SMALL))
            )
    parts.append(
        f'<line x1="{_num(zero)}" y1="{top - 2}" x2="{_num(zero)}" y2="{_num(bottom + 2)}" '
        f'stroke="{_MUTED}" stroke-width="1"/>'
    )
    return _svg(ident, bottom + 4, title, desc, parts)
