"""Corrections to Material's JavaScript bundle, applied to the copy a build writes.

Material (9.x, and Zensical after it) takes every `<link rel="alternate">` of a page for a
language version of the site and fetches `sitemap.xml` beside the link's target. The portal's
feed links are alternates too (the content contract requires them), so every page whose feeds
sit in a folder (`tax/np/rss.xml`) asked for `tax/np/sitemap.xml` and got a 404. The fix the
upstream report proposes is to select language versions only (`[hreflang]`); this module makes
exactly that change. No MkDocs import.
"""

from __future__ import annotations

import re

BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js")
ALTERNATES = '"link[rel=alternate]"'
LANGUAGE_VERSIONS = '"link[rel=alternate][hreflang]"'


def is_bundle(src_uri: str) -> bool:
    """Whether a theme file is Material's main JavaScript bundle."""
    return BUNDLE.fullmatch(src_uri) is not None


def language_alternates_only(script: str) -> str | None:
    """The bundle with its language-version lookup limited to links with `hreflang`; None when
    the bundle does not contain the lookup exactly once (another Material version: the browser
    test that records failed requests tells whether it still needs a fix)."""
    if script.count(ALTERNATES) != 1:
        return None
    return script.replace(ALTERNATES, LANGUAGE_VERSIONS)
