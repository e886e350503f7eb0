"""What people type into the fill-in cells, read leniently; each refusal says why in Chinese.

Pure functions over the values openpyxl gives (str, int, float, bool, datetime, date,
time or None); nothing here imports openpyxl.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from minsheng_cli.ledger.records import Status
from minsheng_cli.serialize import clean_text

_STATUSES = {s.value: s for s in Status}
_PERCENT_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]?")
_DATE_TEXT = re.compile(
    r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)"
)


class ValueProblem(ValueError):
    """A cell holds something that cannot be read as its column asks; the message is Chinese."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value).strip())


def shown(value: object) -> str:
    """A cell value as an error message quotes it."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = clean_text(str(value)).replace("\n", " ")
    return text if len(text) <= 40 else text[:40] + "…"


def read_text(value: object) -> str | None:
    """A free text: None when blank; a number or a date typed there is kept as written."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return shown(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def read_status(value: object) -> Status | None:
    if is_blank(value):
        return None
    text = "".join(str(value).split()) if isinstance(value, str) else None
    if text in _STATUSES:
        return _STATUSES[text]
    raise ValueProblem("状态只能是未启动、推进中或已完成")


def read_percent(value: object, number_format: str = "General") -> int | None:
    """50, 50.0, "50", "50%", or 0.5 in a cell with a percent format, all as 50."""
    if is_blank(value):
        return None
    number: float
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueProblem("完成进度应是 0 到 100 的整数")
    if isinstance(value, str):
        match = _PERCENT_TEXT.fullmatch(value.strip())
        if match is None:
            raise ValueProblem("完成进度应是 0 到 100 的整数")
        number = float(match.group(1))
    elif "%" in number_format:
        # Excel holds a typed 50% as 0.5 and shows it through the format.
        number = round(float(value) * 100, 9)
    else:
        number = float(value)
    if not math.isfinite(number) or not number.is_integer():
        raise ValueProblem("完成进度应是 0 到 100 的整数，不能有小数")
    if not 0 <= number <= 100:
        raise ValueProblem("完成进度应在 0 到 100 之间")
    return int(number)


def read_date(value: object, today: dt.date) -> dt.date | None:
    """A date cell, or text such as 2015-06-30, 2015/6/30, 2015.6.30 or 2015年6月30日."""
    if is_blank(value):
        return None
    date: dt.date | None = None
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, str):
        match = _DATE_TEXT.fullmatch(value.strip())
        if match is not None:
            year, month, day = (int(g) for g in match.groups() if g is not None)
            try:
                date = dt.date(year, month, day)
            except ValueError:
                raise ValueProblem("填报日期不是有效的日期") from None
    if date is None:
        raise ValueProblem("填报日期应是日期，如 2015-06-30 或 2015年6月30日")
    if date > today:
        raise ValueProblem(f"填报日期晚于今天（{today.isoformat()}）")
    return date


def read_number(value: object) -> int | None:
    """A 序号: an integer, also when a spreadsheet holds it as 18.0 or as the text "18"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    return None
