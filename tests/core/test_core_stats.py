"""信息工作通报 on plain post records: periods and their first and last days, scores, ties in
the rankings, drafts, the monthly chart window. Expectations are counted by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig, ScoreWeights
from site_builder.core.orgs import Unit, load_orgs
from site_builder.core.posts import Post
from site_builder.core.stats import (
    Bulletin,
    MonthCount,
    Period,
    UnitFigures,
    compute_bulletin,
    month_start,
    monthly_counts,
    period_stats,
    periods,
    published,
    rank,
    score,
    unit_figures,
)

TZ = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML)[0]
WEIGHTS = ScoreWeights(column={"news": 1.0, "experience": 3.0, "qa": 0.5},
                       adoption={"province": 4.0, "city": 2.0, "county": 1.0}, answered=1.5, overdue=2.0)
CONFIG = PortalConfig(score=WEIGHTS, qa_overdue_workdays=5)
NEW_YEARS_EVE = datetime(2026, 12, 31, 20, 0, tzinfo=TZ)


def unit_of(key: str) -> Unit:
    found = ORGS.unit(key)
    assert found is not None, key
    return found


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def post(unit: str, day: str, type_: str = "news", name: str | None = None, **fields) -> Post:
    system, unit_id = unit.split("/")
    return Post(source=f"{unit}/{name or day}-{type_}.md", system=system, unit=unit_id, title="文", date=at(day),
                type=type_, body="正文", **fields)


def question(unit: str, day: str, answered: str | None = None) -> Post:
    return post(unit, day, "qa", question="问？", answered=at(answered) if answered else None)


def by_key(stats) -> dict:
    return {f.unit.key: f for f in stats.units}


# -- periods ----------------------------------------------------------------


def test_a_period_holds_its_first_day_and_not_its_end_day():
    december = Period("month", "本月", "2026年12月", date(2026, 12, 1), date(2027, 1, 1))
    assert december.holds(at("2026-12-01 00:00")) and december.holds(at("2026-12-31 23:59"))
    assert not december.holds(at("2026-11-30 23:59")) and not december.holds(at("2027-01-01 00:00"))
    assert not december.holds(None)
    always = Period("all", "累计", "全部时间")
    assert always.holds(at("1990-01-01")) and always.holds(at("2099-12-31")) and not always.holds(None)
    assert Period("x", "", "", start=date(2026, 12, 1)).holds(at("2099-01-01"))
    assert not Period("x", "", "", start=date(2026, 12, 1)).holds(at("2026-11-30"))
    assert Period("x", "", "", end=date(2026, 12, 1)).holds(at("1990-01-01"))
    assert not Period("x", "", "", end=date(2026, 12, 1)).holds(at("2026-12-01"))


@pytest.mark.parametrize("year, month, first", [(2026, 1, "2026-01-01"), (2026, 12, "2026-12-01"),
                                                (2026, 13, "2027-01-01"), (2026, 14, "2027-02-01"),
                                                (2026, 0, "2025-12-01"), (2026, -11, "2025-01-01"),
                                                (2026, 25, "2028-01-01")])
def test_month_start_rolls_over_years(year, month, first):
    assert month_start(year, month) == date.fromisoformat(first)


QUARTERS = {1: ("一", "01", "04"), 2: ("一", "01", "04"), 3: ("一", "01", "04"), 4: ("二", "04", "07"),
            5: ("二", "04", "07"), 6: ("二", "04", "07"), 7: ("三", "07", "10"), 8: ("三", "07", "10"),
            9: ("三", "07", "10"), 10: ("四", "10", "13"), 11: ("四", "10", "13"), 12: ("四", "10", "13")}


@pytest.mark.parametrize("month", range(1, 13))
def test_periods_of_every_month(month):
    found = periods(datetime(2026, month, 15 if month != 2 else 28, 9, 0, tzinfo=TZ))
    assert [p.key for p in found] == ["month", "quarter", "year", "all"]
    assert [p.label for p in found] == ["本月", "本季度", "本年度", "累计"]
    this_month, quarter, year, always = found
    assert this_month.name == f"2026年{month}月"
    assert this_month.start == date(2026, month, 1)
    assert this_month.end == (date(2027, 1, 1) if month == 12 else date(2026, month + 1, 1))
    name, first, end = QUARTERS[month]
    assert quarter.name == f"2026年第{name}季度"
    assert quarter.start == date(2026, int(first), 1)
    assert quarter.end == (date(2027, 1, 1) if end == "13" else date(2026, int(end), 1))
    assert (year.name, year.start, year.end) == ("2026年", date(2026, 1, 1), date(2027, 1, 1))
    assert (always.name, always.start, always.end) == ("全部时间", None, None)


# -- one unit's figures -----------------------------------------------------

BOUNDARY = [post("tax/np-jo", d, name=n) for n, d in (
    ("new-year", "2027-01-01"), ("year-end", "2026-12-31 23:59"), ("month-start", "2026-12-01 00:00"),
    ("last-month-end", "2026-11-30"), ("quarter-start", "2026-10-01"), ("last-quarter-end", "2026-09-30"),
    ("year-start", "2026-01-01"), ("last-year-end", "2025-12-31"))]


@pytest.mark.parametrize("key, news", [("month", 2), ("quarter", 4), ("year", 6), ("all", 8)])
def test_posts_on_the_first_and_last_days_of_periods(key, news):
    """Reference time New Year's Eve; a post dated the next day (allowed: up to a day ahead) is not in 2026."""
    period = next(p for p in periods(NEW_YEARS_EVE) if p.key == key)
    figures = unit_figures(unit_of("tax/np-jo"), BOUNDARY, period, ORGS, CONFIG, NEW_YEARS_EVE)
    assert figures.posts == {"news": news, "experience": 0, "qa": 0} and figures.total == news
    assert figures.score == news * 1.0


