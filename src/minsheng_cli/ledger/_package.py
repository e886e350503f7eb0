"""A returned file's bytes, checked before any XML is parsed: an xlsx, and not a zip bomb.

Untrusted input: the size is bounded when reading (20 MB), the zip members' declared
sizes before expanding them (200 MB; Python's zipfile never yields more than a
member declares), and what is not an xlsx is named (.xls, CSV, a Word file).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_EXPANDED_BYTES = 200 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# A formula element, whatever namespace prefix the writer chose: <f>, <f t="shared"/>, <x:f>.
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")


class PackageError(ValueError):
    """The bytes are not an xlsx this tool will parse; the message is Chinese."""


def read_file(path: Path) -> bytes:
    """The file's bytes, at most MAX_FILE_BYTES. Raises PackageError."""
    from minsheng_cli._fs import NotRegularFileError, TooLargeError, read_regular

    try:
        return read_regular(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise PackageError("文件不存在") from None
    except NotRegularFileError as exc:
        raise PackageError(f"不是普通文件，而是{exc.kind}") from None
    except TooLargeError:
        raise PackageError(f"文件超过 {MAX_FILE_BYTES // 2**20} MB，未读取") from None
    except PermissionError:
        raise PackageError("没有读取这个文件的权限") from None
    except OSError as exc:
        raise PackageError(f"无法读取：{exc.strerror or exc}") from None


def check_package(data: bytes) -> bool:
    """Check `data` is an xlsx package within the limits; return whether it holds a formula.

    Raises PackageError. "Holds a formula" errs on the side of yes (for a part not in
    UTF-8, say), which only costs a second, exact look.
    """
    if len(data) > MAX_FILE_BYTES:
        raise PackageError(f"文件超过 {MAX_FILE_BYTES // 2**20} MB，未读取")
    if data.startswith(_OLE):
        raise PackageError(
            "这是旧版 Excel（.xls）文件或加了密码的工作簿，不是 xlsx；"
            "请在 Excel 中另存为“Excel 工作簿（*.xlsx）”、不设密码后再导入"
        )
    if not data.startswith(_ZIP):
        raise PackageError(
            f"不是 xlsx 文件（{_looks_like(data)}）；请导入本工具导出的 .xlsx 工作簿"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError):
        raise PackageError("不是有效的 xlsx 文件：压缩包已损坏") from None
    with archive:
        members = archive.infolist()
        expanded = sum(member.file_size for member in members)
        if expanded > MAX_EXPANDED_BYTES:
            raise PackageError(
                f"解压后超过 {MAX_EXPANDED_BYTES // 2**20} MB（声明 {expanded // 2**20} MB），"
                "不像是分工表，未读取"
            )
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            kind = "Word 文件" if "word/document.xml" in names else "普通压缩包或其他文件"
            raise PackageError(f"不是 xlsx 文件（是{kind}）；请导入本工具导出的 .xlsx 工作簿")
        try:
            return any(
                _has_formula(archive, m) for m in members if _SHEET_PART.fullmatch(m.filename)
            )
        except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError):
            raise PackageError("不是有效的 xlsx 文件：压缩包已损坏") from None


def _has_formula(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    part = archive.read(member)
    if b"\x00" in part[:200]:
        return True  # UTF-16 or UTF-32: the byte pattern would miss it
    return _FORMULA.search(part) is not None


def _looks_like(data: bytes) -> str:
    if not data.strip():
        return "文件是空的"
    head = data[:4096]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = head.decode("gb18030")
        except UnicodeDecodeError:
            return "无法识别的文件"
    if "<html" in text.lower() or "<table" in text.lower():
        return "看起来是网页（HTML）"
    if "," in text or "\t" in text:
        return "看起来是 CSV 或文本文件"
    return "看起来是文本文件"
