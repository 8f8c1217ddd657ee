"""Content-hash caches under `--cache-dir` (default `.cache/portal`), no MkDocs import.

Every entry is named by the SHA-256 of everything that decides it, so a hit is always
correct and nothing is ever "invalidated" by hand:

- parsed posts (`ParsedPostCache`, one file): key = the post's path and bytes + what else
  decides parsing (`PortalBuild.parse_settings`);
- rendered posts (`RenderCache`, in pack files of `BucketStore`): key = renderer settings +
  source path + body (+ line, summary); stored with the link targets the render looked up,
  and used only while each of those targets still exists (or is still missing) with the same size;
- finished pages and feeds (`PageCache`, `FeedCache`: a file each, copied into the site):
  key = everything that decides the file (a page's body or inputs, title, table of contents,
  feeds, URL, the navigation, the theme and configuration; a feed's posts and settings).

The shared parts of the keys are made in keys.py. Every entry is stored sealed (`seal`): the
SHA-256 of its key and bytes is written with it and checked on every read, so a flipped byte
is a miss, never published. Values are plain data (plaindata.py), never pickles. The site never
shares a file (an inode) with the cache: entries are copied, not hard-linked, so an edit of
the live site cannot reach the cache. A cache that cannot be read or written is noted
(`cache_problem`) and reported once per build (`report_cache_problems`).

Writes go to a temporary file and are renamed into place (`write_atomically`), so two builds
sharing one cache never read half an entry. Entries not used by recent builds are pruned.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from datetime import datetime, timedelta
from importlib.metadata import PackageNotFoundError, version

from . import plaindata, served

FORMAT = "2"  # bump when the layout of entries changes
SEAL = b"portal-cache-2\n"  # every entry starts with this, then the SHA-256 of its key and bytes
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


def seal(key: str, data: bytes) -> bytes:
    """An entry as stored: a mark, the SHA-256 of its key and bytes, the bytes."""
    return SEAL + hashlib.sha256(key.encode("utf-8") + b"\0" + data).digest() + data


def unseal(key: str, stored: bytes, where: str) -> bytes | None:
    """The bytes of a sealed entry, or None (noted as a cache problem) when it is not intact."""
    head = len(SEAL) + 32
    data = stored[head:]
    if stored[:len(SEAL)] != SEAL or hashlib.sha256(key.encode("utf-8") + b"\0" + data).digest() != stored[len(SEAL):head]:
        cache_problem(where, "内容与校验值不符（已损坏或被改动）")
        return None
    return data


_PROBLEMS: list[str] = []


def cache_problem(where: str, what: str) -> None:
    """Note that a cache entry could not be used or kept (reported once, at the build's end)."""
    _PROBLEMS.append(f"{where}：{what}")


def take_cache_problems() -> list[str]:
    """The problems noted since the last call (a worker returns them to the build's process)."""
    found = list(_PROBLEMS)
    _PROBLEMS.clear()
    return found


def report_cache_problems(log, cache_dir: str | None, more: list[str] | None = None) -> None:
    """One warning line for every cache problem of this build (none: nothing is said)."""
    found = take_cache_problems() + list(more or [])
    if found:
        log.warning("缓存文件夹 %s 有 %d 处无法使用（例如 %s），已跳过并重新生成，网站不受影响。"
                    "修改方法：检查该文件夹的磁盘空间和权限；若仍出现，删除它或用 --no-cache 构建",
                    cache_dir, len(found), found[0])


def _read(path: str) -> bytes | None:
    """A cache file's bytes; None when absent, or unreadable (noted)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        cache_problem(path, f"无法读取（{error.strerror or error}）")
        return None


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
        """The entry's bytes, or None when absent, unreadable or damaged (noted)."""
        if not self.enabled:
            return None
        stored = _read(self.path(key))
        data = unseal(key, stored, self.path(key)) if stored is not None else None
        if data is not None:
            self.used.add(key)
        return data

    def write(self, key: str, data: bytes) -> None:
        """Store an entry atomically (a cache that cannot be written is noted)."""
        if self.enabled and write_atomically(self.path(key), seal(key, data)):
            self.used.add(key)

    def copy_to(self, key: str, target: str) -> bool:
        """Write the entry's bytes, checked, to `target` as a new file (folders made as needed);
        False when there is no intact entry. Never a hard link: the site shares no inode with
        the cache, so an edit of the live site cannot reach the next build."""
        if self.enabled and served.unchanged(target, key):  # `portal serve`: already there
            return True
        data = self.read(key)
        if data is None:
            return False
        replace_file(data, target)
        served.wrote(target, key)
        return True

    def write_to(self, key: str, data: bytes, target: str) -> None:
        """Store an entry and write its bytes to `target` (a file of its own)."""
        self.write(key, data)
        replace_file(data, target)
        if self.enabled:
            served.wrote(target, key)

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
    (another build sharing the cache) never sees half of it; False (noted, the temporary file
    removed) when it cannot be written."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError as error:
        cache_problem(path, f"无法写入（{error.strerror or error}）")
        try:
            os.remove(temporary)
        except OSError:
            pass
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
    """Entries (bytes by key) kept in a few pack files (`<root>/<kind>-v2/[<part>/]<xx>.pack`,
    by the key's first `digits` hex digits), not one file each: a build of thousands of posts
    then creates and opens a few hundred files, not thousands, and an edit rewrites the one
    pack holding its entry. A pack is a run of (key length, key, entry length, sealed entry);
    each entry is checked on read, a damaged one is a miss.

    Packs are read on first use and written by `flush` (atomically, each on its own); two
    builds sharing a cache take turns (locking.py)."""

    SUFFIX = ".pack"

    def __init__(self, root: str | None, kind: str, part: str = "", digits: int = 2):
        self.folder = os.path.join(root, f"{kind}-v{FORMAT}", part) if root else None
        self.digits = digits
        self.packs: dict[str, dict[str, bytes]] = {}  # name → key → sealed entry
        self.dirty: set[str] = set()

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _path(self, name: str) -> str:
        return os.path.join(self.folder or "", f"{name}{self.SUFFIX}")

    def _pack(self, key: str) -> dict[str, bytes]:
        name = key[:self.digits]
        pack = self.packs.get(name)
        if pack is None:
            stored = _read(self._path(name)) if self.folder else None
            pack = self.packs[name] = unpack(stored, self._path(name)) if stored else {}
        return pack

    def read(self, key: str) -> bytes | None:
        """The entry's bytes, checked (None: absent or damaged)."""
        if not self.enabled:
            return None
        stored = self._pack(key).get(key)
        return unseal(key, stored, f"{self._path(key[:self.digits])}#{key[:12]}") if stored is not None else None

    def write(self, key: str, data: bytes) -> None:
        if self.enabled:
            self._pack(key)[key] = seal(key, data)
            self.dirty.add(key[:self.digits])

    def prune(self, keep: set[str], slack: int = 1000, loaded_only: bool = False) -> None:
        """Forget entries not in `keep` once they outnumber the kept ones (plus `slack`); with
        `loaded_only`, among the packs this build has read only (no pack is read to prune)."""
        if not self.enabled:
            return
        if os.path.isdir(self.folder) and not loaded_only:
            for name in os.listdir(self.folder):
                if name.endswith(self.SUFFIX) and len(name) == self.digits + len(self.SUFFIX):
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
        """Write the packs that changed (a pack that cannot be written is noted)."""
        if not self.enabled or not self.dirty:
            return
        for name in sorted(self.dirty):
            if not write_atomically(self._path(name), pack(self.packs[name])):
                break
        self.dirty = set()


def pack(entries: dict[str, bytes]) -> bytes:
    """Sealed entries by key as one pack file."""
    parts = []
    for key, stored in sorted(entries.items()):
        name = key.encode("utf-8")
        parts += [len(name).to_bytes(4, "little"), name, len(stored).to_bytes(8, "little"), stored]
    return b"".join(parts)


def unpack(data: bytes, where: str) -> dict[str, bytes]:
    """The sealed entries of a pack file (each checked when read); a cut or garbled pack gives
    the entries before the damage (noted)."""
    entries, at = {}, 0
    try:
        while at < len(data):
            size = int.from_bytes(data[at:at + 4], "little")
            key = data[at + 4:at + 4 + size].decode("utf-8")
            at += 4 + size
            length = int.from_bytes(data[at:at + 8], "little")
            if size > 1024 or at + 8 + length > len(data):
                raise ValueError("cut")
            entries[key] = data[at + 8:at + 8 + length]
            at += 8 + length
    except (ValueError, UnicodeDecodeError):
        cache_problem(where, "文件不完整或格式不对")
    return entries


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
        found = self.entry(key, context)
        return found[0] if found is not None else None

    def entry(self, key: str, context) -> tuple | None:
        """(the cached `Rendered`, its link lookups), when the lookups still hold in `context`."""
        data = self.store.read(key)
        if data is None:
            return None
        try:
            lookups, rendered = plaindata.loads(data)
        except (plaindata.NotPlainData, ValueError):  # not what `put` wrote: a miss
            cache_problem(f"{self.store.folder}#{key[:12]}", "内容不是缓存写入的格式")
            return None
        return (rendered, lookups) if all(lookup_holds(context, lookup) for lookup in lookups) else None

    def put(self, key: str, rendered, lookups: tuple) -> None:
        try:
            self.store.write(key, plaindata.dumps((lookups, rendered)))
        except TypeError:  # a value plain data cannot hold: not cached
            pass

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

    SEAL_KEY = "parsed-posts"

    def __init__(self, root: str | None, settings: str):
        self.path = os.path.join(root, f"parsed-posts-v{FORMAT}.json") if root else None
        self.settings = digest(FORMAT, settings)
        self.entries: dict[str, list] = {}  # source → [key, latest date (ISO), the result as plain data]
        self.kept: dict[str, list] = {}
        self.changed = False
        stored = _read(self.path) if self.path else None
        data = unseal(self.SEAL_KEY, stored, self.path) if stored is not None and self.path else None
        if data is not None:
            try:
                self.entries = dict(json.loads(data))
            except (ValueError, TypeError):
                cache_problem(self.path or "", "内容不是缓存写入的格式")

    def load(self, parse, source: str, data: bytes, orgs, config, now):
        """The result of `parse(source, data, orgs, config, now)`, from the cache when it holds."""
        key = digest(self.settings, source, data)
        entry = self.entries.get(source)
        if entry is not None and entry[0] == key and datetime.fromisoformat(entry[1]) <= now + timedelta(days=1):
            try:
                result = plaindata.loads(entry[2].encode("utf-8", "surrogatepass"))
            except (plaindata.NotPlainData, AttributeError):
                cache_problem(f"{self.path}#{source}", "内容不是缓存写入的格式")
                result = None
            if result is not None:
                self.kept[source] = entry
                return result
        result = parse(source, data, orgs, config, now)
        post = result.post
        if post is not None and not result.problems:
            latest = max(d for d in (post.date, post.answered) if d is not None)
            try:
                text = plaindata.dumps(result).decode("utf-8", "surrogatepass")
            except TypeError:  # a value plain data cannot hold: parsed again next time
                return result
            self.kept[source] = [key, latest.isoformat(), text]
            self.changed = True
        return result

    def save(self) -> None:
        """Write the entries of this build (only when one was added or one dropped)."""
        if not self.path or not (self.changed or len(self.kept) != len(self.entries)):
            return
        text = json.dumps(self.kept, ensure_ascii=False, separators=(",", ":"))
        write_atomically(self.path, seal(self.SEAL_KEY, text.encode("utf-8", "surrogatepass")))


OLD_FORMATS = ("parsed-posts-v1.pickle", "rendered-v1", "posts-v1", "pages-v1", "feeds-v1", "search-posts-v1")


def drop_old_formats(root: str) -> None:
    """Delete what earlier versions kept in pickles or hard-linked into sites (read never again)."""
    compiled = [n for n in os.listdir(root) if n.startswith("templates-py")] if os.path.isdir(root) else []
    for name in (*OLD_FORMATS, *compiled):  # compiled templates: code read back, no longer kept
        path = os.path.join(root, name)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.exists(path):
            try:
                os.remove(path)
            except OSError:
                pass


def file_bytes(path: str) -> bytes:
    """The bytes of a file, or nothing when it cannot be read (a missing input is part of a key too)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _site_path(site_dir: str, path: str) -> str:
    return os.path.join(site_dir, *path.split("/"))
