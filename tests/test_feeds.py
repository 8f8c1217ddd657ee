"""Feeds: scopes decided by the core, RSS/Atom/OPML written correctly, discovery on pages.

Unit tests run the engine (no MkDocs) on a small tree; end-to-end tests build real sites
and read them with feedparser, lxml and an HTML parser, the way a feed reader would.
"""

from __future__ import annotations

import base64
import email.utils
import posixpath
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from lxml import etree

from portal_factory import FIXED_EPOCH, PortalTree, build
from site_builder import feeds
from site_builder.config import PortalConfig
from site_builder.engine import MarkdownSettings, PortalBuild

TZ = ZoneInfo("Asia/Shanghai")
BASE = "http://127.0.0.1:8000/"  # site_url of the default configuration
CUSTOM_BASE = "https://dj.example.gov.cn/portal/"
DEFAULT_CONFIG = str(Path(feeds.__file__).with_name("default_mkdocs.yml"))
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

# source → (unit key, date); the model the expectations below are computed from.
POSTS = {
    "tax/prov/2026/a1.md": ("tax/prov", "2026-03-01 09:00"),
    "tax/prov/2026/a2.md": ("tax/prov", "2026-06-10"),
    "tax/np/2026/b1.md": ("tax/np", "2026-03-05"),
    "tax/np/2026/b2.md": ("tax/np", "2026-07-01"),
    "tax/np/2026/q1.md": ("tax/np", "2026-05-01"),
    "tax/np-jo/2026/c1.md": ("tax/np-jo", "2026-04-02"),
    "tax/np-jo/2026/c2.md": ("tax/np-jo", "2026-08-15"),
    "tax/np-jo/2026/q2.md": ("tax/np-jo", "2026-10-01"),
    "tax/np-wys/2026/d1.md": ("tax/np-wys", "2026-02-14"),
    "tax/sm/2026/e1.md": ("tax/sm", "2026-09-01"),
    "tax/sm-yx/2026/f1.md": ("tax/sm-yx", "2026-10-10"),
    "radio/np-jo/2026/g1.md": ("radio/np-jo", "2026-05-20"),
    "radio/prov/2026/g2.md": ("radio/prov", "2026-03-03"),
}
SUBTREES = {
    "tax/prov": ["tax/prov", "tax/np", "tax/np-jo", "tax/np-wys", "tax/sm", "tax/sm-yx"],
    "tax/np": ["tax/np", "tax/np-jo", "tax/np-wys"],
    "tax/sm": ["tax/sm", "tax/sm-yx"],
    "radio/prov": ["radio/prov", "radio/np", "radio/np-jo"],
    "radio/np": ["radio/np", "radio/np-jo"],
}
UNITS = ["tax/prov", "tax/np", "tax/np-jo", "tax/np-wys", "tax/sm", "tax/sm-yx", "radio/prov", "radio/np", "radio/np-jo"]
ANSWERED = {"tax/np/2026/q1.md": "2026-09-20", "radio/prov/2026/g2.md": "2026-03-10"}
REFERENCE = datetime(2026, 11, 25, 20, 0, tzinfo=TZ)  # FIXED_EPOCH (2026-11-25 12:00 UTC) in Asia/Shanghai
# Every RSS file of the fixture portal (each has an Atom twin), listed by hand from the model above.
RSS_FILES = (["rss.xml", "tax/rss.xml", "radio/rss.xml", "qa/rss.xml", "qa/answered-rss.xml", "news/rss.xml",
              "experience/rss.xml"]
             + [f"level/{level}/rss.xml" for level in ("province", "city", "county")]
             + [f"category/{c}/rss.xml" for c in ("center", "civility", "grassroots", "integrity", "quality")]
             + [f"{unit}/{name}" for unit in UNITS for name in ("rss.xml", "subtree-rss.xml")])


