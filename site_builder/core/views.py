"""Pure aggregation: which posts each listing page and each feed shows.

Posts are grouped once by unit; every other scope is built from those groups by
merging already-sorted lists, so the whole step is linear in the number of posts
(times the depth of the tree, which is three).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from ..config import LEVEL_ORDER, LEVELS, PortalConfig
from .home import home_facts
from .interact_views import add_qa_kind_views, add_system_column_views, add_topic_views
from .orgs import Orgs, System, Unit
from .posts import Post
from .urls import paged, tag_slug

NEIGHBOUR_COUNT = 10  # posts shown in 下级动态 / 上级动态 boxes


@dataclass
class Feed:
    """One subscribable scope, written as RSS and Atom."""

    key: str
    title: str
    page_url: str  # the listing page the feed belongs to
    rss: str  # site-relative path of the RSS file
    atom: str
    posts: list[Post]  # newest first, at most feed_length
    system: str | None = None
    unit: str | None = None


@dataclass
class View:
    """One generated listing page (one page of a paginated listing)."""

    kind: str
    url: str
    title: str
    posts: list[Post] = field(default_factory=list)
    number: int = 1
    count: int = 1  # number of pages of this listing
    base_url: str = ""  # url of page 1
    total: int = 0  # posts in the whole listing
    feeds: list[Feed] = field(default_factory=list)
    sections: dict[str, list[Post]] = field(default_factory=dict)
    system: System | None = None
    unit: Unit | None = None
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, url) above this page
    extra: dict = field(default_factory=dict)

    @property
    def src_uri(self) -> str:
        """Path of the virtual Markdown page (`tax/np/index.md`)."""
        return f"{self.url}index.md"

    def page_link(self, number: int) -> str:
        return paged(self.base_url, number)


@dataclass
class Site:
    """All views and feeds of a portal, and per-post facts the post pages need."""

    views: list[View]
    feeds: list[Feed]
    by_unit: dict[str, list[Post]]
    neighbours: dict[str, tuple[Post | None, Post | None]]  # source → (newer, older) in unit
    adopted: dict[str, list[Post]]  # unit key → posts it adopted (采用)


def newest(lists: list[list[Post]], limit: int | None = None) -> list[Post]:
    """Merge lists that are each newest-first into one newest-first list."""
    merged = heapq.merge(*lists, key=Post.sort_key)
    return list(merged) if limit is None else [p for _, p in zip(range(limit), merged)]


class SiteBuilder:
    """Builds the `Site` from the registry and the (sorted, newest-first) posts."""

    def __init__(self, orgs: Orgs, posts: list[Post], config: PortalConfig):
        self.orgs, self.posts, self.config = orgs, posts, config
        self.by_unit: dict[str, list[Post]] = {u.key: [] for u in orgs.units()}
        for post in posts:
            self.by_unit.setdefault(post.unit_key, []).append(post)
        self.views: list[View] = []
        self.feeds: list[Feed] = []

    def build(self) -> Site:
        """Every view and feed of the site."""
        self.add_home()
        for system in self.orgs.systems.values():
            self.add_system(system)
            for unit in system.units.values():
                self.add_unit(system, unit)
        self.add_levels()
        self.add_columns()
        self.add_categories()
        self.add_tags()
        add_topic_views(self)
        return Site(self.views, self.feeds, self.by_unit, self.neighbours(), self.adopted())

    # -- helpers ----------------------------------------------------------

    def feed(self, key: str, title: str, url: str, posts: list[Post], stem: str = "",
             system: str | None = None, unit: str | None = None) -> Feed:
        feed = Feed(key, title, url, f"{url}{stem}rss.xml", f"{url}{stem}atom.xml",
                    posts[: self.config.feed_length], system, unit)
        self.feeds.append(feed)
        return feed

    def paginate(self, kind: str, url: str, title: str, posts: list[Post], **common) -> list[View]:
        """Split a listing into pages of `page_size`; page 1 keeps sections and feeds."""
        size = self.config.page_size
        count = max(1, -(-len(posts) // size))
        pages = []
        for number in range(1, count + 1):
            view = View(kind, paged(url, number), title, posts[(number - 1) * size: number * size],
                        number, count, url, len(posts), **common)
            if number > 1:
                view.sections = {}
            pages.append(view)
        self.views.extend(pages)
        return pages

    def unit_crumbs(self, unit: Unit) -> list[tuple[str, str]]:
        chain = list(reversed(self.orgs.ancestors(unit)))
        system = self.orgs.systems[unit.system]
        return [(system.name, f"{system.id}/")] + [(u.name, f"{u.system}/{u.id}/") for u in chain]

    # -- views ------------------------------------------------------------

    def add_home(self) -> None:
        latest = {s.id: newest([self.by_unit[u.key] for u in s.units.values()], 5)
                  for s in self.orgs.systems.values()}
        feed = self.feed("site", f"{self.config.site_name} 全部文章", "", self.posts)
        pending = [p for p in self.posts if p.pending]
        view = View("home", "", self.config.site_name, self.posts[: self.config.page_size],
                    total=len(self.posts), feeds=[feed],
                    extra={"latest": latest, "pending": len(pending),
                           **home_facts(self.posts, self.orgs, self.config.columns)})
        self.views.append(view)

    def add_system(self, system: System) -> None:
        posts = newest([self.by_unit[u.key] for u in system.units.values()])
        feed = self.feed(f"system/{system.id}", f"{system.name} 全部文章", f"{system.id}/", posts, system=system.id)
        self.paginate("system", f"{system.id}/", system.name, posts, feeds=[feed], system=system)
        add_system_column_views(self, system, posts)

    def add_unit(self, system: System, unit: Unit) -> None:
        url = f"{system.id}/{unit.id}/"
        own = self.by_unit[unit.key]
        lower = newest([self.by_unit[u.key] for u in self.orgs.descendants(unit)])
        upper = newest([self.by_unit[u.key] for u in self.orgs.ancestors(unit)], NEIGHBOUR_COUNT)
        feeds = [self.feed(f"unit/{unit.key}", f"{unit.name} 本单位文章", url, own, system=system.id, unit=unit.id),
                 self.feed(f"subtree/{unit.key}", f"{unit.name} 及下级单位文章", url, newest([own, lower]),
                           stem="subtree-", system=system.id, unit=unit.id)]
        self.paginate("unit", url, unit.name, own, feeds=feeds, system=system, unit=unit,
                      sections={"lower": lower[:NEIGHBOUR_COUNT], "upper": upper},
                      crumbs=self.unit_crumbs(unit))

    def add_levels(self) -> None:
        for level in LEVEL_ORDER:
            units = [u for u in self.orgs.units() if u.level == level]
            posts = newest([self.by_unit[u.key] for u in units])
            url = f"level/{level}/"
            title = f"{LEVELS[level]}单位动态"
            feed = self.feed(f"level/{level}", title, url, posts)
            self.paginate("level", url, title, posts, feeds=[feed], extra={"level": level})

    def add_columns(self) -> None:
        for column, name in self.config.columns.items():
            posts = [p for p in self.posts if p.type == column]
            url = f"{column}/"
            feed = self.feed(f"column/{column}", name, url, posts)
            if column == "qa":
                self.add_qa(posts, feed)
            else:
                self.paginate("column", url, name, posts, feeds=[feed], extra={"column": column})

    def add_qa(self, questions: list[Post], feed: Feed) -> None:
        answered, pending = split_questions(questions)
        answered_feed = self.feed("qa/answered", "有问必答 最新答复", "qa/", answered, stem="answered-")
        self.paginate("qa", "qa/", self.config.column_name("qa"), answered, feeds=[feed, answered_feed],
                      sections={"pending": pending}, extra={"column": "qa"})
        by_unit: dict[str, list[Post]] = {}
        for question in questions:
            by_unit.setdefault(question.unit_key, []).append(question)
        for system in self.orgs.systems.values():
            in_system = [q for q in questions if q.system == system.id]
            self.qa_filter(f"qa/{system.id}/", f"有问必答 · {system.name}", in_system, system, None)
            for unit in system.units.values():
                if unit.key in by_unit:
                    self.qa_filter(f"qa/{system.id}/{unit.id}/", f"有问必答 · {unit.name}", by_unit[unit.key], system, unit)
        add_qa_kind_views(self, questions)

    def qa_filter(self, url, title, questions, system, unit) -> None:
        answered, pending = split_questions(questions)
        self.paginate("qa", url, title, answered, sections={"pending": pending}, system=system, unit=unit,
                      crumbs=[("有问必答", "qa/")], extra={"column": "qa"})

    def add_categories(self) -> None:
        for category, name in self.config.categories.items():
            posts = [p for p in self.posts if p.category == category]
            url = f"category/{category}/"
            feed = self.feed(f"category/{category}", name, url, posts)
            self.paginate("category", url, name, posts, feeds=[feed], extra={"category": category})

    def add_tags(self) -> None:
        by_slug: dict[str, tuple[str, list[Post]]] = {}
        for post in self.posts:
            for tag in post.tags:
                by_slug.setdefault(tag_slug(tag), (tag, []))[1].append(post)
        for slug in sorted(by_slug):
            tag, posts = by_slug[slug]
            self.paginate("tag", f"tag/{slug}/", f"标签：{tag}", posts, extra={"tag": tag})
        counts = [(tag, slug, len(posts)) for slug, (tag, posts) in sorted(by_slug.items())]
        self.views.append(View("tags", "tag/", "全部标签", extra={"tags": counts}))

    # -- per-post facts ---------------------------------------------------

    def neighbours(self) -> dict[str, tuple[Post | None, Post | None]]:
        found = {}
        for posts in self.by_unit.values():
            for index, post in enumerate(posts):
                newer = posts[index - 1] if index > 0 else None
                older = posts[index + 1] if index + 1 < len(posts) else None
                found[post.source] = (newer, older)
        return found

    def adopted(self) -> dict[str, list[Post]]:
        found: dict[str, list[Post]] = {}
        for post in self.posts:
            for adopter in post.featured_by:
                found.setdefault(adopter, []).append(post)
        return found


def split_questions(questions: list[Post]) -> tuple[list[Post], list[Post]]:
    """(answered, newest answer first; pending, longest waiting first)."""
    answered = sorted((q for q in questions if q.answered), key=lambda q: (-q.answered.timestamp(), q.source))
    pending = sorted((q for q in questions if not q.answered), key=lambda q: (q.date.timestamp(), q.source))
    return answered, pending


def build_site(orgs: Orgs, posts: list[Post], config: PortalConfig) -> Site:
    """All views and feeds for `posts` (newest first)."""
    return SiteBuilder(orgs, posts, config).build()
