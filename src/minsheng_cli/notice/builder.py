"""Rows to tasks: categories, deadlines and units, plus every problem found on the way."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from minsheng_cli.errors import NoticeError
from minsheng_cli.models import (
    UNCATEGORISED,
    UNCATEGORISED_LABEL,
    DeadlineKind,
    LineSpan,
    Notice,
    NoticeMeta,
    Problem,
    Severity,
    Task,
)
from minsheng_cli.notice.deadlines import parse_deadline, parse_item_deadlines
from minsheng_cli.notice.metadata import FrontMatter, parse_front_matter, year_in
from minsheng_cli.notice.numerals import NUMERAL, to_int
from minsheng_cli.notice.reading import Reading
from minsheng_cli.notice.table import MAX_TASK_NUMBER, Cell, Row, Table
from minsheng_cli.notice.targets import extract_targets
from minsheng_cli.units import canonical_unit, split_units

# A vertical category label once its lines are joined: 就业增收（5项）. The count is optional.
# The name starts only where a run of non-brackets starts (the lookbehind), so that a
# long cell without a label is tried once and not once per character.
_LABEL = re.compile(rf"(?<![^（(）)])(?P<name>[^（(）)]+)[（(](?P<count>{NUMERAL})项[）)]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# A category cell that says there is none (as this tool's own exports write it).
_NO_CATEGORY = {UNCATEGORISED_LABEL, UNCATEGORISED}


@dataclass
class _Label:
    name: str
    count: int | None
    line: int
    position: str


def parse_reading(reading: Reading, year: int | None = None) -> Notice:
    """Tasks from what a reader found, whatever the kind of file it read."""
    table = reading.table
    if table is None:
        raise NoticeError(reading.no_table, path=reading.path)
    if "units" not in table.columns:
        raise NoticeError(
            "分工表表头缺少“责任单位”列",
            path=reading.path,
            line=table.header_line,
            source_line=_line(reading.lines, table.header_line),
        )
    if not table.rows:
        raise NoticeError("分工表只有表头，没有任何事项", path=reading.path, line=table.header_line)
    front = parse_front_matter(reading.front)
    if reading.kind != "text":
        front.totals_line = None  # a paragraph's index, not a line of `reading.lines`
    the_year = year if year is not None else front.year
    if the_year is None and table.caption:
        # 北山市2016年民生实事项目: the table's own title, when the front matter has no year.
        the_year = year_in(table.caption)
    builder = _Builder(table, the_year)
    tasks = builder.build()
    problems = reading.problems + builder.problems
    if "deadline" not in table.columns:
        # Once for the table: every task lacks a deadline for the same reason.
        problems.append(
            _warning(
                "no-deadline-column",
                f"分工表没有“完成时限”列：{len(tasks)}项事项都没有完成时限",
                table.header_line,
            )
        )
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
        year=the_year,
        addressees=front.addressees,
        attachment_title=front.attachment_title or table.caption,
        declared_categories=front.declared_categories,
        declared_tasks=front.declared_tasks,
        category_counts={name: label.count for name, label in builder.labels.items()},
        source=reading.path,
        encoding=reading.encoding,
    )
    if reading.kind != "text":
        problems = _placed(problems, table)
    notice = Notice(meta=meta, tasks=tasks, problems=sorted(problems, key=_problem_order))
    notice._source_lines = reading.lines
    return notice


def _placed(problems: list[Problem], table: Table) -> list[Problem]:
    """Problems of a Word, web or Excel notice say where they are in its own terms."""
    where = table.positions
    return [
        problem.model_copy(update={"position": where[problem.line]})
        if problem.position is None and problem.line in where
        else problem
        for problem in problems
    ]


def _line(lines: list[str], number: int) -> str | None:
    return lines[number - 1] if 0 < number <= len(lines) else None


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
        self.empty_merges: dict[int, str] = {}  # task number → its empty merged category cell

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
                        "stray-cell", f"{cell.position}的单元格不属于任何事项，已忽略", cell.line
                    )
                )
        merges = self._merge_starts() if has_category else set()
        for index, row in enumerate(table.rows):
            if row.number > MAX_TASK_NUMBER:
                self.problems.append(
                    _warning(
                        "bad-number",
                        f"{row.position}的序号“{_shorten(row.number_cell.compact)}”"
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
                category = self._category(field["category"], category, row, index in merges)
            if category is None:
                self.uncategorised.append(row)
            task = self._task(row, category, field)
            if task is not None:
                tasks.append(task)
        self._check_numbers(tasks)
        self._report_uncategorised()
        return tasks

    def _merge_starts(self) -> set[int]:
        """Indexes of the rows whose category cell is the first of a merged cell."""
        at = self.table.columns.index("category") - 1
        merged = [len(row.cells) > at and row.cells[at].merged for row in self.table.rows]
        return {i for i in range(len(merged) - 1) if merged[i + 1] and not merged[i]}

    def _category(
        self, cell: Cell | None, current: str | None, row: Row, starts_merge: bool
    ) -> str | None:
        """The row's category. An empty cell inherits `current`, unless it is (part of) a
        merged cell: a merged cell's value, empty or not, belongs to every row it covers."""
        if cell is None:
            return current
        text = cell.compact
        if not text:
            if not (cell.merged or starts_merge):
                return current
            self.empty_merges.setdefault(row.number, cell.position)
            return None
        if text in _NO_CATEGORY:
            return None  # this tool's own export says so in every row
        labels = [
            _Label(m.group("name"), to_int(m.group("count")), cell.line, cell.position)
            for m in _LABEL.finditer(text)
        ]
        if not labels:
            labels = [_Label(text, None, cell.line, cell.position)]
        if cell.merged and labels[0].name in self.labels:
            return labels[0].name  # the merged cell's first row told it already
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
                    f"类别“{label.name}”在{known.position}写作{known.count}项，"
                    f"在{label.position}又写作{label.count}项",
                    label.line,
                    row.number,
                )
            )
        return label.name

    def _task(self, row: Row, category: str | None, field: dict[str, Cell | None]) -> Task | None:
        title = _join_text(_parts(field.get("title")))
        items = [(_join_text(text), "".join(when)) for text, when in row.items]
        joined = "；".join(text.rstrip("；;。") for text, _ in items)
        content = _titled(title, joined or _join_text(_parts(field.get("content"))))
        if not content:
            self.problems.append(
                _warning(
                    "empty-content", f"第{row.number}项的工作内容为空，未收录", row.line, row.number
                )
            )
            return None
        deadline_cell = field.get("deadline")
        if items:  # several sub-items, each with a deadline: one milestone a clause
            deadline = parse_item_deadlines([(_name(t), w) for t, w in items], self.year)
        else:
            deadline = parse_deadline("".join(_parts(deadline_cell)), self.year)
        # With no deadline column, parse_reading says so once for the table.
        checked = "deadline" in self.table.columns
        if checked and deadline.kind is DeadlineKind.UNKNOWN:
            where = deadline_cell.line if deadline_cell else row.line
            self.problems.append(
                _warning(
                    "unknown-deadline",
                    f"第{row.number}项的完成时限“{deadline.text}”无法换算成日期",
                    where,
                    row.number,
                )
            )
        elif checked and deadline.date is None and deadline.kind is not DeadlineKind.ONGOING:
            self.problems.append(
                _warning(
                    "unknown-year",
                    f"第{row.number}项的完成时限“{deadline.text}”缺少年份，通知里也找不到年度"
                    "（可用 --year 指定）",
                    row.line,
                    row.number,
                )
            )
        # A 配合单位 column of its own follows the lead unit's.
        written = split_units(
            "\n".join([*_parts(field.get("units")), *_parts(field.get("supporting"))])
        )
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
            position=row.position or None,
            title=title if title and title != content else None,
            leader=_join_text(_parts(field.get("leader"))) or None,
            targets=extract_targets(row.number, content),
        )

    def _check_numbers(self, tasks: list[Task]) -> None:
        seen: set[int] = set()
        previous = 0
        for task in tasks:
            if task.number in seen:
                self.problems.append(
                    _warning(
                        "duplicate-number",
                        f"序号{task.number}重复出现（{task.position}），两项都已收录",
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
            elif first.number in self.empty_merges:
                why = f"类别单元格（{self.empty_merges[first.number]}起）是合并的空单元格"
            else:
                why = "这些事项的类别单元格为空，上方也没有可继承的类别"
            self.problems.append(
                _warning(
                    "missing-category",
                    f"{span}（共{len(run)}项，{self.table.span(first.line, last.end)}）"
                    f"原文未标注类别：{why}。"
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


def _titled(title: str, content: str) -> str:
    """项目名称 beside 主要内容: the name leads the content, 幼儿园建设：新建公办幼儿园2所.

    Kept in the content rather than a field of its own, so that every export, search
    and record shows it without learning a new column.
    """
    if not title or content.startswith(title):
        return content
    if not content:
        return title
    return f"{title}：{content}"


def _name(text: str) -> str:
    """What names a sub-item in its milestones: its first clause."""
    return re.split(r"[，,；;。：:]", text, maxsplit=1)[0]


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
