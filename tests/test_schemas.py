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
