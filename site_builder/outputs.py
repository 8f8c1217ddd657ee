"""When the feature modules (feeds, statistics, search; see extras.py, and feature.py for
their interface) make their pages and files during a build. No MkDocs import.

- `extra_pages`: their generated pages, once the views are built;
- `home_blocks`: the blocks they add to the home page (pages/home.HomeBlock);
- `start_outputs`: as soon as the posts are rendered, modules with `start` begin slow work
  (the search index, in its own workers);
- `begin_outputs`: once the views are built, modules marked `WRITES_IN_BACKGROUND` (their
  `write` only reads the finished build and writes files: no logging, no change to the
  build) write in one forked process, while MkDocs and the page workers render pages;
- `write_outputs`: after the pages, the other modules write, and everything begun is awaited;
- `stop_outputs`: a failed build waits for what was begun, ignoring its errors.

All of these run in the build's main thread (a module may fork)."""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor

from .cache import take_cache_problems
from .engine import PortalBuild
from .feature import Feature, as_feature


def _modules() -> list[Feature]:
    from .extras import feature_modules

    return [as_feature(item) for item in feature_modules()]


def extra_pages(build: PortalBuild) -> list:
    """Generated non-listing pages of every feature module."""
    return [page for module in _modules() for page in module.pages(build)]


def home_blocks(build: PortalBuild) -> list:
    """The home page blocks feature modules contribute (`home_blocks(build)`; pages/home.py)."""
    return [block for feature in _modules() for block in feature.home_blocks(build)]


def start_outputs(build: PortalBuild, site_dir: str) -> None:
    """Let feature modules begin slow outputs (the search index) while pages are rendered."""
    for module in _modules():
        module.start(build, site_dir)


class BackgroundOutputs:
    """The `write` of background modules, in a forked process (or here, on one core)."""

    def __init__(self, build: PortalBuild, site_dir: str, modules: list[Feature]):
        self.build = build
        self.pool: ProcessPoolExecutor | None = None
        self.future: Future | None = None
        if not modules:
            return
        global _ACTIVE
        _ACTIVE = (build, modules)  # the worker, forked at submit, finds them here
        self.pool = build.mode.pool("background", len(modules), most=1)
        if self.pool is None:  # one core, `--jobs 1`, or no safe fork: written here, now
            _ACTIVE = None
            for module in modules:
                module.write(build, site_dir)
            return
        self.future = self.pool.submit(_write_modules, site_dir)

    def join(self) -> None:
        """Wait for the files; raise what writing them raised."""
        global _ACTIVE
        try:
            if self.future is not None:
                self.build.cache_problems += self.future.result()
        finally:
            if self.pool is not None:
                self.pool.shutdown()
                self.pool = None
            self.future = None
            _ACTIVE = None  # a long `serve` keeps no old build alive


_ACTIVE: tuple | None = None  # (build, background features) of the background writer
_BACKGROUND: dict[int, BackgroundOutputs] = {}  # id(build) → its background writer


def _write_modules(site_dir: str) -> list[str]:
    """Worker side: the forked process holds the build and its features; returns the cache
    problems met (the build's process reports them)."""
    assert _ACTIVE is not None
    build, modules = _ACTIVE
    take_cache_problems()  # the parent's, copied at the fork
    for module in modules:
        module.write(build, site_dir)
    return take_cache_problems()


def begin_outputs(build: PortalBuild, site_dir: str) -> None:
    """Once the views are built: background modules begin writing their files."""
    background = [m for m in _modules() if m.background]
    _BACKGROUND[id(build)] = BackgroundOutputs(build, site_dir, background)


def write_outputs(build: PortalBuild, site_dir: str) -> None:
    """Files written after the pages: the other modules' (statistics exports, search index),
    then the background ones are awaited (feeds, OPML)."""
    background = _BACKGROUND.pop(id(build), None)
    try:
        for module in _modules():
            if background is None or not module.background:
                module.write(build, site_dir)
    finally:
        if background is not None:
            background.join()


def stop_outputs(build: PortalBuild) -> None:
    """Wait for outputs begun by `start_outputs` and `begin_outputs` (a failed build)."""
    background = _BACKGROUND.pop(id(build), None)
    if background is not None:
        try:
            background.join()
        except BaseException:
            pass
    for module in _modules():
        module.stop(build)
