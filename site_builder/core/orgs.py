"""The organisation registry (`orgs.yml`): systems and their units at three levels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import LEVEL_ORDER, LEVELS
from .handles import read_handles
from .problems import Problem
from .system_columns import read_system_columns
from .textcheck import FIX, describe
from .yamltext import LinedDict, YamlError, load_yaml

if TYPE_CHECKING:
    from .registers.areas import Duty

ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
# Names appear in titles, navigation and feeds: plain text on one line.
NAME_UNSAFE = re.compile(r"[<>&\"`\x00-\x1f\x7f]")
SYSTEM_KEYS = {"id", "name", "kind", "units", "columns"}  # columns: core/system_columns.py
UNIT_KEYS = {"id", "name", "level", "parent", "reviewers", "area", "contact", "duty"}  # last three: registers
KINDS = {"vertical": "条管", "local": "块管"}
TOP_KEYS = ("systems", "areas")


@dataclass
class Unit:
    """One agency of a system at one level (省/市/县)."""

    system: str
    id: str
    name: str
    level: str
    parent: str | None = None
    reviewers: tuple[str, ...] = ()
    line: int = 0
    children: list[str] = field(default_factory=list)
    area: str | None = None  # 属地 id (orgs.yml `areas`)
    contact: str | None = None
    duty: Duty | None = None  # registers.areas.Duty: 第一责任人, 分管领导, 信息员

    @property
    def key(self) -> str:
        """`system/unit`, the unit's id across the portal."""
        return f"{self.system}/{self.id}"

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, self.level)


@dataclass
class System:
    """A system (税务, 药监 …) with its units."""

    id: str
    name: str
    kind: str
    units: dict[str, Unit] = field(default_factory=dict)
    line: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # columns only this system's posts may use

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def roots(self) -> list[Unit]:
        """Units without a parent (the province units)."""
        return [u for u in self.units.values() if u.parent is None]


@dataclass
class Orgs:
    """All systems; look-ups by `system/unit` key."""

    systems: dict[str, System] = field(default_factory=dict)
    areas: dict = field(default_factory=dict)  # id → registers.areas.Area (属地)

    def unit(self, key: str) -> Unit | None:
        """The unit named `system/unit`, or None."""
        system_id, _, unit_id = key.partition("/")
        system = self.systems.get(system_id)
        return system.units.get(unit_id) if system else None

    def units(self) -> list[Unit]:
        """Every unit, system by system, in registry order."""
        return [u for s in self.systems.values() for u in s.units.values()]

    def parent(self, unit: Unit) -> Unit | None:
        return self.systems[unit.system].units.get(unit.parent) if unit.parent else None

    def ancestors(self, unit: Unit) -> list[Unit]:
        """Units above `unit`, nearest first."""
        found: list[Unit] = []
        current = self.parent(unit)
        while current is not None and current not in found:
            found.append(current)
            current = self.parent(current)
        return found

    def children(self, unit: Unit) -> list[Unit]:
        system = self.systems[unit.system]
        return [system.units[c] for c in unit.children]

    def descendants(self, unit: Unit) -> list[Unit]:
        """Units below `unit`, depth first in registry order."""
        found: list[Unit] = []
        stack = list(reversed(self.children(unit)))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self.children(current)))
        return found


def load_orgs(text: str, path: str = "orgs.yml", reserved: frozenset[str] = frozenset()) -> tuple[Orgs, list[Problem]]:
    """Parse and check `orgs.yml`. Invalid systems or units are left out and reported."""
    problems: list[Problem] = []
    try:
        data = load_yaml(text)
    except YamlError as err:
        return Orgs(), [Problem(path, err.line, err.message, "按 YAML 格式修正该行（注意缩进用空格、含冒号的值加引号）")]
    if not isinstance(data, LinedDict) or not isinstance(data.get("systems"), list):
        return Orgs(), [Problem(path, 1, "缺少 systems 列表", "文件应以 `systems:` 开头，下面逐个列出系统")]
    for key in data:
        if key not in TOP_KEYS:
            problems.append(Problem(path, data.line_of(key), f"未知的键“{key}”", f"顶层只允许 {'、'.join(TOP_KEYS)}"))
    orgs = Orgs()
    orgs.areas = read_areas(data.get("areas"), path, problems)
    for entry in data["systems"]:
        system = _read_system(entry, path, reserved, orgs, problems)
        if system:
            orgs.systems[system.id] = system
    for system in orgs.systems.values():
        _link_units(system, path, problems)
    return orgs, problems


def _read_system(entry, path, reserved, orgs, problems) -> System | None:
    if not isinstance(entry, LinedDict):
        problems.append(Problem(path, 1, "systems 下的每一项必须是“键: 值”的映射", "参照示例写 id、name、kind、units"))
        return None
    _unknown_keys(entry, SYSTEM_KEYS, path, problems)
    system_id = entry.get("id")
    if not _valid_id(system_id, entry, path, "系统", problems):
        return None
    if system_id in orgs.systems:
        problems.append(Problem(path, entry.line_of("id"), f"系统 id“{system_id}”重复", "每个系统的 id 必须唯一"))
        return None
    if system_id in reserved:
        problems.append(Problem(path, entry.line_of("id"), f"系统 id“{system_id}”与网站保留路径冲突",
                                f"换一个 id，不要使用：{'、'.join(sorted(reserved))}"))
        return None
    name = _text(entry, "name", path, problems) or system_id
    kind = entry.get("kind", "vertical")
    if kind not in KINDS:
        problems.append(Problem(path, entry.line_of("kind"), f"kind“{kind}”无效", "kind 只能是 vertical（条管）或 local（块管）"))
        kind = "vertical"
    system = System(system_id, name, kind, line=entry.line)
    units = entry.get("units")
    if not isinstance(units, list) or not units:
        problems.append(Problem(path, entry.line_of("units"), f"系统“{system_id}”没有 units 列表", "在 units 下列出省、市、县各级单位"))
        return system
    for unit_entry in units:
        unit = _read_unit(unit_entry, system, path, problems)
        if unit:
            system.units[unit.id] = unit
            read_unit_registers(unit_entry, unit, orgs.areas, path, problems)
    system.columns = read_system_columns(entry, system, path, reserved, problems)
    return system


