"""The common grid the Word, web page and workbook readers make, and the table in it.

A grid is the rows of one table, merges already resolved: a cell covered by a
merged cell (Word vMerge continue or gridSpan, HTML rowspan or colspan, an
Excel merged range) holds the merged value and is marked `merged`. Each cell
keeps its position in the reader's own terms.

The grid becomes the same Table the text dump gives (table.py), so that the
builder never knows which reader ran:
- the header is the first row whose cells name 序号 and 工作内容 among the
  headers of data/columns.toml; cells under other headers are not read;
- each row after it whose 序号 cell holds a number starts a task; a row whose
  序号 cell is merged from the row above continues that task;
- the header may take two rows (牵头单位 | 配合单位 under 责任单位);
- a table with no category column may name its categories in section rows
  that span it ("一、就业增收（5项）"): they become the category cells of the
  rows under them, the first one as written and the others as merged from it;
- a row above the header inside the table is the table's own title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minsheng_cli.notice.table import Cell, Row, Table, header_names, row_number

MAX_CELLS = 4_000_000
"""The most cells a grid may hold once merges are spread: a notice has a few thousand."""

_SPACE = re.compile(r"\s+")
# What opens a section row: 一、 （二） 第三部分 (Chinese or Arabic numerals).
_SECTION_NUMERAL = re.compile(
    r"(?:第[一二三四五六七八九十百零〇两\d]+(?:部分|篇|类)|[（(][一二三四五六七八九十百零〇\d]+[）)]"
    r"|[一二三四五六七八九十百零〇]+[、.．])"
)
_TITLE_LENGTH = 80


@dataclass(frozen=True)
class GridCell:
    text: str
    position: str
    """Where the cell is, in the reader's terms: 表1第3行第2列, 分工表!C12."""
    merged: bool = False
    """The value came from a merged cell that covers this one (its first cell is not merged)."""


@dataclass
class GridRow:
    line: int
    """The row's number in the reader's terms: a row of the table, a row of the sheet."""
    position: str
    """Where the row starts: 表1第3行, 分工表!A5."""
    cells: list[GridCell]


@dataclass
class Grid:
    rows: list[GridRow]
    place: str
    """What names a range of its rows: 表1 (表1第3–9行), 分工表."""
    front: list[str] = field(default_factory=list)
    """The text before the table, a line per paragraph: 文号, issuer, title, 附件 line."""
    title: str | None = None
    """The table's caption, when the reader found one outside the rows."""
    lead: list[str] | None = None
    """The text between the table before this one (or the start) and this one; None: front."""
    offset: int = 0
    """How far its rows' lines were moved on, so that lines stay unique over several tables."""


@dataclass
class Found:
    """The allocation table a file holds, the lines that quote it and the text before it."""

    table: Table
    lines: list[str]
    front: list[str]


def compact(text: str) -> str:
    return _SPACE.sub("", text)


def grid_table(grid: Grid) -> Table | None:
    """The allocation table in `grid`, or None when no row is its header."""
    found = _find_header(grid.rows, header_names())
    if found is None:
        return None
    header, keys, body = found
    if "content" not in keys:
        keys["content"] = keys.pop("title")  # 项目名称 alone is what the task is
    order = ["number", *(k for k, _ in sorted(keys.items(), key=lambda kv: kv[1]) if k != "number")]
    body_rows = grid.rows[body:]
    sections = {} if "category" in keys else _sections(body_rows)
    if sections:
        order.insert(1, "category")
    rows: list[Row] = []
    stray: list[Cell] = []
    section: Cell | None = None
    sub_rows: dict[int, list[_Item | None]] = {}  # a row's index → its rows' own items
    for index, grid_row in enumerate(body_rows):
        if index in sections:
            section = Cell(
                grid_row.line,
                [sections[index]],
                position=grid_row.position,
                last_line=grid_row.line,
            )
            continue
        cells = {key: _cell(grid_row, keys[key]) for key in order if key in keys}
        if sections:
            cells["category"] = _section_cell(grid_row, section)
            if section is not None and not section.merged:
                section = Cell(section.line, section.lines, section.position, True, section.line)
        first = cells["number"]
        number = row_number(compact("".join(first.lines)))
        if first.merged and rows and number == rows[-1].number:
            _continue(rows[-1], [cells[key] for key in order[1:]])
            sub_rows.setdefault(len(rows) - 1, []).append(_own_item(cells))
        elif number is not None:
            sub_rows[len(rows)] = [_own_item(cells)]
            rows.append(
                Row(
                    number=number,
                    number_cell=first,
                    cells=[cells[key] for key in order[1:]],
                    position=grid_row.position,
                )
            )
        else:
            stray += [
                _cell(grid_row, i)
                for i, c in enumerate(grid_row.cells)
                if not c.merged and c.text.strip()
            ]
    for index, subs in sub_rows.items():
        rows[index].items = _items(subs)
    head = grid.rows[header]
    places = {row.line: (grid.place, row.line - grid.offset) for row in grid.rows}
    return Table(
        start_line=grid.rows[0].line,
        header_line=head.line,
        columns=order,
        caption=_caption(grid, header),
        rows=rows,
        stray_cells=stray,
        trailing_line=None,
        place=grid.place,
        places=places if grid.offset else {},
        positions={row.line: row.position for row in grid.rows},
    )


