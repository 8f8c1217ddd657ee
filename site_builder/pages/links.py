"""Relative links between site pages, so the site works under any sub-path and offline."""

from __future__ import annotations

import posixpath
from html import escape


def href(target: str, here: str) -> str:
    """Relative link from the page at URL `here` to the site path `target`.

    Both are site-relative (`tax/np/` or `tax/np/rss.xml`); a trailing `/` marks a page.
    """
    base = here.rstrip("/") or "."
    path = target.rstrip("/") or "."
    link = _relative(path, base)
    if target.endswith("/") or target == "":
        link = "./" if link == "." else link + "/"
    return link


def _relative(path: str, base: str) -> str:
    """posixpath.relpath for site paths, without its two os.getcwd() calls (pages make
    hundreds of thousands of links); unusual paths still go through relpath."""
    if any(p[:1] in ("/", ".") and p != "." or "/." in p or "//" in p for p in (path, base)):
        return posixpath.relpath(path, base)
    to, start = ([] if p == "." else p.split("/") for p in (path, base))
    common = 0
    for mine, theirs in zip(to, start):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def a(target: str, here: str, text: str, cls: str = "") -> str:
    """An escaped anchor element."""
    klass = f' class="{cls}"' if cls else ""
    return f'<a href="{escape(href(target, here))}"{klass}>{escape(text)}</a>'
