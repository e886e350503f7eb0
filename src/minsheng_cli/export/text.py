"""Text exports: CSV for spreadsheets, JSON for scripts, Markdown for pasting."""

from __future__ import annotations

import re
from typing import IO

from minsheng_cli.export.document import ExportDocument
from minsheng_cli.query import UNCATEGORISED_LABEL
from minsheng_cli.serialize import TASK_HEADERS, clean_text, task_row, tasks_json, to_csv

# Markdown's own marks (links, emphasis, code, tables, strike-through) and HTML's: notice
# text is data, and must render as the words it is, never as a link, an image or a script.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~!#])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def write_csv(document: ExportDocument, stream: IO[bytes]) -> None:
    """UTF-8 with a BOM and CRLF line ends: what Excel on Chinese Windows reads correctly."""
    headers = [*TASK_HEADERS, "本单位职责"] if document.unit else TASK_HEADERS
    rows = [
        [*task_row(t), document.role(t) or ""] if document.unit else task_row(t)
        for t in document.tasks
    ]
    stream.write(to_csv(headers, rows).replace("\n", "\r\n").encode("utf-8-sig"))


def write_json(document: ExportDocument, stream: IO[bytes]) -> None:
    """The same array of task objects that `minsheng list --format json` prints."""
    stream.write(tasks_json(document.tasks).encode("utf-8"))


def write_markdown(document: ExportDocument, stream: IO[bytes]) -> None:
    """A pipe table under the title, ready to paste into a wiki or chat."""
    lines = [f"# {_md_text(document.title)}", ""]
    if document.subtitle:
        lines += [_md_text(document.subtitle), ""]
    headers = ["序号", "类别", "工作内容", "完成时限", "责任单位"]
    if document.unit:
        headers.append("本单位职责")
    lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for task in document.tasks:
        cells = [
            str(task.number),
            task.category or UNCATEGORISED_LABEL,
            task.content,
            task.deadline.text,
            "、".join(task.units),
        ]
        if document.unit:
            cells.append(document.role(task) or "")
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines += ["", f"共 {len(document.tasks)} 项。责任单位中第一个为牵头单位。", ""]
    stream.write("\n".join(lines).encode("utf-8"))


def _md_text(text: str) -> str:
    """`text` shown literally: controls dropped, marks escaped, HTML as entities, on one line."""
    text = _MARKDOWN.sub(r"\\\1", clean_text(text).replace("\t", " ").replace("\n", " "))
    return "".join(_HTML.get(c, c) for c in text)


def _md_cell(text: str) -> str:
    return "<br>".join(_md_text(line) for line in text.split("\n"))
