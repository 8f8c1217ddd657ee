"""The home page as a portal front page: blocks of each column, the three levels, pending
questions, the bulletin's figures, adopted posts and the systems; feature modules add blocks."""

from __future__ import annotations

import types

import lxml.html
import pytest

from portal_factory import PortalTree, build
from site_builder import extras
from site_builder.pages.home import HomeBlock
from site_builder.sitebuild import DEFAULT_CONFIG

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")


def tree_with_posts(root) -> PortalTree:
    tree = PortalTree(root)
    tree.post("tax/prov/2026/deploy.md", "省局部署三级联创", "2026-11-01", category="center")
    tree.post("tax/np/2026/meeting.md", "南平市局经验交流", "2026-11-02", "experience")
    tree.post("tax/np-jo/2026/party-day.md", "建瓯主题党日", "2026-11-03", featured_by="[tax/np, tax/prov]",
              body="![党日活动](day.png)\n\n正文。")
    tree.write("tax/np-jo/2026/day.png", PNG)
    tree.post("radio/np-jo/2026/live.md", "融媒体直播助农", "2026-11-04")
    tree.post("tax/np/2026/old-q.md", "等了很久的问题", "2026-10-01", "qa", body="", question="何时答复？")
    tree.post("tax/prov/2026/new-q.md", "刚提的问题", "2026-11-24", "qa", body="", question="新问题？")
    tree.post("tax/np/2026/done-q.md", "已答复的问题", "2026-11-10", "qa", body="答复内容。", question="问？",
              answered="2026-11-12")
    return tree


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    tree = tree_with_posts(tmp_path_factory.mktemp("home"))
    ok, site = build(tree, strict=True, config=DEFAULT_CONFIG)
    assert ok
    return site, lxml.html.parse(str(site / "index.html")).getroot()


def block(root, key: str):
    (found,) = root.xpath(f'//section[@id="home-{key}"]')
    return found


def titles(element) -> list[str]:
    return [" ".join(p.text_content().split()) for p in element.xpath('.//p[@class="portal-item-title"]')]


def test_blocks_in_page_order(home):
    _, root = home
    keys = [s.get("id").removeprefix("home-") for s in root.xpath('//div[@class="portal-home"]/section')]
    assert keys == ["headlines", "bulletin", "qa", "column-news", "column-experience", "adopted", "levels", "systems"]
    assert root.xpath('//div[@class="portal-home-intro"]')  # the staff's own text stays first


def test_headline_picture_and_newest_titles(home):
    _, root = home
    headlines = block(root, "headlines")
    (lead,) = headlines.xpath('.//*[@class="portal-lead-title"]')
    assert lead.text_content() == "建瓯主题党日"
    assert headlines.xpath(".//img/@src") == ["tax/np-jo/2026/day.png"]
    assert titles(headlines)[:3] == ["刚提的问题", "已答复的问题", "融媒体直播助农"]
    assert "建瓯主题党日" not in titles(headlines)  # shown once, as the headline


def test_pending_questions_longest_waiting_first_with_overdue_mark(home):
    _, root = home
    qa = block(root, "qa")
    assert "待答复 2 个，其中逾期 1 个" in " ".join(qa.text_content().split())
    assert titles(qa) == ["逾期 等了很久的问题", "刚提的问题", "已答复的问题"]


def test_columns_levels_adopted_and_systems(home):
    _, root = home
    assert titles(block(root, "column-experience")) == ["南平市局经验交流"]
    levels = block(root, "levels")
    columns = levels.xpath('.//div[@class="portal-level-column"]')
    assert [titles(c) for c in columns] == [["刚提的问题", "省局部署三级联创"],
                                            ["已答复的问题", "南平市局经验交流", "等了很久的问题"],
                                            ["融媒体直播助农", "建瓯主题党日"]]
    adopted = block(root, "adopted")
    assert titles(adopted) == ["建瓯主题党日"] and "南平市税务局、省税务局采用" in adopted.text_content()
    systems = " ".join(block(root, "systems").text_content().split())
    assert "税务系统6 个单位 · 6 篇" in systems and "广播电视系统3 个单位 · 1 篇" in systems


def test_bulletin_block_shows_this_months_figures(home):
    _, root = home
    bulletin = block(root, "bulletin")
    numbers = [" ".join(li.text_content().split()) for li in bulletin.xpath('.//ul[@class="portal-figures"]/li')]
    assert numbers[:2] == ["6稿件（篇）", "1被上级采用（篇）"]
    assert bulletin.xpath('.//a[@class="portal-block-more"]/@href') == ["stats/"]


def test_the_home_page_stays_light(home):
    site, root = home
    assert (site / "index.html").stat().st_size < 60_000
    assert len(root.xpath("//img")) == 1


def test_a_feature_module_adds_its_block(tmp_path, monkeypatch):
    """The interface other features use: `home_blocks(build)` in a module of extras.feature_modules."""
    campaign = types.SimpleNamespace(__name__="campaign", pages=lambda build: [], write=lambda build, site: None,
                                   home_blocks=lambda build: [HomeBlock("campaign", "主题活动", "<p>学习贯彻活动</p>",
                                                                        "campaign/", order=11, wide=True)])
    modules = extras.feature_modules()
    monkeypatch.setattr(extras, "feature_modules", lambda: [*modules, campaign])
    tree = tree_with_posts(tmp_path)
    ok, site = build(tree, config=DEFAULT_CONFIG)
    assert ok
    root = lxml.html.parse(str(site / "index.html")).getroot()
    keys = [s.get("id") for s in root.xpath('//div[@class="portal-home"]/section')]
    assert keys[:3] == ["home-headlines", "home-campaign", "home-bulletin"]
    campaign = block(root, "campaign")
    assert "portal-block--wide" in campaign.get("class") and campaign.xpath(".//h2")[0].text == "主题活动"
    assert campaign.xpath('.//a[@class="portal-block-more"]/@href') == ["campaign/"]
