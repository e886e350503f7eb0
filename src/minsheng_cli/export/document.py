"""What an exporter receives: the tasks to write and how to title them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from minsheng_cli.models import DeadlineKind, NoticeMeta, Task

Role = Literal["牵头", "配合"]

KIND_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.DATE: "具体日期",
    DeadlineKind.MONTH: "月份",
    DeadlineKind.QUARTER: "季度",
    DeadlineKind.HALF_YEAR: "半年",
    DeadlineKind.YEAR: "全年",
    DeadlineKind.ONGOING: "常态化",
    DeadlineKind.UNKNOWN: "无法识别",
}


@dataclass(frozen=True)
class ExportDocument:
    """One document to write.

    `tasks` are already filtered and ordered. `unit` is set for a per-unit document
    (its tasks come lead-first); `subtitle` then says what the document holds,
    for example "市民政局（牵头12项，配合3项）".
    """

    meta: NoticeMeta
    tasks: list[Task]
    title: str
    subtitle: str | None = None
    unit: str | None = None

    def role(self, task: Task) -> Role | None:
        """Whether `unit` leads or supports `task`; None for documents not made for a unit."""
        if self.unit is None or self.unit not in task.units:
            return None
        return "牵头" if task.lead_unit == self.unit else "配合"
