"""信息工作通报: per-unit figures, scores and rankings, computed from post records only.

Everything is relative to the build's reference time (`PortalBuild.now`, taken from
SOURCE_DATE_EPOCH when set), so the same content gives the same bulletin.

Rules (shown on the /stats/ page as well):
- a post counts in a period when its `date` falls in it; its column is its `type`;
- an adopted post is a post of the unit with at least one `featured_by` entry; each
  adoption scores the weight of the ADOPTING unit's level;
- a question counts as answered in a period when its `answered` date falls in it; the
  median days to answer is taken over those questions; it was answered late when that took
  more than `qa_overdue_workdays` working days;
- an overdue question is one asked in the period and still pending at the reference time
  after more than `qa_overdue_workdays` working days.

The score counts what the unit did (a fair score): the posts it wrote (a question filed in
its folder is not its post: its answer is what it wrote), the adoption of its posts and the
questions it answered, on time or late; overdue questions are subtracted, but never below
zero. A unit that wrote nothing and answered nothing is silent (无投稿), whatever it was asked.
Each system may have weights of its own (`ScoreWeights.of`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from ..config import LEVEL_ORDER, PortalConfig, ScoreWeights
from .calendar import PLAIN_WEEK, WorkCalendar
from .orgs import Orgs, Unit
from .posts import Post
from .qa import days_to_answer, is_overdue, median, workdays_between

PERIOD_KEYS = ("month", "quarter", "year", "all")
PERIOD_LABELS = {"month": "本月", "quarter": "本季度", "year": "本年度", "all": "累计"}
QUARTER_NAMES = ("一", "二", "三", "四")
CHART_MONTHS = 12  # months shown in the monthly submissions chart
QA_COLUMN = "qa"  # its posts are questions asked of the unit, not posts it wrote


@dataclass(frozen=True)
class Period:
    """A span of days [start, end); `start`/`end` None means unbounded (all time)."""

    key: str
    label: str  # 本月, 本季度 …
    name: str  # 2026年11月, 2026年第四季度 …
    start: date | None = None
    end: date | None = None

    def holds(self, moment: datetime | None) -> bool:
        """Whether the moment's calendar day lies in the period."""
        if moment is None:
            return False
        day = moment.date()
        return (self.start is None or day >= self.start) and (self.end is None or day < self.end)


def month_start(year: int, month: int) -> date:
    """First day of a month; months past December roll into the next year."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def periods(now: datetime) -> list[Period]:
    """The current month, quarter and year of the reference time, and all time."""
    year, month = now.year, now.month
    first = 3 * ((month - 1) // 3) + 1
    return [
        Period("month", PERIOD_LABELS["month"], f"{year}年{month}月", month_start(year, month), month_start(year, month + 1)),
        Period("quarter", PERIOD_LABELS["quarter"], f"{year}年第{QUARTER_NAMES[(month - 1) // 3]}季度",
               month_start(year, first), month_start(year, first + 3)),
        Period("year", PERIOD_LABELS["year"], f"{year}年", date(year, 1, 1), date(year + 1, 1, 1)),
        Period("all", PERIOD_LABELS["all"], "全部时间"),
    ]


@dataclass
class UnitFigures:
    """One unit's figures for one period."""

    unit: Unit
    posts: dict[str, int]  # column id → posts dated in the period
    adopted: int = 0  # own posts adopted by at least one higher unit
    adoptions: dict[str, int] = field(default_factory=dict)  # adopting unit's level → adoptions
    answered: int = 0
    answered_late: int = 0  # of `answered`, those answered after the limit
    median_days: float | None = None
    overdue: int = 0
    suggestions: int = 0  # qa posts of kind `suggestion` (意见建议) dated in the period
    score: float = 0.0
    rank_level: int = 0
    rank_system: int = 0

    @property
    def total(self) -> int:
        """All posts of the unit in the period, every column (questions asked of it included)."""
        return sum(self.posts.values())

    @property
    def written(self) -> int:
        """Posts the unit wrote in the period: every column but the questions asked of it."""
        return sum(count for column, count in self.posts.items() if column != QA_COLUMN)

    @property
    def silent(self) -> bool:
        """Wrote nothing and answered nothing in the period (无投稿)."""
        return self.written == 0 and self.answered == 0


@dataclass
class PeriodStats:
    """The bulletin of one period: every unit's figures and the rankings."""

    period: Period
    units: list[UnitFigures]  # registry order
    by_level: dict[str, list[UnitFigures]]  # level → ranked
    by_system: dict[str, list[UnitFigures]]  # system id → ranked
    silent: list[UnitFigures]  # units without any post in the period, registry order
    overall: list[UnitFigures]  # all units ranked together (the top-units chart)


@dataclass
class MonthCount:
    """Posts of one calendar month, per level of the submitting unit."""

    year: int
    month: int
    levels: dict[str, int]

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass
class Bulletin:
    """The whole 信息工作通报."""

    now: datetime
    periods: list[PeriodStats]
    monthly: list[MonthCount]

    def period(self, key: str) -> PeriodStats:
        return next(p for p in self.periods if p.period.key == key)


