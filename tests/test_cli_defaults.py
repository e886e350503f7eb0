"""Skipping coercion for an option left at None changes no value and no error."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.testing

from minsheng_cli.cli import defaults

defaults.install()

seen: dict[str, object] = {}


def _upper(value: str | None) -> str:
    return "CALLED" if value is None else value.upper()


class Kind(enum.Enum):
    A = "a"
    B = "b"


app = typer.Typer()


@app.command()
def main(
    name: Annotated[str | None, typer.Option()] = None,
    path: Annotated[Path | None, typer.Option()] = None,
    count: Annotated[int | None, typer.Option()] = None,
    hooked: Annotated[str | None, typer.Option(callback=_upper)] = None,
    many: Annotated[list[str] | None, typer.Option()] = None,
    needed: Annotated[int, typer.Option()] = 1,
    kind: Annotated[Kind, typer.Option()] = Kind.A,
) -> None:
    seen.update(
        name=name, path=path, count=count, hooked=hooked, many=many, needed=needed, kind=kind
    )


CASES = [
    (
        [],
        {"name": None, "path": None, "count": None, "hooked": "CALLED", "many": None, "needed": 1},
    ),
    (["--name", "甲"], {"name": "甲", "hooked": "CALLED"}),
    (["--path", "a/b"], {"path": Path("a/b")}),
    (["--count", "3"], {"count": 3}),
    (["--hooked", "x"], {"hooked": "X"}),
    (["--many", "a", "--many", "b"], {"many": ["a", "b"]}),
    (["--needed", "7"], {"needed": 7}),
    ([], {"kind": Kind.A}),
    (["--kind", "b"], {"kind": Kind.B}),
]


@pytest.mark.parametrize(("args", "expected"), CASES)
def test_values_are_typers_own(args: list[str], expected: dict[str, object]) -> None:
    seen.clear()
    result = typer.testing.CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert {key: seen[key] for key in expected} == expected


@pytest.mark.parametrize(
    "args", [["--count", "x"], ["--needed", "x"], ["--count"], ["--kind", "c"], ["--kind", "B"]]
)
def test_bad_values_still_fail(args: list[str]) -> None:
    result = typer.testing.CliRunner().invoke(app, args)
    assert result.exit_code == 2
