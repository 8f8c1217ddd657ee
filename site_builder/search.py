"""Full-text search: a Pagefind index per system, and the search page at /search/.

Posts are fed to Pagefind as plain-text records built from the core's data (no
parsing of whole Material pages); ordinary pages as the text of their built article.
Each shard (one per system, a few for a system too big for one Pagefind process, plus
`_pages` for ordinary pages) is written to `pagefind/<shard>/`; the search page loads the shard a search needs first (the
chosen system's, or the first) and merges the others in the browser when a search
needs them (Pagefind `mergeIndex`). Shards are indexed in parallel, and a shard
whose records did not change is copied from the cache instead of re-indexed.
Chinese is indexed as character pairs (see `index_words`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from operator import add

from .cache import digest, file_bytes, tree_digest
from .config import LEVEL_ORDER, LEVELS
from .core.urls import page_url
from .extras import ExtraPage
from .pages.links import href

SEARCH_URL = "search/"
SEARCH_TEMPLATE = "search.html"  # site_builder/theme/search.html: Material without its JS bundle
INDEX_DIR = "pagefind"
PAGES_SHARD = "_pages"  # `_` cannot start a system id, so no system shard can clash
LANGUAGE = "unknown"  # Pagefind's code for "no language processing" (see index_words)
# Files Pagefind writes that the portal's own search page never loads.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
# Filter names as readers see them, with the URL parameter that carries each.
FILTERS = (("system", "系统"), ("level", "层级"), ("city", "所属市"), ("column", "栏目"), ("year", "年份"))
CACHE_FORMAT = "portal-search-7"  # bump when records, tokens or file rewriting change meaning
# Index chunk size in word locations (Pagefind's default is 20,000: ~50 KiB per chunk, and a
# query loads one chunk per term per shard). Smaller chunks mean a query downloads little more
# than the postings of its own terms; the shard's meta file lists one entry per chunk, and a
# word is never cut, so a frequent pair is a chunk of its own whatever the size. At 10,000
# posts (6 shards) the index bytes of 便民服务措施 (5 pairs) are 663 KiB at 1,000, 627 KiB at
# 1,500, 617 KiB at 2,000 and 705 KiB at 4,000; of 党建: 329, 288, 273, 243 KiB.
CHUNK_LOCATIONS = "2000"
# Most posts a Pagefind process indexes, counted in characters of rendered HTML: Pagefind's
# memory grows by about 0.3 MiB per 1,000 such characters (measured: a system of 1,714 posts,
# 2.8 million characters, peaks at 0.87 GiB). A bigger system is indexed as several shards,
# each a run of whole years (of months, for a year bigger than this), so that no process
# goes above 1 GiB.
MAX_SHARD_CHARS = 3_000_000

# Chinese is indexed as overlapping character pairs (bigrams): "乡村振兴" is the words
# 乡村 村振 振兴 兴 (a run's last character closes it, so pairs of different runs are never
# adjacent), and every Han character of a text is listed once more at its end, so a
# one-character query is one exact word too. The search page turns a run of Chinese characters
# into the exact phrase of its pairs ("乡村 村振 振兴"): a query finds exactly the texts that
# contain it, and each pair is far rarer than a single character, so a query downloads little.
# Word segmentation would need the same segmenter at index time (Pagefind's zh: jieba) and in
# the browser (Intl.Segmenter), and the two disagree (营商环境 vs 营|商|环境): such queries found
# nothing. Pagefind's own segmenter is therefore off (language "unknown"). Pagefind keeps the
# indexed words as a result's text, so `canonical_files` puts the readable text back into
# each result fragment; the search page makes the excerpt from it.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(f"([{HAN}]+)|([^\\W{HAN}]+)")  # (Han run, other word)
_BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|"
                        r"blockquote|pre|br|hr|figure|figcaption|details|summary|section|article)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u3000]+")
_LINES = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class SearchRecord:
    """One searchable document: what Pagefind indexes and what a result shows."""

    url: str  # site-relative, e.g. `tax/np/2026/rally/`
    content: str
    meta: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)


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


# ---------------------------------------------------------------- records


def html_text(fragment: str) -> str:
    """Readable plain text of an HTML fragment: block tags become line breaks."""
    fragment = _PAGE_CHROME.sub("", fragment)  # the ¶ permalinks of headings are not text
    text = html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub("\n", fragment)))
    return _LINES.sub("\n", _SPACES.sub(" ", text)).strip()


def index_words(text: str, tail: bool = True) -> str:
    """The words Pagefind indexes for a text: Han runs as overlapping character pairs closed by
    their last character, other words as they are, then (with `tail`) every Han character once."""
    words, closing, chars = [], set(), set()
    append, extend = words.append, words.extend
    for run, word in _TOKEN.findall(text):
        if not run:
            append(word)
            continue
        extend(map(add, run, run[1:]))  # the pairs, made in C
        append(run[-1])
        closing.add(run[-1])
        chars.update(run)
    if tail:
        extend(sorted(chars - closing))
    return " ".join(words)


def common_part(names: list[str]) -> str:
    """The longest substring shared by all names ("" when they share fewer than two characters)."""
    first, best = min(names, key=len), ""
    for start in range(len(first)):
        for end in range(len(first), start + len(best), -1):
            if all(first[start:end] in name for name in names):
                best = first[start:end]
                break
    return best if len(best) >= 2 else ""


_CITY_PREFIX = re.compile(r"^(.{2,3}?市)")


def city_names(orgs) -> dict[str, str]:
    """Reader-facing city of each city-level unit (`system/unit` → e.g. 南平市).

    City units of different systems that share an id (`np`) are one city: its name is
    what their names share (国家税务总局南平市税务局, 南平市文旅局 → 南平市). A city unit
    alone under its id gives its leading “…市”, or else its whole name.
    """
    groups: dict[str, list] = {}
    for unit in orgs.units():
        if unit.level == "city":
            groups.setdefault(unit.id, []).append(unit)
    names = {}
    for units in groups.values():
        shared = common_part([u.name for u in units]) if len(units) > 1 else ""
        shared = shared.strip() if shared and not shared.startswith("市") else ""
        for unit in units:
            alone = _CITY_PREFIX.match(unit.name)
            name = shared or (alone.group(1) if alone else unit.name)
            names[unit.key] = name if name.endswith("市") or not shared else name + "市"
    return names


class Records:
    """Turns the build's posts into search records (text, result fields, filters)."""

    def __init__(self, build):
        self.build, self.orgs, self.config = build, build.portal.orgs, build.config
        self.cities = city_names(self.orgs)

    def city(self, unit) -> str | None:
        """The city a unit belongs to (its own for a city unit), None for a province unit."""
        for candidate in [unit, *self.orgs.ancestors(unit)]:
            if candidate.level == "city":
                return self.cities[candidate.key]
        return None

    def filters(self, post) -> dict[str, list[str]]:
        """系统, 层级, 所属市, 栏目, 年份 of a post (所属市 missing for province units)."""
        unit = self.orgs.unit(post.unit_key)
        found = {"系统": [self.orgs.systems[post.system].name], "层级": [unit.level_name],
                 "栏目": [self.config.column_name(post.type)], "年份": [str(post.date.year)]}
        city = self.city(unit)
        if city:
            found["所属市"] = [city]
        return found

    def record(self, post) -> SearchRecord:
        """The search record of one published post: its text, what a result shows, its filters."""
        unit = self.orgs.unit(post.unit_key)
        rendered = self.build.rendered[post.source]
        parts = [post.title, post.question or "", html_text(rendered.html), "、".join(post.tags)]
        meta = {"title": post.title, "unit": unit.name, "date": post.date.strftime("%Y-%m-%d"),
                "column": self.config.column_name(post.type)}
        if rendered.image:
            meta["image"] = rendered.image
        return SearchRecord(post.url, "\n".join(p for p in parts if p), meta, self.filters(post))

    def filter_values(self) -> list[tuple[str, str, list[str]]]:
        """(URL parameter, filter name, values in reading order) of every filter, for the page's selects."""
        seen: dict[str, set] = {label: set() for _, label in FILTERS}
        for post in self.build.portal.posts:
            for label, values in self.filters(post).items():
                seen[label].update(values)
        order = {
            "系统": [s.name for s in self.orgs.systems.values()],
            "层级": [LEVELS[level] for level in LEVEL_ORDER],
            "所属市": list(dict.fromkeys(self.cities.values())),
            "栏目": list(self.config.columns.values()),
            "年份": sorted(seen["年份"], reverse=True),
        }
        return [(param, label, [v for v in order[label] if v in seen[label]]) for param, label in FILTERS]


