"""Word bulletin: the report as a 督查通报 in GB/T 9704-2012 layout.

Portrait body (version head, title, 一、二、三 sections with their tables), then each
list as an attachment on landscape pages. The page furniture (fonts by script,
"— N —" page numbers, fast table rows) is minsheng_cli.word's, as in the Word export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from typing import IO

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from minsheng_cli.ledger.records import LIGHT_LABELS
from minsheng_cli.report.model import ListedTask, ReportFigures, ShareRow, TargetRow
from minsheng_cli.report.wording import TARGETS_TITLE, chinese_date, quantity, targets_summary
from minsheng_cli.word import (
    FANGSONG,
    FOOTER_STYLE,
    HEITI,
    KAITI,
    LANDSCAPE_FOOTER_MM,
    LANDSCAPE_MARGINS_MM,
    LINE_PITCH,
    TABLE_STYLES,
    TITLE_FACE,
    ParagraphStyle,
    add_page_numbers,
    cell,
    clean,
    finish,
    insert_table,
    row,
    set_up_styles,
    style_id,
)

UNCATEGORISED = "（未标注类别）"
NONE_LINE = "（无）"
BODY_PT = 16  # 3号
# Portrait A4 with the standard's margins: a 156 x 225 mm type area.
PORTRAIT_MARGINS_MM = {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}
PORTRAIT_WIDTH_MM = 210 - 28 - 26
LANDSCAPE_WIDTH_MM = (
    297 - LANDSCAPE_MARGINS_MM["left_margin"] - LANDSCAPE_MARGINS_MM["right_margin"]
)
# The page number's dash 7 mm below the type area, as on the landscape pages: 35 - 7 - 5.
PORTRAIT_FOOTER = Mm(23)
CHART_WIDTH = Mm(150)

# The issuer line: issuer one character in at the left, the date one character in at the
# right (a right tab at the type area's edge); the red separator is its bottom border.
_ISSUER_LINE = (
    '<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="6" w:color="FF0000"/></w:pBdr>'
    f'<w:tabs><w:tab w:val="right" w:pos="{Mm(PORTRAIT_WIDTH_MM).twips}"/></w:tabs>'
)
# A fixed pitch keeps lines even whatever face a reader substitutes.
_Style = ParagraphStyle
_STYLES = [
    _Style("Version Head", TITLE_FACE, 54, "center", pitch=None, colour="FF0000"),
    _Style("Issue Number", FANGSONG, 16, "center"),
    _Style("Issuer Line", FANGSONG, 16, "left", before=12, extra=_ISSUER_LINE),
    _Style("Report Title", TITLE_FACE, 22, "center", pitch=36, before=2 * LINE_PITCH),
    _Style("Report Subtitle", KAITI, 16, "center"),
    _Style("Report Body", FANGSONG, 16, "both", indent=2),
    _Style("Report Heading", HEITI, 16, "both", indent=2, before=12, keep_next=True),
    _Style("Report Note", FANGSONG, 14, "both", indent=2, pitch=24, before=6, after=6),
    _Style("Report Picture", FANGSONG, 16, "center", pitch=None, before=12),
    _Style("Report Caption", FANGSONG, 14, "center", pitch=24, after=6),
    _Style("Attachment Label", HEITI, 16, "left"),
    _Style("Attachment Title", TITLE_FACE, 22, "center", pitch=36),
    _Style("Attachment Subtitle", KAITI, 16, "center", after=12),
    *TABLE_STYLES,
    _Style("Table Gap", FANGSONG, 6, "left", pitch=6),
    FOOTER_STYLE,
]

# The headline as label/value pairs, two pairs a row: ten columns in one row would
# break every label in 156 mm.
HEADLINE_PAIR_MM = (48, 30)
CATEGORY_HEADERS = [
    ("类别", 40), ("事项数", 19), ("已完成", 19), ("落后", 19), ("逾期", 19), ("未报送", 19),
    ("平均进度（%）", 21),
]  # fmt: skip
UNIT_HEADERS = [
    ("名次", 12), ("单位", 50), ("牵头", 12), ("已完成", 16), ("落后", 12), ("逾期", 12),
    ("未报送", 16), ("牵头差距（百分点）", 26),
]  # fmt: skip
# Landscape, 225 mm: 工作内容 and 存在问题 take what the short columns leave.
TASK_HEADERS = [
    ("序号", 12), ("工作内容", 72), ("牵头单位", 30), ("截止日期", 29), ("进度（%）", 16),
    ("序时进度（%）", 21), ("灯", 13), ("存在问题", 32),
]  # fmt: skip
SHARE_HEADERS = [
    ("单位", 50), ("事项数", 20), ("按期完成", 22), ("逾期完成", 22), ("未完成", 20),
    ("按期完成占比（%）", 31), ("逾期完成占比（%）", 30), ("未完成占比（%）", 30),
]  # fmt: skip
TARGET_HEADERS = [
    ("编号", 14), ("指标", 83), ("目标", 30), ("牵头单位", 30), ("完成值", 28),
    ("完成率（%）", 22), ("灯", 18),
]  # fmt: skip
SILENT_COLUMNS = 3  # (序号, 单位) pairs side by side
SILENT_PAIR_MM = (15, 60)
_WRAPPING = {"工作内容", "存在问题", "指标"}  # justified rather than centred
_HEADINGS = "一二三四五"

Rows = list[list[str]]
Headers = Sequence[tuple[str, float]]


def write_docx(figures: ReportFigures, stream: IO[bytes], *, chart: bytes | None = None) -> None:
    """Write `figures` as a 督查通报; `chart` is a PNG put under the headline table."""
    word = Document()
    set_up_styles(word, _STYLES, body_pt=BODY_PT)
    _set_up_first_section(word)
    _version_head(word, figures)
    _body(word, figures, chart)
    attachments = _attachments(figures)
    _attachment_list(word, [title for title, _, _ in attachments])
    for number, (title, subtitle, fill) in enumerate(attachments, start=1):
        _new_landscape_section(word)
        _add(word, "Attachment Label", f"附件{number}")
        _add(word, "Attachment Title", title)
        _add(word, "Attachment Subtitle", subtitle)
        fill(word)
    finish(word, title=figures.scope.title, author=figures.scope.issuer)
    word.save(stream)


def _add(word: WordDocument, style: str, text: str = "") -> Paragraph:
    """A paragraph of `style` at the end of the document (by id: lookups by name are slow)."""
    paragraph = word.add_paragraph(clean(text))
    paragraph._p.style = style_id(style)
    return paragraph


def _set_up_first_section(word: WordDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, mm in PORTRAIT_MARGINS_MM.items():
        setattr(section, side, Mm(mm))
    section.footer_distance = PORTRAIT_FOOTER
    add_page_numbers(word, section)


def _new_landscape_section(word: WordDocument) -> None:
    section = word.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side, mm in LANDSCAPE_MARGINS_MM.items():
        setattr(section, side, Mm(mm))
    section.footer_distance = Mm(LANDSCAPE_FOOTER_MM)


def _version_head(word: WordDocument, figures: ReportFigures) -> None:
    scope = figures.scope
    _add(word, "Version Head", "督查通报")
    if scope.number is not None:
        _add(word, "Issue Number", f"第{scope.number}期")
    _add(word, "Issuer Line", f"\u3000{scope.issuer}\t{chinese_date(figures.as_of)}\u3000")


def _body(word: WordDocument, figures: ReportFigures, chart: bytes | None) -> None:
    scope = figures.scope
    last = _add(word, "Report Title", scope.title)
    if scope.filters:
        last = _add(word, "Report Subtitle", f"（范围：{'；'.join(scope.filters)}）")
    last.paragraph_format.space_after = Pt(LINE_PITCH)

    _heading(word, 0, "总体进展")
    for sentence in figures.summary:
        _add(word, "Report Body", sentence)
    _add(word, "Table Gap")
    _headline_table(word, figures)
    if chart is not None:
        picture = _add(word, "Report Picture")
        picture.add_run().add_picture(BytesIO(chart), width=CHART_WIDTH)
        caption = f"图1　各类别事项亮灯情况（截至{chinese_date(figures.as_of)}，单位：项）"
        _add(word, "Report Caption", caption)

    _heading(word, 1, "分类别进展")
    _table(
        word,
        CATEGORY_HEADERS,
        [
            [
                row.category or UNCATEGORISED,
                *map(str, (row.tasks, row.done, row.behind, row.overdue, row.unreported)),
                _percent(row.mean_percent),
            ]
            for row in figures.by_category
        ],
    )

    _heading(word, 2, "牵头单位排名")
    _table(
        word,
        UNIT_HEADERS,
        [
            [
                "—" if row.rank is None else str(row.rank),
                row.unit,
                *map(str, (row.led, row.done, row.behind, row.overdue, row.unreported)),
                _gap(row.lead_gap),
            ]
            for row in figures.by_unit
        ],
    )
    _add(word, "Report Note", figures.ranking_rule)

    _heading(word, 3, "自上期以来的变化")
    changes = figures.changes
    _add(word, "Report Body", f"与上期（{chinese_date(figures.since)}）相比：")
    for what, numbers in (
        ("新完成的事项", changes.completed),
        ("亮灯变差的事项", changes.worse),
        ("亮灯好转的事项", changes.better),
    ):
        listed = (
            "、".join(f"第{n}项" for n in numbers) + f"，共{len(numbers)}项" if numbers else "无"
        )
        _add(word, "Report Body", f"{what}：{listed}。")

    if figures.targets:
        _heading(word, 4, TARGETS_TITLE)
        h = figures.headline
        _add(word, "Report Body", targets_summary(h.targets, h.targets_reported, h.targets_met))
        said = [row.sentence for row in figures.targets if row.sentence]
        if said:
            _add(word, "Report Body", "；".join(said) + "。")


def _heading(word: WordDocument, index: int, text: str) -> None:
    _add(word, "Report Heading", f"{_HEADINGS[index]}、{text}")


def _attachment_list(word: WordDocument, titles: list[str]) -> None:
    """附件：1. … under the text; later names line up with the first one's number."""
    for number, title in enumerate(titles, start=1):
        text = f"{number}. {title}"
        paragraph = _add(word, "Report Body", f"附件：{text}" if number == 1 else text)
        if number == 1:
            paragraph.paragraph_format.space_before = Pt(LINE_PITCH)
        else:  # 2 characters of indent and 3 of 附件：
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.left_indent = Pt(BODY_PT * 5)


