"""One build of the portal, independent of MkDocs: load, render, aggregate.

Gather the whole context first, render afterwards (as Pelican does): the MkDocs
adapter only asks this object for finished fragments.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from . import keys
from .cache import LookupLog, ParsedPostCache, RenderCache, drop_old_formats, lookup_holds, recording
from .config import PortalConfig
from .core.clock import reference_time
from .core.content import Portal, load_portal
from .core.generated import generated_files, published_path, takes_generated_path
from .core.incentives import Incentives, load_incentives
from .core.interact import with_registers
from .core.posts import Post, load_post
from .core.problems import Problem
from .core.registers.registry import Registers, load_registers, register_feeds
from .core.render import LinkContext, MarkdownRenderer, Rendered, check_anchors
from .core.urls import page_url, reserved_ids
from .core.views import Site, View, build_site
from .pages.listing import PageContext
from .shards import Part
from .topics_build import finish_topics
from .workers import BuildMode


@dataclass
class MarkdownSettings:
    """The Markdown extensions and their options, as the site configures them."""

    extensions: list = field(default_factory=lambda: ["toc", "tables", "fenced_code"])
    configs: dict = field(default_factory=dict)
    source: str = ""  # the configuration text they came from: part of the render cache key, since
    # options such as a slugify function's arguments do not show in the objects themselves


class PortalBuild:
    """Everything one build knows: posts, their HTML, the views, the problems."""

    def __init__(self, content_dir: str, config: PortalConfig, markdown: MarkdownSettings,
                 cache_dir: str | None = None, jobs: int | None = None, memo=None):
        self.content_dir, self.config, self.markdown = content_dir, config, markdown
        self.memo = memo if cache_dir else None  # serve_memo.ServeMemo of a `portal serve` session (caches on)
        self.mode = BuildMode(cache_dir or None, jobs)  # the one switch: every cache and pool asks it
        self.cache_stats: dict[str, int] = {}
        self.cache_problems: list[str] = []  # noted in worker processes (see cache.cache_problem)
        self.now = reference_time(config.timezone)
        self.portal: Portal | None = None
        self.rendered: dict[str, Rendered] = {}
        self.site: Site | None = None
        self.views: dict[str, View] = {}  # src_uri → view
        self.posts_by_source: dict[str, Post] = {}
        self.registers = Registers()  # 联创台账: pairings, groups, projects (core.registers)
        self.incentives = Incentives()  # 考核评比激励: closed bulletins, assessments, honours (core.incentives)
        self.part: Part | None = None  # shards.Part of a sharded build (`portal build --shard K/N`): the files it writes
        self._derived: dict[str, object] = {}
        self._derived_from: list | None = None  # the post list `_derived` was computed from
        self._parse_settings: str | None = None
        self._render_keys: set[str] = set()

    @property
    def cache_dir(self) -> str | None:
        """The cache folder (None: no cache is read or written)."""
        return self.mode.cache_dir

    @property
    def problems(self) -> list[Problem]:
        return sorted(self.portal.problems) if self.portal else []

    def run(self, sources: list[str] | None = None, render_only: set[str] | None = None,
            loaded: Callable[[], None] | None = None, rendered: Callable[[], None] | None = None) -> None:
        """Load and check the tree, render every post (or only `render_only`), build every view.
        `loaded` is called once the posts are known, `rendered` once they are rendered (some
        may then be dropped), both before the views are built."""
        self.config, register_problems = with_registers(self.content_dir, self.config)
        self._parse_settings = None  # the settings now hold the registers
        memo = self.memo if sources is None else None
        parsed = self.parsed_cache() if sources is None and not (memo and memo.builds) else None
        parse = partial(parsed.load, load_post) if parsed else load_post
        self.portal = load_portal(self.content_dir, self.config, self.now, reserved_ids(self.config.columns), sources,
                                  read=memo.reader(self.content_dir) if memo else None,
                                  parse=memo.parser(parse, self.parse_settings()) if memo else parse)
        self.portal.problems.extend(register_problems)
        if parsed:
            parsed.save()
        self.drop_generated_clashes()
        if loaded is not None:
            loaded()
        self.render_posts(render_only)
        self.posts_by_source = self.portal.post_by_source()
        if rendered is not None:
            rendered()
        self.site = build_site(self.portal.orgs, self.portal.posts, self.config)
        self.views = {v.src_uri: v for v in self.site.views}
        if self.drop_view_collisions():
            self.posts_by_source = self.portal.post_by_source()
            if rendered is not None:
                rendered()  # again: what it began included a dropped post
        finish_topics(self)
        self.load_registers()
        if memo is not None:
            memo.forget_unused({p.source for p in self.portal.posts}, self._render_keys)
            memo.builds += 1

    def load_registers(self) -> None:
        """Read the 联创 registers against the published posts; add their problems and feeds."""
        self.registers, problems = load_registers(self.content_dir, self.portal.orgs, self.portal.posts, self.now)
        self.portal.problems.extend(problems)
        self.incentives = load_incentives(self.content_dir, self.portal, self.config, self.now)  # 考核、表彰、通报存档
        self.registers.feeds = register_feeds(self.portal.orgs, self.site, self.registers, self.config)
        self.site.feeds.extend(self.registers.feeds)

    def link_context(self) -> LinkContext:
        sources = {p.source for p in self.portal.posts} | set(self.portal.pages)
        sizes = {a: os.path.getsize(os.path.join(self.content_dir, a)) for a in self.portal.assets}
        return LinkContext(sources, sizes, self.config.attachment_types, self.config.max_attachment_bytes)

    def render_posts(self, only: set[str] | None = None) -> None:
        """Render all posts, or only those in `only` (a check of changed files), in a process pool
        for big portals; posts with link problems are dropped."""
        context = self.link_context()
        jobs = [(p.source, p.body, p.body_line, p.summary) for p in self.portal.posts
                if only is None or p.source in only]
        self.rendered = dict(zip((j[0] for j in jobs), self.render_cached(jobs, context, prune=only is None)))
        check_anchors(self.rendered)
        kept = []
        for post in self.portal.posts:
            result = self.rendered.get(post.source)
            if result is not None and result.problems:
                self.portal.problems.extend(result.problems)
                self.portal.skipped.add(post.source)
                del self.rendered[post.source]
            else:
                post.summary = result.summary if result is not None else post.summary
                kept.append(post)
        self.portal.posts = kept

    def parse_settings(self) -> str:
        """Everything besides a post's own file that decides the parsed post (`keys.parse_settings`),
        made once per build. Part of the parsed-post cache's key, and of every key that stands
        for a post by its `identity()`."""
        if self._parse_settings is None:
            self._parse_settings = keys.parse_settings(self)
        return self._parse_settings

    def parsed_cache(self) -> ParsedPostCache | None:
        """The cache of parsed posts (None without a cache folder); keyed by `parse_settings`."""
        if not self.cache_dir:
            return None
        drop_old_formats(self.cache_dir)
        return ParsedPostCache(self.cache_dir, self.parse_settings())

    def render_cache(self) -> RenderCache:
        """The cache of rendered bodies; its key covers the renderer's code and settings."""
        return RenderCache(self.cache_dir, keys.render_settings(self))

    def render_cached(self, jobs: list[tuple], context: LinkContext, prune: bool = True) -> list[Rendered]:
        """Rendered bodies of `jobs`, from the cache where the post and its link targets are unchanged."""
        cache = self.render_cache()
        keys = [cache.key(*job) for job in jobs]
        self._render_keys = set(keys)
        results: list = [self._remembered(cache, key, context) for key in keys]
        misses = [i for i, result in enumerate(results) if result is None]
        fresh = render_all([jobs[i] for i in misses], context, self.markdown, record=cache.store.enabled,
                           mode=self.mode)
        for index, (result, lookups) in zip(misses, fresh):
            results[index] = result
            if lookups is not None:
                cache.put(keys[index], result, lookups)
                if self.memo is not None:
                    self.memo.keep_rendered(keys[index], result, lookups)
        self.cache_stats = {"posts rendered": len(misses), "posts from cache": len(jobs) - len(misses)}
        if self.memo is not None:
            self.memo.counts["posts rendered"] += len(misses)
        # a serve session's later builds prune nothing (that reads every pack): its first did
        cache.save(set(keys) if prune and not (self.memo and self.memo.builds) else None)
        return results

    def _remembered(self, cache: RenderCache, key: str, context: LinkContext) -> object | None:
        """A rendered body from the serve session's memory or the render cache (None: render it)."""
        if self.memo is None:
            return cache.get(key, context)
        found = self.memo.rendered_body(key, context, lookup_holds)
        if found is None:
            entry = cache.entry(key, context)
            if entry is not None:
                self.memo.keep_rendered(key, *entry)
                found = entry[0]
        return found

    def drop_view_collisions(self) -> bool:
        """A post or page whose URL is a generated listing loses to the listing; True when a
        post was dropped."""
        taken = {v.url for v in self.site.views}
        sources = [p.source for p in self.portal.posts] + self.portal.pages
        clashes = [s for s in sources if page_url(s) in taken and s != "index.md"]
        clashes += self.generated_clashes(self.site, set(clashes))
        if not clashes:
            return False
        for source in clashes:
            if page_url(source) in taken:
                self.portal.problems.append(Problem(source, 0, f"网址 /{page_url(source)} 与自动生成的列表页冲突",
                                                    "换一个文件名（例如不要用 index.md 或 page/2.md 这类名称）"))
        dropped = any(p.source in clashes for p in self.portal.posts)
        for source in clashes:
            self.portal.skipped.add(source)
        self.portal.pages = [p for p in self.portal.pages if p not in clashes]
        self.portal.posts = [p for p in self.portal.posts if p.source not in clashes]
        self.site = build_site(self.portal.orgs, self.portal.posts, self.config)
        self.views = {v.src_uri: v for v in self.site.views}
        return dropped

    def generated_clashes(self, site, known: frozenset[str] | set[str] = frozenset()) -> list[str]:
        """Posts and pages published where the build writes a file of its own (a feed, an OPML
        list, the sitemap, the 404 page: `core.generated`), each reported once."""
        files = generated_files(site, self.portal.orgs.systems)
        sources = [p.source for p in self.portal.posts] + self.portal.pages
        clashes = [s for s in sources if s not in known and takes_generated_path(s, files)]
        for source in clashes:
            self.portal.problems.append(Problem(
                source, 0, f"发布路径 /{published_path(source)} 与网站自动生成的文件（订阅源、OPML、站点地图或 404 页）冲突",
                "换一个文件名，不要以 rss.xml、atom.xml、feeds.opml、sitemap.xml、404.html 结尾"))
        return clashes

    def drop_generated_clashes(self) -> None:
        """Before any page folder is made: the feeds of units, systems and columns, the OPML
        lists and the root files are known from orgs.yml and the configuration alone."""
        clashes = set(self.generated_clashes(build_site(self.portal.orgs, [], self.config)))
        if clashes:
            self.portal.skipped |= clashes
            self.portal.pages = [p for p in self.portal.pages if p not in clashes]
            self.portal.posts = [p for p in self.portal.posts if p.source not in clashes]

    def derived(self, name: str, compute: Callable[[], object]):
        """`compute()` once per list of posts: feature modules ask for the same derived value
        (the bulletin, the search shards) from a page and from their outputs. The list is
        replaced whenever posts are dropped, and every value derived from it goes with it."""
        if self._derived_from is not self.portal.posts:
            self._derived, self._derived_from = {}, self.portal.posts
        if name not in self._derived:
            self._derived[name] = compute()
        return self._derived[name]

    def page_context(self) -> PageContext:
        """What every page fragment needs (made once per build: pages ask for it thousands of times)."""
        made = getattr(self, "_page_context", None)
        if made is None or made.site is not self.site:
            images = {s: r.image for s, r in self.rendered.items() if r.image}
            made = self._page_context = PageContext(self.portal.orgs, self.config, self.site, self.now, images,
                                                    self.registers, self.incentives)
        return made

    def post(self, source: str) -> Post | None:
        """The published post of a source path (None for anything else)."""
        return self.posts_by_source.get(source)


