"""An office's corrections to the notice, kept in its overlay and never made by editing it.

    [[corrections]]
    tasks = "62-80"            # or task = 62, or tasks = [62, 63]
    field = "category"         # category, content, units or deadline
    was = ""                   # what the source holds now ("" for an empty cell)
    now = "社会服务"
    reason = "原文第62—80项缺少类别单元格"

    [aliases]                  # more spellings of a unit, on top of data/units.toml
    "民政局" = "市民政局"

    [[corrections]]
    target = "9.2"             # one 量化指标, by its id
    drop = true                # or kind = "standard"
    was = "由15万元提高到21万元"  # the indicator as written in the source
    reason = "该项为上级政策调整，不作考核"

Every correction states what the source holds now. When the source no longer
holds it, the correction is an error naming its line in the overlay: it is never
skipped in silence. Each corrected task records what changed, and warnings that
a correction answers give way to a note of the correction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from minsheng_cli.models import (
    Correction,
    CorrectionField,
    Notice,
    Problem,
    Severity,
    TargetKind,
    Task,
)
from minsheng_cli.overlay import Overlay

SECTION = "corrections"
ALIASES = "aliases"
_RANGE = re.compile(r"\A\s*(\d{1,9})\s*[-–—~～至到]\s*(\d{1,9})\s*\Z")
_KEYS = {"task", "tasks", "field", "was", "now", "reason"}
_TARGET_KEYS = {"target", "drop", "kind", "was", "reason"}
_TARGET_ID = re.compile(r"\A\s*(\d{1,9})\.(\d{1,6})\s*\Z")
_KIND_NAMES = {
    TargetKind.AMOUNT: "数量",
    TargetKind.PERCENT: "比率",
    TargetKind.RAISE: "提高",
    TargetKind.STANDARD: "标准",
    TargetKind.THRESHOLD: "起付条件",
}
_FIELD_NAMES = {
    CorrectionField.CATEGORY: "类别",
    CorrectionField.CONTENT: "工作内容",
    CorrectionField.UNITS: "责任单位",
    CorrectionField.DEADLINE: "完成时限",
}


@dataclass(frozen=True)
class _Entry:
    tasks: tuple[int, ...]
    field: CorrectionField
    was: str
    now: str
    reason: str
    line: int | None
    target: str | None = None  # the indicator's id, for field TARGET
    kind: TargetKind | None = None  # the kind it becomes; None: it is dropped


def apply_corrections(notice: Notice, overlay: Overlay | None) -> Notice:
    """The notice with the overlay's [aliases] and [[corrections]] applied.

    Raises OverlayError for a malformed entry, an unknown task, or a `was` that
    the source does not hold.
    """
    if overlay is None or not ({SECTION, ALIASES} & set(overlay.sections)):
        return notice
    tasks = {task.number: task for task in notice.tasks}
    if ALIASES in overlay.sections:
        aliases = _aliases(overlay)
        for number, task in tasks.items():
            tasks[number] = _aliased(task, aliases)
    entries = _entries(overlay, set(tasks))
    # Indicators last, so that `was` is read from the content as corrected.
    for entry in sorted(entries, key=lambda e: e.field is CorrectionField.TARGET):
        for number in entry.tasks:
            tasks[number] = _corrected(overlay, entry, tasks[number])
    corrected = [tasks[t.number] for t in notice.tasks]
    updated = notice.model_copy(update={"tasks": corrected})
    return updated.model_copy(update={"problems": _problems(updated, entries)})


def _entries(overlay: Overlay, numbers: set[int]) -> list[_Entry]:
    raw = overlay.sections.get(SECTION, [])
    lines = _entry_lines(overlay)
    if not isinstance(raw, list):
        raise overlay.error("corrections 应写成 [[corrections]] 表数组，每条更正一个", lines[0])
    entries = []
    for index, item in enumerate(raw):
        line = lines[index] if index < len(lines) else None
        entries.append(_entry(overlay, item, line, numbers))
    return entries


def _entry(overlay: Overlay, item: Any, line: int | None, numbers: set[int]) -> _Entry:
    if not isinstance(item, dict):
        raise overlay.error("每条更正应是一个表（[[corrections]]）", line)
    if "target" in item:
        return _target_entry(overlay, item, line, numbers)
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        known = "、".join(sorted(_KEYS))
        raise overlay.error(f"更正中不认识的键 {'、'.join(unknown)}（可用：{known}）", line)
    for key in ("field", "was", "now", "reason"):
        if not isinstance(item.get(key), str):
            raise overlay.error(f"更正缺少 {key}，或它不是文字（用引号括起来）", line)
    try:
        field = CorrectionField(item["field"].strip())
    except ValueError:
        field = None
    if field not in _FIELD_NAMES:  # an indicator is named by target = "N.k", not by field
        names = "、".join(f.value for f in _FIELD_NAMES)
        hint = '；更正量化指标请写 target = "9.2"' if field is CorrectionField.TARGET else ""
        raise overlay.error(f"不认识的字段“{item['field']}”（可用：{names}）{hint}", line)
    assert field is not None
    if not item["reason"].strip():
        raise overlay.error("更正须写明理由（reason）", line)
    if field is not CorrectionField.CATEGORY and not item["now"].strip():
        raise overlay.error(f"{_FIELD_NAMES[field]}不能更正为空", line)
    tasks = _tasks(overlay, item, line)
    missing = [n for n in tasks if n not in numbers]
    if missing:
        shown = "、".join(f"第{n}项" for n in missing[:5])
        raise overlay.error(f"通知中没有{shown}", line)
    return _Entry(tasks, field, item["was"], item["now"], item["reason"].strip(), line)


def _target_entry(
    overlay: Overlay, item: dict[str, Any], line: int | None, numbers: set[int]
) -> _Entry:
    """[[corrections]] with target = "N.k": drop = true, or kind = "<kind>"."""
    unknown = sorted(set(item) - _TARGET_KEYS)
    if unknown:
        known = "、".join(sorted(_TARGET_KEYS))
        raise overlay.error(f"指标更正中不认识的键 {'、'.join(unknown)}（可用：{known}）", line)
    written = item["target"]
    match = _TARGET_ID.match(written) if isinstance(written, str) else None
    if match is None:
        raise overlay.error(f'指标编号写法不对：{written!r}（写作 target = "9.2"）', line)
    for key in ("was", "reason"):
        if not isinstance(item.get(key), str):
            raise overlay.error(f"更正缺少 {key}，或它不是文字（用引号括起来）", line)
    if not item["reason"].strip():
        raise overlay.error("更正须写明理由（reason）", line)
    drop, kind = item.get("drop"), item.get("kind")
    if (drop is True) == (kind is not None) or drop not in (None, True):
        raise overlay.error('指标更正须写 drop = true 或 kind = "standard"（二者之一）', line)
    new_kind = None
    if kind is not None:
        try:
            new_kind = TargetKind(kind.strip() if isinstance(kind, str) else kind)
        except ValueError:
            names = "、".join(k.value for k in TargetKind)
            raise overlay.error(f"不认识的指标类型“{kind}”（可用：{names}）", line) from None
    number = int(match.group(1))
    if number not in numbers:
        raise overlay.error(f"通知中没有第{number}项", line)
    target = f"{number}.{int(match.group(2))}"
    now = f"{target}：{new_kind.value}" if new_kind else f"{target}：删去"
    return _Entry(
        (number,),
        CorrectionField.TARGET,
        item["was"],
        now,
        item["reason"].strip(),
        line,
        target=target,
        kind=new_kind,
    )


def _tasks(overlay: Overlay, item: dict[str, Any], line: int | None) -> tuple[int, ...]:
    if ("task" in item) == ("tasks" in item):
        raise overlay.error('每条更正须写 task = N 或 tasks = "N-M"（二者之一）', line)
    value = item.get("task", item.get("tasks"))
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return tuple(dict.fromkeys(value))
    if isinstance(value, str):
        match = _RANGE.match(value)
        if match:
            first, last = int(match.group(1)), int(match.group(2))
            if first <= last and last - first < 100_000:
                return tuple(range(first, last + 1))
    raise overlay.error(f'事项写法不对：{value!r}（写作 62、[62, 63] 或 "62-80"）', line)


def _corrected(overlay: Overlay, entry: _Entry, task: Task) -> Task:
    """`task` with one correction made; OverlayError when the source does not hold `was`."""
    field, was, now = entry.field, entry.was, entry.now
    update: dict[str, Any]
    if field is CorrectionField.TARGET:
        update = {"targets": _targets(overlay, entry, task)}
    elif field is CorrectionField.CATEGORY:
        held = task.category or ""
        if held != was.strip():
            raise _stale(overlay, entry, task, held)
        update = {"category": now.strip() or None}
    elif field is CorrectionField.CONTENT:
        if not was or was not in task.content:
            raise _stale(overlay, entry, task, task.content)
        from minsheng_cli.notice.targets import extract_targets

        content = task.content.replace(was, now)
        # The indicators are read again from the content as corrected.
        update = {"content": content, "targets": extract_targets(task.number, content)}
    elif field is CorrectionField.UNITS:
        written = [*task.units, *task.units_as_written]
        if was.strip() not in written:
            raise _stale(overlay, entry, task, "、".join(task.units_as_written))
        update = {"units": _replaced(task.units, task.units_as_written, was.strip(), now.strip())}
    else:
        if task.deadline.text != was.strip():
            raise _stale(overlay, entry, task, task.deadline.text)
        update = {"deadline": _deadline(overlay, entry, task)}
    record = Correction(field=field, was=was, now=now, reason=entry.reason)
    return task.model_copy(update={**update, "corrections": [*task.corrections, record]})


def _targets(overlay: Overlay, entry: _Entry, task: Task) -> list[Any]:
    """The task's indicators with `entry` applied; OverlayError for a missing or stale one."""
    found = [t for t in task.targets if t.id == entry.target]
    if not found:
        held = "、".join(t.id for t in task.targets) or "无"
        raise overlay.error(
            f"第{task.number}项没有指标{entry.target}（现有指标：{held}）", entry.line
        )
    target = found[0]
    if target.as_written != entry.was.strip():
        raise overlay.error(
            f"第{task.number}项的指标{entry.target}更正已与原文不符："
            f"更正说原文是“{entry.was}”，原文现在是“{target.as_written}”；"
            "请核对后修改或删去这条更正",
            entry.line,
        )
    if entry.kind is None:
        return [t for t in task.targets if t is not target]
    if entry.kind is TargetKind.RAISE and target.baseline is None:
        raise overlay.error(
            f"第{task.number}项的指标{entry.target}没有写明基数，不能改为 raise", entry.line
        )
    update: dict[str, Any] = {"kind": entry.kind}
    if entry.kind is TargetKind.STANDARD:
        update["per"] = None  # a standard applies to each head, never to each recipient
    if entry.kind is not TargetKind.RAISE:
        update["baseline"] = None
    changed = target.model_copy(update=update)
    return [changed if t is target else t for t in task.targets]


