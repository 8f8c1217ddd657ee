"""Comparisons on the 信息工作通报 page: system by system (行业之间) and how many of the 五联
categories each unit's posts covered in a year. Plain data from `core.stats` figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .orgs import Orgs, System, Unit
from .posts import Post
from .stats import QA_COLUMN, PeriodStats, published


@dataclass(frozen=True)
class SystemFigures:
    """One system's figures for a period, summed over its units."""

    system: System
    units: int
    written: int
    adopted: int
    answered: int
    overdue: int
    silent: int
    score: float  # sum of its units' scores

    @property
    def written_per_unit(self) -> Decimal:
        """Posts written per unit, one decimal, rounded half up."""
        return _mean(self.written, self.units)

    @property
    def score_per_unit(self) -> Decimal:
        """Mean score of its units, two decimals, rounded half up."""
        return _mean(self.score, self.units, "0.01")


def _mean(total: float, count: int, places: str = "0.1") -> Decimal:
    if not count:
        return Decimal(0).quantize(Decimal(places))
    return (Decimal(str(total)) / count).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def system_comparison(stats: PeriodStats, orgs: Orgs) -> list[SystemFigures]:
    """Every system's figures for the period of `stats`, in registry order."""
    found = []
    for system_id, system in orgs.systems.items():
        units = [f for f in stats.units if f.unit.system == system_id]
        found.append(SystemFigures(system, len(units), sum(f.written for f in units), sum(f.adopted for f in units),
                                   sum(f.answered for f in units), sum(f.overdue for f in units),
                                   sum(1 for f in units if f.silent), round(sum(f.score for f in units), 4)))
    return found


@dataclass(frozen=True)
class Coverage:
    """The categories (五联) a unit's posts of one year covered."""

    unit: Unit
    categories: tuple[str, ...]  # covered category ids, in configured order

    @property
    def count(self) -> int:
        return len(self.categories)


def category_coverage(orgs: Orgs, posts: list[Post], categories: dict[str, str], year: int) -> list[Coverage]:
    """Per unit (registry order): which configured categories its own posts dated in `year` used.
    Questions asked of the unit are not its posts and do not count."""
    used: dict[str, set[str]] = {}
    for post in published(posts):
        if post.date.year == year and post.category in categories and post.type != QA_COLUMN:
            used.setdefault(post.unit_key, set()).add(post.category)
    return [Coverage(unit, tuple(c for c in categories if c in used.get(unit.key, ()))) for unit in orgs.units()]
