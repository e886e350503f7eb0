"""Small Chinese numerals (一 … 九十九), as they appear in months, quarters and counts."""

from __future__ import annotations

_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

NUMERAL = r"(?:\d{1,4}|[〇零一二两三四五六七八九十]{1,3})"
"""A regular expression for one number written either way."""


def to_int(text: str) -> int | None:
    """`"10"`, `"十"`, `"十一"`, `"二十"`, `"八十"` → int; anything else → None."""
    if text.isdecimal():  # not isdigit(): int() refuses "²"
        return int(text) if len(text) <= 9 else None
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