_WORKER: dict = {}


def _init_worker(markdown: MarkdownSettings, context: LinkContext, record: bool = False) -> None:
    _WORKER["renderer"] = MarkdownRenderer(markdown.extensions, markdown.configs)
    _WORKER["log"] = LookupLog() if record else None
    _WORKER["context"] = recording(context, _WORKER["log"]) if record else context


def _render_chunk(jobs: list[tuple]) -> list[tuple[Rendered, tuple | None]]:
    """Render (source, body, line, summary) jobs; each result comes with the link lookups it
    made when they are recorded (for the render cache), else None."""
    renderer, context, log = _WORKER["renderer"], _WORKER["context"], _WORKER["log"]
    results = []
    for source, body, line, summary in jobs:
        if log is not None:
            log.take()
        result = renderer.render(source, body, line, context, summary)
        results.append((result, log.take() if log is not None else None))
    return results


def render_all(jobs: list[tuple], context: LinkContext, markdown: MarkdownSettings,
               record: bool = False, mode: BuildMode = BuildMode()) -> list[tuple[Rendered, tuple | None]]:
    """Render (source, body, body_line, summary) jobs, in order (in a process pool when
    there are many and `mode` allows one; the work is spawn-safe); with `record`, each
    result comes with the link lookups it made."""
    if not jobs:
        return []
    pool = mode.pool("render", len(jobs), spawn_safe=True, initializer=_init_worker,
                     initargs=(markdown, context, record))
    if pool is None:
        _init_worker(markdown, context, record)
        return _render_chunk(jobs)
    size = max(20, len(jobs) // (pool._max_workers * 8))  # type: ignore[attr-defined]
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    with pool:
        return [r for chunk in pool.map(_render_chunk, chunks) for r in chunk]
