"""Rows to tasks: categories, deadlines and units, plus every problem found on the way."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from minsheng_cli.deadlines import parse_deadline
from minsheng_cli.errors import NoticeError
from minsheng_cli.metadata import FrontMatter, parse_front_matter
from minsheng_cli.models import (
    UNCATEGORISED_LABEL,
    DeadlineKind,
    LineSpan,
    Notice,
    NoticeMeta,
    Problem,
    Severity,
    Task,
)
from minsheng_cli.numerals import NUMERAL, to_int
from minsheng_cli.source import SourceText
from minsheng_cli.table import MAX_TASK_NUMBER, Cell, Row, Table, find_table
from minsheng_cli.units import canonical_unit, split_units

# A vertical category label once its lines are joined: 就业增收（5项）. The count is optional.
# The name starts only where a run of non-brackets starts (the lookbehind), so that a
# long cell without a label is tried once and not once per character.
_LABEL = re.compile(rf"(?<![^（(）)])(?P<name>[^（(）)]+)[（(](?P<count>{NUMERAL})项[）)]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass
class _Label:
    name: str
    count: int | None
    line: int


def parse_notice(source: SourceText, year: int | None = None) -> Notice:
    """Parse a decoded notice. Raises NoticeError only when nothing usable remains."""
    table = find_table(source.lines)
    if table is None:
        raise NoticeError(
            "没有找到分工表：缺少以制表符开头的表头（序号、工作内容、完成时限、责任单位）",
            path=source.path,
        )
    for key in ("deadline", "units"):
        if key not in table.columns:
            raise NoticeError(
                f"分工表表头缺少“{'完成时限' if key == 'deadline' else '责任单位'}”列",
                path=source.path,
                line=table.header_line,
                source_line=source.lines[table.header_line - 1],
            )
    if not table.rows:
        raise NoticeError("分工表只有表头，没有任何事项", path=source.path, line=table.header_line)
    front = parse_front_matter(source.lines[: table.start_line - 1])
    builder = _Builder(table, year if year is not None else front.year)
    tasks = builder.build()
    problems = source.problems + builder.problems
    the_year = year if year is not None else front.year
    if the_year is not None and not dt.MINYEAR <= the_year <= dt.MAXYEAR:
        problems.append(
            _warning(
                "bad-year",
                f"年度{the_year if abs(the_year) < 10**12 else '（位数过多）'}"
                f"不在公历{dt.MINYEAR}–{dt.MAXYEAR}年之内，"
                "完成时限无法换算成日期",
            )
        )
    problems += _check_totals(front, tasks, builder.labels)
    meta = NoticeMeta(
        document_number=front.document_number,
        issuer=front.issuer,
        title=front.title,
        year=year if year is not None else front.year,
        addressees=front.addressees,
        attachment_title=front.attachment_title or table.caption,
        declared_categories=front.declared_categories,
        declared_tasks=front.declared_tasks,
        category_counts={name: label.count for name, label in builder.labels.items()},
        source=source.path,
        encoding=source.encoding,
    )
    notice = Notice(meta=meta, tasks=tasks, problems=sorted(problems, key=_problem_order))
    notice._source_lines = source.lines
    return notice


def _warning(code: str, message: str, line: int | None = None, task: int | None = None) -> Problem:
    return Problem(severity=Severity.WARNING, code=code, message=message, line=line, task=task)


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.code)


class _Builder:
    """Walks the rows once, carrying the current category down the table."""

    def __init__(self, table: Table, year: int | None) -> None:
        self.table = table
        self.year = year
        self.problems: list[Problem] = []
        self.labels: dict[str, _Label] = {}
        self.uncategorised: list[Row] = []
        self.missing_cells: dict[int, int] = {}  # task number → line lacking a category cell

    def build(self) -> list[Task]:
        table = self.table
        columns = table.columns
        has_category = "category" in columns
        width = len(columns) - 1  # cells after the number cell
        category: str | None = None
        tasks: list[Task] = []
        for cell in table.stray_cells:
            if cell.parts:
                self.problems.append(
                    _warning(
                        "stray-cell", f"第{cell.line}行的单元格不属于任何事项，已忽略", cell.line
                    )
                )
        for row in table.rows:
            if row.number > MAX_TASK_NUMBER:
                self.problems.append(
                    _warning(
                        "bad-number",
                        f"第{row.line}行的序号“{_shorten(row.number_cell.compact)}”"
                        f"超过{MAX_TASK_NUMBER}，不像是事项序号，该项未收录",
                        row.line,
                    )
                )
                continue
            cells: list[Cell | None] = list(row.cells)
            if has_category and len(cells) == width - 1:
                # The merged category cell is missing altogether: do not inherit across it.
                cells.insert(columns.index("category") - 1, None)
                category = None
                self.missing_cells[row.number] = row.cells[0].line if row.cells else row.line
            if len(cells) < width:
                self.problems.append(
                    _warning(
                        "incomplete-row",
                        f"第{row.number}项只有{len(cells) + 1}个单元格（表头有{width + 1}列），"
                        "内容不完整，未收录",
                        row.line,
                        row.number,
                    )
                )
                continue
            if len(cells) > width:
                self.problems.append(
                    _warning(
                        "extra-cells",
                        f"第{row.number}项有{len(cells) + 1}个单元格，多于表头的{width + 1}列，"
                        "多出的单元格已忽略（可能漏了下一项的序号）",
                        row.line,
                        row.number,
                    )
                )
            field = dict(zip(columns[1:], cells, strict=False))
            if has_category:
                category = self._category(field["category"], category, row)
            if category is None:
                self.uncategorised.append(row)
            task = self._task(row, category, field)
            if task is not None:
                tasks.append(task)
        self._check_numbers(tasks)
        self._report_uncategorised()
        return tasks

    def _category(self, cell: Cell | None, current: str | None, row: Row) -> str | None:
        if cell is None or not cell.compact:
            return current
        labels = [
            _Label(m.group("name"), to_int(m.group("count")), cell.line)
            for m in _LABEL.finditer(cell.compact)
        ]
        if not labels:
            labels = [_Label(cell.compact, None, cell.line)]
        names = {label.name for label in labels}
        if len(names) > 1:
            self.problems.append(
                _warning(
                    "conflicting-labels",
                    f"第{row.number}项的类别单元格写了多个不同类别（{'、'.join(sorted(names))}），"
                    f"采用“{labels[0].name}”",
                    cell.line,
                    row.number,
                )
            )
        label = labels[0]
        known = self.labels.get(label.name)
        if known is None:
            self.labels[label.name] = label
        elif label.count is not None and known.count is not None and label.count != known.count:
            self.problems.append(
                _warning(
                    "count-mismatch",
                    f"类别“{label.name}”在第{known.line}行写作{known.count}项，"
                    f"在第{label.line}行又写作{label.count}项",
                    label.line,
                    row.number,
                )
            )
        return label.name

    def _task(self, row: Row, category: str | None, field: dict[str, Cell | None]) -> Task | None:
        content = _join_text(_parts(field.get("content")))
        if not content:
            self.problems.append(
                _warning(
                    "empty-content", f"第{row.number}项的工作内容为空，未收录", row.line, row.number
                )
            )
            return None
        deadline_cell = field.get("deadline")
        deadline = parse_deadline("".join(_parts(deadline_cell)), self.year)
        if deadline.kind is DeadlineKind.UNKNOWN:
            where = deadline_cell.line if deadline_cell else row.line
            self.problems.append(
                _warning(
                    "unknown-deadline",
                    f"第{row.number}项的完成时限“{deadline.text}”无法换算成日期",
                    where,
                    row.number,
                )
            )
        elif deadline.date is None and deadline.kind is not DeadlineKind.ONGOING:
            self.problems.append(
                _warning(
                    "unknown-year",
                    f"第{row.number}项的完成时限“{deadline.text}”缺少年份，通知里也找不到年度"
                    "（可用 --year 指定）",
                    row.line,
                    row.number,
                )
            )
        written = split_units("\n".join(_parts(field.get("units"))))
        if not written:
            self.problems.append(
                _warning("no-units", f"第{row.number}项没有责任单位", row.line, row.number)
            )
        units = list(dict.fromkeys(canonical_unit(name) for name in written))
        return Task(
            number=row.number,
            category=category,
            content=content,
            deadline=deadline,
            units=units,
            units_as_written=written,
            lines=LineSpan(start=row.line, end=row.end),
        )

    def _check_numbers(self, tasks: list[Task]) -> None:
        seen: set[int] = set()
        previous = 0
        for task in tasks:
            if task.number in seen:
                self.problems.append(
                    _warning(
                        "duplicate-number",
                        f"序号{task.number}重复出现（第{task.lines.start}行），两项都已收录",
                        task.lines.start,
                        task.number,
                    )
                )
            elif task.number != previous + 1 and task.number not in seen:
                self.problems.append(
                    _warning(
                        "number-gap",
                        f"序号不连续：第{previous}项之后是第{task.number}项",
                        task.lines.start,
                        task.number,
                    )
                )
            seen.add(task.number)
            previous = max(previous, task.number)

    def _report_uncategorised(self) -> None:
        """One warning per run of consecutive rows that carry no category."""
        runs: list[list[Row]] = []
        for row in self.uncategorised:
            if runs and row.number == runs[-1][-1].number + 1:
                runs[-1].append(row)
            else:
                runs.append([row])
        for run in runs:
            first, last = run[0], run[-1]
            span = f"第{first.number}项" if first is last else f"第{first.number}–{last.number}项"
            line = self.missing_cells.get(first.number)
            if line is not None:
                why = f"第{first.number}项在第{line}行没有类别单元格"
                if len(run) > 1:
                    why += "，其后各项的类别单元格为空，无从继承"
            else:
                why = "这些事项的类别单元格为空，上方也没有可继承的类别"
            self.problems.append(
                _warning(
                    "missing-category",
                    f"{span}（共{len(run)}项，第{first.line}–{last.end}行）原文未标注类别：{why}。"
                    f"类别记为空，显示为“{UNCATEGORISED_LABEL}”",
                    line or first.line,
                    first.number,
                )
            )


def _check_totals(
    front: FrontMatter, tasks: list[Task], labels: dict[str, _Label]
) -> list[Problem]:
    """Cross-check each "（N项）" and the preamble's "N个方面M项" against the rows."""
    problems: list[Problem] = []
    per_category = Counter(task.category for task in tasks if task.category is not None)
    for name, label in labels.items():
        if label.count is not None and per_category[name] != label.count:
            problems.append(
                _warning(
                    "count-mismatch",
                    f"类别“{name}”标明{label.count}项，表中实有{per_category[name]}项",
                    label.line,
                )
            )
    if front.declared_tasks is not None and front.declared_tasks != len(tasks):
        problems.append(
            _warning(
                "count-mismatch",
                f"正文说共{front.declared_tasks}项，表中实有{len(tasks)}项",
                front.totals_line,
            )
        )
    if front.declared_categories is not None and front.declared_categories != len(labels):
        unlabelled = sum(1 for task in tasks if task.category is None)
        tail = f"，另有{unlabelled}项未标注类别" if unlabelled else ""
        problems.append(
            _warning(
                "count-mismatch",
                f"正文说共{front.declared_categories}个方面，表中只标注了{len(labels)}个类别{tail}",
                front.totals_line,
            )
        )
    return problems


def _shorten(text: str, width: int = 20) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _parts(cell: Cell | None) -> list[str]:
    return cell.parts if cell is not None else []


def _join_text(parts: list[str]) -> str:
    """Join wrapped lines: no space between CJK text, one space between Latin words."""
    pieces: list[str] = []
    for part in parts:
        if pieces and not (_CJK.match(pieces[-1][-1]) or _CJK.match(part[0])):
            pieces.append(" ")
        pieces.append(part)
    return "".join(pieces)
