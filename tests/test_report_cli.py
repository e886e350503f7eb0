"""`minsheng report` end to end: a ledger filled by importing a returned workbook."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from minsheng_cli.cli import app

runner = CliRunner()
TITLE = "吉林市2015年改善民生事项及责任分工表"
AS_OF = "2015-06-30"


def _run(args: list[str], db: Path) -> Result:
    return runner.invoke(app, [*args, "--db", str(db)])


def _fill(path: Path, rows: dict[int, tuple[str, int, str]]) -> None:
    """Type status, percent, 填报日期 and a problem into the rows, as a unit would."""
    book = load_workbook(path)
    sheet = book["分工表"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    columns = {sheet.cell(header, c).value: c for c in range(1, sheet.max_column + 1)}
    for row in range(header + 1, sheet.max_row + 1):
        number = str(sheet.cell(row, 1).value)
        if number.isdigit() and int(number) in rows:
            status, percent, date = rows[int(number)]
            sheet.cell(row, columns["状态"]).value = status
            sheet.cell(row, columns["完成进度（%）"]).value = percent
            sheet.cell(row, columns["填报日期"]).value = date
            sheet.cell(row, columns["存在问题"]).value = f"第{number}项的问题"
    book.save(path)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """市民政局 and 市人社局 return their workbooks; the rest stay silent."""
    folder = tmp_path_factory.mktemp("report")
    db = folder / "台账.db"
    returned = {
        "市民政局": {18: ("推进中", 40, "2015-06-28"), 19: ("已完成", 100, "2015-06-20")},
        "市人社局": {
            1: ("推进中", 60, "2015-06-29"),
            2: ("推进中", 20, "2015-05-30"),
            9: ("推进中", 80, "2015-06-29"),
            11: ("已完成", 100, "2015-06-29"),
        },
    }
    for unit, rows in returned.items():
        target = folder / f"{TITLE}-{unit}.xlsx"
        result = _run(["export", "-f", "xlsx", "-u", unit, "-o", str(target)], db)
        assert result.exit_code == 0, result.output
        _fill(target, rows)
        result = _run(["progress", "import", str(target)], db)
        assert result.exit_code == 0, result.output
    # 完成值: 2.1 at half, 2.2 beyond its target, 9.1 a raise three fifths of the way.
    for args in (
        ["2", "--actual", "2.1=4.5万", "--actual", "2.2=70万人次"],
        ["9", "--actual", "9.1=8万元"],
    ):
        result = _run(["progress", "set", *args, "--date", "2015-06-29"], db)
        assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize("filters", [[], ["--unit", "市人社局"], ["--category", "医疗保障"]])
def test_report_targets_agree_with_the_targets_command(ledger: Path, filters: list[str]) -> None:
    report = _json(["report", "--as-of", AS_OF, "-f", "json", *filters], ledger)
    listed = _json(["targets", "--as-of", AS_OF, "-f", "json", *filters], ledger)
    reportable = {row["id"]: row for row in listed if row["reportable"]}
    assert [row["id"] for row in report["targets"]] == list(reportable)
    keys = ("number", "text", "kind", "value", "unit", "actual", "ratio", "met", "light")
    for row in report["targets"]:
        assert {k: row[k] for k in keys} == {k: reportable[row["id"]][k] for k in keys}
    headline = report["headline"]
    assert headline["targets_reported"] == sum(r["actual"] is not None for r in reportable.values())
    assert headline["targets_met"] == sum(r["met"] for r in reportable.values())


def test_report_targets_figures_and_sentences(ledger: Path) -> None:
    report = _json(["report", "--as-of", AS_OF, "-f", "json"], ledger)
    shown = {row["id"]: row for row in report["targets"] if row["actual"] is not None}
    assert {k: (v["actual"], v["ratio"], v["met"]) for k, v in shown.items()} == {
        "2.1": (45000, 0.5, False),
        "2.2": (700000, round(700000 / 650000, 6), True),
        "9.1": (80000, 0.6, False),
    }
    assert shown["2.1"]["sentence"] == "城镇新增就业4.5万人，完成年度目标的50.0%"
    assert (report["headline"]["targets_reported"], report["headline"]["targets_met"]) == (3, 1)
    assert report["summary"][-1].endswith("已填报完成值3项，已达到目标1项。")


def _json(args: list[str], db: Path) -> Any:
    result = _run(args, db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


FILTERS = [[], ["--unit", "市民政局"], ["--category", "就业增收"], ["--unit", "各城区"]]


@pytest.mark.parametrize("filters", FILTERS)
def test_report_agrees_with_progress_list_on_every_count(ledger: Path, filters: list[str]) -> None:
    listed = _json(["progress", "list", "--as-of", AS_OF, "-f", "json", *filters], ledger)
    report = _json(["report", "--as-of", AS_OF, "-f", "json", *filters], ledger)
    lights = Counter(r["schedule"]["light"] for r in listed)
    headline = report["headline"]
    assert headline["tasks"] == len(listed)
    for light in ("done", "green", "yellow", "red", "overdue", "none"):
        assert headline[light] == lights[light], light
    assert headline["unreported"] == sum(1 for r in listed if not r["schedule"]["reported"])
    red_or_overdue = [r["number"] for r in listed if r["schedule"]["light"] in ("red", "overdue")]
    assert [t["number"] for t in report["overdue_or_red"]] == red_or_overdue
    by_number = {r["number"]: r for r in listed}
    for item in report["overdue_or_red"]:
        assert item["expected_percent"] == by_number[item["number"]]["schedule"]["expected_percent"]


@pytest.mark.parametrize("filters", FILTERS)
def test_counts_by_category_add_up_to_the_headline(ledger: Path, filters: list[str]) -> None:
    report = _json(["report", "--as-of", AS_OF, "-f", "json", *filters], ledger)
    for key in ("tasks", "done", "overdue", "unreported"):
        assert sum(row[key] for row in report["by_category"]) == report["headline"][key], key
    behind = report["headline"]["yellow"] + report["headline"]["red"]
    assert sum(row["behind"] for row in report["by_category"]) == behind


def test_the_imported_reports_show_in_the_report(ledger: Path) -> None:
    report = _json(["report", "--as-of", AS_OF, "-f", "json"], ledger)
    assert report["note"] is None
    assert report["since"] == "2015-05-31"
    assert report["changes"]["completed"] == [11, 19]
    silent = report["silent_units"]
    assert "市民政局" not in silent and "市人社局" not in silent and "市教育局" in silent
    problems = {t["number"]: t["problems"] for t in report["overdue_or_red"]}
    assert problems.get(2) == "第2项的问题"  # 20% against 59.4%: red
    assert report["summary"][0].startswith("截至2015年6月30日，80项民生实事已完成2项")


def test_an_empty_ledger_reports_nothing_reported(tmp_path: Path) -> None:
    result = _run(["report", "--as-of", AS_OF, "-f", "json"], tmp_path / "空.db")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "还没有任何填报" in report["note"]
    assert report["headline"]["unreported"] == report["headline"]["tasks"] == 80
    assert "还没有任何填报" in result.stderr


def test_markdown_goes_to_stdout(ledger: Path) -> None:
    result = _run(["report", "--as-of", AS_OF, "-f", "md", "--number", "6"], ledger)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# 关于2015年民生改善工作进展情况的通报\n")
    assert "第6期" in result.stdout and "## 三、牵头单位排名" in result.stdout


def test_a_file_is_written_once_and_never_overwritten(ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "通报.md"
    first = _run(["report", "--as-of", AS_OF, "-f", "md", "-o", str(target)], ledger)
    assert first.exit_code == 0, first.output
    assert target.read_text("utf-8").startswith("# 关于")
    again = _run(["report", "--as-of", AS_OF, "-f", "md", "-o", str(target)], ledger)
    assert again.exit_code == 1
    assert "已存在" in again.stderr
    forced = _run(["report", "--as-of", AS_OF, "-f", "md", "-o", str(target), "--force"], ledger)
    assert forced.exit_code == 0, forced.output


BAD = [
    (["--since", "2015-06-30"], "上期日期 2015-06-30 应早于截至日期 2015-06-30"),
    (["--since", "6月"], "--since 的日期应写成 YYYY-MM-DD"),
    (["--number", "0"], "期号应在 1–9999 之间"),
    (["--issuer", " "], "不能为空"),
    (["--yellow", "40", "--red", "30"], "不能大于 --red"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_options_are_usage_errors(ledger: Path, args: list[str], message: str) -> None:
    result = _run(["report", "--as-of", AS_OF, "-f", "json", *args], ledger)
    assert result.exit_code == 2
    assert message in result.output


def test_a_word_report_without_a_chinese_font_leaves_the_chart_out(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx import Document

    from minsheng_cli.report import chart

    monkeypatch.setattr(chart, "find_cjk_font", lambda: None)
    monkeypatch.chdir(tmp_path)
    result = _run(["report", "--as-of", AS_OF, "--number", "6"], ledger)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "督查通报-第6期-2015-06-30.docx"
    assert chart.NO_FONT_NOTE in result.stderr
    word = Document(str(tmp_path / "督查通报-第6期-2015-06-30.docx"))
    assert not word.inline_shapes
    assert word.paragraphs[0].text == "督查通报"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("xlsx", "督查通报-2015-06-30-市民政局.xlsx"), ("html", "督查通报-2015-06-30-市民政局.html")],
)
def test_files_get_a_default_name_with_the_filter(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run(["report", "--as-of", AS_OF, "-f", fmt, "--unit", "市民政局"], ledger)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == name
    assert (tmp_path / name).stat().st_size > 1000
