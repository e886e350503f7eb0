"""What the ledger holds: progress reports (填报), actual values of indicators (完成值),
and where each one came from.

These are the contract between the store, the schedule, the workbook reader and
the commands. Nothing here touches SQLite or openpyxl.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

_RECORD = ConfigDict(frozen=True, defer_build=True)


class Status(StrEnum):
    NOT_STARTED = "未启动"
    IN_PROGRESS = "推进中"
    DONE = "已完成"


class Light(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    NONE = "none"


LIGHT_LABELS: dict[Light, str] = {
    Light.DONE: "已完成",
    Light.OVERDUE: "逾期",
    Light.RED: "红灯",
    Light.YELLOW: "黄灯",
    Light.GREEN: "绿灯",
    Light.NONE: "无时限",
}


class FileSource(BaseModel):
    """A report read from a returned workbook."""

    model_config = _RECORD

    file: str = Field(description="文件名")
    sha256: str = Field(description="文件的 SHA-256")
    sheet: str = Field(description="工作表")
    row: int = Field(ge=1, description="行号")
    via_office: bool = Field(default=False, description="来自全表工作簿，由办公室代牵头单位填报")


class Report(BaseModel):
    """One progress report (填报) of one unit on one task. Never changed once recorded."""

    model_config = _RECORD

    task: int = Field(description="事项序号")
    unit: str = Field(description="填报单位（实际接收单位）")
    status: Status = Field(description="状态")
    percent: int = Field(ge=0, le=100, description="完成进度（%）")
    note: str | None = Field(default=None, description="进展情况")
    problems: str | None = Field(default=None, description="存在问题")
    next_steps: str | None = Field(default=None, description="下步打算")
    as_of: dt.date = Field(description="填报日期（报告所说的日期）")
    recorded_at: dt.datetime | None = Field(
        default=None, description="记入台账的时间；尚未记入时为 null"
    )
    source: FileSource | None = Field(default=None, description="来源：null 表示命令行")

    def same_content(self, other: Report) -> bool:
        """Whether two reports say the same thing for the same day (so a re-import adds nothing)."""
        keys = ("task", "unit", "status", "percent", "note", "problems", "next_steps", "as_of")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


class Actual(BaseModel):
    """One unit's actual value (完成值) of one indicator (量化指标). Never changed once recorded."""

    model_config = _RECORD

    task: int = Field(description="事项序号")
    indicator: str = Field(description="指标编号“序号.k”")
    unit: str = Field(description="填报单位（实际接收单位）")
    value: float = Field(ge=0, description="完成值（万、亿已乘出，单位同指标）")
    status: Status | None = Field(default=None, description="随完成值填报的状态；没有时为 null")
    as_of: dt.date = Field(description="填报日期（完成值所说的日期）")
    recorded_at: dt.datetime | None = Field(
        default=None, description="记入台账的时间；尚未记入时为 null"
    )
    source: FileSource | None = Field(default=None, description="来源：null 表示命令行")

    def same_content(self, other: Actual) -> bool:
        """Whether two actuals say the same thing for the same day (so a repeat adds nothing)."""
        keys = ("task", "indicator", "unit", "value", "status", "as_of")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


class ReportError(ValueError):
    """A status and percent that contradict each other; the message is Chinese."""


def settle(
    status: Status | None, percent: int | None, *, has_text: bool = False
) -> tuple[Status, int]:
    """The status and percent a report records, by the ledger's rules.

    已完成 means 100 and 未启动 means 0 when no percent is given; 推进中 needs a
    percent (100 allowed, completion not yet confirmed); 已完成 with less than 100
    or 未启动 with more than 0 is a contradiction; text or a percent without a
    status is an error. Raises ReportError.
    """
    if status is None:
        if percent is not None or has_text:
            raise ReportError("填写了进度或文字，但没有选择状态（未启动、推进中或已完成）")
        raise ReportError("没有选择状态（未启动、推进中或已完成）")
    if percent is not None and not 0 <= percent <= 100:
        raise ReportError(f"完成进度应是 0 到 100 的整数，收到 {percent}")
    if status is Status.DONE:
        if percent is not None and percent != 100:
            raise ReportError(f"状态为已完成，完成进度却是 {percent}%（已完成即 100%）")
        return status, 100
    if status is Status.NOT_STARTED:
        if percent not in (None, 0):
            raise ReportError(f"状态为未启动，完成进度却是 {percent}%（未启动即 0%）")
        return status, 0
    if percent is None:
        raise ReportError("状态为推进中，须填写完成进度（0–100）")
    return status, percent