def find_tables(grids: list[Grid]) -> Found | None:
    """The allocation table among a file's tables, or None when none has its header.

    Several tables with the header are one table in parts, as when each category
    has a table of its own. Their rows' lines run on from one table to the next.
    When none of them has a category column or section rows, the title above
    each one (一、就业增收（5项）) names the category of its rows.
    """
    found: list[tuple[Grid, Table]] = []
    offset = 0
    for grid in grids:
        if found and grid.rows:
            grid.offset = offset
            for row in grid.rows:
                row.line += offset
        table = grid_table(grid)
        if table is not None:
            found.append((grid, table))
            offset = max(row.line for row in grid.rows)
    if not found:
        return None
    first_grid, first = found[0]
    if len(found) == 1:
        return Found(first, grid_lines(first_grid), first_grid.front)
    titled = not any("category" in table.columns for _, table in found)
    columns = list(dict.fromkeys(key for _, table in found for key in table.columns))
    if titled:
        columns.insert(1, "category")
    rows: list[Row] = []
    stray: list[Cell] = []
    positions: dict[int, str] = {}
    places: dict[int, tuple[str, int]] = {}
    for grid, table in found:
        title = _table_title(grid) if titled else None
        for index, task_row in enumerate(table.rows):
            cells = dict(zip(table.columns[1:], task_row.cells, strict=True))
            if titled:
                cells["category"] = Cell(
                    task_row.line,
                    [title or ""],
                    position=f"{grid.place}上方的标题",
                    merged=index > 0 or not title,
                    last_line=task_row.line,
                )
            task_row.cells = [
                cells.get(key)
                or Cell(task_row.line, [""], position=task_row.position, last_line=task_row.line)
                for key in columns[1:]
            ]
            rows.append(task_row)
        stray += table.stray_cells
        positions.update(table.positions)
        places.update({line.line: (grid.place, line.line - grid.offset) for line in grid.rows})
    caption = first.caption
    front = [text.strip() for text in first_grid.front if text.strip()]
    if titled and _table_title(first_grid) and front and caption == front[-1]:
        # The line above the first table is its category; the one above that, the title.
        caption = front[-2] if len(front) > 1 and len(front[-2]) <= _TITLE_LENGTH else None
    table = Table(
        start_line=first.start_line,
        header_line=first.header_line,
        columns=columns,
        caption=caption,
        rows=rows,
        stray_cells=stray,
        trailing_line=None,
        place=first.place,
        places=places,
        positions=positions,
    )
    return Found(table, grid_lines(*(grid for grid, _ in found)), first_grid.front)


_Item = tuple[list[str], list[str]]


def _own_item(cells: dict[str, Cell]) -> _Item | None:
    """A grid row's own content and deadline, as read before any row below joins them."""
    content, deadline = cells.get("content"), cells.get("deadline")
    if content is None or deadline is None or content.merged or deadline.merged:
        return None
    return (content.parts, deadline.parts) if content.parts and deadline.parts else None


def _items(subs: list[_Item | None]) -> list[_Item]:
    """Sub-items of a 序号 merged over rows that each hold a content and a deadline of
    their own (a building to start by May, another to finish by December); else none."""
    own = [item for item in subs if item is not None]
    return own if len(own) > 1 else []


def _blank(line: int, position: str) -> Cell:
    return Cell(line, [""], position=position, last_line=line)


def _table_title(grid: Grid) -> str | None:
    """The category a table's title names: the line above it, its numeral dropped."""
    lead = grid.front if grid.lead is None else grid.lead
    texts = [compact(text) for text in lead if text.strip()]
    if not texts or len(texts[-1]) > _TITLE_LENGTH or texts[-1].endswith(("。", "：", ":")):
        return None
    text = texts[-1]
    match = _SECTION_NUMERAL.match(text)
    return (text[match.end() :] if match else text) or None


