"""The report as a workbook: one sheet per section, real numbers, native charts.

Every sheet is frozen below its table's header, filterable, and prints on A4
landscape one page wide with the header repeated. Text longer than a cell holds
is clipped with a visible “…（已截断）”: a report is read, not read back, and the
same figures are in the json and docx reports whole.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli.export._xlsx_cells import (
    CENTRED,
    DATE,
    FONT_NAME,
    HEADER,
    MAX_CELL_CHARS,
    NUMBER,
    TEXT,
    TOTAL,
    add_styles,
    cell_text,
    line_count,
    put,
    row_height,
    set_page,
    set_style,
    text_width,
    too_long,
    write_title,
)
from minsheng_cli.ledger.records import LIGHT_LABELS, Light
from minsheng_cli.report import palette
from minsheng_cli.report.model import ListedTask, ReportFigures, ShareRow
from minsheng_cli.report.wording import TARGETS_TITLE, chinese_date, targets_summary

Value = str | int | float | dt.date | Light | None

UNCATEGORISED = "（未标注类别）"
CLIPPED = "…（已截断）"

PERCENT = "民生-报告-一位小数"
LABEL = "民生-报告-标签"
_LIGHT_STYLE = {light: f"民生-报告-{label}" for light, label in LIGHT_LABELS.items()}

# The chart's series and the 灯 cells' ground, light by light: strong for bars, pale for cells.
_LIGHTS: list[tuple[Light, str, str]] = [
    (light, palette.STRONG[light], palette.PALE[light]) for light in palette.SEGMENTS
]
_AHEAD = palette.STRONG[Light.DONE]
_BEHIND = palette.STRONG[Light.RED]

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOP = Alignment(vertical="top", wrap_text=True)
_SECTION_FONT = Font(name=FONT_NAME, size=12, bold=True)
_NOTE_FONT = Font(name=FONT_NAME, size=11, bold=True, color="C00000")
_TITLE_ROW = 1
_HEADER_ROW = 2
# 总览: title, the note (or a spacer), then the headline table.
_OVERVIEW_HEADER_ROW = 3
_OVERVIEW_WIDTHS = [24.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0]
_CM_PER_PT = 2.54 / 72


@dataclass(frozen=True)
class _Column:
    header: str
    narrowest: float
    widest: float
    style: str = NUMBER
    """For ints and text; floats are always PERCENT, lights their own colour."""


_HEADLINE: list[tuple[str, str]] = [
    ("事项数", "tasks"),
    ("已完成", "done"),
    ("绿灯", "green"),
    ("黄灯", "yellow"),
    ("红灯", "red"),
    ("逾期", "overdue"),
    ("无时限", "none"),
    ("未报送", "unreported"),
    ("已启动", "started"),
    ("落后（黄灯加红灯）", "behind"),
    ("完成率（%）", "done_rate"),
    ("平均完成进度（%）", "mean_percent"),
    ("平均序时进度（%）", "mean_expected"),
]
"""The 总览 table: 指标 and the Headline field that holds its 数值."""

_CATEGORY_COLUMNS = [
    _Column("类别", 10, 18, TEXT),
    _Column("事项数", 7, 8),
    *(_Column(LIGHT_LABELS[light], 7, 8) for light, _, _ in _LIGHTS),
    _Column("落后", 6, 8),
    _Column("未报送", 7, 8),
    _Column("平均进度（%）", 9, 10),
]
_UNIT_COLUMNS = [
    _Column("名次", 6, 6, CENTRED),
    _Column("单位", 14, 24, TEXT),
    _Column("牵头事项", 7, 8),
    _Column("已完成", 7, 8),
    _Column("落后", 6, 8),
    _Column("逾期", 6, 8),
    _Column("未报送", 7, 8),
    _Column("平均进度（%）", 9, 10),
    _Column("平均序时进度（%）", 11, 11),
    _Column("牵头差距（百分点）", 10, 10),
]
_TASK_COLUMNS = [
    _Column("序号", 6, 6, CENTRED),
    _Column("类别", 8, 14, CENTRED),
    _Column("工作内容", 24, 50, TEXT),
    _Column("牵头单位", 10, 16, TEXT),
    _Column("截止日期", 12, 12, DATE),
    _Column("进度（%）", 8, 8),
    _Column("序时进度（%）", 9, 9),
    _Column("灯", 8, 8, CENTRED),
    _Column("存在问题", 16, 36, TEXT),
]
_TARGET_COLUMNS = [
    _Column("编号", 6, 6, CENTRED),
    _Column("指标", 20, 40, TEXT),
    _Column("目标", 10, 16, TEXT),
    _Column("目标值", 10, 14),
    _Column("单位", 6, 8, CENTRED),
    _Column("牵头单位", 10, 16, TEXT),
    _Column("完成值", 10, 14),
    _Column("完成率（%）", 9, 10),
    _Column("灯", 8, 8, CENTRED),
]
_SHARE_COLUMNS = [
    _Column("单位", 14, 28, TEXT),
    _Column("事项数", 7, 8),
    _Column("按期完成", 9, 9),
    _Column("逾期完成", 9, 9),
    _Column("未完成", 7, 8),
    _Column("按期完成率（%）", 10, 10),
    _Column("逾期完成率（%）", 10, 10),
    _Column("未完成率（%）", 10, 10),
]


def write_xlsx(figures: ReportFigures, stream: IO[bytes]) -> None:
    """Write `figures` as a workbook: 总览, 分类别, 牵头单位排名, the lists, 变化, and 年终."""
    workbook = Workbook()
    workbook.properties.title = fit(figures.scope.title)
    workbook.properties.creator = "minsheng"
    add_styles(workbook)
    _add_report_styles(workbook)
    _write_overview(workbook.worksheets[0], figures)
    _write_categories(workbook.create_sheet("分类别"), figures)
    _write_units(workbook.create_sheet("牵头单位排名"), figures)
    as_of = chinese_date(figures.as_of)
    lists = [
        ("逾期和红灯", f"逾期和亮红灯的事项（截至{as_of}）", figures.overdue_or_red),
        ("即将到期", f"{figures.scope.due_within_days}天内到期的未完成事项", figures.due_soon),
    ]
    for name, title, tasks in lists:
        _write_tasks(workbook.create_sheet(name), title, tasks)
    _write_silent(workbook.create_sheet("未报送单位"), figures)
    _write_changes(workbook.create_sheet("变化"), figures)
    if figures.targets:
        _write_targets(workbook.create_sheet("量化指标"), figures)
    if figures.year_end is not None:
        for name, title, shares in [
            ("年终-牵头", "年终绩效：各单位牵头事项完成情况", figures.year_end.lead),
            ("年终-配合", "年终绩效：各单位配合事项完成情况", figures.year_end.support),
        ]:
            _titled_table(workbook.create_sheet(name), title, _SHARE_COLUMNS, _shares(shares))
    workbook.save(stream)


def fit(text: str) -> str:
    """`text` as a cell holds it: no controls, and clipped with CLIPPED if over Excel's limit."""
    text = cell_text(text)
    if not too_long(text):
        return text
    room = (MAX_CELL_CHARS - len(CLIPPED)) * 2  # UTF-16 bytes, as Excel counts
    # A surrogate pair cut in half is dropped rather than left broken.
    return text.encode("utf-16-le")[:room].decode("utf-16-le", errors="ignore") + CLIPPED


