"""考核 (上评、下测、联考 …): `content/assessments/<year>.yml`.

A unit's total is Σ score × weight / Σ weight + bonus, computed with Decimal and shown with two
decimals, rounded half up (88.125 → 88.13, where binary floats would give 88.12). Units are
ranked by total within their level (across systems) and within their system; equal totals
share a rank (1, 2, 2, 4), listed in registry order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .orgs import ID_PATTERN, Orgs, Unit
from .problems import Problem
from .sourcefile import load_yaml_file
from .yamltext import LinedDict

FOLDER = "assessments"
FILE_RE = re.compile(rf"^{FOLDER}/(\d{{4}})\.yml$")
TOP_KEYS = ("title", "items", "results")
ITEM_KEYS = ("id", "name", "weight")
RESULT_KEYS = ("unit", "scores", "bonus")
CENT = Decimal("0.01")
EXAMPLE = "items:\n  - {id: upper, name: 上评, weight: 40}\nresults:\n  - unit: tax/np-jo\n    scores: {upper: 92}"


@dataclass(frozen=True)
class AssessmentItem:
    """One item assessed (上评, 下测, 联考 …) and its weight."""

    id: str
    name: str
    weight: Decimal


@dataclass
class AssessmentResult:
    """One unit's scores, bonus, total and ranks in one year."""

    unit: Unit
    scores: dict[str, Decimal]  # item id → 0–100
    bonus: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    rank_level: int = 0
    rank_system: int = 0


@dataclass
class Assessment:
    """One year's assessment."""

    year: int
    source: str
    title: str
    items: list[AssessmentItem]
    results: list[AssessmentResult] = field(default_factory=list)  # registry order

    def result(self, unit_key: str) -> AssessmentResult | None:
        """The result of one unit (None when it was not assessed)."""
        return next((r for r in self.results if r.unit.key == unit_key), None)


def total(scores: dict[str, Decimal], items: list[AssessmentItem], bonus: Decimal) -> Decimal:
    """Σ score × weight / Σ weight + bonus, to two decimals, rounded half up."""
    weighted = sum((scores[i.id] * i.weight for i in items), Decimal(0))
    weights = sum((i.weight for i in items), Decimal(0))
    return (weighted / weights + bonus).quantize(CENT, rounding=ROUND_HALF_UP)


def shared_ranks(results: list[AssessmentResult]) -> list[tuple[int, AssessmentResult]]:
    """(rank, result), best total first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(results, key=lambda r: -r.total)  # stable: registry order among equals
    ranked: list[tuple[int, AssessmentResult]] = []
    for place, result in enumerate(ordered, 1):
        if place == 1 or result.total != ordered[place - 2].total:
            rank = place
        ranked.append((rank, result))
    return ranked


def rank(assessment: Assessment) -> None:
    """Set every result's rank within its level and within its system."""
    for group in _groups(assessment.results, lambda r: r.unit.level).values():
        for place, result in shared_ranks(group):
            result.rank_level = place
    for group in _groups(assessment.results, lambda r: r.unit.system).values():
        for place, result in shared_ranks(group):
            result.rank_system = place


def _groups(results, key) -> dict:
    found: dict = {}
    for result in results:
        found.setdefault(key(result), []).append(result)
    return found


def load_assessments(registers: dict[str, bytes], orgs: Orgs) -> tuple[dict[int, Assessment], list[Problem]]:
    """Every year's assessment (newest year first) and the problems of the files."""
    found: dict[int, Assessment] = {}
    problems: list[Problem] = []
    for source in sorted(registers, reverse=True):
        if not source.startswith(f"{FOLDER}/"):
            continue
        match = FILE_RE.match(source)
        if not match:
            problems.append(Problem(source, 0, "考核文件名应是四位年份，例如 assessments/2026.yml",
                                    "把文件改名为 <年份>.yml"))
            continue
        assessment = _read(source, int(match.group(1)), registers[source], orgs, problems)
        if assessment is not None:
            rank(assessment)
            found[assessment.year] = assessment
    return found, problems


def _read(source: str, year: int, data: bytes, orgs: Orgs, problems: list[Problem]) -> Assessment | None:
    record, problem = load_yaml_file(data, source, "修正该行的 YAML 写法（缩进用空格，含冒号的值加引号）")
    if problem:
        problems.append(problem)
        return None
    if not isinstance(record, LinedDict) or not isinstance(record.get("items"), list) or not record["items"]:
        line = record.line if isinstance(record, LinedDict) else 1
        problems.append(Problem(source, line, "考核文件缺少 items（考核项目）列表",
                                f"按投稿指南的格式写 items 和 results，例如：{EXAMPLE}"))
        return None
    _unknown(record, TOP_KEYS, source, problems)
    items = _items(record["items"], source, problems)
    if items is None:
        return None
    title = str(record.get("title") or f"{year}年度三级联创考核")
    results = _results(record.get("results"), record, items, source, orgs, problems)
    return Assessment(year, source, title, items, results)


