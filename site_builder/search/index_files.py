"""Pagefind's index files, written by the portal itself (no mkdocs import).

The search page runs Pagefind's own browser library (pagefind.js and its WebAssembly); this
module writes the files that library reads, in the format of the pinned Pagefind release,
from the portal's records. Indexing in Pagefind's process cost about 2.7 µs per indexed
word (≈29 s of CPU at 10,000 posts, most of it turning text into words that the portal had
already made, see `records.index_words`); here a post's words become its postings once
(`post_terms`, cached with the post) and a shard is mostly joining bytes.

A shard folder holds:

- `pagefind-entry.json`: version, the one language (`unknown`: no stemming) and its meta file;
- `pagefind.<lang>_<hash>.pf_meta`: the pages (fragment name, word count), the index chunks
  (first word, last word, file) and the filters (name, file);
- `index/<lang>_<hash>.pf_index`: words in code-point order, each with its pages and positions;
- `filter/<lang>_<hash>.pf_filter`: each filter value with its pages;
- `fragment/<lang>_<hash>.pf_fragment`: what a result shows (URL, readable text, meta, filters);
- `pagefind.js`, `pagefind-worker.js`, `wasm.unknown.pagefind`: Pagefind's browser library,
  taken once per Pagefind version from Pagefind itself (`Bundle`).

Data files are gzip of `pagefind_dcd` + CBOR (JSON for fragments), named by a hash of their
bytes, so the same records always give the same files. `tests/test_search_files.py` checks
that the words, positions and chunks are those Pagefind writes for the same records.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import os
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass
from operator import sub

from .. import served

LANGUAGE = "unknown"  # Pagefind's code for "no language processing"
MAGIC = b"pagefind_dcd"  # every Pagefind data file is gzip(magic + CBOR or JSON)
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", f"wasm.{LANGUAGE}.pagefind")
# Index chunk size in word locations (Pagefind's default is 20,000: ~50 KiB per chunk, and a
# query loads one chunk per term per shard). Smaller chunks mean a query downloads little more
# than the postings of its own terms; the shard's meta file lists one entry per chunk, and a
# word is never cut, so a frequent pair is a chunk of its own whatever the size. At 10,000
# posts (6 shards) the index bytes of 便民服务措施 (5 pairs) are 663 KiB at 1,000, 627 KiB at
# 1,500, 617 KiB at 2,000 and 705 KiB at 4,000; of 党建: 329, 288, 273, 243 KiB.
CHUNK_LOCATIONS = 2000
SHORT_HASH = 7  # hex digits of a data file's name, lengthened on a clash (as Pagefind does)

# ---------------------------------------------------------------- CBOR


def cbor_head(major: int, arg: int) -> bytes:
    """The head of a CBOR item in its shortest form."""
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("CBOR: integer too large")


ARRAY_2, ARRAY_3, EMPTY_ARRAY = b"\x82", b"\x83", b"\x80"
DEFAULT_WEIGHT = cbor_head(1, 24)  # -25: "the positions that follow have weight 1"


@functools.cache
def uint_heads() -> list[bytes]:
    """`cbor_head(0, n)` for every n < 65,536 (word positions and page numbers, ready made).
    Built on first use, not on import: a rebuild that indexes nothing should not pay for it."""
    return ([bytes((n,)) for n in range(24)] + [bytes((24, n)) for n in range(24, 256)]
            + [bytes((25, n >> 8, n & 255)) for n in range(256, 1 << 16)])


def cbor_uint(n: int) -> bytes:
    return uint_heads()[n] if n < 65536 else cbor_head(0, n)


def cbor_text(text: str) -> bytes:
    raw = text.encode("utf-8")
    return cbor_head(3, len(raw)) + raw


def cbor_array(items: list[bytes]) -> bytes:
    """An array of already encoded items."""
    return cbor_head(4, len(items)) + b"".join(items)


def cbor_decode(data: bytes):
    """Decode the CBOR of Pagefind's files (integers, strings, arrays): for tests and checks."""
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
    raise ValueError(f"CBOR: unsupported item {head:#x}")


def read_data_file(data: bytes):
    """The content of a Pagefind data file: decoded CBOR, or the parsed JSON of a fragment."""
    raw = gzip.decompress(data)
    if not raw.startswith(MAGIC):
        raise ValueError("not a Pagefind data file")
    body = raw[len(MAGIC):]
    return json.loads(body) if body[:1] == b"{" else cbor_decode(body)


# ---------------------------------------------------------------- one post


@dataclass(frozen=True)
class PostTerms:
    """A post's postings, ready to be joined into index chunks: for each word, the CBOR of its
    positions (a weight marker, the first position, then differences, as Pagefind stores them)
    followed by the empty array that ends a page entry, and how many numbers that is."""

    word_count: int
    words: dict  # word -> (encoded positions + end of entry, count of numbers incl. the marker)


