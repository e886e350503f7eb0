from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from minsheng_cli import Notice, load_notice
from minsheng_cli.models import DeadlineKind, Recipient
from minsheng_cli.notice import cache as notice_cache
from minsheng_cli.notice.loader import bundled_notice_path
from minsheng_cli.trusted import construct, dump

from .conftest import DATA


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.delenv("MINSHENG_NO_CACHE")
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(folder))
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.entry"))


def test_second_load_comes_from_the_cache(cache: Path, notice: Notice) -> None:
    first = load_notice()
    assert len(_entries(cache)) == 1
    second = load_notice()
    assert second == first == notice
    assert second.source_excerpt(second.tasks[61]) == notice.source_excerpt(notice.tasks[61])


def test_changed_notice_misses(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_bytes(bundled_notice_path().read_bytes())
    assert load_notice(path).meta.year == 2015
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("〔2015〕", "〔2016〕"), encoding="utf-8")
    assert load_notice(path).meta.year == 2016
    assert load_notice(path, year=2020).meta.year == 2020
    assert len(_entries(cache)) == 3


def test_corrupt_entry_is_parsed_again(cache: Path, notice: Notice) -> None:
    load_notice()
    [entry] = _entries(cache)
    entry.write_text("{not json", encoding="utf-8")
    assert load_notice() == notice


def test_unwritable_cache_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.delenv("MINSHENG_NO_CACHE")
    monkeypatch.setenv("MINSHENG_CACHE_DIR", str(blocker / "cache"))
    assert len(load_notice().tasks) == 80


@pytest.mark.parametrize(
    "path", [None, *sorted(DATA.glob("good_*.txt")), *sorted(DATA.glob("warn_*.txt"))]
)
def test_trusted_rebuild_equals_validation(path: Path | None) -> None:
    notice = load_notice(path)
    dumped = notice.model_dump(mode="json")
    rebuilt = construct(Notice, dumped)
    assert rebuilt == Notice.model_validate(dumped)
    assert rebuilt.model_dump(mode="json") == dumped
    assert dump(rebuilt) == dumped == dump(notice)
    assert isinstance(rebuilt.tasks[0].deadline.kind, DeadlineKind)
    assert rebuilt.tasks[0].recipients and isinstance(rebuilt.tasks[0].recipients[0], Recipient)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["tasks"][0]["deadline"].update(date="2015-13-01"),
        lambda d: d["tasks"][0]["deadline"].update(kind="someday"),
        lambda d: d["tasks"][0].update(units="市民政局"),
        lambda d: d["tasks"][0].update(number="1"),
        lambda d: d.update(tasks={"a": 1}),
    ],
)
def test_trusted_rebuild_refuses_a_wrong_shape(change: Callable[[dict[str, Any]], None]) -> None:
    dumped = load_notice().model_dump(mode="json")
    change(dumped)
    with pytest.raises((ValueError, TypeError, AttributeError)):
        construct(Notice, dumped)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows asks platformdirs itself")
@pytest.mark.parametrize(
    "environment",
    [{}, {"XDG_CACHE_HOME": "/x/y"}, {"XDG_CACHE_HOME": "  "}, {"XDG_CACHE_HOME": "rel/dir"},
     {"HOME": "/elsewhere"}, {"XDG_CACHE_HOME": "/x/y/"}],
)  # fmt: skip
def test_cache_folder_is_platformdirs_own(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    expected = Path(platformdirs.user_cache_dir("minsheng", appauthor=False))
    assert notice_cache._user_cache_dir() == expected
