"""Safe file names, and writes that are exclusive, complete and never surprise anyone.

A write renders the whole file in memory, writes it to a new temporary file in the
target folder (O_EXCL, no symlink following), and only then moves it into place:
with a hard link when nothing may be replaced, so that a file which appeared
meanwhile is never lost, or with a rename over an existing regular file under
--force. The temporary file is removed on every way out, Ctrl-C included.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from minsheng_cli import _fs
from minsheng_cli.errors import ExportError

# Characters no file system takes in a name, controls, and the invisible marks that can
# make a name read as something else (bidirectional overrides, zero-width characters).
_UNSAFE = re.compile(
    '[\x00-\x1f\x7f-\x9f/\\\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]'
)
_MAX_NAME = 120
# File systems count bytes (ext4, APFS and NTFS alike allow 255); a Chinese character takes
# three. The rest is left for the extension, a "-2" and the temporary file's affixes.
_MAX_NAME_BYTES = 200
_TEMP_NAME_BYTES = 200
# Names Windows keeps for devices, whatever the extension ("NUL.xlsx" is the null device).
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}

_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "所在的文件系统是只读的",
    errno.ENAMETOOLONG: "文件名太长，超出了文件系统的上限",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "路径中的符号链接层数过多",
    errno.EISDIR: "这是一个文件夹，不能作为导出文件",
}
if hasattr(errno, "EDQUOT"):  # POSIX only
    _REASONS[errno.EDQUOT] = "超出磁盘配额"
# The temporaries atomic_write makes for an export: ".<name>.<format>.<8 random>.tmp".
_EXPORT_TEMPORARY = re.compile(r"\A\..+\.(xlsx|docx|csv|json|md|ics|html)\.[0-9a-z_]{8}\.tmp")
_HINTS = {
    errno.ENOSPC: "请腾出空间后重试；原有文件没有改动。",
    errno.ENAMETOOLONG: "请用 -o 指定短一些的文件名。",
    errno.EACCES: "请确认文件没有在 Excel 或 WPS 中打开，且对文件夹有写入权限。",
}


def safe_filename(name: str) -> str:
    """A file name that stays inside its folder on Windows, macOS and Linux."""
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name).strip(" .")
    name = _cut(name[:_MAX_NAME], _MAX_NAME_BYTES).strip(" .")
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name or "未命名"


def unique_paths(paths: Iterable[Path]) -> list[Path]:
    """The paths, each made unique by a "-2", "-3", … before its extension.

    Names compare as a case-insensitive, normalising file system (Windows, macOS) would
    compare them, so that no file can replace another one planned beside it.
    """
    taken: set[str] = set()
    unique: list[Path] = []
    for path in paths:
        candidate, number = path, 1
        while _same_name_key(candidate) in taken:
            number += 1
            candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        taken.add(_same_name_key(candidate))
        unique.append(candidate)
    return unique


def check_targets(paths: Iterable[Path], *, force: bool = False) -> None:
    """Refuse, before anything is written, any target that is there and may not be replaced.

    Without `force` that is anything at all; with it, anything but a regular file.
    """
    existing: list[Path] = []
    for path in paths:
        info = _lstat(path)
        if info is None:
            continue
        if not stat.S_ISREG(info.st_mode):
            raise not_regular_error(path, info.st_mode)
        if not force:
            existing.append(path)
    if existing:
        raise exists_error(*existing)


def make_folders(folders: Iterable[Path]) -> list[Path]:
    """Create each missing folder and its missing parents; return those created, outermost first."""
    created: list[Path] = []
    for folder in folders:
        missing: list[Path] = []
        while not os.path.lexists(folder):
            missing.append(folder)
            folder = folder.parent
        if not is_folder(folder):
            raise ExportError(f"{folder}：这是一个文件，不是文件夹，无法在其中写入")
        for part in reversed(missing):
            try:
                part.mkdir()
            except FileExistsError:
                if not is_folder(part):
                    raise ExportError(f"{part}：这是一个文件，不是文件夹，无法在其中写入") from None
                continue
            except OSError as exc:
                raise os_error(part, exc) from None
            created.append(part)
    return created


def atomic_write(path: Path, write: Callable[[IO[bytes]], None], *, force: bool = False) -> None:
    """Write what `write` produces to `path`, all of it or nothing.

    Without `force`, an existing file is never replaced, even if it appears meanwhile.
    With it, only a regular file is, and it keeps its permissions; a new file gets the
    user's umask.
    """
    mode = _replaceable_mode(path, force=force)
    buffer = io.BytesIO()
    write(buffer)
    data = buffer.getvalue()
    prefix = f".{_cut(path.name, _TEMP_NAME_BYTES)}."
    try:
        fd, temporary = _fs.create_temporary(path.parent, prefix, mode=0o666)
    except OSError as exc:
        raise os_error(path, exc) from None
    try:
        try:
            _fs.write_all(fd, data)
            if mode is not None:
                _chmod(fd, temporary, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        _move_into_place(temporary, path, force=force)
    except OSError as exc:
        raise os_error(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def remove_stale_temporaries(folders: Iterable[Path]) -> list[Path]:
    """Remove the day-old temporary files killed exports left in these folders."""
    return [
        path
        for folder in folders
        for path in _fs.remove_stale_temporaries(folder, pattern=_EXPORT_TEMPORARY)
    ]


def exists_error(*paths: Path) -> ExportError:
    """The refusal to overwrite: someone may have filled in that file."""
    shown = "、".join(str(p) for p in paths[:3]) + (
        f" 等 {len(paths)} 个文件" if len(paths) > 3 else ""
    )
    return ExportError(
        f"{shown}：文件已存在，为免覆盖他人填写的内容，未写入", ["确需覆盖时请加 --force。"]
    )


def not_regular_error(path: Path, mode: int) -> ExportError:
    if stat.S_ISDIR(mode):
        return ExportError(f"{path}：这是一个文件夹，不能作为导出文件")
    kind = "符号链接" if stat.S_ISLNK(mode) else _fs.file_kind(mode)
    return ExportError(
        f"{path}：这是{kind}，不是普通文件，未写入",
        ["导出只写入普通文件，--force 也只替换普通文件；请用 -o 指定别的文件名。"],
    )


def os_error(path: Path, exc: OSError) -> ExportError:
    """Our own message for an OSError met while writing `path`."""
    if exc.errno == errno.ENOENT:
        return ExportError(f"{path}：文件夹“{path.parent}”不存在，未写入")
    if exc.errno == errno.ENOTDIR:
        blocker = next((p for p in path.parents if _is_file(p)), None)
        if blocker is not None:
            return ExportError(f"{path}：“{blocker}”是一个文件，不是文件夹，未写入")
    reason = _REASONS.get(exc.errno or 0) or f"无法写入（{exc.strerror or exc}）"
    hint = _HINTS.get(exc.errno or 0)
    return ExportError(f"{path}：{reason}，未写入", [hint] if hint else [])


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder (or a symlink to one); False for any error, a long name too."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _replaceable_mode(path: Path, *, force: bool) -> int | None:
    """The permission bits of the regular file `force` may replace; None if nothing is there."""
    info = _lstat(path)
    if info is None:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise not_regular_error(path, info.st_mode)
    if not force:
        raise exists_error(path)
    return stat.S_IMODE(info.st_mode)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise os_error(path, exc) from None


def _chmod(fd: int, path: Path, mode: int) -> None:
    fchmod = getattr(os, "fchmod", None)  # POSIX only
    if fchmod is not None:
        fchmod(fd, mode)
    else:
        os.chmod(path, mode)


def _move_into_place(temporary: Path, path: Path, *, force: bool) -> None:
    if force:
        _replaceable_mode(path, force=True)  # still absent, or still a regular file
        os.replace(temporary, path)
        return
    link = getattr(os, "link", None)
    if link is not None:
        try:
            # A hard link fails if `path` exists, so nothing written since our check is lost.
            link(temporary, path)
            return
        except FileExistsError:
            raise exists_error(path) from None
        except OSError:
            pass  # no hard links here (FAT, some network shares): reserve the name instead
    _reserve_and_replace(temporary, path)


def _reserve_and_replace(temporary: Path, path: Path) -> None:
    """Claim `path` with an exclusive create, then rename the finished file over our claim."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _fs.O_NOFOLLOW | _fs.O_BINARY
    try:
        os.close(os.open(path, flags, 0o600))
    except FileExistsError:
        raise exists_error(path) from None
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)  # our own empty claim, nobody else's file
        raise


def _same_name_key(path: Path) -> str:
    return unicodedata.normalize("NFC", str(path)).casefold()


def _cut(name: str, limit: int) -> str:
    """`name` shortened to at most `limit` UTF-8 bytes, never inside a character."""
    return name.encode("utf-8")[:limit].decode("utf-8", "ignore")
