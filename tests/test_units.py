from __future__ import annotations

import pytest

from minsheng_cli.units import canonical_unit, split_units

CANONICAL = [
    ("市民政局", "市民政局"),
    ("民政局", "市民政局"),
    ("发改委", "市发改委"),
    ("铁建办", "市铁建办"),
    ("市政公用局", "市市政公用局"),
    ("市市政公用局", "市市政公用局"),
    ("市执法局", "市城管执法局"),
    ("城管执法局", "市城管执法局"),
    ("宣传部", "市委宣传部"),
    ("各县(市)区", "各县（市）区"),
    ("各县（市）区", "各县（市）区"),
    ("县（市）区", "各县（市）区"),
    ("县(市)区", "各县（市）区"),
    ("城区", "各城区"),
    ("各城区", "各城区"),
    ("各县（市）", "各县（市）"),
    ("吉林城市调查队", "吉林城市调查队"),
    ("丰满区政府", "丰满区政府"),
    ("市直三所医院", "市直三所医院"),
    ("开发区", "开发区"),
    ("总工会", "市总工会"),
    ("\xa0市广电局\u3000", "市广电局"),
]


@pytest.mark.parametrize(("written", "canonical"), CANONICAL)
def test_canonical_unit(written: str, canonical: str) -> None:
    assert canonical_unit(written) == canonical


SPLITS = [
    ("市人社局\n各县(市)区\n开发区", ["市人社局", "各县(市)区", "开发区"]),
    ("市执法局\n各城区、开发区", ["市执法局", "各城区", "开发区"]),
    ("\n市卫计委", ["市卫计委"]),
    ("开发区\xa0\xa0\xa0", ["开发区"]),
    ("甲局，乙局,丙局；丁局;戊局", ["甲局", "乙局", "丙局", "丁局", "戊局"]),
    ("", []),
]


@pytest.mark.parametrize(("cell", "units"), SPLITS)
def test_split_units(cell: str, units: list[str]) -> None:
    assert split_units(cell) == units