def _add_report_styles(workbook: Workbook) -> None:
    right = Alignment(horizontal="right", vertical="top")
    font = Font(name=FONT_NAME, size=11)
    percent = NamedStyle(PERCENT, font=font, border=_BORDER, alignment=right)
    percent.number_format = "0.0"
    workbook.add_named_style(percent)
    bold = Font(name=FONT_NAME, size=11, bold=True)
    workbook.add_named_style(NamedStyle(LABEL, font=bold, border=_BORDER, alignment=_TOP))
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    for light, _, pale in _LIGHTS:
        fill = PatternFill(fill_type="solid", start_color=pale, end_color=pale)
        style = NamedStyle(_LIGHT_STYLE[light], font=font, fill=fill, border=_BORDER)
        style.alignment = centre
        workbook.add_named_style(style)


def _write_cell(ws: Worksheet, row: int, column: int, value: Value, style: str) -> int:
    """Write one value; return how many lines it takes in its column."""
    if isinstance(value, Light):
        put(ws, row, column, LIGHT_LABELS[value], _LIGHT_STYLE[value])
    elif isinstance(value, str):
        text = fit(value)
        put(ws, row, column, text, style)
        width = ws.column_dimensions[get_column_letter(column)].width
        return line_count(text, width)
    else:
        cell = ws.cell(row=row, column=column, value=value)
        set_style(cell, ws, PERCENT if isinstance(value, float) else style)
    return 1


