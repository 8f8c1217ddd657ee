"""RSS 2.0 and Atom feeds for every scope the core names, the `/feeds/` page and OPML.

The core (`core.views`) decides which posts each `Feed` holds; this module only
writes them. Everything written is deterministic: dates come from the posts (or the
build's reference time, which SOURCE_DATE_EPOCH fixes), never from the wall clock.
"""

from __future__ import annotations

import email.utils
import html
import logging
import mimetypes
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin, urlsplit

from .cache import FeedCache
from .core.generated import OPML_FILE
from .core.posts import Post
from .core.qa_keys import column_title
from .core.views import Feed
from .extras import ExtraPage

if TYPE_CHECKING:  # feedgen and lxml are imported where feeds are written: a rebuild that links
    from feedgen.feed import FeedGenerator  # every feed from the cache never loads them
from .pages.links import a

log = logging.getLogger("mkdocs.plugins.portal")

FALLBACK_SITE_URL = "http://localhost/"
TAG_YEAR = 2026  # the date part of tag: URIs; fixed forever so ids never change
GENERATOR = "site_builder (三级联创网络互动平台)"
OPML_PATH = OPML_FILE
PAGE_URL = "feeds/"
# Characters XML 1.0 forbids (plus DEL), which would make lxml refuse or readers choke.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
SITE_SECTIONS = (("site", "全部文章"), ("level", "按层级"), ("column", "按栏目"), ("qa", "有问必答"),
                 ("category", "按五联分类"), ("projects", "联创项目"), ("area", "按属地"), ("topic", "专题"))


# -- plain helpers -----------------------------------------------------------

def xml_safe(text: str | None) -> str:
    """`text` without the characters XML cannot hold (control characters, lone surrogates)."""
    return XML_INVALID.sub("", text or "")


def uri(text: str) -> str:
    """Percent-encode what a URI may not hold raw (CJK, spaces); keep reserved characters."""
    return quote(text, safe=_URL_SAFE)


@dataclass(frozen=True)
class SiteAddress:
    """Where the site is published: absolute URLs and tag: ids are made from it."""

    base: str  # absolute, ends with `/`
    host: str
    prefix: str  # path of the site under the host, without leading `/`, e.g. `portal/`

    def url(self, path: str) -> str:
        """Absolute URL of a site-relative path."""
        return self.base + uri(path)

    def tag(self, name: str) -> str:
        """A tag: URI (RFC 4151) naming `name` on this site."""
        return f"tag:{self.host},{TAG_YEAR}:{quote(self.prefix + name, safe='/')}"


def site_address(site_url: str) -> SiteAddress:
    """The site's address from `site_url`; `http://localhost/` when it is not set."""
    base = site_url.strip() or FALLBACK_SITE_URL
    if not base.endswith("/"):
        base += "/"
    parts = urlsplit(base)
    host = (parts.hostname or "localhost").lower()
    return SiteAddress(base, host, parts.path.lstrip("/"))


def entry_id(post: Post, address: SiteAddress) -> str:
    """The stable id of a post (RSS guid, Atom id): from its source path only."""
    return address.tag(post.source)


def entry_updated(post: Post) -> datetime:
    """When a post last changed for a reader: the answer date of a question, else its date."""
    return post.answered or post.date


def feed_updated(feed: Feed, fallback: datetime) -> datetime:
    """Newest change among the feed's posts; `fallback` (the build's reference time) if empty."""
    return max((entry_updated(p) for p in feed.posts), default=fallback)


def absolute_html(fragment: str, page: str) -> str:
    """Sanitised HTML with every href/src made absolute against the post's page URL."""
    def absolute(match: re.Match) -> str:
        target = urljoin(page, html.unescape(match.group(2)))
        return match.group(1) + html.escape(uri(target), quote=True) + match.group(3)
    return _URL_ATTRIBUTE.sub(absolute, fragment)


def rfc822(moment: datetime) -> str:
    """A date as RSS and OPML want it (`Wed, 25 Nov 2026 20:00:00 +0800`)."""
    return email.utils.format_datetime(moment)


def channel_title(feed: Feed, site_name: str) -> str:
    """The feed's title as a reader shows it: the scope, then the site when not already named."""
    return feed.title if site_name in feed.title else f"{feed.title} | {site_name}"


# -- entries -------------------------------------------------------------------

