"""End to end: build real sites from fixture trees and read the pages with an HTML parser."""

from pathlib import Path

import lxml.html
import pytest

from portal_factory import PortalTree, build
from site_builder.sitebuild import DEFAULT_CONFIG


def page(site: Path, url: str):
    return lxml.html.parse(str(site / url / "index.html")).getroot()


def texts(root, xpath):
    return [" ".join(e.text_content().split()) for e in root.xpath(xpath)]


def section_titles(root, heading):
    """Titles listed under the <h2> whose text starts with `heading`."""
    for sec in root.xpath('//section[contains(@class,"portal-section")]'):
        h2 = sec.find("h2")
        if h2 is not None and h2.text_content().startswith(heading):
            return texts(sec, './/p[@class="portal-item-title"]')
    return None


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    tree = PortalTree(root)
    tree.post("tax/prov/2026/deploy.md", "省局部署三级联创", "2026-03-01", category="center")
    tree.post("tax/np/2026/meeting.md", "南平市局推进会", "2026-04-01", "experience", tags="[主题党日]")
    tree.post("tax/np-jo/2026/party-day.md", "建瓯主题党日", "2026-05-01", tags="[主题党日, 志愿服务]",
              featured_by="[tax/np]")
    tree.post("tax/np-wys/2026/tea.md", "武夷山茶园党课", "2026-06-01")
    tree.post("tax/sm-yx/2026/pair.md", "永安一带二", "2026-07-01")
    tree.post("radio/np-jo/2026/live.md", "融媒体直播助农", "2026-08-01")
    tree.post("tax/np/2026/draft.md", "草稿不发布", "2026-08-02", draft="true")
    tree.post("tax/np/2026/broken.md", "坏文章", "2026-13-01")
    tree.post("tax/np/2026/q.md", "报送时限", "2026-11-20", "qa", body="", question="信息多久内报送？")
    tree.write("about/index.md", "---\ntitle: 关于\n---\n\n# 关于本平台\n\n说明。\n")
    ok, site = build(tree)
    assert ok
    return tree, site


def test_every_post_has_exactly_one_page_and_listing_entry(sample):
    tree, site = sample
    posts = {"tax/prov/2026/deploy/": "省局部署三级联创", "tax/np/2026/meeting/": "南平市局推进会",
             "tax/np-jo/2026/party-day/": "建瓯主题党日", "tax/np-wys/2026/tea/": "武夷山茶园党课",
             "tax/sm-yx/2026/pair/": "永安一带二", "radio/np-jo/2026/live/": "融媒体直播助农"}
    for url, title in posts.items():
        assert texts(page(site, url), "//article//h1")[0].startswith(title)
    pages = [p for p in site.rglob("index.html") if "<h1" in p.read_text()]
    post_pages = [p for p in pages if texts(lxml.html.parse(str(p)).getroot(), "//article//h1")[:1]
                  and texts(lxml.html.parse(str(p)).getroot(), "//article//h1")[0] in posts.values()]
    assert len(post_pages) == len(posts)
    listed = texts(page(site, ""), '//section[@id="home-headlines"]//p[@class="portal-item-title"]')
    assert sorted(listed) == sorted([*posts.values(), "报送时限"])


def test_unit_page_own_lower_upper_and_crumbs(sample):
    _, site = sample
    np = page(site, "tax/np/")
    assert section_titles(np, "本单位文章") == ["报送时限", "南平市局推进会"]
    assert section_titles(np, "下级动态") == ["武夷山茶园党课", "建瓯主题党日"]
    assert section_titles(np, "上级动态") == ["省局部署三级联创"]
    assert section_titles(np, "本单位采用的稿件") == ["建瓯主题党日"]
    assert texts(np, '//p[@class="portal-crumbs"]') == ["税务系统 › 省税务局 › 南平市税务局"]
    county = page(site, "tax/np-jo/")
    assert section_titles(county, "上级动态") == ["报送时限", "南平市局推进会", "省局部署三级联创"]
    assert section_titles(county, "下级动态") is None


def test_system_page_shows_three_level_tree(sample):
    _, site = sample
    tax = page(site, "tax/")
    tree = tax.xpath('//ul[@class="portal-tree"]')[0]
    top = tree.xpath("./li/a/text()")
    assert top == ["省税务局"]
    assert tree.xpath("./li/ul/li/a/text()") == ["南平市税务局", "三明市税务局"]
    assert tree.xpath("./li/ul/li[1]/ul/li/a/text()") == ["建瓯市税务局", "武夷山市税务局"]


