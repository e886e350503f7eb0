"""The lights' colours, one set for every report, so that the charts match across formats."""

from __future__ import annotations

from minsheng_cli.ledger.records import Light

SEGMENTS: tuple[Light, ...] = (
    Light.DONE,
    Light.GREEN,
    Light.YELLOW,
    Light.RED,
    Light.OVERDUE,
    Light.NONE,
)
"""A stacked bar's segments, left to right."""

STRONG: dict[Light, str] = {
    Light.DONE: "2F6EBA",
    Light.GREEN: "3A9E4F",
    Light.YELLOW: "F2B01E",
    Light.RED: "D9342B",
    Light.OVERDUE: "7B4FA0",
    Light.NONE: "A6A6A6",
}
"""Bars and legend marks (RRGGBB): blue, green, amber, red, purple, grey."""

PALE: dict[Light, str] = {
    Light.DONE: "D9E2F3",
    Light.GREEN: "E2EFDA",
    Light.YELLOW: "FFF2CC",
    Light.RED: "F8CBAD",
    Light.OVERDUE: "E4DFEC",
    Light.NONE: "EDEDED",
}
"""The ground of a table cell that names the light."""

DARK_INK = frozenset({Light.YELLOW, Light.NONE})
"""Lights whose strong colour needs dark text on it: white on amber or grey is hard to read."""


def css(light: Light) -> str:
    """The strong colour as CSS and SVG write it: #2F6EBA."""
    return f"#{STRONG[light]}"
