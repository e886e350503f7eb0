from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli import Notice, Task
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.plan import Writer
from minsheng_cli.export.text import write_csv, write_json, write_markdown
from minsheng_cli.query import TaskFilter, UnitTarget, select


def _document(notice: Notice, tasks: list[Task], unit: str | None = None) -> ExportDocument:
    targets = (UnitTarget(unit),) if unit else ()
    return ExportDocument(
        meta=notice.meta, tasks=tasks, title="分工表", subtitle=None, targets=targets
    )


def _bytes(writer: Writer, document: ExportDocument) -> bytes:
    stream = io.BytesIO()
    writer(document, stream)
    return stream.getvalue()


def test_csv_has_bom_crlf_and_all_rows(notice: Notice) -> None:
    data = _bytes(write_csv, _document(notice, notice.tasks))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["序号", "类别", "工作内容"]
    assert len(rows) == 81


def test_csv_neutralises_formulas(notice: Notice) -> None:
    risky = [
        notice.tasks[0].model_copy(update={"content": "=HYPERLINK(1)"}),
        notice.tasks[1].model_copy(update={"content": "+1", "units": ["-甲", "@乙"]}),
    ]
    rows = list(
        csv.reader(io.StringIO(_bytes(write_csv, _document(notice, risky)).decode("utf-8-sig")))
    )
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[2][2] == "'+1"
    assert rows[2][5] == "'-甲"
    assert rows[2][7] == "'-甲、@乙"


def test_csv_for_a_unit_says_its_role(notice: Notice) -> None:
    tasks = select(notice, TaskFilter(units=("市民政局",)))
    rows = list(
        csv.reader(
            io.StringIO(_bytes(write_csv, _document(notice, tasks, "市民政局")).decode("utf-8-sig"))
        )
    )
    assert rows[0][-1] == "本单位职责"
    assert {row[-1] for row in rows[1:]} == {"牵头", "配合"}


def test_markdown_is_a_pipe_table(notice: Notice) -> None:
    tasks = [notice.tasks[0].model_copy(update={"content": "含|竖线"})]
    text = _bytes(write_markdown, _document(notice, tasks)).decode()
    lines = text.splitlines()
    assert lines[0] == "# 分工表"
    assert lines[2] == "| 序号 | 类别 | 工作内容 | 完成时限 | 责任单位 |"
    assert "含\\|竖线" in lines[4]


_FILTERS = st.builds(
    TaskFilter,
    units=st.sampled_from([(), ("市民政局",), ("开发区",), ("船营区", "市民政局")]),
    category=st.sampled_from([None, "医疗保障", "未标注"]),
    month=st.one_of(st.none(), st.integers(1, 12)),
)


@given(task_filter=_FILTERS)
def test_json_round_trip(notice: Notice, task_filter: TaskFilter) -> None:
    tasks = select(notice, task_filter)
    records = json.loads(_bytes(write_json, _document(notice, tasks)))
    assert [Task.model_validate(record) for record in records] == tasks


def _count_csv(data: bytes) -> int:
    return len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) - 1


def _count_json(data: bytes) -> int:
    return len(json.loads(data))


def _count_markdown(data: bytes) -> int:
    return sum(
        1 for line in data.decode().splitlines() if line.startswith("| ") and "序号" not in line
    )


@pytest.mark.parametrize(
    ("writer", "count"),
    [(write_csv, _count_csv), (write_json, _count_json), (write_markdown, _count_markdown)],
    ids=["csv", "json", "md"],
)
@pytest.mark.parametrize(("unit", "rows"), [(None, 80), ("市民政局", 15)])
def test_text_exports_hold_every_task(
    notice: Notice, writer: Writer, count: Callable[[bytes], int], unit: str | None, rows: int
) -> None:
    tasks = select(notice, TaskFilter(units=(unit,) if unit else ()))
    assert count(_bytes(writer, _document(notice, tasks, unit))) == rows