def test_answers_count_in_the_period_of_their_answer_date():
    questions = [question("tax/np", "2026-09-28", "2026-10-01"), question("tax/np", "2026-11-30", "2026-12-01"),
                 question("tax/np", "2026-12-30")]  # pending one working day
    found = {p.key: unit_figures(unit_of("tax/np"), questions, p, ORGS, CONFIG, NEW_YEARS_EVE)
             for p in periods(NEW_YEARS_EVE)}
    summary = {k: (f.posts["qa"], f.answered, f.median_days, f.overdue) for k, f in found.items()}
    assert summary == {"month": (1, 1, 1.0, 0), "quarter": (2, 2, 2.0, 0), "year": (3, 2, 2.0, 0),
                       "all": (3, 2, 2.0, 0)}


def test_overdue_questions_count_in_the_period_they_were_asked():
    questions = [question("tax/np", "2026-11-30"), question("tax/np", "2026-12-01"),  # 22 and 21 working days
                 question("tax/np", "2026-12-24"), question("tax/np", "2026-12-23", "2026-12-30")]  # 5: not more than 5
    found = {p.key: unit_figures(unit_of("tax/np"), questions, p, ORGS, CONFIG, NEW_YEARS_EVE)
             for p in periods(NEW_YEARS_EVE)}
    assert {k: f.overdue for k, f in found.items()} == {"month": 1, "quarter": 2, "year": 2, "all": 2}
    month = found["month"]
    # the fair score: questions asked of the unit score nothing by themselves, the one answered on time 1.5,
    # the overdue one −2, never below zero (the old rule gave 3 × 0.5 + 1.5 − 2 = 1.0)
    assert (month.answered, month.answered_late, month.median_days, month.score) == (1, 0, 7.0, 0.0)


def test_adoptions_score_the_adopting_units_level():
    posts = [post("tax/np-jo", "2026-12-10", featured_by=("tax/np", "tax/prov"), name="a"),
             post("tax/np-jo", "2026-12-11", "experience", featured_by=("tax/np",), name="b"),
             post("tax/np-jo", "2026-12-12", featured_by=("tax/unknown",), name="c"),
             post("tax/np-jo", "2026-11-12", featured_by=("tax/prov",), name="d")]
    month = next(p for p in periods(NEW_YEARS_EVE) if p.key == "month")
    figures = unit_figures(unit_of("tax/np-jo"), posts, month, ORGS, CONFIG, NEW_YEARS_EVE)
    assert figures.adopted == 3  # an adoption by an unknown unit still marks the post adopted
    assert figures.adoptions == {"province": 1, "city": 2}
    assert list(figures.adoptions) == ["province", "city"]
    assert figures.score == 2 * 1.0 + 3.0 + 4.0 + 2 * 2.0


