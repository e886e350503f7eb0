from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli import Notice, NoticeError, load_notice
from minsheng_cli.notice.source import decode, read_source, split_lines


def _encodings(text: str) -> dict[str, bytes]:
    crlf = text.replace("\n", "\r\n")
    return {
        "gb18030": text.encode("gb18030"),
        "utf-8-bom-crlf": codecs.BOM_UTF8 + crlf.encode("utf-8"),
        "utf-16-le-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf-8-cr": text.replace("\n", "\r").encode("utf-8"),
    }


ENCODINGS = ["gb18030", "utf-8-bom-crlf", "utf-16-le-bom", "utf-16-be-bom", "utf-8-cr"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_same_tasks_from_every_encoding(
    encoding: str, seed_text: str, tmp_path: Path, notice: Notice
) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(_encodings(seed_text)[encoding])
    copy = load_notice(path)
    assert copy.tasks == notice.tasks
    assert [p.message for p in copy.problems] == [p.message for p in notice.problems]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a\nb\n", ["a", "b"]),
        ("a\r\nb", ["a", "b"]),
        ("a\rb\r", ["a", "b"]),
        ("a\n\nb", ["a", "", "b"]),
        ("a\u2028b", ["a\u2028b"]),
    ],
)
def test_split_lines(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b" \r\n\t", "文件是空的"),
        ("\u3000\xa0".encode(), "文件是空的"),
        (b"\x00\x01\x02abc", "文件含有空字节，看起来是二进制文件而不是文本"),
        (bytes(range(1, 32)) * 20, "文件含有大量控制字符，看起来是二进制文件而不是文本"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "文件以 utf-8-sig 标记开头，但内容无法按此编码解码"),
    ],
)
def test_unusable_bytes(data: bytes, message: str) -> None:
    with pytest.raises(NoticeError) as caught:
        decode(data, "x.txt")
    assert caught.value.message == f"x.txt：{message}"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NoticeError, match="找不到该文件"):
        read_source(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(NoticeError, match="这是一个文件夹"):
        read_source(tmp_path)


def test_encoding_is_reported(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed_text.encode("gb18030"))
    assert read_source(path).encoding == "gb18030"


@given(st.binary(max_size=400))
def test_any_bytes_decode_or_raise_our_error(data: bytes) -> None:
    try:
        text, encoding = decode(data, "x.bin")
    except NoticeError:
        return
    assert isinstance(text, str) and text.strip()
    assert encoding
