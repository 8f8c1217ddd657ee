"""A shard's word index as it goes into Pagefind's index chunks, kept so that an edit can
update it in place, and the assembly of a shard's files (no mkdocs import).

For each word: its page entries already encoded (`[page step, positions, []]`, the page
step being the difference from the word's previous page), the page of each entry and the
byte length of each entry. Replacing one page's postings touches only the words of that
page (before and after the edit): each such word gets its entry for the page removed or
put in, and the entry after it a new page step. Joining every word of a 1,700-post shard
again costs about 1.2 s; this costs a few hundredths of that per edited post.

`ShardPostings.from_terms` and `replace_page` must give the same words as building from the
edited posts: `tests/test_search_files.py` checks it on random edits.
"""

from __future__ import annotations

import functools
import json
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from itertools import chain
from operator import add, sub

from .index_files import (
    ARRAY_2,
    ARRAY_3,
    CHUNK_LOCATIONS,
    EMPTY_ARRAY,
    LANGUAGE,
    Bundle,
    IndexedPost,
    Names,
    PostTerms,
    cbor_array,
    cbor_head,
    cbor_text,
    cbor_uint,
    chunk_bounds,
    data_file,
    filter_bodies,
    uint_heads,
)


@functools.cache
def entry_heads() -> list[bytes]:
    """A page entry's head for each page step < 65,536 (built on first use)."""
    return [ARRAY_3 + n for n in uint_heads()]


def entry_head(step: int) -> bytes:
    return entry_heads()[step] if step < 65536 else ARRAY_3 + cbor_uint(step)


@dataclass
class WordEntries:
    """One word's page entries: their bytes, pages and lengths, and the word's share of a chunk."""

    body: bytes
    pages: array  # "I": page number of each entry, ascending
    lengths: array  # "I": byte length of each entry in `body`
    numbers: int  # Σ over entries of (numbers in its positions + 1): Pagefind's chunk measure


class ShardPostings:
    """Every word of a shard with its encoded page entries."""

    def __init__(self, words: dict[str, WordEntries]):
        self.words = words

    @classmethod
    def from_terms(cls, terms: list[PostTerms]) -> ShardPostings:
        """The words of pages whose postings are `terms`, in page order."""
        postings: dict[str, list] = {}  # word → [page, tail, numbers, page, tail, numbers, …]
        for page, post in enumerate(terms):
            for word, posting in post.words.items():
                found = postings.get(word)
                if found is None:
                    postings[word] = [page, *posting]
                else:
                    found.append(page)
                    found += posting
        words, head = {}, entry_heads().__getitem__ if len(terms) <= 65536 else entry_head
        for word, found in postings.items():
            pages, tails, numbers = found[0::3], found[1::3], found[2::3]
            heads = list(map(head, map(sub, pages, [0] + pages[:-1])))
            words[word] = WordEntries(b"".join(chain.from_iterable(zip(heads, tails))), array("I", pages),
                                      array("I", map(add, map(len, heads), map(len, tails))),
                                      sum(numbers) + len(pages))
        return cls(words)

    def replace_page(self, page: int, old: PostTerms, new: PostTerms) -> None:
        """Put `new` in place of `old` as the postings of `page`."""
        for word in old.words.keys() | new.words.keys():
            self._replace(word, page, old.words.get(word), new.words.get(word))

    def _replace(self, word: str, page: int, old: tuple | None, new: tuple | None) -> None:
        entries = self.words.get(word)
        if entries is None:
            if old is not None:
                raise ValueError(f"word {word!r} missing from page {page}")
            head = entry_head(page)
            self.words[word] = WordEntries(head + new[0], array("I", [page]), array("I", [len(head) + len(new[0])]),
                                           new[1] + 1)
            return
        pages, lengths, body = entries.pages, entries.lengths, entries.body
        at = bisect_left(pages, page)
        present = at < len(pages) and pages[at] == page
        if present != (old is not None):
            raise ValueError(f"word {word!r}: page {page} does not match the old postings")
        start = sum(lengths[:at])
        before = pages[at - 1] if at else 0
        after = at + 1 if present else at  # the entry that follows, once the page's entry is out
        stop = start + lengths[at] if present else start
        put = entry_head(page - before) + new[0] if new is not None else b""
        parts, new_lengths = [body[:start], put], [len(put)] if put else []
        if after < len(pages):  # its page step now counts from `page` (or from `before`)
            old_head = len(entry_head(pages[after] - (pages[after - 1] if after else 0)))
            step = pages[after] - (page if new is not None else before)
            following = entry_head(step) + body[stop + old_head:stop + lengths[after]]
            parts += [following, body[stop + lengths[after]:]]
            new_lengths.append(len(following))
        new_pages = pages[:at] + array("I", [page] if new is not None else []) + pages[after:]
        if not new_pages:
            del self.words[word]
            return
        entries.body = b"".join(parts)
        entries.pages = new_pages
        entries.lengths = lengths[:at] + array("I", new_lengths) + lengths[after + 1:]
        entries.numbers += (new[1] + 1 if new is not None else 0) - (old[1] + 1 if old is not None else 0)

    def chunks(self):
        """(first word, last word, CBOR body) of each index chunk: words in code-point order, cut
        after a word once a chunk holds `CHUNK_LOCATIONS` numbers (Pagefind's rule)."""
        chunk, size = [], 0
        for word in sorted(self.words):
            entries = self.words[word]
            chunk.append((word, ARRAY_3 + cbor_text(word) + cbor_head(4, len(entries.pages)) + entries.body
                          + EMPTY_ARRAY))
            size += entries.numbers
            if size >= CHUNK_LOCATIONS:
                yield chunk[0][0], chunk[-1][0], b"\x81" + cbor_array([body for _, body in chunk])
                chunk, size = [], 0
        if chunk:
            yield chunk[0][0], chunk[-1][0], b"\x81" + cbor_array([body for _, body in chunk])

    def dump(self) -> dict:
        """Plain data for the cache (arrays as bytes; see shards.dump_state)."""
        return {w: (e.body, e.pages.tobytes(), e.lengths.tobytes(), e.numbers) for w, e in self.words.items()}

    @classmethod
    def load(cls, data: dict) -> ShardPostings:
        words = {}
        for word, (body, pages, lengths, numbers) in data.items():
            page_array, length_array = array("I"), array("I")
            page_array.frombytes(pages)
            length_array.frombytes(lengths)
            words[word] = WordEntries(body, page_array, length_array, numbers)
        return cls(words)


