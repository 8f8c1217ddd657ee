"""Paths the build writes files at (feeds, OPML lists, root files), and content that would take one."""

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.generated import generated_files, published_path, takes_generated_path
from site_builder.core.orgs import load_orgs
from site_builder.core.views import build_site

ORGS = load_orgs(ORGS_YML)[0]


def files() -> frozenset[str]:
    """Built in each test: mutmut links a function only to the tests that ran it (not to imports)."""
    return generated_files(build_site(ORGS, [], PortalConfig()), ORGS.systems)


@pytest.mark.parametrize("path", ["rss.xml", "atom.xml", "tax/rss.xml", "tax/np/rss.xml", "tax/np/atom.xml",
                                  "tax/np/subtree-rss.xml", "tax/np/subtree-atom.xml", "qa/answered-rss.xml",
                                  "level/county/atom.xml", "category/integrity/rss.xml", "news/rss.xml",
                                  "feeds.opml", "tax/feeds.opml", "radio/feeds.opml", "sitemap.xml",
                                  "sitemap.xml.gz", "404.html"])
def test_feeds_opml_lists_and_root_files_are_generated(path):
    assert path in files()


@pytest.mark.parametrize("path", ["index.html", "tax/np/index.html", "tax/np/feeds.opml", "qa/rss.xml.md", "tax"])
def test_pages_and_other_paths_are_not(path):
    assert path not in files()


def test_generated_files_of_no_feeds_and_no_systems_are_the_root_files():
    class NoFeeds:
        feeds = []

    assert generated_files(NoFeeds(), []) == {"feeds.opml", "sitemap.xml", "sitemap.xml.gz", "404.html"}


@pytest.mark.parametrize(("source", "path"), [("tax/np/rss.xml.md", "tax/np/rss.xml"), ("tax/np/index.md", "tax/np"),
                                              ("index.md", ""), ("a.md", "a"), ("tax/np/photo.jpg", "tax/np/photo.jpg"),
                                              ("tax/np/notes.md.txt", "tax/np/notes.md.txt"),
                                              ("tax/np/index", "tax/np/index"), ("index", "index"),
                                              ("tax/np/BOX.md", "tax/np/BOX"), ("tax/X/index.md", "tax/X")])
def test_published_path_is_the_page_folder_or_the_file(source, path):
    assert published_path(source) == path


@pytest.mark.parametrize("source", ["tax/np/rss.xml.md", "rss.xml.md", "tax/np/rss.xml/index.md",
                                    "tax/np/rss.xml/photo.jpg", "feeds.opml/a.md", "404.html", "tax/feeds.opml.md",
                                    "sitemap.xml.gz/index.md"])
def test_content_that_takes_a_generated_path_or_a_folder_above_one(source):
    assert takes_generated_path(source, files())


@pytest.mark.parametrize("source", ["tax/np/2026/rss.md", "tax/np/news.md", "tax/rss.xml.jpg", "rss.md",
                                    "tax/np/feeds.opml.md", "index.md", "tax/np/index.md"])
def test_content_beside_generated_files_is_free(source):
    assert not takes_generated_path(source, files())
