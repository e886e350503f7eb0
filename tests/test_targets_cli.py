"""`minsheng targets` and `progress set --actual`, through the command line.

Tasks the extraction has left without indicators get the hand-made SAMPLE_TARGETS
(tests/test_ledger_actuals.py), so these tests hold before and after it lands.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from minsheng_cli.cli import app
from minsheng_cli.models import Notice

from .test_ledger_actuals import with_targets

runner = CliRunner()
MUST_SHOW = ["2", "--status", "推进中", "--percent", "50", "--actual", "2.1=4.5万"]
JUNE30 = ["--as-of", "2015-06-30"]


@pytest.fixture(scope="module")
def _cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _targets_attached(monkeypatch: pytest.MonkeyPatch, _cache: Path) -> None:
    """Both commands load the notice (parsed once, then cached) with the sample indicators
    where it has none."""
    import importlib

    monkeypatch.delenv("MINSHENG_NO_CACHE", raising=False)
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(_cache))
    app_module = sys.modules["minsheng_cli.cli.app"]
    real = app_module.load

    def load(*args: Any, **kwargs: Any) -> Notice:
        return with_targets(real(*args, **kwargs))

    for name in ("minsheng_cli.cli.progress", "minsheng_cli.cli.targets"):
        monkeypatch.setattr(importlib.import_module(name), "load", load)


def _run(args: list[str], db: Path) -> Result:
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _ok(args: list[str], db: Path) -> Result:
    result = _run(args, db)
    assert result.exit_code == 0, result.output
    return result


def _json(args: list[str], db: Path) -> dict[str, dict[str, Any]]:
    result = _ok(["targets", *args, "--format", "json"], db)
    return {record["id"]: record for record in json.loads(result.stdout)}


def test_the_issue_walkthrough(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    said = _ok(["progress", "set", *MUST_SHOW, "--date", "2015-06-30"], db)
    assert "已记入台账：第2项 市人社局 推进中 50%（填报日期 2015-06-30）" in said.stdout
    assert "已记入完成值：2.1 = 45000（市人社局，填报日期 2015-06-30）" in said.stdout
    records = _json(["--unit", "市人社局", *JUNE30], db)
    first = records["2.1"]
    assert (first["actual"], first["ratio"], first["met"], first["number"]) == (
        45000,
        0.5,
        False,
        2,
    )
    assert (first["value"], first["unit"], first["kind"]) == (90000, "人", "amount")
    assert first["lead"]["unit"] == "市人社局" and first["lead"]["status"] == "推进中"
    assert first["light"] == "green"  # 50% against 54.1%
    assert all(r["number"] in {1, 2, 3, 4, 9, 10, 11, 27, 31, 36} for r in records.values())
    again = _ok(["progress", "set", *MUST_SHOW, "--date", "2015-06-30"], db)
    assert "未重复记录" in again.stdout
    history = json.loads(_ok(["progress", "show", "2", *JUNE30, "-f", "json"], db).stdout)
    assert [r["percent"] for r in history["history"]] == [50]  # the report went in once


def test_an_actual_alone_and_from_a_supporting_unit(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ok(["progress", "set", "2", "--actual", "2.1=45,000", "--date", "2015-06-30"], db)
    _ok(
        ["progress", "set", "2", "-u", "船营区", "--actual", "2.1=3000人", "--date", "2015-06-30"],
        db,
    )
    first = _json(JUNE30, db)["2.1"]
    assert first["actual"] == 45000 and first["lead"]["status"] is None
    assert [(s["unit"], s["value"]) for s in first["supporting"]] == [("船营区", 3000)]
    assert json.loads(_ok(["progress", "show", "2", "-f", "json"], db).stdout)["history"] == []
    before = _json(["--as-of", "2015-06-29"], db)["2.1"]
    assert (before["actual"], before["ratio"]) == (None, None)


SET_ERRORS = [
    (["2", "--actual", "2.1=4.5万元"], 1, "的单位是“人”，完成值“4.5万元”的单位“元”与之不符"),
    (["2", "--actual", "2.2=4.5万人"], 1, "的单位是“人次”，完成值“4.5万人”的单位“人”与之不符"),
    (["2", "--actual", "2.1=-5"], 1, "的完成值不能为负数，收到“-5”"),
    (["20", "--actual", "20.1=1000"], 1, "是标准（standard），不填报完成值"),
    (["21", "--actual", "21.1=1"], 1, "是门槛（threshold），不填报完成值"),
    (["2", "--actual", "9.1=1"], 1, "指标 9.1 不属于第2项"),
    (["2", "--actual", "2.9=1"], 1, "第2项没有指标 2.9"),
    (["2", "--actual", "4.5万"], 1, "--actual 应写成 指标编号=完成值"),
    (["2", "--status", "推进中", "--percent", "50", "--actual", "2.1=x"], 1, "不是数字"),
    (["2", "--actual", "2.1=1", "--unit", "市民政局"], 1, "不是第2项的责任单位"),
    (["2", "--actual", "2.1=1", "--date", "2999-01-01"], 1, "晚于今天"),
    (["2", "--percent", "5", "--actual", "2.1=1"], 2, "须选择状态"),
    (["2"], 2, "--status"),
]


@pytest.mark.parametrize(("args", "code", "message"), SET_ERRORS)
def test_set_refuses_a_bad_actual_and_writes_nothing(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    db = tmp_path / "ledger.sqlite3"
    result = _run(["progress", "set", *args], db)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert not db.exists()


def test_kind_raise_lists_only_raises(tmp_path: Path) -> None:
    records = _json(["--kind", "raise"], tmp_path / "none.sqlite3")
    assert {"9.1", "9.2"} <= set(records)
    assert {r["kind"] for r in records.values()} == {"raise"}
    assert not (tmp_path / "none.sqlite3").exists()  # reading creates no ledger


def test_without_a_ledger_nothing_is_reported(tmp_path: Path) -> None:
    records = _json(["--unit", "市人社局", *JUNE30], tmp_path / "none.sqlite3")
    first = records["2.1"]
    assert (first["actual"], first["ratio"], first["met"], first["lead"]) == (
        None,
        None,
        False,
        None,
    )
    table = _ok(["targets", "--unit", "市人社局", *JUNE30], tmp_path / "none.sqlite3").stdout
    assert "还没有台账" in table and "完成率" not in table.split("共")[0]


def test_csv_has_one_row_per_indicator_and_no_formula(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    _ok(["progress", "set", *MUST_SHOW, "--date", "2015-06-30"], db)
    text = _ok(["targets", "-u", "市人社局", *JUNE30, "-f", "csv"], db).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    first = next(r for r in rows if r["指标编号"] == "2.1")
    assert (first["完成值"], first["完成率（%）"], first["灯"], first["比较"]) == (
        "45000",
        "50",
        "绿灯",
        "等于",
    )
    assert not any(v.startswith("=") for r in rows for v in r.values())


@pytest.mark.parametrize("columns", ["120", "80", "50"])
def test_the_table_fits_and_keeps_every_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    db = tmp_path / "ledger.sqlite3"
    _ok(["progress", "set", *MUST_SHOW, "--date", "2015-06-30"], db)
    table = _ok(["targets", "-u", "市人社局", *JUNE30], db).stdout
    from rich.cells import cell_len

    assert max(cell_len(line) for line in table.splitlines()) <= int(columns)
    for shown in ("2.1", "城镇新", "45000人", "50%", "54.1%", "绿灯", "9万人", "90000人"):
        assert shown in table, (shown, table)
    if columns != "50":  # as records, there is no caption
        assert "已填报1个，已完成0个" in table.replace("\n", "").replace(" ", "")


def test_help_is_chinese_with_an_example() -> None:
    result = runner.invoke(app, ["targets", "--help"])
    assert result.exit_code == 0, result.output
    assert "例：minsheng targets" in result.output and "--kind" in result.output
    listed = runner.invoke(app, ["--help"])
    assert "targets" in listed.output
