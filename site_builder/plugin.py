"""The MkDocs adapter: the only module that imports mkdocs.

Each hook is a few lines handing work to the engine (site_builder.engine), which
knows nothing of MkDocs; swapping MkDocs for another host means rewriting this file only.
"""

from __future__ import annotations

import gc
import logging
import os
from html import unescape
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from . import navigation
from .cache import report_cache_problems, take_cache_problems
from .cms.admin import repository_root, write_admin
from .core.render import sanitize, strip_controls
from .engine import MarkdownSettings, PortalBuild
from .identity import local_site_url, local_site_url_message, site_info_items
from .keys import page_inputs_settings
from .material_fixes import is_bundle, language_alternates_only
from .outputs import begin_outputs, extra_pages, home_blocks, start_outputs, stop_outputs, write_outputs
from .page_writer import FolderMaker, PageParts, PageWriter, PortalPageFile, write_sitemap
from .pages.home import home_html
from .pages.links import href
from .pages.listing import plain_view_inputs, render_view
from .pages.post import post_footer, post_header
from .pages.registers import post_register_blocks
from .plugin_config import PortalPluginConfig, check_options, portal_config
from .shards import owned, plan_part
from .sitebuild import empty_aside
from .theme_env import list_visible_templates, reach_material

log = logging.getLogger("mkdocs.plugins.portal")
THEME_DIR = os.path.join(os.path.dirname(__file__), "theme")
PAGE_META_KEYS = {"title", "description", "hide"}


GC_THRESHOLD = (50_000, 20, 100)  # young collections every 50,000 new objects instead of 700


def portal_build(config, options: PortalPluginConfig, drafts: bool, cache_dir: str | None, memo=None) -> PortalBuild:
    """The engine for one build of the site that `config` (a loaded mkdocs.yml) describes;
    `options.cache` and `options.jobs` are the one switch of caches and workers (workers.py);
    `memo`: what a `portal serve` session keeps between builds (serve_memo.py)."""
    settings = portal_config(options, config.site_url, config.site_name, drafts)
    markdown = MarkdownSettings(list(config.markdown_extensions), dict(config.mdx_configs), _config_text(config))
    return PortalBuild(config.docs_dir, settings, markdown, cache_dir if options.cache else None, options.jobs, memo)


