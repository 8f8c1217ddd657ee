"""Content-hash caches under `--cache-dir` (default `.cache/portal`), no MkDocs import.

Every entry is named by the SHA-256 of everything that decides it, so a hit is always
correct and nothing is ever "invalidated" by hand:

- parsed posts (`ParsedPostCache`, one file): key = the post's path and bytes + what else
  decides parsing (`PortalBuild.parse_settings`);
- rendered posts (`RenderCache`, in pack files of `BucketStore`): key = renderer settings +
  source path + body (+ line, summary); stored with the link targets the render looked up,
  and used only while each of those targets still exists (or is still missing) with the same size;
- finished pages and feeds (`PageCache`, `FeedCache`: a file each, hard-linked into the site):
  key = everything that decides the file (a page's body or inputs, title, table of contents,
  feeds, URL, the navigation, the theme and configuration; a feed's posts and settings).

Writes go to a temporary file and are renamed into place (`write_atomically`), so two builds
sharing one cache never read half an entry. Entries not used by recent builds are pruned.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import re
import shutil
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version

FORMAT = "1"  # bump when the layout of entries changes
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def package_versions(*names: str) -> str:
    """Installed versions of `names` (part of every key: an upgrade starts a new cache)."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


def stable_repr(value) -> str:
    """`repr` that is the same in every process: sets and mappings sorted, no memory
    addresses (functions in Markdown extension configs)."""
    return _ADDRESS.sub("", repr(_canonical(value)))


