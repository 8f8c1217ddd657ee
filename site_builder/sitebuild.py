"""Running MkDocs for the `portal` command: configuration, atomic output, serve.

This module and the plugin are the only ones that import mkdocs.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
from typing import Any

from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError

from .engine import PortalBuild
from .locking import cache_lock_path, exclusive, site_lock_path
from .workers import BuildMode

DEFAULT_CONFIG = os.path.join(os.path.dirname(__file__), "default_mkdocs.yml")


def config_file(path: str | None) -> str:
    """The project's mkdocs.yml, or the packaged default when the project has none."""
    if path:
        return path
    return "mkdocs.yml" if os.path.exists("mkdocs.yml") else DEFAULT_CONFIG


def mkdocs_config(content: str, site: str | None = None, strict: bool = False,
                  cache_dir: str | None = None, path: str | None = None, cache: bool = True,
                  jobs: int | None = None):
    """Load mkdocs.yml with the content and site folders the command line names; `cache`
    False (`--no-cache`) and `jobs` (`--jobs N`) override the plugin's options of that name."""
    overrides: dict[str, Any] = {"docs_dir": os.path.abspath(content), "strict": strict}
    if site:
        overrides["site_dir"] = os.path.abspath(site)
    config = load_config(config_file(path), **overrides)
    portal = config.plugins.get("portal")
    if portal is None:
        raise ConfigurationError("mkdocs.yml 的 plugins 中没有 portal 插件")
    if cache_dir:
        portal.config.cache_dir = os.path.abspath(cache_dir)
    if not cache:
        portal.config.cache = False
    if jobs is not None:
        portal.config.jobs = jobs
    return config


def check(content: str, path: str | None = None, render_only: set[str] | None = None) -> PortalBuild:
    """Load and validate the whole tree without writing a site (rendering only `render_only` when given)."""
    from .plugin import portal_build

    config = mkdocs_config(content, path=path)
    build = portal_build(config, config.plugins["portal"].config, drafts=False, cache_dir=None)
    build.run(render_only=render_only)
    return build


def build_site(content: str, site: str, strict: bool = False, cache_dir: str | None = None,
               path: str | None = None, cache: bool = True, jobs: int | None = None, trial: bool = False,
               shard: tuple[int, int] | None = None) -> bool:
    """Build into a temporary folder and swap it in only when the build succeeded.

    An interrupted or failed build leaves the previous site exactly as it was. `cache` and
    `jobs`: the one switch of caches and worker processes (see workers.py). A `trial` build
    is not published: it may keep a site_url that names this machine. `shard` (K, N): build
    part K of N only, with its manifest (shards.py; `portal merge` joins the parts).
    """
    target = os.path.abspath(site)
    temporary = target.rstrip(os.sep) + ".portal-tmp"
    config = mkdocs_config(content, temporary, strict, cache_dir, path, cache, jobs)
    options = config.plugins["portal"].config
    config.plugins["portal"].trial = trial
    config.plugins["portal"].shard = shard
    cache_lock = [cache_lock_path(options.cache_dir)] if options.cache and options.cache_dir else []
    try:
        with exclusive([site_lock_path(target), *cache_lock], _say_waiting, optional=tuple(cache_lock)):
            return _build_and_swap(config, temporary, target, BuildMode(jobs=options.jobs))
    except OSError as err:  # disk full, a read-only or forbidden folder: one line, no traceback
        logging.getLogger("mkdocs").error(disk_error_text(err))
        shutil.rmtree(temporary, ignore_errors=True)
        _repair(target)
        return False


