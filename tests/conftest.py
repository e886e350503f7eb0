from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
import typer.testing

from minsheng_cli import Notice, load_notice
from minsheng_cli.notice import cache as notice_cache
from minsheng_cli.notice import loader as notice_loader
from minsheng_cli.notice.loader import bundled_notice_path
from tests.rendering import shared_pdfs

# Bytecode (and pytest's rewritten test modules) is cached in __pycache__, git-ignored, even
# where PYTHONDONTWRITEBYTECODE is set: compiling the package and the tests afresh in every
# worker and every child interpreter costs a tenth of the suite's time.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
# The CLI's own setting (cli/__init__.py): the tests build many short-lived objects
# (workbooks, documents), and the default thresholds rescan the loaded modules' objects.
gc.set_threshold(200_000, 30, 30)

# Tests keep no cache on disk unless a test turns the cache on itself (tests/test_cache.py).
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


# With MINSHENG_NO_CACHE, each CLI test would parse its notice again: 35 ms, a fifth of the
# suite. Instead the loader of each worker keeps its parses in memory, keyed as the real
# cache keys them (the notice's bytes, the year, the overlay's bytes, the package's files),
# so a notice is parsed once per worker and a changed one again. Only the loader's view of
# the cache changes: a test of the cache module itself, or one that sets
# MINSHENG_CACHE_DIR and clears MINSHENG_NO_CACHE, meets the real one.
class _MemoryCache:
    def __init__(self) -> None:
        self.parses: dict[str, Notice] = {}

    def entry_path(
        self, path: Path, data: bytes, year: int | None, *, extra: Sequence[Path] = ()
    ) -> Path | str | None:
        if not os.environ.get("MINSHENG_NO_CACHE"):
            return notice_cache.entry_path(path, data, year, extra=extra)
        digest = hashlib.sha256(f"{path}\0{year}\0".encode("utf-8", "surrogatepass") + data)
        for other in extra:
            digest.update(str(other).encode("utf-8", "surrogatepass"))
            digest.update(other.read_bytes() if other.is_file() else b"missing")
        digest.update(notice_cache._package_fingerprint().encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def load(self, entry: Path | str | None) -> Notice | None:
        if isinstance(entry, str):
            return self.parses.get(entry)
        return notice_cache.load(entry)

    def store(self, entry: Path | str | None, parsed: Notice) -> None:
        if isinstance(entry, str):
            self.parses[entry] = parsed
        else:
            notice_cache.store(entry, parsed)


setattr(notice_loader, "cache", _MemoryCache())  # noqa: B010

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def notice() -> Notice:
    """The bundled notice, parsed once for the whole run."""
    return load_notice()


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every render test's files as PDFs, converted together once a run (tests/rendering.py)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's folder sits in one folder for the run: share that one.
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared_pdfs(root)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return bundled_notice_path().read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed width, no colour and no notice from the caller's environment."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("MINSHENG_NOTICE", raising=False)