# ---------------------------------------------------------------- a shard's files


@dataclass(frozen=True)
class PageFacts:
    """What the meta and filter files need of one page."""

    fragment_hash: str  # SHA-256 (hex) of the fragment's JSON
    word_count: int
    filters: dict


def page_facts(post: IndexedPost) -> PageFacts:
    return PageFacts(post.fragment_hash, post.terms.word_count, post.filters)


def shard_files(posts: list[IndexedPost], found: Bundle) -> dict[str, bytes]:
    """Every file of one shard made from its posts, in page order."""
    return assemble([page_facts(p) for p in posts], ShardPostings.from_terms([p.terms for p in posts]), found,
                    {page: post.fragment for page, post in enumerate(posts)})


def assemble(pages: list[PageFacts], postings: ShardPostings, found: Bundle,
             fragments: dict[int, bytes]) -> dict[str, bytes | None]:
    """Every file of one shard (paths relative to its folder). `fragments` holds the fragment
    file of each page given; a page not given keeps the file of the shard's last version
    (its value is None: `index_files.write_files` links it from there)."""
    names, files = Names(), {}
    meta_pages = []
    for page, facts in enumerate(pages):
        name = names.name_of(facts.fragment_hash)
        files[f"fragment/{name}.pf_fragment"] = fragments.get(page)
        meta_pages.append(ARRAY_2 + cbor_text(name) + cbor_uint(facts.word_count))
    chunks = []
    for first, last, body in postings.chunks():
        name = names.name(body)
        files[f"index/{name}.pf_index"] = data_file(body)
        chunks.append((first, last, name))
    filters = []
    for filter_name, body in filter_bodies([facts.filters for facts in pages]):
        name = names.name(body)
        files[f"filter/{name}.pf_filter"] = data_file(body)
        filters.append(ARRAY_2 + cbor_text(filter_name) + cbor_text(name))
    meta = cbor_head(4, 6) + cbor_text(found.version) + cbor_array(meta_pages) + cbor_array(
        [ARRAY_3 + cbor_text(a) + cbor_text(b) + cbor_text(n) for a, b, n in chunk_bounds(chunks)]
    ) + cbor_array(filters) + EMPTY_ARRAY + EMPTY_ARRAY
    meta_name = names.name(meta, 15)
    files[f"pagefind.{meta_name}.pf_meta"] = data_file(meta)
    entry = {"version": found.version,
             "languages": {LANGUAGE: {"hash": meta_name, "wasm": None, "page_count": len(pages)}},
             "include_characters": found.include_characters}
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    files.update(found.files)
    return files