def searchable_pages(build) -> list[str]:
    """Ordinary pages worth finding (about, 投稿指南 …); the home page is a listing."""
    return sorted(p for p in build.portal.pages if p != "index.md")


def shards(build, site_dir: str | None = None) -> list[Shard]:
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


class PlannedShard:
    """A post shard known by what decides its records (the posts, their rendered bodies,
    orgs.yml, the configuration, the code): its records are made only when the cache has
    no shard digest for those inputs (`ShardCache.planned`)."""

    def __init__(self, name: str, posts: list, inputs: str, records: "Records"):
        self.name, self.posts, self.inputs, self._records = name, posts, inputs, records

    @cached_property
    def shard(self) -> Shard:
        return Shard(self.name, [self._records.record(post) for post in self.posts])


def planned_post_shards(build) -> list[PlannedShard]:
    """The post shards with the key of their inputs (see `PlannedShard`)."""
    records = Records(build)
    here = os.path.dirname(__file__)
    settings = digest(CACHE_FORMAT, pagefind_version(), repr(build.config),
                      file_bytes(os.path.join(build.content_dir, "orgs.yml")),
                      file_bytes(__file__), file_bytes(os.path.join(here, "config.py")),
                      tree_digest([os.path.join(here, "core")]))
    found = []
    for name, posts in system_parts(build):
        parts = [settings, name]
        for post in posts:
            rendered = build.rendered[post.source]
            # a post's fields come from its path and bytes (post.digest), orgs.yml and the configuration
            parts += [post.source, post.digest, rendered.html, repr(rendered.image)]
        found.append(PlannedShard(name, posts, digest(*parts), records))
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


