"""The notice's overlay file, `minsheng.toml`: one reader, with a section per kind of change.

An office keeps its own additions and corrections beside the notice instead of
editing it. Each section is read by the module that owns it, named in
`_SECTIONS` so that a module is imported only when an overlay uses its section.
A section that no module owns is an error naming the file and line.

    [recipients.groups]               # minsheng_cli.notice.recipients
    "开发区" = ["高新区", "经开区", "中新食品区", "北大湖开发区"]

    [[corrections]]                   # minsheng_cli.notice.corrections, with [aliases]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minsheng_cli.errors import OverlayError

OVERLAY_NAME = "minsheng.toml"
"""The overlay found beside a notice given with --notice."""

_SECTIONS = {
    "recipients": "minsheng_cli.notice.recipients",
    "corrections": "minsheng_cli.notice.corrections",
    "aliases": "minsheng_cli.notice.corrections",
}
"""Section name → the module that reads it."""

_MAX_BYTES = 1 << 20
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Overlay:
    """A parsed overlay: its sections as TOML values, and its lines for messages."""

    path: Path
    sections: dict[str, Any]
    lines: list[str] = field(repr=False)

    def error(self, message: str, line: int | None) -> OverlayError:
        source = self.lines[line - 1] if line and line <= len(self.lines) else None
        return OverlayError(message, path=str(self.path), line=line, source_line=source)

    def line_of(
        self, table: str, key: str | None = None, value: str | None = None, nth: int = 1
    ) -> int | None:
        """The line of `[table]`, of `key = …` under it, or of the `nth` quoted `value` after it."""
        header = re.compile(rf"^\s*\[\s*{_key_pattern(table)}\s*\]")
        start = next((i for i, text in enumerate(self.lines) if header.match(text)), None)
        if start is None:
            return None
        if key is None:
            return start + 1
        assignment = re.compile(rf"^\s*{_key_pattern(key)}\s*=")
        at = next(
            (i for i in range(start + 1, len(self.lines)) if assignment.match(self.lines[i])),
            None,
        )
        if at is None:
            return start + 1
        if value is None:
            return at + 1
        seen = 0
        quoted = re.compile(rf"[\"']{re.escape(value)}[\"']")
        for i in range(at, len(self.lines)):
            seen += len(quoted.findall(self.lines[i]))
            if seen >= nth:
                return i + 1
        return at + 1


def _key_pattern(dotted: str) -> str:
    """A pattern for a dotted TOML key whose parts may be bare or quoted."""
    parts = [rf"(?:{re.escape(p)}|\"{re.escape(p)}\"|'{re.escape(p)}')" for p in dotted.split(".")]
    return r"\s*\.\s*".join(parts)


def find_overlay(notice: Path | None, explicit: Path | None) -> Path | None:
    """`--overlay FILE` if given, else minsheng.toml beside a notice given with --notice."""
    if explicit is not None:
        return explicit
    if notice is not None:
        beside = notice.parent / OVERLAY_NAME
        if beside.is_file():
            return beside
    return None


def read_overlay(path: Path) -> Overlay:
    """Read and check an overlay file; OverlayError names the file and line of any problem."""
    import tomllib

    from minsheng_cli._fs import NotRegularFileError, TooLargeError, read_regular

    shown = str(path)
    try:
        data = read_regular(path, _MAX_BYTES)
    except FileNotFoundError:
        raise OverlayError("找不到该补充文件", path=shown) from None
    except NotRegularFileError as exc:
        raise OverlayError(f"这是{exc.kind}，不是补充文件", path=shown) from None
    except TooLargeError:
        raise OverlayError("补充文件超过 1 MB，不像是 minsheng.toml", path=shown) from None
    except OSError as exc:
        raise OverlayError(f"无法读取该文件（{exc.strerror or exc}）", path=shown) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OverlayError("补充文件须为 UTF-8 编码", path=shown, line=line) from None
    lines = text.splitlines()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        where = int(match.group(1)) if match else None
        raise Overlay(path, {}, lines).error(f"TOML 格式有误：{exc}", where) from None
    overlay = Overlay(path, raw, lines)
    for name, value in raw.items():
        if name not in _SECTIONS:
            known = "、".join(f"[{n}]" for n in _SECTIONS)
            message = f"不认识的部分 [{name}]（可用的部分：{known}）"
        elif name == "corrections":
            if isinstance(value, list):
                continue
            message = "corrections 应写成 [[corrections]] 表数组，每条更正一个"
        elif not isinstance(value, dict):
            message = f"[{name}] 应是一个表（写作 [{name}] 标题）"
        else:
            continue
        raise overlay.error(message, _top_line(overlay, name))
    return overlay


def _top_line(overlay: Overlay, name: str) -> int | None:
    """The line of `[name…]` or of `name = …` / `name.x = …` at the top level."""
    pattern = re.compile(rf"^\s*(?:\[\s*)?{_key_pattern(name)}\s*[\].=]")
    return next((i + 1 for i, t in enumerate(overlay.lines) if pattern.match(t)), None)