def _stale(overlay: Overlay, entry: _Entry, task: Task, held: str) -> Exception:
    shown = held if len(held) <= 60 else held[:60] + "…"
    return overlay.error(
        f"第{task.number}项的{_FIELD_NAMES[entry.field]}更正已与原文不符："
        f"更正说原文是“{entry.was}”，原文现在是“{shown}”；请核对后修改或删去这条更正",
        entry.line,
    )


def _replaced(units: Sequence[str], written: Sequence[str], was: str, now: str) -> list[str]:
    """The canonical units with the one spelled `was` (as written or canonical) replaced."""
    from minsheng_cli.units import canonical_unit

    result = []
    for canonical, as_written in zip(units, written, strict=False):
        result.append(canonical_unit(now) if was in (canonical, as_written) else canonical)
    return list(dict.fromkeys(result))


def _deadline(overlay: Overlay, entry: _Entry, task: Task) -> Any:
    """The deadline `now` says: a YYYY-MM-DD date, or a phrase read as the notice's are."""
    import datetime as dt

    from minsheng_cli.models import Deadline, DeadlineKind
    from minsheng_cli.notice.deadlines import parse_deadline

    text = entry.now.strip()
    try:
        return Deadline(
            text=text, date=dt.date.fromisoformat(text), kind=DeadlineKind.DATE, note=None
        )
    except ValueError:
        year = task.deadline.date.year if task.deadline.date else None
        parsed = parse_deadline(text, year)
        if parsed.date is not None or year is None:
            return parsed
    raise overlay.error(f"读不懂完成时限“{text}”（可写 2015-11-30 或“11月底”）", entry.line)


