"""表彰: `content/honours.yml`, a list of honours, each given in one year to some units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .orgs import Orgs, Unit
from .problems import Problem
from .sourcefile import load_yaml_file
from .yamltext import LinedDict

SOURCE = "honours.yml"
KEYS = ("year", "title", "by", "units")
EXAMPLE = "- year: 2026\n  title: 三级联创先进单位\n  by: 中共福建省直属机关工作委员会\n  units: [tax/np-jo]"


@dataclass(frozen=True)
class Honour:
    """One honour (先进单位 …) given in `year` by `by` to `units`."""

    year: int
    title: str
    by: str
    units: tuple[Unit, ...]
    line: int = 0


def load_honours(registers: dict[str, bytes], orgs: Orgs) -> tuple[list[Honour], list[Problem]]:
    """Every honour, newest year first (file order within a year), and the file's problems."""
    if SOURCE not in registers:
        return [], []
    entries, problem = load_yaml_file(registers[SOURCE], SOURCE, "修正该行的 YAML 写法（缩进用空格，含冒号的值加引号）")
    if problem:
        return [], [problem]
    if entries is None:
        return [], []
    if not isinstance(entries, list):
        return [], [Problem(SOURCE, 1, "honours.yml 应是表彰的列表（每项以“- ”开头）", f"例如：\n{EXAMPLE}")]
    problems: list[Problem] = []
    found = [h for h in (_honour(e, orgs, problems) for e in entries) if h is not None]
    found.sort(key=lambda h: -h.year)  # stable: file order within a year
    return found, problems


def _honour(entry, orgs: Orgs, problems: list[Problem]) -> Honour | None:
    if not isinstance(entry, LinedDict):
        problems.append(Problem(SOURCE, 0, "每项表彰必须写 year、title、units", f"例如：\n{EXAMPLE}"))
        return None
    count = len(problems)
    for key in entry:
        if key not in KEYS:
            problems.append(Problem(SOURCE, entry.line_of(key), f"未知的键“{key}”", f"删除它或改成允许的键：{'、'.join(KEYS)}"))
    year: Any = entry.get("year")  # a YAML value: checked below, a problem when wrong
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2200:
        problems.append(Problem(SOURCE, entry.line_of("year"), f"year“{year}”不是年份", "写四位年份，例如 year: 2026"))
    title: Any = entry.get("title")
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        problems.append(Problem(SOURCE, entry.line_of("title"), "缺少 title（表彰名称）或不是一行文字",
                                "写成 title: 三级联创先进单位"))
    by = entry.get("by", "")
    if not isinstance(by, str) or "\n" in by:
        problems.append(Problem(SOURCE, entry.line_of("by"), "by（表彰机关）必须是一行文字", "写成 by: 中共福建省直属机关工作委员会"))
    units = _units(entry, orgs, problems)
    if len(problems) > count:  # a bad year, title or by is one of these problems
        return None
    return Honour(year, title.strip(), by.strip(), units, entry.line)


def _units(entry: LinedDict, orgs: Orgs, problems: list[Problem]) -> tuple[Unit, ...]:
    keys = entry.get("units")
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        problems.append(Problem(SOURCE, entry.line_of("units"), "units 必须是受表彰单位的列表",
                                "写成 units: [tax/np-jo, fda/nd]（系统id/单位id）"))
        return ()
    found = []
    for key in keys:
        unit = orgs.unit(key)
        if unit is None:
            problems.append(Problem(SOURCE, entry.line_of("units"), f"受表彰单位“{key}”不存在",
                                    "写成 系统id/单位id（例如 tax/np-jo），须是 orgs.yml 中登记的单位"))
        elif unit not in found:
            found.append(unit)
    return tuple(found)


def unit_honours(honours: list[Honour], unit_key: str) -> list[Honour]:
    """The honours one unit received, newest first."""
    return [h for h in honours if any(u.key == unit_key for u in h.units)]
