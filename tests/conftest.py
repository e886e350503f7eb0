from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
import typer.testing

from minsheng_cli import Notice, load_notice
from minsheng_cli.notice.loader import bundled_notice_path

# Tests parse afresh unless a test turns the cache on itself (tests/test_cache.py).
os.environ["MINSHENG_NO_CACHE"] = "1"
# xlsx exports sign with the ledger's key: never touch the user's own ledger.
os.environ["MINSHENG_DB"] = os.path.join(tempfile.mkdtemp(prefix="minsheng-tests-"), "ledger.db")

_built: dict[tuple[int, ...], Any] = {}


def _built_command(app: typer.Typer) -> Any:
    """Typer's Click command for `app`, built once per registration state.

    CliRunner builds every command's options on each invoke: 40 ms, a third of the
    suite's time. A test that changes what is registered (cli.app.only_invoked) gets a
    command of its own, since the key holds the registered commands themselves.
    """
    key = (
        id(app),
        *map(id, app.registered_commands),
        -1,
        *map(id, app.registered_groups),
        id(app.registered_callback),
    )
    if key not in _built:
        _built[key] = typer.main.get_command(app)
    return _built[key]


setattr(typer.testing, "_get_command", _built_command)  # noqa: B010  (a private name)

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def notice() -> Notice:
    """The bundled notice, parsed once for the whole run."""
    return load_notice()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return bundled_notice_path().read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed width, no colour and no notice from the caller's environment."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("MINSHENG_NOTICE", raising=False)
