"""`trusted.assemble` gives what model_construct gives, only faster."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel

from minsheng_cli.ledger.records import FileSource, Report, Status
from minsheng_cli.models import Notice
from minsheng_cli.trusted import assemble

REPORT: dict[str, Any] = {
    "task": 18,
    "unit": "市民政局",
    "status": Status.IN_PROGRESS,
    "percent": 40,
    "note": "已摸底",
    "problems": None,
    "next_steps": None,
    "as_of": dt.date(2015, 6, 30),
    "recorded_at": dt.datetime(2015, 7, 1, 9, tzinfo=dt.UTC),
    "source": None,
}
SOURCE: dict[str, Any] = {
    "file": "a.xlsx",
    "sha256": "0" * 64,
    "sheet": "分工表",
    "row": 5,
    "via_office": False,
}
CASES: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (Report, REPORT),
    (FileSource, SOURCE),
    (Report, {**REPORT, "source": FileSource(**SOURCE)}),
]


@pytest.mark.parametrize(("cls", "values"), CASES)
def test_assemble_equals_validation(cls: type[BaseModel], values: dict[str, Any]) -> None:
    made = assemble(cls, dict(values))
    assert made == cls.model_validate(values)
    assert made == cls.model_construct(**values)
    assert made.model_fields_set == set(values)
    assert hash(made) == hash(cls.model_validate(values))


def test_missing_fields_fall_back_to_model_construct() -> None:
    partial = {k: v for k, v in REPORT.items() if k not in ("note", "source")}
    made = assemble(Report, partial)
    assert made.note is None and made.source is None
    assert made.model_fields_set == set(partial)


def test_private_attributes_get_their_defaults(notice: Notice) -> None:
    values = {name: getattr(notice, name) for name in Notice.model_fields}
    made = assemble(Notice, values)
    assert made.__dict__ == notice.__dict__
    assert made._source_lines == []