class FeedWriter:
    """Writes the feeds of one build; each post's entry data is made once and reused."""

    def __init__(self, build):
        self.build = build
        self.config = build.config
        self.address = site_address(self.config.site_url)
        self._entries: dict[str, dict] = {}

    def entry(self, post: Post) -> dict:
        """Everything a feed entry of `post` says, XML-safe."""
        if post.source not in self._entries:
            self._entries[post.source] = self._make_entry(post)
        return self._entries[post.source]

    def _make_entry(self, post: Post) -> dict:
        page = self.address.url(post.url)
        unit = self.build.portal.orgs.unit(post.unit_key)
        return {
            "id": entry_id(post, self.address),
            "title": xml_safe(post.title),
            "link": page,
            "updated": entry_updated(post),
            "summary": xml_safe(self.summary_text(post)),
            "content": xml_safe(self.content_html(post, page)) if self.config.feed_full_content else "",
            "author": xml_safe(unit.name if unit else post.unit_key),
            "categories": self.categories(post),
            "image": self.image(post),
        }

    @staticmethod
    def summary_text(post: Post) -> str:
        """Plain-text summary; a question shows the question (and the start of the answer)."""
        if post.type != "qa" or not post.question:
            return post.summary or ""
        if not post.answered:
            return f"问：{post.question}（待答复）"
        return f"问：{post.question} 答：{post.summary}" if post.summary else f"问：{post.question}（已答复）"

    def content_html(self, post: Post, page: str) -> str:
        """The post's sanitised HTML with absolute links; a question is shown before its answer."""
        rendered = self.build.rendered.get(post.source)
        body = absolute_html(rendered.html, page) if rendered else ""
        if post.type != "qa" or not post.question:
            return body
        question = f"<p><strong>问：</strong>{html.escape(post.question)}</p>"
        if not post.answered:
            return question + "<p>（待答复）</p>"
        return question + "<p><strong>答复：</strong></p>" + body

    def categories(self, post: Post) -> list[dict]:
        """Column, category and tags, as Atom categories (RSS shows the labels)."""
        found = [{"term": post.type, "label": xml_safe(column_title(self.build.portal.orgs, self.config, post))}]
        if post.kind == "suggestion":
            found.append({"term": "suggestion", "label": "意见建议"})
        if post.category:
            found.append({"term": post.category, "label": xml_safe(self.config.category_name(post.category))})
        found += [{"term": xml_safe(tag), "label": xml_safe(tag)} for tag in post.tags]
        return [c for c in found if c["term"]]

    def image(self, post: Post) -> dict | None:
        """The post's first image as an enclosure (absolute URL, size, type)."""
        rendered = self.build.rendered.get(post.source)
        if not rendered or not rendered.image:
            return None
        path = os.path.join(self.build.content_dir, rendered.image)
        size = os.path.getsize(path) if os.path.exists(path) else 0
        kind = mimetypes.guess_type(rendered.image)[0] or "application/octet-stream"
        return {"href": self.address.url(rendered.image), "length": str(size), "type": kind}

    # -- feeds ---------------------------------------------------------------

    def generator(self, feed: Feed) -> FeedGenerator:
        """A FeedGenerator holding the feed's channel data and entries (links set per format)."""
        from feedgen.feed import FeedGenerator

        generator = FeedGenerator()
        generator.load_extension("dc", atom=False, rss=True)
        title = xml_safe(channel_title(feed, self.config.site_name))
        generator.id(self.address.tag(f"feeds/{feed.key}"))
        generator.title(title)
        about = xml_safe(f"{self.config.site_name}：{feed.title}，最新 {self.config.feed_length} 篇")
        generator.description(about)
        generator.subtitle(about)
        generator.author({"name": xml_safe(self.config.site_name)})
        generator.language("zh-CN")
        generator.generator(GENERATOR)
        updated = feed_updated(feed, self.build.now)
        generator.updated(updated)
        generator.lastBuildDate(updated)
        for post in feed.posts:
            self.add_entry(generator, self.entry(post))
        return generator

    @staticmethod
    def add_entry(generator: FeedGenerator, data: dict) -> None:
        """Append one entry (made by `entry`) to the generator."""
        entry = generator.add_entry(order="append")
        entry.guid(data["id"], permalink=False)
        entry.title(data["title"])
        entry.link(entry_links(data))
        entry.published(data["updated"])  # RSS has one date: when the item (or the answer) appeared
        entry.updated(data["updated"])
        if data["content"]:
            entry.content(data["content"], type="html")
        if data["summary"]:
            entry.summary(data["summary"])
        elif not data["content"]:
            entry.summary(data["title"])
        entry.author({"name": data["author"]})
        entry.dc.dc_creator(data["author"])
        if data["categories"]:
            entry.category(data["categories"])

    def documents(self, feed: Feed) -> tuple[bytes, bytes]:
        """(RSS, Atom) bytes of one feed."""
        generator = self.generator(feed)
        page = self.address.url(feed.page_url)
        generator.link([{"href": self.address.url(feed.rss), "rel": "self", "type": "application/rss+xml"},
                        {"href": page, "rel": "alternate", "type": "text/html"}], replace=True)
        rss = generator.rss_str(pretty=True)
        for entry, post in zip(generator.entry(), feed.posts):
            entry.published(post.date)  # Atom keeps both: published (asked) and updated (answered)
        generator.link([{"href": self.address.url(feed.atom), "rel": "self", "type": "application/atom+xml"},
                        {"href": page, "rel": "alternate", "type": "text/html"}], replace=True)
        return rss, atom_bytes(generator, [self.entry(p) for p in feed.posts])


