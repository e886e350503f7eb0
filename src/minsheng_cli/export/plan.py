"""Decide what to write (which documents, under which names), then write them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.files import atomic_write, exists_error, safe_filename
from minsheng_cli.models import Notice, Task
from minsheng_cli.query import UNCATEGORISED_LABEL, TaskFilter, all_units, resolve_unit, select

Writer = Callable[[ExportDocument, IO[bytes]], None]


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    document: ExportDocument


def writer_for(fmt: ExportFormat) -> Writer:
    """The writer for a format, importing openpyxl or python-docx only when needed."""
    if fmt is ExportFormat.xlsx:
        from minsheng_cli.export.xlsx import write_xlsx

        return write_xlsx
    if fmt is ExportFormat.docx:
        from minsheng_cli.export.docx import write_docx

        return write_docx
    from minsheng_cli.export import text

    return {"csv": text.write_csv, "json": text.write_json, "md": text.write_markdown}[fmt.value]


def plan_export(
    notice: Notice,
    task_filter: TaskFilter,
    fmt: ExportFormat,
    *,
    output: Path | None = None,
    split_by: SplitBy | None = None,
) -> list[PlannedFile]:
    """The files an export would write. Raises QueryError for unknown filter values."""
    tasks = select(notice, task_filter)
    title = notice.meta.attachment_title or notice.meta.title or "民生事项及责任分工表"
    if split_by is None:
        unit = resolve_unit(notice, task_filter.unit) if task_filter.unit else None
        subtitle = _filter_subtitle(task_filter, len(tasks))
        document = _document(notice, tasks, title, unit, subtitle)
        name = safe_filename("-".join([title, *_filter_words(task_filter, unit)])) + f".{fmt.value}"
        return [PlannedFile(output or Path(name), document)]
    folder = output or Path(
        safe_filename(f"{title}-按{'单位' if split_by is SplitBy.unit else '类别'}")
    )
    planned: list[PlannedFile] = []
    if split_by is SplitBy.unit:
        for unit in all_units(notice):
            mine = [t for t in tasks if unit in t.units]
            if mine:
                planned.append(
                    _planned(folder, title, unit, fmt, _document(notice, mine, title, unit))
                )
    else:
        for category in dict.fromkeys(t.category for t in tasks):
            mine = [t for t in tasks if t.category == category]
            label = category or UNCATEGORISED_LABEL.strip("（）")
            subtitle = f"类别：{label}（{len(mine)}项）"
            planned.append(
                _planned(folder, title, label, fmt, _document(notice, mine, title, None, subtitle))
            )
    return planned


def write_planned(
    planned: list[PlannedFile], fmt: ExportFormat, *, force: bool = False
) -> Iterator[Path]:
    """Write every planned file, yielding each path once written.

    Nothing is written when any target exists and `force` is off.
    """
    existing = [p.path for p in planned if p.path.exists()]
    if existing and not force:
        raise exists_error(*existing)
    write = writer_for(fmt)
    folders = {p.path.parent for p in planned}
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for item in planned:
        atomic_write(item.path, functools.partial(write, item.document), force=force)
        yield item.path


def _planned(
    folder: Path, title: str, name: str, fmt: ExportFormat, document: ExportDocument
) -> PlannedFile:
    return PlannedFile(folder / (safe_filename(f"{title}-{name}") + f".{fmt.value}"), document)


def _document(
    notice: Notice, tasks: list[Task], title: str, unit: str | None, subtitle: str | None = None
) -> ExportDocument:
    if unit is not None:
        led = [t for t in tasks if t.lead_unit == unit]
        supported = [t for t in tasks if t.lead_unit != unit]
        tasks = led + supported
        role = f"牵头{len(led)}项，配合{len(supported)}项"
        subtitle = f"{unit}（{role}）" + (f"；{subtitle}" if subtitle else "")
    return ExportDocument(meta=notice.meta, tasks=tasks, title=title, subtitle=subtitle, unit=unit)


def _filter_words(task_filter: TaskFilter, unit: str | None) -> list[str]:
    """Short words for the file name, in the order filters are usually thought of."""
    words: list[str] = []
    if unit:
        words.append(unit + ("牵头" if task_filter.lead else ""))
    if task_filter.category:
        words.append(task_filter.category)
    if task_filter.month:
        words.append(f"{task_filter.month}月到期")
    if task_filter.quarter:
        words.append(f"第{task_filter.quarter}季度到期")
    if task_filter.before:
        words.append(f"{task_filter.before.isoformat()}前到期")
    if task_filter.search:
        words.append(f"含{task_filter.search}")
    return words


def _filter_subtitle(task_filter: TaskFilter, count: int) -> str | None:
    """Say which filters (other than the unit, said separately) made this document."""
    without_unit = TaskFilter(
        category=task_filter.category,
        month=task_filter.month,
        quarter=task_filter.quarter,
        before=task_filter.before,
        search=task_filter.search,
    )
    words = _filter_words(without_unit, None)
    return f"筛选条件：{'，'.join(words)}（共{count}项）" if words else None