def write_fixture(tree: PortalTree) -> None:
    """The fixture portal: posts in every level of two systems, questions, an image, links."""
    kinds = {"a2": "experience", "c2": "experience", "f1": "experience"}
    for source, (_, date) in POSTS.items():
        name = posixpath.basename(source)[:-3]
        extra = {}
        if name == "a1":
            extra["category"] = "center"
        if name == "b2":
            extra.update(category="integrity", tags='["廉政", "警示教育"]')
        if name.startswith(("q", "g2")):
            extra["question"] = f"关于{name}的提问？"
            if source in ANSWERED:
                extra["answered"] = ANSWERED[source]
            tree.post(source, f"问题 {name}", date, "qa", f"答复 {name} 的内容。" if source in ANSWERED else "", **extra)
            continue
        body = f"文章 {name} 的第一段。\n\n第二段。"
        if name == "c1":
            body = "![会场](photo.png)\n\n见[市局通知](../../np/2026/b1.md)和[外部网站](https://www.gov.cn/)。\n\n第二段。"
            tree.write("tax/np-jo/2026/photo.png", PNG)
        tree.post(source, f"文章 {name}", date, kinds.get(name, "news"), body, **extra)


def custom_config(root: Path) -> Path:
    """The packaged mkdocs.yml with feed_length 3, summaries only and a site under a sub-path."""
    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8")
    assert "feed_length: 20" in text and "site_url: http://127.0.0.1:8000/" in text
    text = text.replace("feed_length: 20", "feed_length: 3\n      feed_full_content: false")
    text = text.replace("site_url: http://127.0.0.1:8000/", f"site_url: {CUSTOM_BASE}")
    path = root / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def when(text: str) -> datetime:
    fmt = "%Y-%m-%d %H:%M" if " " in text else "%Y-%m-%d"
    return datetime.strptime(text, fmt).replace(tzinfo=TZ)


def post_link(base: str, source: str) -> str:
    return base + source[:-3] + "/"


def expected(unit_keys: list[str], limit: int) -> list[str]:
    """Sources of the newest `limit` posts of the given units, newest first."""
    chosen = [s for s, (unit, _) in POSTS.items() if unit in unit_keys]
    return sorted(chosen, key=lambda s: (-when(POSTS[s][1]).timestamp(), s))[:limit]


# -- shared builds --------------------------------------------------------------

@pytest.fixture(scope="module")
def default_site(tmp_path_factory) -> Path:
    tree = PortalTree(tmp_path_factory.mktemp("feeds-default"))
    write_fixture(tree)
    ok, site = build(tree, strict=True, config=DEFAULT_CONFIG,
                     cache_dir=tree.root / "cache")
    assert ok
    return site


@pytest.fixture(scope="module")
def custom_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("feeds-custom")
    tree = PortalTree(root)
    write_fixture(tree)
    ok, site = build(tree, strict=True, config=str(custom_config(root)), cache_dir=root / "cache")
    assert ok
    return site