def grid_lines(*grids: Grid) -> list[str]:
    """The rows as lines of text, line N for the row numbered N, for quoting the source.

    A merged cell shows empty, as the table shows it; its cells are split by tabs.
    """
    every = [row for grid in grids for row in grid.rows]
    if not every:
        return []
    lines = [""] * max(row.line for row in every)
    for row in every:
        texts = ("" if c.merged else " ".join(c.text.split()) for c in row.cells)
        lines[row.line - 1] = "\t" + "\t".join(texts)
    return lines


def check_size(cells: int, path: str) -> None:
    """Raise NoticeError when a table would spread over more than MAX_CELLS cells."""
    if cells > MAX_CELLS:
        from minsheng_cli.errors import NoticeError

        raise NoticeError(
            f"表格合并单元格展开后超过 {MAX_CELLS} 个单元格，不像是一份分工表", path=path
        )


def _find_header(
    rows: list[GridRow], names: dict[str, str]
) -> tuple[int, dict[str, int], int] | None:
    """The header's row, its column keys and the first row under it.

    The header may take two rows: a row under it that names headers too (牵头单位 |
    配合单位 under a merged 责任单位) gives the keys of the columns it names.
    """
    for index, row in enumerate(rows):
        columns = _header_columns(row, names)
        if not columns:
            continue
        below = rows[index + 1] if index + 1 < len(rows) else None
        more = _header_columns(below, names) if below is not None else {}
        if below is not None and below.cells and row_number(compact(below.cells[0].text)):
            more = {}  # a task row, whatever its cells say
        keys = _first_columns({**columns, **more})
        if "number" in keys and ("content" in keys or "title" in keys):
            return index, keys, index + (2 if more else 1)
    return None


def _header_columns(row: GridRow, names: dict[str, str]) -> dict[int, str]:
    """Column index → key, for each unmerged cell under a known header."""
    found = ((i, None if c.merged else names.get(compact(c.text))) for i, c in enumerate(row.cells))
    return {i: key for i, key in found if key is not None}


def _first_columns(columns: dict[int, str]) -> dict[str, int]:
    """Key → the first column under it."""
    keys: dict[str, int] = {}
    for index in sorted(columns):
        keys.setdefault(columns[index], index)
    return keys


def _sections(rows: list[GridRow]) -> dict[int, str]:
    """Row index → category, for the rows that name a category across the table.

    Such a row holds one text, either spread over several cells (a merged row) or
    opened by a numeral: 一、就业增收（5项）, （二）安居工程, 第三部分 医疗保障. The
    numeral is dropped; the count stays for the builder to check.
    """
    found: dict[int, str] = {}
    for index, row in enumerate(rows):
        texts = [c.text.strip() for c in row.cells if c.text.strip()]
        if not texts or len(set(texts)) > 1 or row_number(compact(texts[0])) is not None:
            continue
        text = compact(texts[0])
        match = _SECTION_NUMERAL.match(text)
        if match is None and len(texts) < 2:
            continue
        name = text[match.end() :] if match else text
        if name and len(name) <= _TITLE_LENGTH:
            found[index] = name
    return found


def _section_cell(row: GridRow, section: Cell | None) -> Cell:
    """A task row's category cell: its section's name, merged after the section's first row."""
    if section is None:
        return Cell(row.line, [""], position=row.position, last_line=row.line)
    return Cell(
        section.line if not section.merged else row.line,
        section.lines,
        position=section.position,
        merged=section.merged,
        last_line=section.line if not section.merged else row.line,
    )


def _cell(row: GridRow, column: int) -> Cell:
    if column < len(row.cells):
        cell = row.cells[column]
        lines, position, merged = cell.text.split("\n"), cell.position, cell.merged
    else:
        lines, position, merged = [""], f"{row.position}第{column + 1}列", False
    return Cell(row.line, lines, position=position, merged=merged, last_line=row.line)


def _continue(row: Row, cells: list[Cell]) -> None:
    """Add the unmerged text of a row that goes on with the task above to that task."""
    for own, more in zip(row.cells, cells, strict=True):
        if not more.merged and more.parts:
            own.lines += more.lines
            own.last_line = more.line


def _is_note_line(text: str) -> bool:
    return "依据：" in text or re.fullmatch(r"共\s*\d+\s*项", text.strip()) is not None


def _caption(grid: Grid, header: int) -> str | None:
    above = [
        "".join(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
        for row in grid.rows[:header]
    ]
    # This tool's own export has a line of notes under its title (共 80 项, 依据：…).
    above = [text for text in above if text and not _is_note_line(text)]
    if above:
        return above[-1]
    if grid.title:
        return grid.title
    front = [text.strip() for text in grid.front if text.strip()]
    if front and len(front[-1]) <= _TITLE_LENGTH and not front[-1].endswith(("。", "：", ":")):
        return front[-1]
    return None
