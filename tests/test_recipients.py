from __future__ import annotations

from pathlib import Path

import pytest

from minsheng_cli import Notice
from minsheng_cli.errors import OverlayError
from minsheng_cli.models import RecipientRole
from minsheng_cli.notice.recipients import city_of, expand, recipient_table, unused_groups
from minsheng_cli.overlay import read_overlay

# Checked by hand against data/notice.txt: every task whose units cell names
# 各县（市）区 (36, lines such as 125 "各县(市)区" and 555 "县（市）区、开发区") or 各城区 (20).
THROUGH_COUNTIES = [1, 2, 3, 4, 6, 9, 12, 13, 14, 18, 24, 25, 26, 29, 30, 32, 33, 38]
THROUGH_COUNTIES += [39, 41, 42, 49, 51, 52, 53, 56, 57, 58, 61, 64, 69, 70, 72, 73, 74, 75]
THROUGH_DISTRICTS = [5, 7, 10, 11, 19, 20, 21, 22, 23, 35, 36, 46, 50, 60, 63, 67, 71, 76, 79, 80]
CHUANYING = sorted(THROUGH_COUNTIES + THROUGH_DISTRICTS)


def _reached(
    notice: Notice, name: str, overlay_path: Path | None = None
) -> dict[int, tuple[str, str | None]]:
    overlay = read_overlay(overlay_path) if overlay_path else None
    table = recipient_table(notice.meta.issuer, overlay)
    found: dict[int, tuple[str, str | None]] = {}
    for task in notice.tasks:
        for recipient in expand(table, task):
            if recipient.name == name:
                found[task.number] = (recipient.role.value, recipient.via)
    return found


CITIES = [
    ("吉林市人民政府办公厅", "吉林市"),
    ("吉林市民政局", "吉林市"),
    ("吉林省人民政府办公厅", None),
    ("大竹县人民政府办公室", None),
    (None, None),
]


@pytest.mark.parametrize(("issuer", "city"), CITIES)
def test_city_is_taken_from_the_issuer(issuer: str | None, city: str | None) -> None:
    assert city_of(issuer) == city


def test_chuanying_is_reached_through_both_groups(notice: Notice) -> None:
    reached = _reached(notice, "船营区")
    assert sorted(reached) == CHUANYING
    assert len(reached) == 56
    assert {n for n, (_, via) in reached.items() if via == "各县（市）区"} == set(THROUGH_COUNTIES)
    assert {n for n, (_, via) in reached.items() if via == "各城区"} == set(THROUGH_DISTRICTS)


def test_fengman_adds_the_task_that_names_its_government(notice: Notice) -> None:
    reached = _reached(notice, "丰满区")
    assert len(reached) == 57
    assert reached[55] == ("配合", None)


ROLES = [
    ("市中心医院", 16, ("配合", "市直三所医院")),
    ("永吉县", 49, ("牵头", "各县（市）区")),  # task 49 is led by 各县（市）区
    ("永吉县", 8, ("配合", "各县（市）")),
    ("高新区", 2, ("配合", "开发区")),
    ("市民政局", 18, ("牵头", None)),
]


@pytest.mark.parametrize(("name", "number", "role"), ROLES)
def test_role_and_group(
    notice: Notice, name: str, number: int, role: tuple[str, str | None]
) -> None:
    assert _reached(notice, name)[number] == role


def test_every_task_reaches_each_recipient_once(notice: Notice) -> None:
    table = recipient_table(notice.meta.issuer)
    for task in notice.tasks:
        names = [r.name for r in expand(table, task)]
        assert len(names) == len(set(names)), task.number
        assert not any(n in table.groups for n in names), task.number
        leads = [r for r in expand(table, task) if r.role is RecipientRole.LEAD]
        assert leads, task.number


ALIASES = [
    ("丰满区政府", "丰满区"),
    ("丰满区人民政府", "丰满区"),
    ("船营区政府", "船营区"),
    ("高新区管委会", "高新区"),
    ("吉林市中心医院", "市中心医院"),
    ("船营区", "船营区"),
    ("市民政局", None),
    ("政府", None),
]


@pytest.mark.parametrize(("name", "recipient"), ALIASES)
def test_recipient_aliases(notice: Notice, name: str, recipient: str | None) -> None:
    assert recipient_table(notice.meta.issuer).recipient_of(name) == recipient


def test_another_city_keeps_groups_unexpanded() -> None:
    table = recipient_table("大竹县人民政府办公室")
    assert table.groups == {}
    assert table.city is None


def _overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "minsheng.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_overlay_replaces_a_group(notice: Notice, tmp_path: Path) -> None:
    path = _overlay(
        tmp_path,
        '[recipients.groups]\n"开发区" = ["高新区", "经开区", "中新食品区", "北大湖开发区"]\n'
        '[recipients.aliases]\n"北大湖管委会" = "北大湖开发区"\n',
    )
    table = recipient_table(notice.meta.issuer, read_overlay(path))
    assert table.groups["开发区"][-1] == "北大湖开发区"
    assert table.recipient_of("北大湖管委会") == "北大湖开发区"
    assert len(_reached(notice, "北大湖开发区", path)) == 31


BAD_OVERLAYS = [
    (
        '[recipients.groups]\n"各城区" = ["昌邑区", "龙潭区",\n  "昌邑区"]\n',
        3,
        "“昌邑区”出现了两次",
    ),
    ("[targets]\nx = 1\n", 1, "不认识的部分 [targets]"),
    ('[recipients.groups]\n"各城区" = "昌邑区"\n', 2, "成员应写成非空的名称列表"),
    ("[recipients]\ncities = 1\n", 2, "不认识“cities”"),
    ("[recipients.groups\n", 1, "TOML 格式有误"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_OVERLAYS)
def test_bad_overlay_names_file_and_line(
    notice: Notice, tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _overlay(tmp_path, text)
    with pytest.raises(OverlayError) as caught:
        recipient_table(notice.meta.issuer, read_overlay(path))
    assert caught.value.line == line
    assert caught.value.message.startswith(f"{path}:{line}：")
    assert message in caught.value.message


def test_overlay_group_the_notice_does_not_use_is_a_warning(notice: Notice, tmp_path: Path) -> None:
    path = _overlay(tmp_path, '[recipients.groups]\n"开发区" = ["高新区"]\n"各乡镇" = ["一镇"]\n')
    units = [u for t in notice.tasks for u in t.units]
    assert unused_groups(read_overlay(path), units) == [
        f"{path}:3：通知的责任单位中没有统称“各乡镇”，这一组不起作用"
    ]
