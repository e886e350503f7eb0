"""Which renderer writes which format, and where a report goes by default.

Each renderer is imported only when its format is asked for: python-docx,
openpyxl and Pillow cost a tenth of a second each.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from minsheng_cli.export.files import is_folder, safe_filename
from minsheng_cli.report.kinds import ReportFormat
from minsheng_cli.report.model import ReportFigures

# Formats that go to standard output when no -o is given.
TEXT_FORMATS = (ReportFormat.md, ReportFormat.json)

Renderer = Callable[[ReportFigures, IO[bytes]], None]


def renderer_for(fmt: ReportFormat, *, chart: bytes | None = None) -> Renderer:
    """The renderer of `fmt`; `chart` is the PNG the Word bulletin carries, if any."""
    if fmt is ReportFormat.docx:
        from minsheng_cli.report.docx import write_docx

        return lambda figures, stream: write_docx(figures, stream, chart=chart)
    if fmt is ReportFormat.xlsx:
        from minsheng_cli.report.xlsx import write_xlsx

        return write_xlsx
    if fmt is ReportFormat.html:
        from minsheng_cli.report.html import write_html

        return write_html
    if fmt is ReportFormat.md:
        from minsheng_cli.report.markdown import write_markdown

        return write_markdown
    return write_json


def write_json(figures: ReportFigures, stream: IO[bytes]) -> None:
    """Every figure of every section (schemas/report.schema.json)."""
    record = figures.model_dump(mode="json")
    stream.write((json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def default_path(
    number: int | None,
    as_of: dt.date,
    fmt: ReportFormat,
    words: Sequence[str],
    output: str | None,
) -> Path:
    """督查通报-第6期-2015-06-30-市民政局.docx, here or in the folder `output` names."""
    parts = ["督查通报", *([f"第{number}期"] if number is not None else [])]
    parts += [as_of.isoformat(), *words]
    name = Path(safe_filename("-".join(parts)) + f".{fmt.value}")
    if output is None:
        return name
    slashes = tuple(s for s in (os.sep, os.altsep, "/") if s)
    if output.endswith(slashes) or is_folder(Path(output)):
        return Path(output) / name
    return Path(output)
