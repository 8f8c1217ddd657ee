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

import hashlib
import json
import os
import shutil
from dataclasses import dataclass

from .. import served
from ..cache import FORMAT, BucketStore, cache_problem, digest, seal, unseal
from .index_files import Bundle, DamagedVersion, IndexedPost, PostTerms, indexed_post, pagefind_version, write_files
from .postings import PageFacts, ShardPostings, assemble, page_facts, shard_files
from .records import Records, built_page, index_words, searchable_pages

INDEX_DIR = "pagefind"
PAGES_SHARD = "_pages"  # `_` cannot start a system id, so no system shard can clash
CACHE_FORMAT = "portal-search-10"  # bump when records, words or the file format change meaning
STATE_SUFFIX = ".state"  # `<key>.state` beside a cached shard version: its words, for in-place updates
MANIFEST_SUFFIX = ".manifest"  # `<key>.manifest`: the SHA-256 of each of its files
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


def with_blob(header: dict, blobs: list[bytes]) -> bytes:
    """Plain data for the cache: a JSON header (with the length of each blob) and the blobs."""
    header = {**header, "blob_sizes": [len(b) for b in blobs]}
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    return len(text).to_bytes(8, "little") + text + b"".join(blobs)


def read_blob(data: bytes) -> tuple[dict, list[bytes]]:
    """The header and blobs `with_blob` wrote (ValueError when the data is not that)."""
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size].decode("utf-8", "surrogatepass"))
    if not isinstance(header, dict):
        raise ValueError("not a header")
    blobs, at = [], 8 + size
    for length in header["blob_sizes"]:
        blobs.append(data[at:at + length])
        at += length
    if at != len(data):
        raise ValueError("blob sizes differ")
    return header, blobs


def dump_indexed(post: IndexedPost) -> bytes:
    words = list(post.terms.words.items())
    header = {"hash": post.fragment_hash, "filters": post.filters, "count": post.terms.word_count,
              "words": [w for w, _ in words], "numbers": [n for _, (_, n) in words]}
    return with_blob(header, [post.fragment] + [body for _, (body, _) in words])


def load_indexed(data: bytes) -> IndexedPost:
    header, blobs = read_blob(data)
    words = dict(zip(header["words"], zip(blobs[1:], header["numbers"])))
    if len(words) != len(blobs) - 1:
        raise ValueError("words and entries differ")
    return IndexedPost(blobs[0], header["hash"], header["filters"], PostTerms(header["count"], words))


def dump_state(state: dict) -> bytes:
    """A shard version's state (see `write_post_shard`) as plain data."""
    words = list(state["words"].items())
    header = {"sources": list(state["sources"]), "keys": list(state["keys"]), "key": state["key"],
              "pages": state["pages"], "words": [w for w, _ in words], "numbers": [v[3] for _, v in words]}
    return with_blob(header, [part for _, v in words for part in v[:3]])


def load_state(data: bytes) -> dict:
    header, blobs = read_blob(data)
    if len(blobs) != 3 * len(header["words"]):
        raise ValueError("words and entries differ")
    words = {w: (blobs[3 * i], blobs[3 * i + 1], blobs[3 * i + 2], n)
             for i, (w, n) in enumerate(zip(header["words"], header["numbers"]))}
    return {"sources": header["sources"], "keys": header["keys"], "key": header["key"],
            "pages": [tuple(p) for p in header["pages"]], "words": words}


