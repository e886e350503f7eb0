"""The 统计 sheet: counts by category, deadline month, lead unit and unit, with bar charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli.counts import category_counts, month_counts, unit_counts
from minsheng_cli.export._xlsx_cells import (
    FONT_NAME,
    HEADER,
    NUMBER,
    SUBTITLE_FONT,
    TEXT,
    TOTAL,
    put,
    set_page,
    text_width,
)
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.query import UNCATEGORISED_LABEL

STATS_SHEET = "统计"

_TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
_BLOCK_FONT = Font(name=FONT_NAME, size=12, bold=True)
_CHART_COLUMN = "F"
"""Right of the widest block (A–D) and a spacer column."""


@dataclass(frozen=True)
class _Block:
    title: str
    headers: list[str]
    rows: list[tuple[str, list[int]]]
    """A label and its counts, one per header after the first."""
    total: bool = True
    """Whether a 合计 row adds up the counts (not for units, which share tasks)."""
    chart: str | None = None
    """The title of a chart of the first count, if the block gets one."""
    bar_direction: Literal["bar", "col"] = "col"
    """Horizontal bars leave room for long labels; columns suit a time line."""


def write_stats(ws: Worksheet, document: ExportDocument) -> None:
    """Fill `ws` with one titled block per count, and charts to the right of them."""
    tasks = document.tasks
    units = unit_counts(tasks)
    leads = sorted((u for u in units if u.lead), key=lambda u: -u.lead)
    blocks = [
        _Block(
            "按类别统计",
            ["类别", "事项数"],
            [(c.name or UNCATEGORISED_LABEL, [c.count]) for c in category_counts(tasks)],
            chart="各类别事项数",
            bar_direction="bar",
        ),
        _Block(
            "按截止月份统计",
            ["截止月份", "事项数"],
            [(_month_label(m.label), [m.count]) for m in month_counts(tasks)],
            chart="各月到期事项数",
        ),
        _Block("按牵头单位统计", ["牵头单位", "牵头事项数"], [(u.name, [u.lead]) for u in leads]),
        _Block(
            "按责任单位统计（含牵头与配合）",
            ["责任单位", "牵头", "配合", "合计"],
            [(u.name, [u.lead, u.supporting, u.total]) for u in units],
            total=False,
        ),
    ]
    put(ws, 1, 1, f"{document.title}　统计").font = _TITLE_FONT
    put(ws, 2, 1, document.subtitle or f"共 {len(tasks)} 项").font = SUBTITLE_FONT

    row = 4
    anchor = row
    for block in blocks:
        first = _write_block(ws, row, block)
        last = first + len(block.rows) - 1
        row = last + (3 if block.total else 2)
        if block.chart and block.rows:
            chart = _bar_chart(ws, block, first, last)
            # Stacked in column F, so that no chart covers a table or another chart.
            ws.add_chart(chart, f"{_CHART_COLUMN}{anchor}")
            anchor += int(chart.height / 0.5) + 2  # a default row is about 0.5 cm tall

    labels = [label for block in blocks for label, _ in block.rows]
    ws.column_dimensions["A"].width = min(max([12, *map(text_width, labels)]) + 2, 30)
    for column in "BCD":
        ws.column_dimensions[column].width = 11
    set_page(ws, title_rows=None)


def _month_label(label: str) -> str:
    """“2015-03” as “2015年3月”; 常态化 and 无法确定 stay as they are."""
    year, dash, month = label.partition("-")
    return f"{year}年{int(month)}月" if dash and month.isdigit() else label


def _write_block(ws: Worksheet, row: int, block: _Block) -> int:
    """Write the block from `row` down; return the row of its first label."""
    put(ws, row, 1, block.title).font = _BLOCK_FONT
    for column, header in enumerate(block.headers, start=1):
        put(ws, row + 1, column, header, HEADER)
    first = row + 2
    for offset, (label, counts) in enumerate(block.rows):
        put(ws, first + offset, 1, label, TEXT)
        for column, count in enumerate(counts, start=2):
            put(ws, first + offset, column, count, NUMBER)
    if block.total:
        total = first + len(block.rows)
        put(ws, total, 1, "合计", TOTAL)
        for index in range(len(block.headers) - 1):
            count = sum(counts[index] for _, counts in block.rows)
            put(ws, total, index + 2, count, TOTAL)
    return first


def _bar_chart(ws: Worksheet, block: _Block, first: int, last: int) -> BarChart:
    """Counts in column B against the labels in column A, in table order."""
    chart = BarChart()
    chart.type = block.bar_direction
    chart.title = block.chart
    chart.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    labels = Reference(ws, min_col=1, min_row=first, max_row=last)
    # The labels are text; openpyxl's set_categories would declare a range of numbers.
    chart.series[0].cat = AxDataSource(strRef=StrRef(f=str(labels)))
    chart.varyColors = False
    chart.legend = None
    chart.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False
    )
    # openpyxl 3.1 marks axes deleted by default, and Excel then draws no labels at all.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if block.bar_direction == "bar":
        # Bar charts draw the first category at the bottom; reverse to read like the table.
        chart.x_axis.scaling.orientation = "maxMin"
    chart.width = 16
    chart.height = max(7.5, 0.7 * (last - first + 1) + 2.5)
    return chart