@pytest.fixture
def engine(tmp_path, monkeypatch):
    """An engine build of the fixture (no MkDocs), with a given core configuration."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    tree = PortalTree(tmp_path)
    write_fixture(tree)

    def run(**settings) -> PortalBuild:
        config = PortalConfig(**{"site_url": BASE, **settings})
        result = PortalBuild(str(tree.content), config, MarkdownSettings())
        result.run()
        assert not result.problems, result.problems
        return result
    return run


def feed_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.xml") if p.name != "sitemap.xml" and "pagefind" not in p.parts)


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def links_of(path: Path) -> list[str]:
    return [e.link for e in parse(path).entries]


# -- plain data: no MkDocs -------------------------------------------------------

def test_xml_safe_removes_only_what_xml_cannot_hold():
    assert feeds.xml_safe("党\x00建\x01工\x08作\x0b\x0c\x1f\x7f") == "党建工作"
    assert feeds.xml_safe("行一\n行二\t制表\r") == "行一\n行二\t制表\r"
    assert feeds.xml_safe(None) == ""


def test_site_address_and_tag_ids():
    address = feeds.site_address("https://Dj.Example.gov.cn/portal")
    assert address.base == "https://Dj.Example.gov.cn/portal/"
    assert address.url("tax/np/会议/") == "https://Dj.Example.gov.cn/portal/tax/np/%E4%BC%9A%E8%AE%AE/"
    assert address.tag("tax/np/a.md") == "tag:dj.example.gov.cn,2026:portal/tax/np/a.md"
    fallback = feeds.site_address("")
    assert fallback.base == "http://localhost/" and fallback.tag("x.md") == "tag:localhost,2026:x.md"


def test_absolute_html_rewrites_relative_links_only():
    page = "https://dj.example.gov.cn/tax/np-jo/2026/c1/"
    fragment = ('<p><img src="../photo.png" alt=""> <a href="../../../np/2026/b1/#%E4%B8%80">通知</a> '
                '<a href="https://www.gov.cn/">外部</a> <a href="mailto:a@b.cn">信</a> '
                '<a href="#top">顶部</a> <a href="x.pdf?a=1&amp;b=2">附件</a></p>')
    result = feeds.absolute_html(fragment, page)
    assert 'src="https://dj.example.gov.cn/tax/np-jo/2026/photo.png"' in result
    assert 'href="https://dj.example.gov.cn/tax/np/2026/b1/#%E4%B8%80"' in result
    assert 'href="https://www.gov.cn/"' in result and 'href="mailto:a@b.cn"' in result
    assert f'href="{page}#top"' in result
    assert f'href="{page}x.pdf?a=1&amp;b=2"' in result


def test_core_has_every_feed_scope(engine):
    site = engine().site
    keys = {f.key for f in site.feeds}
    assert {"site", "system/tax", "system/radio", "qa/answered"} <= keys
    assert {f"unit/{u}" for u in UNITS} <= keys and {f"subtree/{u}" for u in UNITS} <= keys
    assert {"level/province", "level/city", "level/county"} <= keys
    assert {"column/news", "column/experience", "column/qa"} <= keys
    assert {f"category/{c}" for c in PortalConfig().categories} <= keys
    assert len({f.rss for f in site.feeds} | {f.atom for f in site.feeds}) == 2 * len(site.feeds)


def test_core_unit_feeds_hold_the_newest_posts_of_their_scope(engine):
    site = engine(feed_length=2).site
    by_key = {f.key: f for f in site.feeds}
    for unit in UNITS:
        assert [p.source for p in by_key[f"unit/{unit}"].posts] == expected([unit], 2), unit
        scope = SUBTREES.get(unit, [unit])
        assert [p.source for p in by_key[f"subtree/{unit}"].posts] == expected(scope, 2), unit
    assert [p.source for p in by_key["system/tax"].posts] == expected(SUBTREES["tax/prov"], 2)
    assert [p.source for p in by_key["site"].posts] == expected(UNITS, 2)


def test_core_answered_feed_holds_answered_questions_newest_answer_first(engine):
    feed = next(f for f in engine().site.feeds if f.key == "qa/answered")
    assert [p.source for p in feed.posts] == ["tax/np/2026/q1.md", "radio/prov/2026/g2.md"]


def test_entry_ids_depend_on_the_source_path_only(engine):
    first = engine()
    writer = feeds.FeedWriter(first)
    post = first.post("tax/np/2026/b1.md")
    before = writer.entry(post)["id"]
    post.title, post.date, post.body = "改过的标题", when("2026-11-01"), "全新的正文"
    assert feeds.entry_id(post, writer.address) == before == "tag:127.0.0.1,2026:tax/np/2026/b1.md"


def test_control_character_in_title_keeps_feeds_well_formed(engine, tmp_path):
    result = engine()
    post = result.post("tax/np/2026/b2.md")
    post.title = "带控制字符\x01\x0b的标题"
    post.summary = "摘要\x02"
    result.rendered[post.source].html = "<p>正文\x03</p>"
    feed = next(f for f in result.site.feeds if f.key == "unit/tax/np")
    for document in feeds.FeedWriter(result).documents(feed):
        etree.fromstring(document)  # raises on anything that is not well-formed XML
        parsed = feedparser.parse(document)
        assert not parsed.bozo
        entry = next(e for e in parsed.entries if e.link.endswith("/b2/"))
        assert entry.title == "带控制字符的标题"


def test_feed_dates_come_from_posts_never_from_the_clock(engine, tmp_path, monkeypatch):
    """Feeds of two builds with different reference times are byte-identical."""
    outputs = []
    for epoch in (FIXED_EPOCH, str(int(FIXED_EPOCH) + 86400 * 3)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        site_dir = tmp_path / f"site-{epoch}"
        result = engine()
        feeds.write(result, str(site_dir))
        outputs.append({f.rss: (site_dir / f.rss).read_bytes() for f in result.site.feeds if f.posts})
    assert outputs[0] == outputs[1] and len(outputs[0]) > 10
    rss = etree.fromstring(outputs[0]["tax/np/rss.xml"])
    newest = max([when(POSTS[s][1]) for s in POSTS if POSTS[s][0] == "tax/np"] + [when(ANSWERED["tax/np/2026/q1.md"])])
    assert email.utils.parsedate_to_datetime(rss.findtext("channel/lastBuildDate")) == newest


def test_empty_feed_uses_the_build_reference_time(engine, tmp_path):
    result = engine()
    feed = next(f for f in result.site.feeds if f.key == "unit/radio/np")
    assert feed.posts == []
    atom = etree.fromstring(feeds.FeedWriter(result).documents(feed)[1])
    assert datetime.fromisoformat(atom.findtext(f"{ATOM}updated")) == REFERENCE


def test_missing_site_url_falls_back_to_localhost(engine, tmp_path):
    result = engine(site_url="")
    feeds.write(result, str(tmp_path / "site"))
    parsed = parse(tmp_path / "site" / "tax" / "np" / "rss.xml")
    assert parsed.feed.link == "http://localhost/tax/np/"
    assert all(e.link.startswith("http://localhost/") for e in parsed.entries)
    assert "未设置 site_url" in feeds.feeds_page_body(result)


# -- end to end: real builds read by real clients ---------------------------------

def test_every_feed_parses_and_has_the_required_elements(default_site):
    files = feed_files(default_site)
    assert sorted(p.relative_to(default_site).as_posix() for p in files) == sorted(
        RSS_FILES + [rel.replace("rss.xml", "atom.xml") for rel in RSS_FILES])
    for path in files:
        rel = path.relative_to(default_site).as_posix()
        parse(path)
        root = etree.parse(str(path)).getroot()
        if root.tag == "rss":
            check_rss(root, rel)
        else:
            check_atom(root, rel)


def check_rss(root, rel: str) -> None:
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description", "lastBuildDate"):
        assert channel.findtext(name), (rel, name)
    folder_url = BASE + posixpath.dirname(rel) + "/" if "/" in rel else BASE
    assert channel.findtext("link") == folder_url, rel
    assert channel.find(f"{ATOM}link[@rel='self']").get("href") == BASE + rel
    last_build = email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate"))
    published = [email.utils.parsedate_to_datetime(item.findtext("pubDate")) for item in channel.findall("item")]
    if published:  # the newest date of the feed's posts (asked or answered), never the clock
        assert last_build >= max(published), rel
        assert last_build in set(published) | {when(day) for day in ANSWERED.values()}, rel
    else:
        assert last_build == REFERENCE, rel
    for item in channel.findall("item"):
        assert item.findtext("title") and item.findtext("link").startswith(BASE)
        assert item.findtext("guid").startswith("tag:127.0.0.1,2026:")
        assert item.find("guid").get("isPermaLink") == "false"
        date = item.findtext("pubDate")
        assert re.match(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0800$", date), date
        assert email.utils.parsedate_to_datetime(date).tzinfo is not None


def check_atom(root, rel: str) -> None:
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{name}"), (rel, name)
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == BASE + rel
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(BASE)
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published"):
            assert entry.findtext(f"{ATOM}{name}"), (rel, name)
        assert RFC3339.match(entry.findtext(f"{ATOM}updated")) and RFC3339.match(entry.findtext(f"{ATOM}published"))
        assert entry.find(f"{ATOM}link").get("href").startswith(BASE)


def test_unit_feeds_hold_exactly_the_newest_posts_of_their_scope(custom_site):
    for unit in UNITS:
        folder = custom_site / unit
        scope = SUBTREES.get(unit, [unit])
        for name, units in (("rss.xml", [unit]), ("atom.xml", [unit]),
                            ("subtree-rss.xml", scope), ("subtree-atom.xml", scope)):
            want = [post_link(CUSTOM_BASE, s) for s in expected(units, 3)]
            assert links_of(folder / name) == want, f"{unit}/{name}"


def test_level_column_category_and_answered_feeds(default_site):
    county = [u for u in UNITS if u.rsplit("/", 1)[1] in ("np-jo", "np-wys", "sm-yx")]
    assert links_of(default_site / "level/county/rss.xml") == [post_link(BASE, s) for s in expected(county, 20)]
    experience = [s for s in expected(UNITS, 20) if s.endswith(("a2.md", "c2.md", "f1.md"))]
    assert links_of(default_site / "experience/atom.xml") == [post_link(BASE, s) for s in experience]
    assert links_of(default_site / "category/integrity/rss.xml") == [post_link(BASE, "tax/np/2026/b2.md")]
    answered = parse(default_site / "qa/answered-atom.xml").entries
    assert [e.link for e in answered] == [post_link(BASE, "tax/np/2026/q1.md"), post_link(BASE, "radio/prov/2026/g2.md")]
    assert answered[0].updated == "2026-09-20T00:00:00+08:00" and answered[0].published == "2026-05-01T00:00:00+08:00"
    rss = parse(default_site / "qa/answered-rss.xml").entries
    assert rss[0].published == "Sun, 20 Sep 2026 00:00:00 +0800"  # RSS dates an answer by its answer


def test_full_content_is_sanitised_html_with_absolute_links(default_site):
    entry = next(e for e in parse(default_site / "tax/np-jo/rss.xml").entries if e.link.endswith("/c1/"))
    content = entry.content[0].value
    assert f'src="{BASE}tax/np-jo/2026/photo.png"' in content
    assert f'href="{BASE}tax/np/2026/b1/"' in content and 'href="https://www.gov.cn/"' in content
    assert entry.summary.startswith("见市局通知和外部网站")
    assert entry.enclosures[0].href == f"{BASE}tax/np-jo/2026/photo.png"
    assert entry.enclosures[0].type == "image/png" and entry.enclosures[0].length == str(len(PNG))
    assert entry.published == "Thu, 02 Apr 2026 00:00:00 +0800"
    assert {t.term for t in entry.tags} == {"工作动态"}
    question = next(e for e in parse(default_site / "tax/np/atom.xml").entries if e.link.endswith("/q1/"))
    assert "关于q1的提问" in question.content[0].value and "答复 q1 的内容" in question.content[0].value


def test_summary_mode_and_feed_length_from_mkdocs_yml(custom_site):
    parsed = parse(custom_site / "rss.xml")
    assert len(parsed.entries) == 3
    assert all("content" not in e for e in parsed.entries)
    assert parsed.entries[0].summary == "文章 f1 的第一段。"
    raw = (custom_site / "rss.xml").read_text(encoding="utf-8")
    assert "content:encoded" not in raw and "第二段" not in raw
    atom = etree.parse(str(custom_site / "atom.xml")).getroot()
    assert atom.find(f"{ATOM}entry/{ATOM}content") is None
    assert atom.findtext(f"{ATOM}entry/{ATOM}summary") == "文章 f1 的第一段。"
    assert atom.find(f"{ATOM}link[@rel='self']").get("href") == CUSTOM_BASE + "atom.xml"


def test_opml_lists_every_feed_with_readable_titles(default_site):
    root = etree.parse(str(default_site / "feeds.opml")).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "三级联创网络互动平台 全部订阅源"
    assert email.utils.parsedate_to_datetime(root.findtext("head/dateCreated")) == REFERENCE
    outlines = root.findall(".//outline[@xmlUrl]")
    assert sorted(o.get("xmlUrl") for o in outlines) == sorted(BASE + rel for rel in RSS_FILES)
    assert all((default_site / rel).is_file() for rel in RSS_FILES)
    assert all(o.get("type") == "rss" and o.get("text") and o.get("htmlUrl").startswith(BASE) for o in outlines)
    folders = [o.get("text") for o in root.findall("body/outline")]
    assert folders == ["全站", "税务系统", "广播电视系统"]
    tax = etree.parse(str(default_site / "tax/feeds.opml")).getroot()
    urls = [o.get("xmlUrl") for o in tax.findall(".//outline[@xmlUrl]")]
    assert urls[0] == BASE + "tax/rss.xml" and len(urls) == 1 + 2 * 6
    assert all(u.startswith(BASE + "tax/") for u in urls)
    assert "南平市税务局 及下级单位文章" in [o.get("text") for o in tax.findall(".//outline[@xmlUrl]")]


class HeadLinks(HTMLParser):
    """Feed links in <head> and visible subscribe links in the body."""

    def __init__(self):
        super().__init__()
        self.alternates: list[tuple[str, str, str]] = []
        self.anchors: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append((attrs.get("type"), attrs.get("title"), attrs.get("href")))
        if tag == "a" and attrs.get("href"):
            self.anchors.append((attrs.get("class") or "", attrs["href"]))


def page_links(site: Path, url: str) -> HeadLinks:
    parser = HeadLinks()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return parser


def resolve(site: Path, url: str, link: str) -> Path:
    target = urlsplit(urljoin("http://x/" + url, link)).path.lstrip("/")
    return site / unquote(target)


@pytest.mark.parametrize("url", ["", "tax/", "tax/np/", "tax/np-jo/", "level/city/", "news/", "qa/",
                                 "category/center/", "feeds/"])
def test_pages_advertise_their_feeds(default_site, url):
    links = page_links(default_site, url)
    types = [kind for kind, _, _ in links.alternates]
    assert "application/rss+xml" in types and "application/atom+xml" in types
    for _kind, title, link in links.alternates:
        assert title and resolve(default_site, url, link).is_file(), (url, link)
    if url.count("/") == 2 and url.startswith("tax/"):
        assert types.count("application/rss+xml") >= 2  # the unit's own posts, and with its subordinates
    visible = [h for cls, h in links.anchors if "portal-feed" in cls.split()]
    assert visible and all(resolve(default_site, url, h).is_file() for h in visible)


def test_feeds_page_links_every_feed_and_opml(default_site):
    links = page_links(default_site, "feeds/")
    targets = {resolve(default_site, "feeds/", h) for _, h in links.anchors}
    assert set(feed_files(default_site)) <= targets
    assert {default_site / "feeds.opml", default_site / "tax/feeds.opml", default_site / "radio/feeds.opml"} <= targets
    html = (default_site / "feeds" / "index.html").read_text(encoding="utf-8")
    assert html.index("南平市税务局（市级）") < html.index("建瓯市税务局（县级）") < html.index("三明市税务局（市级）")


def test_entry_ids_survive_a_new_post_and_an_edit(tmp_path):
    tree = PortalTree(tmp_path)
    write_fixture(tree)
    ok, first = build(tree, site=tmp_path / "first", strict=True, config=DEFAULT_CONFIG,
                       cache_dir=tmp_path / "cache")
    assert ok
    before = {e.link: e.id for e in parse(first / "tax/np/subtree-atom.xml").entries}
    tree.post("tax/np-wys/2026/new.md", "新增的文章", "2026-11-20", "news", "新文章正文。")
    tree.post("tax/np/2026/b1.md", "改过标题的文章", "2026-03-05", "news", "改过的正文。")
    ok, second = build(tree, site=tmp_path / "second", strict=True, config=DEFAULT_CONFIG,
                       cache_dir=tmp_path / "cache")
    assert ok
    after = {e.link: e.id for e in parse(second / "tax/np/subtree-atom.xml").entries}
    new_link = post_link(BASE, "tax/np-wys/2026/new.md")
    assert list(after)[0] == new_link and after[new_link] not in before.values()
    assert {link: after[link] for link in before} == before
    rss_ids = {e.link: e.id for e in parse(second / "tax/np/subtree-rss.xml").entries}
    assert rss_ids == after  # RSS guid and Atom id are the same id


def test_control_characters_in_a_built_portal(tmp_path):
    """Control characters in a title (refused or stripped by the loader) or a body never reach a feed."""
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/ok.md", "正常文章", "2026-05-01", "news", "正文\x0b含有控制字符。")
    tree.write("tax/np/2026/bad.md", '---\ntitle: "坏\\x01标题"\ndate: 2026-05-02\ntype: news\n---\n\n正文。\n')
    ok, site = build(tree, config=DEFAULT_CONFIG, cache_dir=tmp_path / "cache")
    assert ok
    for path in feed_files(site):
        etree.parse(str(path))
        parse(path)
    raw = (site / "tax/np/rss.xml").read_bytes()
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw)
    entries = {e.title: e for e in parse(site / "tax/np/rss.xml").entries}
    assert set(entries) <= {"正常文章", "坏标题"} and "正常文章" in entries
    assert "正文含有控制字符" in entries["正常文章"].content[0].value
