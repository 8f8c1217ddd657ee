"""Builds that share a site folder or a cache folder take turns: an exclusive file lock
(`fcntl.flock` on POSIX, `msvcrt.locking` on Windows) on `<site>.portal-lock` and on
`<cache>/.lock`, held from before the build starts until the new site is swapped in.

The system drops a lock when its process dies, so a killed build never leaves a stale lock.
A second build waits (it says so once, in Chinese) and then builds on the finished site and
cache; it never builds into the same temporary folder as the first one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import IO

RETRY_SECONDS = 0.2  # Windows has no blocking lock without a time limit: try again this often


class FileLock:
    """An exclusive lock on one file (made when missing)."""

    def __init__(self, path: str):
        self.path = path
        self.handle: IO[bytes] | None = None

    def acquire(self, waiting: Callable[[str], None]) -> None:
        """Take the lock; when another process holds it, call `waiting(path)` once and wait."""
        handle = self.handle = open(self.path, "a+b")  # noqa: SIM115 (held until `release`)
        if _try_lock(handle):
            return
        waiting(self.path)
        while not _lock(handle):
            threading.Event().wait(RETRY_SECONDS)

    def release(self) -> None:
        if self.handle is not None:
            _unlock(self.handle)
            self.handle.close()
            self.handle = None


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    _lock = _try_lock

    def _unlock(handle) -> None:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(handle) -> bool:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        return True

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def site_lock_path(site: str) -> str:
    return os.path.abspath(site).rstrip(os.sep) + ".portal-lock"


def cache_lock_path(cache_dir: str) -> str:
    return os.path.join(os.path.abspath(cache_dir), ".lock")


@contextlib.contextmanager
def exclusive(paths: list[str], waiting: Callable[[str], None], optional: tuple[str, ...] = ()) -> Iterator[None]:
    """Hold the locks of `paths` (always taken in the same order, so two builds never wait
    for each other); folders of the lock files are made as needed. A lock in `optional` that
    cannot be made (a cache folder that cannot be written: the build reports that itself) is
    left out; any other raises OSError."""
    held = []
    try:
        for path in sorted(set(paths)):
            lock = FileLock(path)
            try:
                os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
                lock.acquire(waiting)
            except OSError:
                if path in optional:
                    continue
                raise
            held.append(lock)
        yield
    finally:
        for lock in reversed(held):
            lock.release()
