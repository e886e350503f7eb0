"""Word export: the allocation table as an official attachment (GB/T 9704-2012)."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from itertools import accumulate
from typing import IO, NamedTuple

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt

from minsheng_cli.export.document import ExportDocument
from minsheng_cli.models import UNCATEGORISED_LABEL, Deadline, Task
from minsheng_cli.word import (
    CELL_MARGIN_TWIPS,
    FOOTER_STYLE,
    HEITI,
    KAITI,
    LANDSCAPE_FOOTER_MM,
    LANDSCAPE_MARGINS_MM,
    LINE_PITCH,
    TABLE_LINE_PT,
    TABLE_PT,
    TABLE_STYLES,
    TITLE_FACE,
    ParagraphStyle,
    add_page_numbers,
    cell,
    clean,
    finish,
    insert_table,
    row,
    set_page_start,
    set_up_styles,
    style_id,
)

# Landscape A4 with the standard's type area turned on its side: 225 x 156 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(297), Mm(210)
MARGINS_MM = LANDSCAPE_MARGINS_MM
TYPE_WIDTH_MM = 297 - MARGINS_MM["left_margin"] - MARGINS_MM["right_margin"]
TYPE_HEIGHT_PT = (210 - MARGINS_MM["top_margin"] - MARGINS_MM["bottom_margin"]) / 25.4 * 72

ROLE_HEADER = "本单位职责"
# Widths in mm at 12 pt (4.23 mm a character) with 1 mm cell margins at the sides; 工作内容
# takes what is left, 29 characters a line and half a character to spare. 类别 fits two
# characters a line, so a merged category reads as a short vertical block as in the source;
# 完成时限 fits "（三年工程）" and 责任单位 "市住房公积金管理中心" on one line.
NARROW_COLUMNS_MM = {"序号": 12, "类别": 13, "完成时限": 28, "责任单位": 45, ROLE_HEADER: 17}
SIDE_TWIPS = 57
HEADERS = ["序号", "类别", "工作内容", "完成时限", "责任单位"]
# A role through a group goes on two lines, 牵头 over （各县（市）区）: room for the second.
ROLE_THROUGH_GROUP_MM = 40

# How far a reader's row heights may add up differently over a page, in pt.
TOLERANCE_PT = 2.0

TITLE_PITCH = 36.0
TITLE_BEFORE = 29.0  # the standard puts the title on line 3
HEADING_AFTER = 12.0
_STYLES = [
    ParagraphStyle("Attachment Label", HEITI, 16, "left"),
    ParagraphStyle("Attachment Title", TITLE_FACE, 22, "center", pitch=TITLE_PITCH),
    ParagraphStyle("Attachment Subtitle", KAITI, 16, "center"),
    *TABLE_STYLES,
    FOOTER_STYLE,
]
_IDS = {style.name: style_id(style.name) for style in _STYLES}


def write_docx(document: ExportDocument, stream: IO[bytes]) -> None:
    """Write `document` as a landscape A4 attachment with a repeating-header table.

    The category is written again on the first row of every page (as the notice
    itself does), so that each printed page says the category of each of its rows.
    """
    word = Document()
    set_up_styles(word, _STYLES, body_pt=16)
    _set_up_page(word, document.page_start)
    used = _add_heading(word, document)
    _add_table(word, document, first_page_room=TYPE_HEIGHT_PT - used)
    # The template signs every file "python-docx"; these go out under the issuer's name.
    finish(word, title=document.title, author=document.meta.issuer or "")
    word.save(stream)


def _set_up_page(word: WordDocument, page_start: int | None) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, mm in MARGINS_MM.items():
        setattr(section, side, Mm(mm))
    section.footer_distance = Mm(LANDSCAPE_FOOTER_MM)
    add_page_numbers(word, section)
    if page_start is not None:
        set_page_start(section, page_start)


def _add_heading(word: WordDocument, document: ExportDocument) -> float:
    """The label, title and subtitle above the table; returns the height they take (pt)."""
    label = "附件"
    if document.copy_of_attachment and document.meta.document_number:
        # GB/T 9704 §7.3.7: an attachment sent on its own carries the document number.
        label = f"{document.meta.document_number}附件"
    paragraphs = [(label, "Attachment Label", LINE_PITCH, 16.0)]
    paragraphs.append((document.title, "Attachment Title", TITLE_PITCH, 22.0))
    if document.subtitle:
        paragraphs.append((document.subtitle, "Attachment Subtitle", LINE_PITCH, 16.0))
    used = TITLE_BEFORE + HEADING_AFTER
    for text, name, pitch, size in paragraphs:
        paragraph = word.add_paragraph()
        paragraph._p.style = _IDS[name]
        paragraph.add_run(clean(text))
        used += pitch * _line_count(text, TYPE_WIDTH_MM * 72 / 25.4 / size)
        if name == "Attachment Title":
            paragraph.paragraph_format.space_before = Pt(TITLE_BEFORE)
    paragraph.paragraph_format.space_after = Pt(HEADING_AFTER)
    return used


def _add_table(word: WordDocument, document: ExportDocument, *, first_page_room: float) -> None:
    unit, tasks = document.unit, document.tasks
    roles = [document.role(task) or "" for task in tasks] if unit else []
    headers = [*HEADERS, ROLE_HEADER] if unit else HEADERS
    narrow = dict(NARROW_COLUMNS_MM)
    if any("（" in role for role in roles):
        narrow[ROLE_HEADER] = ROLE_THROUGH_GROUP_MM
    content_mm = TYPE_WIDTH_MM - sum(narrow.get(h, 0) for h in headers)
    widths_mm = [narrow.get(h, content_mm) for h in headers]
    twips = [str(Mm(mm).twips) for mm in widths_mm]
    # The lines of each cell but the category's.
    rows = [
        [[str(task.number)], [task.content], _deadline_lines(task.deadline), task.units]
        for task in tasks
    ]
    for cells, role in zip(rows, roles, strict=False):
        cells.append(_role_lines(role))
    other_widths = [widths_mm[0], *widths_mm[2:]]
    labels = [_category_label(task) for task in tasks]
    layouts = []
    # Word in 仿宋 and LibreOffice in a wider face may break pages apart: a row that could
    # begin a page in either gets the label.
    for em in LATIN_EMS:
        header_height = max(
            _cell_height([h], w, em) for h, w in zip(headers, widths_mm, strict=True)
        )
        layouts.append(
            Layout(
                heights=[_row_height(cells, other_widths, em) for cells in rows],
                label_heights=[_cell_height([label], widths_mm[1], em) for label in labels],
                first_page=first_page_room - header_height,
                page=TYPE_HEIGHT_PT - header_height,
            )
        )
    restarts = labelled_rows(layouts, labels)
    body, content = _IDS["Table Cell"], _IDS["Table Content"]
    header = [
        cell(width, [text], _IDS["Table Header"], shade=True)
        for width, text in zip(twips, headers, strict=True)
    ]
    xml = [row(header, header=True)]
    for index, (number, *others) in enumerate(rows):
        label = labels[index]
        first = index in restarts
        last = index + 1 == len(rows) or index + 1 in restarts
        merge = None if first and last else "restart" if first else "continue"
        row_cells = [
            cell(twips[0], number, body),
            cell(twips[1], [label] if first else [], body, merge=merge),
            *(
                cell(width, lines, content if column == 0 else body, bold=unit)
                for column, (width, lines) in enumerate(zip(twips[2:], others, strict=True))
            ),
        ]
        xml.append(row(row_cells))
    # Rows are written as XML text and parsed once: building them element by element is six
    # times slower, and python-docx's table.cell() rescans the whole table on every call.
    insert_table(word, twips, "".join(xml), side=SIDE_TWIPS)


def _category_label(task: Task) -> str:
    # The label the xlsx writes: a cell that says nothing reads as a slip.
    return task.category or UNCATEGORISED_LABEL


class Layout(NamedTuple):
    """How tall each row and each row's category label would be, and the room on a page (pt)."""

    heights: Sequence[float]
    label_heights: Sequence[float]
    first_page: float
    page: float