Fill = Callable[[WordDocument], None]


def _attachments(figures: ReportFigures) -> list[tuple[str, str, Fill]]:
    """(title, subtitle, what fills the page) for each attachment, in order."""
    as_of = chinese_date(figures.as_of)
    since = chinese_date(figures.since)
    days = figures.scope.due_within_days
    found: list[tuple[str, str, Fill]] = [
        (
            "逾期和亮红灯事项",
            f"（截至{as_of}）",
            lambda word: _task_table(word, figures.overdue_or_red),
        ),
        (
            f"{days}天内到期未完成事项",
            f"（{as_of}后{days}天内到期）",
            lambda word: _task_table(word, figures.due_soon),
        ),
        (
            "未报送单位",
            f"（有事项但{since}后至{as_of}没有填报的单位）",
            lambda word: _silent_table(word, figures.silent_units),
        ),
    ]
    if figures.targets:
        found.append(
            (
                TARGETS_TITLE,
                f"（截至{as_of}，完成率为完成值占目标的比例）",
                lambda word: _target_table(word, figures.targets),
            )
        )
    year_end = figures.year_end
    if year_end is not None:
        found += [
            (
                "年终绩效（牵头）",
                "（各单位牵头的事项）",
                lambda word: _share_table(word, year_end.lead),
            ),
            (
                "年终绩效（配合）",
                "（各单位配合的事项，以事项本身是否完成计）",
                lambda word: _share_table(word, year_end.support),
            ),
        ]
    return found


