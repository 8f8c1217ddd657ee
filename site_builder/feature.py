"""The interface of feature modules (feeds, statistics, search, registers …), after Pelican's
`Generator`: what pages a feature adds, what files it writes, and whether it writes them in
the background. No MkDocs import.

A feature is a `Feature` object, or a module offering the same names as functions
(`pages(build)`, `write(build, site_dir)`, optional `start`, `stop`, and the constants
`WRITES_IN_BACKGROUND`, `WRITES`); `extras.feature_modules()` lists them, `outputs.py` runs
them. One build calls, in its main thread and in this order:

1. `start(build, site_dir)` once the posts are rendered (before the views are built): begin
   slow work that needs only the posts (the search index, in its own workers);
2. `pages(build)` once the views are built: the feature's generated pages (`ExtraPage`),
   rendered with the theme like every other page;
3. `write(build, site_dir)`: the feature's files. When `background` is true the call happens in
   a forked worker process beside the page workers (or here, when `BuildMode` allows no
   worker: `--jobs 1`, one core, no safe fork), so such a `write` must follow the fork rules;
   otherwise after the pages, in the build's process;
4. `stop(build)` when the build failed: wait for what `start` began, ignoring errors.

Fork rules for a `background` write and for workers a feature starts (the full list is in
`workers.py`): read the finished build, change nothing in it, return nothing but files; no
logging and no output to stdout or stderr (say what must be said in `pages`, which runs in the
build's process); start workers only through `build.mode.pool(...)`, which decides whether
a pool pays, forks only where that is safe and obeys `--jobs` and `--no-cache`; use the
cache only through `build.cache_dir` (None: `--no-cache`, read and write nothing).

`writes` names the site paths the feature writes (glob patterns relative to the site), so a
reader of the site (and a test) knows which feature made a file.
"""

from __future__ import annotations

from types import ModuleType


class Feature:
    """A feature of the portal: pages it adds, files it writes, and when it writes them."""

    name = ""
    background = False  # True: `write` may run in a forked process (fork rules above)
    writes: tuple[str, ...] = ()  # glob patterns of the site paths `write` writes

    def start(self, build, site_dir: str) -> None:
        """Begin slow work once the posts are rendered (optional)."""

    def pages(self, build) -> list:
        """The feature's generated pages (`extras.ExtraPage`)."""
        return []

    def write(self, build, site_dir: str) -> None:
        """Write the feature's files into `site_dir`."""

    def stop(self, build) -> None:
        """A failed build: wait for what `start` began, ignoring its errors."""

    def home_blocks(self, build) -> list:
        """The feature's blocks of the home page (`pages.home.HomeBlock`; optional)."""
        return []


class ModuleFeature(Feature):
    """A feature written as a module of functions (feeds.py, stats_pages.py, search/)."""

    def __init__(self, module: ModuleType):
        self.module = module
        self.name = module.__name__.rsplit(".", 1)[-1]
        self.background = bool(getattr(module, "WRITES_IN_BACKGROUND", False))
        self.writes = tuple(getattr(module, "WRITES", ()))

    def start(self, build, site_dir: str) -> None:
        if hasattr(self.module, "start"):
            self.module.start(build, site_dir)

    def pages(self, build) -> list:
        return list(self.module.pages(build)) if hasattr(self.module, "pages") else []

    def write(self, build, site_dir: str) -> None:
        if hasattr(self.module, "write"):
            self.module.write(build, site_dir)

    def stop(self, build) -> None:
        if hasattr(self.module, "stop"):
            self.module.stop(build)

    def home_blocks(self, build) -> list:
        return list(self.module.home_blocks(build)) if hasattr(self.module, "home_blocks") else []


def as_feature(item: Feature | ModuleType) -> Feature:
    """A `Feature` for a feature object or a module of feature functions."""
    return item if isinstance(item, Feature) else ModuleFeature(item)
