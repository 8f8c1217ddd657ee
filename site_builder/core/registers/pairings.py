"""挂点帮带 (content/pairings.yml) and 党建联席片 (content/groups.yml).

A pairing joins a leader of a higher unit to lower units (of any system) for a period; a
group gathers the units of one place under a convening unit. A bad entry is reported and
left out (a bad paired unit only drops that unit); posts are never touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...config import LEVEL_ORDER, LEVELS
from ..orgs import ID_PATTERN, Orgs
from ..problems import Problem
from ..yamltext import LinedDict, YamlError, load_yaml
from .common import EntryReader, item_line

PAIRINGS_FILE = "pairings.yml"
GROUPS_FILE = "groups.yml"
PAIRING_KEYS = ("leader", "role", "unit", "pairs", "since", "until")
GROUP_KEYS = ("id", "name", "lead", "members")


@dataclass(frozen=True)
class Pairing:
    """One leader paired with (挂点) lower units from `since` (to `until`, if set)."""

    leader: str
    unit: str  # the leader's own unit, `system/unit`
    pairs: tuple[str, ...]
    since: date
    until: date | None = None
    role: str | None = None
    line: int = 0

    def holds(self, day: date) -> bool:
        """Whether `day` lies in the pairing's period."""
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Group:
    """A 党建联席片: member units of one place, convened by `lead`."""

    id: str
    name: str
    lead: str
    members: tuple[str, ...]  # the lead first, then the others in file order
    line: int = 0


def read_list_file(path: str, text: str, problems: list[Problem], example: str) -> list:
    """The top-level list of a register file (empty, with a problem, when it is not one)."""
    try:
        data = load_yaml(text)
    except YamlError as err:
        problems.append(Problem(path, err.line, err.message, "按 YAML 格式修正该行（缩进用空格、含冒号的值加引号）"))
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(path, 1, "文件内容必须是列表（每项以“- ”开头）", f"参照示例：{example}"))
        return []
    return data


def load_pairings(text: str, orgs: Orgs, problems: list[Problem], path: str = PAIRINGS_FILE) -> list[Pairing]:
    """Read and check pairings.yml."""
    lines = text.split("\n")
    found = []
    for entry in read_list_file(path, text, problems, "- leader: 张明"):
        if not isinstance(entry, LinedDict):
            problems.append(Problem(path, 1, "每个挂点帮带必须是“键: 值”的映射", "写 leader、unit、pairs、since"))
            continue
        pairing = _read_pairing(EntryReader(path, entry, orgs, problems, lines))
        if pairing is not None:
            found.append(pairing)
    return found


def _read_pairing(reader: EntryReader) -> Pairing | None:
    reader.unknown_keys(PAIRING_KEYS)
    leader = reader.text("leader", "领导姓名", required=True)
    role = reader.text("role", "职务")
    unit = reader.required_unit("unit", "领导所在单位", "tax/prov")
    since = reader.day("since", "挂点开始日期", required=True)
    until = reader.day("until", "挂点结束日期")
    if since and until and until < since:
        reader.fail("until", "until（结束日期）早于 since（开始日期）", "检查两个日期")
        until = None
    pairs = _lower_units(reader, unit)
    if not (leader and unit and since) or not pairs:
        if unit and since and leader and not pairs and "pairs" in reader.entry and not reader.failed:
            reader.fail("pairs", "pairs 为空", "列出挂点联系的下级单位，例如 pairs: [tax/np-jo]")
        return None
    return Pairing(leader, unit, tuple(pairs), since, until, role, reader.entry.line)


def _lower_units(reader: EntryReader, unit: str | None) -> list[str]:
    """The paired units; each must be at a lower level than the leader's own unit."""
    pairs = reader.unit_refs("pairs", "挂点联系的下级单位")
    if unit is None:
        return pairs
    own = reader.orgs.unit(unit)
    kept = []
    for key in pairs:
        paired = reader.orgs.unit(key)
        if LEVEL_ORDER.index(paired.level) <= LEVEL_ORDER.index(own.level):
            line = item_line(reader.lines, reader.entry.line_of("pairs"), key)
            reader.fail(None, f"“{key}”（{paired.level_name}）不是比 {unit}（{own.level_name}）更低一级的单位",
                        f"挂点帮带只能联系下级单位：{LEVELS[own.level]}领导挂点市、县单位，市级领导挂点县级单位", line)
        else:
            kept.append(key)
    return kept


def load_groups(text: str, orgs: Orgs, problems: list[Problem], path: str = GROUPS_FILE) -> list[Group]:
    """Read and check groups.yml (ids unique; the lead counts as a member)."""
    lines = text.split("\n")
    found: dict[str, Group] = {}
    for entry in read_list_file(path, text, problems, "- id: minbei"):
        if not isinstance(entry, LinedDict):
            problems.append(Problem(path, 1, "每个联席片必须是“键: 值”的映射", "写 id、name、lead、members"))
            continue
        group = _read_group(EntryReader(path, entry, orgs, problems, lines), found)
        if group is not None:
            found[group.id] = group
    return list(found.values())


def _read_group(reader: EntryReader, found: dict[str, Group]) -> Group | None:
    reader.unknown_keys(GROUP_KEYS)
    group_id = reader.entry.get("id")
    if not isinstance(group_id, str) or not ID_PATTERN.match(group_id):
        reader.fail("id", f"联席片 id“{group_id}”无效", "id 只能用小写英文字母、数字和连字符（a-z 0-9 -）")
        return None
    if group_id in found:
        reader.fail("id", f"联席片 id“{group_id}”重复", "每个联席片的 id 必须唯一")
        return None
    name = reader.text("name", "联席片名称", required=True)
    lead = reader.required_unit("lead", "牵头单位", "tax/np")
    members = reader.unit_refs("members", "成员单位")
    if not (name and lead):
        return None
    return Group(group_id, name, lead, tuple(dict.fromkeys([lead, *members])), reader.entry.line)


def pairings_of_unit(pairings: list[Pairing], unit_key: str) -> tuple[list[Pairing], list[Pairing]]:
    """(pairings the unit's leaders give, pairings in which the unit is paired)."""
    return ([p for p in pairings if p.unit == unit_key], [p for p in pairings if unit_key in p.pairs])


def groups_of_unit(groups: list[Group], unit_key: str) -> list[Group]:
    """The 联席片 a unit belongs to."""
    return [g for g in groups if unit_key in g.members]
