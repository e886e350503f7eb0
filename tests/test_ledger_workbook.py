"""Workbooks out and back: the signed identity, and reading what a unit returns."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import threading
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_cli import Notice
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export.plan import plan_export
from minsheng_cli.export.xlsx import write_xlsx
from minsheng_cli.ledger.records import FileSource, Report, Status
from minsheng_cli.ledger.returned import (
    ImportProblem,
    ReturnedFileError,
    ReturnedWorkbook,
    read_returned,
    read_returned_bytes,
)
from minsheng_cli.ledger.workbook import (
    IDENTITY_SHEET,
    Signer,
    UnitKind,
    WorkbookIdentity,
    WorkbookUnit,
    parse_identity,
    reporting_unit,
)
from minsheng_cli.query import TaskFilter

KEY = bytes(range(32))
LEDGER = "0f8e2c1a-5b7d-4e3f-9a6b-1c2d3e4f5a6b"
NOTICE_KEY = "吉市政办发〔2015〕3号"
TODAY = dt.date(2015, 7, 1)
JUNE_30 = dt.date(2015, 6, 30)
SHEET = "分工表"
HEADER_ROW = 3
NAME = "市民政局.xlsx"

ALL = TaskFilter()
Cells = Mapping[str, object]


def _workbook_signer(ledger: str = LEDGER, key: bytes = KEY) -> Signer:
    return Signer(notice_key=NOTICE_KEY, ledger_id=ledger, key=key)


def _workbook_bytes(
    notice: Notice,
    task_filter: TaskFilter = ALL,
    split_by: SplitBy | None = None,
    target: str | None = None,
    signer: Signer | None = None,
    prefill: Mapping[tuple[int, str], Report] | None = None,
) -> bytes:
    planned = plan_export(
        notice,
        task_filter,
        ExportFormat.xlsx,
        output="unused/",
        split_by=split_by,
        signer=signer or _workbook_signer(),
        prefill=prefill,
    )
    if target is not None:
        planned = [p for p in planned if p.document.targets[0].name == target]
    stream = io.BytesIO()
    write_xlsx(planned[0].document, stream)
    return stream.getvalue()


@pytest.fixture(scope="module")
def seeds(notice: Notice) -> dict[str, bytes]:
    """Each kind of workbook, exported once for the module."""
    return {
        "recipient": _workbook_bytes(notice, split_by=SplitBy.recipient, target="市民政局"),
        "changyi": _workbook_bytes(notice, split_by=SplitBy.recipient, target="昌邑区"),
        "office": _workbook_bytes(notice),
        "group": _workbook_bytes(notice, split_by=SplitBy.unit, target="各县（市）区"),
        "as_written": _workbook_bytes(notice, split_by=SplitBy.unit, target="市民政局"),
        "two_units": _workbook_bytes(notice, TaskFilter(units=("市民政局", "市人社局"))),
        "unsigned": _workbook_bytes(notice, TaskFilter(units=("市民政局",))),
    }


@pytest.fixture(scope="module")
def rows(seeds: dict[str, bytes]) -> dict[int, int]:
    """The row of each task in 市民政局's workbook."""
    ws = _workbook_sheet(load_workbook(io.BytesIO(seeds["recipient"])))
    return {int(str(ws.cell(r, 1).value)): r for r in range(HEADER_ROW + 1, ws.max_row + 1)}


def _workbook_sheet(workbook: Workbook, name: str = SHEET) -> Worksheet:
    sheet = workbook[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def _workbook_row_of(ws: Worksheet, number: int) -> int:
    return next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == number)


def _workbook_column_of(ws: Worksheet, header: str) -> int:
    return next(c.column for c in ws[HEADER_ROW] if c.value == header)