def _items(entries: list, source: str, problems: list[Problem]) -> list[AssessmentItem] | None:
    """The items, or None when any is wrong (no total can be computed then)."""
    items: list[AssessmentItem] = []
    count = len(problems)
    for entry in entries:
        if not isinstance(entry, LinedDict):
            problems.append(Problem(source, 0, "items 中的每一项必须写成 {id: …, name: …, weight: …}",
                                    "例如：- {id: upper, name: 上评, weight: 40}"))
            continue
        _unknown(entry, ITEM_KEYS, source, problems)
        item_id, weight = entry.get("id"), _decimal(entry.get("weight"))
        if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
            problems.append(Problem(source, entry.line_of("id"), f"考核项目 id“{item_id}”无效",
                                    "id 只用小写英文字母、数字和连字符，例如 upper"))
        elif any(i.id == item_id for i in items):
            problems.append(Problem(source, entry.line_of("id"), f"考核项目 id“{item_id}”重复", "每个考核项目的 id 必须不同"))
        elif weight is None or weight <= 0:
            problems.append(Problem(source, entry.line_of("weight"),
                                    f"考核项目“{item_id}”的权重 weight“{entry.get('weight')}”不是正数",
                                    "weight 写一个大于 0 的数，例如 weight: 40"))
        else:
            items.append(AssessmentItem(item_id, str(entry.get("name") or item_id), weight))
    return items if len(problems) == count else None  # each entry gave an item or a problem


def _results(entries, record: LinedDict, items: list[AssessmentItem], source: str, orgs: Orgs,
             problems: list[Problem]) -> list[AssessmentResult]:
    if not isinstance(entries, list):
        problems.append(Problem(source, record.line_of("results"), "缺少 results（各单位得分）列表",
                                "在 results 下逐个写 unit、scores（每个考核项目一个 0–100 的分数）和可选的 bonus"))
        return []
    found: dict[str, AssessmentResult] = {}
    for entry in entries:
        result = _result(entry, items, source, orgs, problems)
        if result is None:
            continue
        if result.unit.key in found:
            problems.append(Problem(source, entry.line_of("unit"), f"单位“{result.unit.key}”的考核结果重复",
                                    "每个单位只写一条结果，删除多余的一条"))
            continue
        found[result.unit.key] = result
    order = {u.key: n for n, u in enumerate(orgs.units())}
    return sorted(found.values(), key=lambda r: order[r.unit.key])


def _result(entry, items: list[AssessmentItem], source: str, orgs: Orgs,
            problems: list[Problem]) -> AssessmentResult | None:
    if not isinstance(entry, LinedDict):
        problems.append(Problem(source, 0, "results 中的每一项必须写 unit 和 scores", f"例如：{EXAMPLE}"))
        return None
    count = len(problems)
    _unknown(entry, RESULT_KEYS, source, problems)
    unit = orgs.unit(str(entry.get("unit")))
    if unit is None:
        problems.append(Problem(source, entry.line_of("unit"), f"单位“{entry.get('unit')}”不存在",
                                "写成 系统id/单位id（例如 tax/np-jo），须是 orgs.yml 中登记的单位"))
    scores = entry.get("scores")
    if not isinstance(scores, LinedDict):
        problems.append(Problem(source, entry.line_of("scores"), f"单位“{entry.get('unit')}”缺少 scores",
                                f"写成 scores: {{{', '.join(f'{i.id}: 90' for i in items)}}}"))
        return None
    found = _scores(scores, entry, items, source, problems)
    bonus = _decimal(entry.get("bonus", 0))
    if bonus is None:
        problems.append(Problem(source, entry.line_of("bonus"), f"bonus“{entry.get('bonus')}”不是数",
                                "bonus（年终加分）写一个数，可以是负数，例如 bonus: 2"))
    if len(problems) > count or unit is None or bonus is None:
        return None
    return AssessmentResult(unit, found, bonus, total(found, items, bonus))


def _scores(scores: LinedDict, entry: LinedDict, items: list[AssessmentItem], source: str,
            problems: list[Problem]) -> dict[str, Decimal]:
    found = {}
    known = {i.id for i in items}
    for key in scores:
        if key not in known:
            problems.append(Problem(source, scores.line_of(key), f"scores 中的“{key}”不是考核项目",
                                    f"只写 items 中的项目：{'、'.join(i.id for i in items)}"))
    for item in items:
        value = _decimal(scores.get(item.id))
        if item.id not in scores:
            problems.append(Problem(source, scores.line, f"单位“{entry.get('unit')}”缺少考核项目“{item.id}”（{item.name}）的得分",
                                    f"在 scores 中加上 {item.id}: 分数（0–100）；每个考核项目都必须有得分"))
        elif value is None or not Decimal(0) <= value <= Decimal(100):
            problems.append(Problem(source, scores.line_of(item.id),
                                    f"单位“{entry.get('unit')}”的“{item.id}”得分“{scores.get(item.id)}”不在 0–100 之间",
                                    "得分写 0 到 100 之间的数"))
        else:
            found[item.id] = value
    return found


def _decimal(value) -> Decimal | None:
    """A number written in YAML as an exact Decimal (None when it is not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = Decimal(str(value))  # the shortest text of the float: what the staff wrote (nan, inf too)
    return number if number.is_finite() else None


def _unknown(entry: LinedDict, allowed: tuple[str, ...], source: str, problems: list[Problem]) -> None:
    for key in entry:
        if key not in allowed:
            problems.append(Problem(source, entry.line_of(key), f"未知的键“{key}”",
                                    f"删除它或改成允许的键：{'、'.join(allowed)}"))
