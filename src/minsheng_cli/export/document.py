"""What an exporter receives: the tasks to write and how to title them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from minsheng_cli.models import DeadlineKind, NoticeMeta, Task
from minsheng_cli.query import UnitTarget, role_label

if TYPE_CHECKING:
    from minsheng_cli.ledger.records import Actual, Report
    from minsheng_cli.ledger.workbook import WorkbookIdentity

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

    `tasks` are already filtered and ordered. `targets` are set for a document made
    for one or several units or recipients (its tasks come lead-first), and `unit`
    names them; `subtitle` then says what the document holds, for example
    "市民政局（牵头12项，配合3项）".

    `identity`, when set, is written to a very hidden sheet of an xlsx workbook so
    that the returned file can be checked; `prefill` puts a report per task number
    into the fill-in columns (export --prefill), and `prefill_actuals` an actual per
    indicator id into the 量化指标 sheet's.

    For Word: `page_start` numbers the pages from that number, to run on from the
    body of the notice; `copy_of_attachment` heads the attachment with the notice's
    document number and 附件, as one sent on its own is headed (GB/T 9704 §7.3.7).
    """

    meta: NoticeMeta
    tasks: list[Task]
    title: str
    subtitle: str | None = None
    targets: tuple[UnitTarget, ...] = ()
    identity: WorkbookIdentity | None = None
    prefill: Mapping[int, Report] | None = None
    prefill_actuals: Mapping[str, Actual] | None = None
    page_start: int | None = None
    copy_of_attachment: bool = False

    @property
    def unit(self) -> str | None:
        """Whom the document is for (names joined with 、), or None for a general one."""
        return "、".join(t.name for t in self.targets) or None

    def role(self, task: Task) -> str | None:
        """牵头 or 配合, with the group it comes through; None when not made for a unit."""
        return role_label(task, self.targets) or None if self.targets else None
