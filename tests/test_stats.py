"""信息工作通报: figures, scores, medians, overdue marks and rankings against hand-computed values.

The core is tested on plain post records (no MkDocs); the end-to-end tests build the
fixture portal of `stats_fixture.py` and read /stats/ with lxml and its CSV files with csv.
Reference time 2026-11-25 20:00 Asia/Shanghai (SOURCE_DATE_EPOCH of portal_factory).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from portal_factory import FIXED_EPOCH, build, serving
from site_builder import stats_pages
from site_builder.config import PortalConfig, ScoreWeights
from site_builder.core.clock import reference_time
from site_builder.core.content import load_portal
from site_builder.core.orgs import Orgs
from site_builder.core.stats import compute_bulletin, monthly_counts, periods
from site_builder.core.urls import reserved_ids
from site_builder.engine import MarkdownSettings, PortalBuild
from site_builder.pages.charts import horizontal_bars, text_width
from stats_fixture import fixture_tree, write_config

TZ = ZoneInfo("Asia/Shanghai")
COLUMNS = {"news": "工作动态", "experience": "经验交流", "qa": "有问必答", "policy": "政策解读"}
WEIGHTS = ScoreWeights(column={"news": 1.0, "experience": 3.0, "qa": 0.5, "policy": 2.0},
                       adoption={"province": 4.0, "city": 2.0, "county": 1.0}, answered=1.5, answered_late=0.5,
                       overdue=2.0)
CONFIG = PortalConfig(columns=COLUMNS, score=WEIGHTS, qa_overdue_workdays=5)
UNITS = ["tax/prov", "tax/np", "tax/np-jo", "tax/np-wys", "tax/sm", "tax/sm-yx", "radio/prov", "radio/np", "radio/np-jo"]

# Hand-computed (see stats_fixture.py): unit → (news, experience, qa, policy, adopted, answered, median, overdue, score)
# The score counts what the unit did: a question in its folder (the `qa` count) scores nothing by itself; an
# answer within 5 working days scores 1.5, a later one 0.5 (tax/np's q-september: 8 working days); overdue
# questions subtract 2 each, never below 0. Where the old rule differed, the old value is noted ("was").
EXPECTED = {
    "month": {
        "tax/prov": (0, 1, 0, 0, 0, 0, None, 0, 3.0),
        "tax/np": (1, 0, 4, 0, 1, 2, 3.0, 1, 6.0),  # 1 + 4 (省采用) + 2×1.5 − 2; was 8 (+ 4 questions × 0.5)
        "tax/np-jo": (1, 0, 0, 0, 1, 0, None, 0, 7.0),  # 1 + 2 (市采用) + 4 (省采用)
        "tax/np-wys": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
        "tax/sm": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
        "tax/sm-yx": (0, 0, 0, 0, 0, 0, None, 0, 0.0),  # its November post is a draft
        "radio/prov": (0, 0, 0, 0, 0, 0, None, 0, 0.0),  # its overdue question was asked in October
        "radio/np": (1, 1, 0, 0, 1, 0, None, 0, 8.0),  # 1 + 3 + 4
        "radio/np-jo": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
    },
    "quarter": {
        "tax/prov": (0, 1, 0, 0, 0, 0, None, 0, 3.0),
        "tax/np": (1, 0, 4, 0, 1, 3, 4.0, 1, 6.5),  # 1 + 4 + 1.5 + 1.5 + 0.5 (late) − 2; was 9.5
        # (answered 4, 2 and 10 days → median 4)
        "tax/np-jo": (1, 1, 0, 0, 2, 0, None, 0, 12.0),  # 1 + 3 + 2 + 2 + 4
        "tax/np-wys": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
        "tax/sm": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
        "tax/sm-yx": (1, 0, 0, 0, 1, 0, None, 0, 3.0),
        "radio/prov": (0, 0, 1, 0, 0, 0, None, 1, 0.0),  # 0 − 2, floored at 0; was −1.5 (0.5 − 2)
        "radio/np": (1, 1, 0, 0, 1, 0, None, 0, 8.0),
        "radio/np-jo": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
    },
    "year": {
        "tax/prov": (0, 1, 1, 0, 0, 1, 1.0, 0, 4.5),  # 3 + 1.5; was 5 (+ 0.5 for the question)
        "tax/np": (1, 0, 5, 1, 1, 3, 4.0, 1, 8.5),  # 1 + 2 + 4 + 1.5 + 1.5 + 0.5 − 2; was 12
        "tax/np-jo": (2, 1, 0, 0, 2, 0, None, 0, 13.0),
        "tax/np-wys": (1, 0, 0, 0, 0, 0, None, 0, 1.0),
        "tax/sm": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
        "tax/sm-yx": (1, 0, 0, 0, 1, 0, None, 0, 3.0),
        "radio/prov": (0, 0, 1, 0, 0, 0, None, 1, 0.0),  # was −1.5
        "radio/np": (1, 1, 0, 0, 1, 0, None, 0, 8.0),
        "radio/np-jo": (1, 0, 0, 0, 0, 0, None, 0, 1.0),
    },
    "all": {
        "tax/prov": (0, 1, 2, 0, 0, 2, 4.0, 0, 6.0),  # 3 + 1.5 + 1.5 (5 working days: on time); was 7
        # (answered in 1 and 7 days → median 4)
        "tax/np": (1, 0, 5, 1, 1, 3, 4.0, 1, 8.5),
        "tax/np-jo": (3, 1, 0, 0, 2, 0, None, 0, 14.0),
        "tax/np-wys": (1, 0, 0, 0, 0, 0, None, 0, 1.0),
        "tax/sm": (0, 0, 0, 0, 0, 0, None, 0, 0.0),
        "tax/sm-yx": (1, 0, 0, 0, 1, 0, None, 0, 3.0),
        "radio/prov": (0, 0, 1, 0, 0, 0, None, 1, 0.0),
        "radio/np": (1, 1, 0, 0, 1, 0, None, 0, 8.0),
        "radio/np-jo": (1, 0, 0, 0, 0, 0, None, 0, 1.0),
    },
}
LEVEL_RANKING = {
    "month": {"province": ["tax/prov", "radio/prov"],
              "city": ["radio/np", "tax/np", "tax/sm"],  # 8 > 6 (was 8 = 8: the questions filed at tax/np counted)
              "county": ["tax/np-jo", "tax/np-wys", "tax/sm-yx", "radio/np-jo"]},
    "quarter": {"province": ["tax/prov", "radio/prov"],
                "city": ["radio/np", "tax/np", "tax/sm"],  # 8 > 6.5
                "county": ["tax/np-jo", "tax/sm-yx", "tax/np-wys", "radio/np-jo"]},
    "year": {"province": ["tax/prov", "radio/prov"],
             "city": ["tax/np", "radio/np", "tax/sm"],
             "county": ["tax/np-jo", "tax/sm-yx", "tax/np-wys", "radio/np-jo"]},  # 1 = 1: registry order
    "all": {"province": ["tax/prov", "radio/prov"],
            "city": ["tax/np", "radio/np", "tax/sm"],
            "county": ["tax/np-jo", "tax/sm-yx", "tax/np-wys", "radio/np-jo"]},
}
SYSTEM_RANKING = {
    "month": {"tax": ["tax/np-jo", "tax/np", "tax/prov", "tax/np-wys", "tax/sm", "tax/sm-yx"],
              "radio": ["radio/np", "radio/prov", "radio/np-jo"]},
    # 3 = 3 with one post each: tax/sm-yx was adopted, tax/prov was not
    "quarter": {"tax": ["tax/np-jo", "tax/np", "tax/sm-yx", "tax/prov", "tax/np-wys", "tax/sm"],
                "radio": ["radio/np", "radio/prov", "radio/np-jo"]},  # 0 = 0 (was −1.5 < 0): registry order
    "year": {"tax": ["tax/np-jo", "tax/np", "tax/prov", "tax/sm-yx", "tax/np-wys", "tax/sm"],
             "radio": ["radio/np", "radio/np-jo", "radio/prov"]},
    "all": {"tax": ["tax/np-jo", "tax/np", "tax/prov", "tax/sm-yx", "tax/np-wys", "tax/sm"],
            "radio": ["radio/np", "radio/np-jo", "radio/prov"]},
}
SILENT = {
    "month": ["tax/np-wys", "tax/sm", "tax/sm-yx", "radio/prov", "radio/np-jo"],
    # radio/prov wrote nothing and answered nothing: being asked a question no longer keeps it off the list
    "quarter": ["tax/np-wys", "tax/sm", "radio/prov", "radio/np-jo"],
    "year": ["tax/sm", "radio/prov"],
    "all": ["tax/sm", "radio/prov"],
}


def fixture_now() -> datetime:
    return datetime(2026, 11, 25, 20, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    tree = fixture_tree(tmp_path_factory.mktemp("core"))
    portal = load_portal(str(tree.content), CONFIG, fixture_now(), reserved_ids(COLUMNS))
    assert portal.problems == []
    return compute_bulletin(portal.orgs, portal.posts, CONFIG, fixture_now())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    tree = fixture_tree(root)
    ok, site = build(tree, strict=True, config=str(write_config(root)))
    assert ok
    return site


def read_csv(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def as_float(text: str) -> float | None:
    return float(text) if text != "" else None


# -- core ------------------------------------------------------------------


@pytest.mark.parametrize("period", ["month", "quarter", "year", "all"])
def test_unit_figures_match_hand_computed_values(bulletin, period):
    stats = bulletin.period(period)
    found = {f.unit.key: (f.posts["news"], f.posts["experience"], f.posts["qa"], f.posts["policy"], f.adopted,
                          f.answered, f.median_days, f.overdue, f.score) for f in stats.units}
    assert found == EXPECTED[period]
    assert [f.unit.key for f in stats.units] == UNITS


@pytest.mark.parametrize("period", ["month", "quarter", "year", "all"])
def test_rankings_per_level_and_system(bulletin, period):
    stats = bulletin.period(period)
    assert {lv: [f.unit.key for f in ranked] for lv, ranked in stats.by_level.items()} == LEVEL_RANKING[period]
    assert {s: [f.unit.key for f in ranked] for s, ranked in stats.by_system.items()} == SYSTEM_RANKING[period]
    for ranked in stats.by_level.values():
        assert [f.rank_level for f in ranked] == list(range(1, len(ranked) + 1))
    assert [f.unit.key for f in stats.silent] == SILENT[period]


def test_adoptions_score_the_adopting_units_level(bulletin):
    figures = {f.unit.key: f for f in bulletin.period("all").units}
    assert figures["tax/np-jo"].adoptions == {"province": 1, "city": 2}
    assert figures["tax/sm-yx"].adoptions == {"city": 1}
    assert figures["radio/np"].adoptions == {"province": 1}


def test_periods_follow_the_reference_date():
    spans = {p.key: (p.name, p.start, p.end) for p in periods(datetime(2026, 2, 14, tzinfo=TZ))}
    assert spans["month"][0] == "2026年2月" and str(spans["month"][1]) == "2026-02-01" and str(spans["month"][2]) == "2026-03-01"
    assert spans["quarter"][0] == "2026年第一季度" and str(spans["quarter"][2]) == "2026-04-01"
    assert str(spans["year"][1]) == "2026-01-01" and spans["all"][1:] == (None, None)
    december = {p.key: p for p in periods(datetime(2026, 12, 31, 23, 59, tzinfo=TZ))}
    assert str(december["month"].end) == "2027-01-01" and december["quarter"].name == "2026年第四季度"


def test_reference_time_comes_from_source_date_epoch(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    now = reference_time("Asia/Shanghai")
    assert now == fixture_now()
    tree = fixture_tree(tmp_path)
    portal = load_portal(str(tree.content), CONFIG, now, reserved_ids(COLUMNS))
    first = compute_bulletin(portal.orgs, portal.posts, CONFIG, now)
    assert first.period("month").period.name == "2026年11月"
    # A later reference date moves the periods: in December nothing of the fixture is "this month".
    later = compute_bulletin(portal.orgs, portal.posts, CONFIG, datetime(2026, 12, 2, tzinfo=TZ))
    assert all(f.total == 0 for f in later.period("month").units)
    # …and by then the question asked on 11-20 has waited 8 working days: tax/np has two overdue.
    assert {f.unit.key: f.overdue for f in later.period("quarter").units}["tax/np"] == 2  # 11-20 overdue too


def test_monthly_counts_per_level(bulletin):
    months = {m.label: m.levels for m in bulletin.monthly}
    assert list(months) == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    assert months["2025-12"] == {"province": 0, "city": 0, "county": 1}
    assert months["2026-11"] == {"province": 1, "city": 7, "county": 1}  # the draft is not counted
    assert months["2026-10"] == {"province": 1, "city": 0, "county": 2}
    assert sum(sum(m.values()) for m in months.values()) == 19  # 20 published posts, one from 2025-11


def test_monthly_counts_cross_the_year_boundary():
    months = monthly_counts(Orgs(), [], datetime(2026, 2, 1, tzinfo=TZ), 3)
    assert [m.label for m in months] == ["2025-12", "2026-01", "2026-02"]


DRAFT = "tax/sm-yx/2026/d2.md"  # dated 2026-11-24: this month, had it counted


def test_drafts_shown_by_serve_are_not_counted(tmp_path, monkeypatch):
    """`portal serve` shows drafts (show_drafts); the bulletin it writes still leaves them out."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    tree = fixture_tree(tmp_path)
    preview = PortalBuild(str(tree.content), replace(CONFIG, show_drafts=True), MarkdownSettings())
    preview.run()
    assert preview.problems == [] and preview.portal is not None
    assert DRAFT in {p.source for p in preview.portal.posts}  # shown …
    stats_pages.write(preview, str(tmp_path / "site"))
    for period in ("month", "quarter", "year", "all"):  # … but not counted
        rows = read_csv(tmp_path / "site" / "stats" / f"units-{period}.csv")
        assert {f"{r['system']}/{r['unit']}": float(r["score"]) for r in rows} == {
            k: v[-1] for k, v in EXPECTED[period].items()}, period
    monthly = {r["month"]: r for r in read_csv(tmp_path / "site" / "stats" / "monthly.csv")}
    assert monthly["2026-11"]["county"] == "1"
    silent = read_csv(tmp_path / "site" / "stats" / "silent-month.csv")
    assert "sm-yx" in [r["unit"] for r in silent if r["system"] == "tax"]


