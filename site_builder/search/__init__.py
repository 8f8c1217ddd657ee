"""Full-text search: a Pagefind index per system, and the search page at /search/.

Posts become search records from the core's data (`records`); ordinary pages from the text
of their built article. Each shard (one per system, a few for a big system, plus `_pages`,
see `shards`) is written to `pagefind/<shard>/` in Pagefind's file format by the portal
itself (`index_files`); the browser runs Pagefind's own library. The search page loads the
shard a search needs first (the chosen system's, or the first) and merges the others in
the browser when a search needs them (Pagefind `mergeIndex`). Post shards are written by
the build's worker processes while MkDocs renders its pages; a shard whose inputs did not
change is linked from the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from html import escape

from .. import served
from ..cache import take_cache_problems
from ..extras import ExtraPage
from ..pages.links import href
from .index_files import bundle
from .records import RecordInputs, Records
from .shards import (
    INDEX_DIR,
    PAGES_SHARD,
    PostStore,
    ShardCache,
    planned_post_shards,
    search_settings,
    shard_names,
    system_shards,
    write_pages_shard,
    write_post_shard,
)

SEARCH_URL = "search/"
WRITES = (INDEX_DIR + "/**",)  # the feature interface (feature.py): files written by `write`
SEARCH_TEMPLATE = "search.html"  # site_builder/theme/search.html: Material without its JS bundle

# ---------------------------------------------------------------- writing the index


class PostIndexing:
    """The post shards of one build, begun as soon as the posts are rendered: shards to write
    go to worker processes (forked now, so they hold the build) when there are many posts to
    index; the rest, and shards linked from the cache, are done by a background thread.

    The build forks while its background threads run (this one; the folder maker, the feeds
    writer and the page writer fork later): those threads take no lock a forked worker needs
    (no logging, no imports, no writing to stdout or stderr), and the workers touch nothing of
    theirs. The `portal` command's terminal spinner does write to stderr from a thread, so
    forked children get stream objects of their own (`cli._build_status`)."""

    def __init__(self, build, site_dir: str):
        self.build, self.site_dir = build, site_dir
        self.root = os.path.join(site_dir, INDEX_DIR)
        self.library = bundle(_bundle_cache(build))
        self.settings = search_settings(build)
        self.planned = [p for p in planned_post_shards(build, self.settings) if _owns(build, p.name)]
        cache = ShardCache(build.cache_dir)
        todo = [p for p in self.planned if not cache.known(p.name, p.key)]
        self.pool, self.futures = None, []
        self.error: BaseException | None = None
        in_thread = self.planned
        global _ACTIVE
        _ACTIVE = build  # the workers, forked at the first job, find the build here
        self.pool = build.mode.pool("search", sum(len(p.sources) for p in todo), most=min(2, len(todo)))
        self.spool: str | None = None
        if self.pool is not None:
            try:
                biggest = sorted(todo, key=lambda p: (-len(p.sources), p.name))
                self.spool = tempfile.mkdtemp(prefix="portal-search-")
                spooled = [spool_inputs(build, p, self.spool) for p in biggest]  # before the pool forks
                self.futures = [self.pool.submit(_post_shard_job, p, self.root, self.library, path)
                                for p, path in zip(biggest, spooled)]
            except BaseException:
                self.pool.shutdown(cancel_futures=True)
                self._drop_spool()
                raise
            in_thread = [p for p in self.planned if p not in todo]
        self.thread = threading.Thread(target=self._run, args=(in_thread,), name="portal-search", daemon=True)
        self.thread.start()

    def _run(self, planned: list) -> None:
        try:
            for plan in planned:
                write_post_shard(self.build, plan, self.root, self.library)
        except BaseException as error:  # raised again by `join`, in the build's own thread
            self.error = error

    def join(self) -> None:
        """Wait for the post shards; raise what their writing raised (the thread's error first)."""
        global _ACTIVE
        try:
            self.thread.join()
            if self.error is not None:
                raise self.error
            for future in self.futures:
                self.build.cache_problems += future.result()
        finally:
            if self.pool is not None:
                self.pool.shutdown()
                self.pool = None
            self._drop_spool()
            if _ACTIVE is self.build:
                _ACTIVE = None  # a long `serve` keeps no old build alive
        PostStore.prune(self.build.cache_dir, self.planned)

    def _drop_spool(self) -> None:
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool = None

    def cancel(self) -> None:
        """Stop what has not begun and wait for the rest (a failed build), ignoring errors."""
        for future in self.futures:
            future.cancel()
        try:
            self.join()
        except BaseException:
            pass


_ACTIVE = None  # the build a forked worker belongs to


def spool_inputs(build, planned, folder: str) -> str:
    """Write the record inputs of a shard's posts to a file of `folder` (JSON); returns its path.

    A forked worker that read the posts from the build it inherited would touch their objects
    (their reference counts), and the kernel would copy every memory page holding one: each
    search worker ended up with its own copy of half the build (0.45 GiB each at 50,000
    posts). From this file it reads what it needs into memory of its own, freed after the shard."""
    records = Records(build)
    rows = [[source, *records.inputs(build.post(source))] for source in planned.sources]
    path = os.path.join(folder, f"{len(os.listdir(folder))}.json")
    with open(path, "wb") as handle:
        handle.write(json.dumps(rows, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return path


def spooled_inputs(path: str) -> dict[str, RecordInputs]:
    """The record inputs `spool_inputs` wrote, by source (the file is removed)."""
    with open(path, "rb") as handle:
        rows = json.loads(handle.read().decode("utf-8", "surrogatepass"))
    os.remove(path)
    return {row[0]: RecordInputs(*row[1:]) for row in rows}


def _post_shard_job(planned, root: str, library, spooled: str) -> list[str]:
    """Worker side: write (or copy from the cache) one post shard of the build the worker was
    forked from, its posts read from the `spooled` file; returns the cache problems met (the
    build's process reports them)."""
    take_cache_problems()  # the parent's, copied at the fork
    write_post_shard(_ACTIVE, planned, root, library, spooled_inputs(spooled))
    return take_cache_problems()


def _owns(build, shard: str) -> bool:
    """Whether this build writes `shard` (every shard, unless it is one part of a sharded build)."""
    return build.part is None or build.part.owns(f"{INDEX_DIR}/{shard}/")


def _bundle_cache(build) -> str | None:
    return os.path.join(build.cache_dir, "search") if build.cache_dir else None


def start(build, site_dir: str) -> None:
    """Begin the post shards as soon as the posts are rendered (`write` finishes the index);
    an indexing begun before for this build is stopped first."""
    stop(build)
    if served.ACTIVE is None:  # `portal serve` keeps its folder: what is not written again goes at the end
        shutil.rmtree(os.path.join(site_dir, INDEX_DIR), ignore_errors=True)
    build.search_indexing = PostIndexing(build, site_dir)


def stop(build) -> None:
    """Wait for a started indexing (a failed build), ignoring its errors."""
    job = getattr(build, "search_indexing", None)
    if job is not None:
        job.cancel()
        build.search_indexing = None


def write(build, site_dir: str) -> None:
    """Write `pagefind/<shard>/` for every shard: the post shards by the indexing `start` began
    (begun now when it was not), the ordinary pages' shard from the built pages."""
    job = getattr(build, "search_indexing", None)
    if job is None or job.site_dir != site_dir:
        start(build, site_dir)
        job = build.search_indexing
    build.search_indexing = None
    try:
        if _owns(build, PAGES_SHARD):
            write_pages_shard(build, site_dir, job.root, job.library, job.settings)
    except BaseException:
        job.cancel()
        raise
    job.join()
    ShardCache(build.cache_dir).prune({p.name for p in job.planned} | {PAGES_SHARD})


# ---------------------------------------------------------------- the search page


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