_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.S)
_PAGE_TITLE = re.compile(r"<h1\b[^>]*>(.*?)</h1>|<title>(.*?)</title>", re.S)
_PAGE_CHROME = re.compile(r'<a\b[^>]*class="(?:headerlink|md-content__button[^"]*)"[^>]*>.*?</a>', re.S)


def built_page(site_dir: str, source: str) -> SearchRecord | None:
    """The search record of an ordinary page, read from its built HTML (the article only)."""
    url = page_url(source)
    path = os.path.join(site_dir, url, "index.html") if url.endswith("/") or not url else os.path.join(site_dir, url)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        page = handle.read()
    article = _ARTICLE.search(page)
    body = _PAGE_CHROME.sub("", article.group(1) if article else page)
    title = _PAGE_TITLE.search(body) or _PAGE_TITLE.search(page)
    title_text = html_text(next(g for g in title.groups() if g is not None)) if title else url
    return SearchRecord(url, html_text(body), {"title": title_text})


# ---------------------------------------------------------------- Pagefind


def pagefind_version() -> str:
    """Version of the installed Pagefind package (part of every shard's cache key)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


class PagefindProcess:
    """One `pagefind --service` process, spoken to over its stdin/stdout protocol.

    The protocol is the one of Pagefind's Python package (base64 JSON messages, each
    followed by a comma); this client writes all requests from a thread while it reads
    the answers, instead of the package's asyncio loop that sleeps 0.1 s per answer.
    """

    def __init__(self):
        from pagefind.service import get_executable

        executable = get_executable()
        if executable is None:
            raise RuntimeError("找不到 Pagefind 程序：请安装 pagefind[extended]（pip install -e .）")
        environment = dict(os.environ, PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE=CHUNK_LOCATIONS)
        self.process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment)
        self.next_id = 0
        self.buffer = bytearray()

    def __enter__(self) -> "PagefindProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait()

    def request(self, payload: dict) -> dict:
        """Send one request and wait for its answer."""
        return self.requests([payload])[0]

    def requests(self, payloads: list[dict]) -> list[dict]:
        """Send many requests (written from a thread) and return their answers in order."""
        first = self.next_id
        self.next_id += len(payloads)
        writer = threading.Thread(target=self._write, args=(payloads, first), daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        while len(answers) < len(payloads):
            message = self._read()
            answers[message.get("message_id")] = message["payload"]
        writer.join()
        results = [answers[first + i] for i in range(len(payloads))]
        for result in results:
            if result.get("type") == "Error":
                raise RuntimeError(f"Pagefind 建立索引失败：{result.get('message')}")
        return results

    def _write(self, payloads: list[dict], first: int) -> None:
        stream = self.process.stdin
        for offset, payload in enumerate(payloads):
            message = json.dumps({"message_id": first + offset, "payload": payload}, ensure_ascii=False)
            stream.write(base64.b64encode(message.encode("utf-8")) + b",")
        stream.flush()

    def _read(self) -> dict:
        """The next answer: base64 JSON up to a comma."""
        end, scanned = self.buffer.find(b","), 0
        while end < 0:
            scanned = len(self.buffer)
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise RuntimeError("Pagefind 进程意外退出，搜索索引未生成")
            self.buffer += chunk
            end = self.buffer.find(b",", scanned)
        message = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        return json.loads(base64.b64decode(message))


def index_shard(pagefind: PagefindProcess, shard: Shard, output: str) -> None:
    """Index one shard in a running Pagefind process and write its files to `output`.

    The files come back over the pipe (GetFiles) and are written here: Pagefind's own
    WriteFiles answers before its writes have reached the disk.
    """
    index_id = pagefind.request({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]
    pagefind.requests([record_request(index_id, r) for r in shard.records])
    answer = pagefind.request({"type": "GetFiles", "index_id": index_id})
    files = {f["path"]: base64.b64decode(f["content"]) for f in answer["files"]
             if f["path"] not in UNUSED_BUNDLE_FILES}
    write_files(canonical_files(files, shard.records), output)


def write_files(files: dict[str, bytes], output: str) -> None:
    """Write a shard's files (paths relative to `output`)."""
    for path, data in sorted(files.items()):
        target = os.path.join(output, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)


