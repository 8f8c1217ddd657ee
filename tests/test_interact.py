"""互动性 and 时代性: question kinds (意见建议), transfers (转办), topics (专题) and the columns a
system keeps for itself — built into real sites and read with lxml and feedparser.

Reference time: 2026-11-25 20:00 Asia/Shanghai (a Wednesday), from FIXED_EPOCH.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html
from test_incremental import differences

from portal_factory import ORGS_YML, PortalTree, build
from site_builder.cli import main

CONFIG = """\
site_name: 测试门户
site_url: http://127.0.0.1:8000/
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
plugins:
  - portal:
      page_size: 2
      qa_overdue_workdays: 5
markdown_extensions:
  - toc
  - tables
"""

ORGS_WITH_COLUMN = ORGS_YML.replace(
    "  - id: tax\n    name: 税务系统\n    kind: vertical\n",
    "  - id: tax\n    name: 税务系统\n    kind: vertical\n    columns: {tax-service: 便民办税}\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64

ACTIVE_TOPIC = """\
---
title: 学习贯彻全会精神
start: 2026-11-01
end: 2027-03-31
banner: banner.png
---

三级机关联动学习。详见[南平动态](../../tax/np/2026/n1.md)。
"""
PAST_TOPIC = """\
---
title: 上半年党纪学习教育
start: 2026-03-01
end: 2026-06-30
---

