"""The portal writes Pagefind's index files itself: the words, positions, page numbers, index
chunks, filters and word counts must be exactly those Pagefind writes for the same records,
or Pagefind's browser library would find the wrong pages."""

from __future__ import annotations

import base64
import os
import random
from typing import Any

import pytest

from site_builder.search import index_files
from site_builder.search.index_files import LANGUAGE, bundle, chunk_bounds, indexed_post, post_terms, read_data_file
from site_builder.search.postings import ShardPostings, assemble, page_facts, shard_files
from site_builder.search.records import SearchRecord, index_words

SYLLABLES = "党建联创支部服务群众基层干部学习教育窗口税务药监广电电力乡村振兴营商环境"


def _records(count: int, seed: int) -> list[SearchRecord]:
    """Chinese texts with repeats, punctuation, Latin words in several cases, diacritics, digits."""
    rng = random.Random(seed)
    latin = ["CPC", "cpc", "Café", "naïve", "x_y", "2026", "Ⅻ", "ÉCOLE", "tea"]
    records = []
    for number in range(count):
        parts = []
        for _ in range(rng.randint(5, 60)):
            parts.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 9))))
            parts.append(rng.choice(["，", "。", " ", "、", f" {rng.choice(latin)} "]))
        filters = {"系统": [rng.choice(["税务系统", "广电系统"])], "年份": [str(rng.choice([2025, 2026]))]}
        records.append(SearchRecord(f"p/{number}/", "".join(parts), {"title": f"第{number}篇"}, filters))
    return records


def _pagefind_files(records: list[SearchRecord]) -> dict[str, bytes]:
    from site_builder.search.pagefind_service import PagefindProcess

    with PagefindProcess() as pagefind:
        index_id = pagefind.request({"type": "NewIndex", "config": {"force_language": LANGUAGE}})["index_id"]
        pagefind.requests([{"type": "AddRecord", "index_id": index_id, "url": r.url,
                            "content": " ".join(index_words(r.content)), "language": LANGUAGE, "meta": {},
                            "filters": r.filters, "sort": None} for r in records])
        answer = pagefind.request({"type": "GetFiles", "index_id": index_id})
    return {f["path"]: base64.b64decode(f["content"]) for f in answer["files"]}


def _decoded(files: dict[str, bytes]) -> tuple[dict, list, dict]:
    """(words with their pages and positions, meta file, filters with values sorted)."""
    words: dict = {}
    meta: Any = None
    filters: dict = {}
    for path, data in files.items():
        if path.endswith(".pf_index"):
            words.update((entry[0], entry) for entry in read_data_file(data)[0])
        elif path.endswith(".pf_meta"):
            meta = read_data_file(data)
        elif path.endswith(".pf_filter"):
            name, values = read_data_file(data)
            filters[name] = sorted(values)
    return words, meta, filters


@pytest.fixture(scope="module")
def both():
    pytest.importorskip("pagefind")
    records = _records(400, seed=7)
    ours = shard_files([indexed_post(r, index_words(r.content)) for r in records], bundle(None))
    return records, ours, _pagefind_files(records)


def test_words_pages_and_positions_are_pagefinds(both):
    _, ours, theirs = both
    our_words, their_words = _decoded(ours)[0], _decoded(theirs)[0]
    assert len(our_words) > 1000
    assert our_words == their_words


def test_chunks_word_counts_and_filters_are_pagefinds(both):
    _, ours, theirs = both
    our_meta, their_meta = _decoded(ours)[1], _decoded(theirs)[1]
    assert our_meta[0] == their_meta[0]  # version
    assert [page[1] for page in our_meta[1]] == [page[1] for page in their_meta[1]]
    assert len(our_meta[2]) > 10
    assert [chunk[:2] for chunk in our_meta[2]] == [chunk[:2] for chunk in their_meta[2]]
    assert our_meta[4:] == their_meta[4:] == [[], []]
    assert _decoded(ours)[2] == _decoded(theirs)[2]


def test_fragments_keep_the_readable_text_and_meta(both):
    records, ours, _ = both
    meta = _decoded(ours)[1]
    first = read_data_file(ours[f"fragment/{meta[1][0][0]}.pf_fragment"])
    assert first["url"] == records[0].url and first["content"] == records[0].content
    assert first["meta"] == {"title": "第0篇"} and first["word_count"] == meta[1][0][1]


def test_same_records_give_the_same_bytes(both):
    records, ours, _ = both
    again = shard_files([indexed_post(r, index_words(r.content)) for r in records], bundle(None))
    assert again == ours


