"""Writing the portal's own pages (posts, listings not in the navigation) with the theme's
template, outside MkDocs' one-page-at-a-time loop.

MkDocs renders the few pages the navigation names; the thousands of others are
rendered here, exactly as `mkdocs.commands.build._build_page` would render them, but
- in a forked process pool (both cores work on the template, the largest cost), and
- through the page cache: a page whose inputs (body fragment, title, table of contents,
  feeds, URL, navigation, theme, configuration) are unchanged is copied from the cache.

Like plugin.py and sitebuild.py, this module imports MkDocs.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import posixpath
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from mkdocs import utils
from mkdocs.commands.build import get_context
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from .cache import PageCache, digest, stable_repr, take_cache_problems
from .workers import BuildMode

log = logging.getLogger("mkdocs.plugins.portal")
CHUNK = 64
DRAW_NAV_ONCE = True  # ChromeMemo on (tests turn it off to compare with Material's own drawing)


class PortalPageFile(File):
    """A page the portal writes itself: links to it resolve, MkDocs neither renders nor copies it."""

    def _page_dest_path(self) -> str:
        """Where MkDocs would write this Markdown page (`a/b.md` → `a/b/index.html`)."""
        parent = posixpath.dirname(self.src_uri)
        if not self.use_directory_urls or self.name == "index":
            return posixpath.join(parent, self.name + ".html")
        return posixpath.join(parent, self.name, "index.html")

    dest_uri = cached_property(_page_dest_path)

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False

    def is_media_file(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        return None


@dataclass
class PageParts:
    """Everything the portal decides about one page; the theme adds the rest."""

    meta: dict
    html: str
    toc: list = field(default_factory=list)  # Python-Markdown toc tokens
    feeds: list = field(default_factory=list)  # head feed links: dicts of title, rss, atom

    def key(self, cache: PageCache, url: str) -> str:
        return cache.key(url, stable_repr(sorted(self.meta.items())), self.html, stable_repr(self.toc),
                         stable_repr(self.feeds))


def page_settings(config, nav) -> str:
    """What every page's HTML depends on besides its own parts (`keys.page_settings`)."""
    from .keys import page_settings as settings

    return settings(config, nav)


def nav_outline(items) -> str:
    """Titles and URLs of the navigation tree, as text."""
    parts = []
    for item in items:
        url = getattr(item, "url", "")
        parts.append(f"({item.title!r},{url!r},{nav_outline(item.children or [])})")
    return ",".join(parts)


class ChromeMemo:
    """Navigation, tabs, styles, footer and scripts HTML of pages outside the navigation,
    drawn once per set of relative links (theme/main.html and partials/nav.html, tabs.html
    ask a PageMemo for them).

    Such a page marks nothing active, so its navigation differs from another's only in
    the URLs the `url` filter makes relative to it: the base URL (its depth) and the links
    to navigation targets under the page's own first folder (any other target is
    base URL + target); the theme's and extra styles and scripts count as targets."""

    def __init__(self, nav, config):
        targets = nav_urls(nav.items) + ["assets/"]  # the theme's styles and scripts
        extras = [config.extra.get("homepage"), config.theme.get("logo"), config.theme.get("favicon"),
                  *config.extra_css, *config.extra_javascript]
        targets += [str(extra) for extra in extras if extra]
        targets = [t for t in targets if "://" not in t and not t.startswith("/")]
        self.by_folder: dict[str, list[str]] = {}
        for target in sorted(set(targets)):
            self.by_folder.setdefault(target.split("/", 1)[0], []).append(target)
        self.drawn: dict[tuple, dict] = {}

    def for_page(self, page, base_url: str) -> PageMemo:
        folder = page.url.split("/", 1)[0]
        near = self.by_folder.get(folder)
        key = (base_url, folder, tuple(get_relative_url(t, page.url) for t in near)) if near else (base_url,)
        return PageMemo(self.drawn.setdefault(key, {}))


class PageMemo:
    """One page's view of the ChromeMemo: `get` a drawn part or `put` one (outputs nothing)."""

    def __init__(self, parts: dict):
        self.parts = parts

    def get(self, name: str):
        return self.parts.get(name)

    def put(self, name: str, html) -> str:
        self.parts[name] = html
        return ""


def nav_urls(items) -> list[str]:
    """The URL of every page and link in the navigation tree (home included)."""
    found = []
    for item in items:
        url = getattr(item, "url", None)
        if isinstance(url, str):
            found.append(url)
        found.extend(nav_urls(item.children or []))
    return found


