"""Comparisons of the 信息工作通报 on plain figures: system by system, and the 五联 categories
each unit's posts covered in a year."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal_factory import ORGS_YML
from site_builder.config import DEFAULT_CATEGORIES
from site_builder.core.comparison import Coverage, SystemFigures, category_coverage, system_comparison
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post
from site_builder.core.stats import Period, PeriodStats, UnitFigures

TZ = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML)[0]
TAX, RADIO = ORGS.systems["tax"], ORGS.systems["radio"]
UNITS = {u.key: u for u in ORGS.units()}
PERIOD = Period("year", "本年度", "2026年", date(2026, 1, 1), date(2027, 1, 1))


def figures(unit: str, posts: dict, **kw) -> UnitFigures:
    return UnitFigures(UNITS[unit], posts, **kw)


def stats_of(units: list[UnitFigures]) -> PeriodStats:
    return PeriodStats(PERIOD, units, {}, {}, [], [])


def test_each_system_sums_its_units_in_registry_order():
    units = [figures("tax/prov", {"news": 2, "qa": 4}, answered=1, score=2.5),
             figures("tax/np", {"experience": 1}, adopted=1, answered=2, overdue=1, score=4.25),
             figures("tax/np-jo", {"qa": 3}, overdue=2),  # asked, never answered, wrote nothing: silent
             figures("tax/sm", {}),  # silent
             figures("radio/np", {"news": 1}, adopted=1, score=3.0)]
    assert system_comparison(stats_of(units), ORGS) == [
        SystemFigures(TAX, units=4, written=3, adopted=1, answered=3, overdue=3, silent=2, score=6.75),
        SystemFigures(RADIO, units=1, written=1, adopted=1, answered=0, overdue=0, silent=0, score=3.0)]


def test_a_unit_that_only_answered_is_not_silent():
    [tax, _] = system_comparison(stats_of([figures("tax/np", {"qa": 1}, answered=1)]), ORGS)
    assert (tax.written, tax.answered, tax.silent) == (0, 1, 0)


def test_a_system_without_figures_has_zeros():
    [tax, radio] = system_comparison(stats_of([]), ORGS)
    assert radio == SystemFigures(RADIO, 0, 0, 0, 0, 0, 0, 0)
    assert (str(radio.written_per_unit), str(radio.score_per_unit)) == ("0.0", "0.00")


def test_the_score_sum_drops_float_noise():
    [tax, _] = system_comparison(stats_of([figures("tax/np", {}, score=0.1), figures("tax/sm", {}, score=0.2)]), ORGS)
    assert tax.score == 0.3


def test_a_systems_score_is_kept_to_four_decimals():
    [tax, _] = system_comparison(stats_of([figures("tax/np", {}, score=1.00004), figures("tax/sm", {}, score=2.0)]), ORGS)
    assert tax.score == 3.0


def test_means_per_unit_are_rounded_half_up():
    def system(written, score, units):
        return SystemFigures(TAX, units, written, 0, 0, 0, 0, score)

    assert str(system(5, 0, 20).written_per_unit) == "0.3"  # 0.25
    assert str(system(1, 0, 8).written_per_unit) == "0.1"  # 0.125
    assert str(system(7, 0, 3).written_per_unit) == "2.3"  # 2.333…
    assert str(system(3, 0, 1).written_per_unit) == "3.0"
    assert str(system(0, 0.125, 1).score_per_unit) == "0.13"
    assert str(system(0, 10.0, 3).score_per_unit) == "3.33"
    assert str(system(0, 2.675, 1).score_per_unit) == "2.68"  # 2.675 as a float is just below: taken as written
    assert str(system(0, 5.0, 2).score_per_unit) == "2.50"


def post(unit: str, category: str, day: str = "2026-05-01", type_: str = "news", draft: bool = False) -> Post:
    system, unit_id = unit.split("/")
    return Post(source=f"{unit}/{category}-{day}-{type_}.md", system=system, unit=unit_id, title="t",
                date=datetime.fromisoformat(day).replace(tzinfo=TZ), type=type_, body="x", category=category, draft=draft)


def test_coverage_lists_the_categories_a_units_own_posts_used_in_configured_order():
    posts = [post("tax/np", "grassroots"), post("tax/np", "center"), post("tax/np", "center", "2026-06-01"),
             post("tax/np-jo", "quality", type_="experience"), post("radio/np", "integrity")]
    coverage = {c.unit.key: c.categories for c in category_coverage(ORGS, posts, DEFAULT_CATEGORIES, 2026)}
    assert list(coverage) == [u.key for u in ORGS.units()]
    assert coverage["tax/np"] == ("center", "grassroots")
    assert coverage["tax/np-jo"] == ("quality",)
    assert coverage["radio/np"] == ("integrity",)
    assert coverage["tax/prov"] == ()


def test_coverage_counts_only_the_year_and_neither_drafts_questions_nor_unknown_categories():
    posts = [post("tax/np", "center", "2025-12-31"), post("tax/np", "integrity", "2027-01-01"),
             post("tax/np", "quality", "2026-01-01"), post("tax/np", "civility", "2026-12-31"),
             post("tax/np", "grassroots", draft=True), post("tax/np", "center", type_="qa"),
             post("tax/np", "other"), Post(source="tax/np/none.md", system="tax", unit="np", title="无分类",
                 date=datetime(2026, 5, 1, tzinfo=TZ), type="news", body="x")]
    [np] = [c for c in category_coverage(ORGS, posts, DEFAULT_CATEGORIES, 2026) if c.unit.key == "tax/np"]
    assert np == Coverage(UNITS["tax/np"], ("quality", "civility"))
    assert np.count == 2


def test_coverage_follows_the_configured_categories():
    posts = [post("tax/np", "center"), post("tax/np", "safety")]
    [np] = [c for c in category_coverage(ORGS, posts, {"safety": "安全", "center": "中心"}, 2026)
            if c.unit.key == "tax/np"]
    assert np.categories == ("safety", "center") and np.count == 2
