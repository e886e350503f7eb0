"""Notice files to a Reading: the kind told from the bytes, then one reader per kind.

- text: the plain-text dump (readers/text.py);
- docx, html, xlsx: a table of the file becomes a grid (notice/grid.py), and
  the grid the same Table the text dump gives.

Each reader is imported only when a notice of its kind is read. Kinds this
tool cannot read (.doc, .wps, .xls, an encrypted workbook, .pdf, .rtf) are
refused with a message that says how to save them as .docx or .xlsx.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from minsheng_cli.errors import NoticeError
from minsheng_cli.notice.reading import Reading

if TYPE_CHECKING:
    import zipfile


PART_LIMIT = 256 * 1024 * 1024
"""The largest part of a .docx or .xlsx unpacked, in bytes (a zip bomb stops here)."""

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_HTML_MARKS = ("<html", "<!doctype html", "<table")
_HTML_HEAD = 1024


def read_notice(path: Path, data: bytes, *, name: str | None = None) -> Reading:
    """The Reading of a notice's bytes, whatever its kind; NoticeError if unusable."""
    shown = name or str(path)
    kind = kind_of(data, shown)
    if kind == "docx":
        from minsheng_cli.notice.readers.docx import read_docx

        return read_docx(data, shown)
    if kind == "xlsx":
        from minsheng_cli.notice.readers.xlsx import read_xlsx

        return read_xlsx(data, shown)
    if kind == "html":
        from minsheng_cli.notice.readers.html import read_html

        return read_html(data, shown)
    from minsheng_cli.notice.readers.text import read_text

    return read_text(path, data, shown)


def kind_of(data: bytes, path: str) -> str:
    """docx, xlsx, html or text, from the content; NoticeError for kinds not read."""
    if data.startswith(_ZIP):
        with open_zip(data, path) as archive:
            names = set(archive.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise NoticeError(
            "这是 zip 压缩包，但不是 Word（.docx）或 Excel（.xlsx）文件，无法作为通知读取",
            path=path,
        )
    if data.startswith(_OLE2):
        raise NoticeError(_old_office(data), path=path)
    head = data[:_HTML_HEAD].lstrip()
    if head.startswith(b"%PDF"):
        raise NoticeError(
            "这是 PDF 文件，读不出其中的表格：请向发文单位要 Word（.docx）版，"
            "或用 Word/WPS 打开这份 PDF 后“另存为”.docx 再读取",
            path=path,
        )
    if head.startswith(b"{\\rtf"):
        raise NoticeError(
            "这是 RTF 文件，不能直接读取：请在 Word/WPS 中“另存为”.docx 后再读取", path=path
        )
    return "html" if _looks_like_html(data) else "text"


def open_zip(data: bytes, path: str) -> zipfile.ZipFile:
    """The zip archive of a .docx or .xlsx; NoticeError when it is damaged."""
    # Imported here: a text notice never opens an archive.
    import io
    import zipfile

    errors: tuple[type[Exception], ...] = (*_zip_errors(), zipfile.LargeZipFile)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except errors:
        raise NoticeError(_DAMAGED, path=path) from None


def zip_part(archive: zipfile.ZipFile, member: str, path: str) -> bytes:
    """One part of the archive, unpacked; NoticeError if damaged or over PART_LIMIT."""
    try:
        with archive.open(member) as stream:
            data = stream.read(PART_LIMIT + 1)
    except KeyError:
        raise NoticeError(f"文件里缺少 {member}，不是完整的 Office 文件", path=path) from None
    except _zip_errors():
        raise NoticeError(_DAMAGED, path=path) from None
    if len(data) > PART_LIMIT:
        raise NoticeError(
            f"{member} 解压后超过 {PART_LIMIT // (1024 * 1024)} MB，不像是一份通知", path=path
        )
    return data


def _zip_errors() -> tuple[type[Exception], ...]:
    """What a damaged archive raises while it is read (RuntimeError: an encrypted member)."""
    import lzma
    import zipfile
    import zlib

    return (
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        ValueError,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
    )


_DAMAGED = "文件已损坏：它是 zip 格式（.docx、.xlsx 都是），但无法解压；请重新下载或另存一份"


def _old_office(data: bytes) -> str:
    """What to say about an OLE2 file: encrypted, old Excel, or old Word/WPS."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return (
            "这是设有打开密码的（加密的）Office 文件，无法读取：请在 Excel/WPS 中打开它，"
            "取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再读取"
        )
    if "WordDocument".encode("utf-16-le") in data:
        return _OLD_WORD
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "这是旧版 Excel（.xls）文件，不能直接读取：请在 Excel/WPS 中“另存为”.xlsx 后再读取"
    return _OLD_WORD


_OLD_WORD = "这是旧版 Word（.doc）或 WPS 文件，不能直接读取：请在 Word/WPS 中“另存为”.docx 后再读取"


def _looks_like_html(data: bytes) -> bool:
    """Whether the file starts like a web page (after any BOM, blank lines or comments)."""
    head = data[: 4 * _HTML_HEAD]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip("\ufeffï»¿ \t\r\n").lower()[:_HTML_HEAD]
    return any(mark in text for mark in _HTML_MARKS)
