from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from minsheng_cli import Notice, load_notice
from minsheng_cli.loader import bundled_notice_path

# Tests parse afresh unless a test turns the cache on itself (tests/test_cache.py).
os.environ["MINSHENG_NO_CACHE"] = "1"
# xlsx exports sign with the ledger's key: never touch the user's own ledger.
os.environ["MINSHENG_DB"] = os.path.join(tempfile.mkdtemp(prefix="minsheng-tests-"), "ledger.db")

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