上半年的专题。
"""


def make_tree(root: Path) -> PortalTree:
    tree = PortalTree(root, ORGS_WITH_COLUMN)
    tree.write("index.md", "# 测试门户\n")
    tree.write("topics/study/index.md", ACTIVE_TOPIC)
    tree.write("topics/study/banner.png", PNG)
    tree.write("topics/discipline/index.md", PAST_TOPIC)
    # members of `study` from three levels and two systems
    tree.post("tax/prov/2026/p1.md", "省局部署学习", "2026-11-03", topics="[study]")
    tree.post("tax/np/2026/n1.md", "南平动态", "2026-11-05", topics="[study, discipline]")
    tree.post("radio/np-jo/2026/r1.md", "融媒体学习", "2026-11-20", "experience", topics="[study]")
    tree.post("tax/np-jo/2026/s1.md", "便民办税进园区", "2026-11-18", "tax-service", topics="[study]")
    tree.post("tax/np/2026/old.md", "春季党纪学习", "2026-04-01", topics="[discipline]")
    # Q&A: a plain question, a suggestion, a transferred suggestion
    tree.post("tax/np/2026/q1.md", "发票问题", "2026-11-24", "qa", body="", question="发票怎么开？")
    tree.post("tax/np/2026/sg1.md", "延长服务时间", "2026-11-23", "qa", body="", kind="suggestion",
              question="建议午间不停办。", asked_by="陈先生")
    # asked Tue 11-17 of tax/np, handed to tax/np-jo on 11-19: still counts from 11-17
    # (11-18, 19, 20, 23, 24, 25 = 6 working days → 逾期)
    tree.post("tax/np-jo/2026/sg2.md", "竹木企业开票建议", "2026-11-17", "qa", body="", kind="suggestion",
              question="建议开通收购发票绿色通道。", transferred_from="tax/np", transferred_on="2026-11-19")
    tree.post("tax/np-jo/2026/q2.md", "已转办并答复", "2026-11-02", "qa", body="答复如下。", question="怎样办理？",
              transferred_from="tax/np", transferred_on="2026-11-03", answered="2026-11-06")
    return tree


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interact")
    tree = make_tree(root)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    ok, site = build(tree, strict=True, config=str(root / "mkdocs.yml"))
    assert ok
    return site


def page(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))


def article(site: Path, url: str):
    return page(site, url).xpath("//article")[0]


def titles(root) -> list[str]:
    return [a.text_content() for a in root.xpath('.//p[contains(@class,"portal-item-title")]/a')]


def feed(site: Path, path: str):
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def check(tree: PortalTree, capsys) -> tuple[int, list[str]]:
    code = main(["check", "--content", str(tree.content)])
    return code, capsys.readouterr().out.splitlines()


# -- kinds and transfers ----------------------------------------------------------------------


def test_suggestions_are_marked_and_filtered_on_qa(site):
    qa = article(site, "qa")
    pending = {li.xpath('.//p[contains(@class,"portal-item-title")]/a')[0].text_content(): li
               for li in qa.xpath('.//li[contains(@class,"portal-pending-item")]')}
    assert set(pending) == {"发票问题", "延长服务时间", "竹木企业开票建议"}
    assert pending["延长服务时间"].xpath('.//span[contains(@class,"portal-kind-suggestion")]')
    assert not pending["发票问题"].xpath('.//span[contains(@class,"portal-kind-suggestion")]')
    filters = [a.get("href") for a in qa.xpath('.//p[contains(@class,"portal-kind-filters")]/a')]
    assert filters == ["./", "question/", "suggestion/"]
    assert set(titles(article(site, "qa/suggestion"))) == {"延长服务时间", "竹木企业开票建议"}
    assert set(titles(article(site, "qa/question"))) == {"发票问题", "已转办并答复"}


def test_transferred_suggestion_page_shows_from_whom_and_when(site):
    body = article(site, "tax/np-jo/2026/sg2")
    transfer = body.xpath('.//span[contains(@class,"portal-transfer")]')[0]
    assert transfer.text_content() == "转办：由南平市税务局于 2026-11-19 转来"
    assert transfer.xpath(".//a")[0].get("href") == "../../../np/"
    assert "意见建议：建议开通收购发票绿色通道。" in body.text_content()
    assert "提问日期：2026-11-17" in body.text_content()


def test_transferred_question_waits_from_when_it_was_asked(site):
    qa = article(site, "qa")
    item = [li for li in qa.xpath('.//li[contains(@class,"portal-pending-item")]')
            if "竹木企业开票建议" in li.text_content()][0]
    assert item.xpath('.//strong[contains(@class,"portal-waiting")]')[0].text_content() == "6"
    assert item.xpath('.//span[contains(@class,"portal-overdue")]')
    assert "由南平市税务局于 2026-11-19 转办" in item.text_content()
    answered = [li for li in qa.xpath(".//li") if "已转办并答复" in li.text_content()][0]
    assert "用时 4 天" in answered.text_content()  # 11-02 → 11-06, from the asking date


def test_suggestions_have_their_own_counts_in_the_bulletin(site):
    rows = list(csv.DictReader(io.StringIO((site / "stats" / "units-month.csv").read_text(encoding="utf-8-sig"))))
    by_unit = {f"{r['system']}/{r['unit']}": r for r in rows}
    assert by_unit["tax/np"]["suggestions"] == "1"
    assert by_unit["tax/np-jo"]["suggestions"] == "1"
    assert by_unit["tax/prov"]["suggestions"] == "0"
    assert by_unit["tax/np"]["qa"] == "2"  # the column count keeps both kinds
    assert "收到意见建议 2 条" in article(site, "stats").text_content()


@pytest.mark.parametrize("extra, line, words", [
    ({"kind": "advice"}, 7, "kind“advice”无效"),
    ({"transferred_from": "tax/nowhere", "transferred_on": "2026-11-20"}, 7, "不在 orgs.yml"),
    ({"transferred_from": "tax/np"}, 7, "缺少 transferred_on"),
    ({"transferred_on": "2026-11-20"}, 7, "缺少 transferred_from"),
    ({"transferred_from": "tax/np-jo", "transferred_on": "2026-11-20"}, 7, "就是本单位"),
    ({"transferred_from": "tax/np", "transferred_on": "2026-11-10"}, 8, "早于提问日期"),
])
def test_bad_kind_and_transfer_are_named_with_line_and_fix(tmp_path, capsys, extra, line, words):
    tree = PortalTree(tmp_path)
    tree.post("tax/np-jo/2026/q.md", "问", "2026-11-15", "qa", body="", question="问？", asked_by="某人", **extra)
    code, lines = check(tree, capsys)
    assert code == 1
    assert any(f"q.md:{line}:" in text and words in text and "修改方法" in text for text in lines), lines


def test_kind_is_refused_on_other_columns(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/n.md", "动态", "2026-11-15", kind="suggestion")
    code, lines = check(tree, capsys)
    assert code == 1 and any("n.md:5:" in text and "只用于有问必答" in text for text in lines)


# -- topics -------------------------------------------------------------------------------------


def test_topics_index_lists_active_first_then_past(site):
    index = article(site, "topics")
    headings = [h.text_content() for h in index.xpath(".//h2")]
    assert headings == ["进行中的专题", "往期专题"]
    sections = index.xpath('.//section')
    assert titles(sections[0]) == ["学习贯彻全会精神"]
    assert titles(sections[1]) == ["上半年党纪学习教育"]
    assert "4 篇" in sections[0].text_content() and "已结束" in sections[1].text_content()


def test_topic_page_has_banner_intro_period_and_posts_of_every_system_and_level(site):
    first = article(site, "topics/study")
    banner = first.xpath('.//p[contains(@class,"portal-topic-banner")]/img')[0]
    assert (site / "topics" / "study" / banner.get("src")).read_bytes() == PNG
    assert "2026-11-01 至 2027-03-31" in first.xpath('.//p[contains(@class,"portal-topic-period")]')[0].text_content()
    intro = first.xpath('.//div[contains(@class,"portal-topic-intro")]')[0]
    assert intro.xpath(".//a")[0].get("href") == "../../tax/np/2026/n1/"
    # page size 2: newest first over two pages
    assert titles(first) == ["融媒体学习", "便民办税进园区"]
    second = article(site, "topics/study/page/2")
    assert titles(second) == ["南平动态", "省局部署学习"]
    assert not second.xpath('.//p[contains(@class,"portal-topic-banner")]')


def test_topic_feeds_parse_and_are_advertised(site):
    for path in ("topics/study/rss.xml", "topics/study/atom.xml"):
        parsed = feed(site, path)
        assert [e.title for e in parsed.entries] == ["融媒体学习", "便民办税进园区", "南平动态", "省局部署学习"]
        assert "学习贯彻全会精神" in parsed.feed.title
    head = page(site, "topics/study").xpath('//link[@rel="alternate"]/@href')
    assert "rss.xml" in head and "atom.xml" in head
    opml = (site / "feeds.opml").read_text(encoding="utf-8")
    assert "topics/study/rss.xml" in opml


def test_active_topics_in_navigation_and_on_home_and_post_pages(site):
    home = page(site, "")
    nav_links = [a.text_content().strip() for a in home.xpath("//nav//a")]
    assert "学习贯彻全会精神" in nav_links and "全部专题" in nav_links
    assert "上半年党纪学习教育" not in nav_links
    (block,) = home.xpath('//section[@id="home-topics"]')  # the home page's 专题 block (pages/home.py)
    assert block.xpath(".//h2")[0].text_content() == "专题"
    assert titles(block) == ["学习贯彻全会精神"]
    topics = article(site, "tax/np/2026/n1").xpath('.//p[contains(@class,"portal-post-topics")]/a')
    assert [a.text_content() for a in topics] == ["学习贯彻全会精神", "上半年党纪学习教育"]


def test_unknown_topic_on_a_post_is_an_error_with_its_line(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    tree.write("topics/study/index.md", PAST_TOPIC)
    tree.post("tax/np/2026/n.md", "动态", "2026-11-15", topics="[study, nosuch]")
    code, lines = check(tree, capsys)
    assert code == 1
    wanted = [text for text in lines if "n.md:5:" in text and "专题“nosuch”不存在" in text]
    assert wanted and "study（上半年党纪学习教育）" in wanted[0]


def test_bad_topic_files_are_named(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    tree.write("topics/a/index.md", "---\ntitle: 甲\nstart: 2026-13-01\n---\n介绍\n")
    tree.write("topics/b/index.md", "---\ntitle: 乙\nstart: 2026-05-01\nend: 2026-04-01\nbanner: missing.png\n"
                                    "color: red\n---\n介绍\n")
    tree.write("topics/c/index.md", "---\ntitle: 丙\nstart: 2026-05-01\n---\n见[不存在的文章](../../tax/np/x.md)\n")
    code, lines = check(tree, capsys)
    assert code == 1
    assert any("topics/a/index.md:3:" in t and "不是有效日期" in t for t in lines)
    assert any("topics/b/index.md:4:" in t and "早于开始日期" in t for t in lines)
    assert any("topics/b/index.md:5:" in t and "题图“topics/b/missing.png”不存在" in t for t in lines)
    assert any("topics/b/index.md:6:" in t and "未知的键“color”" in t for t in lines)
    assert any("topics/c/index.md" in t and "不存在" in t for t in lines)


def test_topic_title_change_warm_rebuild_equals_cold(tmp_path):
    tree = make_tree(tmp_path / "portal")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    config = str(tmp_path / "mkdocs.yml")
    assert build(tree, tmp_path / "first", cache_dir=tmp_path / "cache", config=config)[0]
    tree.write("topics/study/index.md", ACTIVE_TOPIC.replace("学习贯彻全会精神", "深入学习全会精神"))
    ok, warm = build(tree, tmp_path / "warm", cache_dir=tmp_path / "cache", config=config)
    assert ok
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cold-cache", config=config)
    assert ok
    assert differences(warm, cold) == []
    links = article(warm, "tax/np/2026/n1").xpath('.//p[contains(@class,"portal-post-topics")]/a')
    assert links[0].text_content() == "深入学习全会精神"


# -- system columns ---------------------------------------------------------------------------


def test_system_column_has_its_listing_and_feeds_inside_the_system(site):
    listing = article(site, "tax/tax-service")
    assert titles(listing) == ["便民办税进园区"]
    for path in ("tax/tax-service/rss.xml", "tax/tax-service/atom.xml"):
        assert [e.title for e in feed(site, path).entries] == ["便民办税进园区"]
    post = article(site, "tax/np-jo/2026/s1")
    column = [a for a in post.xpath('.//div[contains(@class,"portal-post-meta")]/a') if a.text_content() == "便民办税"]
    assert column and column[0].get("href") == "../../../tax-service/"
    system = article(site, "tax")
    assert [a.text_content() for a in system.xpath('.//p[contains(@class,"portal-system-columns")]/a')] == ["便民办税"]
    assert not (site / "tax-service").exists()


def test_system_column_is_refused_on_another_systems_post(tmp_path, capsys):
    tree = PortalTree(tmp_path, ORGS_WITH_COLUMN)
    tree.post("radio/np/2026/x.md", "广电动态", "2026-11-15", "tax-service")
    tree.post("tax/np/2026/y.md", "税务便民", "2026-11-15", "tax-service")
    code, lines = check(tree, capsys)
    assert code == 1
    refused = [t for t in lines if "radio/np/2026/x.md:4:" in t]
    assert refused and "税务系统专用的栏目" in refused[0] and "type 改用：" in refused[0]
    assert not any("tax/np/2026/y.md" in t for t in lines)


def test_system_column_id_must_not_clash_with_a_unit_or_a_site_column(tmp_path, capsys):
    orgs = ORGS_YML.replace("  - id: tax\n    name: 税务系统\n    kind: vertical\n",
                            "  - id: tax\n    name: 税务系统\n    kind: vertical\n    columns: {np: 南平, news: 新闻}\n")
    tree = PortalTree(tmp_path, orgs)
    code, lines = check(tree, capsys)
    assert code == 1
    assert any("orgs.yml:5:" in t and "与本系统的单位 id 相同" in t for t in lines)
    assert any("orgs.yml:5:" in t and "全站栏目或网站保留路径" in t for t in lines)
