"""Generated pages that are not post listings (feeds index, bulletin, search) and
the files written after the pages (feeds, OPML, CSV, search index).

Each feature follows the interface of `feature.py` (pages it adds, files it writes, whether
it writes in the background); this is the one place that lists them, so the adapter and
the engine never change when one is added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ExtraPage:
    """A generated page whose body is produced by a feature module."""

    src_uri: str  # e.g. "stats/index.md"
    title: str
    render: Callable[[], str]  # returns the page's HTML body
    feeds: list = field(default_factory=list)  # core.views.Feed objects advertised in <head>
    nav_section: str | None = None  # top-level navigation entry it belongs under, if any
    template: str | None = None  # theme template other than main.html (e.g. "search.html")
    in_nav: bool = True  # False: reached through links only (filter pages, one page per area …)

    @property
    def url(self) -> str:
        return self.src_uri[: -len("index.md")]


def feature_modules() -> list:
    """The feature modules (modules of feature functions or `feature.Feature` objects), in
    the order their outputs are written."""
    from . import feeds, incentive_pages, registers_pages, search, stats_pages

    return [feeds, stats_pages, incentive_pages, registers_pages, search]