def test_chunk_ranges_are_the_shortest_telling_prefixes():
    assert chunk_bounds([("a", "apple", "1"), ("apricot", "banana", "2"), ("peach", "peach", "3")]) == [
        ("a", "app", "1"), ("apr", "b", "2"), ("p", "peach", "3")]
    # A range never ends before it starts: a one-word chunk keeps its word.
    assert chunk_bounds([("三", "专", "1"), ("专题", "专题", "2"), ("业", "业", "3")]) == [
        ("三", "专", "1"), ("专题", "专题", "2"), ("业", "业", "3")]


def test_ready_made_numbers_are_cbors_shortest_form():
    heads = index_files.uint_heads()
    assert len(heads) == 65536
    assert all(heads[n] == index_files.cbor_head(0, n) for n in range(65536))
    assert index_files.cbor_uint(65536) == b"\x1a\x00\x01\x00\x00"


def test_positions_beyond_two_bytes_are_encoded(monkeypatch):
    words = ["党建"] + ["x"] * 70000 + ["党建"]
    terms = post_terms(words)
    encoded, numbers = terms.words["党建"]
    assert numbers == 3
    assert index_files.cbor_decode(encoded[:-1]) == [-25, 0, 70001]


def test_clashing_short_names_are_lengthened(monkeypatch):
    names = index_files.Names()
    first = names.name(b"one")
    monkeypatch.setattr(index_files.hashlib, "sha256", lambda data: _Fixed(data))
    second = names.name(b"two")
    assert first != second and second.startswith(first)


class _Fixed:
    """A hash whose first digits clash with those of b"one"."""

    def __init__(self, data: bytes):
        import hashlib

        real = hashlib.new("sha256", b"one").hexdigest()
        self.value = real[:10] + hashlib.new("sha256", data).hexdigest()[10:]

    def hexdigest(self) -> str:
        return self.value


# ---------------------------------------------------------------- the shard cache


