"""Listing views of the 联创 registers on plain post records: topics, the columns a system keeps
for itself, and the Q&A column by kind (问题 / 意见建议)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post
from site_builder.core.topics import Topic
from site_builder.core.views import View, build_site

TZ = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML.replace("    kind: vertical\n", "    kind: vertical\n    columns: {tax-service: 便民办税, tax-law: 普法}\n", 1))[0]
TAX = ORGS.systems["tax"]
TOPICS = (Topic("study", "学习专题", date(2026, 1, 1)), Topic("safety", "安全专题", date(2026, 2, 1)),
          Topic("empty", "空专题", date(2026, 3, 1)))
CONFIG = PortalConfig(page_size=2, feed_length=2, topics=TOPICS)


def make(name: str, unit: str, day: str, type_: str = "news", **fields) -> Post:
    system, unit_id = unit.split("/")
    return Post(source=f"{unit}/{name}.md", system=system, unit=unit_id, title=name,
                date=datetime.fromisoformat(day).replace(tzinfo=TZ), type=type_, body="正文", **fields)


POSTS = [
    make("t1", "tax/np-jo", "2026-03-09", topics=("study", "safety")),
    make("s1", "tax/np", "2026-03-08", "tax-service"),
    make("t2", "radio/np", "2026-03-07", topics=("study",)),
    make("q1", "tax/np", "2026-03-06", "qa", question="问？", kind="suggestion"),
    make("s2", "tax/prov", "2026-03-05", "tax-service"),
    make("t3", "tax/prov", "2026-03-04", "experience", topics=("study", "gone")),
    make("q2", "radio/np", "2026-03-03", "qa", question="问？", answered=datetime(2026, 3, 10, tzinfo=TZ)),
    make("s3", "tax/np-jo", "2026-03-02", "tax-service"),
    make("q3", "tax/np-jo", "2026-03-01", "qa", question="问？"),
    make("q4", "tax/np", "2026-02-28", "qa", question="问？", kind="suggestion", answered=datetime(2026, 3, 1, tzinfo=TZ)),
]


def names(posts) -> list[str]:
    return [p.title for p in posts]


def views(kind: str) -> dict[str, View]:
    # the site is built in each test: mutmut links a function only to the tests that ran it
    return {v.url: v for v in build_site(ORGS, POSTS, CONFIG).views if v.kind == kind}


def feed(key: str):
    return next(f for f in build_site(ORGS, POSTS, CONFIG).feeds if f.key == key)


def test_each_topic_lists_its_posts_from_every_system_newest_first_paginated():
    topics = views("topic")
    assert {url: (v.title, names(v.posts), v.number, v.count, v.total, v.base_url) for url, v in topics.items()} == {
        "topics/study/": ("学习专题", ["t1", "t2"], 1, 2, 3, "topics/study/"),
        "topics/study/page/2/": ("学习专题", ["t3"], 2, 2, 3, "topics/study/"),
        "topics/safety/": ("安全专题", ["t1"], 1, 1, 1, "topics/safety/"),
        "topics/empty/": ("空专题", [], 1, 1, 0, "topics/empty/"),
    }
    study = topics["topics/study/"]
    assert (study.crumbs, study.extra, study.feeds) == ([("专题", "topics/")], {"topic": "study"}, [feed("topic/study")])


def test_each_topic_has_a_feed_of_its_newest_posts():
    study = feed("topic/study")
    assert (study.title, study.page_url, study.rss, study.atom, names(study.posts), study.system, study.unit) == (
        "专题：学习专题", "topics/study/", "topics/study/rss.xml", "topics/study/atom.xml", ["t1", "t2"], None, None)
    assert feed("topic/empty").posts == []


def test_the_topics_index_counts_each_topics_posts():
    [index] = views("topics").values()
    assert (index.url, index.title, index.posts, index.extra) == ("topics/", "专题", [], {
        "counts": {"study": 3, "safety": 1, "empty": 0}})
    assert list(index.extra["counts"]) == ["study", "safety", "empty"]


def test_no_topics_no_topic_views_or_feeds():
    site = build_site(ORGS, POSTS, PortalConfig())
    assert [v for v in site.views if v.kind in ("topic", "topics")] == []
    assert [f for f in site.feeds if f.key.startswith("topic/")] == []


def test_a_systems_own_column_lists_that_systems_posts():
    columns = {url: v for url, v in views("column").items() if url.startswith("tax/")}
    assert {url: (v.title, names(v.posts), v.total, v.extra, v.crumbs) for url, v in columns.items()} == {
        "tax/tax-service/": ("税务系统 · 便民办税", ["s1", "s2"], 3, {"column": "tax-service"}, [("税务系统", "tax/")]),
        "tax/tax-service/page/2/": ("税务系统 · 便民办税", ["s3"], 3, {"column": "tax-service"}, [("税务系统", "tax/")]),
        "tax/tax-law/": ("税务系统 · 普法", [], 0, {"column": "tax-law"}, [("税务系统", "tax/")]),
    }
    service = columns["tax/tax-service/"]
    assert service.system is TAX and service.unit is None
    assert service.feeds == [feed("system-column/tax/tax-service")]
    assert not any(url.startswith("radio/") for url in views("column"))


def test_a_systems_own_column_has_its_feed():
    service = feed("system-column/tax/tax-service")
    assert (service.title, service.page_url, service.rss, service.atom, names(service.posts), service.system,
            service.unit) == ("税务系统 · 便民办税", "tax/tax-service/", "tax/tax-service/rss.xml",
                              "tax/tax-service/atom.xml", ["s1", "s2"], "tax", None)


def test_the_qa_column_by_kind():
    qa = views("qa")
    by_kind = {url: (v.title, names(v.posts), names(v.sections["pending"]), v.system, v.unit, v.crumbs, v.extra)
               for url, v in qa.items() if url.startswith(("qa/question/", "qa/suggestion/"))}
    assert by_kind == {
        "qa/question/": ("有问必答 · 问题", ["q2"], ["q3"], None, None, [("有问必答", "qa/")], {"column": "qa"}),
        "qa/suggestion/": ("有问必答 · 意见建议", ["q4"], ["q1"], None, None, [("有问必答", "qa/")], {"column": "qa"}),
    }