class PortalPlugin(BasePlugin[PortalPluginConfig]):
    """Aggregates posts across levels into listing pages, feeds, statistics and search."""

    def __init__(self):
        self.is_serve = False
        self.build: PortalBuild | None = None
        self.extras: dict = {}
        self.own: list = []  # PortalPageFile of every page the portal writes itself
        self.parts: dict[str, PageParts] = {}  # parts of pages MkDocs renders, between two hooks
        self.writer: PageWriter | None = None
        self.folders: FolderMaker | None = None
        self.loaded_urls: list[str] = []  # post URLs whose folders were made before any post was dropped
        self.inputs_settings = ""  # what every page's inputs share (see page_inputs)
        self.gc_threshold: tuple | None = None  # the collector's setting before this build (see on_config)
        self.shard: tuple[int, int] | None = None  # (K, N) of `portal build --shard K/N` (shards.py)
        self.trial = False  # a strict build that is not published (`portal build --trial`): a local site_url is fine
        self.site_info: list = []  # identity.FooterItem lines of every page's footer
        self.serve_memo = None  # set by `portal serve` (preview.py) for its builds: kept between them
        self.keeps_site = False  # set by `portal serve`: its folder is updated, not emptied (served.py)

    def load_config(self, options, config_file_path=None):
        """MkDocs' check of the options, then the portal's own (plugin_config.py): a wrong
        value or an unknown name stops with a message naming the file, line and option."""
        errors, warnings = super().load_config(options, config_file_path)
        check_options(self.config, errors, warnings, config_file_path)
        return errors, warnings

    def on_startup(self, *, command, dirty) -> None:
        """Remember whether this is `serve` (drafts are shown in previews)."""
        self.is_serve = command == "serve"

    def on_pre_build(self, *, config) -> None:
        """In `serve`, empty the last build's folder at once (MkDocs would next delete it file
        by file before every rebuild)."""
        if self.is_serve and not self.keeps_site:
            empty_aside(config.site_dir, self.build.mode if self.build else None)

    @event_priority(100)
    def on_config(self, config):
        """Priority 100: before other plugins, put the portal theme first and fonts off."""
        if THEME_DIR not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, THEME_DIR)
        config.theme["font"] = False  # never load Google Fonts: intranets have no internet
        list_visible_templates(config.theme)
        self._check_identity(config)
        # A build makes millions of objects that live until its end; with Python's default
        # thresholds the collector walks them again and again (a fifth of a warm rebuild).
        # In `serve` (this plugin lives across rebuilds) the last build goes first, collected.
        if self.build is not None:
            self.build, self.writer, self.parts, self.extras, self.own = None, None, {}, {}, []
            if self.serve_memo is None:  # a serve session's memo would make the walk long (2 s at 10,000 posts)
                gc.collect()
        self.gc_threshold = self.gc_threshold or gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)
        self.build = portal_build(config, self.config, self.is_serve, self.config.cache_dir or None, self.serve_memo)
        take_cache_problems()  # a failed build's before this one: not this build's
        return config

    def _check_identity(self, config) -> None:
        """The footer's site_info, and the published address: a local site_url fails a strict
        build unless it is a trial (a lenient one is warned at its end); `serve` is local."""
        self.site_info = site_info_items(self.config.site_info)  # checked with the options (plugin_config)
        if self.is_serve or not local_site_url(config.site_url):
            return
        if config.strict and not self.trial:
            raise PluginError(local_site_url_message(config.site_url, strict=True))

    def _warn_local_site_url(self, config) -> None:
        """Said last in a lenient build, where the person reads it: what to set before publishing."""
        if not (self.is_serve or self.trial) and local_site_url(config.site_url):
            log.warning(local_site_url_message(config.site_url, strict=False))

    @event_priority(100)
    def on_files(self, files: Files, *, config) -> Files:
        """Priority 100: load and check the content, then swap in the generated pages."""
        # page folders are made once the posts are loaded (while they render); the search
        # index starts as soon as the posts are rendered, while MkDocs goes on
        self.folders = FolderMaker(config.site_dir, config.use_directory_urls, self.build.mode)
        self.build.run(loaded=self._make_post_folders,
                       rendered=lambda: start_outputs(self.build, config.site_dir))
        gc.freeze()  # what the build made lives until its end: later collections leave it alone
        for problem in self.build.problems:
            log.warning(problem.text(), extra={"problem": problem})
        for warning in self.build.incentives.warnings:  # posts dated into a closed bulletin: not a failure
            log.info("提示：%s", warning.text())
        if config.strict and self.build.problems:
            raise PluginError(f"严格模式：发现 {len(self.build.problems)} 个问题，未生成网站")
        for source in self.build.portal.skipped:
            if files.get_file_from_path(source):
                files.remove(files.get_file_from_path(source))
        self.extras = {p.src_uri: p for p in extra_pages(self.build)}
        begin_outputs(self.build, config.site_dir)
        for src_uri in [*self.build.views, *self.extras]:
            self._add_generated(files, config, src_uri)
        config.nav = navigation.build_nav(self.build, list(self.extras.values()))
        self.feed_index = {f.key: f for f in self.build.site.feeds}
        self._take_own_pages(files, config)
        self._fix_material_bundle(files, config)
        self.own = owned(self.build.part, self.own)  # a sharded build draws its own part's pages only
        listings = [f.url for f in self.own if self.build.post(f.src_uri) is None]
        self.folders.add(listings if self.serve_memo is None else self.serve_memo.new_folders(listings))
        return files

    def _fix_material_bundle(self, files: Files, config) -> None:
        """Material's bundle, written with the fix of material_fixes (feed links are not
        language versions: no request for a sitemap.xml beside each feed)."""
        bundle = next((f for f in files if f.src_uri.startswith("assets/javascripts/bundle.") and is_bundle(f.src_uri)),
                      None)
        if bundle is None or bundle.generated_by is not None:
            return
        with open(bundle.abs_src_path, encoding="utf-8") as handle:
            fixed = language_alternates_only(handle.read())
        if fixed is None:
            log.info("Material 的脚本与预期不同，未修正其 sitemap.xml 请求（material_fixes.py）")
            return
        files.remove(bundle)
        files.append(File.generated(config, bundle.src_uri, content=fixed))

    def _make_post_folders(self) -> None:
        gc.freeze()  # the loaded posts: before the render, folder and search workers fork, so they share them
        if self.shard is not None:
            self.build.part = plan_part(self.build, *self.shard)
        self.loaded_urls = owned(self.build.part, [post.url for post in self.build.portal.posts], str)
        if self.serve_memo is None:
            self.folders.add(self.loaded_urls)
        else:  # `serve` keeps its folder: only folders of posts new to the session (writing makes any other)
            self.folders.add(self.serve_memo.new_folders(self.loaded_urls))

    def _take_own_pages(self, files: Files, config) -> None:
        """Posts and listings the navigation does not name are written by the portal itself
        (page_writer): MkDocs keeps them only so that links to them resolve."""
        in_nav = set(_nav_sources(config.nav))
        generated = [uri for uri in [*self.build.views, *self.extras] if uri != "index.md"]
        self.own = []
        made = self.serve_memo.own_files if self.serve_memo is not None else {}  # `serve`: kept between saves
        for uri in [p.source for p in self.build.portal.posts] + generated:
            if uri in in_nav:
                continue
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            # included whatever exclude_docs says (the portal decides what it publishes), and set
            # now so that MkDocs does not match thousands of paths against its patterns again
            own = made.get(uri) or PortalPageFile.generated(config, uri, content="", inclusion=InclusionLevel.INCLUDED)
            if self.serve_memo is not None:
                made[uri] = own
            files.append(own)
            self.own.append(own)

    def _add_generated(self, files: Files, config, src_uri: str) -> None:
        existing = files.get_file_from_path(src_uri)
        if existing is not None and src_uri == "index.md":
            return  # the staff's own home text; the listings are appended to it
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, src_uri, content=""))

    def on_page_read_source(self, *, page, config):
        """Posts were read once by the core and generated pages have no source: skip reading."""
        uri = page.file.src_uri
        if self.build.post(uri) or uri in self.extras or (uri in self.build.views and uri != "index.md"):
            return ""
        return None

    def on_page_markdown(self, markdown, *, page, config, files):
        """Give posts and generated pages their metadata; keep ordinary pages' metadata plain."""
        parts = self.page_parts(page.file.src_uri)
        if parts is not None:
            self.parts[page.file.src_uri] = parts
            page.meta = dict(parts.meta)
        else:
            page.meta = _plain_meta(page.meta)
            if page.file.src_uri == "index.md":  # the home page's blocks use the whole width
                page.meta.setdefault("hide", ["navigation", "toc"])
        return markdown

    def page_parts(self, uri: str) -> PageParts | None:
        """Metadata, body, table of contents and head feeds of a post or generated page
        (None for ordinary pages and the home page, which keep their own text)."""
        ctx = self.build.page_context()
        post = self.build.post(uri)
        if post:
            rendered = self.build.rendered[uri]
            above, below = post_register_blocks(ctx, post)  # a project's facts and progress, a progress note
            body = (post_header(ctx, post) + above + f'<div class="portal-body" data-pagefind-body>{rendered.html}</div>'
                    + below + post_footer(ctx, post))
            return PageParts(_plain_meta({"title": post.title, "description": post.summary or ""}), body,
                             rendered.toc, _feed_links(post.url, self._post_feeds(post)))
        if uri in self.extras:
            extra = self.extras[uri]
            meta = _plain_meta({"title": extra.title}) | ({"template": extra.template} if extra.template else {})
            return PageParts(meta, extra.render(), [], _feed_links(extra.url, extra.feeds))
        if uri in self.build.views and uri != "index.md":
            view = self.build.views[uri]
            return PageParts(_plain_meta({"title": view.title}), render_view(ctx, view), [],
                             _feed_links(view.url, view.feeds))
        return None

    def page_inputs(self, uri: str) -> str | None:
        """Everything `page_parts` reads to make a post page or a plain listing, as text (None
        for other pages): the page cache keys such pages by it, so an unchanged one is linked
        without drawing its parts. Both include orgs.yml, the configuration and the portal's code."""
        post = self.build.post(uri)
        if post is None:
            view = self.build.views.get(uri)
            if view is None or uri == "index.md" or uri in self.extras:
                return None
            listing = plain_view_inputs(self.build.page_context(), view)
            if listing is None:
                return None
            return "\0".join([self.inputs_settings, "listing", listing])  # its feeds are in `listing`
        rendered = self.build.rendered[uri]
        neighbours = [(p.url, p.title) if p else None
                      for p in self.build.page_context().site.neighbours.get(post.source, (None, None))]
        feeds = [(f.title, f.rss, f.atom) for f in self._post_feeds(post)]  # what its head links are made of
        registers = post_register_blocks(self.build.page_context(), post)  # they show other posts' fields
        return "\0".join([self.inputs_settings, post.identity(), rendered.fingerprint(), repr(neighbours),
                          repr(feeds), repr(registers)])

    def on_page_content(self, html, *, page, config, files):
        """Post bodies come rendered and sanitised from the core; everything else is sanitised here."""
        uri = page.file.src_uri
        ctx = self.build.page_context()
        parts = self.parts.pop(uri, None)
        if parts is not None:
            page.toc = get_toc(parts.toc)
            page.portal_feeds = parts.feeds
            return parts.html
        if uri in self.build.views:
            view = self.build.views[uri]
            self._set_feeds(page, view.url, view.feeds)
            if view.kind == "home":  # the staff's own text, then the portal's blocks
                return (f'<div class="portal-home-intro">{sanitize(html)}</div>'
                        + home_html(ctx, view, home_blocks(self.build)))
            return render_view(ctx, view)
        page.meta["title"] = _plain_meta({"title": page.title or ""})["title"]  # a heading's text is not escaped by the theme
        return sanitize(html)

    def _post_feeds(self, post) -> list:
        return [self.feed_index[key] for key in ("site", f"unit/{post.unit_key}") if key in self.feed_index]

    @staticmethod
    def _set_feeds(page, here: str, feeds: list) -> None:
        page.portal_feeds = _feed_links(here, feeds)

    def on_nav(self, nav, *, config, files):
        """Keep the navigation: the portal's own pages are rendered with it."""
        self.nav = nav
        return nav

    @event_priority(-100)
    def on_env(self, env, *, config, files):
        """Priority -100: after other plugins; start writing the portal's own pages
        (in worker processes) while MkDocs renders the pages of the navigation."""
        self.env, self.files = env, files
        reach_material(env, config)
        env.globals["portal_site_info"] = self.site_info
        self.inputs_settings = page_inputs_settings(self.build)  # the code, orgs.yml, the configuration …
        self.writer = PageWriter(self.page_parts, config, self.nav, env, files.documentation_pages(),
                                 self.build.mode, inputs_of=self.page_inputs)
        self.writer.start(self.own)
        return env

    def on_post_build(self, *, config) -> None:
        """Statistics exports and the search index (from the core's views, while the page
        workers still write the portal's own pages), the feeds and OPML begun in on_files,
        then those pages and the sitemap over all pages."""
        write_outputs(self.build, config.site_dir)
        counts = self.writer.finish()
        log.info("门户页面：新渲染 %d 个，从缓存复用 %d 个；文章正文：新渲染 %d 篇，从缓存复用 %d 篇",
                 counts["pages rendered"], counts["pages from cache"],
                 self.build.cache_stats.get("posts rendered", 0), self.build.cache_stats.get("posts from cache", 0))
        write_sitemap(config, self.env, self.files, self.writer.cache)
        report_cache_problems(log, self.build.cache_dir, self.build.cache_problems + self.writer.cache_problems)
        write_admin(config.site_dir, self.build.portal.orgs, self.build.config, _content_path(config), self.config.cms,
                    _editor_backend_url() if self.is_serve else None)
        self._warn_local_site_url(config)
        self.folders.close()
        published = {post.url for post in self.build.portal.posts}
        self.folders.remove_unused([url for url in self.loaded_urls if url not in published])
        self._restore_collector()

    def _restore_collector(self) -> None:
        gc.unfreeze()
        if self.gc_threshold is not None:
            gc.set_threshold(*self.gc_threshold)
            self.gc_threshold = None

    def on_build_error(self, *, error) -> None:
        """Stop the page workers, the folder processes and the search indexing of a failed build."""
        if self.folders is not None:
            self.folders.close()
        if self.build is not None:
            stop_outputs(self.build)
        if self.writer is not None and self.writer.pool is not None:
            self.writer.pool.shutdown(cancel_futures=True)
            self.writer.pool = None
        self._restore_collector()


