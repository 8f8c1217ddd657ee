"""`portal serve`: the portal stays loaded between saves, and a save touches only what changed.

MkDocs' own `serve` loads mkdocs.yml again and rebuilds the whole site into an emptied
folder on every save: at 10,000 posts every page, feed and search file is deleted, read
from the cache and written again, every post file is read and decoded again, and Material's
templates are compiled again. This loop (a few dozen lines, on MkDocs' LiveReloadServer)
instead

- loads mkdocs.yml once (again only when it changes) and keeps the plugin, its memory of
  read files, parsed posts and rendered bodies (serve_memo.py) and the theme's compiled
  templates between builds;
- builds into the same folder each time (MkDocs' build steps, without emptying the folder):
  a page, feed or search file whose key is the one it holds already is left alone, theme
  files are copied only when changed, and what the build no longer makes is deleted at its
  end (served.py), so the folder equals a build into an empty folder;
- watches the content folder with watchdog's native observer (inotify, FSEvents,
  ReadDirectoryChangesW) instead of polling every file twice a second; polling only where the
  native one cannot start.

No process is forked by the loop itself; builds use workers as `portal build` does
(workers.py), so Windows works the same. With `--no-cache` / `cache: false` nothing is kept:
each save is a build from nothing into the emptied folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from urllib.parse import urljoin, urlsplit

from mkdocs.commands.build import (
    _build_extra_template,
    _build_page,
    _build_theme_template,
    _populate_page,
    get_files,
    get_navigation,
    set_exclusions,
)
from mkdocs.exceptions import BuildError
from mkdocs.livereload import LiveReloadServer, _serve_url
from mkdocs.structure.files import File, Files, InclusionLevel, _file_sort_key
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

from . import served
from .page_writer import PortalPageFile
from .serve_memo import ServeMemo
from .served import ServedFiles, build_mark

log = logging.getLogger("mkdocs.commands.serve")


class PreviewSession:
    """One `portal serve`: its configuration, its folder and what it keeps between builds."""

    def __init__(self, content: str, folder: str, path: str | None = None, address: str = "127.0.0.1:8000"):
        self.content, self.path, self.folder = os.path.abspath(content), path, folder
        self.site_dir = os.path.join(folder, "site")
        os.makedirs(self.site_dir, exist_ok=True)
        host, _, port = address.rpartition(":")
        self.host, self.port = host or "127.0.0.1", int(port)
        self.memo = ServeMemo()
        self.files = ServedFiles(self.site_dir, os.path.join(folder, "logs"))
        self.config = None
        self.config_stamp: tuple | None = None
        self.env = None
        self.serve_url = ""
        self.builds = 0
        self.post_files: dict[str, File] = {}  # MkDocs' File of each published post (see content_files)

    def configuration(self):
        """The loaded mkdocs.yml, loaded again only when the file changed."""
        from .sitebuild import config_file, mkdocs_config

        name = config_file(self.path)
        stamp = _stamp(name)
        if self.config is None or stamp != self.config_stamp:
            if self.config is not None:
                self.config.plugins.on_shutdown()
            config = mkdocs_config(self.content, self.site_dir, path=self.path)
            mount = urlsplit(config.site_url or "/").path
            config.site_url = self.serve_url = _serve_url(self.host, self.port, mount)
            config.plugins.on_startup(command="serve", dirty=False)
            self.config, self.config_stamp, self.env = config, stamp, None
            self.memo = ServeMemo()  # what was parsed under the old configuration
            self.post_files = {}
        return self.config

    @property
    def caching(self) -> bool:
        """Whether this session keeps anything between builds (caches on)."""
        options = self.configuration().plugins["portal"].config
        return bool(options.cache and options.cache_dir)

    def build(self) -> None:
        """Build the site into the session's folder (what changed only, when caching)."""
        config = self.configuration()
        plugin = config.plugins["portal"]
        if not self.caching:
            plugin.serve_memo, plugin.keeps_site = None, False
            _run_build(self, config, self.serve_url, dirty=False)
            self.builds += 1
            return
        self.files.begin()
        mark = build_mark(self.site_dir)
        plugin.serve_memo, plugin.keeps_site = self.memo, True
        served.ACTIVE = self.files
        try:
            static = _run_build(self, config, self.serve_url, dirty=True)
        finally:
            served.ACTIVE = None
            plugin.serve_memo, plugin.keeps_site = None, False
        self.files.finish(mark, static)
        self.builds += 1

    def settle(self) -> None:
        """Wait until the last build's folder holds exactly what it made (see ServedFiles.finish)."""
        self.files.settle()

    def close(self) -> None:
        self.settle()
        if self.config is not None:
            self.config.plugins.on_shutdown()
        shutil.rmtree(self.folder, ignore_errors=True)


def _stamp(path: str) -> tuple:
    try:
        stat = os.stat(path)
    except OSError:
        return ()
    return (stat.st_mtime_ns, stat.st_size)


