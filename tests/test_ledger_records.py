from __future__ import annotations

import pytest

from minsheng_cli.ledger.records import ReportError, Status, settle

SETTLED = [
    (Status.DONE, None, (Status.DONE, 100)),
    (Status.DONE, 100, (Status.DONE, 100)),
    (Status.NOT_STARTED, None, (Status.NOT_STARTED, 0)),
    (Status.NOT_STARTED, 0, (Status.NOT_STARTED, 0)),
    (Status.IN_PROGRESS, 60, (Status.IN_PROGRESS, 60)),
    (Status.IN_PROGRESS, 100, (Status.IN_PROGRESS, 100)),
    (Status.IN_PROGRESS, 0, (Status.IN_PROGRESS, 0)),
]


@pytest.mark.parametrize(("status", "percent", "settled"), SETTLED)
def test_settle(status: Status, percent: int | None, settled: tuple[Status, int]) -> None:
    assert settle(status, percent) == settled


REFUSED = [
    (Status.DONE, 60, "已完成即 100%"),
    (Status.NOT_STARTED, 20, "未启动即 0%"),
    (Status.IN_PROGRESS, None, "须填写完成进度"),
    (Status.IN_PROGRESS, 101, "0 到 100"),
    (Status.IN_PROGRESS, -1, "0 到 100"),
    (None, 50, "没有选择状态"),
]


@pytest.mark.parametrize(("status", "percent", "message"), REFUSED)
def test_settle_refuses_contradictions(
    status: Status | None, percent: int | None, message: str
) -> None:
    with pytest.raises(ReportError, match=message):
        settle(status, percent)


def test_text_without_status_is_an_error() -> None:
    with pytest.raises(ReportError, match="填写了进度或文字"):
        settle(None, None, has_text=True)
