"""Task states as plain data: the JSON of `progress list`, and rows for CSV.

The models below describe that JSON (schemas/progress.schema.json); the records
themselves are built as dicts, as `serialize.task_record` builds a task's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from minsheng_cli.ledger.records import LIGHT_LABELS, FileSource, Light, Report, Status
from minsheng_cli.ledger.schedule import TaskState, round1
from minsheng_cli.models import Task

_RECORD = ConfigDict(frozen=True, defer_build=True)

NOT_REPORTED = "未报送"

PROGRESS_HEADERS = [
    "序号",
    "工作内容",
    "牵头单位",
    "截止日期",
    "状态",
    "进度（%）",
    "序时进度（%）",
    "落后（百分点）",
    "灯",
    "填报单位",
    "填报日期",
    "进展情况",
    "存在问题",
    "下步打算",
]


class ProgressEntry(BaseModel):
    """A unit's latest report as `progress list` shows it; for a group, the members combined."""

    model_config = _RECORD

    status: Status = Field(description="状态")
    percent: float = Field(ge=0, le=100, description="完成进度（%）；统称牵头时为成员的平均")
    note: str | None = Field(description="进展情况")
    problems: str | None = Field(description="存在问题")
    next_steps: str | None = Field(description="下步打算")
    unit: str = Field(description="填报单位；统称牵头时为统称")
    as_of: dt.date = Field(description="填报日期；统称牵头时为成员中最晚的")
    recorded_at: dt.datetime | None = Field(description="记入台账的时间")
    source: Literal["cli"] | FileSource | None = Field(
        description="来源：cli（命令行）或工作簿的文件、SHA-256、工作表和行；统称的合计为 null"
    )
    members: list[MemberEntry] | None = Field(
        default=None, description="统称牵头时，每个成员的最新填报；否则没有此项"
    )


class MemberEntry(BaseModel):
    model_config = _RECORD

    unit: str = Field(description="成员单位")
    progress: ProgressEntry | None = Field(description="该成员的最新填报；未报送为 null")


class ScheduleEntry(BaseModel):
    model_config = _RECORD

    expected_percent: float | None = Field(description="序时进度（%，一位小数）；无时限为 null")
    behind_by: float | None = Field(
        description="落后序时进度的百分点（一位小数，超前为负）；无时限为 null"
    )
    light: Light = Field(description="灯：done、overdue、red、yellow、green 或 none")
    reported: bool = Field(description="是否有人填报过（否则按 0% 计，标为未报送）")


class TaskProgress(Task):
    """A task as `progress list --format json` gives it: the task record, plus its progress."""

    progress: ProgressEntry | None = Field(
        description="当前状态（牵头单位的最新填报）；未报送为 null"
    )
    supporting: list[ProgressEntry] = Field(description="各配合单位的最新填报")
    schedule: ScheduleEntry = Field(description="序时进度和灯")


def report_record(report: Report) -> dict[str, Any]:
    """One report in the JSON form (`source` is "cli" or the workbook it came from)."""
    source: Any = "cli"
    if report.source is not None:
        s = report.source
        source = {
            "file": s.file,
            "sha256": s.sha256,
            "sheet": s.sheet,
            "row": s.row,
            "via_office": s.via_office,
        }
    return {
        "status": report.status.value,
        "percent": report.percent,
        "note": report.note,
        "problems": report.problems,
        "next_steps": report.next_steps,
        "unit": report.unit,
        "as_of": report.as_of.isoformat(),
        "recorded_at": report.recorded_at.isoformat() if report.recorded_at else None,
        "source": source,
    }


def progress_record(state: TaskState) -> dict[str, Any] | None:
    """The task's current state in the JSON form, or None when unreported."""
    if state.status is None:
        return None
    if state.lead is not None:
        return report_record(state.lead)
    given = [m.report for m in state.members if m.report is not None]
    newest = max(given, key=lambda r: (r.as_of, r.recorded_at or dt.datetime.min))
    return {
        "status": state.status.value,
        "percent": round1(state.percent),
        "note": None,
        "problems": None,
        "next_steps": None,
        "unit": state.group,
        "as_of": newest.as_of.isoformat(),
        "recorded_at": newest.recorded_at.isoformat() if newest.recorded_at else None,
        "source": None,
        "members": [
            {"unit": m.unit, "progress": report_record(m.report) if m.report else None}
            for m in state.members
        ],
    }


def state_record(state: TaskState) -> dict[str, Any]:
    """What `progress list --format json` gives for one task."""
    from minsheng_cli.serialize import task_record

    return {
        **task_record(state.task),
        "progress": progress_record(state),
        "supporting": [report_record(r) for r in state.supporting],
        "schedule": {
            "expected_percent": round1(state.expected),
            "behind_by": round1(state.behind),
            "light": state.light.value,
            "reported": state.reported,
        },
    }


def status_label(state: TaskState) -> str:
    return state.status.value if state.status else NOT_REPORTED


def figure(value: float | None) -> str:
    """A percent figure as shown: one decimal, without a trailing .0; — when None."""
    rounded = round1(value)
    if rounded is None:
        return "—"
    return f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"


def state_row(state: TaskState) -> list[str | int]:
    """One row under PROGRESS_HEADERS."""
    task = state.task
    shown = state.lead
    return [
        task.number,
        task.content,
        task.lead_unit or "",
        task.deadline.date.isoformat() if task.deadline.date else task.deadline.text,
        status_label(state),
        figure(state.percent),
        figure(state.expected),
        figure(state.behind),
        LIGHT_LABELS[state.light],
        shown.unit if shown else (state.group or "") if state.reported else "",
        shown.as_of.isoformat() if shown else "",
        (shown.note or "") if shown else "",
        (shown.problems or "") if shown else "",
        (shown.next_steps or "") if shown else "",
    ]


HISTORY_HEADERS = [
    "填报日期",
    "填报单位",
    "状态",
    "进度（%）",
    "进展情况",
    "存在问题",
    "下步打算",
    "记入时间",
    "来源",
]


def source_label(report: Report) -> str:
    """Where a report came from, in words: 命令行, or the workbook, its sheet and row."""
    source = report.source
    if source is None:
        return "命令行"
    office = "，经办公室全表" if source.via_office else ""
    return (
        f"{source.file} 工作表“{source.sheet}”第{source.row}行"
        f"（SHA-256 {source.sha256[:12]}…{office}）"
    )


def recorded_label(report: Report) -> str:
    """The recording time in local time, to the second."""
    if report.recorded_at is None:
        return ""
    return report.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def history_row(report: Report) -> list[str | int]:
    """One row under HISTORY_HEADERS."""
    return [
        report.as_of.isoformat(),
        report.unit,
        report.status.value,
        report.percent,
        report.note or "",
        report.problems or "",
        report.next_steps or "",
        recorded_label(report),
        source_label(report),
    ]