def labelled_rows(
    layouts: Sequence[Layout], labels: Sequence[str], *, tolerance: float = TOLERANCE_PT
) -> set[int]:
    """The rows whose category cell starts afresh and shows the label.

    These are the first row of each category and the first row of each page, as each
    layout breaks the pages with `tolerance` pt less or more room: where these differ,
    the label is shown on every row that could begin the page.
    """
    restarts = {i for i, label in enumerate(labels) if i == 0 or label != labels[i - 1]}
    while True:
        found = set(restarts)
        for layout in layouts:
            for slack in (-tolerance, 0.0, tolerance):
                found |= page_starts(layout, restarts, slack=slack)
        if found == restarts:
            return restarts
        restarts = found  # new label cells change row heights: lay out again


def page_starts(layout: Layout, restarts: set[int], *, slack: float = 0.0) -> set[int]:
    """The rows that begin a page after the first, as Word lays out the table.

    Rows do not split. A label cell (from a row in `restarts` to the next such row or
    page end) must hold its label: where the rows beside it are shorter, the last of
    them grows, which can push it onto the next page.
    """
    heights, label_heights = layout.heights, layout.label_heights
    starts: set[int] = set()
    room = layout.first_page + slack
    used = segment = 0.0  # height on this page; height of the open label cell
    for index, height in enumerate(heights):
        if index == 0:
            used = segment = height
            continue
        if index in restarts:  # the label cell above closes, grown to hold its label
            grown, new_segment = used + max(0.0, label_heights[index - 1] - segment), height
        else:
            grown, new_segment = used, segment + height
        total = grown + height + max(0.0, label_heights[index] - new_segment)
        if total > room:
            starts.add(index)
            room = layout.page + slack
            used = segment = height
        else:
            used, segment = grown + height, new_segment
    return starts


