"""Search shards: which posts go into which index, and the cache of finished shards.

One shard per system (a big system is cut into runs of years, see `system_parts`), plus
`_pages` for ordinary pages; each is written to `pagefind/<shard>/` by `index_files`. A
shard's output is kept in the cache under the digest of its records, and under the key of
its inputs (posts, rendered bodies, orgs.yml, configuration, code), so that an unchanged
shard is linked into the site without even making its records.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from functools import cached_property

from ..cache import digest, file_bytes, tree_digest
from .index_files import Bundle, pagefind_version, post_terms, shard_files, write_files
from .records import Records, SearchRecord, built_page, index_words, searchable_pages

INDEX_DIR = "pagefind"
PAGES_SHARD = "_pages"  # `_` cannot start a system id, so no system shard can clash
CACHE_FORMAT = "portal-search-8"  # bump when records, words or the file format change meaning

# Most posts in one shard, counted in characters of rendered HTML. A bigger system is
# indexed as several shards, each a run of whole years (of months, for a year bigger than
# this): an edit rewrites one such run, and a search loads each shard's meta file.
MAX_SHARD_CHARS = 3_000_000


@dataclass
class Shard:
    """The records of one index written to `pagefind/<name>/`."""

    name: str
    records: list[SearchRecord] = field(default_factory=list)

    @cached_property
    def digest(self) -> str:
        """Hash of everything that decides the shard's output files."""
        h = hashlib.sha256(f"{CACHE_FORMAT}\0{pagefind_version()}\0{self.name}".encode())
        for record in self.records:
            fields = [record.url, record.content, record.meta, record.filters]
            h.update(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode())
        return h.hexdigest()[:32]


def all_shards(build, site_dir: str | None = None) -> list[Shard]:
    """One shard per system that has posts (several for a big system, see `system_parts`),
    plus ordinary pages read from the built site."""
    found = post_shards(build)
    if site_dir is not None:
        found += pages_shards(build, site_dir)
    return found


def post_shards(build) -> list[Shard]:
    """The shards of posts (everything but the ordinary pages), from the core alone."""
    records = Records(build)
    return [Shard(name, [records.record(post) for post in posts]) for name, posts in system_parts(build)]


@dataclass(frozen=True)
class PlannedShard:
    """A post shard known by what decides its records (the posts, their rendered bodies,
    orgs.yml, the configuration, the code), before any record is made: when the cache knows
    those inputs, the shard is linked from it (`ShardCache.known`)."""

    name: str
    sources: tuple  # the posts' source paths, in page order
    inputs: str

    def shard(self, build) -> Shard:
        """The shard with its records (made now)."""
        records = Records(build)
        return Shard(self.name, [records.record(build.post(source)) for source in self.sources])


def planned_post_shards(build) -> list[PlannedShard]:
    """The post shards with the key of their inputs (see `PlannedShard`)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    settings = digest(CACHE_FORMAT, pagefind_version(), repr(build.config),
                      file_bytes(os.path.join(build.content_dir, "orgs.yml")),
                      file_bytes(os.path.join(package, "config.py")),
                      tree_digest([os.path.join(package, "core"), os.path.dirname(os.path.abspath(__file__))]))
    found = []
    for name, posts in system_parts(build):
        parts = [settings, name]
        for post in posts:
            rendered = build.rendered[post.source]
            # a post's fields come from its path and bytes (post.digest), orgs.yml and the configuration
            parts += [post.source, post.digest, rendered.html, repr(rendered.image)]
        found.append(PlannedShard(name, tuple(p.source for p in posts), digest(*parts)))
    return found


def pages_shards(build, site_dir: str) -> list[Shard]:
    """The shard of ordinary pages (none when there are none), read from the built site."""
    pages = Shard(PAGES_SHARD, [r for r in (built_page(site_dir, s) for s in searchable_pages(build)) if r])
    return [pages] if pages.records else []


def system_parts(build) -> list[tuple[str, list]]:
    """(shard name, posts) of every system with posts, in the order of orgs.yml.

    A system whose posts are bigger than `MAX_SHARD_CHARS` is cut into runs of whole years,
    oldest first (`tax~2019-2023`, `tax~2024-2026`), a year too big on its own into runs of
    months (`tax~202501-202506`): new posts change the newest shard only."""
    by_system: dict[str, list] = {s: [] for s in build.portal.orgs.systems}
    for post in sorted(build.portal.posts, key=lambda p: p.source):
        by_system[post.system].append(post)
    parts = []
    for system, posts in by_system.items():
        if not posts:
            continue
        if sum(post_size(build, p) for p in posts) <= MAX_SHARD_CHARS:
            parts.append((system, posts))
            continue
        for first, last, group in date_runs(build, posts, lambda p: f"{p.date.year:04d}"):
            if first == last and sum(post_size(build, p) for p in group) > MAX_SHARD_CHARS:
                months = date_runs(build, group, lambda p: f"{p.date.year:04d}{p.date.month:02d}")
                parts.extend((f"{system}~{a}" + (f"-{b}" if b != a else ""), g) for a, b, g in months)
            else:
                parts.append((f"{system}~{first}" + (f"-{last}" if last != first else ""), group))
    return parts


def date_runs(build, posts: list, key) -> list[tuple[str, str, list]]:
    """Posts grouped by `key` (a year or month), the groups joined oldest first into runs of at
    most `MAX_SHARD_CHARS`: (first key, last key, posts in their original order)."""
    groups: dict[str, list] = {}
    for post in posts:
        groups.setdefault(key(post), []).append(post)
    runs, keys, size = [], [], 0
    for name in sorted(groups):
        grown = sum(post_size(build, p) for p in groups[name])
        if keys and size + grown > MAX_SHARD_CHARS:
            runs.append(keys)
            keys, size = [], 0
        keys.append(name)
        size += grown
    if keys:
        runs.append(keys)
    return [(run[0], run[-1], [p for p in posts if key(p) in run]) for run in runs]


def post_size(build, post) -> int:
    """Size of a post for shard planning: characters of its rendered HTML and title."""
    return len(build.rendered[post.source].html) + len(post.title)


def shard_names(build) -> list[str]:
    """Names of the shards `write` produces, in the order the search page loads them."""
    return [name for name, _ in system_parts(build)] + ([PAGES_SHARD] if searchable_pages(build) else [])


def system_shards(build) -> dict[str, list[str]]:
    """The shards of each system, by the system's name as readers see it (the 系统 filter)."""
    found: dict[str, list[str]] = {}
    for name, posts in system_parts(build):
        found.setdefault(build.portal.orgs.systems[posts[0].system].name, []).append(name)
    return found