class FolderMaker:
    """Makes the folders of pages in forked child processes while the build goes on.

    Every post page is a folder of its own (`tax/np/2026/slug/index.html`), and making a
    folder is a system call that, on some file systems, costs far more than writing or
    linking the page (measured 0.02–0.8 ms of kernel time). A child makes them on a core the
    build leaves idle while it renders and plans, instead of the page workers making them
    later, all at once. Not a thread: a thread that makes thousands of short system calls
    waits for the GIL after each one while the main thread computes (measured 0.8 ms a
    folder). The child only makes folders and leaves with `os._exit`: it flushes no stream
    and runs no exit handler of the parent's (a lock another thread held at the fork would
    never be released in it). Page writing still makes any folder that is missing."""

    def __init__(self, site_dir: str, directory_urls: bool = True, mode: BuildMode = BuildMode()):
        self.site_dir, self.directory_urls = site_dir, directory_urls  # without them, no folder per page
        self.mode = mode
        self.children: list[int] = []

    def add(self, urls: list[str]) -> None:
        """Start making the folders of these directory-style page URLs (`tax/np/2026/slug/`)."""
        folders = sorted(url for url in urls if url.endswith("/")) if self.directory_urls else []
        if not folders:
            return
        child = self.mode.fork_child("folders", len(folders))
        if child is None:  # no fork here: the page writing makes the folders it needs
            return
        if child == 0:
            try:
                make_folders(self.site_dir, folders)
            finally:
                os._exit(0)
        self.children.append(child)

    def close(self) -> None:
        """Wait for the folders asked for so far."""
        for child in self.children:
            try:
                os.waitpid(child, 0)
            except ChildProcessError:
                pass
        self.children = []

    def remove_unused(self, urls: list[str]) -> None:
        """Remove the folders of these page URLs (and their emptied parents) that hold nothing:
        pages that were dropped after their folder was made."""
        root = os.path.abspath(self.site_dir)
        for url in urls:
            folder = os.path.abspath(os.path.join(self.site_dir, *url.rstrip("/").split("/")))
            while folder != root and folder.startswith(root + os.sep):
                try:
                    os.rmdir(folder)
                except OSError:
                    break
                folder = os.path.dirname(folder)


def make_folders(site_dir: str, urls: list[str]) -> None:
    """Make the folder of each page URL below `site_dir` (in a FolderMaker process)."""
    for url in urls:
        try:
            os.makedirs(os.path.join(site_dir, *url.rstrip("/").split("/")), exist_ok=True)
        except OSError:
            pass  # page writing makes it, or reports why it cannot


class PageWriter:
    """Renders a list of pages, in a pool when there are many; `finish()` waits for it."""

    def __init__(self, parts_of, config, nav, env, doc_files, mode: BuildMode, inputs_of=lambda uri: None):
        self.parts_of, self.config, self.nav, self.env = parts_of, config, nav, env
        self.inputs_of = inputs_of  # uri → text deciding the page's parts, or None (see write_pages)
        self.doc_files = doc_files
        self.memo = ChromeMemo(nav, config) if DRAW_NAV_ONCE else None
        self.mode = mode
        self.cache = PageCache(mode.cache_dir, page_settings(config, nav))
        self.futures: list[Future] = []
        self.pool: ProcessPoolExecutor | None = None
        self.counts = {"pages rendered": 0, "pages from cache": 0}
        self.cache_problems: list[str] = []  # noted by the workers

    def start(self, files: list[File]) -> None:
        """Begin writing `files` (PortalPageFile objects); runs alongside MkDocs' own pages."""
        if not self.mode.pool_size("pages", len(files)):
            self._add(write_pages(self, files))
            return
        global _WRITER
        _WRITER = self
        self._add(write_pages(self, files[:1]))  # compiles the templates once, before the fork
        files = files[1:]
        self.files_by_uri = {f.src_uri: f for f in files}
        self.pool = self.mode.pool("pages", len(files) + 1)  # forked: the workers hold this writer
        chunks = [[f.src_uri for f in files[i:i + CHUNK]] for i in range(0, len(files), CHUNK)]
        self.futures = [self.pool.submit(_write_chunk, chunk) for chunk in chunks]

    def finish(self) -> dict:
        """Wait for every page; returns how many were rendered and how many came from the cache."""
        try:
            for future in self.futures:
                counts, problems = future.result()
                self._add(counts)
                self.cache_problems += problems
        finally:
            if self.pool is not None:
                self.pool.shutdown()
                self.pool = None
            self.futures = []
        return self.counts

    def _add(self, counts: dict) -> None:
        for name, value in counts.items():
            self.counts[name] += value


_WRITER: PageWriter | None = None