def fold(word: str) -> str:
    """A word as Pagefind keys it: lower case, without diacritics (café → cafe)."""
    word = word.lower()
    if word.isascii():
        return word
    stripped = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


@functools.cache
def single_positions() -> list[tuple[bytes, int]]:
    """The encoded positions of a word that occurs once, at each position < 65,536."""
    head = ARRAY_2 + DEFAULT_WEIGHT
    return [(head + n + EMPTY_ARRAY, 2) for n in uint_heads()]


def post_terms(words: list[str]) -> PostTerms:
    """The postings of a post whose text is `words`, already folded (see `records.index_words`).
    Most words of a post occur once; those are looked up ready made."""
    counts = Counter(words)
    last = dict(zip(words, range(len(words))))
    repeated = {word for word, count in counts.items() if count > 1}
    once = single_positions()
    encoded = {word: once[at] if at < 65536 else _positions([at]) for word, at in last.items() if word not in repeated}
    if repeated:
        where: dict[str, list[int]] = {word: [] for word in repeated}
        for position, word in enumerate(words):
            if word in repeated:
                where[word].append(position)
        for word, positions in where.items():
            encoded[word] = _positions(positions)
    return PostTerms(len(words), encoded)


def _positions(positions: list[int]) -> tuple[bytes, int]:
    steps = [positions[0], *map(sub, positions[1:], positions)]
    numbers = map(uint_heads().__getitem__, steps) if positions[-1] < 65536 else map(cbor_uint, steps)
    return cbor_head(4, len(steps) + 1) + DEFAULT_WEIGHT + b"".join(numbers) + EMPTY_ARRAY, len(steps) + 1


# ---------------------------------------------------------------- the browser library


@dataclass(frozen=True)
class Bundle:
    """Pagefind's browser library and the facts its index files must agree with."""

    version: str
    include_characters: list
    files: dict  # name -> bytes (BUNDLE_FILES)


_BUNDLES: dict[str, Bundle] = {}


def pagefind_version() -> str:
    """Version of the installed Pagefind package (part of every shard's cache key)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


def bundle(cache_root: str | None) -> Bundle:
    """The browser library of the installed Pagefind: from memory, from `cache_root`, or from
    Pagefind itself (one tiny index, whose library files are kept)."""
    wanted = pagefind_version()
    if wanted in _BUNDLES:
        return _BUNDLES[wanted]
    folder = os.path.join(cache_root, f"bundle-{wanted}") if cache_root else None
    found = _read_bundle(folder) if folder else None
    if found is None:
        found = _bundle_from_pagefind()
        if folder:
            _store_bundle(found, folder)
    _BUNDLES[wanted] = found
    return found


def _read_bundle(folder: str) -> Bundle | None:
    try:
        with open(os.path.join(folder, "bundle.json"), encoding="utf-8") as handle:
            facts = json.load(handle)
        files = {}
        for name in BUNDLE_FILES:
            with open(os.path.join(folder, name), "rb") as handle:
                files[name] = handle.read()
            if hashlib.sha256(files[name]).hexdigest() != facts["digests"][name]:
                from ..cache import cache_problem

                cache_problem(os.path.join(folder, name), "内容与校验值不符（已损坏或被改动）")
                return None
        return Bundle(facts["version"], facts["include_characters"], files)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: taken from Pagefind again


def _store_bundle(found: Bundle, folder: str) -> None:
    temporary = f"{folder}.tmp{os.getpid()}"
    if os.path.isdir(folder):  # damaged (it could not be read): set aside, then replaced
        aside = f"{folder}.old{os.getpid()}"
        try:
            os.replace(folder, aside)
        except OSError:
            return
        shutil.rmtree(aside, ignore_errors=True)
    try:
        os.makedirs(temporary, exist_ok=True)
        for name, data in found.files.items():
            with open(os.path.join(temporary, name), "wb") as handle:
                handle.write(data)
        with open(os.path.join(temporary, "bundle.json"), "w", encoding="utf-8") as handle:
            json.dump({"version": found.version, "include_characters": found.include_characters,
                       "digests": {n: hashlib.sha256(d).hexdigest() for n, d in found.files.items()}}, handle)
        os.replace(temporary, folder)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)  # another build stored it first, or a read-only cache


def _bundle_from_pagefind() -> Bundle:
    from .pagefind_service import PagefindProcess

    with PagefindProcess() as pagefind:
        index_id = pagefind.request({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]
        pagefind.request({"type": "AddRecord", "index_id": index_id, "url": "/", "content": "portal",
                          "language": LANGUAGE, "meta": {}, "filters": {}, "sort": None})
        answer = pagefind.request({"type": "GetFiles", "index_id": index_id})
    files = {f["path"]: base64.b64decode(f["content"]) for f in answer["files"]}
    entry = json.loads(files["pagefind-entry.json"])
    return Bundle(entry["version"], entry["include_characters"], {name: files[name] for name in BUNDLE_FILES})


# ---------------------------------------------------------------- one shard


class Names:
    """Short content-hash names, lengthened where two different files would share one."""

    def __init__(self):
        self.taken: dict[str, str] = {}

    def name(self, data: bytes, digits: int = SHORT_HASH) -> str:
        return self.name_of(hashlib.sha256(data).hexdigest(), digits)

    def name_of(self, full: str, digits: int = SHORT_HASH) -> str:
        """The name of a file whose SHA-256 is `full` (hex)."""
        for length in range(digits, len(full) + 1):
            short = f"{LANGUAGE}_{full[:length]}"
            if self.taken.setdefault(short, full) == full:
                return short
        raise ValueError("hash clash")  # two different files with one SHA-256


def data_file(body: bytes) -> bytes:
    """A Pagefind data file. Level 4 takes half the time of 6 for 3% more bytes (measured on
    a 1,700-post shard: 0.23 s, 4.99 MB against 0.46 s, 4.85 MB)."""
    return gzip.compress(MAGIC + body, compresslevel=4, mtime=0)


@dataclass(frozen=True)
class IndexedPost:
    """What a shard needs of one record: its result fragment, filters and postings. It depends
    on the record alone, so it is made once per version of a post and kept in the cache."""

    fragment: bytes  # the fragment file (gzip)
    fragment_hash: str  # SHA-256 (hex) of the fragment's JSON, which names the file
    filters: dict
    terms: PostTerms


def indexed_post(record, words: list[str]) -> IndexedPost:
    """The fragment and postings of a record (url, content, meta, filters) whose text is `words`."""
    terms = post_terms(words)
    fragment = json.dumps({"url": record.url, "content": record.content, "word_count": terms.word_count,
                           "filters": dict(sorted(record.filters.items())),
                           "meta": dict(sorted(record.meta.items())), "anchors": []},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return IndexedPost(data_file(fragment), hashlib.sha256(fragment).hexdigest(), record.filters, terms)


def chunk_bounds(chunks: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The meta file's chunk ranges: between two chunks, the shortest prefixes that still tell
    the last word of one from the first word of the next, a range never ending before it
    starts (as Pagefind writes them)."""
    bounds = [list(c) for c in chunks]
    for left, right in zip(bounds, bounds[1:]):
        last, first = left[1], right[0]
        shared = 0
        while shared < min(len(last), len(first)) and last[shared] == first[shared]:
            shared += 1
        shortest = last[:shared + 1]
        left[1], right[0] = shortest if shortest >= left[0] else last, first[:shared + 1]
    return [(b[0], b[1], b[2]) for b in bounds]


