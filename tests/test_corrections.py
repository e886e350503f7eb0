"""The overlay's [[corrections]] and [aliases]: visible, checked, never an edit of the notice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from minsheng_cli.cli import app
from minsheng_cli.models import CorrectionField, Severity, TargetKind
from minsheng_cli.notice.loader import load_notice

runner = CliRunner()

TENTH = """\
[[corrections]]
tasks = "62-80"
field = "category"
was = ""
now = "社会服务"
reason = "原文第62—80项缺少类别单元格"
"""


def _overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "minsheng.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(args: list[str], overlay: Path) -> Result:
    return runner.invoke(app, [*args, "--overlay", str(overlay)])


def test_the_tenth_category_gives_ten_categories_whose_counts_match(tmp_path: Path) -> None:
    result = _run(["categories", "--format", "json"], _overlay(tmp_path, TENTH))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 10
    assert rows[-1] == {"category": "社会服务", "count": 19, "declared": None}
    assert all(r["count"] == r["declared"] for r in rows[:-1])


def test_validate_shows_the_correction_instead_of_the_warnings(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, TENTH)
    result = _run(["validate", "--format", "json"], overlay)
    assert result.exit_code == 0, result.output
    problems = json.loads(result.stdout)
    assert [(p["severity"], p["code"], p["task"]) for p in problems] == [
        ("correction", "correction", 62)
    ]
    assert "第62–80项（19项）的类别：（空） → “社会服务”" in problems[0]["message"]
    assert _run(["validate", "--strict"], overlay).exit_code == 0
    table = _run(["validate"], overlay)
    assert "更正" in table.stdout and "警告" not in table.stdout
    # No warnings left, so no note about them after other commands either.
    assert "个警告" not in _run(["list", "--category", "社会服务"], overlay).stderr


def test_show_marks_the_corrected_field(tmp_path: Path) -> None:
    result = _run(["show", "62"], _overlay(tmp_path, TENTH))
    assert result.exit_code == 0, result.output
    assert "类别（已更正）" in result.stdout
    assert "理由：原文第62—80项缺少类别单元格" in result.stdout
    record = json.loads(_run(["show", "62", "-f", "json"], _overlay(tmp_path, TENTH)).stdout)[0]
    assert record["category"] == "社会服务"
    assert record["corrections"] == [
        {"field": "category", "was": "", "now": "社会服务", "reason": "原文第62—80项缺少类别单元格"}
    ]


def _entry(task: str, field: str, was: str, now: str) -> str:
    return (
        f'[[corrections]]\n{task}\nfield = "{field}"\nwas = "{was}"\nnow = "{now}"\n'
        'reason = "核对原件"\n'
    )


FIELDS = [
    # (task line, field, was, now, number, what the task then holds)
    ("task = 28", "content", "风雨侯车亭", "风雨候车亭", 44, None),
    ("task = 62", "units", "食药监局", "市食品药品监督管理局", 62, None),
    ("task = 18", "deadline", "10月", "2015-11-30", 18, None),
    ("tasks = [18, 19]", "category", "困难救助", "社会救助", 18, None),
]


@pytest.mark.parametrize(("task", "field", "was", "now", "number", "_"), FIELDS)
def test_each_field_can_be_corrected(
    tmp_path: Path, task: str, field: str, was: str, now: str, number: int, _: None
) -> None:
    notice = load_notice()
    if field == "content":
        number = next(t.number for t in notice.tasks if was in t.content)
        task = f"task = {number}"
    overlay = _overlay(tmp_path, _entry(task, field, was, now))
    corrected = {t.number: t for t in load_notice(overlay=overlay).tasks}[number]
    assert [c.field for c in corrected.corrections] == [CorrectionField(field)]
    if field == "content":
        assert now in corrected.content and was not in corrected.content
    elif field == "units":
        assert "市食品药品监督管理局" in corrected.units
        assert "市食药监局" not in corrected.units
        assert corrected.units_as_written == notice.tasks[number - 1].units_as_written
    elif field == "deadline":
        assert corrected.deadline.date is not None
        assert corrected.deadline.date.isoformat() == "2015-11-30"
    else:
        assert corrected.category == "社会救助"


STALE = [
    ('task = 18\nfield = "category"\nwas = "就业增收"', "第18项的类别更正已与原文不符"),
    ('task = 18\nfield = "content"\nwas = "没有的话"', "第18项的工作内容更正已与原文不符"),
    ('task = 18\nfield = "units"\nwas = "市财政局"', "第18项的责任单位更正已与原文不符"),
    ('task = 18\nfield = "deadline"\nwas = "年底"', "第18项的完成时限更正已与原文不符"),
]


@pytest.mark.parametrize(("body", "message"), STALE)
def test_a_correction_that_no_longer_matches_fails(tmp_path: Path, body: str, message: str) -> None:
    text = f'# 补充文件\n\n[[corrections]]\n{body}\nnow = "甲"\nreason = "核对"\n'
    overlay = _overlay(tmp_path, text)
    result = _run(["list"], overlay)
    assert result.exit_code == 1
    assert f"{overlay}:3" in result.stderr  # the line of its [[corrections]]
    assert message in result.stderr
    assert "Traceback" not in result.output


BAD = [
    ('task = 18\nfield = "category"\nwas = ""\nnow = "甲"', "更正缺少 reason"),
    ('task = 18\nfield = "colour"\nwas = ""\nnow = "甲"\nreason = "r"', "不认识的字段“colour”"),
    ('task = 18\nfield = "category"\nwas = ""\nnow = "甲"\nreason = " "', "须写明理由"),
    ('task = 99\nfield = "category"\nwas = ""\nnow = "甲"\nreason = "r"', "通知中没有第99项"),
    ('tasks = "80-62"\nfield = "category"\nwas = ""\nnow = "甲"\nreason = "r"', "事项写法不对"),
    ('field = "category"\nwas = ""\nnow = "甲"\nreason = "r"', "须写 task = N"),
    ('task = 18\ncolour = 1\nfield = "category"\nwas = ""\nnow = "甲"\nreason = "r"', "不认识的键"),
    ('task = 18\nfield = "content"\nwas = "低保"\nnow = ""\nreason = "r"', "不能更正为空"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_malformed_corrections_name_their_line(tmp_path: Path, body: str, message: str) -> None:
    overlay = _overlay(tmp_path, f"[[corrections]]\n{body}\n")
    result = _run(["list"], overlay)
    assert result.exit_code == 1
    assert message in result.stderr
    assert f"{overlay}:1" in result.stderr


def test_corrections_must_be_an_array_of_tables(tmp_path: Path) -> None:
    result = _run(["list"], _overlay(tmp_path, "[corrections]\ntask = 1\n"))
    assert result.exit_code == 1
    assert "[[corrections]]" in result.stderr


def test_aliases_extend_the_unit_table(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, '[aliases]\n"农委" = "市农业委员会"\n')
    tasks = load_notice(overlay=overlay).tasks
    with_it = [t for t in tasks if "农委" in t.units_as_written]
    assert with_it
    assert all("市农业委员会" in t.units and "市农委" not in t.units for t in with_it)
    result = _run(["list", "--unit", "市农业委员会", "-f", "json"], overlay)
    assert result.exit_code == 0, result.output
    assert [r["number"] for r in json.loads(result.stdout)] == [t.number for t in with_it]


def test_an_alias_must_name_a_unit(tmp_path: Path) -> None:
    result = _run(["list"], _overlay(tmp_path, '[aliases]\n"农委" = 3\n'))
    assert result.exit_code == 1
    assert "[aliases]" in result.stderr


def test_the_notice_itself_is_untouched(tmp_path: Path) -> None:
    before = load_notice()
    after = load_notice(overlay=_overlay(tmp_path, TENTH))
    assert [t.category for t in before.tasks][61:] == [None] * 19
    assert {p.severity for p in after.problems} == {Severity.CORRECTION}
    assert [t.content for t in after.tasks] == [t.content for t in before.tasks]


def test_the_readme_examples_work(tmp_path: Path) -> None:
    import re

    from .conftest import ROOT

    blocks = re.findall(r"```toml\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.DOTALL)
    corrections = next(b for b in blocks if "[[corrections]]" in b)
    aliases = next(b for b in blocks if "[aliases]" in b)
    notice = load_notice(overlay=_overlay(tmp_path, corrections + aliases))
    assert len({t.category for t in notice.tasks}) == 10
    assert not notice.warnings


# --- corrections to 量化指标 -------------------------------------------------------------------


def _target_entry(body: str) -> str:
    return f'# 补充文件\n\n[[corrections]]\n{body}\nreason = "上级政策调整"\n'


def test_a_dropped_indicator_leaves_a_gap_in_the_ids(tmp_path: Path) -> None:
    overlay = _overlay(
        tmp_path, _target_entry('target = "9.1"\ndrop = true\nwas = "由6.5万元提高到9万元"')
    )
    task = {t.number: t for t in load_notice(overlay=overlay).tasks}[9]
    assert [t.id for t in task.targets] == ["9.2"]
    [record] = task.corrections
    assert (record.field, record.was, record.now) == (
        CorrectionField.TARGET,
        "由6.5万元提高到9万元",
        "9.1：删去",
    )
    result = _run(["validate", "--format", "json"], overlay)
    notes = [p["message"] for p in json.loads(result.stdout) if p["code"] == "correction"]
    assert notes == ["已按补充文件删去第9项的指标9.1（“由6.5万元提高到9万元”）。理由：上级政策调整"]


def test_an_indicator_can_change_its_kind(tmp_path: Path) -> None:
    body = 'target = "80.2"\nkind = "standard"\nwas = "100栋"'
    task = {
        t.number: t for t in load_notice(overlay=_overlay(tmp_path, _target_entry(body))).tasks
    }[80]
    changed = task.targets[1]
    assert (changed.id, changed.kind, changed.per) == ("80.2", TargetKind.STANDARD, None)
    assert [t.kind for t in task.targets[::2]] == [TargetKind.AMOUNT, TargetKind.AMOUNT]
    assert task.corrections[0].now == "80.2：standard"


def test_a_content_correction_reads_the_indicators_again(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, _entry("task = 2", "content", "9万人", "10万人"))
    task = {t.number: t for t in load_notice(overlay=overlay).tasks}[2]
    assert [(t.id, t.value) for t in task.targets] == [("2.1", 100_000), ("2.2", 650_000)]


TARGET_BAD = [
    (
        'target = "9.1"\ndrop = true\nwas = "由6.5万元提高到10万元"',
        "第9项的指标9.1更正已与原文不符",
    ),
    ('target = "9.7"\ndrop = true\nwas = "9万元"', "第9项没有指标9.7（现有指标：9.1、9.2）"),
    ('target = "99.1"\ndrop = true\nwas = "9万元"', "通知中没有第99项"),
    ('target = "9"\ndrop = true\nwas = "9万元"', "指标编号写法不对"),
    ('target = "9.1"\nwas = "9万元"', "须写 drop = true 或 kind"),
    ('target = "9.1"\ndrop = true\nkind = "amount"\nwas = "9万元"', "须写 drop = true 或 kind"),
    ('target = "9.1"\ndrop = false\nwas = "9万元"', "须写 drop = true 或 kind"),
    ('target = "9.1"\nkind = "goal"\nwas = "9万元"', "不认识的指标类型“goal”"),
    ('target = "2.1"\nkind = "raise"\nwas = "9万人"', "没有写明基数，不能改为 raise"),
    ('target = "9.1"\ndrop = true', "更正缺少 was"),
    ('target = "9.1"\ndrop = true\nwas = "9万元"\nfield = "content"', "指标更正中不认识的键 field"),
    ('task = 9\nfield = "target"\nwas = "9万元"\nnow = "x"', '更正量化指标请写 target = "9.2"'),
]


@pytest.mark.parametrize(("body", "message"), TARGET_BAD)
def test_a_wrong_indicator_correction_names_its_line(
    tmp_path: Path, body: str, message: str
) -> None:
    overlay = _overlay(tmp_path, _target_entry(body))
    result = _run(["list"], overlay)
    assert result.exit_code == 1
    assert message in result.stderr
    assert f"{overlay}:3" in result.stderr
    assert "Traceback" not in result.output
