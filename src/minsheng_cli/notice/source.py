"""Bytes to text: find the encoding, normalise line ends, refuse what is not text.

A file that is almost entirely one encoding is decoded with its few bad bytes
replaced by U+FFFD; each line that had one gets a `bad-bytes` warning.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from minsheng_cli import _fs
from minsheng_cli.errors import NoticeError
from minsheng_cli.models import Problem, Severity

NOTICE_LIMIT = 64 * 1024 * 1024
"""The largest notice read, in bytes: a real notice is a few hundred kilobytes."""

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Control characters that never occur in a text notice (tab, LF, CR and FF do).
_BINARY_CONTROLS = dict.fromkeys([c for c in range(32) if chr(c) not in "\t\n\r\f"] + [0x7F])

# Each undecodable byte becomes this lone surrogate, which no decoder ever yields
# for good input, so that it can be found and counted, then shown as U+FFFD.
_MARK = "\udcff"
_MARK_ERRORS = "minsheng-mark"
_MARKS = re.compile(_MARK + "+")
_REPLACEMENT = "\ufffd"
# At most this share of the bytes may be bad for a file to count as text.
_BAD_SHARE = 20  # one in twenty
# UTF-8 wins over other guesses when its good multi-byte characters outnumber
# its bad bytes this many times: GBK text read as UTF-8 has about one good per four bad.
_UTF8_DOMINANCE = 4
_MAX_BAD_LINE_WARNINGS = 20


def _mark(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _MARK * (error.end - error.start), error.end


codecs.register_error(_MARK_ERRORS, _mark)


@dataclass(frozen=True)
class SourceText:
    """A decoded notice: its lines (without line ends) and where they came from."""

    path: str
    encoding: str
    lines: list[str]
    problems: list[Problem] = field(default_factory=list)
    """Warnings about the bytes themselves (bad-bytes), one per damaged line."""


def read_bytes(path: Path) -> bytes:
    """The raw bytes of a notice file, or a NoticeError that says why not.

    Only a regular file of at most NOTICE_LIMIT bytes is read: a FIFO, a device
    (/dev/zero) or a folder is refused before anything is read.
    """
    shown = str(path)
    try:
        return _fs.read_regular(path, NOTICE_LIMIT)
    except _fs.NotRegularFileError as exc:
        if exc.kind == "文件夹":
            raise NoticeError("这是一个文件夹，不是通知文件", path=shown) from None
        raise NoticeError(f"这是{exc.kind}，不是普通文件，不能作为通知读取", path=shown) from None
    except _fs.TooLargeError:
        raise NoticeError(
            f"文件超过 {NOTICE_LIMIT // (1024 * 1024)} MB 的上限，不像是一份通知", path=shown
        ) from None
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
    lines = split_lines(text)
    problems = _mark_bad_lines(lines, encoding) if _MARK in text else []
    return SourceText(path=shown, encoding=encoding, lines=lines, problems=problems)


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode notice bytes: BOM first, then UTF-8, then charset detection, then GB18030.

    Bad bytes in an otherwise clean file come back as _MARK characters, one per
    byte (read_source turns them into warnings and U+FFFD).
    """
    if not data.strip():
        raise NoticeError("文件是空的", path=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text, bad = _lenient(data, encoding)
            if bad * _BAD_SHARE > len(data):
                raise NoticeError(f"文件以 {encoding} 标记开头，但内容无法按此编码解码", path=path)
            return _checked(text, path), encoding.replace("-sig", " (BOM)")
    if b"\x00" in data:
        raise NoticeError("文件含有空字节，看起来是二进制文件而不是文本", path=path)
    text, bad_utf8 = _lenient(data, "utf-8")
    if not bad_utf8:
        return _checked(text, path), "utf-8"
    good_multibyte = len(text) - len(text.encode("ascii", "ignore")) - bad_utf8
    if good_multibyte >= _UTF8_DOMINANCE * bad_utf8:
        return _checked(text, path), "utf-8"
    # Imported here: only notices that are not UTF-8 pay for detection.
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return _checked(str(best), path), best.encoding
    # Detection wants a flawless file: a GBK file cut in the middle of a character fails it.
    for encoding, bad in ((e, _lenient(data, e)[1]) for e in ("utf-8", "gb18030")):
        if bad * _BAD_SHARE <= len(data) and bad <= bad_utf8:
            return _checked(_lenient(data, encoding)[0], path), encoding
    raise NoticeError("无法识别文件编码，看起来不是文本文件", path=path)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Like decode(), with each bad byte shown as U+FFFD: for readers that warn no further."""
    text, encoding = decode(data, path)
    return _MARKS.sub(lambda m: _REPLACEMENT * len(m.group(0)), text), encoding


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR. A final line end does not start an empty line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _lenient(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode with every bad byte marked; return the text and the count of bad bytes."""
    text = data.decode(encoding, _MARK_ERRORS)
    return text, text.count(_MARK)


def _mark_bad_lines(lines: list[str], encoding: str) -> list[Problem]:
    """Replace each run of marks in `lines` (in place) by U+FFFD; one warning per line."""
    problems: list[Problem] = []
    damaged = 0
    for index, line in enumerate(lines):
        if _MARK not in line:
            continue
        lines[index], spots = _MARKS.subn(_REPLACEMENT, line)
        damaged += 1
        if damaged <= _MAX_BAD_LINE_WARNINGS:
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    code="bad-bytes",
                    message=f"第{index + 1}行有{spots}处字节无法按 {encoding} 解码，"
                    f"已替换为“{_REPLACEMENT}”",
                    line=index + 1,
                )
            )
    if damaged > _MAX_BAD_LINE_WARNINGS:
        problems.append(
            Problem(
                severity=Severity.WARNING,
                code="bad-bytes",
                message=f"另有{damaged - _MAX_BAD_LINE_WARNINGS}行含有无法解码的字节，"
                f"也已替换为“{_REPLACEMENT}”",
            )
        )
    return problems


def _checked(text: str, path: str) -> str:
    if not text.replace(_MARK, "").strip():
        raise NoticeError("文件是空的", path=path)
    controls = len(text) - len(text.translate(_BINARY_CONTROLS))
    if controls > max(2, len(text) // 100):
        raise NoticeError("文件含有大量控制字符，看起来是二进制文件而不是文本", path=path)
    return text
