"""A cache of parsed notices, so that repeated commands skip parsing.

An entry is keyed by a hash of everything the result depends on: the notice's
bytes and path, the year override, the package version, the TOML tables of
facts, and the size and modification time of the package's modules (so that
an edited parser never meets a stale entry). Any change simply misses. A missing, unreadable or
corrupt cache is never an error: the notice is parsed again.

Location: $MINSHENG_CACHE_DIR, else $XDG_CACHE_HOME/minsheng, else ~/.cache/minsheng.
Set MINSHENG_NO_CACHE=1 to turn it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from minsheng_cli._data import DATA_DIR
from minsheng_cli.models import Notice

_TABLES = ("units.toml", "deadlines.toml", "columns.toml")


class _Entry(BaseModel):
    model_config = ConfigDict(defer_build=True)

    notice: Notice
    lines: list[str]


def cache_dir() -> Path | None:
    if os.environ.get("MINSHENG_NO_CACHE"):
        return None
    if explicit := os.environ.get("MINSHENG_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "minsheng"


def entry_path(path: Path, data: bytes, year: int | None) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    from minsheng_cli import __version__

    digest = hashlib.sha256()
    for part in (__version__, str(path), str(year)):
        digest.update(part.encode() + b"\0")
    digest.update(data)
    for table in _TABLES:
        digest.update((DATA_DIR / table).read_bytes())
    for module in sorted(os.scandir(DATA_DIR.parent), key=lambda e: e.name):
        if module.name.endswith(".py"):
            stat = module.stat()
            digest.update(f"{module.name}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return folder / f"{digest.hexdigest()}.json"


def load(entry: Path | None) -> Notice | None:
    """The cached notice, or None on any miss or damage."""
    if entry is None:
        return None
    try:
        cached = _Entry.model_validate_json(entry.read_bytes())
    except (OSError, ValidationError):
        return None
    notice = cached.notice
    notice._source_lines = cached.lines
    return notice


def store(entry: Path | None, notice: Notice) -> None:
    """Save a parsed notice; failures (a read-only home, a full disk) are ignored."""
    if entry is None:
        return
    payload = _Entry(notice=notice, lines=notice._source_lines).model_dump_json().encode()
    temporary = entry.with_suffix(f".{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(payload)
        os.replace(temporary, entry)
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
