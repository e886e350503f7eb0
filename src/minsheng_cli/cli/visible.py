"""Notice text made safe for a terminal: control characters shown, not obeyed; long cells cut.

A notice copied from a web page or a chat app can hold escape sequences (`ESC]0;…BEL` retitles
the window, `ESC[2J` clears it), C1 controls, which some terminals obey as well, and bidi
overrides, which reorder what the reader sees. None of them may reach the terminal. This module
uses only the standard library, so that JSON output can use it without importing rich.
"""

from __future__ import annotations

import re
from functools import cache

# Tab and newline lay text out and are harmless; every other C0 control, DEL, the C1 block,
# the bidi controls and the two Unicode line separators are shown instead of obeyed.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_TERMINAL = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]"
# json.dumps(ensure_ascii=False) escapes C0 controls itself, but not DEL, C1 or bidi controls.
_JSON = f"[\x7f-\x9f{_BIDI}]"


@cache
def _pattern(chars: str) -> re.Pattern[str]:
    # A single character class: one pass, no backtracking.
    return re.compile(chars)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """`text` with every control character replaced by a visible stand-in (ESC → ␛, CSI → \\x9b)."""
    if text.isprintable():  # the common case: no control, no separator, nothing to scan for
        return text
    return _pattern(_TERMINAL).sub(_picture, text)


def json_safe(dumped: str) -> str:
    r"""JSON text with DEL, C1 and bidi controls written as \u escapes; it decodes to the same data.

    json.dumps only emits such characters inside strings, where an escape means the same thing.
    """
    return _pattern(_JSON).sub(_escape, dumped)


def clip(text: str, limit: int, hint: str) -> str:
    """`text` cut to `limit` characters, with a marker saying how long it was and where to look."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共{len(text)}字，完整内容请用 {hint}）"