def test_unknown_columns_count_but_score_nothing():
    posts = [post("tax/np", "2026-12-10", "policy", name="p"), post("tax/np", "2026-12-11", name="n")]
    month = periods(NEW_YEARS_EVE)[0]
    figures = unit_figures(unit_of("tax/np"), posts, month, ORGS, CONFIG, NEW_YEARS_EVE)
    assert figures.posts == {"news": 1, "experience": 0, "qa": 0, "policy": 1} and figures.total == 2
    assert figures.score == 1.0


def test_score_formula_and_rounding():
    figures = UnitFigures(unit_of("tax/np"), {"news": 2, "experience": 1, "qa": 3, "other": 5},
                          adoptions={"province": 1, "county": 2, "galaxy": 9}, answered=2, overdue=1)
    assert score(figures, WEIGHTS) == 2 * 1.0 + 3.0 + 4.0 + 2 * 1.0 + 2 * 1.5 - 2.0  # the 3 questions asked of it: 0
    late = UnitFigures(unit_of("tax/np"), {"news": 1}, answered=3, answered_late=2)
    assert score(late, WEIGHTS) == 1.0 + 1.5 + 2 * WEIGHTS.answered_late
    thirds = ScoreWeights(column={"news": 1 / 3}, adoption={}, answered=0.0, overdue=0.0)
    assert score(UnitFigures(unit_of("tax/np"), {"news": 1}), thirds) == 0.3333
    assert score(UnitFigures(unit_of("tax/np"), {"news": 0}, overdue=3), WEIGHTS) == 0.0  # never below zero
    assert score(UnitFigures(unit_of("tax/np"), {"news": 7}, overdue=3), WEIGHTS) == 1.0


def test_unit_figures_defaults():
    figures = UnitFigures(unit_of("tax/np"), {"news": 1, "qa": 2})
    assert (figures.adopted, figures.adoptions, figures.answered, figures.median_days, figures.overdue) == (
        0, {}, 0, None, 0)
    assert (figures.score, figures.rank_level, figures.rank_system, figures.total) == (0.0, 0, 0, 3)


# -- rankings ---------------------------------------------------------------


def test_ranking_ties_are_broken_by_posts_adoptions_answers_then_registry_order():
    order = {u.key: i for i, u in enumerate(ORGS.units())}

    def figures(key, score_, news=0, adopted=0, answered=0):
        return UnitFigures(unit_of(key), {"news": news}, adopted=adopted, answered=answered, score=score_)

    ranked = rank([figures("radio/np-jo", 1.0), figures("tax/np-wys", 1.0), figures("tax/sm-yx", 1.0, answered=1),
                   figures("tax/np-jo", 1.0, adopted=1), figures("radio/np", 1.0, news=1), figures("tax/sm", 5.0),
                   figures("tax/prov", -1.0)], order)
    assert [f.unit.key for f in ranked] == ["tax/sm", "radio/np", "tax/np-jo", "tax/sm-yx", "tax/np-wys",
                                            "radio/np-jo", "tax/prov"]
    # adopted outranks answered, posts outrank adopted
    ranked = rank([figures("tax/np", 1.0, answered=5), figures("tax/sm", 1.0, adopted=1),
                   figures("tax/prov", 1.0, news=2, adopted=0), figures("radio/np", 1.0, news=1, adopted=3)], order)
    assert [f.unit.key for f in ranked] == ["tax/prov", "radio/np", "tax/sm", "tax/np"]


