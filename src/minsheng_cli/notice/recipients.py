"""Real recipients: the counties, districts and zones behind group names such as 各县（市）区.

The table of groups lives in `data/recipients.toml`, one part per city; which
part applies is decided by the city that opens the notice's issuer, never by
the task text. An overlay's `[recipients]` section replaces groups and adds
aliases:

    [recipients.groups]
    "开发区" = ["高新区", "经开区", "中新食品区", "北大湖开发区"]

    [recipients.aliases]
    "北大湖管委会" = "北大湖开发区"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from minsheng_cli._data import load_table
from minsheng_cli.models import (
    Notice,
    Problem,
    Recipient,
    RecipientRole,
    RecipientTable,
    Severity,
    Task,
)
from minsheng_cli.units import canonical_unit

if TYPE_CHECKING:
    from minsheng_cli.overlay import Overlay

SECTION = "recipients"


def expand(table: RecipientTable, task: Task) -> list[Recipient]:
    """Every real recipient of a task, each once, in the order the units name them.

    A recipient reached twice keeps one role: lead over support, then a direct
    mention over one through a group.
    """
    best: dict[str, tuple[tuple[bool, bool], Recipient]] = {}
    for index, unit in enumerate(task.units):
        role = RecipientRole.LEAD if index == 0 else RecipientRole.SUPPORT
        reached: list[tuple[str, str | None]]
        if unit in table.groups:
            reached = [(member, unit) for member in table.groups[unit]]
        else:
            reached = [(table.recipient_of(unit) or unit, None)]
        for name, via in reached:
            rank = (role is RecipientRole.LEAD, via is None)
            if name not in best or rank > best[name][0]:
                best[name] = (rank, Recipient(name=name, role=role, via=via))
    return [recipient for _, recipient in best.values()]


def apply_recipients(notice: Notice, overlay: Overlay | None = None) -> Notice:
    """The notice with every task's recipients filled in, and the table used kept on it.

    Overlay groups that the notice never names become warnings.
    """
    table = recipient_table(notice.meta.issuer, overlay)
    tasks = [task.model_copy(update={"recipients": expand(table, task)}) for task in notice.tasks]
    warnings = [
        Problem(severity=Severity.WARNING, code="unused-group", message=message)
        for message in unused_groups(overlay, (u for t in notice.tasks for u in t.units))
    ]
    return notice.model_copy(
        update={
            "tasks": tasks,
            "recipient_table": table,
            "problems": [*notice.problems, *warnings],
        }
    )


def city_of(issuer: str | None) -> str | None:
    """The city whose table applies: the longest one that opens the issuer's name."""
    if not issuer:
        return None
    cities = [city for city in load_table("recipients") if issuer.startswith(city)]
    return max(cities, key=len, default=None)


def recipient_table(issuer: str | None, overlay: Overlay | None = None) -> RecipientTable:
    """The bundled table for the issuer's city, with the overlay's section applied.

    Raises OverlayError, naming the file and line, for a malformed section.
    """
    city = city_of(issuer)
    raw: dict[str, Any] = load_table("recipients").get(city, {}) if city else {}
    groups = {canonical_unit(k): list(v) for k, v in raw.get("groups", {}).items()}
    aliases = dict(raw.get("aliases", {}))
    if overlay is not None and SECTION in overlay.sections:
        extra_groups, extra_aliases = _read_section(overlay)
        groups.update(extra_groups)
        aliases.update(extra_aliases)
    members = dict.fromkeys(m for group in groups.values() for m in group)
    for member in members:
        for suffix in raw.get("suffixes", ()):
            aliases.setdefault(member + suffix, member)
    aliases = {"".join(k.split()): v for k, v in aliases.items()}
    return RecipientTable(city=city, groups=groups, aliases=aliases)


def unused_groups(overlay: Overlay | None, units: Iterable[str]) -> list[str]:
    """Warnings, each naming the file and line, for overlay groups the notice never names."""
    if overlay is None or SECTION not in overlay.sections:
        return []
    used = set(units)
    warnings = []
    for written in overlay.sections[SECTION].get("groups", {}):
        if canonical_unit(written) not in used:
            line = overlay.line_of(f"{SECTION}.groups", written)
            warnings.append(
                f"{overlay.path}:{line}：通知的责任单位中没有统称“{written}”，这一组不起作用"
            )
    return warnings


def _read_section(overlay: Overlay) -> tuple[dict[str, list[str]], dict[str, str]]:
    section: dict[str, Any] = overlay.sections[SECTION]
    table = f"{SECTION}.groups"
    for key in section:
        if key not in ("groups", "aliases"):
            raise overlay.error(
                f"[{SECTION}] 下只能有 groups 和 aliases，不认识“{key}”",
                overlay.line_of(f"{SECTION}.{key}") or overlay.line_of(SECTION, key),
            )
    groups: dict[str, list[str]] = {}
    for name, members in _table(overlay, section, "groups").items():
        line = overlay.line_of(table, name)
        if not _strings(members) or not members:
            raise overlay.error(f"统称“{name}”的成员应写成非空的名称列表", line)
        seen: set[str] = set()
        for member in members:
            if member in seen:
                second = overlay.line_of(table, name, member, nth=2)
                raise overlay.error(f"统称“{name}”中“{member}”出现了两次", second)
            seen.add(member)
        groups[canonical_unit(name)] = list(members)
    aliases: dict[str, str] = {}
    for alias, target in _table(overlay, section, "aliases").items():
        if not isinstance(target, str) or not target:
            raise overlay.error(
                f"别称“{alias}”应对应一个单位名称", overlay.line_of(f"{SECTION}.aliases", alias)
            )
        aliases[alias] = target
    return groups, aliases


def _table(overlay: Overlay, section: dict[str, Any], key: str) -> dict[str, Any]:
    value = section.get(key, {})
    if not isinstance(value, dict):
        raise overlay.error(f"[{SECTION}.{key}] 应是一个表", overlay.line_of(SECTION, key))
    return value


def _strings(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) and v for v in values)