def _measure(value: Value) -> int:
    if isinstance(value, Light):
        return text_width(LIGHT_LABELS[value])
    if isinstance(value, str):
        return text_width(value)
    if isinstance(value, float):
        return len(f"{value:.1f}")
    return 10 if isinstance(value, dt.date) else len(str(value or ""))


def _table(
    ws: Worksheet,
    row: int,
    columns: Sequence[_Column],
    rows: list[list[Value]],
    *,
    least: float = 0.0,
) -> int:
    """Header at `row`, then `rows`; frozen, filtered and printed by it. Returns the last row.

    The last column widens until the table is `least` units wide.
    """
    widest = [text_width(c.header) for c in columns]
    for values in rows:
        for index, value in enumerate(values):
            widest[index] = max(widest[index], _measure(value))
    widths = [
        min(max(measured + 2, column.narrowest), column.widest)
        for column, measured in zip(columns, widest, strict=True)
    ]
    widths[-1] += max(0.0, least - sum(widths))
    lines = 1
    for index, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        header = column.header
        if text_width(header) + 2 > width:
            # Break before the unit: Excel and LibreOffice would each break elsewhere.
            header = header.replace("（", "\n（", 1)
        put(ws, row, index, header, HEADER)
        lines = max(lines, line_count(header, width))
    ws.row_dimensions[row].height = row_height(lines)
    for number, values in enumerate(rows, start=row + 1):
        lines = 1
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            lines = max(lines, _write_cell(ws, number, index, value, column.style))
        # Neither Excel nor LibreOffice sizes rows to wrapped text when opening the file.
        ws.row_dimensions[number].height = row_height(lines)
    last = row + len(rows)
    ws.auto_filter.ref = f"A{row}:{get_column_letter(len(columns))}{last}"
    ws.freeze_panes = f"A{row + 1}"
    set_page(ws, title_rows=f"{row}:{row}")
    return last


def _titled_table(
    ws: Worksheet, title: str, columns: Sequence[_Column], rows: list[list[Value]]
) -> int:
    """A table under a title line, widened so that each line of the title fits."""
    title = fit(title)
    # 16pt text takes about 1.5 times the units of the 11pt the sizes count in.
    least = max(text_width(line) * 1.5 + 2 for line in title.split("\n"))
    last = _table(ws, _HEADER_ROW, columns, rows, least=min(least, 140.0))
    write_title(ws, _TITLE_ROW, len(columns), title, main=True)
    width = sum(
        ws.column_dimensions[get_column_letter(i)].width for i in range(1, len(columns) + 1)
    )
    lines = line_count(title, width / 1.5)
    ws.row_dimensions[_TITLE_ROW].height = max(30.0, 22.0 * lines + 8)
    return last


def _merged(ws: Worksheet, row: int, first: int, last: int, text: str, style: str) -> None:
    """Text across columns `first`..`last`, its row tall enough for the wrapped lines."""
    text = fit(text)
    put(ws, row, first, text, style)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    width = sum(_OVERVIEW_WIDTHS[first - 1 : last])
    ws.row_dimensions[row].height = row_height(line_count(text, width))