def _aliases(overlay: Overlay) -> dict[str, str]:
    raw = overlay.sections[ALIASES]
    line = overlay.line_of(ALIASES)
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw.items()
    ):
        raise overlay.error('[aliases] 中每一行应写作 "别称" = "规范名称"', line)
    return {"".join(k.split()): v.strip() for k, v in raw.items()}


def _aliased(task: Task, aliases: dict[str, str]) -> Task:
    units = [
        aliases.get("".join(w.split()), aliases.get(u, u))
        for u, w in zip(task.units, task.units_as_written, strict=False)
    ]
    units = list(dict.fromkeys(units))
    return task if units == task.units else task.model_copy(update={"units": units})


def _problems(notice: Notice, entries: Sequence[_Entry]) -> list[Problem]:
    """Warnings the corrections answer give way to a note of each correction."""
    categorised = {t.number for t in notice.tasks if t.category is not None}
    names = {t.category for t in notice.tasks if t.category is not None}
    declared = notice.meta.declared_categories
    kept = []
    for problem in notice.problems:
        if problem.code == "missing-category" and _answered_run(problem, notice, categorised):
            continue
        if problem.code == "count-mismatch" and declared is not None and len(names) == declared:
            if all(t.category is not None for t in notice.tasks):
                continue
        kept.append(problem)
    notes = [
        Problem(
            severity=Severity.CORRECTION,
            code="correction",
            message=_describe(entry),
            line=None,
            task=entry.tasks[0],
        )
        for entry in entries
    ]
    return kept + notes