def index_shards(todo: list[Shard], root: str) -> None:
    """Index shards in parallel, one Pagefind process per shard and per core, biggest first."""
    def work(shard: Shard) -> None:
        with PagefindProcess() as pagefind:
            index_shard(pagefind, shard, os.path.join(root, shard.name))

    ordered = sorted(todo, key=lambda s: (-len(s.records), s.name))
    with ThreadPoolExecutor(max(1, min(os.cpu_count() or 1, len(todo)))) as pool:
        list(pool.map(work, ordered))


def record_request(index_id: int, record: SearchRecord) -> dict:
    """An AddRecord request: the text as index words (see `index_words`). No meta: Pagefind
    would index its values as words too (the title is in the text already); `canonical_files`
    writes the record's meta into its result fragment."""
    return {"type": "AddRecord", "index_id": index_id, "url": record.url, "content": index_words(record.content),
            "language": LANGUAGE, "meta": {}, "filters": record.filters, "sort": None}


# ---------------------------------------------------------------- deterministic output

PAGEFIND_MAGIC = b"pagefind_dcd"  # every Pagefind data file is gzip(magic + CBOR)
META_FILTERS = 3  # position of the [[filter name, file hash]] list in a pf_meta file


@dataclass(frozen=True)
class CborMap:
    """A CBOR map, its pairs kept in file order."""

    pairs: tuple


@dataclass(frozen=True)
class CborSimple:
    """A CBOR simple value (false, true, null …), kept as its code."""

    code: int


def cbor_decode(data: bytes):
    """Decode the CBOR that Pagefind writes (integers, strings, arrays, maps, simple values)."""
    value, end = _cbor_item(data, 0)
    if end != len(data):
        raise ValueError("CBOR: trailing bytes")
    return value


def _cbor_item(data: bytes, at: int):
    head = data[at]
    major, info, at = head >> 5, head & 31, at + 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"CBOR: unsupported item {head:#x}")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = bytes(data[at:at + arg])
        return (raw if major == 2 else raw.decode("utf-8")), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _cbor_item(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, at = _cbor_item(data, at)
            value, at = _cbor_item(data, at)
            pairs.append((key, value))
        return CborMap(tuple(pairs)), at
    if major == 7 and info < 24:
        return CborSimple(info), at
    raise ValueError(f"CBOR: unsupported item {head:#x}")


def _cbor_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("CBOR: integer too large")


def cbor_encode(value) -> bytes:
    """Encode what `cbor_decode` returns, in the shortest form (as Pagefind does)."""
    if isinstance(value, CborSimple):
        return bytes([0xE0 | value.code])
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, CborMap):
        return _cbor_head(5, len(value.pairs)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.pairs)
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(cbor_encode(item) for item in value)
    raise TypeError(f"CBOR: cannot encode {type(value).__name__}")


def decode_pagefind_file(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(PAGEFIND_MAGIC):
        raise ValueError("not a Pagefind data file")
    return cbor_decode(raw[len(PAGEFIND_MAGIC):])


def encode_pagefind_file(value, prefix: str, digits: int) -> tuple[str, bytes]:
    """A data file named by its content: (`<prefix>_<hex>`, gzip bytes)."""
    data = PAGEFIND_MAGIC + cbor_encode(value)
    return f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}", gzip.compress(data, mtime=0)