def _write_overview(ws: Worksheet, figures: ReportFigures) -> None:
    """The headline table first, so that freezing below its header leaves the sheet scrollable."""
    ws.title = "总览"
    scope = figures.scope
    span = len(_OVERVIEW_WIDTHS)
    headline = [[label, getattr(figures.headline, field)] for label, field in _HEADLINE]
    last = _table(
        ws,
        _OVERVIEW_HEADER_ROW,
        [_Column("指标", 20, 24, LABEL), _Column("数值", 14, 14)],
        headline,
    )
    for index, width in enumerate(_OVERVIEW_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    write_title(ws, _TITLE_ROW, span, fit(scope.title), main=True)
    if figures.note:
        _merged(ws, 2, 1, span, figures.note, TEXT)
        note = ws.cell(row=2, column=1)
        note.font = _NOTE_FONT
        note.border = Border()

    basis = scope.document_number or ""
    if scope.notice_title:
        basis += f"《{scope.notice_title}》"
    facts: list[tuple[str, Value, str]] = [
        ("发文单位", scope.issuer, TEXT),
        ("依据", basis or None, TEXT),
        ("周期", scope.period_label, TEXT),
        ("期号", None if scope.number is None else f"第{scope.number}期", TEXT),
        ("截至日期", figures.as_of, DATE),
        ("上期日期", figures.since, DATE),
        ("范围/筛选", "；".join(scope.filters) or "全部事项", TEXT),
        ("序时进度起始日", scope.start, DATE),
        ("黄灯阈值（落后百分点）", scope.yellow, PERCENT),
        ("红灯阈值（落后百分点）", scope.red, PERCENT),
        ("即将到期所看天数", scope.due_within_days, NUMBER),
    ]
    row = last + 2
    put(ws, row, 1, "概述").font = _SECTION_FONT
    for sentence in figures.summary:
        if sentence != figures.note:  # said once already, in red under the title
            row += 1
            _merged(ws, row, 1, span, sentence, TEXT)

    row += 2
    put(ws, row, 1, "报告范围").font = _SECTION_FONT
    for label, value, style in facts:
        row += 1
        put(ws, row, 1, label, LABEL)
        if isinstance(value, str):
            _merged(ws, row, 2, span, value, TEXT)
        else:
            _write_cell(ws, row, 2, value, style)
            ws.row_dimensions[row].height = row_height(1)
    # One page: its repeated header would head a second page of prose and no table.
    ws.page_setup.fitToHeight = 1


def _write_categories(ws: Worksheet, figures: ReportFigures) -> None:
    rows: list[list[Value]] = [
        [
            row.category or UNCATEGORISED,
            row.tasks,
            row.done,
            row.green,
            row.yellow,
            row.red,
            row.overdue,
            row.none,
            row.behind,
            row.unreported,
            row.mean_percent,
        ]
        for row in figures.by_category
    ]
    title = f"各类别事项推进情况（截至{chinese_date(figures.as_of)}）"
    last = _titled_table(ws, title, _CATEGORY_COLUMNS, rows)
    h = figures.headline
    total: list[Value] = ["合计", h.tasks, h.done, h.green, h.yellow, h.red, h.overdue, h.none]
    total += [h.behind, h.unreported, h.mean_percent]
    # Below the filter range, so that sorting the table leaves 合计 at the bottom.
    for column, value in enumerate(total, start=1):
        cell = ws.cell(row=last + 1, column=column, value=value)
        cell.style = TOTAL
        if isinstance(value, float):
            cell.number_format = "0.0"
    ws.row_dimensions[last + 1].height = row_height(1)
    if rows:
        _beside(ws, _lights_chart(ws, last), len(_CATEGORY_COLUMNS))


def _lights_chart(ws: Worksheet, last: int) -> BarChart:
    """Lights by category, stacked, in table order from the top."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 50
    chart.title = "各类别事项亮灯情况"
    labels = Reference(ws, min_col=1, min_row=_HEADER_ROW + 1, max_row=last)
    for offset, (_, strong, _) in enumerate(_LIGHTS):
        column = 3 + offset  # 已完成 … 无时限 follow 类别 and 事项数
        chart.add_data(
            Reference(ws, min_col=column, min_row=_HEADER_ROW, max_row=last), titles_from_data=True
        )
        series = chart.series[-1]
        # The labels are text; openpyxl's set_categories would declare a range of numbers.
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
        series.graphicalProperties.solidFill = strong
        series.graphicalProperties.line.solidFill = strong
    _show_axes(chart)
    if chart.legend is not None:
        chart.legend.position = "b"
    chart.y_axis.title = "事项数"
    chart.width = 16
    chart.height = max(8.0, 0.8 * (last - _HEADER_ROW) + 3.5)
    return chart


def _beside(ws: Worksheet, chart: BarChart, columns: int) -> None:
    """Right of a table of `columns` columns and a narrow spacer, level with its first row.

    Beside rather than below: a chart below a long table breaks across printed
    pages, under the repeated header. Not level with the header, which LibreOffice
    repeats on every page with whatever lies in that row.
    """
    ws.column_dimensions[get_column_letter(columns + 1)].width = 2
    ws.add_chart(chart, f"{get_column_letter(columns + 2)}{_HEADER_ROW + 1}")


def _small_text() -> RichText:
    size = CharacterProperties(sz=800)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])


def _show_axes(chart: BarChart) -> None:
    # openpyxl 3.1 marks axes deleted by default, and Excel then draws no labels at all.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    # Bar charts draw the first category at the bottom; reverse to read like the table.
    chart.x_axis.scaling.orientation = "maxMin"
    # Labels at the low end stay clear of the bars, negative ones included.
    chart.x_axis.tickLblPos = "low"


def _write_units(ws: Worksheet, figures: ReportFigures) -> None:
    rows: list[list[Value]] = [
        [
            row.rank,
            row.unit,
            row.led,
            row.done,
            row.behind,
            row.overdue,
            row.unreported,
            row.mean_percent,
            row.mean_expected,
            row.lead_gap,
        ]
        for row in figures.by_unit
    ]
    title = f"牵头单位推进情况排名（截至{chinese_date(figures.as_of)}）"
    last = _titled_table(ws, title, _UNIT_COLUMNS, rows)
    rule = last + 2
    put(ws, rule, 1, fit(figures.ranking_rule), TEXT).border = Border()
    ws.merge_cells(start_row=rule, start_column=1, end_row=rule, end_column=len(_UNIT_COLUMNS))
    columns = range(1, len(_UNIT_COLUMNS) + 1)
    width = sum(ws.column_dimensions[get_column_letter(i)].width for i in columns)
    ws.row_dimensions[rule].height = row_height(line_count(figures.ranking_rule, width))
    # Ranked units come first, in rank order; the chart leaves out those with no gap.
    gaps: list[float] = []
    for row in figures.by_unit:
        if row.lead_gap is None:
            break
        gaps.append(row.lead_gap)
    if gaps:
        rows_pt = sum(ws.row_dimensions[r].height or 15.0 for r in range(_HEADER_ROW + 1, last + 1))
        chart = _ranking_chart(ws, gaps)
        # No taller than the table beside it, which the page breaks are made for.
        chart.height = max(8.0, min(chart.height, rows_pt * _CM_PER_PT - 0.5))
        _beside(ws, chart, len(_UNIT_COLUMNS))


def _ranking_chart(ws: Worksheet, gaps: Sequence[float]) -> BarChart:
    """lead_gap by unit, rank 1 at the top; units behind schedule in red."""
    first, last = _HEADER_ROW + 1, _HEADER_ROW + len(gaps)
    chart = BarChart()
    chart.type = "bar"
    chart.gapWidth = 40
    chart.title = "牵头差距（百分点），按名次"
    gap_column = len(_UNIT_COLUMNS)
    chart.add_data(Reference(ws, min_col=gap_column, min_row=first, max_row=last))
    series = chart.series[0]
    series.cat = AxDataSource(
        strRef=StrRef(f=str(Reference(ws, min_col=2, min_row=first, max_row=last)))
    )
    series.graphicalProperties.solidFill = _AHEAD
    series.graphicalProperties.line.solidFill = _AHEAD
    series.invertIfNegative = False
    for index, gap in enumerate(gaps):
        if gap < 0:
            point = DataPoint(idx=index, invertIfNegative=False)
            point.graphicalProperties.solidFill = _BEHIND
            point.graphicalProperties.line.solidFill = _BEHIND
            series.dPt.append(point)
    chart.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False
    )
    chart.legend = None
    _show_axes(chart)
    # Room beyond the longest bars for their labels, clear of the unit names.
    low, high = min([0.0, *gaps]), max([0.0, *gaps])
    pad = max(10.0, (high - low) * 0.15)
    step = 20 if high - low > 60 else 10
    chart.y_axis.majorUnit = step
    if low < 0:
        chart.y_axis.scaling.min = math.floor((low - pad) / step) * step
    if high > 0:
        chart.y_axis.scaling.max = math.ceil((high + pad) / step) * step
    # Every unit named: small type, and no label skipped to make room.
    chart.x_axis.tickLblSkip = 1
    chart.x_axis.txPr = _small_text()
    chart.width = 16
    chart.height = max(8.0, 0.55 * len(gaps) + 3.0)
    return chart


def _write_tasks(ws: Worksheet, title: str, tasks: Sequence[ListedTask]) -> None:
    rows: list[list[Value]] = [
        [
            task.number,
            task.category or UNCATEGORISED,
            task.content,
            task.lead_unit,
            task.deadline_date or task.deadline,
            task.percent,
            task.expected_percent,
            task.light,
            task.problems,
        ]
        for task in tasks
    ]
    _titled_table(ws, title, _TASK_COLUMNS, rows)


def _shares(shares: Sequence[ShareRow]) -> list[list[Value]]:
    return [
        [
            row.unit,
            row.tasks,
            row.on_time,
            row.late,
            row.not_done,
            row.on_time_share,
            row.late_share,
            row.not_done_share,
        ]
        for row in shares
    ]


def _write_targets(ws: Worksheet, figures: ReportFigures) -> None:
    h = figures.headline
    rows: list[list[Value]] = [
        [
            row.id,
            row.text,
            row.as_written,
            row.value,
            row.unit,
            row.lead_unit,
            row.actual,
            None if row.ratio is None else round(row.ratio * 100, 1),
            row.light,
        ]
        for row in figures.targets
    ]
    title = f"{TARGETS_TITLE}（截至{chinese_date(figures.as_of)}）\n"
    title += targets_summary(h.targets, h.targets_reported, h.targets_met)
    _titled_table(ws, title, _TARGET_COLUMNS, rows)


def _write_silent(ws: Worksheet, figures: ReportFigures) -> None:
    since, as_of = chinese_date(figures.since), chinese_date(figures.as_of)
    columns = [_Column("序号", 6, 6, CENTRED), _Column("单位", 30, 40, TEXT)]
    rows: list[list[Value]] = [[i, unit] for i, unit in enumerate(figures.silent_units, start=1)]
    _titled_table(ws, f"未报送进展的单位\n（{since}后至{as_of}）", columns, rows)


def _write_changes(ws: Worksheet, figures: ReportFigures) -> None:
    """One row per task number, so that the sheet filters by kind."""
    changes = figures.changes
    kinds = [("新完成", changes.completed), ("变差", changes.worse), ("变好", changes.better)]
    columns = [_Column("类型", 10, 10, CENTRED), _Column("事项序号", 10, 10, CENTRED)]
    rows: list[list[Value]] = [[kind, number] for kind, numbers in kinds for number in numbers]
    _titled_table(ws, f"{chinese_date(figures.since)}以来的变化", columns, rows)