def _answered_run(problem: Problem, notice: Notice, categorised: set[int]) -> bool:
    """Whether every task of the uncategorised run that `problem` reports now has a category."""
    match = re.search(r"第(\d+)–(\d+)项", problem.message)
    if match:
        run = range(int(match.group(1)), int(match.group(2)) + 1)
    else:
        run = range(problem.task or 0, (problem.task or 0) + 1)
    return all(n in categorised for n in run if any(t.number == n for t in notice.tasks))


def _describe(entry: _Entry) -> str:
    tasks = entry.tasks
    where = (
        f"第{tasks[0]}项" if len(tasks) == 1 else f"第{tasks[0]}–{tasks[-1]}项（{len(tasks)}项）"
    )
    if len(tasks) > 1 and tasks != tuple(range(tasks[0], tasks[-1] + 1)):
        where = "、".join(f"第{n}项" for n in tasks)
    if entry.field is CorrectionField.TARGET:
        what = f"{where}的指标{entry.target}（“{entry.was.strip()}”）"
        if entry.kind is None:
            return f"已按补充文件删去{what}。理由：{entry.reason}"
        name = _KIND_NAMES[entry.kind]
        return f"已按补充文件将{what}的类型改为 {entry.kind.value}（{name}）。理由：{entry.reason}"
    was = f"“{entry.was}”" if entry.was else "（空）"
    now = f"“{entry.now}”" if entry.now else "（空）"
    return (
        f"已按补充文件更正{where}的{_FIELD_NAMES[entry.field]}：{was} → {now}。理由：{entry.reason}"
    )


def _entry_lines(overlay: Overlay) -> list[int | None]:
    """The line of each [[corrections]] header, in order."""
    header = re.compile(r"^\s*\[\[\s*corrections\s*\]\]")
    lines: list[int | None] = [i + 1 for i, t in enumerate(overlay.lines) if header.match(t)]
    return lines or [overlay.line_of(SECTION)]
