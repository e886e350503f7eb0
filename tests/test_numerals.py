from __future__ import annotations

import pytest

from minsheng_cli.notice.numerals import to_int


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10", 10),
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("八十", 80),
        ("九十九", 99),
        ("两", 2),
        ("", None),
        ("十十", None),
        ("一二", None),
        ("百", None),
    ],
)
def test_to_int(text: str, value: int | None) -> None:
    assert to_int(text) == value
