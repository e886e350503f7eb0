from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minsheng_cli import Notice
from minsheng_cli.cli import app
from minsheng_cli.export import ExportFormat, SplitBy
from minsheng_cli.export.plan import plan_export
from minsheng_cli.query import TaskFilter

runner = CliRunner()


@pytest.mark.parametrize(
    ("task_filter", "name", "subtitle"),
    [
        (TaskFilter(), "吉林市2015年改善民生事项及责任分工表.xlsx", None),
        (
            TaskFilter(unit="民政局"),
            "吉林市2015年改善民生事项及责任分工表-市民政局.xlsx",
            "市民政局（牵头12项，配合3项）",
        ),
        (
            TaskFilter(category="医疗保障", month=12),
            "吉林市2015年改善民生事项及责任分工表-医疗保障-12月到期.xlsx",
            "筛选条件：医疗保障，12月到期（共7项）",
        ),
    ],
)
def test_default_names_and_subtitles(
    notice: Notice, task_filter: TaskFilter, name: str, subtitle: str | None
) -> None:
    [planned] = plan_export(notice, task_filter, ExportFormat.xlsx)
    assert planned.path == Path(name)
    assert planned.document.subtitle == subtitle


def test_unit_documents_list_lead_tasks_first(notice: Notice) -> None:
    [planned] = plan_export(notice, TaskFilter(unit="市民政局"), ExportFormat.csv)
    roles = [planned.document.role(t) for t in planned.document.tasks]
    assert roles == ["牵头"] * 12 + ["配合"] * 3


def test_split_by_unit_writes_every_unit(notice: Notice, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "-f", "csv", "--split-by", "unit", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 45
    rows = sum(len(list(csv.reader(io.StringIO(f.read_text("utf-8-sig"))))) - 1 for f in files)
    assert rows == sum(len(t.units) for t in notice.tasks)
    assert all(f.parent == tmp_path / "out" for f in files)
    assert len(result.stdout.splitlines()) == 45


def test_split_by_category(notice: Notice) -> None:
    planned = plan_export(notice, TaskFilter(), ExportFormat.md, split_by=SplitBy.category)
    assert [len(p.document.tasks) for p in planned] == [5, 2, 10, 11, 10, 5, 5, 8, 5, 19]
    assert planned[-1].path.name == "吉林市2015年改善民生事项及责任分工表-未标注类别.md"


def test_refused_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "表.csv"
    target.write_text("已填写", encoding="utf-8")
    result = runner.invoke(app, ["export", "-f", "csv", "-o", str(target)])
    assert result.exit_code == 1
    assert (
        f"错误：{target}：文件已存在，为免覆盖他人填写的内容，未写入\n确需覆盖时请加 --force。"
        in result.output
    )
    assert target.read_text(encoding="utf-8") == "已填写"
    forced = runner.invoke(app, ["export", "-f", "csv", "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert target.read_text(encoding="utf-8-sig").startswith("序号")


def test_split_refuses_before_writing_anything(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "吉林市2015年改善民生事项及责任分工表-市民政局.json").write_text(
        "[]", encoding="utf-8"
    )
    result = runner.invoke(app, ["export", "-f", "json", "--split-by", "unit", "-o", str(folder)])
    assert result.exit_code == 1
    assert len(list(folder.iterdir())) == 1


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_export_writes_default_name_in_cwd(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", "-f", fmt, "--unit", "市民政局"])
    assert result.exit_code == 0, result.output
    expected = f"吉林市2015年改善民生事项及责任分工表-市民政局.{fmt}"
    assert result.stdout.strip() == expected
    assert (tmp_path / expected).stat().st_size > 0
