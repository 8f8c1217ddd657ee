"""属地 (块): the places of orgs.yml `areas`, and the register keys of a unit (`area`,
`contact`, `duty`). A bad entry is reported and left out; the unit itself always stays."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..orgs import ID_PATTERN, Orgs, Unit
from ..problems import Problem
from ..yamltext import LinedDict
from .common import plain_text, text_list

AREA_KEYS = ("id", "name", "committee", "parent")
UNIT_REGISTER_KEYS = ("area", "contact", "duty")
DUTY_KEYS = {"first": "第一责任人", "in_charge": "分管领导", "officers": "信息员"}


@dataclass
class Area:
    """A place (市, 县) whose units of every system are looked at together."""

    id: str
    name: str
    committee: str | None = None  # the 机关工委 of the place
    parent: str | None = None
    line: int = 0
    children: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Duty:
    """责任: who answers for the unit's 三级联创 work."""

    first: str | None = None  # 第一责任人
    in_charge: str | None = None  # 分管领导
    officers: tuple[str, ...] = ()  # 信息员


def read_areas(value, path: str, problems: list[Problem]) -> dict[str, Area]:
    """The `areas` list of orgs.yml: ids unique, parents known, no cycle."""
    if value is None:
        return {}
    if not isinstance(value, list):
        problems.append(Problem(path, 1, "areas 必须是列表", "写成 areas: 下面每项以“- id: …”开头"))
        return {}
    areas: dict[str, Area] = {}
    for entry in value:
        area = _read_area(entry, path, areas, problems)
        if area:
            areas[area.id] = area
    _check_parents(areas, path, problems)
    for area in areas.values():
        if area.parent:
            areas[area.parent].children.append(area.id)
    return areas


def _read_area(entry, path: str, areas: dict[str, Area], problems: list[Problem]) -> Area | None:
    if not isinstance(entry, LinedDict):
        problems.append(Problem(path, 1, "areas 下的每一项必须是“键: 值”的映射", "参照示例写 id、name、parent"))
        return None
    for key in entry:
        if key not in AREA_KEYS:
            problems.append(Problem(path, entry.line_of(key), f"属地中未知的键“{key}”",
                                    f"删除它，或改成允许的键：{'、'.join(AREA_KEYS)}"))
    area_id = entry.get("id")
    if not isinstance(area_id, str) or not ID_PATTERN.match(area_id):
        problems.append(Problem(path, entry.line_of("id"), f"属地 id“{area_id}”无效",
                                "id 只能用小写英文字母、数字和连字符（a-z 0-9 -），且不能为空"))
        return None
    if area_id in areas:
        problems.append(Problem(path, entry.line_of("id"), f"属地 id“{area_id}”重复", "每个属地的 id 必须唯一"))
        return None
    name = plain_text(entry.get("name"))
    if name is None:
        problems.append(Problem(path, entry.line_of("name"), f"属地“{area_id}”缺少 name 或 name 不是一行纯文字",
                                "写成 name: 南平市"))
        name = area_id
    committee = plain_text(entry.get("committee"))
    if "committee" in entry and committee is None:
        problems.append(Problem(path, entry.line_of("committee"), "committee 必须是一行纯文字",
                                "写成 committee: 中共南平市直属机关工作委员会"))
    parent = entry.get("parent")
    return Area(area_id, name, committee, str(parent) if parent is not None else None, entry.line)


def _check_parents(areas: dict[str, Area], path: str, problems: list[Problem]) -> None:
    """An unknown parent, or a chain of parents that comes back to itself, is reported and cut."""
    for area in areas.values():
        if area.parent is not None and area.parent not in areas:
            problems.append(Problem(path, area.line, f"属地“{area.id}”的 parent“{area.parent}”不存在",
                                    "parent 必须是 areas 中另一个属地的 id（例如县所在的市）"))
            area.parent = None
    in_cycle = [a for a in areas.values() if _returns_to_itself(areas, a)]
    for area in in_cycle:
        problems.append(Problem(path, area.line, f"属地“{area.id}”的 parent 形成循环（上级又是它的下级）",
                                "检查这几个属地的 parent：县属于市，市不能再属于县"))
    for area in in_cycle:
        area.parent = None


