"""A cache of parsed notices, so that repeated commands skip parsing.

An entry is keyed by a hash of everything the result depends on: the notice's
bytes and path, the year override, the package version, the size and
modification time of every file of the package (its modules in every
subpackage and its tables of facts under data/), and the bytes of any extra
file read with the notice (an overlay). Any change simply misses.

An entry is one file: a header line holding the SHA-256 of the JSON after it,
then the JSON. An entry whose hash does not match (damaged, cut short, edited)
is parsed again, and one that is not a regular file of bounded size (a
symlink, a FIFO) is never opened. Entries are written 0600 into a fresh
temporary file (O_EXCL, no symlink followed) in a folder kept at 0700 and
owned by the user, then renamed into place; a folder owned by someone else is
not used. Once a day, a write also prunes entries older than 30 days, the
oldest ones past 50 MB in all, and temporary files of killed runs.

A missing, unwritable or damaged cache is never an error: the notice is parsed
again, and with no usable location (no home folder, say) nothing is cached.

Location: $MINSHENG_CACHE_DIR, else platformdirs' user cache folder for
"minsheng" ($XDG_CACHE_HOME/minsheng or ~/.cache/minsheng on Linux,
~/Library/Caches/minsheng on macOS, %LOCALAPPDATA%\\minsheng\\Cache on Windows).
Set MINSHENG_NO_CACHE=1 to turn it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import sys
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from minsheng_cli import _fs
from minsheng_cli.models import Notice
from minsheng_cli.trusted import construct

ENTRY_LIMIT = 64 * 1024 * 1024
"""The largest entry written or read, in bytes (a 10,000-task notice parses to 19 MB).
A larger parse is simply not cached."""
TOTAL_LIMIT = 256 * 1024 * 1024
MAX_AGE = 30 * 24 * 3600.0
PRUNE_EVERY = 24 * 3600.0
STALE_TEMPORARY = 24 * 3600.0

_PACKAGE = Path(__file__).parent.parent
_SUFFIX = ".entry"
_TEMP_PREFIX = ".entry."
_MAGIC = b"minsheng-cache-1 sha256="
_PRUNED = ".pruned"  # its modification time says when the folder was last pruned
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.entry")
# Left by earlier versions: plain JSON entries and `<key>.<pid>.tmp` of killed writes.
_LEGACY_NAME = re.compile(r"[0-9a-f]{64}\.json")
_LEGACY_TEMPORARY = re.compile(r"[0-9a-f]{64}\.\d+\.tmp")
_OUR_TEMPORARY = re.compile(re.escape(_TEMP_PREFIX) + r"[0-9a-f]{8}" + re.escape(_fs.TEMP_SUFFIX))


class _Entry(BaseModel):
    model_config = ConfigDict(defer_build=True)

    notice: Notice
    lines: list[str]


def cache_dir() -> Path | None:
    """The cache folder, or None when turned off or when no location can be found."""
    if os.environ.get("MINSHENG_NO_CACHE"):
        return None
    if explicit := os.environ.get("MINSHENG_CACHE_DIR"):
        return Path(explicit)
    try:
        folder = _user_cache_dir()
    except (ImportError, OSError, RuntimeError, KeyError, ValueError):
        return None
    # With no home folder, expanduser leaves "~" as it is: never cache under the cwd.
    return folder if folder.is_absolute() else None


def _user_cache_dir() -> Path:
    """platformdirs' user cache folder for minsheng.

    On Linux and macOS the rule is short and is followed here: importing platformdirs
    costs about 10 ms of every start, a fortieth of `minsheng list`. Windows, where
    the folder comes from the shell's known folders, asks platformdirs.
    """
    if sys.platform == "darwin":
        return Path(os.path.expanduser("~/Library/Caches/minsheng"))
    if os.name == "posix":
        # XDG Base Directory: $XDG_CACHE_HOME when it is an absolute path, else ~/.cache.
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        if not os.path.isabs(base):
            base = os.path.expanduser("~/.cache")
        return Path(base) / "minsheng"
    import platformdirs

    return Path(platformdirs.user_cache_dir("minsheng", appauthor=False))


def entry_path(
    path: Path, data: bytes, year: int | None, *, extra: Sequence[Path] = ()
) -> Path | None:
    """Where the parse of `data` (read from `path`) is cached; None if nowhere.

    `extra` names further files that shape the parse, such as an overlay read
    with the notice: their bytes are part of the key (a missing one counts too).
    """
    folder = cache_dir()
    if folder is None:
        return None
    from minsheng_cli import __version__

    digest = hashlib.sha256()
    shown_year = "-" if year is None else hex(year)  # not str(): it refuses 4,300 digits
    for part in (__version__, str(path), shown_year, _package_fingerprint()):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(hashlib.sha256(data).digest())
    for other in extra:
        digest.update(str(other).encode("utf-8", "surrogatepass") + b"\0")
        try:
            digest.update(hashlib.sha256(_fs.read_regular(other, ENTRY_LIMIT)).digest())
        except OSError:
            digest.update(b"missing\0")
    return folder / f"{digest.hexdigest()}{_SUFFIX}"


def load(entry: Path | None) -> Notice | None:
    """The cached notice, or None on any miss or damage."""
    if entry is None or not _usable(entry.parent):
        return None
    try:
        blob = _fs.read_regular(entry, ENTRY_LIMIT, follow_symlinks=False)
    except OSError:  # missing, a symlink, a FIFO, too large, unreadable
        return None
    header, _, payload = blob.partition(b"\n")
    if header != _MAGIC + hashlib.sha256(payload).hexdigest().encode():
        return None
    try:
        raw = json.loads(payload)
        notice = construct(Notice, raw["notice"])
        lines = raw["lines"]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not isinstance(lines, list):
        return None
    notice._source_lines = lines
    return notice


def store(entry: Path | None, notice: Notice) -> None:
    """Save a parsed notice; failures (a read-only home, a full disk) are ignored."""
    if entry is None:
        return
    folder = entry.parent
    with contextlib.suppress(OSError, ValueError):  # ValueError: text JSON cannot hold
        payload = _Entry(notice=notice, lines=notice._source_lines).model_dump_json().encode()
        blob = _MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        if len(blob) > ENTRY_LIMIT or not _usable(folder, create=True):
            return
        _write(folder, entry, blob)
    with contextlib.suppress(OSError):
        _maybe_prune(folder)


def _write(folder: Path, entry: Path, blob: bytes) -> None:
    fd, temporary = _fs.create_temporary(folder, _TEMP_PREFIX, mode=0o600)
    try:
        try:
            _fs.write_all(fd, blob)
        finally:
            os.close(fd)
        os.replace(temporary, entry)  # replaces a planted symlink itself, not its target
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _usable(folder: Path, *, create: bool = False) -> bool:
    """Whether `folder` is a folder of ours that nobody else can write to.

    With `create` (before a write), it is made if missing and set to 0700 if it is
    open to others. A folder owned by another user is never used: they could
    plant entries.
    """
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        if not create:
            return False
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    getuid = getattr(os, "getuid", None)  # POSIX only
    if getuid is not None and info.st_uid != getuid():
        return False
    if getuid is None:
        return True
    mode = stat.S_IMODE(info.st_mode)
    if create and mode & 0o077:
        os.chmod(folder, 0o700)
        return True
    return not mode & 0o022


@cache
def _package_fingerprint() -> str:
    """Name, size and mtime of every file of the package, subpackages and data included.

    stat() and not the bytes: it costs a few dozen system calls on every cache hit.
    """
    parts: list[str] = []
    pending = [_PACKAGE]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for item in entries:
            if item.name == "__pycache__" or item.name.endswith(".pyc"):
                continue
            try:
                if item.is_dir():
                    pending.append(Path(item.path))
                    continue
                info = item.stat()
            except OSError:
                continue
            name = os.path.relpath(item.path, _PACKAGE)
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(sorted(parts))


def _maybe_prune(folder: Path, *, now: float | None = None) -> None:
    """Prune at most once every PRUNE_EVERY seconds, as the stamp file tells."""
    now = time.time() if now is None else now
    stamp = folder / _PRUNED
    try:
        info = os.stat(stamp, follow_symlinks=False)
        if stat.S_ISREG(info.st_mode) and now - info.st_mtime < PRUNE_EVERY:
            return
    except FileNotFoundError:
        pass
    prune(folder, now=now)
    fd, temporary = _fs.create_temporary(folder, _TEMP_PREFIX, mode=0o600)
    os.close(fd)
    os.replace(temporary, stamp)


def prune(folder: Path, *, now: float | None = None) -> None:
    """Remove entries past MAX_AGE, then the oldest past TOTAL_LIMIT, and stale temporaries.

    Only names this module makes (or earlier versions made) are touched, and only
    regular files: nothing else that may sit in the folder.
    """
    now = time.time() if now is None else now
    entries: list[tuple[float, int, str]] = []
    with os.scandir(folder) as listing:
        items = list(listing)
    for item in items:
        try:
            info = item.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        age = now - info.st_mtime
        name = item.name
        if _ENTRY_NAME.fullmatch(name):
            if age > MAX_AGE:
                _remove(item.path)
            else:
                entries.append((info.st_mtime, info.st_size, item.path))
        elif _LEGACY_NAME.fullmatch(name):
            _remove(item.path)
        elif _OUR_TEMPORARY.fullmatch(name) or _LEGACY_TEMPORARY.fullmatch(name):
            if age > STALE_TEMPORARY:
                _remove(item.path)
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= TOTAL_LIMIT:
            break
        _remove(path)
        total -= size


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