def canonical_files(files: dict[str, bytes], records: list[SearchRecord] = ()) -> dict[str, bytes]:
    """A shard's files made to depend on its records only, with readable result fragments.

    Pagefind 1.5 writes each filter's values in hash-map order, which changes from run to
    run, and names the filter and metadata files by those bytes. Sort the values and the
    filters, and name those files (and the references to them) by the sorted content.
    Each result fragment gets its record's readable text and meta instead of the index words.
    """
    files = readable_fragments(dict(files), {r.url: r for r in records})
    entry = json.loads(files["pagefind-entry.json"])
    for language, index in sorted(entry["languages"].items()):
        meta = decode_pagefind_file(files.pop(f"pagefind.{index['hash']}.pf_meta"))
        meta[META_FILTERS] = sorted([name, canonical_filter(files, language, digest)]
                                    for name, digest in meta[META_FILTERS])
        index["hash"], data = encode_pagefind_file(meta, language, 15)
        files[f"pagefind.{index['hash']}.pf_meta"] = data
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files


def readable_fragments(files: dict[str, bytes], by_url: dict[str, SearchRecord]) -> dict[str, bytes]:
    """Fragments (gzip of magic + JSON) with the record's text and meta; names unchanged,
    as the meta file refers to them by name."""
    for path, data in files.items():
        if not path.startswith("fragment/"):
            continue
        raw = gzip.decompress(data)
        fragment = json.loads(raw[len(PAGEFIND_MAGIC):])
        record = by_url.get(fragment["url"].lstrip("/")) or by_url.get(fragment["url"])
        if record is None:
            continue
        fragment["content"], fragment["meta"] = record.content, dict(sorted(record.meta.items()))
        body = json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        files[path] = gzip.compress(PAGEFIND_MAGIC + body, mtime=0)
    return files


def canonical_filter(files: dict[str, bytes], language: str, digest: str) -> str:
    """Replace one filter file by one with its values sorted; returns its new hash name."""
    name, values = decode_pagefind_file(files.pop(f"filter/{digest}.pf_filter"))
    new_digest, data = encode_pagefind_file([name, sorted(values)], language, 7)
    files[f"filter/{new_digest}.pf_filter"] = data
    return new_digest


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
        shutil.copytree(cached, output, copy_function=link_or_copy)
        return True

    def planned(self, planned: "PlannedShard", output: str) -> Shard | None:
        """Restore a post shard by the key of its inputs, without making its records: the
        shard (for `store`) when that key is not known or its output is not cached, else None."""
        plan = os.path.join(self.root, planned.name, f"inputs-{planned.inputs}") if self.root else None
        if plan:
            try:
                with open(plan, encoding="ascii") as handle:
                    known = handle.read().strip()
            except OSError:
                known = ""
            cached = os.path.join(self.root, planned.name, known) if known else ""
            if known.isalnum() and os.path.isfile(os.path.join(cached, "pagefind-entry.json")):
                shutil.copytree(cached, output, copy_function=link_or_copy)
                return None
        return planned.shard

    def remember(self, planned: "PlannedShard") -> None:
        """Note which shard digest the inputs of `planned` gave (after `store` or `restore`)."""
        if not self.root:
            return
        plan = os.path.join(self.root, planned.name, f"inputs-{planned.inputs}")
        try:
            os.makedirs(os.path.dirname(plan), exist_ok=True)
            with open(plan + ".tmp", "w", encoding="ascii") as handle:
                handle.write(planned.shard.digest)
            os.replace(plan + ".tmp", plan)
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


def link_or_copy(source: str, target: str) -> None:
    """A hard link (no bytes copied: a shard is some thousands of files), or a copy where the
    file system has none. Shard files are only ever written into a new, empty folder."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def cache_folder(build) -> str | None:
    """The plugin's `cache_dir` (None: no cache)."""
    return build.cache_dir


# ---------------------------------------------------------------- the feature module