def _read_unit(entry, system: System, path: str, problems: list[Problem]) -> Unit | None:
    if not isinstance(entry, LinedDict):
        problems.append(Problem(path, system.line, f"系统“{system.id}”的 units 中有一项不是映射", "每个单位写 id、name、level、parent"))
        return None
    _unknown_keys(entry, UNIT_KEYS, path, problems)
    unit_id = entry.get("id")
    if not _valid_id(unit_id, entry, path, "单位", problems):
        return None
    if unit_id in system.units:
        problems.append(Problem(path, entry.line_of("id"), f"单位 id“{unit_id}”在系统“{system.id}”中重复", "同一系统内单位 id 必须唯一"))
        return None
    name = _text(entry, "name", path, problems) or unit_id
    level = entry.get("level")
    if level not in LEVELS:
        problems.append(Problem(path, entry.line_of("level"), f"单位“{unit_id}”的 level“{level}”无效",
                                "level 只能是 province（省）、city（市）或 county（县）"))
        return None
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        parent = str(parent)
    reviewers = read_handles(entry.get("reviewers"), f"单位“{system.id}/{unit_id}”", path,
                             entry.line_of("reviewers"), problems)
    return Unit(system.id, unit_id, name, level, parent, reviewers, entry.line)


def _link_units(system: System, path: str, problems: list[Problem]) -> None:
    """Check parents (exists, one level up, no cycle) and record children."""
    bad: set[str] = set()
    for unit in system.units.values():
        message = _parent_problem(system, unit)
        if message:
            problems.append(Problem(path, unit.line, message[0], message[1]))
            bad.add(unit.id)
    for unit_id in bad:
        system.units.pop(unit_id)
    _drop_orphans(system)
    for unit in system.units.values():
        if unit.parent:
            system.units[unit.parent].children.append(unit.id)


def _parent_problem(system: System, unit: Unit) -> tuple[str, str] | None:
    depth = LEVEL_ORDER.index(unit.level)
    if depth == 0:
        if unit.parent:
            return (f"省级单位“{unit.id}”不能有 parent", "删除 parent 一行")
        return None
    if not unit.parent:
        return (f"{unit.level_name}单位“{unit.id}”缺少 parent", f"写上它的上级单位 id（{LEVELS[LEVEL_ORDER[depth - 1]]}）")
    if unit.parent == unit.id:
        return (f"单位“{unit.id}”的 parent 指向自己（循环）", "parent 应是上一级单位的 id")
    parent = system.units.get(unit.parent)
    if parent is None:
        return (f"单位“{unit.id}”的 parent“{unit.parent}”在系统“{system.id}”中不存在", "检查拼写，parent 必须是同一系统中的单位 id")
    if LEVEL_ORDER.index(parent.level) != depth - 1:
        return (f"单位“{unit.id}”（{unit.level_name}）的上级“{parent.id}”是{parent.level_name}，层级不对",
                f"parent 必须正好高一级（{LEVELS[LEVEL_ORDER[depth - 1]]}）")
    return None


def _drop_orphans(system: System) -> None:
    """Units whose parent was dropped for its own problem go too (reported at the parent)."""
    changed = True
    while changed:
        orphans = [u.id for u in system.units.values() if u.parent and u.parent not in system.units]
        for unit_id in orphans:
            system.units.pop(unit_id)
        changed = bool(orphans)


def _unknown_keys(entry: LinedDict, allowed: set[str], path: str, problems: list[Problem]) -> None:
    for key in entry:
        if key not in allowed:
            problems.append(Problem(path, entry.line_of(key), f"未知的键“{key}”",
                                    f"删除它或改成允许的键：{'、'.join(sorted(allowed))}"))


def _valid_id(value, entry: LinedDict, path: str, what: str, problems: list[Problem]) -> bool:
    if isinstance(value, str) and ID_PATTERN.match(value):
        return True
    problems.append(Problem(path, entry.line_of("id"), f"{what} id“{value}”无效",
                            "id 只能用小写英文字母、数字和连字符（a-z 0-9 -），且不能为空"))
    return False


def _text(entry: LinedDict, key: str, path: str, problems: list[Problem]) -> str | None:
    value = entry.get(key)
    if value is None:
        problems.append(Problem(path, entry.line, f"缺少 {key}", f"写上 {key}: 中文名称"))
        return None
    invisible = describe(key, str(value)) if isinstance(value, str) else None
    if invisible:
        problems.append(Problem(path, entry.line_of(key), invisible, FIX))
        return None
    if not isinstance(value, (str, int, float)) or NAME_UNSAFE.search(str(value).strip()) or not str(value).strip():
        problems.append(Problem(path, entry.line_of(key), f"{key}“{str(value)[:40]}”不是一行纯文字",
                                f"{key} 只写中文名称，不含 < > & \" 等符号、换行或控制字符"))
        return None
    return str(value).strip()


from .registers.areas import read_areas, read_unit_registers  # noqa: E402  (registers import this module)
