"""What a `portal serve` session keeps in memory between saves (no MkDocs import).

A save rebuilds the portal in the same process; the memo spares the files and posts that
did not change since the last build:

- files of the content folder are read again only when their size or modification time
  changed (`read`);
- a post is parsed again only when its bytes or what else decides parsing (orgs.yml, the
  configuration: `PortalBuild.parse_settings`) changed, under the same rule for the reference
  time as the parsed-post cache (`cache.ParsedPostCache`);
- a body is rendered again only when its render key changed or a link target it looked up
  answers differently (the render cache's rule).

Every result handed out is a copy, as the caches hand out fresh objects: a build may
change what it is given (a post's summary, a body's problems). `counts` says how many files
were read, posts parsed and bodies rendered (the tests read it). The memo is used only when
caches are on (`--no-cache`: every save is a build from nothing).
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections import Counter
from datetime import datetime, timedelta


class ServeMemo:
    """Files, parsed posts and rendered bodies of the last build of a serve session."""

    def __init__(self):
        self.files: dict[str, tuple[int, int, bytes]] = {}  # path → (mtime_ns, size, bytes)
        self.parsed: dict[str, tuple[str, bytes, object]] = {}  # source → (settings, bytes, PostResult)
        self.rendered: dict[str, tuple[object, tuple]] = {}  # render key → (Rendered, link lookups)
        self.folders: set[str] = set()  # page URLs whose folders were made (see new_folders)
        self.own_files: dict[str, object] = {}  # src_uri → the plugin's PortalPageFile (one configuration)
        self.counts: Counter = Counter()
        self.builds = 0

    def reader(self, content_dir: str):
        """`read(rel) -> bytes` for load_portal, from memory while a file is unchanged."""
        def read(rel: str) -> bytes:
            path = os.path.join(content_dir, rel)
            stat = os.stat(path)
            known = self.files.get(path)
            if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
                return known[2]
            with open(path, "rb") as handle:
                data = handle.read()
            self.counts["files read"] += 1
            self.files[path] = (stat.st_mtime_ns, stat.st_size, data)
            return data
        return read

    def parser(self, parse, settings: str):
        """`parse(source, data, orgs, config, now)` that reuses the last result of an unchanged post."""
        def parsed(source: str, data: bytes, orgs, config, now: datetime):
            known = self.parsed.get(source)
            if known is not None and known[0] == settings and (known[1] is data or known[1] == data):
                result = known[2]
                if _holds(result, now):
                    return _copy_result(result)
            result = parse(source, data, orgs, config, now)
            self.counts["posts parsed"] += 1
            self.parsed[source] = (settings, data, _copy_result(result))
            return result
        return parsed

    def rendered_body(self, key: str, context, holds):
        """The body rendered under `key` by an earlier build, when every link lookup it made
        (`holds(context, lookup)`) gives the same answer now; else None."""
        known = self.rendered.get(key)
        if known is None or not all(holds(context, lookup) for lookup in known[1]):
            return None
        return _copy_rendered(known[0])

    def keep_rendered(self, key: str, rendered, lookups: tuple) -> None:
        """Remember a body (rendered now, or read from the render cache)."""
        self.rendered[key] = (_copy_rendered(rendered), lookups)

    def new_folders(self, urls: list[str]) -> list[str]:
        """The page URLs among `urls` whose folders no earlier build of the session made."""
        new = [url for url in urls if url not in self.folders]
        self.folders.update(new)
        return new

    def forget_unused(self, sources: set[str], keys: set[str]) -> None:
        """After a build: drop what no post of it used (deleted or edited posts' old entries)."""
        self.parsed = {s: v for s, v in self.parsed.items() if s in sources}
        self.rendered = {k: v for k, v in self.rendered.items() if k in keys}


def _holds(result, now: datetime) -> bool:
    """Whether a parse result still holds at `now`: one with problems is parsed again (its
    messages may name the date), as is a post dated more than a day after `now`."""
    post = getattr(result, "post", None)
    if post is None or result.problems:
        return False
    latest = max(d for d in (post.date, post.answered) if d is not None)
    return latest <= now + timedelta(days=1)


def _copy_result(result):
    result = copy.copy(result)
    result.problems = list(result.problems)
    if result.post is not None:
        result.post = copy.copy(result.post)
    return result


def _copy_rendered(rendered):
    return dataclasses.replace(rendered, problems=list(rendered.problems))
