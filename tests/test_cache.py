from __future__ import annotations

from pathlib import Path

import pytest

from minsheng_cli import Notice, load_notice
from minsheng_cli.loader import bundled_notice_path


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