def test_core_bulletin_leaves_drafts_out(tmp_path):
    tree = fixture_tree(tmp_path)
    shown = replace(CONFIG, show_drafts=True)
    portal = load_portal(str(tree.content), shown, fixture_now(), reserved_ids(COLUMNS))
    assert DRAFT in {p.source for p in portal.posts}
    month = compute_bulletin(portal.orgs, portal.posts, shown, fixture_now()).period("month")
    assert {f.unit.key: f.score for f in month.units} == {k: v[-1] for k, v in EXPECTED["month"].items()}
    assert {f.unit.key: f.total for f in month.units}["tax/sm-yx"] == 0


# -- built site --------------------------------------------------------------


def test_all_time_csv_has_the_contract_columns(site):
    rows = read_csv(site / "stats" / "units-all.csv")
    header = (site / "stats" / "units-all.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:6] == ["system", "unit", "news", "experience", "qa", "policy"]
    assert [f"{r['system']}/{r['unit']}" for r in rows] == UNITS
    for row in rows:
        key = f"{row['system']}/{row['unit']}"
        news, experience, qa, policy, adopted, answered, median, overdue, score = EXPECTED["all"][key]
        assert (int(row["news"]), int(row["experience"]), int(row["qa"]), int(row["policy"])) == (news, experience, qa, policy)
        assert (int(row["adopted"]), int(row["answered"]), as_float(row["median_answer_days"]), int(row["overdue"])) == (
            adopted, answered, median, overdue)
        assert float(row["score"]) == score


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_period_csvs_match_the_core(site, period):
    rows = {f"{r['system']}/{r['unit']}": r for r in read_csv(site / "stats" / f"units-{period}.csv")}
    assert {k: float(r["score"]) for k, r in rows.items()} == {k: v[-1] for k, v in EXPECTED[period].items()}
    for level, order in LEVEL_RANKING[period].items():
        ranking = read_csv(site / "stats" / f"ranking-{period}-level-{level}.csv")
        assert [f"{r['system']}/{r['unit']}" for r in ranking] == order
        assert [int(r["rank"]) for r in ranking] == list(range(1, len(order) + 1))
    for system, order in SYSTEM_RANKING[period].items():
        ranking = read_csv(site / "stats" / f"ranking-{period}-system-{system}.csv")
        assert [f"{r['system']}/{r['unit']}" for r in ranking] == order
    silent = read_csv(site / "stats" / f"silent-{period}.csv")
    assert [f"{r['system']}/{r['unit']}" for r in silent] == SILENT[period]


def test_monthly_csv(site):
    rows = {r["month"]: r for r in read_csv(site / "stats" / "monthly.csv")}
    assert rows["2026-11"] == {"month": "2026-11", "province": "1", "city": "7", "county": "1", "total": "9"}


def test_stats_page_tables_rules_and_csv_links(site):
    page = lxml_html.fromstring((site / "stats" / "index.html").read_text(encoding="utf-8"))
    article = page.xpath('//article')[0]
    text = article.text_content()
    assert "统计截至 2026年11月25日" in text
    for heading in ("省级单位排名", "市级单位排名", "县级单位排名", "各系统排名", "本期无投稿的单位"):
        assert heading in text
    # the rules state the weights from mkdocs.yml
    for rule in ("经验交流每篇 3 分", "政策解读每篇 2 分", "被省级单位采用每次 4 分", "被市级单位采用每次 2 分",
                 "5 个工作日内答复的问题每个 1.5 分", "超过 5 个工作日才答复的每个 0.5 分", "每个扣 2 分",
                 "得分不会是负数", "只收到问题不算投稿"):
        assert rule in text, rule
    assert "有问必答每篇" not in text  # a question asked of a unit is not its post
    # every linked CSV exists and every CSV written is linked
    links = {href for href in article.xpath('.//a/@href') if href.endswith(".csv")}
    written = {p.name for p in (site / "stats").glob("*.csv")}
    assert links == written
    # monthly + per period: 3 levels, 2 systems, silent, units; systems of the year, categories of the year
    assert len(written) == 1 + 4 * (3 + 2 + 2) + 2
    # the month's city ranking, as a reader sees it
    table = _table_after(article, "市级单位排名")
    cells = [[c.text_content().strip() for c in row.xpath("./td")] for row in table.xpath(".//tbody/tr")]
    assert [(c[0], c[1], c[-1]) for c in cells] == [("1", "南平市文旅局", "8"),
                                                     ("2", "南平市税务局", "6"), ("3", "三明市税务局", "0")]
    headers = [h.text_content() for h in table.xpath(".//th")]
    assert headers[:3] == ["名次", "单位", "所属系统"] and "政策解读" in headers and headers[-1] == "得分"


def _table_after(article, heading: str):
    """The first table after the first heading with this text."""
    h = article.xpath(f'.//h3[normalize-space()="{heading}"]')[0]
    return h.xpath("following::table[1]")[0]


def test_charts_are_inline_svg_without_external_references(site):
    source = (site / "stats" / "index.html").read_text(encoding="utf-8")
    page = lxml_html.fromstring(source)
    charts = page.xpath('//svg[contains(@class, "portal-chart")]')
    assert len(charts) == 1 + 4  # monthly per level, top units per period
    monthly = charts[0]
    tips = [t.text for t in monthly.xpath(".//rect/title")]
    assert len(tips) == 12 * 3
    assert "2026年11月 市级：7 篇" in tips and "2025年12月 县级：1 篇" in tips
    labels = [t.text for t in monthly.xpath('.//*[local-name()="text"][@text-anchor="end"]')]
    assert labels == ["2025年12月", "2026年1月", *(f"{m}月" for m in range(2, 12))]  # the year where it changes
    label_x = {float(t.get("x")) for t in monthly.xpath('.//*[local-name()="text"][@text-anchor="end"]')}
    bars_x = min(float(r.get("x")) for r in monthly.xpath('.//*[local-name()="rect"][*[local-name()="title"]]'))
    assert label_x == {bars_x - 6} and bars_x >= text_width("2025年12月") + 6  # the longest label fits before the bars
    top = charts[1]  # this month
    assert [t.text for t in top.xpath(".//rect/title")][:3] == ["南平市文旅局（市级）：8 分", "建瓯市税务局（县级）：7 分",
                                                               "南平市税务局（市级）：6 分"]
    for chart in charts:
        markup = lxml_html.tostring(chart, encoding="unicode")
        assert not re.search(r"(href|src)=|https?:|<image|<script|url\(", markup)


def test_chart_text_is_escaped():
    svg = horizontal_bars("<标题>", [("<b>单位&</b>", "提示\"", -2.0)])
    assert "<b>" not in svg and "&lt;b&gt;单位&amp;&lt;/b&gt;" in svg and 'width="0.0"' in svg


def test_navigation_links_the_bulletin(site):
    page = lxml_html.fromstring((site / "index.html").read_text(encoding="utf-8"))
    assert any(a.get("href").rstrip("/").endswith("stats") for a in page.xpath("//nav//a[@href]")
               if a.text_content().strip() == "信息工作通报")


def test_the_build_is_reproducible(site, tmp_path):
    tree = fixture_tree(tmp_path)
    ok, again = build(tree, strict=True, config=str(write_config(tmp_path)))
    assert ok
    for path in sorted((site / "stats").iterdir()):
        assert (again / "stats" / path.name).read_bytes() == path.read_bytes(), path.name


def test_browser_loads_bulletin_without_other_hosts(site):
    """Chromium opens /stats/ and /qa/ from a local server: charts drawn, no request leaves 127.0.0.1."""
    if not Path(CHROMIUM).exists():
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with serving(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        tab = browser.new_page()
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(base + "stats/")
        boxes = [svg.bounding_box() for svg in tab.query_selector_all("svg.portal-chart")]
        assert len(boxes) == 5 and all(b and b["width"] > 100 and b["height"] > 20 for b in boxes)
        with tab.expect_download() as download:
            tab.click('a[href="units-all.csv"]')
        assert download.value.suggested_filename == "units-all.csv"
        tab.goto(base + "qa/")
        assert tab.locator(".portal-pending-item .portal-overdue").count() == 2
        browser.close()
    assert requests and all(url.startswith(base) for url in requests), [u for u in requests if not u.startswith(base)]


CHROMIUM = "/usr/bin/chromium"


# -- period boundaries -------------------------------------------------------

NEW_YEARS_EVE = str(int(FIXED_EPOCH) + 36 * 86400)  # 2026-12-31 20:00 Asia/Shanghai
BOUNDARY_POSTS = {  # tax/np-jo news: name → date; a post may be dated up to a day ahead
    "new-year": "2027-01-01", "year-end": "2026-12-31", "month-start": "2026-12-01", "last-month-end": "2026-11-30",
    "quarter-start": "2026-10-01", "last-quarter-end": "2026-09-30", "year-start": "2026-01-01",
    "last-year-end": "2025-12-31",
}
# Counted by hand: December [12-01, 01-01), Q4 [10-01, 01-01), 2026 [01-01, 01-01 of 2027).
BOUNDARY_NEWS = {"month": 2, "quarter": 4, "year": 6, "all": 8}
# tax/np questions: asked 09-28, answered 10-01 (3 days); asked 11-30, answered 12-01 (1 day).
BOUNDARY_QA = {"month": ("0", "1", "1"), "quarter": ("1", "2", "2"), "year": ("2", "2", "2"), "all": ("2", "2", "2")}


@pytest.fixture(scope="module")
def boundary_site(tmp_path_factory) -> Path:
    """Posts on the first and last days of months, quarters and years, built on New Year's Eve."""
    from portal_factory import PortalTree
    from stats_fixture import question

    root = tmp_path_factory.mktemp("boundaries")
    tree = PortalTree(root)
    for name, day in BOUNDARY_POSTS.items():
        tree.post(f"tax/np-jo/{name}.md", f"边界 {name}", day, "news")
    question(tree, "tax/np/q-quarter.md", "季初答复", "2026-09-28", "九月二十八日的问题？", answered="2026-10-01",
             body="十月一日答复。")
    question(tree, "tax/np/q-month.md", "月初答复", "2026-11-30", "十一月三十日的问题？", answered="2026-12-01",
             body="十二月一日答复。")
    ok, site = build(tree, strict=True, config=str(write_config(root)), epoch=NEW_YEARS_EVE)
    assert ok
    return site


@pytest.mark.parametrize("period", ["month", "quarter", "year", "all"])
def test_first_and_last_days_of_periods(boundary_site, period):
    rows = {f"{r['system']}/{r['unit']}": r for r in read_csv(boundary_site / "stats" / f"units-{period}.csv")}
    assert int(rows["tax/np-jo"]["news"]) == BOUNDARY_NEWS[period]
    qa, answered, median_days = BOUNDARY_QA[period]
    assert (rows["tax/np"]["qa"], rows["tax/np"]["answered"], rows["tax/np"]["median_answer_days"]) == (
        qa, answered, median_days)


def test_monthly_chart_window_ends_with_the_reference_month(boundary_site):
    rows = {r["month"]: r for r in read_csv(boundary_site / "stats" / "monthly.csv")}
    assert list(rows) == [f"2026-{m:02d}" for m in range(1, 13)]  # neither 2025-12 nor 2027-01
    county = {month: int(r["county"]) for month, r in rows.items() if r["county"] != "0"}
    assert county == {"2026-01": 1, "2026-09": 1, "2026-10": 1, "2026-11": 1, "2026-12": 2}
    assert {month: int(r["city"]) for month, r in rows.items() if r["city"] != "0"} == {"2026-09": 1, "2026-11": 1}
