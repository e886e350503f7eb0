from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from minsheng_cli.cli import app
from minsheng_cli.schemas import render, schemas

from .conftest import ROOT


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schema_matches_models(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render(schemas()[name]), (
        f"schemas/{name} is out of date: run python -m minsheng_cli.schemas schemas"
    )


def _validator(name: str) -> Any:
    schema = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("args", [["list"], ["due", "--month", "10"], ["show", "62"]])
def test_json_output_validates(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records
    validator = _validator("task.schema.json")
    for record in records:
        validator.validate(record)


def test_schema_rejects_a_broken_record() -> None:
    result = CliRunner().invoke(app, ["show", "1", "--format", "json"])
    record = json.loads(result.stdout)[0]
    record["deadline"]["date"] = "not a date"
    with pytest.raises(jsonschema.ValidationError):
        _validator("task.schema.json").validate(record)


def test_progress_json_validates(tmp_path: Any) -> None:
    db = ["--db", str(tmp_path / "ledger.sqlite3")]
    for args in (
        ["18", "--status", "推进中", "--percent", "40", "--note", "已摸底"],
        ["18", "--status", "推进中", "--percent", "30", "--unit", "船营区"],
        ["49", "--status", "已完成", "--unit", "船营区"],
    ):
        result = CliRunner().invoke(app, ["progress", "set", *args, "--date", "2015-06-30", *db])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        app, ["progress", "list", "--as-of", "2015-06-30", "-f", "json", *db]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    validator = _validator("progress.schema.json")
    for record in records:
        validator.validate(record)
    broken = {**records[17], "schedule": {**records[17]["schedule"], "light": "blue"}}
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


@pytest.mark.parametrize("period", ["month", "year"])
def test_report_json_validates(tmp_path: Any, period: str) -> None:
    db = ["--db", str(tmp_path / "ledger.sqlite3")]
    for args in (
        ["18", "--status", "推进中", "--percent", "40", "--problems", "资金未到位"],
        ["49", "--status", "已完成", "--unit", "船营区"],
    ):
        result = CliRunner().invoke(app, ["progress", "set", *args, "--date", "2015-06-30", *db])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        app, ["report", "--as-of", "2015-06-30", "--period", period, "-f", "json", *db]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    validator = _validator("report.schema.json")
    validator.validate(record)
    assert (record["year_end"] is None) == (period == "month")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**record, "headline": {**record["headline"], "done": "many"}})
