"""Search shards: which posts go into which index, and the caches that make a rebuild cheap.

One shard per system (a big system is cut into runs of years, see `system_parts`), plus
`_pages` for ordinary pages; each is written to `pagefind/<shard>/` by `index_files`.
Two caches under `<cache_dir>`:

- `search/<shard>/<key>/`: a finished shard, keyed by everything that decides it (its posts'
  keys, orgs.yml, the configuration, the code), linked into the site when nothing changed;
- `search-posts-v1/`: each post's `IndexedPost` (fragment and postings), keyed by the post's
  path, bytes and rendered body, so that an edit rewrites its shard without re-reading the
  other posts of the shard.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from dataclasses import dataclass

from ..cache import FORMAT, BucketStore, digest
from .index_files import Bundle, IndexedPost, indexed_post, pagefind_version, write_files
from .postings import PageFacts, ShardPostings, assemble, page_facts, shard_files
from .records import Records, built_page, index_words, searchable_pages

INDEX_DIR = "pagefind"
PAGES_SHARD = "_pages"  # `_` cannot start a system id, so no system shard can clash
CACHE_FORMAT = "portal-search-9"  # bump when records, words or the file format change meaning
STATE_SUFFIX = ".postings"  # `<key>.postings` beside a cached shard version: its words, for in-place updates
BUNDLE_PREFIX = "bundle-"  # `<cache_dir>/search/bundle-<version>/`: Pagefind's browser library (index_files.bundle)

# Most posts in one shard, counted in characters of rendered HTML. A bigger system is
# indexed as several shards, each a run of whole years (of months, for a year bigger than
# this): an edit rewrites one such run, and a search loads each shard's meta file.
MAX_SHARD_CHARS = 3_000_000


@dataclass(frozen=True)
class PlannedShard:
    """A post shard known by the keys of its posts, before any record is made."""

    name: str
    sources: tuple  # the posts' source paths, in page order
    post_keys: tuple  # each post's key (see `planned_post_shards`)
    key: str  # the shard's: its name, its posts' keys and the settings


def planned_post_shards(build, settings: str) -> list[PlannedShard]:
    """The post shards of the build, with the key of each post and of each shard. A post's
    record comes from its path and bytes (`post.digest`), its rendered body, orgs.yml and the
    configuration; the code that turns it into index data is part of every key."""
    found = []
    for name, posts in system_parts(build):
        keys = []
        for post in posts:
            rendered = build.rendered[post.source]
            keys.append(digest(settings, post.source, post.digest, rendered.fingerprint(), repr(rendered.image)))
        found.append(PlannedShard(name, tuple(p.source for p in posts), tuple(keys), digest(settings, name, *keys)))
    return found


class PostStore:
    """Each post's `IndexedPost`, made once per version of the post, in packs per shard
    (`search-posts-v1/<shard>/<x>.pickle`): a shard is written by one worker, which saves
    its own packs (`save`), so workers never write the same file."""

    def __init__(self, cache_dir: str | None, shard: str):
        self.entries = BucketStore(cache_dir, "search-posts", shard, digits=1)

    def get(self, key: str) -> IndexedPost | None:
        """The cached index data of a post version (None: not cached, or damaged)."""
        data = self.entries.read(key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a damaged entry is made again
            return None

    def indexed(self, build, records: Records, source: str, key: str) -> IndexedPost:
        found = self.get(key)
        if found is not None:
            return found
        record = records.record(build.post(source))
        made = indexed_post(record, index_words(record.content))
        self.entries.write(key, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
        return made

    def save(self, planned: PlannedShard) -> None:
        """Write the packs this shard changed, forgetting (in the packs it read) versions of
        posts the shard no longer has once they pile up."""
        self.entries.prune(set(planned.post_keys), loaded_only=True)
        self.entries.flush()

    @staticmethod
    def prune(cache_dir: str | None, planned: list[PlannedShard]) -> None:
        """Forget the posts of shards no longer made."""
        if not cache_dir:
            return
        folder = os.path.join(cache_dir, f"search-posts-v{FORMAT}")
        names = {shard.name for shard in planned}
        for name in os.listdir(folder) if os.path.isdir(folder) else []:
            if name not in names:
                shutil.rmtree(os.path.join(folder, name), ignore_errors=True)


def pages_records(build, site_dir: str) -> list:
    """The search records of the ordinary pages, read from the built site."""
    return [r for r in (built_page(site_dir, s) for s in searchable_pages(build)) if r]


def search_settings(build) -> str:
    """What every shard's bytes depend on besides its records: the Pagefind version, what
    decides a parsed post (`PortalBuild.parse_settings`: orgs.yml, the configuration, the
    checking code, the YAML library …; a post stands in a shard's key by its file digest) and
    the code that makes records and index files."""
    from ..keys import search_settings as settings

    return settings(build, CACHE_FORMAT, pagefind_version())


def records_key(settings: str, name: str, records: list) -> str:
    """Key of a shard made from these records (the ordinary pages' shard); `settings`: `search_settings`."""
    fields = [[r.url, r.content, r.meta, r.filters] for r in records]
    return digest(settings, name, json.dumps(fields, ensure_ascii=False, sort_keys=True))


def system_parts(build) -> list[tuple[str, list]]:
    """(shard name, posts) of every system with posts, in the order of orgs.yml.

    A system whose posts are bigger than `MAX_SHARD_CHARS` is cut into runs of whole years,
    oldest first (`tax~2019-2023`, `tax~2024-2026`), a year too big on its own into runs of
    months (`tax~202501-202506`): new posts change the newest shard only."""
    return build.derived("search shards", lambda: _system_parts(build))


def _system_parts(build) -> list[tuple[str, list]]:
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
    runs: list = []
    keys: list[str] = []
    size = 0
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



# ---------------------------------------------------------------- writing


class ShardCache:
    """Finished shards under `<cache_dir>/search/<name>/<key>/`, the latest version of each name."""

    def __init__(self, cache_dir: str | None):
        self.root = os.path.join(cache_dir, "search") if cache_dir else None

    def path(self, name: str, key: str) -> str | None:
        return os.path.join(self.root, name, key) if self.root else None

    def known(self, name: str, key: str) -> bool:
        cached = self.path(name, key)
        return bool(cached) and os.path.isfile(os.path.join(cached, "pagefind-entry.json"))

    def restore(self, name: str, key: str, output: str) -> bool:
        """Link a cached shard into the site; False when there is none, or when another build
        sharing the cache replaced it while it was being linked (the output is then cleared)."""
        if not self.known(name, key):
            return False
        try:
            shutil.copytree(self.path(name, key), output, copy_function=link_or_copy)
        except (OSError, shutil.Error):
            shutil.rmtree(output, ignore_errors=True)
            return False
        if not os.path.isfile(os.path.join(output, "pagefind-entry.json")):
            shutil.rmtree(output, ignore_errors=True)
            return False
        return True

    def latest(self, name: str) -> str | None:
        """The folder of the shard's cached version, whatever its key (None: none)."""
        if not self.root:
            return None
        try:
            versions = [e.path for e in os.scandir(os.path.join(self.root, name))
                        if e.is_dir() and ".tmp" not in e.name and ".old" not in e.name]
        except OSError:
            return None
        return versions[0] if len(versions) == 1 else None

    def store(self, name: str, key: str, output: str, state: dict | None = None) -> None:
        """Keep this output as the only cached version of the shard, with `state` (what
        `updated_shard` needs to update it in place) beside it. Older versions are renamed
        aside before they are deleted, so a build reading the cache meanwhile sees a version
        whole or not at all (and then writes the shard itself)."""
        cached = self.path(name, key)
        if not cached:
            return
        self._set_aside(os.path.dirname(cached))
        temporary = f"{cached}.tmp{os.getpid()}"
        try:
            os.makedirs(os.path.dirname(cached), exist_ok=True)
            shutil.copytree(output, temporary, copy_function=link_or_copy)
            if state is not None:
                with open(f"{temporary}{STATE_SUFFIX}", "wb") as handle:
                    pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(f"{temporary}{STATE_SUFFIX}", f"{cached}{STATE_SUFFIX}")
            os.replace(temporary, cached)
        except (OSError, shutil.Error):
            shutil.rmtree(temporary, ignore_errors=True)

    def state(self, name: str) -> dict | None:
        """The state stored with the shard's cached version (None: none, or unreadable)."""
        folder = self.latest(name)
        if folder is None:
            return None
        try:
            with open(f"{folder}{STATE_SUFFIX}", "rb") as handle:
                return pickle.load(handle)
        except Exception:  # missing or damaged: the shard is written whole
            return None

    def prune(self, names: set[str]) -> None:
        """Forget shards whose names are no longer made (a system re-cut into other runs of years)."""
        if not self.root or not os.path.isdir(self.root):
            return
        for entry in os.scandir(self.root):
            if entry.is_dir() and not entry.name.startswith(BUNDLE_PREFIX) and entry.name not in names:
                self._set_aside(entry.path)
                try:
                    os.rmdir(entry.path)
                except OSError:
                    pass

    @staticmethod
    def _set_aside(folder: str) -> None:
        """Rename a shard folder's versions aside, then delete them and their states."""
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if not entry.is_dir():
                if entry.name.endswith(STATE_SUFFIX):
                    try:
                        os.remove(entry.path)
                    except OSError:
                        pass
                continue
            aside = f"{entry.path}.old{os.getpid()}"
            try:
                os.replace(entry.path, aside)
            except OSError:
                continue
            shutil.rmtree(aside, ignore_errors=True)


def link_or_copy(source: str, target: str) -> None:
    """A hard link (no bytes copied: a shard is some thousands of files), or a copy where the
    file system has none. Shard files are only ever written into a new, empty folder."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def index_shard(name: str, posts: list[IndexedPost], root: str, library: Bundle, previous: str | None = None) -> None:
    """Write one shard's files into `root/<name>/` (an empty or missing folder); files that equal
    those of `previous` (the shard's cached last version) are linked from it."""
    write_files(shard_files(posts, library), os.path.join(root, name), previous)


def write_post_shard(build, planned: PlannedShard, root: str, library: Bundle) -> str:
    """Put one post shard into `root/<name>/`: linked from the cache when its key is known;
    updated in place when only some of its posts changed since its cached version; else
    written from its posts' index data (cached per post). Returns "linked", "updated" or "indexed"."""
    cache, output = ShardCache(build.cache_dir), os.path.join(root, planned.name)
    if cache.restore(planned.name, planned.key, output):
        return "linked"
    store, records = PostStore(build.cache_dir, planned.name), Records(build)
    previous = cache.latest(planned.name)
    made = updated_shard(build, store, records, cache, planned, previous)
    how = "updated"
    if made is None:
        posts = [store.indexed(build, records, source, key) for source, key in zip(planned.sources, planned.post_keys)]
        made = ([page_facts(p) for p in posts], ShardPostings.from_terms([p.terms for p in posts]),
                {page: post.fragment for page, post in enumerate(posts)})
        how = "indexed"
    store.save(planned)
    pages, postings, fragments = made
    write_files(assemble(pages, postings, library, fragments), output, previous)
    cache.store(planned.name, planned.key, output,
                {"sources": planned.sources, "keys": planned.post_keys, "key": planned.key,
                 "pages": [(f.fragment_hash, f.word_count, f.filters) for f in pages], "words": postings.dump()})
    return how


def updated_shard(build, store: PostStore, records: Records, cache: ShardCache, planned: PlannedShard,
                  previous: str | None) -> tuple | None:
    """(pages, postings, new fragments) of the shard made from its cached version by replacing
    the pages of the posts that changed; None when that version cannot serve (other posts, too
    many changes, a post's old data missing)."""
    state = cache.state(planned.name)
    if (state is None or previous is None or os.path.basename(previous) != state["key"]
            or tuple(state["sources"]) != planned.sources):
        return None
    changed = [page for page, (old, new) in enumerate(zip(state["keys"], planned.post_keys)) if old != new]
    if not changed or len(changed) > max(1, len(planned.sources) // 4):
        return None
    postings = ShardPostings.load(state["words"])
    pages = [PageFacts(*facts) for facts in state["pages"]]
    fragments = {}
    for page in changed:
        old = store.get(state["keys"][page])
        if old is None:
            return None
        new = store.indexed(build, records, planned.sources[page], planned.post_keys[page])
        try:
            postings.replace_page(page, old.terms, new.terms)
        except ValueError:
            return None
        pages[page], fragments[page] = page_facts(new), new.fragment
    return pages, postings, fragments


def write_pages_shard(build, site_dir: str, root: str, library: Bundle, settings: str) -> None:
    """Put the ordinary pages' shard (when there are pages worth finding) into `root/_pages/`."""
    records = pages_records(build, site_dir)
    if not records:
        return
    cache, output, key = ShardCache(build.cache_dir), os.path.join(root, PAGES_SHARD), records_key(settings, PAGES_SHARD, records)
    if not cache.restore(PAGES_SHARD, key, output):
        index_shard(PAGES_SHARD, [indexed_post(r, index_words(r.content)) for r in records], root, library,
                    cache.latest(PAGES_SHARD))
        cache.store(PAGES_SHARD, key, output)
