"""Bytes to text: find the encoding, normalise line ends, refuse what is not text."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from minsheng_cli.errors import NoticeError

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Control characters that never occur in a text notice (tab, LF, CR and FF do).
_BINARY_CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f") | {"\x7f"}


@dataclass(frozen=True)
class SourceText:
    """A decoded notice: its lines (without line ends) and where they came from."""

    path: str
    encoding: str
    lines: list[str]


def read_bytes(path: Path) -> bytes:
    """The raw bytes of a notice file, or a NoticeError that says why not."""
    shown = str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NoticeError("找不到该文件", path=shown) from None
    except IsADirectoryError:
        raise NoticeError("这是一个文件夹，不是通知文件", path=shown) from None
    except PermissionError:
        raise NoticeError("没有读取该文件的权限", path=shown) from None
    except OSError as exc:
        raise NoticeError(f"无法读取该文件（{exc.strerror or exc}）", path=shown) from None


def read_source(path: Path, data: bytes | None = None, *, name: str | None = None) -> SourceText:
    """Read (unless `data` is given) and decode a notice, raising NoticeError if unusable.

    `name` is how messages refer to the file; its path by default.
    """
    if data is None:
        data = read_bytes(path)
    shown = name or str(path)
    text, encoding = decode(data, shown)
    return SourceText(path=shown, encoding=encoding, lines=split_lines(text))


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode notice bytes: BOM first, then strict UTF-8, then charset detection."""
    if not data.strip():
        raise NoticeError("文件是空的", path=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), path), encoding.replace("-sig", " (BOM)")
            except UnicodeDecodeError:
                raise NoticeError(
                    f"文件以 {encoding} 标记开头，但内容无法按此编码解码", path=path
                ) from None
    if b"\x00" in data:
        raise NoticeError("文件含有空字节，看起来是二进制文件而不是文本", path=path)
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    # Imported here: only notices that are not UTF-8 pay for detection.
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise NoticeError("无法识别文件编码，看起来不是文本文件", path=path)
    return _checked(str(best), path), best.encoding


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR. A final line end does not start an empty line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _checked(text: str, path: str) -> str:
    if not text.strip():
        raise NoticeError("文件是空的", path=path)
    controls = sum(1 for ch in text if ch in _BINARY_CONTROLS)
    if controls > max(2, len(text) // 100):
        raise NoticeError("文件含有大量控制字符，看起来是二进制文件而不是文本", path=path)
    return text