class PostStore:
    """Each post's `IndexedPost`, made once per version of the post, in packs per shard
    (`search-posts-v2/<shard>/<x>.pack`, plain data, checked on read): a shard is written by
    one worker, which saves its own packs (`save`), so workers never write the same file."""

    def __init__(self, cache_dir: str | None, shard: str):
        self.entries = BucketStore(cache_dir, "search-posts", shard, digits=1)

    def get(self, key: str) -> IndexedPost | None:
        """The cached index data of a post version (None: not cached, or damaged)."""
        data = self.entries.read(key)
        if data is None:
            return None
        try:
            return load_indexed(data)
        except (ValueError, KeyError, TypeError):  # not what `indexed` wrote: made again
            cache_problem(f"{self.entries.folder}#{key[:12]}", "内容不是缓存写入的格式")
            return None

    def indexed(self, record_of, source: str, key: str) -> IndexedPost:
        """The index data of a post version: cached, or made from `record_of(source)`."""
        found = self.get(key)
        if found is not None:
            return found
        record = record_of(source)
        made = indexed_post(record, index_words(record.content))
        self.entries.write(key, dump_indexed(made))
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
    """Finished shards under `<cache_dir>/search/<name>/<key>/`, the latest version of each name,
    each with `<key>.manifest` (the SHA-256 of every file, sealed) and, for post shards,
    `<key>.state` (its words, for in-place updates; sealed plain data). A version is copied
    into the site file by file, each checked against the manifest: a damaged version is a miss."""

    def __init__(self, cache_dir: str | None):
        self.root = os.path.join(cache_dir, "search") if cache_dir else None

    def path(self, name: str, key: str) -> str | None:
        return os.path.join(self.root, name, key) if self.root else None

    def known(self, name: str, key: str) -> bool:
        cached = self.path(name, key)
        return bool(cached) and os.path.isfile(f"{cached}{MANIFEST_SUFFIX}")

    def digests(self, folder: str) -> dict[str, str] | None:
        """The manifest of a cached version (None: missing or damaged, noted)."""
        key = os.path.basename(folder)
        try:
            with open(f"{folder}{MANIFEST_SUFFIX}", "rb") as handle:
                stored = handle.read()
        except OSError:
            return None
        data = unseal(key, stored, f"{folder}{MANIFEST_SUFFIX}")
        try:
            found = json.loads(data) if data is not None else None
        except ValueError:
            found = None
        return found if isinstance(found, dict) else None

    def restore(self, name: str, key: str, output: str) -> bool:
        """Copy a cached shard into the site, every file checked; False (the output cleared)
        when there is none, when a file differs from its digest (noted), or when another
        build replaced it meanwhile."""
        folder = self.path(name, key)
        digests = self.digests(folder) if folder and self.known(name, key) else None
        if digests is None:
            return False
        try:
            copy_checked(folder, output, digests)
        except DamagedVersion as damaged:
            cache_problem(str(damaged), "内容与校验值不符（已损坏或被改动）")
            shutil.rmtree(output, ignore_errors=True)
            return False
        except OSError:
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
        """Keep a copy of this output as the only cached version of the shard, with its manifest
        and `state` (what `updated_shard` needs to update it in place). Older versions are
        renamed aside before they are deleted, so a build reading the cache meanwhile sees a
        version whole or not at all (and then writes the shard itself)."""
        cached = self.path(name, key)
        if not cached:
            return
        self._set_aside(os.path.dirname(cached))
        temporary = f"{cached}.tmp{os.getpid()}"
        try:
            os.makedirs(os.path.dirname(cached), exist_ok=True)
            shutil.copytree(output, temporary)  # copies: the site shares no inode with the cache
            digests = {}
            for current, _, names in os.walk(temporary):
                for file_name in names:
                    path = os.path.join(current, file_name)
                    with open(path, "rb") as handle:
                        relative = os.path.relpath(path, temporary).replace(os.sep, "/")
                        digests[relative] = hashlib.sha256(handle.read()).hexdigest()
            if state is not None:
                _write_sealed(f"{cached}{STATE_SUFFIX}", key, dump_state(state))
            _write_sealed(f"{cached}{MANIFEST_SUFFIX}", key, json.dumps(digests, sort_keys=True).encode("utf-8"))
            os.replace(temporary, cached)
        except (OSError, shutil.Error) as error:
            cache_problem(cached, f"无法写入（{error}）")
            shutil.rmtree(temporary, ignore_errors=True)

    def state(self, name: str) -> dict | None:
        """The state stored with the shard's cached version (None: none, or damaged)."""
        folder = self.latest(name)
        if folder is None:
            return None
        try:
            with open(f"{folder}{STATE_SUFFIX}", "rb") as handle:
                stored = handle.read()
        except OSError:
            return None
        data = unseal(os.path.basename(folder), stored, f"{folder}{STATE_SUFFIX}")
        try:
            return load_state(data) if data is not None else None
        except (ValueError, KeyError, TypeError):
            cache_problem(f"{folder}{STATE_SUFFIX}", "内容不是缓存写入的格式")
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
        """Rename a shard folder's versions aside, then delete them, their states and manifests."""
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if not entry.is_dir():
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