def _run_build(session: PreviewSession, config, serve_url: str, dirty: bool) -> set[str]:
    """MkDocs' build (mkdocs.commands.build.build, 1.6) for a preview. With `dirty`: the
    folder is not emptied, theme and content files are copied only when newer, and the theme's
    Jinja environment of the last build is used again (templates reloaded when changed).
    Returns the site paths of the static files, copied or left as they were."""
    logger = logging.getLogger("mkdocs")
    warnings = CountHandler()
    warnings.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warnings)
    inclusion = InclusionLevel.is_in_serve
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        if not dirty:
            from mkdocs.utils import clean_directory

            clean_directory(config.site_dir)
        files = content_files(config, session) if dirty else get_files(config)
        env = session.env if dirty and session.env is not None else config.theme.get_env()
        env.auto_reload = True  # a template changed on disk is compiled again
        session.env = env
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        for file in files.documentation_pages(inclusion=inclusion):
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            assert file.page is not None
            _populate_page(file.page, config, files, False)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=dirty, inclusion=inclusion)
        static = {f.abs_dest_path for f in files if not f.is_documentation_page() and inclusion(f.inclusion)
                  and not isinstance(f, PortalPageFile)}  # the portal's own pages: noted as they are written
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
        doc_files = files.documentation_pages(inclusion=inclusion)
        for file in doc_files:
            assert file.page is not None
            _build_page(file.page, config, doc_files, nav, env, False, excluded=file.inclusion.is_excluded())
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
        if counts := warnings.get_counts():
            from mkdocs.exceptions import Abort

            raise Abort(f"Aborted with {', '.join(f'{v} {k.lower()}s' for k, v in counts)} in strict mode!")
        log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
        return static
    except Exception as error:
        config.plugins.on_build_error(error=error)
        if isinstance(error, BuildError):
            from mkdocs.exceptions import Abort

            raise Abort("Aborted with a BuildError!") from error
        raise
    finally:
        logger.removeHandler(warnings)


def content_files(config, session: PreviewSession) -> Files:
    """MkDocs' `get_files` (1.6), with the `File` of every post published by the last build
    used again: the plugin replaces posts by pages of its own, so MkDocs never reads, renders
    or copies them, and making 10,000 `File` objects took a second. Any other file gets a new
    `File`, as each build of MkDocs makes."""
    posts = session.memo.parsed
    known, session.post_files = session.post_files, {}
    files: list[File] = []
    conflicting: list[tuple[File, File]] = []
    for source_dir, dirnames, filenames in os.walk(config["docs_dir"], followlinks=True):
        relative_dir = os.path.relpath(source_dir, config["docs_dir"])
        dirnames.sort()
        filenames.sort(key=_file_sort_key)
        by_dest: dict[str, File] = {}
        for filename in filenames:
            path = os.path.join(relative_dir, filename)
            file = known.get(path)
            if file is None:
                file = File(path, config["docs_dir"], config["site_dir"], config["use_directory_urls"])
            if file.src_uri in posts:
                session.post_files[path] = file
            first = by_dest.setdefault(file.dest_uri, file)
            if first is not file:
                conflicting.append((first, file))
            files.append(file)
    set_exclusions(files, config)
    for a, b in conflicting:  # README.md beside index.md: as get_files decides
        if b.inclusion.is_included():
            if a.inclusion.is_included():
                logging.getLogger("mkdocs.structure.files").warning(
                    f"Excluding '{a.src_uri}' from the site because it conflicts with '{b.src_uri}'.")
            try:
                files.remove(a)
            except ValueError:
                pass
        else:
            try:
                files.remove(b)
            except ValueError:
                pass
    return Files(files)


def session_folder(cache_dir: str | None) -> str:
    """Where a session keeps its site and logs: `<cache>/serve/<pid>/` (a temporary folder
    without a cache)."""
    if cache_dir:
        folder = os.path.join(os.path.abspath(cache_dir), "serve", str(os.getpid()))
        try:
            os.makedirs(folder, exist_ok=True)
            return folder
        except OSError:
            pass
    return tempfile.mkdtemp(prefix="portal-serve-")


def native_observer(folder: str):
    """watchdog's native observer for this system, or its polling one where the native one
    cannot watch `folder` (e.g. too few inotify watches allowed)."""
    import watchdog.events
    import watchdog.observers
    import watchdog.observers.polling

    try:
        probe = watchdog.observers.Observer()
        probe.schedule(watchdog.events.FileSystemEventHandler(), folder, recursive=True)
        probe.start()
        probe.stop()
        probe.join()
        return watchdog.observers.Observer()
    except (OSError, RuntimeError):
        log.info("无法使用系统的文件变化通知，改为每 0.5 秒检查一次文件")
        return watchdog.observers.polling.PollingObserver(timeout=0.5)


def make_server(session: PreviewSession) -> LiveReloadServer:
    """A LiveReloadServer on the session's folder that rebuilds through the session."""
    config = session.configuration()
    mount = urlsplit(session.serve_url).path

    def builder(config=None):
        log.info("Building documentation...")
        session.build()

    server = LiveReloadServer(builder=builder, host=session.host, port=session.port, root=session.site_dir,
                              mount_path=mount)
    server.observer = native_observer(session.content)

    def error_page(code) -> bytes | None:
        if code in (404, 500):
            path = os.path.join(session.site_dir, f"{code}.html")
            if os.path.isfile(path):
                with open(path, "rb") as handle:
                    return handle.read()
        return None

    server.error_handler = error_page
    server.watch(config.docs_dir)
    if config.config_file_path:
        server.watch(config.config_file_path)
    return server


def serve_portal(content: str, address: str = "127.0.0.1:8000", path: str | None = None) -> None:
    """Build once, then serve with live reload, rebuilding on every save (until Ctrl+C)."""
    from .sitebuild import mkdocs_config

    options = mkdocs_config(content, path=path).plugins["portal"].config
    session = PreviewSession(content, session_folder(options.cache_dir if options.cache else None), path, address)
    try:
        session.build()
        server = make_server(session)
        config = session.configuration()
        server = config.plugins.on_serve(server, config=config, builder=server.builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        session.close()


def served_url(session: PreviewSession, page: str) -> str:
    """The address of `page` (a site path) in a running session."""
    return urljoin(session.serve_url, page)