def _returns_to_itself(areas: dict[str, Area], area: Area) -> bool:
    """Whether the chain of parents comes back to `area` (every parent is known by now); `seen`
    stops a chain that runs into a cycle `area` is not part of."""
    seen: set[str] = set()
    current = area.parent
    while current is not None and current not in seen:
        if current == area.id:
            return True
        seen.add(current)
        current = areas[current].parent
    return False


def read_unit_registers(entry: LinedDict, unit: Unit, areas: dict[str, Area], path: str,
                        problems: list[Problem]) -> None:
    """Set the unit's `area`, `contact` and `duty`; a bad value is reported and left out."""
    if "area" in entry:
        area = entry.get("area")
        if not isinstance(area, str) or area not in areas:
            known = "、".join(areas) or "（orgs.yml 中还没有 areas）"
            problems.append(Problem(path, entry.line_of("area"), f"单位“{unit.id}”的 area“{area}”不是已登记的属地",
                                    f"改成 areas 中的一个 id：{known}"))
        else:
            unit.area = area
    if "contact" in entry:
        unit.contact = plain_text(entry.get("contact"))
        if unit.contact is None:
            problems.append(Problem(path, entry.line_of("contact"), "contact 必须是一行纯文字",
                                    '写成 contact: "0599-3821234"（电话含连字符时加引号）'))
    if "duty" in entry:
        unit.duty = _read_duty(entry.get("duty"), entry, path, problems)


def _read_duty(value, entry: LinedDict, path: str, problems: list[Problem]) -> Duty | None:
    if not isinstance(value, LinedDict):
        problems.append(Problem(path, entry.line_of("duty"), "duty 必须是“键: 值”的映射",
                                "写成 duty: {first: 王建国, in_charge: 李红, officers: [陈敏]}"))
        return None
    fields: dict = {}
    for key, item in value.items():
        if key not in DUTY_KEYS:
            problems.append(Problem(path, value.line_of(key), f"duty 中未知的键“{key}”",
                                    "只能写 first（第一责任人）、in_charge（分管领导）、officers（信息员）"))
        elif key == "officers":
            names = text_list(item)
            if names is None:
                problems.append(Problem(path, value.line_of(key), "officers 必须是姓名列表", "写成 officers: [陈敏, 林晓]"))
            else:
                fields[key] = tuple(names)
        else:
            name = plain_text(item)
            if name is None:
                problems.append(Problem(path, value.line_of(key), f"{key}（{DUTY_KEYS[key]}）必须是一行纯文字",
                                        f"写成 {key}: 姓名"))
            else:
                fields[key] = name
    return Duty(**fields)


def area_and_below(areas: dict[str, Area], area_id: str) -> list[str]:
    """The area and every area inside it, depth first in registry order (none for an unknown
    area). The children form a tree: `read_areas` cut every cycle."""
    if area_id not in areas:
        return []
    found, stack = [], [area_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(reversed(areas[current].children))
    return found


def area_chain(areas: dict[str, Area], area_id: str | None) -> list[Area]:
    """The area and the areas it lies in, outermost first (none for no area or an unknown one)."""
    chain: list[Area] = []
    current = areas.get(area_id) if area_id else None
    while current is not None and current not in chain:
        chain.insert(0, current)
        current = areas.get(current.parent) if current.parent else None
    return chain


def units_in_area(orgs: Orgs, area_id: str) -> list[Unit]:
    """Units of every system whose `area` is this area or one inside it, in registry order."""
    inside = set(area_and_below(orgs.areas, area_id))
    return [u for u in orgs.units() if u.area in inside]
