"""Files that belong to a draft stay out of a published build.

A draft's photos and attachments sit beside it like any post's: in its folder (the ones it
links to) or in a sub-folder of its own (`rally.md` → `rally/…`). Published before the post
is, they would leak what the draft is about. A file a published post also links to stays.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from .safehtml import is_remote, normalise_url

# Link targets in Markdown (`](x)`, `[id]: x`) and raw HTML (`src=`, `href=`).
_MARKDOWN_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")
_REFERENCE_TARGET = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_HTML_TARGET = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def linked_files(source: str, body: str) -> set[str]:
    """Content paths of the files a post's body links to (relative or site-absolute)."""
    found: set[str] = set()
    base = posixpath.dirname(source)
    targets = _MARKDOWN_TARGET.findall(body) + _REFERENCE_TARGET.findall(body)
    targets += ["".join(groups) for groups in _HTML_TARGET.findall(body)]
    for raw in targets:
        url = normalise_url(raw)
        if is_remote(url):
            continue
        path = unquote(urlsplit(url).path)
        if path:
            found.add(posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)))
    return found


def draft_files(drafts: list, posts: list, assets: set[str]) -> set[str]:
    """The assets that belong to a draft (linked by it, or in its own sub-folder) and to no
    published post."""
    owned: set[str] = set()
    for draft in drafts:
        folder = draft.source[: -len(".md")] + "/"
        owned |= {a for a in assets if a.startswith(folder)}
        owned |= linked_files(draft.source, draft.body) & assets
    if not owned:
        return owned
    used = set().union(*(linked_files(p.source, p.body) for p in posts))
    return owned - used
