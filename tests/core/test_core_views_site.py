"""Every listing view and feed of a small portal on plain post records, with pagination and
feed length of 2: which posts each shows, its URLs, titles, sections and crumbs (by hand)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post
from site_builder.core.views import SiteBuilder, View, newest, split_questions

TZ = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML)[0]
CONFIG = PortalConfig(page_size=2, feed_length=2, site_name="测试门户")


def make(name: str, unit: str, day: str, type_: str = "news", **fields) -> Post:
    system, unit_id = unit.split("/")
    return Post(source=f"{unit}/{name}.md", system=system, unit=unit_id, title=name,
                date=datetime.fromisoformat(day).replace(tzinfo=TZ), type=type_, body="正文", **fields)


P1 = make("p1", "tax/np-jo", "2026-03-05", tags=("甲", "乙"), category="center", featured_by=("tax/np",))
P2 = make("p2", "tax/np", "2026-03-04")
P3 = make("p3", "tax/np-jo", "2026-03-03", "experience", tags=("甲",))
P4 = make("p4", "tax/prov", "2026-03-02", "qa", question="问？",
          answered=datetime(2026, 3, 10, tzinfo=TZ))
P5 = make("p5", "tax/np", "2026-03-01", "qa", question="问？")
P6 = make("p6", "radio/np-jo", "2026-02-28", featured_by=("radio/prov",))
P7 = make("p7", "tax/sm-yx", "2026-01-02")
P8 = make("p8", "tax/np-jo", "2026-01-01")
POSTS = [P1, P2, P3, P4, P5, P6, P7, P8]  # newest first, as the loader sorts them


def names(posts) -> list[str]:
    return [p.title for p in posts]


@pytest.fixture
def site():  # built in each test: mutmut links a function only to the tests that ran it
    return SiteBuilder(ORGS, POSTS, CONFIG).build()


def views(site, kind: str) -> dict[str, View]:
    return {v.url: v for v in site.views if v.kind == kind}


def feed(site, key: str):
    return next(f for f in site.feeds if f.key == key)


def test_home(site):
    [home] = views(site, "home").values()
    assert (home.url, home.title, names(home.posts), home.total) == ("", "测试门户", ["p1", "p2"], 8)
    assert {k: names(v) for k, v in home.extra["latest"].items()} == {
        "tax": ["p1", "p2", "p3", "p4", "p5"], "radio": ["p6"]}
    assert home.extra["pending"] == 1
    assert home.feeds == [feed(site, "site")]
    site_feed = feed(site, "site")
    assert (site_feed.title, site_feed.page_url, site_feed.rss, site_feed.atom, names(site_feed.posts),
            site_feed.system, site_feed.unit) == ("测试门户 全部文章", "", "rss.xml", "atom.xml", ["p1", "p2"], None, None)


def test_system_pages(site):
    tax = views(site, "system")
    assert [(url, v.number, v.count, v.base_url, v.total, names(v.posts)) for url, v in tax.items()
            if url.startswith("tax/")] == [
        ("tax/", 1, 4, "tax/", 7, ["p1", "p2"]), ("tax/page/2/", 2, 4, "tax/", 7, ["p3", "p4"]),
        ("tax/page/3/", 3, 4, "tax/", 7, ["p5", "p7"]), ("tax/page/4/", 4, 4, "tax/", 7, ["p8"])]
    assert tax["tax/"].title == "税务系统" and tax["tax/"].system is ORGS.systems["tax"]
    assert tax["tax/page/2/"].feeds == tax["tax/"].feeds == [feed(site, "system/tax")]
    system_feed = feed(site, "system/tax")
    assert (system_feed.title, system_feed.page_url, system_feed.rss, system_feed.atom, system_feed.system,
            system_feed.unit, names(system_feed.posts)) == (
        "税务系统 全部文章", "tax/", "tax/rss.xml", "tax/atom.xml", "tax", None, ["p1", "p2"])
    radio = tax["radio/"]
    assert (radio.count, radio.total, names(radio.posts)) == (1, 1, ["p6"])


def test_unit_with_units_below(site):
    np = views(site, "unit")["tax/np/"]
    assert (np.title, names(np.posts), np.total, np.count) == ("南平市税务局", ["p2", "p5"], 2, 1)
    assert {k: names(v) for k, v in np.sections.items()} == {"lower": ["p1", "p3", "p8"], "upper": ["p4"]}
    assert np.crumbs == [("税务系统", "tax/"), ("省税务局", "tax/prov/")]
    assert np.system is ORGS.systems["tax"] and np.unit is ORGS.unit("tax/np")
    own, subtree = np.feeds
    assert (own.key, own.title, own.rss, own.atom, own.page_url, own.system, own.unit, names(own.posts)) == (
        "unit/tax/np", "南平市税务局 本单位文章", "tax/np/rss.xml", "tax/np/atom.xml", "tax/np/", "tax", "np", ["p2", "p5"])
    assert (subtree.key, subtree.title, subtree.rss, subtree.atom, subtree.system, subtree.unit,
            names(subtree.posts)) == ("subtree/tax/np", "南平市税务局 及下级单位文章", "tax/np/subtree-rss.xml",
                                      "tax/np/subtree-atom.xml", "tax", "np", ["p1", "p2"])
    prov = views(site, "unit")["tax/prov/"]
    assert prov.crumbs == [("税务系统", "tax/")] and prov.sections["upper"] == []
    assert names(prov.sections["lower"]) == ["p1", "p2", "p3", "p5", "p7", "p8"]


def test_unit_pages_after_the_first_drop_their_sections(site):
    units = views(site, "unit")
    first, second = units["tax/np-jo/"], units["tax/np-jo/page/2/"]
    assert (names(first.posts), names(second.posts), first.count, second.number) == (["p1", "p3"], ["p8"], 2, 2)
    assert {k: names(v) for k, v in first.sections.items()} == {"lower": [], "upper": ["p2", "p4", "p5"]}
    assert second.sections == {} and second.crumbs == first.crumbs
    subtree = feed(site, "subtree/tax/np-jo")  # no units below: the unit's own posts
    assert (subtree.title, subtree.page_url, subtree.rss, subtree.atom, subtree.system, subtree.unit,
            names(subtree.posts)) == ("建瓯市税务局 及下级单位文章", "tax/np-jo/", "tax/np-jo/subtree-rss.xml",
                                      "tax/np-jo/subtree-atom.xml", "tax", "np-jo", ["p1", "p3"])


def test_empty_unit_still_has_its_page_and_feeds(site):
    sm = views(site, "unit")["tax/sm/"]
    assert (sm.posts, sm.total, sm.count, sm.number) == ([], 0, 1, 1)
    assert names(feed(site, "subtree/tax/sm").posts) == ["p7"] and feed(site, "unit/tax/sm").posts == []


def test_levels(site):
    levels = views(site, "level")
    assert {url: (v.title, names(v.posts), v.total, v.extra) for url, v in levels.items()} == {
        "level/province/": ("省级单位动态", ["p4"], 1, {"level": "province"}),
        "level/city/": ("市级单位动态", ["p2", "p5"], 2, {"level": "city"}),
        "level/county/": ("县级单位动态", ["p1", "p3"], 5, {"level": "county"}),
        "level/county/page/2/": ("县级单位动态", ["p6", "p7"], 5, {"level": "county"}),
        "level/county/page/3/": ("县级单位动态", ["p8"], 5, {"level": "county"}),
    }
    county = feed(site, "level/county")
    assert (county.title, county.rss, names(county.posts)) == ("县级单位动态", "level/county/rss.xml", ["p1", "p3"])


def test_columns_and_qa(site):
    columns = views(site, "column")
    assert {url: (v.title, names(v.posts), v.extra) for url, v in columns.items()} == {
        "news/": ("工作动态", ["p1", "p2"], {"column": "news"}),
        "news/page/2/": ("工作动态", ["p6", "p7"], {"column": "news"}),
        "news/page/3/": ("工作动态", ["p8"], {"column": "news"}),
        "experience/": ("经验交流", ["p3"], {"column": "experience"}),
    }
    qa = views(site, "qa")
    main = qa["qa/"]
    assert (main.title, names(main.posts), {k: names(v) for k, v in main.sections.items()}, main.extra) == (
        "有问必答", ["p4"], {"pending": ["p5"]}, {"column": "qa"})
    assert main.feeds == [feed(site, "column/qa"), feed(site, "qa/answered")]
    answered = feed(site, "qa/answered")
    assert (answered.title, answered.page_url, answered.rss, answered.atom, names(answered.posts)) == (
        "有问必答 最新答复", "qa/", "qa/answered-rss.xml", "qa/answered-atom.xml", ["p4"])
    assert names(feed(site, "column/qa").posts) == ["p4", "p5"]
    filters = {url: (v.title, names(v.posts), names(v.sections["pending"]), v.system, v.unit, v.crumbs)
               for url, v in qa.items() if v.system is not None}  # per system and unit (kinds of question aside)
    assert filters == {
        "qa/tax/": ("有问必答 · 税务系统", ["p4"], ["p5"], ORGS.systems["tax"], None, [("有问必答", "qa/")]),
        "qa/tax/prov/": ("有问必答 · 省税务局", ["p4"], [], ORGS.systems["tax"], ORGS.unit("tax/prov"),
                         [("有问必答", "qa/")]),
        "qa/tax/np/": ("有问必答 · 南平市税务局", [], ["p5"], ORGS.systems["tax"], ORGS.unit("tax/np"),
                       [("有问必答", "qa/")]),
        "qa/radio/": ("有问必答 · 广播电视系统", [], [], ORGS.systems["radio"], None, [("有问必答", "qa/")]),
    }


def test_categories_and_tags(site):
    categories = views(site, "category")
    assert set(categories) == {f"category/{c}/" for c in CONFIG.categories}
    center = categories["category/center/"]
    assert (center.title, names(center.posts), center.extra) == ("中心工作与业务工作", ["p1"], {"category": "center"})
    assert categories["category/quality/"].posts == []
    assert feed(site, "category/center").rss == "category/center/rss.xml"
    tags = views(site, "tag")
    assert {url: (v.title, names(v.posts), v.extra) for url, v in tags.items()} == {
        "tag/乙/": ("标签：乙", ["p1"], {"tag": "乙"}), "tag/甲/": ("标签：甲", ["p1", "p3"], {"tag": "甲"})}
    [index] = views(site, "tags").values()
    assert (index.url, index.title, index.extra) == ("tag/", "全部标签", {"tags": [("乙", "乙", 1), ("甲", "甲", 2)]})


def test_neighbours_and_adoptions(site):
    assert {k: tuple(p.title if p else None for p in v) for k, v in site.neighbours.items()
            if k.startswith("tax/np-jo/")} == {
        "tax/np-jo/p1.md": (None, "p3"), "tax/np-jo/p3.md": ("p1", "p8"), "tax/np-jo/p8.md": ("p3", None)}
    assert {k: names(v) for k, v in site.adopted.items()} == {"tax/np": ["p1"], "radio/prov": ["p6"]}
    assert names(site.by_unit["tax/np-jo"]) == ["p1", "p3", "p8"] and site.by_unit["tax/sm"] == []


def test_newest_merges_and_limits():
    assert names(newest([[P1, P3], [P2, P8], []])) == ["p1", "p2", "p3", "p8"]
    assert names(newest([[P1, P3], [P2, P8]], 3)) == ["p1", "p2", "p3"]
    assert newest([[P1]], 0) == [] and newest([]) == []


def test_split_questions_orders_by_answer_then_waiting():
    early = make("early", "tax/np", "2026-01-01", "qa", answered=datetime(2026, 3, 20, tzinfo=TZ))
    late = make("late", "tax/np", "2026-03-01", "qa", answered=datetime(2026, 3, 2, tzinfo=TZ))
    twin = make("twin", "tax/np", "2026-02-01", "qa", answered=datetime(2026, 3, 2, tzinfo=TZ))
    old = make("old", "tax/np", "2026-01-05", "qa")
    new = make("new", "tax/np", "2026-02-05", "qa")
    answered, pending = split_questions([late, old, early, new, twin])
    assert names(answered) == ["early", "late", "twin"] and names(pending) == ["old", "new"]


def test_view_links():
    view = View("unit", "tax/np/page/2/", "南平", base_url="tax/np/")
    assert view.src_uri == "tax/np/page/2/index.md"
    assert view.page_link(1) == "tax/np/" and view.page_link(3) == "tax/np/page/3/"
    assert (view.number, view.count, view.total, view.posts, view.feeds, view.sections, view.crumbs, view.extra) == (
        1, 1, 0, [], [], {}, [], {})


def test_the_upper_box_shows_the_ten_newest_posts_of_the_higher_units():
    upper = [make(f"u{n:02d}", "tax/prov" if n % 2 else "tax/np", f"2026-04-{n:02d}") for n in range(1, 13)]
    site = SiteBuilder(ORGS, sorted(upper, key=Post.sort_key), CONFIG).build()
    county = views(site, "unit")["tax/np-jo/"]
    assert names(county.sections["upper"]) == [f"u{n:02d}" for n in range(12, 2, -1)]
    assert names(views(site, "unit")["tax/np/"].sections["upper"]) == ["u11", "u09", "u07", "u05", "u03", "u01"]


def test_a_post_of_a_unit_missing_from_the_registry_keeps_its_group_and_neighbours():
    gone = [make("g1", "tax/gone", "2026-04-02"), make("g2", "tax/gone", "2026-04-01")]
    site = SiteBuilder(ORGS, gone, CONFIG).build()
    assert names(site.by_unit["tax/gone"]) == ["g1", "g2"]
    assert site.neighbours["tax/gone/g1.md"] == (None, gone[1])


def test_level_column_and_category_pages_offer_their_feed_on_every_page(site):
    for kind, url, key, title in [("level", "level/county/", "level/county", "县级单位动态"),
                                  ("column", "news/", "column/news", "工作动态"),
                                  ("category", "category/center/", "category/center", "中心工作与业务工作")]:
        listing = feed(site, key)
        assert (listing.title, listing.page_url, listing.rss) == (title, url, f"{url}rss.xml")
        assert views(site, kind)[url].feeds == [listing]
    assert views(site, "level")["level/county/page/3/"].feeds == [feed(site, "level/county")]
    assert views(site, "column")["news/page/2/"].feeds == [feed(site, "column/news")]
