from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from minsheng_cli import ExportError
from minsheng_cli.export.files import atomic_write, safe_filename


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("市民政局", "市民政局"),
        ("各县（市）区", "各县（市）区"),
        ("a/b\\c", "a_b_c"),
        ("../../etc/passwd", "_._etc_passwd"),
        ("..", "未命名"),
        ('名称:*?"<>|', "名称_______"),
        ("  .隐藏 ", "隐藏"),
        ("x" * 300, "x" * 120),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe
    assert "/" not in safe and "\\" not in safe and safe not in (".", "..")


def _writes(text: bytes) -> Callable[[IO[bytes]], None]:
    def write(stream: IO[bytes]) -> None:
        stream.write(text)

    return write


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    atomic_write(target, _writes(b"new"))
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"filled in by hand")
    with pytest.raises(ExportError, match="文件已存在"):
        atomic_write(target, _writes(b"new"))
    assert target.read_bytes() == b"filled in by hand"
    assert os.listdir(tmp_path) == ["out.xlsx"]


def test_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    atomic_write(target, _writes(b"new"), force=True)
    assert target.read_bytes() == b"new"


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def write(stream: IO[bytes]) -> None:
        stream.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, write, force=True)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="不存在"):
        atomic_write(tmp_path / "no" / "out.csv", _writes(b""))