def _task_table(word: WordDocument, tasks: Sequence[ListedTask]) -> None:
    _table(
        word,
        TASK_HEADERS,
        [
            [
                str(task.number),
                task.content,
                task.lead_unit or "",
                task.deadline,
                _percent(task.percent),
                _percent(task.expected_percent),
                LIGHT_LABELS[task.light],
                task.problems or "",
            ]
            for task in tasks
        ],
    )


def _target_table(word: WordDocument, targets: Sequence[TargetRow]) -> None:
    _table(
        word,
        TARGET_HEADERS,
        [
            [
                row.id,
                row.text,
                row.as_written,
                row.lead_unit or "",
                "" if row.actual is None else quantity(row.actual, row.unit),
                "" if row.ratio is None else f"{row.ratio * 100:.1f}",
                LIGHT_LABELS[row.light] if row.light else "",
            ]
            for row in targets
        ],
    )


def _silent_table(word: WordDocument, units: Sequence[str]) -> None:
    """序号/单位 pairs in columns that read downwards, so that a short list stays short."""
    depth = -(-len(units) // SILENT_COLUMNS)
    rows: Rows = []
    for line in range(depth):
        row: list[str] = []
        for column in range(SILENT_COLUMNS):
            index = column * depth + line
            row += [str(index + 1), units[index]] if index < len(units) else ["", ""]
        rows.append(row)
    number, unit = SILENT_PAIR_MM
    _table(word, [("序号", number), ("单位", unit)] * SILENT_COLUMNS, rows, empty=not units)


def _share_table(word: WordDocument, shares: Sequence[ShareRow]) -> None:
    _table(
        word,
        SHARE_HEADERS,
        [
            [
                row.unit,
                *map(str, (row.tasks, row.on_time, row.late, row.not_done)),
                *map(_percent, (row.on_time_share, row.late_share, row.not_done_share)),
            ]
            for row in shares
        ],
    )


def _headline_table(word: WordDocument, figures: ReportFigures) -> None:
    h = figures.headline
    pairs = [
        ("事项数", str(h.tasks)), ("已完成", str(h.done)), ("绿灯", str(h.green)),
        ("黄灯", str(h.yellow)), ("红灯", str(h.red)), ("逾期", str(h.overdue)),
        ("无时限", str(h.none)), ("未报送", str(h.unreported)),
        ("平均进度（%）", _percent(h.mean_percent)),
        ("平均序时进度（%）", _percent(h.mean_expected)),
    ]  # fmt: skip
    label, value = (str(Mm(mm).twips) for mm in HEADLINE_PAIR_MM)
    ids = _table_styles(word)
    cells = [
        cell(label, [name], ids["Table Header"], shade=True)
        + cell(value, [text], ids["Table Cell"])
        for name, text in pairs
    ]
    rows = [row(cells[index : index + 2]) for index in range(0, len(cells), 2)]
    insert_table(word, [label, value] * 2, "".join(rows))


def _table(word: WordDocument, headers: Headers, rows: Rows, *, empty: bool = False) -> None:
    """A table across the type area with a repeating header; "（无）" instead when empty."""
    if empty or not rows:
        _add(word, "Report Body", NONE_LINE)
        return
    ids = _table_styles(word)
    twips = [str(Mm(mm).twips) for _, mm in headers]
    header = [
        cell(width, _header_lines(name), ids["Table Header"], shade=True)
        for width, (name, _) in zip(twips, headers, strict=True)
    ]
    styles = [ids["Table Content" if name in _WRAPPING else "Table Cell"] for name, _ in headers]
    body = [
        row(
            [
                cell(width, [text], style)
                for width, style, text in zip(twips, styles, values, strict=True)
            ]
        )
        for values in rows
    ]
    insert_table(word, twips, row(header, header=True) + "".join(body))


def _table_styles(word: WordDocument) -> dict[str, str]:
    names = ("Table Header", "Table Cell", "Table Content")
    return {name: style_id(name) for name in names}


def _header_lines(name: str) -> list[str]:
    """平均进度 over （%）: a header breaks before its bracket, not inside a word."""
    head, bracket, rest = name.partition("（")
    return [head, bracket + rest] if head and bracket else [name]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _gap(value: float | None) -> str:
    """Percentage points with their sign: +45.5, -4.4."""
    if value is None:
        return "—"
    return f"{value:+.1f}" if value else "0.0"