def _config_text(config) -> str:
    """The text of mkdocs.yml (empty when there is no file)."""
    path = config.config_file_path
    if not path or not os.path.isfile(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _content_path(config) -> str:
    """The content folder relative to the repository root: where the online editor reads and writes posts."""
    docs = os.path.abspath(config.docs_dir)
    relative = os.path.relpath(docs, repository_root(docs, project_folder(config))).replace(os.sep, "/")
    # a content folder outside the project (tests, one-off builds): its own name, as in a clone
    return os.path.basename(docs) if relative.startswith("..") else relative


def project_folder(config) -> str:
    """The folder of the project's mkdocs.yml (the working folder when the packaged default is used)."""
    path = os.path.abspath(config.config_file_path) if config.config_file_path else ""
    if not path or path.startswith(os.path.dirname(os.path.abspath(__file__)) + os.sep):
        return os.getcwd()
    return os.path.dirname(path)


def _editor_backend_url() -> str:
    """Where `portal serve` runs the editor's local backend (see site_builder/cms/local_backend.py)."""
    return os.environ.get("PORTAL_CMS_URL", "http://127.0.0.1:8081/api/v1")


def _feed_links(here: str, feeds: list) -> list[dict]:
    """Head `<link rel=alternate>` entries of a page at `here`."""
    return [{"title": f.title, "rss": href(f.rss, here), "atom": href(f.atom, here)} for f in feeds]


def _nav_sources(items) -> list[str]:
    """Every Markdown source the `nav` setting names."""
    found = []
    for item in items or []:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            if isinstance(value, str):
                found.append(value)
            else:
                found.extend(_nav_sources(value))
    return found


def _plain_text(value: str) -> str:
    """Text that stays text in any template: no markup, no entities, no quotes, no control characters.

    The theme writes titles and descriptions unescaped (and `striptags` would decode
    entities), so the characters that could open markup become their full-width forms.
    """
    value = strip_controls(unescape(value)).replace("\n", " ").strip()
    return value.replace("&", "＆").replace("<", "＜").replace(">", "＞").replace('"', "＂")


def _plain_meta(meta: dict) -> dict:
    """Only known keys, as plain text: front matter must not reach templates as markup."""
    plain: dict[str, Any] = {}
    for key in PAGE_META_KEYS & set(meta):
        value = meta[key]
        if key == "hide" and isinstance(value, list):
            plain[key] = [str(v) for v in value if v in ("navigation", "toc", "footer", "path", "tags")]
        elif isinstance(value, (str, int, float)):
            plain[key] = _plain_text(str(value))
    return plain
