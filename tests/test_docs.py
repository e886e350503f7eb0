"""README.md is part of the product: it must name every command and show true output."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from minsheng_cli.cli import app
from minsheng_cli.cli.app import LAZY_GROUPS

from .conftest import ROOT
from .readme_examples import BLOCK, run_example

README = (ROOT / "README.md").read_text(encoding="utf-8")

COMMANDS = sorted(
    [
        *(
            command.name or command.callback.__name__
            for command in app.registered_commands
            if command.callback is not None
        ),
        *LAZY_GROUPS,
    ]
)


def test_all_commands_are_known() -> None:
    assert COMMANDS == sorted(
        [
            "list",
            "due",
            "show",
            "stats",
            "units",
            "categories",
            "info",
            "validate",
            "export",
            "report",
            "progress",
            "targets",
        ]
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_chinese_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert re.search(r"[\u4e00-\u9fff]", result.output)
    assert f"例：minsheng {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command: str) -> None:
    assert f"minsheng {command}" in README


def test_quick_start_is_two_commands() -> None:
    block = README.split("## 快速开始", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == [
        "pip install . && minsheng list --unit 市民政局",
        'pip install ".[test]" && pytest',
    ]


EXAMPLES = BLOCK.findall(README)


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_examples_print_what_they_show(command: str, shown: str) -> None:
    assert run_example(command) == shown, "README is stale: run python -m tests.readme_examples"
