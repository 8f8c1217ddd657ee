"""Aggregation on plain data: which posts each view and feed holds."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post
from site_builder.core.views import build_site

ZONE = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML)[0]


def make_post(unit_key, day, type_="news", **kw):
    system, unit = unit_key.split("/")
    return Post(source=f"{unit_key}/2026/p{day:03d}.md", system=system, unit=unit, title=f"文章{day}",
                date=datetime(2026, 1, 1, tzinfo=ZONE) + timedelta(days=day), type=type_, body="x", **kw)


def site_for(posts, **config):
    posts = sorted(posts, key=Post.sort_key)
    return build_site(ORGS, posts, PortalConfig(**config))


def view(site, url):
    return next(v for v in site.views if v.url == url)


def feed(site, key):
    return next(f for f in site.feeds if f.key == key)


def test_unit_view_own_lower_upper():
    posts = [make_post("tax/prov", 1), make_post("tax/np", 2), make_post("tax/np-jo", 3),
             make_post("tax/sm-yx", 4), make_post("tax/np-wys", 5)]
    site = site_for(posts)
    np = view(site, "tax/np/")
    assert [p.day if hasattr(p, "day") else p.title for p in np.posts] == ["文章2"]
    assert [p.title for p in np.sections["lower"]] == ["文章5", "文章3"]
    assert [p.title for p in np.sections["upper"]] == ["文章1"]
    assert [t for t, _ in np.crumbs] == ["税务系统", "省税务局"]
    county = view(site, "tax/np-jo/")
    assert [p.title for p in county.sections["upper"]] == ["文章2", "文章1"]


def test_unit_feeds_own_and_subtree():
    posts = [make_post("tax/prov", d) for d in (1, 2)] + [make_post("tax/np-jo", 3), make_post("radio/np", 4)]
    site = site_for(posts)
    assert [p.title for p in feed(site, "unit/tax/prov").posts] == ["文章2", "文章1"]
    assert [p.title for p in feed(site, "subtree/tax/prov").posts] == ["文章3", "文章2", "文章1"]
    assert [p.title for p in feed(site, "system/tax").posts] == ["文章3", "文章2", "文章1"]
    assert [p.title for p in feed(site, "level/city").posts] == ["文章4"]


def test_pagination_and_feed_length():
    posts = [make_post("tax/np", d) for d in range(1, 46)]
    site = site_for(posts, page_size=20, feed_length=7)
    pages = [v for v in site.views if v.base_url == "tax/np/"]
    assert [v.url for v in pages] == ["tax/np/", "tax/np/page/2/", "tax/np/page/3/"]
    assert [len(v.posts) for v in pages] == [20, 20, 5]
    seen = [p.source for v in pages for p in v.posts]
    assert len(seen) == len(set(seen)) == 45
    assert len(feed(site, "unit/tax/np").posts) == 7


def test_columns_categories_tags_and_configured_column():
    posts = [make_post("tax/np", 1, "policy", category="integrity", tags=("廉政教育",)),
             make_post("tax/np", 2, "experience")]
    columns = {"news": "工作动态", "experience": "经验交流", "qa": "有问必答", "policy": "政策解读"}
    site = site_for(posts, columns=columns)
    assert [p.title for p in view(site, "policy/").posts] == ["文章1"]
    assert [p.title for p in view(site, "category/integrity/").posts] == ["文章1"]
    assert [p.title for p in view(site, "tag/廉政教育/").posts] == ["文章1"]
    assert view(site, "experience/").total == 1


def test_qa_pending_first_and_answered_by_answer_date():
    tz = ZONE
    q1 = make_post("tax/np", 1, "qa", question="一？", answered=datetime(2026, 3, 1, tzinfo=tz))
    q2 = make_post("tax/np", 2, "qa", question="二？", answered=datetime(2026, 2, 1, tzinfo=tz))
    q3 = make_post("tax/np", 3, "qa", question="三？")
    site = site_for([q1, q2, q3])
    qa = view(site, "qa/")
    assert [p.title for p in qa.sections["pending"]] == ["文章3"]
    assert [p.title for p in qa.posts] == ["文章1", "文章2"]
    assert view(site, "qa/tax/np/").total == 2


def test_neighbours_and_adoption():
    a, b, c = make_post("tax/np-jo", 1), make_post("tax/np-jo", 2, featured_by=("tax/np",)), make_post("tax/np-jo", 3)
    site = site_for([a, b, c])
    newer, older = site.neighbours[b.source]
    assert newer.title == "文章3" and older.title == "文章1"
    assert [p.title for p in site.adopted["tax/np"]] == ["文章2"]
