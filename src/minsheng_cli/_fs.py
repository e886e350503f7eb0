"""File-system primitives that never follow a planted symlink and never block on a FIFO.

Every POSIX-only flag is looked up with a fallback of 0, so the module imports
and works (with weaker guarantees, said in each docstring) where a platform
lacks it, as Windows lacks O_NOFOLLOW and O_NONBLOCK.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
O_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows: no newline translation

TEMP_SUFFIX = ".tmp"
# What create_temporary(folder, f".{name}.") makes: ".<name>.<8 random>.tmp". The random
# part also admits tempfile's alphabet, which earlier versions used for the same names.
_OUR_TEMPORARY = re.compile(r"\A\..+\.[0-9a-z_]{8}\.tmp")
STALE_AFTER = 24 * 3600.0


class NotRegularFileError(OSError):
    """The path names a FIFO, a device, a socket or a folder, not a regular file."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is a {kind}")
        self.path = path
        self.kind = kind


class TooLargeError(OSError):
    """The file is larger than the caller is willing to read."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(f"{path} is larger than {limit} bytes")
        self.path = path
        self.limit = limit


def file_kind(mode: int) -> str:
    """A Chinese word for what a non-regular file is."""
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def read_regular(path: Path, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Opens without blocking (a FIFO would otherwise wait for a writer), checks the
    opened file is regular, then reads at most `limit + 1` bytes, so that neither
    /dev/zero nor a growing file can exhaust memory. Raises NotRegularFileError,
    TooLargeError or the OSError of the open.
    """
    flags = os.O_RDONLY | O_BINARY | O_NONBLOCK | (0 if follow_symlinks else O_NOFOLLOW)
    if not O_NONBLOCK:
        # Without O_NONBLOCK, opening a FIFO blocks: look before opening instead.
        mode = os.stat(path, follow_symlinks=follow_symlinks).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(path, file_kind(mode))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(path, file_kind(info.st_mode))
        if info.st_size > limit:
            raise TooLargeError(path, limit)
        if O_NONBLOCK:
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    if remaining <= 0:
        raise TooLargeError(path, limit)
    return b"".join(chunks)


def create_temporary(folder: Path, prefix: str, *, mode: int = 0o666) -> tuple[int, Path]:
    """Create a new, empty file in `folder` and return its descriptor and path.

    O_CREAT | O_EXCL refuses any existing name, a symlink included (POSIX and
    Windows alike), so nothing planted at the name is ever written through.
    `mode` is filtered by the umask: the default gives the user's normal
    permissions, 0o600 a private file. Names end in TEMP_SUFFIX.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_BINARY
    for _ in range(100):
        path = folder / f"{prefix}{_token()}{TEMP_SUFFIX}"
        try:
            return os.open(path, flags, mode), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data` to `fd`: os.write may write fewer than asked."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def remove_stale_temporaries(
    folder: Path, *, pattern: re.Pattern[str] = _OUR_TEMPORARY, older_than: float = STALE_AFTER
) -> list[Path]:
    """Remove what create_temporary left in `folder` when a run was killed; return them.

    Only regular files whose whole name matches `pattern` (by default any name
    create_temporary makes), owned by this user (where the platform says),
    and untouched for `older_than` seconds: a temporary file of a run still going is
    never that old, and nobody else's file is touched.
    """
    removed: list[Path] = []
    deadline = time.time() - older_than
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_mtime > deadline:
            continue
        if uid is not None and info.st_uid != uid:
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _token() -> str:
    import secrets  # only writes pay for it

    return secrets.token_hex(4)