def _build_and_swap(config, temporary: str, target: str, mode: BuildMode) -> bool:
    """Build into `temporary` and swap it in (the caller holds the site's and the cache's locks)."""
    from mkdocs.commands.build import build

    _repair(target)
    shutil.rmtree(temporary, ignore_errors=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except (Abort, BuildError, PluginError) as err:
        logging.getLogger("mkdocs").error(str(err))
        shutil.rmtree(temporary, ignore_errors=True)
        return False
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    finally:
        config.plugins.on_shutdown()
    portal = config.plugins["portal"]
    if portal.shard is not None:
        from .shards import finish_part

        finish_part(temporary, portal.build, config)
    _swap(temporary, target, mode)
    return True


def _say_waiting(lock: str) -> None:
    print(f"另一个构建正在使用同一网站或缓存文件夹（锁文件 {lock}），等它完成后再开始构建……", file=sys.stderr, flush=True)


DISK_ERRORS = {
    errno.ENOSPC: ("磁盘空间不足", "清理磁盘空间，或用 --site / --cache-dir 换到空间充足的磁盘，再重新构建"),
    errno.EROFS: ("所在磁盘或文件夹是只读的", "用 --site 换一个可写的文件夹，或把该磁盘挂载为可写"),
    errno.EACCES: ("没有写入权限", "检查该文件夹的权限（或换一个可写的文件夹）后重新构建"),
    errno.EPERM: ("操作不被允许", "检查该文件夹的权限（或换一个可写的文件夹）后重新构建"),
}
if hasattr(errno, "EDQUOT"):
    DISK_ERRORS[errno.EDQUOT] = ("磁盘配额已用完", "清理空间或请管理员增加配额后重新构建")


def disk_error_text(err: OSError) -> str:
    """One Chinese line for a failed read or write: which file, what is wrong, how to fix it."""
    what, fix = DISK_ERRORS.get(err.errno or 0, (err.strerror or str(err), "检查磁盘和文件夹后重新构建"))
    where = err.filename or "网站或缓存文件夹"
    return f"构建失败：无法写入“{where}”：{what}。原有网站保持不变，临时文件已删除。修改方法：{fix}"


def _swap(new: str, target: str, mode: BuildMode) -> None:
    old = target.rstrip(os.sep) + ".portal-old"
    _repair(target)
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(target):
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        _repair(target)  # the old site back in its place
        raise
    _discard(old, mode)


_DELETE = ("import glob, shutil, sys\n"
           "for folder in glob.glob(glob.escape(sys.argv[1]) + '-*'):\n"
           "    shutil.rmtree(folder, ignore_errors=True)\n")


def _discard(old: str, mode: BuildMode) -> None:
    """Delete the previous site without making the build wait: renamed aside
    (`<site>.portal-old-<pid>`), then removed by a detached process, which also removes
    any such folder an earlier build left behind (here, when no process may be started)."""
    if not os.path.exists(old):
        return
    aside = f"{old}-{os.getpid()}"
    try:
        os.replace(old, aside)
    except OSError:
        aside = old
    if not mode.detached(["-c", _DELETE, old]):
        shutil.rmtree(aside, ignore_errors=True)


def _forget_dead_sessions(folders: str) -> None:
    """Delete what `serve` sessions killed without cleaning up left in `<cache>/serve/<pid>/`."""
    try:
        names = os.listdir(folders)
    except OSError:
        return
    if sys.platform == "win32":
        return  # os.kill(pid, 0) would end that process there, not test it
    for name in names:
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            os.kill(int(name), 0)
            continue  # that session still runs
        except ProcessLookupError:
            pass
        except OSError:
            continue  # another user's process: leave it
        shutil.rmtree(os.path.join(folders, name), ignore_errors=True)


def empty_aside(site_dir: str, mode: BuildMode | None = None) -> None:
    """Empty a site folder at once: its entries are renamed into `<site>.portal-old` and
    deleted by a detached process (see `_discard`). MkDocs' own emptying before each `serve`
    rebuild deletes file by file (0.4 s at 2,000 posts)."""
    try:
        entries = os.listdir(site_dir)
    except OSError:
        return
    if not entries:
        return
    old = site_dir.rstrip(os.sep) + ".portal-old"
    try:
        os.makedirs(old, exist_ok=True)
        for name in entries:
            os.replace(os.path.join(site_dir, name), os.path.join(old, name))
    except OSError:
        pass  # what is left, MkDocs deletes
    _discard(old, mode or BuildMode())


def _repair(target: str) -> None:
    """A build killed between the two renames of a swap left only `<site>.portal-old`: put it back."""
    old = target.rstrip(os.sep) + ".portal-old"
    if not os.path.exists(target) and os.path.isdir(old):
        os.replace(old, target)


def start_editor_backend(config, content: str, port: int):
    """Start the 网页投稿 editor's local backend for `portal serve` (None when the port is taken:
    the preview still works, the editor then says it cannot reach the local backend)."""
    from .cms.admin import repository_root
    from .cms.local_backend import LocalRepository, start_local_backend
    from .plugin import project_folder
    from .plugin_config import settings_of

    settings = settings_of(config, drafts=True)
    content_dir = os.path.abspath(content)
    root = repository_root(content_dir, project_folder(config))
    try:
        server = start_local_backend(LocalRepository(root, content_dir, settings.attachment_types), port)
    except OSError:
        logging.getLogger("mkdocs").warning(f"网页投稿：端口 {port} 已被占用，/admin/ 编辑器无法保存。"
                                            f"修改方法：关闭占用该端口的程序，或用 portal serve --cms-port 另选端口")
        return None
    os.environ["PORTAL_CMS_URL"] = f"http://127.0.0.1:{port}/api/v1"
    return server


def serve(content: str, address: str = "127.0.0.1:8000", path: str | None = None, cms_port: int = 8081) -> None:
    """Live preview with drafts shown; rebuilds on every save, keeping the portal loaded
    between saves (preview.py). Its folder is `<cache>/serve/<pid>/`; what sessions killed
    without cleaning up left there is deleted first."""
    from .preview import serve_portal

    loaded = mkdocs_config(content, path=path)
    options = loaded.plugins["portal"].config
    if options.cache and options.cache_dir:
        _forget_dead_sessions(os.path.join(os.path.abspath(options.cache_dir), "serve"))
    editor = start_editor_backend(loaded, content, cms_port) if cms_port else None
    try:
        serve_portal(content, address, path)
    finally:
        if editor is not None:
            editor.shutdown()