# ---------------------------------------------------------------- cache


class ShardCache:
    """Finished shard outputs kept under the cache folder, keyed by the shard's digest."""

    def __init__(self, root: str | None):
        self.root = os.path.join(root, "search") if root else None

    def path(self, shard: Shard) -> str | None:
        return os.path.join(self.root, shard.name, shard.digest) if self.root else None

    def restore(self, shard: Shard, output: str) -> bool:
        """Copy a cached shard into the site; False when there is none."""
        cached = self.path(shard)
        if not cached or not os.path.isfile(os.path.join(cached, "pagefind-entry.json")):
            return False
        link_tree(cached, output)
        return True

    def known(self, planned: PlannedShard) -> str | None:
        """The cached output of a post shard with these inputs, if any."""
        if not self.root:
            return None
        try:
            with open(os.path.join(self.root, planned.name, f"inputs-{planned.inputs}"), encoding="ascii") as handle:
                known = handle.read().strip()
        except OSError:
            return None
        cached = os.path.join(self.root, planned.name, known)
        if known.isalnum() and os.path.isfile(os.path.join(cached, "pagefind-entry.json")):
            return cached
        return None

    def remember(self, planned: PlannedShard, shard: Shard) -> None:
        """Note that the inputs of `planned` gave `shard` (after `store`)."""
        if not self.root:
            return
        plan = os.path.join(self.root, planned.name, f"inputs-{planned.inputs}")
        try:
            os.makedirs(os.path.dirname(plan), exist_ok=True)
            with open(f"{plan}.tmp{os.getpid()}", "w", encoding="ascii") as handle:
                handle.write(shard.digest)
            os.replace(f"{plan}.tmp{os.getpid()}", plan)
        except OSError:
            pass

    def store(self, shard: Shard, output: str) -> None:
        """Keep this shard's output as the only cached version of the shard."""
        cached = self.path(shard)
        if not cached:
            return
        folder = os.path.dirname(cached)
        shutil.rmtree(folder, ignore_errors=True)
        temporary = cached + ".tmp"
        shutil.copytree(output, temporary, copy_function=link_or_copy)
        os.replace(temporary, cached)


def link_tree(cached: str, output: str) -> None:
    """Put a cached shard folder into the site without copying its bytes."""
    shutil.copytree(cached, output, copy_function=link_or_copy)


def link_or_copy(source: str, target: str) -> None:
    """A hard link (no bytes copied: a shard is some thousands of files), or a copy where the
    file system has none. Shard files are only ever written into a new, empty folder."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def index_shard(shard: Shard, output: str, found: Bundle) -> None:
    """Write one shard's files into `output` (an empty or missing folder)."""
    terms = [post_terms(index_words(record.content)) for record in shard.records]
    write_files(shard_files(shard.records, terms, found), output)


def refresh(cache: ShardCache, found: list[Shard], root: str, library: Bundle) -> None:
    """Put each shard into `root/<name>/`: unchanged ones from the cache, the rest written
    (and cached)."""
    for shard in found:
        output = os.path.join(root, shard.name)
        if not cache.restore(shard, output):
            index_shard(shard, output, library)
            cache.store(shard, output)


def refresh_post_shard(build, cache: ShardCache, planned: PlannedShard, root: str, library: Bundle) -> str:
    """Put one post shard into `root/<name>/`, from the cache when its inputs or its records are
    known, else written; returns how ("linked" or "indexed")."""
    output = os.path.join(root, planned.name)
    cached = cache.known(planned)
    if cached:
        link_tree(cached, output)
        return "linked"
    shard = planned.shard(build)
    how = "linked" if cache.restore(shard, output) else "indexed"
    if how == "indexed":
        index_shard(shard, output, library)
        cache.store(shard, output)
    cache.remember(planned, shard)
    return how

