"""Word (.docx): the body's paragraphs and tables, read from word/document.xml.

The XML is read with the standard library's parser rather than through
python-docx: the tree is all that is needed, and a 1,000-row table reads in a
fraction of the time. The body is a run of paragraphs (w:p) and tables
(w:tbl), content controls (w:sdt) unwrapped. The tables that hold the header
are the allocation table, in one part or one part per category
(grid.find_tables); the paragraphs before the first, and the text of any table
before it, are the front matter.

In a table, a w:tc with w:vMerge (no value, or "continue") continues the cell
above, and w:gridSpan="N" covers N grid columns: the covered cells take the
merged cell's text and are marked merged. w:gridBefore skips columns.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from minsheng_cli.errors import NoticeError
from minsheng_cli.notice.grid import Grid, GridCell, GridRow, check_size, find_tables
from minsheng_cli.notice.readers import open_zip, zip_part
from minsheng_cli.notice.reading import Reading

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT = (f"{_W}{name}" for name in ("p", "tbl", "tr", "tc", "sdt"))
_CONTAINERS = {f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag", _SDT}
_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}
_MAX_SPAN = 64  # Word's tables hold at most 63 columns


def read_docx(data: bytes, path: str) -> Reading:
    with open_zip(data, path) as archive:
        xml = zip_part(archive, "word/document.xml", path)
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise NoticeError("Word 文档的正文里有 DOCTYPE 声明，不是 Word 写出的文件", path=path)
    try:
        root = ET.fromstring(xml)
    except (ET.ParseError, ValueError):
        raise NoticeError(
            "Word 文档已损坏：正文（word/document.xml）不是完整的 XML", path=path
        ) from None
    body = root.find(f"{_W}body")
    front: list[str] = []
    lead: list[str] = []
    grids: list[Grid] = []
    cells = 0
    for element in _children(body, {_P, _TBL}) if body is not None else []:
        if element.tag == _P:
            paragraph = _paragraph(element).split("\n")
            front += paragraph
            lead += paragraph
            continue
        grid = _grid(element, len(grids) + 1, path, cells)
        cells += sum(len(row.cells) for row in grid.rows)
        grid.front, grid.lead, lead = list(front), lead, []
        grids.append(grid)
        front += ["\t".join(dict.fromkeys(c.text for c in row.cells)) for row in grid.rows]
    found = find_tables(grids)
    if found is not None:
        return Reading(
            path=path,
            kind="docx",
            encoding="docx",
            lines=found.lines,
            front=found.front,
            table=found.table,
            no_table="",
        )
    count = len(grids)
    return Reading(
        path=path,
        kind="docx",
        encoding="docx",
        lines=[],
        front=front,
        table=None,
        no_table=(
            f"Word 文档的{count}个表格里都没有分工表的表头（序号、工作内容、完成时限、责任单位）"
            if count
            else "Word 文档里没有表格，找不到分工表"
        ),
    )


def _paragraph(element: ET.Element) -> str:
    pieces: list[str] = []
    for node in element.iter():
        if node.tag in _TEXT:
            fixed = _TEXT[node.tag]
            pieces.append(node.text or "" if fixed is None else fixed)
    return "".join(pieces)


def _cell_text(cell: ET.Element) -> str:
    """A cell's paragraphs, one a line (a table inside the cell adds its own)."""
    parts: list[str] = []
    for child in cell:
        if child.tag == _P:
            parts.append(_paragraph(child))
        elif child.tag == _TBL or child.tag in _CONTAINERS:
            parts += [_paragraph(p) for p in child.iter(_P)]
    return "\n".join(parts)


def _number(element: ET.Element | None, name: str, default: int) -> int:
    node = element.find(f"{_W}{name}") if element is not None else None
    value = node.get(f"{_W}val") if node is not None else None
    try:
        return min(max(int(value), 0), _MAX_SPAN) if value is not None else default
    except ValueError:
        return default


def _grid(table: ET.Element, index: int, path: str, cells_before: int) -> Grid:
    rows: list[GridRow] = []
    above: list[GridCell] = []
    total = cells_before
    for number, tr in enumerate(_children(table, {_TR}), start=1):
        where = f"表{index}第{number}行"
        cells: list[GridCell] = []
        for _ in range(_number(tr.find(f"{_W}trPr"), "gridBefore", 0)):
            cells.append(GridCell("", f"{where}第{len(cells) + 1}列"))
        for tc in _children(tr, {_TC}):
            properties = tc.find(f"{_W}tcPr")
            span = max(1, _number(properties, "gridSpan", 1))
            merge = properties.find(f"{_W}vMerge") if properties is not None else None
            column = len(cells)
            continues = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
            if continues and column < len(above):
                text, merged = above[column].text, True
            else:
                text, merged = _cell_text(tc), False
            for k in range(span):
                position = f"{where}第{column + k + 1}列"
                cells.append(GridCell(text, position, merged or k > 0))
        total += len(cells)
        check_size(total, path)
        rows.append(GridRow(number, where, cells))
        above = cells
    return Grid(rows=rows, place=f"表{index}")


def _children(element: ET.Element, tags: set[str]) -> list[ET.Element]:
    """The children of `element` with one of `tags`, in order, content controls unwrapped."""
    found: list[ET.Element] = []
    pending = list(reversed(element))
    while pending:
        child = pending.pop()
        if child.tag in tags:
            found.append(child)
        elif child.tag in _CONTAINERS:
            pending += reversed(child)
    return found