def entry_links(data: dict) -> list[dict]:
    """The post's page, and its first image as an enclosure (RSS `enclosure`, Atom `rel=enclosure`)."""
    links = [{"href": data["link"], "rel": "alternate", "type": "text/html"}]
    if data["image"]:
        links.append({"rel": "enclosure", **data["image"]})
    return links


def atom_bytes(generator: FeedGenerator, entries: list[dict]) -> bytes:
    """The Atom document, with each entry link's rel/type/length written out.

    feedgen 1.0 drops those attributes on entry links, which would turn an enclosure
    into a second `alternate` link; they are set here from the same link data.
    """
    from lxml import etree

    root, document = generator._create_atom()
    for element, data in zip(_children(root, "entry"), entries):
        for link, wanted in zip(_children(element, "link"), entry_links(data)):
            for name in ("rel", "type", "length"):
                if wanted.get(name):
                    link.set(name, wanted[name])
    return etree.tostring(document, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def _children(element, name: str) -> list:
    """Child elements called `name`, whether or not lxml sees them in the Atom namespace."""
    from lxml import etree

    return [child for child in element if isinstance(child.tag, str) and etree.QName(child).localname == name]


# -- grouping: the /feeds/ page and OPML -----------------------------------------

@dataclass
class FeedGroup:
    """Feeds shown together: the whole site, or one system with its units."""

    title: str
    system: str | None  # system id, None for site-wide feeds
    sections: list[tuple[str, list[Feed]]]  # (heading, feeds)


def feed_groups(build) -> list[FeedGroup]:
    """Every feed of the site: site-wide scopes first, then each system and its units in tree order."""
    feeds, orgs = build.site.feeds, build.portal.orgs
    site_wide = [f for f in feeds if f.system is None]
    sections = []
    for prefix, heading in SITE_SECTIONS:
        chosen = [f for f in site_wide if f.key.split("/")[0] == prefix]
        if chosen:
            sections.append((heading, chosen))
    known = {f.key for _, chosen in sections for f in chosen}
    rest = [f for f in site_wide if f.key not in known]
    if rest:
        sections.append(("其他", rest))
    groups = [FeedGroup("全站", None, sections)]
    for system in orgs.systems.values():
        groups.append(system_group(build, system))
    return groups


def system_group(build, system) -> FeedGroup:
    """One system's feed, then each unit's feeds (province › city › county, registry order)."""
    feeds = [f for f in build.site.feeds if f.system == system.id]
    orgs = build.portal.orgs
    sections = [(f"{system.name}（全系统）", [f for f in feeds if f.unit is None])]
    for root in system.roots():
        for unit in [root, *orgs.descendants(root)]:
            mine = [f for f in feeds if f.unit == unit.id]
            if mine:
                sections.append((f"{unit.name}（{unit.level_name}）", mine))
    return FeedGroup(system.name, system.id, sections)


def opml_path(group: FeedGroup) -> str:
    """Site path of the OPML file of a group (the whole site for the site-wide group)."""
    return f"{group.system}/{OPML_PATH}" if group.system else OPML_PATH


def opml(title: str, groups: list[FeedGroup], writer: FeedWriter) -> bytes:
    """An OPML 2.0 document listing the RSS version of every feed in `groups`.

    One folder per group (readers support a single folder level); each feed once, as RSS,
    so importing it does not subscribe to each scope twice (RSS and Atom).
    """
    from lxml import etree

    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_safe(title)
    etree.SubElement(head, "dateCreated").text = rfc822(writer.build.now)
    etree.SubElement(head, "ownerName").text = xml_safe(writer.config.site_name)
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    for group in groups:
        folder = etree.SubElement(body, "outline", text=xml_safe(group.title), title=xml_safe(group.title))
        for feed in (f for _, feeds in group.sections for f in feeds):
            name = xml_safe(feed.title)
            etree.SubElement(folder, "outline", type="rss", version="RSS2", text=name, title=name,
                             xmlUrl=writer.address.url(feed.rss), htmlUrl=writer.address.url(feed.page_url))
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def feeds_page_body(build) -> str:
    """HTML body of `/feeds/`: every feed with its RSS and Atom links, grouped, and the OPML files."""
    here = PAGE_URL
    parts = [
        '<p class="portal-feeds-intro">用 RSS 阅读器订阅本站内容：复制下面任一订阅地址，或在阅读器中“导入 OPML”'
        f'一次订阅全部：{a(OPML_PATH, here, "全部订阅源（OPML）")}。</p>',
        '<p class="portal-feeds-help">每个订阅源都有 RSS 和 Atom 两种格式，内容相同，任选其一即可。'
        "单位的“本单位文章”只含本单位发布的文章，“及下级单位文章”还包含其全部下级单位的文章。</p>",
    ]
    if not build.config.site_url.strip():
        parts.append(f'<p class="portal-feeds-warning">注意：网站未设置 site_url，订阅源中的链接暂时指向 '
                     f"{FALLBACK_SITE_URL}，请管理员在 mkdocs.yml 中设置 site_url。</p>")
    for group in feed_groups(build):
        parts.append(group_html(group, here))
    return "".join(parts)


def group_html(group: FeedGroup, here: str) -> str:
    """One group of the `/feeds/` page: a heading, its OPML link, a list per section."""
    opml_link = f'<p>{a(opml_path(group), here, f"{group.title}全部订阅源（OPML）")}</p>' if group.system else ""
    items = []
    for heading, feeds in group.sections:
        links = "".join(
            f'<li>{html.escape(feed.title)}：{a(feed.rss, here, "RSS", "portal-feed")}'
            f' · {a(feed.atom, here, "Atom", "portal-feed")}'
            f' · {a(feed.page_url, here, "网页", "portal-feed-page")}</li>' for feed in feeds)
        items.append(f'<h3>{html.escape(heading)}</h3><ul class="portal-feed-list">{links}</ul>')
    return (f'<section class="portal-section portal-feed-group"><h2>{html.escape(group.title)}</h2>'
            f'{opml_link}{"".join(items)}</section>')


# -- the feature module interface ------------------------------------------------

WRITES_IN_BACKGROUND = True  # `write` only reads the finished build and writes files (see feature.py)
WRITES = ("**/*rss.xml", "**/*atom.xml", "feeds.opml", "*/feeds.opml")


def pages(build) -> list[ExtraPage]:
    """The `/feeds/` page (it advertises the whole-site feed in its head). Says here, once per
    build and in the build's own process, when feed links lack the site's address."""
    if not build.config.site_url.strip():
        log.warning("mkdocs.yml 未设置 site_url：订阅源中的链接暂用 %s。"
                    "请在 mkdocs.yml 中写上网站的正式地址，例如 site_url: https://dj.example.gov.cn/",
                    FALLBACK_SITE_URL)
    site_feeds = [f for f in build.site.feeds if f.key == "site"]
    return [ExtraPage("feeds/index.md", "订阅", lambda: feeds_page_body(build), feeds=site_feeds)]


def write(build, site_dir: str) -> None:
    """Write every feed (RSS and Atom), `/feeds.opml` and `/<system>/feeds.opml`."""
    writer = FeedWriter(build)
    cache = FeedCache(build, (__name__,))  # unchanged feeds are linked from the cache
    for feed in build.site.feeds:
        if build.part is not None and not build.part.owns(feed.rss):
            continue  # another part of a sharded build writes it (shards.py)
        if cache.restore(feed, site_dir):
            continue
        rss, atom = writer.documents(feed)
        cache.put(feed, site_dir, rss, atom)
    cache.prune()
    groups = feed_groups(build)
    _write_file(site_dir, OPML_PATH, opml(f"{build.config.site_name} 全部订阅源", groups, writer))
    for group in groups[1:]:
        _write_file(site_dir, opml_path(group), opml(f"{group.title} 订阅源 | {build.config.site_name}", [group], writer))


def _write_file(site_dir: str, path: str, data: bytes) -> None:
    target = os.path.join(site_dir, *path.split("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(data)