def filter_bodies(filters: list[dict]) -> list[tuple[str, bytes]]:
    """(filter name, CBOR body) of each filter, from each page's filters; names and values in
    code-point order."""
    found: dict[str, dict[str, list[int]]] = {}
    for page, page_filters in enumerate(filters):
        for name, values in page_filters.items():
            for value in values:
                found.setdefault(name, {}).setdefault(value, []).append(page)
    bodies = []
    for name in sorted(found):
        values = [ARRAY_2 + cbor_text(v) + cbor_array([cbor_uint(p) for p in pages])
                  for v, pages in sorted(found[name].items())]
        bodies.append((name, ARRAY_2 + cbor_text(name) + cbor_array(values)))
    return bodies


class DamagedVersion(OSError):
    """A file of the shard's cached last version differs from its recorded digest."""


def write_files(files: dict[str, bytes | None], output: str, previous: str | None = None,
                digests: dict[str, str] | None = None) -> None:
    """Write a shard's files (paths relative to `output`), each as a file of its own (the site
    shares no inode with the cache). A file given as None is taken from `previous` (the shard's
    cached last version), checked against `digests` (its SHA-256 by path) when given:
    DamagedVersion when it differs, OSError when it cannot be read."""
    made = set()
    for path, data in sorted(files.items()):
        parts = path.split("/")
        target = os.path.join(output, *parts)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if data is None:
            if previous is None:
                raise FileNotFoundError(f"{path}: no last version to take it from")
            with open(os.path.join(previous, *parts), "rb") as handle:
                data = handle.read()
            if digests is not None and hashlib.sha256(data).hexdigest() != digests.get(path):
                raise DamagedVersion(f"{previous}/{path}")
        mark = hashlib.sha256(data).hexdigest() if served.ACTIVE is not None else ""
        if mark and served.unchanged(target, mark):  # `portal serve`: already in its folder
            continue
        if os.path.lexists(target):
            os.unlink(target)
        with open(target, "wb") as handle:
            handle.write(data)
        if mark:
            served.wrote(target, mark)
    served.keep_only(output, set(files))  # `portal serve` writes over the last version: only this one stays
