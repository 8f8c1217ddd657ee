"""The one switch for the build's speed machinery, and the one place that starts processes.

`BuildMode` says whether caches are read and written (`cache_dir`, None: no cache) and how
many worker processes a pool may have (`jobs`: None is the default, one per core and at most
four; 1 is none at all: no process is started and nothing forks). `portal build --no-cache
--jobs N`, the plugin options `cache: false` / `jobs: N` and `portal serve` all end here, and
every pool, forked child and detached process of a build is asked for through it.

Whether a pool is worth starting is decided here too, from how much work there is
(`WORTH_A_POOL`, per kind of work) — callers never compare counts with thresholds.

Fork rules (for everything that runs in a worker, and for code that runs beside one):

- Forking is used only where `os.fork` exists and is safe: not on Windows (absent), not on
  macOS (system libraries are not fork-safe; CPython's default there is spawn). Elsewhere,
  work marked `spawn_safe` (its arguments pickle, it reads no module state) runs in spawned
  workers; other work runs in the build's own process. The site is the same either way.
- A forked worker reads the build it was forked from (a module global set before the fork)
  and returns plain data; it never logs, imports lazily-loaded modules, or writes to stdout
  or stderr (a lock another thread held at the fork would never be released in it).
- Threads of the build that run while it forks (the search thread, the CLI spinner) take no
  lock a forked worker needs.
- Every worker watches its parent and exits when the parent dies (`_watch_parent`): killing
  the main process leaves no worker blocked on an empty queue.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

DEFAULT_MOST = 4  # workers per pool by default (more did not pay on the machines measured)

# The least number of tasks for which a pool of each kind of work pays for its start.
WORTH_A_POOL = {
    "render": 200,  # posts to render (Markdown)
    "pages": 150,  # pages to draw with the theme template
    "search": 300,  # posts to index
    "background": 1,  # feature modules writing beside the page workers (feeds, OPML)
    "folders": 1,  # page folders to make in a child process
}


def fork_is_safe() -> bool:
    """Whether workers may be forked here: `os.fork` exists and the platform tolerates it."""
    return hasattr(os, "fork") and sys.platform not in ("darwin", "win32", "cygwin")


@dataclass(frozen=True)
class BuildMode:
    """Whether caches are used, and how many worker processes a pool may have."""

    cache_dir: str | None = None  # None: no cache is read or written
    jobs: int | None = None  # None: one per core (at most DEFAULT_MOST); 1: no worker process

    @property
    def cache(self) -> bool:
        return self.cache_dir is not None

    def most_workers(self) -> int:
        """The most worker processes one pool may have (1: none, the work runs here)."""
        if self.jobs is not None:
            return max(1, self.jobs)
        return max(1, min(os.cpu_count() or 1, DEFAULT_MOST))

    def pool_size(self, kind: str, tasks: int, most: int | None = None, spawn_safe: bool = False) -> int:
        """How many workers a pool for `tasks` of `kind` gets here (0: run the work in this process)."""
        size = min(self.most_workers(), most or tasks, tasks)
        if tasks < WORTH_A_POOL[kind] or self.most_workers() < 2 or size < 1:
            return 0
        return size if fork_is_safe() or spawn_safe else 0

    def pool(self, kind: str, tasks: int, most: int | None = None, spawn_safe: bool = False,
             initializer: Callable | None = None, initargs: tuple = ()) -> ProcessPoolExecutor | None:
        """A process pool for `tasks` of `kind`, or None when the work should run in this process.

        Forked where that is safe (workers then hold the build); spawned for `spawn_safe` work
        elsewhere. Every worker exits when this process dies."""
        size = self.pool_size(kind, tasks, most, spawn_safe)
        if size == 0:
            return None
        context = multiprocessing.get_context("fork" if fork_is_safe() else "spawn")
        return ProcessPoolExecutor(size, mp_context=context, initializer=_start_worker,
                                   initargs=(os.getpid(), initializer, initargs))

    def fork_child(self, kind: str, tasks: int) -> int | None:
        """Fork a child for `tasks` of `kind` (returns 0 in the child, its pid in the parent), or
        None when the work should run here. The child must leave with `os._exit`."""
        if self.pool_size(kind, tasks, most=1) == 0 or not fork_is_safe():
            return None
        try:
            return os.fork()
        except OSError:
            return None

    def detached(self, arguments: list[str]) -> bool:
        """Start `python arguments…` detached from this process (it outlives the build);
        False when no process may be started (then the caller does the work itself)."""
        if self.most_workers() < 2:
            return False
        try:
            subprocess.Popen([sys.executable, *arguments], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            return False
        return True


def _start_worker(parent: int, initializer: Callable | None, initargs: tuple) -> None:
    """Worker side, first thing: watch the parent, then the pool's own initializer."""
    _watch_parent(parent)
    if initializer is not None:
        initializer(*initargs)


POLL_SECONDS = 0.5


def _watch_parent(parent: int) -> None:
    """Exit this worker as soon as the process that started it is gone.

    A pool's workers wait on a queue the parent feeds; when the parent is killed, forked
    siblings still hold that queue's other end, so the wait would never end. A daemon
    thread polls the parent (POSIX: the parent pid changes when it dies; Windows: the
    parent's handle is signalled) and leaves with `os._exit`."""
    sentinel = getattr(multiprocessing.parent_process(), "sentinel", None) if sys.platform == "win32" else None

    def watch() -> None:
        if sentinel is not None:
            from multiprocessing.connection import wait

            wait([sentinel])
            os._exit(1)
        while True:
            if os.getppid() != parent:
                os._exit(1)
            threading.Event().wait(POLL_SECONDS)

    threading.Thread(target=watch, name="portal-parent-watch", daemon=True).start()