def _cached_shard(cache, name: str, key: str, tmp_path) -> None:
    output = tmp_path / f"out-{name}-{key}"
    (output / "fragment").mkdir(parents=True)
    (output / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    (output / "fragment" / "a.pf_fragment").write_bytes(b"x")
    cache.store(name, key, str(output))


def test_post_index_data_is_kept_per_shard_and_forgotten_with_its_shard(tmp_path):
    from site_builder.cache import FORMAT
    from site_builder.search.index_files import IndexedPost, PostTerms
    from site_builder.search.shards import PlannedShard, PostStore, dump_indexed

    def post(key):
        return IndexedPost(f"post {key}".encode(), f"hash-{key}", {"年份": ["2026"]}, PostTerms(2, {"党建": (b"\x01", 2)}))

    cache = str(tmp_path / "cache")
    for shard, keys in (("tax", ["a1", "b2"]), ("fda", ["c3"])):
        store = PostStore(cache, shard)
        for key in keys:
            store.entries.write(key, dump_indexed(post(key)))
        store.save(PlannedShard(shard, (), tuple(keys), "k"))
    assert PostStore(cache, "tax").get("b2") == post("b2") and PostStore(cache, "fda").get("a1") is None
    PostStore.prune(cache, [PlannedShard("tax", ("x.md", "y.md"), ("a1", "b2"), "k")])
    assert sorted(os.listdir(tmp_path / "cache" / f"search-posts-v{FORMAT}")) == ["tax"]
    assert PostStore(cache, "tax").get("a1") == post("a1")


def test_shard_cache_keeps_one_version_and_forgets_names_no_longer_made(tmp_path):
    from site_builder.search.shards import ShardCache

    cache = ShardCache(str(tmp_path / "cache"))
    _cached_shard(cache, "tax", "k1", tmp_path)
    _cached_shard(cache, "tax", "k2", tmp_path)
    _cached_shard(cache, "tax~2019-2023", "k3", tmp_path)
    (tmp_path / "cache" / "search" / "bundle-1.5.2").mkdir()
    assert not cache.known("tax", "k1") and cache.known("tax", "k2")
    assert cache.latest("tax").endswith("k2")
    cache.prune({"tax", "_pages"})
    assert sorted(p.name for p in (tmp_path / "cache" / "search").iterdir()) == ["bundle-1.5.2", "tax"]


def test_a_shard_that_cannot_be_copied_whole_is_written_instead(tmp_path, monkeypatch):
    from site_builder.search import shards

    cache = shards.ShardCache(str(tmp_path / "cache"))
    _cached_shard(cache, "tax", "k", tmp_path)
    os.remove(tmp_path / "cache" / "search" / "tax" / "k" / "fragment" / "a.pf_fragment")  # as if replaced meanwhile
    output = tmp_path / "site" / "pagefind" / "tax"
    assert not cache.restore("tax", "k", str(output))
    assert not output.exists()


def test_without_a_cache_there_is_no_previous_version(tmp_path, monkeypatch):
    from site_builder.search.shards import ShardCache

    (tmp_path / "some-folder").mkdir()
    monkeypatch.chdir(tmp_path)
    assert ShardCache(None).latest("tax") is None



# ---------------------------------------------------------------- updating a shard in place


def _posts(records):
    return [indexed_post(r, index_words(r.content)) for r in records]


@pytest.mark.parametrize("seed", range(6))
def test_replacing_pages_gives_what_building_from_the_edited_posts_gives(seed):
    """Random edits (words removed, added, moved; a page emptied; first and last pages) applied
    in place equal a shard built from scratch: the same words, entries and files."""
    rng = random.Random(seed)
    before = _records(60, seed=seed)
    after = list(before)
    edited = sorted(rng.sample(range(60), 5) + [0, 59])
    for page in edited:
        old = after[page]
        text = _records(1, seed=seed * 100 + page)[0].content if page % 3 else old.content[: len(old.content) // 2]
        if page == 59:
            text = "。"  # no word left on the page
        after[page] = SearchRecord(old.url, text, old.meta, old.filters)
    old_posts, new_posts = _posts(before), _posts(after)
    postings = ShardPostings.from_terms([p.terms for p in old_posts])
    for page in sorted(set(edited)):
        postings.replace_page(page, old_posts[page].terms, new_posts[page].terms)
    rebuilt = ShardPostings.from_terms([p.terms for p in new_posts])
    assert postings.dump() == rebuilt.dump()
    pages = [page_facts(p) for p in new_posts]
    fragments = {page: post.fragment for page, post in enumerate(new_posts)}
    assert assemble(pages, postings, bundle(None), fragments) == shard_files(new_posts, bundle(None))


def test_postings_survive_the_cache():
    records = _records(30, seed=3)
    postings = ShardPostings.from_terms([p.terms for p in _posts(records)])
    assert ShardPostings.load(postings.dump()).dump() == postings.dump()


def test_an_edit_updates_the_shard_in_place_and_matches_a_cold_build(tmp_path, monkeypatch):
    """Through the build: an edited post's shard is updated, not rebuilt, and equals a cold build."""
    import filecmp

    from portal_factory import PortalTree, build
    from site_builder.search import shards

    tree = PortalTree(tmp_path / "tree")
    for number in range(12):
        tree.post(f"tax/np/2026/p{number}.md", f"第{number}篇党建联创", "2026-10-15",
                  body=f"正文{number}：窗口党员讲解发票开具。乡村振兴第{number}期。")
    cache = tmp_path / "cache"
    assert build(tree, tmp_path / "first", cache_dir=cache)[0]
    ways: list[str] = []
    original = shards.write_post_shard

    def recording(*args, **kwargs):
        ways.append(original(*args, **kwargs))
        return ways[-1]

    monkeypatch.setattr(shards, "write_post_shard", recording)
    monkeypatch.setattr("site_builder.search.write_post_shard", recording)
    tree.post("tax/np/2026/p5.md", "第5篇改写", "2026-10-15", body="改写后的正文：营商环境与便民服务。")
    assert build(tree, tmp_path / "warm", cache_dir=cache)[0]
    assert ways == ["updated"]
    assert build(tree, tmp_path / "cold", cache_dir=tmp_path / "cold-cache")[0]
    compare = filecmp.dircmp(tmp_path / "warm" / "pagefind", tmp_path / "cold" / "pagefind")
    left = sorted(p.relative_to(tmp_path / "warm") for p in (tmp_path / "warm" / "pagefind").rglob("*") if p.is_file())
    right = sorted(p.relative_to(tmp_path / "cold") for p in (tmp_path / "cold" / "pagefind").rglob("*") if p.is_file())
    assert left == right and compare.left_only == compare.right_only == []
    for rel in left:
        assert (tmp_path / "warm" / rel).read_bytes() == (tmp_path / "cold" / rel).read_bytes(), rel


def test_files_kept_from_the_last_version_are_copied_where_links_fail(tmp_path, monkeypatch):
    from site_builder.search import index_files

    previous = tmp_path / "previous"
    (previous / "fragment").mkdir(parents=True)
    (previous / "fragment" / "a.pf_fragment").write_bytes(b"kept")

    def no_links(source, target):  # the cache on another file system
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(index_files.os, "link", no_links)
    index_files.write_files({"fragment/a.pf_fragment": None, "index/b.pf_index": b"new"}, str(tmp_path / "out"),
                            str(previous))
    assert (tmp_path / "out" / "fragment" / "a.pf_fragment").read_bytes() == b"kept"
    assert (tmp_path / "out" / "index" / "b.pf_index").read_bytes() == b"new"
