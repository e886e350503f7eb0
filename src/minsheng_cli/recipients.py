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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from minsheng_cli._data import load_table
from minsheng_cli.models import Recipient, RecipientRole, Task
from minsheng_cli.units import canonical_unit

if TYPE_CHECKING:
    from minsheng_cli.overlay import Overlay

SECTION = "recipients"


@dataclass(frozen=True)
class RecipientTable:
    """The groups of one city, with the aliases of their members."""

    city: str | None
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    suffixes: tuple[str, ...] = ()

    @property
    def members(self) -> list[str]:
        """Every real recipient named by a group, in table order, each once."""
        return list(dict.fromkeys(m for members in self.groups.values() for m in members))

    def is_group(self, unit: str) -> bool:
        return unit in self.groups

    def recipient_of(self, name: str) -> str | None:
        """The group member `name` stands for (丰满区政府 → 丰满区), or None."""
        name = "".join(name.split())
        known = set(self.members)
        if name in known:
            return name
        if name in self.aliases:
            return self.aliases[name]
        for suffix in self.suffixes:
            if name.endswith(suffix) and name[: -len(suffix)] in known:
                return name[: -len(suffix)]
        return None

    def expand(self, task: Task) -> list[Recipient]:
        """Every real recipient of a task, each once.

        A recipient reached twice keeps one role: lead over support, then a
        direct mention over one through a group.
        """
        best: dict[str, tuple[tuple[bool, bool], Recipient]] = {}
        for index, unit in enumerate(task.units):
            role = RecipientRole.LEAD if index == 0 else RecipientRole.SUPPORT
            reached: list[tuple[str, str | None]]
            if unit in self.groups:
                reached = [(m, unit) for m in self.groups[unit]]
            else:
                reached = [(self.recipient_of(unit) or unit, None)]
            for name, via in reached:
                rank = (role is RecipientRole.LEAD, via is None)
                if name not in best or rank > best[name][0]:
                    best[name] = (rank, Recipient(name=name, role=role, via=via))
        return [recipient for _, recipient in best.values()]


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
    groups = {canonical_unit(k): tuple(v) for k, v in raw.get("groups", {}).items()}
    aliases = dict(raw.get("aliases", {}))
    suffixes = tuple(raw.get("suffixes", ()))
    if overlay is not None and SECTION in overlay.sections:
        extra_groups, extra_aliases = _read_section(overlay)
        groups.update(extra_groups)
        aliases.update(extra_aliases)
    return RecipientTable(city=city, groups=groups, aliases=aliases, suffixes=suffixes)


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


def _read_section(overlay: Overlay) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    section: dict[str, Any] = overlay.sections[SECTION]
    table = f"{SECTION}.groups"
    for key in section:
        if key not in ("groups", "aliases"):
            raise overlay.error(
                f"[{SECTION}] 下只能有 groups 和 aliases，不认识“{key}”",
                overlay.line_of(f"{SECTION}.{key}") or overlay.line_of(SECTION, key),
            )
    groups: dict[str, tuple[str, ...]] = {}
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
        groups[canonical_unit(name)] = tuple(members)
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
