"""URL rules of the built site beyond the basics of test_core_text.py: where a column links,
tag slugs, and relative links between unusual site paths."""

import hashlib
import posixpath

import pytest

from site_builder.core.urls import FIXED_PATHS, column_url, page_url, paged, relative_path, reserved_ids, tag_slug


def test_a_column_links_to_its_listing_and_a_project_to_the_project_register():
    assert column_url("news") == "news/"
    assert column_url("tax-service") == "tax-service/"
    assert column_url("project") == "projects/"
    assert column_url("projects") == "projects/"


@pytest.mark.parametrize(("source", "url"), [("index", ""), ("a/index", "a/"), ("a/b.md", "a/b/"), ("a/index.md", "a/"),
                                             ("index.md.md", "index.md/"), ("a.mdx", "a.mdx/"), ("x/myindex.md", "x/myindex/"),
                                             ("index/a.md", "index/a/"), ("index/index.md", "index/"),
                                             ("tax/BOX/index.md", "tax/BOX/"), ("X/index.md", "X/")])
def test_page_url_of_unusual_sources(source, url):
    assert page_url(source) == url


def test_reserved_ids_hold_the_register_pages_and_folders():
    for fixed in ("admin", "topics", "question", "suggestion", "projects", "honours", "bulletins", "assessments", "404"):
        assert fixed in FIXED_PATHS
    assert reserved_ids([]) == FIXED_PATHS
    assert isinstance(reserved_ids(["x"]), frozenset)


@pytest.mark.parametrize(("tag", "slug"), [("C++", "c"), ("-a-", "a"), ("__a__", "a"), ("a  b", "a-b"), ("A_B", "a_b"),
                                           ("五联·共建", "五联-共建"), ("2026年", "2026年"), ("a/b\\c", "a-b-c")])
def test_tag_slugs(tag, slug):
    assert tag_slug(tag) == slug


@pytest.mark.parametrize("tag", ["---", "___", "。", "", "-_-"])
def test_a_tag_of_punctuation_only_gets_a_stable_hashed_slug(tag):
    assert tag_slug(tag) == "t-" + hashlib.sha1(tag.encode("utf-8")).hexdigest()[:8]
    assert len(tag_slug(tag)) == 10


def test_the_hashed_slug_reads_the_tag_as_utf8():
    assert tag_slug("！") == "t-" + hashlib.sha1("！".encode()).hexdigest()[:8]
    assert tag_slug("！") != tag_slug("？")


def test_pages_after_the_first():
    assert paged("qa/", -1) == "qa/"
    assert paged("qa/", 10) == "qa/page/10/"


@pytest.mark.parametrize(("path", "base"), [
    ("tax/./np", "tax"), ("tax", "tax/./np"), ("./tax", "."), ("tax", "./radio"), ("../x", "tax"), ("tax", "../x"),
    ("tax/../radio/np", "tax/np"), ("tax/np", "radio/../tax"), ("a//b", "a//c"), ("a", "b//c"), ("/a/b", "/c"),
    (".hidden/x", "a"), ("a", ".hidden"), ("a/.b", "a"), ("a", "a/.b/c"), ("..", "a"), ("a", ".."),
    ("tax/np/a", "tax/np/a"), ("tax/np", "tax/np/a/b"), ("tax/np/x", "tax/nq/x"), ("a/b/c", "a/b/cd"),
    ("a/../b", "a/."), ("x/..", "y/.."), ("a//b", "c//d"), ("/x", "y"), ("y", "/x"),
])
def test_relative_path_equals_posixpath_relpath_for_unusual_paths(path, base):
    assert relative_path(path, base) == posixpath.relpath(path, base)
