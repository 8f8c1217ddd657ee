"""Relative links between site pages, so the site works under any sub-path and offline."""

from __future__ import annotations

from html import escape

from ..core.urls import relative_path


def href(target: str, here: str) -> str:
    """Relative link from the page at URL `here` to the site path `target`.

    Both are site-relative (`tax/np/` or `tax/np/rss.xml`); a trailing `/` marks a page.
    """
    base = here.rstrip("/") or "."
    path = target.rstrip("/") or "."
    link = relative_path(path, base)
    if target.endswith("/") or target == "":
        link = "./" if link == "." else link + "/"
    return link


def a(target: str, here: str, text: str, cls: str = "") -> str:
    """An escaped anchor element."""
    klass = f' class="{cls}"' if cls else ""
    return f'<a href="{escape(href(target, here))}"{klass}>{escape(text)}</a>'