def _canonical(value):
    if isinstance(value, dict):
        return ("dict", sorted((repr(_canonical(k)), _canonical(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return ("set", sorted(repr(_canonical(v)) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(_canonical(v) for v in value)
    return value


def digest(*parts) -> str:
    """SHA-256 of the parts, each turned into text and separated unambiguously."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def tree_digest(folders: list[str]) -> str:
    """Digest of every file (path and bytes) below `folders`, e.g. theme overrides; compiled
    Python (`__pycache__`) is left out, as it follows from the sources and appears on import."""
    hasher = hashlib.sha256()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(root, name)
                hasher.update(os.path.relpath(path, folder).encode("utf-8", "surrogatepass"))
                with open(path, "rb") as handle:
                    hasher.update(hashlib.sha256(handle.read()).digest())
    return hasher.hexdigest()


class EntryStore:
    """Files named by key under one folder of the cache (`<root>/<kind>/<ab>/<key><suffix>`)."""

    def __init__(self, root: str | None, kind: str, suffix: str):
        self.folder = os.path.join(root, f"{kind}-v{FORMAT}") if root else None
        self.suffix = suffix
        self.used: set[str] = set()

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def path(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + self.suffix)

    def read(self, key: str) -> bytes | None:
        """The entry's bytes, or None when absent (or unreadable)."""
        if not self.enabled:
            return None
        try:
            with open(self.path(key), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        self.used.add(key)
        return data

    def write(self, key: str, data: bytes) -> None:
        """Store an entry atomically; a cache that cannot be written is skipped silently."""
        if not self.enabled:
            return
        if write_atomically(self.path(key), data):
            self.used.add(key)

    def copy_to(self, key: str, target: str) -> bool:
        """Put the entry at `target` (folders made as needed); False when there is none.

        A hard link when the cache and the site share a file system (no bytes copied),
        else a copy. Whoever writes `target` later must replace it, never write into it:
        see `replace_file`."""
        if not self.enabled:
            return False
        source = self.path(key)
        try:
            try:
                os.link(source, target)
            except FileNotFoundError:  # no such entry, or the target's folder is missing
                if not os.path.exists(source):
                    return False
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(source, target)
            except FileExistsError:
                os.unlink(target)
                os.link(source, target)
        except FileNotFoundError:
            return False  # the entry went away meanwhile
        except OSError:  # another file system, or no hard links there
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(source, target)
            except OSError:
                return False
        self.used.add(key)
        return True

    def write_to(self, key: str, data: bytes, target: str) -> None:
        """Store an entry and put it at `target` (one write: the site file is a link to it)."""
        self.write(key, data)
        if not (key in self.used and self.copy_to(key, target)):
            replace_file(data, target)

    def prune(self, keep: set[str], slack: int = 1000) -> int:
        """Delete entries not in `keep` once they outnumber the kept ones (plus `slack`)."""
        if not self.enabled or not os.path.isdir(self.folder):
            return 0
        stale = []
        total = 0
        for shard in os.scandir(self.folder):
            if not shard.is_dir():
                continue
            for entry in os.scandir(shard.path):
                total += 1
                if entry.name.endswith(".tmp") or entry.name[: -len(self.suffix)] not in keep:
                    stale.append(entry.path)
        if len(stale) <= len(keep) + slack:
            return 0
        for path in stale:
            try:
                os.remove(path)
            except OSError:
                pass
        return len(stale)


def write_atomically(path: str, data: bytes) -> bool:
    """Write `path` through a temporary file renamed into place, so that a build reading it
    (another build sharing the cache) never sees half of it; False when it cannot be written."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        return False
    return True


def replace_file(data: bytes, path: str) -> None:
    """Write `path` as a new file (never through an existing hard link into the cache)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    with open(path, "wb") as handle:
        handle.write(data)


class BucketStore:
    """Entries (bytes by key) kept in a few pack files (`<root>/<kind>-v1/[<part>/]<xx>.pickle`,
    by the key's first `digits` hex digits), not one file each: a build of thousands of posts
    then creates and opens a few hundred files, not thousands, and an edit rewrites the one
    pack holding its entry.

    Packs are read on first use and written by `flush` (atomically, each on its own); two
    builds sharing a cache at the same moment may drop each other's new entries, which only
    costs a later miss."""

    def __init__(self, root: str | None, kind: str, part: str = "", digits: int = 2):
        self.folder = os.path.join(root, f"{kind}-v{FORMAT}", part) if root else None
        self.digits = digits
        self.packs: dict[str, dict[str, bytes]] = {}
        self.dirty: set[str] = set()

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _pack(self, key: str) -> dict[str, bytes]:
        name = key[:self.digits]
        pack = self.packs.get(name)
        if pack is None:
            pack = {}
            if self.folder:
                try:
                    with open(os.path.join(self.folder, f"{name}.pickle"), "rb") as handle:
                        pack = pickle.load(handle)
                except Exception:  # absent or damaged: an empty pack
                    pack = {}
            self.packs[name] = pack
        return pack

    def read(self, key: str) -> bytes | None:
        return self._pack(key).get(key) if self.enabled else None

    def write(self, key: str, data: bytes) -> None:
        if self.enabled:
            self._pack(key)[key] = data
            self.dirty.add(key[:self.digits])

    def prune(self, keep: set[str], slack: int = 1000, loaded_only: bool = False) -> None:
        """Forget entries not in `keep` once they outnumber the kept ones (plus `slack`); with
        `loaded_only`, among the packs this build has read only (no pack is read to prune)."""
        if not self.enabled:
            return
        if os.path.isdir(self.folder) and not loaded_only:
            for name in os.listdir(self.folder):
                if name.endswith(".pickle") and len(name) == self.digits + 7:
                    self._pack(name[:self.digits])
        stale = [(name, key) for name, pack in self.packs.items() for key in pack if key not in keep]
        share, kept = 1.0, len(keep)
        if loaded_only:  # against the kept entries these packs would hold, and their share of the slack
            share = len(self.packs) / 16 ** self.digits
            kept = sum(1 for key in keep if key[:self.digits] in self.packs)
        if len(stale) > kept + slack * share:
            for name, key in stale:
                del self.packs[name][key]
                self.dirty.add(name)

    def flush(self) -> None:
        """Write the packs that changed; a cache that cannot be written is skipped silently."""
        if not self.enabled or not self.dirty:
            return
        for name in sorted(self.dirty):
            data = pickle.dumps(self.packs[name], protocol=pickle.HIGHEST_PROTOCOL)
            if not write_atomically(os.path.join(self.folder, f"{name}.pickle"), data):
                break
        self.dirty = set()


class RenderCache:
    """Rendered post bodies, keyed by renderer settings and the post's own text.

    An entry also records every link target the render looked up (a Markdown source:
    present or not; a file: its size or absent). It is used only while all of them
    are unchanged, so adding, deleting or resizing a linked file re-renders the post.
    Entries live in packs (BucketStore); `save` writes the ones this build added.
    """

    def __init__(self, root: str | None, settings: str):
        self.store = BucketStore(root, "rendered")
        self.settings = digest(FORMAT, settings)

    def key(self, source: str, body: str, body_line: int, summary: str | None) -> str:
        return digest(self.settings, source, body, body_line, summary or "")

    def get(self, key: str, context) -> object | None:
        """The cached `Rendered`, when its link lookups still hold in `context`."""
        data = self.store.read(key)
        if data is None:
            return None
        try:
            lookups, rendered = pickle.loads(data)
        except Exception:  # a damaged entry is a miss
            return None
        return rendered if all(lookup_holds(context, lookup) for lookup in lookups) else None

    def put(self, key: str, rendered, lookups: tuple) -> None:
        self.store.write(key, pickle.dumps((lookups, rendered), protocol=pickle.HIGHEST_PROTOCOL))

    def save(self, keep: set[str] | None = None) -> None:
        """Write the entries added; with `keep`, forget the others once they pile up (and the
        one-file-per-post folder of earlier versions, `posts-v1/`, once)."""
        if keep is not None:
            self.store.prune(keep)
            if self.store.folder:
                shutil.rmtree(os.path.join(os.path.dirname(self.store.folder), f"posts-v{FORMAT}"), ignore_errors=True)
        self.store.flush()


def lookup_holds(context, lookup: tuple) -> bool:
    """Whether one recorded lookup (kind, target, answer) gives the same answer now."""
    kind, target, answer = lookup
    if kind == "md":
        return (target in context.markdown_sources) == answer
    return context.assets.get(target) == answer


class LookupLog:
    """The lookups of the render in progress (one per process)."""

    def __init__(self):
        self.entries: set[tuple] = set()

    def take(self) -> tuple:
        found, self.entries = tuple(sorted(self.entries, key=repr)), set()
        return found


class RecordingSources(set):
    """The set of Markdown sources, noting every membership test in a LookupLog."""

    log: LookupLog

    def __contains__(self, item) -> bool:
        answer = set.__contains__(self, item)
        self.log.entries.add(("md", item, answer))
        return answer


class RecordingAssets(dict):
    """File sizes by path, noting every lookup in a LookupLog."""

    log: LookupLog

    def get(self, key, default=None):
        answer = dict.get(self, key)
        self.log.entries.add(("asset", key, answer))
        return default if answer is None else answer

    def __contains__(self, key) -> bool:
        self.log.entries.add(("asset", key, dict.get(self, key)))
        return dict.__contains__(self, key)

    def __getitem__(self, key):
        self.log.entries.add(("asset", key, dict.get(self, key)))
        return dict.__getitem__(self, key)


def recording(context, log: LookupLog):
    """A copy of a LinkContext whose lookups are noted in `log`."""
    sources, assets = RecordingSources(context.markdown_sources), RecordingAssets(context.assets)
    sources.log = assets.log = log
    return dataclasses.replace(context, markdown_sources=sources, assets=assets)


class PageCache:
    """Finished page HTML, keyed by everything that decides it."""

    def __init__(self, root: str | None, settings: str):
        self.store = EntryStore(root, "pages", ".html")
        self.settings = digest(FORMAT, settings)

    def key(self, *parts) -> str:
        return digest(self.settings, *parts)

    def restore(self, key: str, target: str) -> bool:
        """Copy the cached page to `target`; False when there is none."""
        return self.store.copy_to(key, target)

    def put(self, key: str, data: bytes) -> None:
        self.store.write(key, data)

    def put_to(self, key: str, data: bytes, target: str) -> None:
        """Store a page and write it to `target`."""
        self.store.write_to(key, data, target)


class FeedCache:
    """Finished feed files (RSS and Atom), keyed by everything a feed says: the feed's
    own fields, each post (its parsed fields and rendered body, its image's size), the
    configuration, orgs.yml and the code that writes feeds (and the reference time, for
    an empty feed). A feed
    whose key is unchanged is hard-linked into the site instead of being generated."""

    def __init__(self, build, code_modules: tuple[str, ...]):
        self.build = build
        self.store = EntryStore(build.cache_dir, "feeds", ".xml")
        from .keys import feed_settings  # the feed code, its libraries and what decides a parsed post

        self.settings = digest(FORMAT, feed_settings(build, code_modules))
        self.now = build.now.isoformat()
        self._posts: dict[str, str] = {}
        self.keep: set[str] = set()

    def key(self, feed) -> str:
        """The reference time counts only for a feed without posts (its `updated` date);
        test_incremental checks that other feeds do not depend on it."""
        fields = (feed.key, feed.title, feed.page_url, feed.rss, feed.atom, feed.system, feed.unit)
        now = "" if feed.posts else self.now
        return digest(self.settings, repr(fields), now, *(self._post(post) for post in feed.posts))

    def _post(self, post) -> str:
        if post.source not in self._posts:
            rendered = self.build.rendered.get(post.source)
            parts = [post.identity()]
            if rendered is not None:
                image = os.path.join(self.build.content_dir, rendered.image) if rendered.image else ""
                size = os.path.getsize(image) if image and os.path.exists(image) else -1
                parts += [rendered.fingerprint(), repr(rendered.image), rendered.summary, size]
            self._posts[post.source] = digest(*parts)
        return self._posts[post.source]

    def restore(self, feed, site_dir: str) -> bool:
        """Link the feed's cached RSS and Atom files into the site; False when either is missing."""
        key = self.key(feed)
        self.keep.update((f"{key}-rss", f"{key}-atom"))
        return (self.store.copy_to(f"{key}-rss", _site_path(site_dir, feed.rss))
                and self.store.copy_to(f"{key}-atom", _site_path(site_dir, feed.atom)))

    def put(self, feed, site_dir: str, rss: bytes, atom: bytes) -> None:
        """Write the feed's files into the site (and the cache)."""
        key = self.key(feed)
        self.store.write_to(f"{key}-rss", rss, _site_path(site_dir, feed.rss))
        self.store.write_to(f"{key}-atom", atom, _site_path(site_dir, feed.atom))

    def prune(self) -> None:
        self.store.prune(self.keep)


class ParsedPostCache:
    """Parsed and checked posts (`load_post` results), keyed by the post's path and bytes, the
    checking code, orgs.yml and the configuration; all entries in one file, read once per build.

    Only results without problems are kept, with the post's latest date: such a result holds
    for another reference time as long as no date of the post lies more than a day after it
    (the one check that depends on the reference time); otherwise the post is parsed again."""

    def __init__(self, root: str | None, settings: str):
        self.path = os.path.join(root, f"parsed-posts-v{FORMAT}.pickle") if root else None
        self.settings = digest(FORMAT, settings)
        self.entries: dict[str, tuple] = {}
        self.kept: dict[str, tuple] = {}
        self.changed = False
        if self.path:
            try:
                with open(self.path, "rb") as handle:
                    self.entries = pickle.load(handle)
            except Exception:  # absent or damaged: start empty
                self.entries = {}

    def load(self, parse, source: str, data: bytes, orgs, config, now):
        """The result of `parse(source, data, orgs, config, now)`, from the cache when it holds."""
        key = digest(self.settings, source, data)
        entry = self.entries.get(source)
        if entry is not None and entry[0] == key and entry[1] <= now + timedelta(days=1):
            try:
                result = pickle.loads(entry[2])
            except Exception:
                result = None
            if result is not None:
                self.kept[source] = entry
                return result
        result = parse(source, data, orgs, config, now)
        post = result.post
        if post is not None and not result.problems:
            latest = max(d for d in (post.date, post.answered) if d is not None)
            self.kept[source] = (key, latest, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            self.changed = True
        return result

    def save(self) -> None:
        """Write the entries of this build (only when one was added or one dropped)."""
        if not self.path or not (self.changed or len(self.kept) != len(self.entries)):
            return
        write_atomically(self.path, pickle.dumps(self.kept, protocol=pickle.HIGHEST_PROTOCOL))


def file_bytes(path: str) -> bytes:
    """The bytes of a file, or nothing when it cannot be read (a missing input is part of a key too)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _site_path(site_dir: str, path: str) -> str:
    return os.path.join(site_dir, *path.split("/"))
