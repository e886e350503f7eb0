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
            TaskFilter(units=("民政局",)),
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
    [planned] = plan_export(notice, TaskFilter(units=("市民政局",)), ExportFormat.csv)
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


def test_split_by_recipient_writes_one_file_per_real_recipient(
    notice: Notice, tmp_path: Path
) -> None:
    out = tmp_path / "分发"
    result = runner.invoke(app, ["export", "-f", "csv", "--split-by", "recipient", "-o", str(out)])
    assert result.exit_code == 0, result.output
    title = "吉林市2015年改善民生事项及责任分工表"
    numbers: dict[str, list[int]] = {}
    for path in out.iterdir():
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
        numbers[path.stem.removeprefix(f"{title}-")] = [int(row[0]) for row in rows[1:]]
    assert not set(numbers) & set(notice.recipient_table.groups)  # no file for a group
    assert "丰满区政府" not in numbers  # its task goes to 丰满区's file
    assert len(numbers) == 54
    assert len(numbers["船营区"]) == 56
    assert len(numbers["丰满区"]) == 57
    assert 55 in numbers["丰满区"]
    # Every task is in the file of each of its recipients, and in no other.
    for task in notice.tasks:
        holders = {name for name, tasks in numbers.items() if task.number in tasks}
        assert holders == {r.name for r in task.recipients}, task.number
    assert sum(map(len, numbers.values())) == sum(len(t.recipients) for t in notice.tasks)


RECIPIENT_SUBTITLES = [
    ("船营区", "船营区（牵头2项，配合54项，经各县（市）区36项，经各城区20项）"),
    ("丰满区", "丰满区（牵头2项，配合55项，经各县（市）区36项，经各城区20项）"),
    ("市中心医院", "市中心医院（牵头0项，配合1项，经市直三所医院1项）"),
    ("市民政局", "市民政局（牵头12项，配合3项）"),
]


@pytest.mark.parametrize(("name", "subtitle"), RECIPIENT_SUBTITLES)
def test_recipient_documents_lead_first_and_say_their_groups(
    notice: Notice, name: str, subtitle: str
) -> None:
    planned = plan_export(notice, TaskFilter(), ExportFormat.csv, split_by=SplitBy.recipient)
    [document] = [p.document for p in planned if p.document.unit == name]
    assert document.subtitle == subtitle
    roles = [document.role(t) or "" for t in document.tasks]
    leads = [r for r in roles if r.startswith("牵头")]
    assert roles[: len(leads)] == leads


def test_split_by_recipient_names_filters(notice: Notice) -> None:
    planned = plan_export(notice, TaskFilter(month=10), ExportFormat.md, split_by=SplitBy.recipient)
    [chuanying] = [p for p in planned if p.document.unit == "船营区"]
    assert chuanying.path.name == "吉林市2015年改善民生事项及责任分工表-船营区-10月到期.md"
    assert chuanying.document.subtitle is not None
    assert chuanying.document.subtitle.endswith("；筛选条件：10月到期")


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