def score(figures: UnitFigures, weights: ScoreWeights) -> float:
    """Σ column weight × posts written + Σ adopting-level weight × adoptions + answered on time
    + answered late − overdue, never below zero. Questions asked of the unit score nothing
    by themselves."""
    total = sum(weights.column.get(column, 0.0) * count for column, count in figures.posts.items()
                if column != QA_COLUMN)
    total += sum(weights.adoption.get(level, 0.0) * count for level, count in figures.adoptions.items())
    total += weights.answered * (figures.answered - figures.answered_late) + weights.answered_late * figures.answered_late
    return round(max(0.0, total - weights.overdue * figures.overdue), 4)


def answered_late(question: Post, limit_workdays: int, calendar: WorkCalendar = PLAIN_WEEK) -> bool:
    """Whether an answered question took more than the limit in working days of `calendar`."""
    assert question.answered is not None
    return workdays_between(question.date.date(), question.answered.date(), calendar) > limit_workdays


def unit_figures(unit: Unit, posts: list[Post], period: Period, orgs: Orgs,
                 config: PortalConfig, now: datetime) -> UnitFigures:
    """Figures of one unit for one period from the unit's own posts."""
    dated = [p for p in posts if period.holds(p.date)]
    counts = dict.fromkeys(config.columns, 0)
    for post in dated:
        counts[post.type] = counts.get(post.type, 0) + 1
    adopted = [p for p in dated if p.featured_by]
    levels = Counter(orgs.unit(key).level for p in adopted for key in p.featured_by if orgs.unit(key))
    answered = [p for p in posts if p.type == "qa" and period.holds(p.answered)]
    figures = UnitFigures(
        unit, counts, adopted=len(adopted), adoptions={lv: levels[lv] for lv in LEVEL_ORDER if levels[lv]},
        answered=len(answered), median_days=median([days_to_answer(q) for q in answered]),
        answered_late=sum(1 for q in answered if answered_late(q, config.qa_overdue_workdays, config.calendar)),
        overdue=sum(1 for p in dated if is_overdue(p, now, config.qa_overdue_workdays, config.calendar)),
        suggestions=sum(1 for p in dated if p.type == "qa" and p.kind == "suggestion"),
    )
    figures.score = score(figures, config.score.of(unit.system))
    return figures


def rank(figures: list[UnitFigures], order: dict[str, int]) -> list[UnitFigures]:
    """Best first: score, then posts written, adopted posts, answered questions, then registry order."""
    return sorted(figures, key=lambda f: (-f.score, -f.written, -f.adopted, -f.answered, order[f.unit.key]))


def period_stats(orgs: Orgs, by_unit: dict[str, list[Post]], period: Period,
                 config: PortalConfig, now: datetime) -> PeriodStats:
    """Every unit's figures for `period`, ranked per level and per system."""
    units = orgs.units()
    order = {u.key: index for index, u in enumerate(units)}
    figures = [unit_figures(u, by_unit.get(u.key, []), period, orgs, config, now) for u in units]
    by_level = {lv: rank([f for f in figures if f.unit.level == lv], order) for lv in LEVEL_ORDER}
    by_system = {s: rank([f for f in figures if f.unit.system == s], order) for s in orgs.systems}
    for ranked in by_level.values():
        for place, item in enumerate(ranked, 1):
            item.rank_level = place
    for ranked in by_system.values():
        for place, item in enumerate(ranked, 1):
            item.rank_system = place
    silent = [f for f in figures if f.silent]
    return PeriodStats(period, figures, by_level, by_system, silent, rank(figures, order))


def monthly_counts(orgs: Orgs, posts: list[Post], now: datetime, months: int = CHART_MONTHS) -> list[MonthCount]:
    """Posts per month and level for the `months` months ending with the reference month."""
    first = month_start(now.year, now.month - months + 1)
    found = [MonthCount(d.year, d.month, dict.fromkeys(LEVEL_ORDER, 0))
             for d in (month_start(first.year, first.month + i) for i in range(months))]
    index = {(m.year, m.month): m for m in found}
    for post in posts:
        unit = orgs.unit(post.unit_key)
        month = index.get((post.date.year, post.date.month))
        if unit and month:
            month.levels[unit.level] += 1
    return found


def published(posts: list[Post]) -> list[Post]:
    """Posts that count: drafts (shown only by `serve`) never do."""
    return [p for p in posts if not p.draft]


def compute_bulletin(orgs: Orgs, posts: list[Post], config: PortalConfig, now: datetime) -> Bulletin:
    """The 信息工作通报 for the reference time `now`."""
    posts = published(posts)
    by_unit: dict[str, list[Post]] = {}
    for post in posts:
        by_unit.setdefault(post.unit_key, []).append(post)
    stats = [period_stats(orgs, by_unit, period, config, now) for period in periods(now)]
    return Bulletin(now, stats, monthly_counts(orgs, posts, now))
