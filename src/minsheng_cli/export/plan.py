"""Decide what to write (which documents, under which names), then write them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from minsheng_cli.errors import ExportError
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.files import (
    atomic_write,
    check_targets,
    is_folder,
    make_folders,
    os_error,
    remove_stale_temporaries,
    safe_filename,
    unique_paths,
)
from minsheng_cli.models import Notice, Task
from minsheng_cli.query import (
    UNCATEGORISED_LABEL,
    TaskFilter,
    UnitTarget,
    all_recipients,
    all_units,
    filter_words,
    resolve_targets,
    select,
)

if TYPE_CHECKING:
    from minsheng_cli.ledger.records import Actual, Report
    from minsheng_cli.ledger.workbook import Signer

Writer = Callable[[ExportDocument, IO[bytes]], None]

# Output names that mean "standard output" rather than a file.
STDOUT_NAMES = ("-", "/dev/stdout")
_BINARY = (ExportFormat.xlsx, ExportFormat.docx)


@dataclass(frozen=True)
class PlannedFile:
    """One file to write. `name` is what the document is called (a calendar's name);
    `notice_key` is set for a calendar, whose event UIDs it keeps stable."""

    path: Path
    document: ExportDocument
    to_stdout: bool = False
    name: str = ""
    notice_key: str | None = None


@dataclass(frozen=True)
class Prepared:
    """What preparing the targets did: folders it created, stale temporaries it removed."""

    created: list[Path]
    removed: list[Path]


def writer_for(fmt: ExportFormat) -> Writer:
    """The writer for a format, importing openpyxl or python-docx only when needed."""
    if fmt is ExportFormat.xlsx:
        from minsheng_cli.export.xlsx import write_xlsx

        return write_xlsx
    if fmt is ExportFormat.docx:
        from minsheng_cli.export.docx import write_docx

        return write_docx
    if fmt is ExportFormat.ics:
        from minsheng_cli.export.ics import write_ics

        return write_ics
    from minsheng_cli.export import text

    return {"csv": text.write_csv, "json": text.write_json, "md": text.write_markdown}[fmt.value]


def plan_export(
    notice: Notice,
    task_filter: TaskFilter,
    fmt: ExportFormat,
    *,
    output: str | Path | None = None,
    split_by: SplitBy | None = None,
    signer: Signer | None = None,
    prefill: Mapping[tuple[int, str], Report] | None = None,
    prefill_actuals: Mapping[tuple[str, str], Actual] | None = None,
    page_start: int | None = None,
    copy_of_attachment: bool | None = None,
) -> list[PlannedFile]:
    """The files an export would write. Raises QueryError for unknown filter values.

    `output` is a file, a folder (it exists, or ends with a slash) or "-" for standard
    output; with `split_by` it is always a folder. File names are unique, so that no
    document of a split can replace another. A calendar (ics) of a split is left out
    when none of its tasks has a date.

    For xlsx, `signer` gives each workbook its signed identity, and `prefill` (each
    unit's latest report, by task number and unit) fills in, for every row, the report
    of the unit that row reports as; `prefill_actuals` (each unit's latest actual, by
    indicator id and unit) does the same on the 量化指标 sheet.

    For docx, `page_start` continues the page numbers from the body of the notice, and
    `copy_of_attachment` heads each attachment with the 文号 and 附件; by default an
    extract for units or recipients is headed so, being sent on its own.
    """
    prefills = _Prefills(prefill or {}, prefill_actuals or {})
    planned = _plan(notice, task_filter, fmt, output, split_by, signer, prefills)
    return [
        dataclasses.replace(
            item,
            document=dataclasses.replace(
                item.document,
                page_start=page_start,
                copy_of_attachment=bool(item.document.targets)
                if copy_of_attachment is None
                else copy_of_attachment,
            ),
        )
        for item in planned
    ]


def _plan(
    notice: Notice,
    task_filter: TaskFilter,
    fmt: ExportFormat,
    output: str | Path | None,
    split_by: SplitBy | None,
    signer: Signer | None,
    prefill: _Prefills,
) -> list[PlannedFile]:
    tasks = select(notice, task_filter)
    title = notice.meta.attachment_title or notice.meta.title or "民生事项及责任分工表"
    targets = tuple(resolve_targets(notice, task_filter.units))
    words = filter_words(notice, task_filter, targets)
    to_stdout = output is not None and str(output) in STDOUT_NAMES
    if split_by is None:
        subtitle = _filter_subtitle(notice, task_filter, len(tasks))
        document = _document(notice, tasks, title, targets, subtitle)
        stem = "-".join([title, *words])
        name = Path(safe_filename(stem) + f".{fmt.value}")
        if to_stdout:
            path = Path(str(output))
        elif output is None:
            path = name
        elif _names_folder(output):
            path = Path(output) / name
        else:
            path = Path(output)
        planned = [PlannedFile(path, document, to_stdout=to_stdout, name=stem)]
        return _checked(_sealed(notice, _keyed(notice, planned, fmt), fmt, signer, prefill), fmt)
    if to_stdout:
        raise ExportError("--split-by 写出多个文件，须用 -o 指定文件夹，不能写到标准输出")
    # Each document's name and subtitle already say its category, month or quarter.
    narrowed = _without_split(task_filter, split_by)
    words = filter_words(notice, narrowed, targets)
    # A deadline split keeps the units filtered on, whose names the subtitle starts with.
    said = filter_words(notice, narrowed, () if split_by in _BY_DEADLINE else targets)
    conditions = f"筛选条件：{'，'.join(said)}" if said else None
    split_word = _SPLIT_WORDS[split_by]
    folder = (
        Path(output)
        if output
        else Path(safe_filename("-".join([title, f"按{split_word}", *words])))
    )
    if split_by in _BY_DEADLINE:
        parts = _split_by_deadline(notice, tasks, title, split_by, targets, conditions)
    else:
        parts = _split(notice, tasks, title, split_by, conditions)
    if fmt is ExportFormat.ics:
        parts = [(label, d) for label, d in parts if any(t.deadline.date for t in d.tasks)]
    stems = ["-".join([title, label, *words]) for label, _ in parts]
    paths = unique_paths(folder / (safe_filename(stem) + f".{fmt.value}") for stem in stems)
    planned = [
        PlannedFile(path, document, name=stem)
        for path, stem, (_, document) in zip(paths, stems, parts, strict=True)
    ]
    return _checked(_sealed(notice, _keyed(notice, planned, fmt), fmt, signer, prefill), fmt)


_SPLIT_WORDS = {
    SplitBy.unit: "单位",
    SplitBy.recipient: "接收单位",
    SplitBy.category: "类别",
    SplitBy.month: "到期月份",
    SplitBy.quarter: "到期季度",
}
_BY_DEADLINE = (SplitBy.month, SplitBy.quarter)
_QUARTER_NAMES = "一二三四"
_UNDATED_LABEL = "无具体时限"
"""The name of a deadline split's document for the tasks that have no date."""


def _without_split(task_filter: TaskFilter, split_by: SplitBy) -> TaskFilter:
    """The filter less what every document of the split already says by its name.

    A month says its quarter too; a quarter does not say a month filter.
    """
    if split_by is SplitBy.category:
        return dataclasses.replace(task_filter, category=None)
    if split_by is SplitBy.month:
        return dataclasses.replace(task_filter, month=None, quarter=None)
    if split_by is SplitBy.quarter:
        return dataclasses.replace(task_filter, quarter=None)
    return task_filter


def _keyed(notice: Notice, planned: list[PlannedFile], fmt: ExportFormat) -> list[PlannedFile]:
    """Calendars with the notice's key, which their events' UIDs are made from."""
    if fmt is not ExportFormat.ics:
        return planned
    from minsheng_cli.ledger.notices import notice_key

    key = notice_key(notice)
    return [dataclasses.replace(item, notice_key=key) for item in planned]


@dataclass(frozen=True)
class _Prefills:
    """What --prefill puts in a workbook: reports by (task, unit), actuals by (indicator, unit)."""

    reports: Mapping[tuple[int, str], Report]
    actuals: Mapping[tuple[str, str], Actual]

    def __bool__(self) -> bool:
        return bool(self.reports or self.actuals)


def _sealed(
    notice: Notice,
    planned: list[PlannedFile],
    fmt: ExportFormat,
    signer: Signer | None,
    prefill: _Prefills,
) -> list[PlannedFile]:
    """Workbooks with their identity and prefilled reports and actuals; other formats as
    they are. The identity signs the 量化指标 sheet's ids in row order."""
    if fmt is not ExportFormat.xlsx or (signer is None and not prefill):
        return planned
    from minsheng_cli.ledger.workbook import (
        RowUnitError,
        WorkbookUnit,
        reporting_unit,
        sheet_targets,
        unit_kind,
    )

    table = notice.recipient_table
    sealed: list[PlannedFile] = []
    for item in planned:
        document = item.document
        units = [
            WorkbookUnit(t.name, unit_kind(table, t.name, as_written=t.as_written))
            for t in document.targets
        ]
        rows = sheet_targets(document.tasks)
        identity = (
            signer.identity(
                [t.number for t in document.tasks], units, [target.id for _, target in rows]
            )
            if signer
            else None
        )
        reports: dict[int, Report] = {}
        actuals: dict[str, Actual] = {}
        for task in document.tasks if prefill else []:
            try:
                unit = reporting_unit(task, units, table)
            except RowUnitError:
                continue  # no single unit reports on this row here: leave it empty
            if (report := prefill.reports.get((task.number, unit))) is not None:
                reports[task.number] = report
            for target in task.targets:  # the sheet writes the reportable ones only
                if (actual := prefill.actuals.get((target.id, unit))) is not None:
                    actuals[target.id] = actual
        changed = dataclasses.replace(
            document, identity=identity, prefill=reports or None, prefill_actuals=actuals or None
        )
        sealed.append(dataclasses.replace(item, document=changed))
    return sealed


def _checked(planned: list[PlannedFile], fmt: ExportFormat) -> list[PlannedFile]:
    """`planned`, once every document is known to fit the format: all files or none."""
    if fmt is ExportFormat.xlsx:
        from minsheng_cli.export.xlsx import check_lengths

        for item in planned:
            check_lengths(item.document)
    return planned


def prepare_targets(planned: list[PlannedFile], *, force: bool = False) -> Prepared:
    """Check every target, then create the missing folders and clear old temporaries.

    Nothing is created when any target exists (without `force`) or is not a regular file.
    """
    files = [p for p in planned if not p.to_stdout]
    check_targets((p.path for p in files), force=force)
    folders = list(dict.fromkeys(p.path.parent for p in files))
    return Prepared(created=make_folders(folders), removed=remove_stale_temporaries(folders))


def write_planned(
    planned: list[PlannedFile],
    fmt: ExportFormat,
    *,
    force: bool = False,
    stdout: IO[bytes] | None = None,
) -> Iterator[Path]:
    """Write every planned file, yielding each path once written. Call prepare_targets first."""
    write = writer_for(fmt)
    for item in planned:
        if fmt is ExportFormat.ics:
            from minsheng_cli.export.ics import write_ics

            one = functools.partial(
                write_ics, item.document, name=item.name, notice_key=item.notice_key
            )
        else:
            one = functools.partial(write, item.document)
        if item.to_stdout:
            _write_stdout(one, fmt, stdout)
        else:
            atomic_write(item.path, one, force=force)
        yield item.path


def _write_stdout(
    write: Callable[[IO[bytes]], None], fmt: ExportFormat, stdout: IO[bytes] | None
) -> None:
    if stdout is None:
        raise ExportError("没有可写的标准输出，请用 -o 指定文件")
    if fmt in _BINARY and stdout.isatty():
        raise ExportError(
            f"{fmt.value} 是二进制文件，不能显示在终端上",
            ["请重定向到文件（如 > 分工表.xlsx），或用 -o 指定文件名。"],
        )
    buffer = io.BytesIO()
    write(buffer)
    try:
        stdout.write(buffer.getvalue())
        stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise os_error(Path("标准输出"), exc) from None


def _names_folder(output: str | Path) -> bool:
    """A trailing slash, or an existing folder, means "write the default name in here"."""
    text = str(output)
    slashes = tuple(s for s in (os.sep, os.altsep, "/") if s)
    return (isinstance(output, str) and text.endswith(slashes)) or is_folder(Path(output))


def _split(
    notice: Notice, tasks: list[Task], title: str, split_by: SplitBy, conditions: str | None
) -> list[tuple[str, ExportDocument]]:
    """(label, document) for each unit or category, in the notice's order."""
    parts: list[tuple[str, ExportDocument]] = []
    if split_by is not SplitBy.category:
        if split_by is SplitBy.unit:
            targets = [UnitTarget(unit, as_written=True) for unit in all_units(notice)]
        else:
            targets = [UnitTarget(name) for name in all_recipients(notice)]
        for target in targets:
            mine = [t for t in tasks if target.matches(t)]
            if mine:
                parts.append((target.name, _document(notice, mine, title, (target,), conditions)))
        return parts
    for category in dict.fromkeys(t.category for t in tasks):
        mine = [t for t in tasks if t.category == category]
        label = category or UNCATEGORISED_LABEL.strip("（）")
        subtitle = f"类别：{label}（{len(mine)}项）" + (f"；{conditions}" if conditions else "")
        parts.append((label, _document(notice, mine, title, (), subtitle)))
    return parts


def _split_by_deadline(
    notice: Notice,
    tasks: list[Task],
    title: str,
    split_by: SplitBy,
    targets: tuple[UnitTarget, ...],
    conditions: str | None,
) -> list[tuple[str, ExportDocument]]:
    """(label, document) for each deadline month or quarter in date order, then the
    tasks without a date. Documents keep the units filtered on, and so their roles."""
    groups: dict[str, list[Task]] = {}
    for task in sorted(tasks, key=lambda t: t.deadline.date or dt.date.max):
        groups.setdefault(_deadline_period(task.deadline.date, split_by), []).append(task)
    parts: list[tuple[str, ExportDocument]] = []
    for period, mine in groups.items():
        mine.sort(key=lambda t: t.number)
        label = f"{period}到期" if period else _UNDATED_LABEL
        kind = "截止月份" if split_by is SplitBy.month else "截止季度"
        said = f"{kind}：{period}" if period else _UNDATED_LABEL
        subtitle = f"{said}（{len(mine)}项）" + (f"；{conditions}" if conditions else "")
        parts.append((label, _document(notice, mine, title, targets, subtitle)))
    return parts


def _deadline_period(date: dt.date | None, split_by: SplitBy) -> str:
    """2015年10月 or 2015年第四季度; "" without a date."""
    if date is None:
        return ""
    if split_by is SplitBy.month:
        return f"{date.year}年{date.month}月"
    return f"{date.year}年第{_QUARTER_NAMES[(date.month - 1) // 3]}季度"


def _document(
    notice: Notice,
    tasks: list[Task],
    title: str,
    targets: tuple[UnitTarget, ...] = (),
    subtitle: str | None = None,
) -> ExportDocument:
    if targets:
        led = [t for t in tasks if any(target.leads(t) for target in targets)]
        supported = [t for t in tasks if t not in led]
        tasks = led + supported
        role = f"牵头{len(led)}项，配合{len(supported)}项" + _through_groups(tasks, targets)
        names = "、".join(target.name for target in targets)
        subtitle = f"{names}（{role}）" + (f"；{subtitle}" if subtitle else "")
    return ExportDocument(
        meta=notice.meta, tasks=tasks, title=title, subtitle=subtitle, targets=targets
    )


def _through_groups(tasks: list[Task], targets: tuple[UnitTarget, ...]) -> str:
    """For one recipient: how many of its tasks reach it through each group."""
    if len(targets) != 1 or targets[0].as_written:
        return ""
    name = targets[0].name
    vias = Counter(r.via for t in tasks for r in t.recipients if r.name == name and r.via)
    return "".join(f"，经{via}{count}项" for via, count in vias.items())


def _filter_subtitle(notice: Notice, task_filter: TaskFilter, count: int) -> str | None:
    """Say which filters (other than the unit, said separately) made this document."""
    words = filter_words(notice, task_filter, ())
    return f"筛选条件：{'，'.join(words)}（共{count}项）" if words else None