def _workbook_edit(data: bytes, edit: Callable[[Workbook], None]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _workbook_fill(
    data: bytes, rows: Mapping[int, Cells], percent_formats: Mapping[int, str] | None = None
) -> bytes:
    """Type values into the rows of the given task numbers, as a unit would."""

    def edit(workbook: Workbook) -> None:
        ws = _workbook_sheet(workbook)
        for number, cells in rows.items():
            row = _workbook_row_of(ws, number)
            for header, value in cells.items():
                cell = ws.cell(row, _workbook_column_of(ws, header))
                cell.value = value  # type: ignore[assignment]
            if percent_formats and number in percent_formats:
                ws.cell(
                    row, _workbook_column_of(ws, "完成进度（%）")
                ).number_format = percent_formats[number]

    return _workbook_edit(data, edit)


def _workbook_read(
    data: bytes,
    notice: Notice,
    *,
    keys: Mapping[str, bytes] | None = None,
    notice_key: str = NOTICE_KEY,
    name: str = NAME,
) -> ReturnedWorkbook:
    result = read_returned_bytes(
        data,
        name,
        notice,
        notice_key=notice_key,
        keys={LEDGER: KEY} if keys is None else keys,
        today=TODAY,
    )
    assert bool(result.reports) + bool(result.problems) <= 1
    return result


def _workbook_messages(result: ReturnedWorkbook) -> list[str]:
    assert not result.reports
    return [str(problem) for problem in result.problems]


GOOD: dict[str, object] = {"状态": "推进中", "完成进度（%）": 40, "填报日期": JUNE_30}


# --- the identity ------------------------------------------------------------------------


def test_workbook_identity_sheet_is_very_hidden_and_readable(seeds: dict[str, bytes]) -> None:
    workbook = load_workbook(io.BytesIO(seeds["recipient"]))
    ws = _workbook_sheet(workbook, IDENTITY_SHEET)
    assert ws.sheet_state == "veryHidden"
    assert workbook.active is not None and workbook.active.title == SHEET
    rows = [[c.value for c in row if c.value is not None] for row in ws.iter_rows()]
    labels = {row[0]: row[1:] for row in rows}
    assert labels["通知"] == [NOTICE_KEY]
    assert labels["台账"] == [LEDGER]
    assert labels["单位"] == ["市民政局", "实际接收单位"]
    assert labels["事项"] == [
        "、".join(map(str, [18, 19, 20, 21, 22, 23, 24, 25, 29, 68, 70, 71, 27, 28, 31]))
    ]
    assert len(str(labels["签名"][0])) == 64
    assert all(isinstance(c.value, str) for row in ws.iter_rows() for c in row if c.value)


@pytest.mark.parametrize(
    ("seed", "units"),
    [
        ("recipient", [("市民政局", UnitKind.RECIPIENT)]),
        ("group", [("各县（市）区", UnitKind.GROUP)]),
        ("as_written", [("市民政局", UnitKind.AS_WRITTEN)]),
        ("two_units", [("市民政局", UnitKind.RECIPIENT), ("市人社局", UnitKind.RECIPIENT)]),
        ("office", []),
    ],
)
def test_workbook_identity_names_its_units(
    seeds: dict[str, bytes], seed: str, units: list[tuple[str, UnitKind]]
) -> None:
    ws = _workbook_sheet(load_workbook(io.BytesIO(seeds[seed])), IDENTITY_SHEET)
    identity = parse_identity([[c.value for c in row] for row in ws.iter_rows()])
    assert [(u.name, u.kind) for u in identity.units] == units
    assert identity.verifies(KEY)
    assert not identity.verifies(bytes(32))


def test_workbook_unsigned_export_has_fill_in_columns_but_no_identity(notice: Notice) -> None:
    planned = plan_export(notice, TaskFilter(units=("市民政局",)), ExportFormat.xlsx)
    stream = io.BytesIO()
    write_xlsx(planned[0].document, stream)
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    assert workbook.sheetnames == ["分工表", "量化指标", "统计"]
    assert "填报日期" in [c.value for c in _workbook_sheet(workbook)[HEADER_ROW]]


def test_workbook_signature_covers_every_field() -> None:
    signer = _workbook_signer()
    identity = signer.identity([1, 2], [WorkbookUnit("市民政局", UnitKind.RECIPIENT)])
    assert identity.verifies(KEY)
    for change in [
        {"notice_key": "另一通知"},
        {"ledger_id": "x"},
        {"version": "9.9"},
        {"tasks": (1, 2, 3)},
        {"units": (WorkbookUnit("市人社局", UnitKind.RECIPIENT),)},
        {"units": (WorkbookUnit("市民政局", UnitKind.GROUP),)},
        {"units": ()},
    ]:
        import dataclasses

        forged = dataclasses.replace(identity, **change)  # type: ignore[arg-type]
        assert not forged.verifies(KEY), change
    assert parse_identity(identity.rows()) == identity


def test_workbook_split_by_unit_signs_45_and_by_recipient_54(notice: Notice) -> None:
    for split_by, count in [(SplitBy.unit, 45), (SplitBy.recipient, 54)]:
        planned = plan_export(
            notice,
            TaskFilter(),
            ExportFormat.xlsx,
            output="x/",
            split_by=split_by,
            signer=_workbook_signer(),
        )
        identities = [p.document.identity for p in planned]
        assert len(identities) == count
        assert all(isinstance(i, WorkbookIdentity) and i.verifies(KEY) for i in identities)


# --- reading back ------------------------------------------------------------------------


def test_workbook_round_trip_gives_the_reports(seeds: dict[str, bytes], notice: Notice) -> None:
    filled = _workbook_fill(
        seeds["recipient"],
        {
            18: {**GOOD, "进展情况": "已摸底", "存在问题": "资金", "下步打算": "七月完成"},
            19: {"状态": "推进中", "完成进度（%）": 50, "填报日期": "2015/6/30"},
            68: {"状态": "已完成", "填报日期": "2015年6月1日"},
        },
    )
    ws = _workbook_sheet(load_workbook(io.BytesIO(filled)))
    digest = hashlib.sha256(filled).hexdigest()

    def source(number: int) -> FileSource:
        return FileSource(file=NAME, sha256=digest, sheet=SHEET, row=_workbook_row_of(ws, number))

    result = _workbook_read(filled, notice)
    assert result.problems == []
    assert result.reports == [
        Report(
            task=18,
            unit="市民政局",
            status=Status.IN_PROGRESS,
            percent=40,
            note="已摸底",
            problems="资金",
            next_steps="七月完成",
            as_of=JUNE_30,
            source=source(18),
        ),
        Report(
            task=19,
            unit="市民政局",
            status=Status.IN_PROGRESS,
            percent=50,
            as_of=JUNE_30,
            source=source(19),
        ),
        Report(
            task=68,
            unit="市民政局",
            status=Status.DONE,
            percent=100,
            as_of=dt.date(2015, 6, 1),
            source=source(68),
        ),
    ]
    assert result.skipped == 12
    assert all(r.recorded_at is None for r in result.reports)


def test_workbook_empty_workbook_reports_nothing(seeds: dict[str, bytes], notice: Notice) -> None:
    result = _workbook_read(seeds["recipient"], notice)
    assert (result.reports, result.problems, result.skipped) == ([], [], 15)


def test_workbook_read_from_a_path(seeds: dict[str, bytes], notice: Notice, tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(_workbook_fill(seeds["recipient"], {18: GOOD}))
    result = read_returned(path, notice, notice_key=NOTICE_KEY, keys={LEDGER: KEY}, today=TODAY)
    assert [(r.task, r.unit, r.source.file if r.source else None) for r in result.reports] == [
        (18, "市民政局", NAME)
    ]


ROW_UNITS = {
    "office": [(5, "市城管执法局", True), (18, "市民政局", True)],
    # 49 is led by a group and reported by one member; 18 reaches 昌邑区 through 各县（市）区.
    "changyi": [(49, "昌邑区", False), (18, "昌邑区", False)],
    "as_written": [(18, "市民政局", False)],
    "two_units": [(18, "市民政局", False), (1, "市人社局", False)],
}


@pytest.mark.parametrize("seed", list(ROW_UNITS))
def test_workbook_row_reports_as_the_right_unit(
    seeds: dict[str, bytes], notice: Notice, seed: str
) -> None:
    expected = ROW_UNITS[seed]
    result = _workbook_read(_workbook_fill(seeds[seed], {n: GOOD for n, *_ in expected}), notice)
    assert result.problems == []
    found = [(r.task, r.unit, r.source.via_office if r.source else None) for r in result.reports]
    assert sorted(found) == sorted(expected)


PERCENTS: list[tuple[object, str | None]] = [
    (50, None),
    (50.0, None),
    ("50", None),
    ("50%", None),
    (" 50 ％", None),
    (0.5, "0%"),  # typed as 50% into a cell Excel then formats as a percent
]
DATES: list[object] = [
    dt.date(2015, 6, 30),
    dt.datetime(2015, 6, 30, 15, 30),
    "2015-06-30",
    "2015/6/30",
    "2015.6.30",
    "2015年6月30日",
    " 2015 年 6 月 30 日 ",
]


def test_workbook_percent_and_date_as_people_type_them(
    seeds: dict[str, bytes], notice: Notice
) -> None:
    # One row per way of typing, in the office workbook (tasks 1–13, none led by a group).
    rows: dict[int, Cells] = {}
    formats: dict[int, str] = {}
    for number, (value, number_format) in enumerate(PERCENTS, start=1):
        rows[number] = {**GOOD, "完成进度（%）": value}
        if number_format:
            formats[number] = number_format
    for number, date in enumerate(DATES, start=len(PERCENTS) + 1):
        rows[number] = {**GOOD, "完成进度（%）": 50, "填报日期": date}
    filled = _workbook_fill(seeds["office"], rows, percent_formats=formats)
    result = _workbook_read(filled, notice)
    assert result.problems == []
    assert [(r.task, r.percent, r.as_of) for r in result.reports] == [
        (number, 50, JUNE_30) for number in rows
    ]


# Each case on its own row of the office workbook (task i + 1): one file, every error named.
REFUSED_CELLS: list[tuple[str, Cells, str]] = [
    ("状态", {**GOOD, "状态": "完成"}, "状态只能是未启动、推进中或已完成（填的是“完成”）"),
    ("完成进度（%）", {**GOOD, "完成进度（%）": 101}, "完成进度应在 0 到 100 之间（填的是“101”）"),
    ("完成进度（%）", {**GOOD, "完成进度（%）": -5}, "完成进度应在 0 到 100 之间（填的是“-5”）"),
    (
        "完成进度（%）",
        {**GOOD, "完成进度（%）": 40.5},
        "完成进度应是 0 到 100 的整数，不能有小数（填的是“40.5”）",
    ),
    (
        "完成进度（%）",
        {**GOOD, "完成进度（%）": "四十"},
        "完成进度应是 0 到 100 的整数（填的是“四十”）",
    ),
    (
        "完成进度（%）",
        {**GOOD, "完成进度（%）": True},
        "完成进度应是 0 到 100 的整数（填的是“True”）",
    ),
    (
        "填报日期",
        {**GOOD, "填报日期": "2015-13-01"},
        "填报日期不是有效的日期（填的是“2015-13-01”）",
    ),
    (
        "填报日期",
        {**GOOD, "填报日期": "六月底"},
        "填报日期应是日期，如 2015-06-30 或 2015年6月30日（填的是“六月底”）",
    ),
    (
        "填报日期",
        {**GOOD, "填报日期": "42185"},
        "填报日期应是日期，如 2015-06-30 或 2015年6月30日（填的是“42185”）",
    ),
    (
        "填报日期",
        {**GOOD, "填报日期": dt.date(2015, 7, 2)},
        "填报日期晚于今天（2015-07-01）（填的是“2015-07-02”）",
    ),
    ("填报日期", {"状态": "推进中", "完成进度（%）": 40}, "没有填写填报日期（未填写）"),
    (
        "完成进度（%）",
        {**GOOD, "状态": "已完成", "完成进度（%）": 60},
        "状态为已完成，完成进度却是 60%（已完成即 100%）（填的是“60”）",
    ),
    (
        "完成进度（%）",
        {**GOOD, "状态": "未启动", "完成进度（%）": 20},
        "状态为未启动，完成进度却是 20%（未启动即 0%）（填的是“20”）",
    ),
    (
        "完成进度（%）",
        {"状态": "推进中", "填报日期": JUNE_30},
        "状态为推进中，须填写完成进度（0–100）（未填写）",
    ),
    (
        "状态",
        {"进展情况": "已摸底", "填报日期": JUNE_30},
        "填写了进度或文字，但没有选择状态（未启动、推进中或已完成）（未填写）",
    ),
    (
        "状态",
        {"完成进度（%）": 30},
        "填写了进度或文字，但没有选择状态（未启动、推进中或已完成）（未填写）",
    ),
    (
        "工作内容",
        {**GOOD, "工作内容": "改过的内容"},
        "第 {n} 项的工作内容与导出时不同（被改动过）（填的是“改过的内容”）",
    ),
    ("序号", {**GOOD, "序号": 81}, "第 81 项不在本工作簿的事项中，不能在此填报（填的是“81”）"),
    ("序号", {**GOOD, "序号": "十八"}, "不是事项序号（填的是“十八”）"),
    (
        "完成进度（%）",
        {**GOOD, "完成进度（%）": "=20*2"},
        "公式没有保存计算结果（本工具不计算公式）；"
        "请在 Excel 中重新计算并保存，或直接填写数值（未填写）",
    ),
]


def test_workbook_refuses_every_bad_row_naming_where_and_what(
    seeds: dict[str, bytes], notice: Notice
) -> None:
    cases = dict(enumerate(REFUSED_CELLS, start=1))
    good = len(cases) + 1  # one good row too: one bad row refuses the whole file
    filled = _workbook_fill(seeds["office"], {**{n: c[1] for n, c in cases.items()}, good: GOOD})
    expected = [
        f"{NAME} 工作表“分工表”第 {n + HEADER_ROW} 行“{header}”列：{message.format(n=n)}"
        for n, (header, _, message) in cases.items()
    ]
    assert _workbook_messages(_workbook_read(filled, notice)) == expected


def test_workbook_refuses_a_row_added_for_another_task(
    seeds: dict[str, bytes], notice: Notice
) -> None:
    task = notice.tasks[0]

    def add_row(workbook: Workbook) -> None:
        ws = _workbook_sheet(workbook)
        ws.protection.sheet = False  # the sheet has no password: anyone can lift it
        row = ws.max_row + 1
        ws.cell(row, 1, task.number)
        ws.cell(row, 3, task.content)
        for header, value in GOOD.items():
            ws.cell(row, _workbook_column_of(ws, header)).value = value  # type: ignore[assignment]

    filled = _workbook_edit(_workbook_fill(seeds["recipient"], {18: GOOD}), add_row)
    assert _workbook_messages(_workbook_read(filled, notice)) == [
        f"{NAME} 工作表“分工表”第 19 行“序号”列："
        "第 1 项不在本工作簿的事项中，不能在此填报（填的是“1”）"
    ]


def test_workbook_refuses_the_same_task_twice(seeds: dict[str, bytes], notice: Notice) -> None:
    def copy_row(workbook: Workbook) -> None:
        ws = _workbook_sheet(workbook)
        source = _workbook_row_of(ws, 18)
        copy = ws.max_row + 1
        for column, cell in enumerate(ws[source], start=1):
            ws.cell(copy, column).value = cell.value

    filled = _workbook_edit(_workbook_fill(seeds["recipient"], {18: GOOD}), copy_row)
    messages = _workbook_messages(_workbook_read(filled, notice))
    assert messages == [
        f"{NAME} 工作表“分工表”第 19 行“序号”列："
        "第 18 项已在第 4 行填报，同一事项只能填一行（填的是“18”）"
    ]


GROUP_ONLY = (
    "本工作簿为统称“各县（市）区”导出，只供阅读，无法确定是哪个成员填报；"
    "请各成员用各自的工作簿填报（--split-by recipient）"
)
UNIT_ROWS = [
    ("group", 49, GROUP_ONLY),
    ("group", 18, GROUP_ONLY),
    (
        "office",
        49,
        "第 49 项由统称“各县（市）区”牵头，全表工作簿无法确定是哪个成员填报；"
        "请各成员用各自的工作簿填报（--split-by recipient）",
    ),
    (
        "two_units",
        27,
        "第 27 项同时是市民政局、市人社局的事项，无法确定是哪个单位填报；"
        "请各单位用各自的工作簿填报（--split-by recipient）",
    ),
]


@pytest.mark.parametrize(
    ("seed", "number", "message"), UNIT_ROWS, ids=[f"{seed}-{n}" for seed, n, _ in UNIT_ROWS]
)
def test_workbook_refuses_a_row_no_single_unit_can_report(
    seeds: dict[str, bytes], notice: Notice, seed: str, number: int, message: str
) -> None:
    filled = _workbook_fill(seeds[seed], {number: GOOD})
    row = _workbook_row_of(_workbook_sheet(load_workbook(io.BytesIO(filled))), number)
    assert _workbook_messages(_workbook_read(filled, notice)) == [
        f"{NAME} 工作表“分工表”第 {row} 行“序号”列：{message}（填的是“{number}”）"
    ]


def test_workbook_reporting_unit_needs_the_task_to_reach_a_unit(notice: Notice) -> None:
    task = notice.tasks[0]
    units = [WorkbookUnit("市民政局", UnitKind.RECIPIENT)]
    with pytest.raises(ValueError, match="^第 1 项不是市民政局的事项$"):
        reporting_unit(task, units, notice.recipient_table)


# --- identity and signature refused ------------------------------------------------------


def _workbook_rename_unit(workbook: Workbook) -> None:
    ws = _workbook_sheet(workbook, IDENTITY_SHEET)
    cell = next(row[1] for row in ws.iter_rows() if row[0].value == "单位")
    cell.value = "市人社局"


def _workbook_add_task(workbook: Workbook) -> None:
    ws = _workbook_sheet(workbook, IDENTITY_SHEET)
    cell = next(row[1] for row in ws.iter_rows() if row[0].value == "事项")
    cell.value = f"1、{cell.value}"


def _workbook_drop_label(workbook: Workbook) -> None:
    _workbook_sheet(workbook, IDENTITY_SHEET).delete_rows(3)


def _workbook_drop_identity(workbook: Workbook) -> None:
    del workbook[IDENTITY_SHEET]


ALTERED = "工作簿标识与签名不符：标识被改动过（如单位、事项或通知），不能导入；请用本台账重新导出"
IDENTITY_REFUSALS = [
    pytest.param(
        _workbook_rename_unit, {LEDGER: KEY}, f"{NAME} 工作表“工作簿标识”：{ALTERED}", id="unit"
    ),
    pytest.param(
        _workbook_add_task, {LEDGER: KEY}, f"{NAME} 工作表“工作簿标识”：{ALTERED}", id="tasks"
    ),
    pytest.param(
        None, {LEDGER: bytes(32)}, f"{NAME} 工作表“工作簿标识”：{ALTERED}", id="same-id-other-key"
    ),
    pytest.param(
        None,
        {"another-ledger": KEY},
        f"{NAME} 工作表“工作簿标识”：工作簿来自另一个台账（台账标识 {LEDGER}），不是本台账导出的；"
        "请用导出它的台账导入，或用本台账重新导出",
        id="another-ledger",
    ),
    pytest.param(
        _workbook_drop_label,
        {LEDGER: KEY},
        f"{NAME} 工作表“工作簿标识”：工作簿标识被改动过：工作簿标识表的栏目与导出时不同",
        id="layout",
    ),
    pytest.param(
        _workbook_drop_identity,
        {LEDGER: KEY},
        f"{NAME}：没有工作簿标识，不是由本台账导出的工作簿；请用 minsheng export 重新导出后分发",
        id="no-identity",
    ),
]


@pytest.mark.parametrize(("edit", "keys", "message"), IDENTITY_REFUSALS)
def test_workbook_refuses_a_workbook_that_is_not_what_it_was(
    seeds: dict[str, bytes],
    notice: Notice,
    edit: Callable[[Workbook], None] | None,
    keys: dict[str, bytes],
    message: str,
) -> None:
    filled = _workbook_fill(seeds["recipient"], {18: GOOD})
    if edit is not None:
        filled = _workbook_edit(filled, edit)
    assert _workbook_messages(_workbook_read(filled, notice, keys=keys)) == [message]


def test_workbook_refuses_an_unsigned_export(seeds: dict[str, bytes], notice: Notice) -> None:
    plain = plan_export(notice, TaskFilter(units=("市民政局",)), ExportFormat.xlsx)[0]
    stream = io.BytesIO()
    write_xlsx(plain.document, stream)
    assert _workbook_messages(_workbook_read(stream.getvalue(), notice)) == [
        f"{NAME}：没有工作簿标识，不是由本台账导出的工作簿；请用 minsheng export 重新导出后分发"
    ]


def test_workbook_refuses_another_notice(seeds: dict[str, bytes], notice: Notice) -> None:
    result = _workbook_read(seeds["recipient"], notice, notice_key="吉市政办发〔2016〕1号")
    assert _workbook_messages(result) == [
        f"{NAME}：工作簿属于另一份通知（{NOTICE_KEY}），不是当前通知（吉市政办发〔2016〕1号）"
    ]


def test_workbook_error_lists_every_problem_in_chinese(
    seeds: dict[str, bytes], notice: Notice
) -> None:
    result = _workbook_read(seeds["recipient"], notice, keys={})
    error = ReturnedFileError(result.problems)
    assert error.message == "1 个文件中有 1 处错误，未导入任何记录"
    assert error.details == [str(p) for p in result.problems]


# --- not an xlsx at all ------------------------------------------------------------------


def _workbook_zip(members: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _workbook_bomb() -> bytes:
    """A small zip whose member says it expands to 2 GB (the central directory is trusted)."""
    data = bytearray(_workbook_zip({"[Content_Types].xml": b"<a/>", "xl/workbook.xml": b"<a/>"}))
    at = data.find(b"PK\x01\x02")
    data[at + 24 : at + 28] = (2**31 - 1).to_bytes(4, "little")
    return bytes(data)


NOT_XLSX = [
    pytest.param(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "这是旧版 Excel（.xls）文件或加了密码的工作簿，不是 xlsx；"
        "请在 Excel 中另存为“Excel 工作簿（*.xlsx）”、不设密码后再导入",
        id="xls",
    ),
    pytest.param(
        "序号,状态\n18,推进中\n".encode(),
        "不是 xlsx 文件（看起来是 CSV 或文本文件）；请导入本工具导出的 .xlsx 工作簿",
        id="csv",
    ),
    pytest.param(
        "序号,状态\n18,推进中\n".encode("gbk"),
        "不是 xlsx 文件（看起来是 CSV 或文本文件）；请导入本工具导出的 .xlsx 工作簿",
        id="csv-gbk",
    ),
    pytest.param(b"", "不是 xlsx 文件（文件是空的）；请导入本工具导出的 .xlsx 工作簿", id="empty"),
    pytest.param(
        _workbook_zip({"a.txt": b"x"}),
        "不是 xlsx 文件（是普通压缩包或其他文件）；请导入本工具导出的 .xlsx 工作簿",
        id="zip",
    ),
    pytest.param(
        _workbook_zip({"[Content_Types].xml": b"<a/>", "word/document.xml": b"<a/>"}),
        "不是 xlsx 文件（是Word 文件）；请导入本工具导出的 .xlsx 工作簿",
        id="docx",
    ),
    pytest.param(b"PK\x03\x04" + bytes(100), "不是有效的 xlsx 文件：压缩包已损坏", id="broken-zip"),
    pytest.param(
        _workbook_bomb(), "解压后超过 200 MB（声明 2048 MB），不像是分工表，未读取", id="bomb"
    ),
    pytest.param(
        _workbook_zip({"[Content_Types].xml": b"<a/>", "xl/workbook.xml": b"<not xml"}),
        "xlsx 文件已损坏，无法读取",
        id="bad-xml",
    ),
]


@pytest.mark.parametrize(("data", "message"), NOT_XLSX)
def test_workbook_refuses_what_is_not_an_xlsx(notice: Notice, data: bytes, message: str) -> None:
    assert _workbook_messages(_workbook_read(data, notice)) == [f"{NAME}：{message}"]


def _workbook_read_path(path: Path, notice: Notice) -> ReturnedWorkbook:
    return _workbook_in_thread(
        lambda: read_returned(path, notice, notice_key=NOTICE_KEY, keys={LEDGER: KEY}, today=TODAY)
    )


def test_workbook_refuses_files_that_cannot_be_read(notice: Notice, tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with big.open("wb") as stream:
        stream.truncate(20 * 1024 * 1024 + 1)
    fifo = tmp_path / "fifo.xlsx"
    cases = {big: "文件超过 20 MB，未读取", tmp_path: "不是普通文件，而是文件夹"}
    cases[tmp_path / "missing.xlsx"] = "文件不存在"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        cases[fifo] = "不是普通文件，而是命名管道（FIFO）"
    for path, message in cases.items():
        result = _workbook_read_path(path, notice)
        assert [str(p) for p in result.problems] == [f"{path}：{message}"]


def _workbook_in_thread(read: Callable[[], ReturnedWorkbook]) -> ReturnedWorkbook:
    """Run a read in a thread, so that one that blocks or expands fails instead of hanging."""
    results: list[ReturnedWorkbook] = []
    worker = threading.Thread(target=lambda: results.append(read()), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert results, "the read did not return"
    return results[0]


_ENTITIES = (
    b'<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % (c, *[c - 1] * 10)
        for c in b"bcdefghij"
    )
    + b"]>"
)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_workbook_xml_entities_are_never_expanded(
    seeds: dict[str, bytes], notice: Notice, part: str
) -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    source = zipfile.ZipFile(io.BytesIO(_workbook_fill(seeds["recipient"], {18: GOOD})))
    members = {info.filename: source.read(info) for info in source.infolist()}
    declaration, found, rest = members[part].partition(b"?>")
    members[part] = declaration + found + _ENTITIES + rest if found else _ENTITIES + rest
    # A billion "a" if expanded: defusedxml refuses the worksheet; lxml reads the
    # workbook part without resolving entities. Either way, nothing is expanded.
    members[part] = members[part].replace(b"<sheetData>", b"<sheetData>&j;", 1)
    data = _workbook_zip(members)
    result = _workbook_in_thread(lambda: _workbook_read(data, notice))
    if part.startswith("xl/worksheets"):
        assert _workbook_messages(result) == [f"{NAME}：xlsx 文件已损坏，无法读取"]
    else:
        assert result.ok or _workbook_messages(result)


# --- fuzz ----------------------------------------------------------------------------------

_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_CELL_XML = st.one_of(
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12).map(
        lambda t: b'<c r="%s" t="inlineStr"><is><t>' + escape(t).encode() + b"</t></is></c>"
    ),
    st.sampled_from(["推进中", "已完成", "未启动", "50%", "2015-06-30", "18"]).map(
        lambda t: b'<c r="%s" t="inlineStr"><is><t>' + t.encode() + b"</t></is></c>"
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: b'<c r="%s"><v>' + repr(f).encode() + b"</v></c>"
    ),
    st.integers(-(10**6), 10**6).map(lambda i: b'<c r="%s" s="3"><v>%d</v></c>' % (b"%s", i)),
    st.sampled_from([b"<v>1</v>", b"<v>x</v>", b"<f>1+1</f>", b"<f>A1</f><v>2</v>"]).map(
        lambda inner: b'<c r="%s" t="b">' + inner + b"</c>"
    ),
    st.just(b'<c r="%s"><f>NOW()</f></c>'),
)
_CELL_EDITS = st.lists(st.tuples(st.integers(0, 400), _CELL_XML), min_size=1, max_size=6)
_BYTE_EDITS = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8
)


def _workbook_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _workbook_mutate_cells(data: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    """Replace cells of the 分工表's XML, as any program writing xlsx might leave them."""
    members = _workbook_members(data)
    sheet = members["xl/worksheets/sheet1.xml"]
    for index, template in edits:
        cells = list(_CELL.finditer(sheet))
        cell = cells[index % len(cells)]
        replacement = template.replace(b"%s", cell.group(1), 1)
        sheet = sheet[: cell.start()] + replacement + sheet[cell.end() :]
    members["xl/worksheets/sheet1.xml"] = sheet
    return _workbook_zip(members)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.one_of(
        _CELL_EDITS.map(lambda e: ("cells", e)), _BYTE_EDITS.map(lambda e: ("bytes", e))
    )
)
def test_workbook_any_mutation_gives_reports_or_our_errors(
    filled: bytes, notice: Notice, edits: tuple[str, list[tuple[int, object]]]
) -> None:
    kind, changes = edits
    if kind == "cells":
        data = _workbook_mutate_cells(filled, changes)  # type: ignore[arg-type]
    else:
        mutable = bytearray(filled)
        for offset, byte in changes:
            mutable[offset % len(mutable)] = byte  # type: ignore[call-overload]
        data = bytes(mutable)
    result = _workbook_read(data, notice)
    assert isinstance(result, ReturnedWorkbook)
    assert all(isinstance(p, ImportProblem) and str(p).startswith(NAME) for p in result.problems)
    assert all(isinstance(r, Report) and r.unit == "市民政局" for r in result.reports)


@pytest.fixture(scope="module")
def filled(seeds: dict[str, bytes]) -> bytes:
    """市民政局's workbook with two rows filled in: the seed the fuzz test mutates."""
    return _workbook_fill(seeds["recipient"], {18: GOOD, 19: {**GOOD, "进展情况": "已摸底"}})