def _write_chunk(uris: list[str]) -> tuple[dict, list[str]]:
    """Worker side: the forked process already holds the writer and the whole build; returns
    the counts and the cache problems this chunk met."""
    assert _WRITER is not None
    take_cache_problems()  # the parent's, copied at the fork: not this chunk's
    files = [_WRITER.files_by_uri[uri] for uri in uris]
    return write_pages(_WRITER, files), take_cache_problems()


def write_pages(writer: PageWriter, files: list[File]) -> dict:
    """Write each page from the cache or by rendering the theme template; returns counts."""
    counts = {"pages rendered": 0, "pages from cache": 0}
    for file in files:
        # A page whose parts are decided by known inputs (a post page, a plain listing) is keyed
        # by them, and found in the cache without drawing its parts; any other page by its parts.
        inputs, parts = writer.inputs_of(file.src_uri), None
        if inputs is None:
            parts = writer.parts_of(file.src_uri)
            key = parts.key(writer.cache, file.url)
        else:
            key = writer.cache.key(file.url, "inputs", inputs)
        if writer.cache.restore(key, file.abs_dest_path):
            counts["pages from cache"] += 1
            continue
        parts = parts or writer.parts_of(file.src_uri)
        writer.cache.put_to(key, render_page(writer, file, parts), file.abs_dest_path)
        counts["pages rendered"] += 1
    return counts


def render_page(writer: PageWriter, file: File, parts: PageParts) -> bytes:
    """The page's HTML, made the way mkdocs.commands.build._build_page makes it."""
    config, nav = writer.config, writer.nav
    page = Page(None, file, config)
    page.markdown, page.meta, page.content = "", dict(parts.meta), parts.html
    page.toc = get_toc(parts.toc)
    page.portal_feeds = parts.feeds  # type: ignore[attr-defined]  # read by the theme's templates
    config._current_page = page
    try:
        page.active = True
        context = get_context(nav, writer.doc_files, config, page)
        template = writer.env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        if writer.memo is not None:
            context["portal_memo"] = writer.memo.for_page(page, context["base_url"])
        output = template.render(context)
        output = config.plugins.on_post_page(output, page=page, config=config)
        return output.encode("utf-8", errors="xmlcharrefreplace")
    finally:
        page.active = False
        config._current_page = None
        file.page = None  # keep no page object (and its HTML) alive per file


class SitemapPage:
    """What sitemap.xml reads of a page the portal wrote (made as MkDocs' Page makes it,
    without building a whole Page for each of thousands of files)."""

    is_link = False

    def __init__(self, url: str, site_url: str | None, update_date: str):
        self.update_date = update_date
        if site_url:
            base = site_url if site_url.endswith("/") else site_url + "/"
            self.canonical_url = urljoin(base, url)
            self.abs_url = urlsplit(self.canonical_url).path
        else:
            self.canonical_url = self.abs_url = None


@dataclass
class SitemapEntry:
    url: str
    page: object


def write_sitemap(config, env, files, cache: PageCache) -> None:
    """sitemap.xml and sitemap.xml.gz over every page, MkDocs' own and the portal's,
    written as MkDocs writes them (its theme template, gzip mtime of the build date);
    from the page cache when the pages, their dates and the site URL are those of a
    build before (an edit rarely adds or removes a page)."""
    today = utils.get_build_date()
    rows: list[tuple[str, str, Page | None]] = []  # (url, update date, the page object for MkDocs' own pages)
    for file in files:
        if isinstance(file, PortalPageFile):
            rows.append((file.url, today, None))
        elif file.is_documentation_page():
            page = file.page or Page(None, file, config)
            rows.append((file.url, page.update_date, page))
    rows.sort(key=lambda row: row[0])
    path = os.path.join(config.site_dir, "sitemap.xml")
    key = cache.key("sitemap", config.site_url or "", "\n".join(f"{url} {date}" for url, date, _ in rows))
    xml_key, gz_key = digest(key, "xml"), digest(key, "gz")
    if cache.restore(xml_key, path) and cache.restore(gz_key, f"{path}.gz"):
        return
    pages = [SitemapEntry(url, page or SitemapPage(url, config.site_url, date)) for url, date, page in rows]
    template = env.get_template("sitemap.xml")
    # The sitemap template reads only `url` and `page` of each entry.
    context = get_context(None, pages, config, base_url="")  # type: ignore[arg-type]
    output = template.render(context).encode("utf-8")
    timestamp = utils.get_build_timestamp(pages=[f.page for f in pages])  # type: ignore[misc]
    zipped = io.BytesIO()
    with gzip.GzipFile(fileobj=zipped, filename=f"{path}.gz", mode="wb", mtime=timestamp) as stream:
        stream.write(output)
    cache.put_to(xml_key, output, path)
    cache.put_to(gz_key, zipped.getvalue(), f"{path}.gz")