# Cell margins above and below, and a border between rows, in pt; the side margins in mm.
_PADDING_PT = 2 * CELL_MARGIN_TWIPS / 20 + 0.5
_SIDES_MM = 2 * SIDE_TWIPS / 20 * 25.4 / 72
# A Latin letter or digit in ems: 仿宋's are half an em, but LibreOffice, lacking 仿宋, may
# set them in a wider face (DejaVu Sans digits are 0.64 em).
LATIN_EMS = (0.5, 0.64)
_TOKEN = re.compile(r"[0-9A-Za-z.%-]+|.", re.DOTALL)
# Line-breaking rules (the cells let no punctuation hang past the edge): a line does not
# start with closing punctuation nor end with opening punctuation; a character moves down.
_CLOSING = frozenset("，。、；：？！）》」』”’")
_OPENING = frozenset("（《「『“‘")


def _row_height(cells: list[list[str]], widths_mm: Sequence[float], latin_em: float) -> float:
    return max(_cell_height(lines, w, latin_em) for lines, w in zip(cells, widths_mm, strict=True))


def _cell_height(lines: list[str], width_mm: float, latin_em: float) -> float:
    """Points a cell of `lines` (one paragraph each) takes, margins and a border included."""
    ems = (width_mm - _SIDES_MM) / (TABLE_PT * 25.4 / 72)
    count = sum(_line_count(line, ems, latin_em) for line in lines or [""])
    return count * TABLE_LINE_PT + _PADDING_PT


def _line_count(text: str, ems: float, latin_em: float = LATIN_EMS[0]) -> int:
    """Lines `text` takes in a column `ems` wide: CJK breaks anywhere, a Latin word does not."""
    if "\n" in text:
        return sum(_line_count(part, ems, latin_em) for part in text.split("\n"))
    if len(text) <= ems:  # no character is wider than an em
        return 1
    tokens = _TOKEN.findall(text)
    ends = list(accumulate(map(_WIDTHS[latin_em].__getitem__, tokens)))
    lines = start = 0
    done = 0.0  # the width of the lines before this one
    while start < len(tokens):
        lines += 1
        stop = max(bisect.bisect_right(ends, done + ems + 1e-9, lo=start), start + 1)
        if stop < len(tokens) and stop - 1 > start:
            if tokens[stop] in _CLOSING or tokens[stop - 1] in _OPENING:
                stop -= 1  # a character moves down with the punctuation
        done, start = ends[stop - 1], stop
    return lines


class _Widths(dict[str, float]):
    """A token's width in ems, looked up fast (this is the hot loop for big tables)."""

    def __init__(self, latin_em: float) -> None:
        super().__init__()
        self.latin_em = latin_em

    def __missing__(self, token: str) -> float:
        # "A" (ambiguous) covers “”、…, which Chinese fonts draw full width. A token of
        # several characters is a Latin word, all of them narrow.
        wide = len(token) == 1 and unicodedata.east_asian_width(token) in "WFA"
        width = self[token] = 1.0 if wide else self.latin_em * len(token)
        return width


_WIDTHS = {em: _Widths(em) for em in LATIN_EMS}


def _deadline_lines(deadline: Deadline) -> list[str]:
    """Split "全年（三年工程）" into two lines, so that the note is not broken inside."""
    head, bracket, note = deadline.text.partition("（")
    return [head, bracket + note] if head and note else [deadline.text]


def _role_lines(role: str) -> list[str]:
    """牵头（各县（市）区） as 牵头 over （各县（市）区）, so the column stays narrow."""
    head, bracket, rest = role.partition("（")
    return [head, bracket + rest] if bracket else [role]
