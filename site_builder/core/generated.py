"""Paths the build writes as files of its own, which no content file may take.

A post `tax/np/rss.xml.md` is published as the folder `tax/np/rss.xml/`, where the build
writes the unit's feed file: one of the two would have to give way, and the build crashed.
The set is derived from what the build writes: every feed of the site's views (`Site.feeds`),
the OPML lists, and the files MkDocs and the theme write at the root.
"""

from __future__ import annotations

from collections.abc import Iterable

from .urls import page_url

OPML_FILE = "feeds.opml"  # site-wide at the root, and one per system (feeds.py)
ROOT_FILES = frozenset({OPML_FILE, "sitemap.xml", "sitemap.xml.gz", "404.html"})


def generated_files(site, systems: Iterable[str]) -> frozenset[str]:
    """Every file path the build writes besides the pages: feeds, OPML lists, root files."""
    files = set(ROOT_FILES)
    files.update(f"{system}/{OPML_FILE}" for system in systems)
    for feed in site.feeds:
        files.update((feed.rss, feed.atom))
    return frozenset(files)


def published_path(source: str) -> str:
    """Where a content file lands in the site: a post or page's folder, else the file itself."""
    return page_url(source).rstrip("/") if source.endswith(".md") else source


def takes_generated_path(source: str, files: frozenset[str]) -> bool:
    """Whether publishing `source` would need a path the build writes a file at (the same
    path, or a folder where that file is)."""
    path = published_path(source)
    parts = path.split("/")
    return any("/".join(parts[:n]) in files for n in range(1, len(parts) + 1))
