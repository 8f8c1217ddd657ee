"""What a post's markup may carry: class and id values, sizes, and URLs as a browser reads them.

The tag and attribute names are allow-listed in `render.py`; this module decides their
values. Posts must not wear the theme's own classes (a `md-*` class can lay a full-page
link over the site) nor an id the page itself uses (Material reads `#__config` to decide
where it fetches from), and every URL is judged as the browser will parse it (WHATWG URL
parsing: backslashes are slashes, tabs and newlines vanish, leading controls and spaces
are trimmed), so a URL that looks site-relative here cannot load from another host there.
"""

from __future__ import annotations

import re

# Classes the enabled Markdown extensions write (admonition, details, tasklist, footnotes,
# toc permalinks, superfences/highlight), and nothing else: a class is styling the post
# only gets through the extension that owns it.
EXTENSION_CLASSES = frozenset({
    "admonition", "admonition-title", "headerlink", "footnote", "footnote-ref", "footnote-backref",
    "task-list", "task-list-item", "task-list-control", "task-list-indicator",
    "highlight", "highlighttable", "linenos", "linenodiv", "filename", "hll", "code",
    "arithmatex", "critic", "caret", "tilde", "mark", "inlinehilite",
})
# The admonition and details types Material styles (with their aliases).
ADMONITION_TYPES = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success",
    "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure",
    "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
})
_LANGUAGE_CLASS = re.compile(r"^language-[a-z0-9+#_-]{1,30}$")
# Ids a post may keep as written: no space or control, not starting with `_` (the theme's
# `__config`, `__drawer` …), and not in a namespace of the page around it (below).
_SAFE_ID = re.compile(r"^[^\s_\x00-\x1f\x7f][^\s\x00-\x1f\x7f]{0,99}$")
RESERVED_ID_PREFIXES = ("md-", "md_", "portal-", "portal_", "u-")
OWN_ID_PREFIX = "u-"
_SIZE = re.compile(r"^[0-9]{1,4}%?$")
# WHATWG URL parsing: leading and trailing C0 controls and spaces are trimmed, every tab
# and newline removed, and in http(s) URLs a backslash is a slash.
_EDGE = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _pygments_classes() -> frozenset[str]:
    """The short token classes Pygments writes inside `.highlight` (from Pygments itself)."""
    try:
        from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - Material depends on Pygments
        return frozenset()
    return frozenset(name for name in STANDARD_TYPES.values() if name)


ALLOWED_CLASSES = EXTENSION_CLASSES | ADMONITION_TYPES | _pygments_classes()


def safe_classes(value: str) -> str | None:
    """The class tokens a post may carry (the rest dropped), or None when none is left."""
    kept = [c for c in value.split() if c in ALLOWED_CLASSES or _LANGUAGE_CLASS.match(c)]
    return " ".join(dict.fromkeys(kept)) or None


def own_id(value: str) -> str:
    """An id as it stands in a post: kept when it cannot shadow an element of the page
    (`__config`, `md-…`, `portal-…`), else moved into the posts' own `u-` namespace. The same
    mapping applies to `#fragment` links, so a post's own links keep working."""
    if _SAFE_ID.match(value) and not value.lower().startswith(RESERVED_ID_PREFIXES):
        return value
    return OWN_ID_PREFIX + "".join(c if c.isalnum() or c in "_-:" else "-" for c in value)[:100]


def safe_size(value: str) -> str | None:
    """A width or height of at most four digits (a percentage allowed), else None."""
    return value if _SIZE.match(value.strip()) else None


def normalise_url(url: str) -> str:
    """`url` as a browser parses it: edges trimmed of controls and spaces, tabs and newlines
    removed, backslashes turned into slashes (what http(s) pages do with relative and
    http(s) URLs). What the site publishes is this form, so the decision made on it holds."""
    url = _TAB_NEWLINE.sub("", _EDGE.sub("", url))
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in ("http", "https", "ws", "wss", "ftp", "file"):
        return url  # mailto:, tel: …: not a hierarchical URL, backslashes stay
    return url.replace("\\", "/")


def url_scheme(url: str) -> str:
    """The scheme of a normalised URL, lower case, or '' for a relative one."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def is_remote(url: str) -> bool:
    """Whether a URL (normalised here) leaves the site: a scheme (`https:`, `data:`, even
    `https:host` without slashes) or an authority (`//host`, `/\\host`, `\\\\host`)."""
    url = normalise_url(url)  # without a scheme, only `//` starts an authority (as urlsplit reads it)
    return bool(url_scheme(url)) or url.startswith("//")


# Elements that make a box of their own: a link around one could cover a whole page.
BLOCK_TAGS = frozenset({
    "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "ol", "p", "pre", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "caption", "colgroup",
})
# A start or end tag of sanitised HTML (nh3 escapes `<` in text and `>` in attribute values).
_TAG_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")


def unlink_blocks(fragment: str) -> str:
    """Links hold text and images only: an `<a>` wrapped around block content (a post made
    into one big link to another site) keeps its content but loses its `href`."""
    if "<a " not in fragment:
        return fragment
    open_links: list[int] = []
    unlinked: set[int] = set()
    for match in _TAG_TOKEN.finditer(fragment):
        closing, name = match.group(1), match.group(2).lower()
        if name == "a":
            if not closing:
                open_links.append(match.start())
            elif open_links:
                open_links.pop()
        elif not closing and open_links and name in BLOCK_TAGS:
            unlinked.update(open_links)
    if not unlinked:
        return fragment
    parts, last = [], 0
    for start in sorted(unlinked):
        parts += [fragment[last:start], "<a>"]
        last = fragment.index(">", start) + 1
    return "".join(parts) + fragment[last:]