def test_period_stats_ranks_levels_systems_and_lists_silent_units():
    posts = [post("tax/np-jo", "2026-12-10", "experience", name="e"), post("tax/np-wys", "2026-12-11", name="n"),
             post("radio/np-jo", "2026-12-12", name="r"), post("tax/np", "2026-12-01", name="c"),
             post("tax/np", "2026-12-02", name="c2"), post("radio/prov", "2026-11-02", name="old")]
    by_unit: dict[str, list[Post]] = {}
    for item in posts:
        by_unit.setdefault(item.unit_key, []).append(item)
    month = periods(NEW_YEARS_EVE)[0]
    stats = period_stats(ORGS, by_unit, month, CONFIG, NEW_YEARS_EVE)
    assert stats.period == month
    assert [f.unit.key for f in stats.units] == [u.key for u in ORGS.units()]
    assert {lv: [f.unit.key for f in ranked] for lv, ranked in stats.by_level.items()} == {
        "province": ["tax/prov", "radio/prov"], "city": ["tax/np", "tax/sm", "radio/np"],
        "county": ["tax/np-jo", "tax/np-wys", "radio/np-jo", "tax/sm-yx"]}
    assert {s: [f.unit.key for f in ranked] for s, ranked in stats.by_system.items()} == {
        "tax": ["tax/np-jo", "tax/np", "tax/np-wys", "tax/prov", "tax/sm", "tax/sm-yx"],
        "radio": ["radio/np-jo", "radio/prov", "radio/np"]}
    figures = by_key(stats)
    assert {k: (f.rank_level, f.rank_system) for k, f in figures.items()} == {
        "tax/prov": (1, 4), "tax/np": (1, 2), "tax/np-jo": (1, 1), "tax/np-wys": (2, 3), "tax/sm": (2, 5),
        "tax/sm-yx": (4, 6), "radio/prov": (2, 2), "radio/np": (3, 3), "radio/np-jo": (3, 1)}
    assert [f.unit.key for f in stats.silent] == ["tax/prov", "tax/sm", "tax/sm-yx", "radio/prov", "radio/np"]
    assert [f.unit.key for f in stats.overall][:4] == ["tax/np-jo", "tax/np", "tax/np-wys", "radio/np-jo"]


# -- the monthly chart and the whole bulletin ---------------------------------


def test_monthly_counts_window_and_levels():
    posts = [post("tax/np-jo", "2026-12-31", name="a"), post("tax/np", "2026-12-01", name="b"),
             post("tax/prov", "2026-01-01", name="c"), post("radio/np-jo", "2025-12-31", name="d"),
             post("tax/np-wys", "2027-01-01", name="e"), post("tax/zz", "2026-06-01", name="f")]
    months = monthly_counts(ORGS, posts, NEW_YEARS_EVE)
    assert [m.label for m in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert months[0].levels == {"province": 1, "city": 0, "county": 0}
    assert months[-1] == MonthCount(2026, 12, {"province": 0, "city": 1, "county": 1})
    assert sum(sum(m.levels.values()) for m in months) == 3  # 2025-12, 2027-01 and the unknown unit left out
    three = monthly_counts(ORGS, posts, datetime(2027, 1, 1, 8, 0, tzinfo=TZ), 3)
    assert [(m.label, sum(m.levels.values())) for m in three] == [("2026-11", 0), ("2026-12", 2), ("2027-01", 1)]
    assert MonthCount(2026, 3, {}).label == "2026-03"


def test_drafts_are_never_counted():
    draft = post("tax/np", "2026-12-10", name="draft", draft=True)
    final = post("tax/np", "2026-12-11", name="final")
    assert published([draft, final]) == [final]
    bulletin = compute_bulletin(ORGS, [draft, final], CONFIG, NEW_YEARS_EVE)
    for key in ("month", "quarter", "year", "all"):
        assert by_key(bulletin.period(key))["tax/np"].total == 1
    assert sum(m.levels["city"] for m in bulletin.monthly) == 1


def test_compute_bulletin():
    posts = [post("tax/np", "2026-12-11", name="a"), post("tax/np-jo", "2026-03-11", name="b"),
             question("radio/np", "2025-06-01", "2025-06-03")]
    bulletin = compute_bulletin(ORGS, posts, CONFIG, NEW_YEARS_EVE)
    assert isinstance(bulletin, Bulletin) and bulletin.now == NEW_YEARS_EVE
    assert [s.period.key for s in bulletin.periods] == ["month", "quarter", "year", "all"]
    assert bulletin.period("quarter").period.name == "2026年第四季度"
    totals = {key: {k: f.total for k, f in by_key(bulletin.period(key)).items() if f.total}
              for key in ("month", "quarter", "year", "all")}
    assert totals == {"month": {"tax/np": 1}, "quarter": {"tax/np": 1}, "year": {"tax/np": 1, "tax/np-jo": 1},
                      "all": {"tax/np": 1, "tax/np-jo": 1, "radio/np": 1}}
    assert by_key(bulletin.period("all"))["radio/np"].median_days == 2.0
    assert [m.label for m in bulletin.monthly][-1] == "2026-12" and len(bulletin.monthly) == 12
    with pytest.raises(StopIteration):
        bulletin.period("decade")
