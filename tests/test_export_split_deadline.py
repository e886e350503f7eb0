from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from minsheng_cli import Notice, load_notice
from minsheng_cli.cli import app
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export.plan import plan_export, prepare_targets, write_planned
from minsheng_cli.query import TaskFilter

DATA = Path(__file__).parent / "data"
TITLE = "吉林市2015年改善民生事项及责任分工表"
runner = CliRunner()

# (split, file label → number of tasks, in the order the files come) for the seed notice.
SPLITS = [
    (
        "month",
        {
            "2015年3月到期": 3,
            "2015年6月到期": 2,
            "2015年7月到期": 1,
            "2015年9月到期": 3,
            "2015年10月到期": 11,
            "2015年11月到期": 7,
            "2015年12月到期": 53,
        },
    ),
    (
        "quarter",
        {
            "2015年第一季度到期": 3,
            "2015年第二季度到期": 2,
            "2015年第三季度到期": 4,
            "2015年第四季度到期": 71,
        },
    ),
]


def _workbook_rows(path: Path) -> tuple[str, list[tuple[int, dt.date]]]:
    """The subtitle and (number, deadline date) of every task row of a workbook."""
    sheet = load_workbook(path)["分工表"]
    assert isinstance(sheet, Worksheet)
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    date_column = rows[header].index("截止日期")
    tasks = [(row[0], row[date_column]) for row in rows[header + 1 :] if isinstance(row[0], int)]
    assert all(isinstance(d, dt.datetime) for _, d in tasks)
    return str(rows[1][0]), [(n, d.date()) for n, d in tasks]  # type: ignore[union-attr]


@pytest.mark.parametrize(("split", "expected"), SPLITS)
def test_xlsx_split_by_deadline_holds_every_task_once(
    notice: Notice, tmp_path: Path, split: str, expected: dict[str, int]
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "-f", "xlsx", "--split-by", split, "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = [Path(line).name for line in result.stdout.splitlines()]
    assert names == [f"{TITLE}-{label}.xlsx" for label in expected]
    seen: list[int] = []
    for label, count in expected.items():
        subtitle, rows = _workbook_rows(out / f"{TITLE}-{label}.xlsx")
        kind = "截止月份" if split == "month" else "截止季度"
        assert subtitle.startswith(f"{kind}：{label.removesuffix('到期')}（{count}项）")
        assert len(rows) == count
        numbers = [n for n, _ in rows]
        assert numbers == sorted(numbers)  # in the notice's order
        for number, date in rows:
            period = f"{date.year}年{date.month}月" if split == "month" else None
            quarter = f"{date.year}年第{'一二三四'[(date.month - 1) // 3]}季度"
            assert label.removesuffix("到期") == (period or quarter), number
        seen += numbers
    assert sorted(seen) == [t.number for t in notice.tasks]


# (filter, split, file name → tasks in it)
FILTERED = [
    (
        TaskFilter(units=("市民政局",)),
        SplitBy.month,
        {"2015年10月到期-市民政局": 2, "2015年11月到期-市民政局": 1, "2015年12月到期-市民政局": 12},
    ),
    (
        TaskFilter(category="医疗保障", quarter=4),
        SplitBy.month,
        {"2015年12月到期-医疗保障": 7},
    ),
    (TaskFilter(month=10), SplitBy.quarter, {"2015年第四季度到期-10月到期": 11}),
    (
        TaskFilter(quarter=4),
        SplitBy.month,
        {"2015年10月到期": 11, "2015年11月到期": 7, "2015年12月到期": 53},
    ),
]


@pytest.mark.parametrize(("task_filter", "split", "files"), FILTERED)
def test_split_by_deadline_with_filters(
    notice: Notice, task_filter: TaskFilter, split: SplitBy, files: dict[str, int]
) -> None:
    planned = plan_export(notice, task_filter, ExportFormat.csv, split_by=split)
    assert {p.path.stem.removeprefix(f"{TITLE}-"): len(p.document.tasks) for p in planned} == files
    assert len({p.path.name for p in planned}) == len(planned)


def test_unit_documents_keep_their_roles(notice: Notice) -> None:
    planned = plan_export(
        notice, TaskFilter(units=("市民政局",)), ExportFormat.csv, split_by=SplitBy.month
    )
    december = planned[-1].document
    assert december.subtitle == "市民政局（牵头10项，配合2项）；截止月份：2015年12月（12项）"
    assert [december.role(t) for t in december.tasks] == ["牵头"] * 10 + ["配合"] * 2
    planned = plan_export(
        notice, TaskFilter(category="医疗保障", quarter=4), ExportFormat.csv, split_by=SplitBy.month
    )
    assert planned[0].document.subtitle == "截止月份：2015年12月（7项）；筛选条件：医疗保障"


@pytest.fixture(scope="module")
def undated_notice() -> Notice:
    """Task 34's deadline (“6月前”) gives no date."""
    return load_notice(DATA / "warn_unknown_deadline.txt")


@pytest.mark.parametrize("split", [SplitBy.month, SplitBy.quarter])
def test_tasks_without_a_date_get_their_own_file(undated_notice: Notice, split: SplitBy) -> None:
    planned = plan_export(undated_notice, TaskFilter(), ExportFormat.md, split_by=split)
    last = planned[-1]
    assert last.path.name == f"{TITLE}-无具体时限.md"
    assert [t.number for t in last.document.tasks] == [34]
    assert last.document.subtitle == "无具体时限（1项）"
    assert sum(len(p.document.tasks) for p in planned) == 80
    # A calendar has nothing to put on a day for them: no file.
    calendars = plan_export(undated_notice, TaskFilter(), ExportFormat.ics, split_by=split)
    assert [p.path.stem for p in calendars] == [p.path.stem for p in planned[:-1]]


def _numbers(fmt: str, data: bytes) -> list[int]:
    """Task numbers in an exported file of any format."""
    if fmt == "csv":
        return [int(r[0]) for r in list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]]
    if fmt == "json":
        return [t["number"] for t in json.loads(data)]
    if fmt == "md":
        lines = data.decode("utf-8").splitlines()
        return [int(line.split("|")[1]) for line in lines if line[:2] == "| " and line[2].isdigit()]
    if fmt == "ics":
        from icalendar import Calendar

        events = Calendar.from_ical(data).walk("VEVENT")
        return sorted(int(str(e["SUMMARY"]).split("项")[0].removeprefix("第")) for e in events)
    if fmt == "docx":
        from docx import Document

        table = Document(io.BytesIO(data)).tables[0]
        return [int(c.text) for c in table.column_cells(0) if c.text.isdigit()]
    sheet = load_workbook(io.BytesIO(data))["分工表"]
    assert isinstance(sheet, Worksheet)
    return [r[0] for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_every_format_splits_by_quarter(notice: Notice, tmp_path: Path, fmt: ExportFormat) -> None:
    task_filter = TaskFilter(category="就业增收")  # 5 tasks: Q1, Q4 and Q4
    planned = plan_export(notice, task_filter, fmt, output=tmp_path, split_by=SplitBy.quarter)
    prepare_targets(planned)
    written = list(write_planned(planned, fmt))
    assert [p.name for p in written] == [
        f"{TITLE}-2015年第一季度到期-就业增收.{fmt.value}",
        f"{TITLE}-2015年第四季度到期-就业增收.{fmt.value}",
    ]
    found = [_numbers(fmt.value, path.read_bytes()) for path in written]
    assert sorted(sum(found, [])) == [t.number for t in notice.tasks if t.category == "就业增收"]
    assert all(found)
