"""URL rules of the built site. A post's URL depends on its path only, so it stays stable."""

from __future__ import annotations

import hashlib
import posixpath
import re

# Top-level paths the builder writes itself; no system may take one of these ids.
FIXED_PATHS = frozenset({
    "assets", "category", "feeds", "level", "page", "pagefind", "qa", "search",
    "stats", "tag", "search-assets", "404", "stylesheets", "javascripts",
    "admin",  # /admin/: the 网页投稿 editor (site_builder/cms)
    "ask",  # /qa/ask/ (如何提问) sits beside the per-system Q&A pages /qa/<system>/
    "projects", "project", "pairings", "groups", "area", "duty",  # the 联创 registers' pages
    "topics", "question", "suggestion",  # /topics/ (专题); /qa/question/ and /qa/suggestion/ (by kind)
    "assessment", "honours", "assessments", "bulletins",  # 考核、表彰 pages and their register folders
})

_SLUG_JUNK = re.compile(r"[^\w-]+")


def page_url(source: str) -> str:
    """Directory-style URL of a Markdown source: `a/b.md` → `a/b/`, `a/index.md` → `a/`."""
    stem = source[:-3] if source.endswith(".md") else source
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return f"{stem}/" if stem else ""


def reserved_ids(columns) -> frozenset[str]:
    """Ids no system may use: fixed paths and column ids."""
    return FIXED_PATHS | frozenset(columns)


def column_url(column: str) -> str:
    """The listing a post's column links to (a 联创项目 goes to the project register)."""
    return "projects/" if column == "project" else f"{column}/"


def tag_slug(tag: str) -> str:
    """A path-safe slug of a tag; CJK characters are kept, punctuation becomes `-`."""
    slug = _SLUG_JUNK.sub("-", tag.lower()).strip("-_")
    return slug or "t-" + hashlib.sha1(tag.encode("utf-8")).hexdigest()[:8]


def paged(url: str, number: int) -> str:
    """URL of page `number` of a listing at `url` (page 1 is the listing itself)."""
    return url if number <= 1 else f"{url}page/{number}/"


def relative_path(path: str, base: str) -> str:
    """`posixpath.relpath(path, base)` for site paths (`.` for the root), without its two
    os.getcwd() calls: pages make hundreds of thousands of links. Unusual paths (absolute,
    with `.` or `..` parts, doubled slashes) still go through relpath."""
    if any(p[:1] in ("/", ".") and p != "." or "/." in p or "//" in p for p in (path, base)):
        return posixpath.relpath(path, base)
    to, start = ([] if p == "." else p.split("/") for p in (path, base))
    common = 0
    for mine, theirs in zip(to, start):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."