class PostIndexing:
    """The post shards of one build, restored or indexed in a background thread that starts
    before MkDocs renders its pages (the ordinary pages' shard must wait for them)."""

    def __init__(self, build, site_dir: str):
        self.build, self.site_dir = build, site_dir
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="portal-search", daemon=True)

    def _run(self) -> None:
        try:
            refresh_planned(ShardCache(cache_folder(self.build)), planned_post_shards(self.build),
                            os.path.join(self.site_dir, INDEX_DIR))
        except BaseException as error:  # raised again by `join`, in the build's own thread
            self.error = error

    def join(self) -> None:
        """Wait for the post shards; raise what the indexing raised."""
        self.thread.join()
        if self.error is not None:
            raise self.error


def refresh(cache: ShardCache, found: list[Shard], root: str) -> None:
    """Put each shard into `root`: unchanged ones from the cache, the rest indexed (and cached)."""
    todo = [s for s in found if not cache.restore(s, os.path.join(root, s.name))]
    if todo:
        index_shards(todo, root)
    for shard in todo:
        cache.store(shard, os.path.join(root, shard.name))


def refresh_planned(cache: ShardCache, planned: list[PlannedShard], root: str) -> None:
    """`refresh` for post shards: a shard whose inputs are known is linked from the cache
    without making its records."""
    unknown = [p for p in planned if cache.planned(p, os.path.join(root, p.name)) is not None]
    refresh(cache, [p.shard for p in unknown], root)
    for plan in unknown:
        cache.remember(plan)


def start(build, site_dir: str) -> None:
    """Begin the post shards while MkDocs renders its pages (`write` finishes the index).

    Called once every process pool of the build has forked: the Pagefind pipes must not be
    inherited by forked workers, or closing them would not end Pagefind."""
    shutil.rmtree(os.path.join(site_dir, INDEX_DIR), ignore_errors=True)
    build.search_indexing = PostIndexing(build, site_dir)
    build.search_indexing.thread.start()


def stop(build) -> None:
    """Wait for a started indexing (a failed build), ignoring its errors."""
    job = getattr(build, "search_indexing", None)
    if job is not None:
        job.thread.join()
        build.search_indexing = None


def write(build, site_dir: str) -> None:
    """Write `pagefind/<shard>/` for every shard: unchanged shards from the cache, the rest indexed
    (the post shards by the indexing `start` began, when it began one for this site)."""
    root = os.path.join(site_dir, INDEX_DIR)
    cache = ShardCache(cache_folder(build))
    job = getattr(build, "search_indexing", None)
    if job is None or job.site_dir != site_dir:
        shutil.rmtree(root, ignore_errors=True)
        refresh(cache, shards(build, site_dir), root)
        return
    build.search_indexing = None
    try:
        refresh(cache, pages_shards(build, site_dir), root)
    finally:
        job.join()


def pages(build) -> list[ExtraPage]:
    """The search page at /search/."""
    return [ExtraPage("search/index.md", "搜索", lambda: search_page(build), template=SEARCH_TEMPLATE)]


def search_page(build) -> str:
    """The search form, its filters and the (script-filled) result list."""
    here = SEARCH_URL
    shards_attr = escape(" ".join(shard_names(build)))
    systems_attr = escape(json.dumps(system_shards(build), ensure_ascii=False, sort_keys=True))
    selects = "".join(filter_select(*choice) for choice in Records(build).filter_values())
    return (
        f'<div class="portal-search" data-portal-search data-index="{escape(href(INDEX_DIR + "/", here))}" '
        f'data-shards="{shards_attr}" data-shard-systems="{systems_attr}" data-root="{escape(href("", here))}">'
        '<form class="portal-search-form" role="search" method="get" action="./">'
        '<input type="search" name="q" class="portal-search-input" placeholder="输入要查找的词语，如：党建联创" '
        'aria-label="搜索词" autocomplete="off">'
        '<button type="submit" class="md-button md-button--primary">搜索</button>'
        f'<fieldset class="portal-search-filters"><legend>筛选</legend>{selects}</fieldset>'
        '</form>'
        '<p class="portal-search-status" role="status" aria-live="polite"></p>'
        '<ol class="portal-search-results"></ol>'
        '<button type="button" class="portal-search-more md-button" hidden>显示更多结果</button>'
        '<noscript><p>搜索需要浏览器启用 JavaScript。</p></noscript>'
        '</div>'
        f'<script src="{escape(href("assets/portal/search.js", here))}" defer></script>'
    )


def filter_select(param: str, label: str, values: list[str]) -> str:
    """One filter as a <select>: “全部” plus every value."""
    options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    return (f'<label class="portal-search-filter">{escape(label)} '
            f'<select name="{param}" data-filter="{escape(label)}"><option value="">全部</option>{options}</select></label>')