def test_post_page_facts_and_links(sample):
    _, site = sample
    post = page(site, "tax/np-jo/2026/party-day/")
    meta = texts(post, '//div[contains(@class,"portal-post-meta")]')[0]
    for word in ("税务系统 › 省税务局 › 南平市税务局 › 建瓯市税务局", "县级", "2026-05-01", "工作动态", "主题党日",
                 "被南平市税务局采用"):
        assert word in meta
    unit_link = post.xpath('//div[contains(@class,"portal-post-meta")]//a[text()="建瓯市税务局"]/@href')[0]
    assert (site / "tax/np-jo/2026/party-day" / unit_link / "index.html").resolve() == (site / "tax/np-jo/index.html").resolve()


def test_level_column_category_tag_pages(sample):
    _, site = sample
    assert set(texts(page(site, "level/county/"), '//p[@class="portal-item-title"]')) == {
        "建瓯主题党日", "武夷山茶园党课", "永安一带二", "融媒体直播助农"}
    assert texts(page(site, "experience/"), '//p[@class="portal-item-title"]') == ["南平市局推进会"]
    assert texts(page(site, "category/center/"), '//p[@class="portal-item-title"]') == ["省局部署三级联创"]
    assert texts(page(site, "tag/主题党日/"), '//p[@class="portal-item-title"]') == ["建瓯主题党日", "南平市局推进会"]


def test_drafts_and_bad_posts_are_not_published(sample):
    _, site = sample
    assert not (site / "tax/np/2026/draft").exists()
    assert not (site / "tax/np/2026/broken").exists()
    assert (site / "tax/np/2026/meeting/index.html").exists()


def test_listing_pages_advertise_feeds(sample):
    _, site = sample
    for url in ("", "tax/", "tax/np/", "level/city/", "news/", "category/center/", "qa/"):
        head = page(site, url).find("head")
        types = {link.get("type") for link in head.iter("link") if link.get("rel") == "alternate"}
        assert {"application/rss+xml", "application/atom+xml"} <= types, url
    unit_feeds = [link.get("href") for link in page(site, "tax/np/").find("head").iter("link")
                  if link.get("type") == "application/rss+xml"]
    assert len(unit_feeds) >= 2


def test_no_external_requests_in_markup(sample):
    _, site = sample
    html = (site / "tax/np/index.html").read_text()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert 'lang="zh"' in html
    assert not (site / "search" / "search_index.json").exists()


def test_chinese_heading_anchor_is_readable(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/a.md", "标题", "2026-03-01", body="## 工作成效\n\n内容。")
    ok, site = build(tree, config=str(Path(__file__).parent.parent / "mkdocs.yml"))
    assert ok
    assert page(site, "tax/np/2026/a/").xpath('//h2[@id="工作成效"]')


def test_configured_column_gets_its_page(tmp_path):
    tree = PortalTree(tmp_path)
    config = Path(DEFAULT_CONFIG).read_text(encoding="utf-8").replace(
        "  - portal:\n", "  - portal:\n      columns:\n        policy: 政策解读\n")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    tree.post("tax/np/2026/p.md", "新政解读", "2026-03-01", "policy")
    ok, site = build(tree, config=str(tmp_path / "mkdocs.yml"))
    assert ok
    assert texts(page(site, "policy/"), '//p[@class="portal-item-title"]') == ["新政解读"]
    assert "政策解读" in (site / "index.html").read_text()


def test_strict_build_fails_and_keeps_old_site(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/a.md", "好文章", "2026-03-01")
    ok, site = build(tree, strict=True)
    assert ok
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    tree.post("tax/np/2026/b.md", "坏文章", "2026-03-01", "blog")
    ok, _ = build(tree, strict=True)
    assert not ok
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_lenient_build_of_bare_tree_without_project_config(tmp_path, monkeypatch):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/a.md", "只有内容树", "2026-03-01")
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here: the packaged default is used
    ok, site = build(tree)
    assert ok and (site / "tax/np/2026/a/index.html").exists()
    ok, _ = build(tree, strict=True)
    assert ok


def test_swap_interrupted_between_renames_is_repaired(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/a.md", "好文章", "2026-03-01")
    ok, site = build(tree)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    site.rename(tmp_path / "site.portal-old")  # as if killed after the first rename
    tree.post("tax/np/2026/b.md", "坏文章", "2026-03-01", "blog")
    ok, _ = build(tree, strict=True)
    assert not ok
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