def copy_checked(folder: str, output: str, digests: dict[str, str]) -> None:
    """Copy the files of a cached shard version into `output`, each checked against its digest."""
    for path in sorted(digests):
        source, target = os.path.join(folder, *path.split("/")), os.path.join(output, *path.split("/"))
        if served.unchanged(target, digests[path]):  # `portal serve`: already in its folder
            continue
        with open(source, "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != digests[path]:
            raise DamagedVersion(source)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
        served.wrote(target, digests[path])


def _write_sealed(path: str, key: str, data: bytes) -> None:
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "wb") as handle:
        handle.write(seal(key, data))
    os.replace(temporary, path)


def index_shard(name: str, posts: list[IndexedPost], root: str, library: Bundle) -> None:
    """Write one shard's files into `root/<name>/` (an empty or missing folder)."""
    write_files(shard_files(posts, library), os.path.join(root, name))


def write_post_shard(build, planned: PlannedShard, root: str, library: Bundle, inputs: dict | None = None) -> str:
    """Put one post shard into `root/<name>/`: linked from the cache when its key is known;
    updated in place when only some of its posts changed since its cached version; else
    written from its posts' index data (cached per post). Returns "linked", "updated" or "indexed".

    `inputs` (source → `RecordInputs`) are the shard's posts as a worker receives them; without
    them the records are made from the build's own posts."""
    cache, output = ShardCache(build.cache_dir), os.path.join(root, planned.name)
    if cache.restore(planned.name, planned.key, output):
        return "linked"
    store, records = PostStore(build.cache_dir, planned.name), Records(build)
    if inputs is None:
        def record_of(source):
            return records.record(build.post(source))
    else:
        def record_of(source):
            return records.record_of(inputs[source])
    previous = cache.latest(planned.name)
    digests = cache.digests(previous) if previous else None
    made = updated_shard(record_of, store, cache, planned, previous) if digests is not None else None
    how = "updated"
    if made is not None:
        pages, postings, fragments = made
        try:
            write_files(assemble(pages, postings, library, fragments), output, previous, digests)
        except DamagedVersion as damaged:  # the last version's fragment changed: written whole
            cache_problem(str(damaged), "内容与校验值不符（已损坏或被改动）")
            shutil.rmtree(output, ignore_errors=True)
            made = None
    if made is None:
        posts = [store.indexed(record_of, source, key) for source, key in zip(planned.sources, planned.post_keys)]
        pages, postings = [page_facts(p) for p in posts], ShardPostings.from_terms([p.terms for p in posts])
        write_files(assemble(pages, postings, library, {page: post.fragment for page, post in enumerate(posts)}), output)
        how = "indexed"
    store.save(planned)
    cache.store(planned.name, planned.key, output,
                {"sources": planned.sources, "keys": planned.post_keys, "key": planned.key,
                 "pages": [(f.fragment_hash, f.word_count, f.filters) for f in pages], "words": postings.dump()})
    return how


def updated_shard(record_of, store: PostStore, cache: ShardCache, planned: PlannedShard,
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
        new = store.indexed(record_of, planned.sources[page], planned.post_keys[page])
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
        index_shard(PAGES_SHARD, [indexed_post(r, index_words(r.content)) for r in records], root, library)
        cache.store(PAGES_SHARD, key, output)
