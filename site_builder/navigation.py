"""The site navigation, made from what the content tree holds (never listed in mkdocs.yml).

Posts stay out of the navigation: with thousands of posts a full nav would be
rendered into every page. Readers reach posts through the listings.
"""

from __future__ import annotations

from .config import LEVEL_ORDER, LEVELS
from .core.topics import active_first
from .core.urls import page_url


def build_nav(build, extras: list) -> list:
    """Navigation entries in MkDocs' `nav` format."""
    portal, config = build.portal, build.config
    nav: list = [{"首页": "index.md"}]
    nav.append({"各系统": [{s.name: f"{s.id}/index.md"} for s in portal.orgs.systems.values()]})
    columns = [{name: f"{column}/index.md"} for column, name in config.columns.items()]
    nav.append({"栏目": columns})
    topics = topic_nav(build.config.topics, build.now)
    if topics:
        nav.append({"专题": topics})
    nav.append({"层级": [{f"{LEVELS[lv]}单位": f"level/{lv}/index.md"} for lv in LEVEL_ORDER]})
    categories = [{name: f"category/{cid}/index.md"} for cid, name in config.categories.items()]
    nav.append({"五联分类": categories + [{"全部标签": "tag/index.md"}]})
    for page in extras:
        _place(nav, page)
    pages = _ordinary_pages(portal.pages)
    if pages:
        nav.append({"学习园地": pages})
    return nav


def topic_nav(topics, now) -> list:
    """The active topics (专题), then the index of all topics; empty when there are none."""
    if not topics:
        return []
    active, _ = active_first(topics, now)
    return [{t.title: f"{t.url}index.md"} for t in active] + [{"全部专题": "topics/index.md"}]


def _place(nav: list, page) -> None:
    """Put a feature's page under its section (appended), or as a top-level entry."""
    if not page.in_nav:
        return
    entry = {page.title: page.src_uri}
    for item in nav:
        if page.nav_section in item:
            item[page.nav_section].append(entry)
            return
    nav.append({page.nav_section: [entry]} if page.nav_section else entry)


def _ordinary_pages(pages: list[str]) -> list[str]:
    """Top-level pages and folder index pages outside the system folders, home excluded."""
    found = []
    for source in sorted(pages):
        if source == "index.md":
            continue
        depth = page_url(source).count("/")
        if depth == 1:
            found.append(source)
    return found
