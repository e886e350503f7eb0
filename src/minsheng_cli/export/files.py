"""Safe file names and atomic, no-surprise writes."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from minsheng_cli.errors import ExportError

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_MAX_NAME = 120


def safe_filename(name: str) -> str:
    """A file name that stays inside its folder on Windows, macOS and Linux."""
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name).strip(" .")
    return name[:_MAX_NAME] or "未命名"


def atomic_write(path: Path, write: Callable[[IO[bytes]], None], *, force: bool = False) -> None:
    """Write via a temporary file in the same folder, then move it into place.

    An interrupted write leaves the old file (or nothing) in place, never half a file.
    Without `force`, an existing file is never replaced, even if it appears meanwhile.
    """
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"{path}：目录“{folder}”不存在")
    if path.is_dir():
        raise ExportError(f"{path}：这是一个文件夹，不能作为导出文件")
    if path.exists() and not force:
        raise exists_error(path)
    handle = tempfile.NamedTemporaryFile(
        dir=folder, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _move_into_place(temporary, path, force=force)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _move_into_place(temporary: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(temporary, path)
        return
    try:
        # A hard link fails if `path` exists, so nothing written since our check is lost.
        os.link(temporary, path)
    except FileExistsError:
        raise exists_error(path) from None
    except OSError:
        # Some file systems have no hard links; fall back to a checked rename.
        if path.exists():
            raise exists_error(path) from None
        os.replace(temporary, path)


def exists_error(*paths: Path) -> ExportError:
    """The refusal to overwrite: someone may have filled in that file."""
    shown = "、".join(str(p) for p in paths[:3]) + (
        f" 等 {len(paths)} 个文件" if len(paths) > 3 else ""
    )
    return ExportError(
        f"{shown}：文件已存在，为免覆盖他人填写的内容，未写入", ["确需覆盖时请加 --force。"]
    )
