"""The folder `portal serve` serves from, kept between saves (no MkDocs import).

A save rebuilds the site into the same folder instead of an emptied one: a file whose
content key (a cache key, or the SHA-256 of a search file) is the one the session last
wrote to that path, and whose size and modification time are still those it left, is
not read from the cache nor written again. What a build did not produce is removed at
its end (`remove_stale`), so the folder holds exactly what a build into an empty folder
writes.

Files are written by the build's process and by its workers (forked page writers, the
feeds process, the search workers): every process notes what it wrote or kept in a log
file of its own under the session folder; the session reads the logs after each build.
Nothing here is active outside `portal serve` (`ACTIVE` is None): builds are unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import threading


class ServedFiles:
    """What this serve session wrote into its folder: path → (key, mtime_ns, size)."""

    def __init__(self, site_dir: str, log_dir: str):
        self.site_dir = os.path.abspath(site_dir)
        self.log_dir = log_dir
        self.known: dict[str, tuple[str, int, int]] = {}
        self.touched: set[str] = set()  # paths written or kept by the build in progress
        self.owner = os.getpid()
        self.skipped = 0  # files left as they were in the last build (an observable count)
        self.cleaner: threading.Thread | None = None

    def unchanged(self, target: str, key: str) -> bool:
        """Whether `target` holds the entry `key` already (then it counts as written)."""
        path = os.path.abspath(target)
        entry = self.known.get(path)
        if entry is None or entry[0] != key:
            return False
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if (stat.st_mtime_ns, stat.st_size) != entry[1:]:
            return False
        self._note(path, entry)
        self.skipped += 1
        return True

    def wrote(self, target: str, key: str) -> None:
        """Note that `target` now holds the entry `key`."""
        path = os.path.abspath(target)
        try:
            stat = os.stat(path)
        except OSError:
            return
        self._note(path, (key, stat.st_mtime_ns, stat.st_size))

    def _note(self, path: str, entry: tuple[str, int, int]) -> None:
        if os.getpid() == self.owner:
            self.known[path] = entry
            self.touched.add(path)
            return
        line = json.dumps([path, *entry], ensure_ascii=False) + "\n"  # a worker: told through its log
        with open(os.path.join(self.log_dir, f"{os.getpid()}.log"), "a", encoding="utf-8",
                  errors="surrogatepass") as handle:
            handle.write(line)

    def begin(self) -> None:
        """Before a build: the last build's cleaning done, nothing touched yet, no worker log left over."""
        self.settle()
        self.touched = set()
        self.skipped = 0
        os.makedirs(self.log_dir, exist_ok=True)
        self._read_logs()
        self.touched = set()

    def _read_logs(self) -> None:
        for name in os.listdir(self.log_dir):
            if not name.endswith(".log"):
                continue
            path = os.path.join(self.log_dir, name)
            try:
                with open(path, encoding="utf-8", errors="surrogatepass") as handle:
                    lines = handle.read().splitlines()
                os.remove(path)
            except OSError:
                continue
            for line in lines:
                try:
                    target, key, mtime, size = json.loads(line)
                except ValueError:
                    continue  # a worker killed mid-line
                self.known[target] = (key, mtime, size)
                self.touched.add(target)

    def finish(self, since_ns: int, keep: set[str]) -> None:
        """After a build: read the workers' logs, then delete every file of the folder that
        this build neither wrote (modified at or after `since_ns`) nor kept, nor names in
        `keep` (MkDocs' static files it left because they are unchanged). The deleting walks
        the whole folder, so it runs in a thread while the changed page is already served;
        the next build waits for it (`settle`)."""
        self._read_logs()
        keep = {os.path.abspath(path) for path in keep} | self.touched
        for path in [p for p in self.known if p not in self.touched]:
            del self.known[path]
        self.cleaner = threading.Thread(target=remove_stale, args=(self.site_dir, since_ns, keep),
                                        name="portal-serve-clean", daemon=True)
        self.cleaner.start()

    def settle(self) -> None:
        """Wait until what the last build no longer makes is deleted."""
        if self.cleaner is not None:
            self.cleaner.join()
            self.cleaner = None


def remove_stale(site_dir: str, since_ns: int, keep: set[str]) -> int:
    """Delete files below `site_dir` modified before `since_ns` and not in `keep`, then the
    folders left empty; returns how many files were deleted."""
    removed = 0
    for folder, _, names in os.walk(site_dir, topdown=False):
        left = len(names)
        for name in names:
            path = os.path.join(folder, name)
            if path in keep:
                continue
            try:
                if os.lstat(path).st_mtime_ns >= since_ns:
                    continue
                os.remove(path)
                removed += 1
                left -= 1
            except OSError:
                continue
        if folder != site_dir and not left:
            try:
                os.rmdir(folder)  # only when empty (its subfolders may hold files)
            except OSError:
                pass
    return removed


def keep_only(folder: str, names: set[str]) -> None:
    """In a serve session: delete the files below `folder` whose paths relative to it (with
    `/`) are not in `names` (a search shard written again over its last version, before the
    shard is copied into the cache: the copy must hold this version only)."""
    if ACTIVE is None:
        return
    for root, _, files in os.walk(folder):
        relative = os.path.relpath(root, folder).replace(os.sep, "/")
        for name in files:
            path = name if relative == "." else f"{relative}/{name}"
            if path not in names:
                try:
                    os.remove(os.path.join(root, name))
                except OSError:
                    pass


def build_mark(folder: str) -> int:
    """A time on the file system's own clock: files written after this call are modified at
    or after it (a file is written and its time read back, as the folder's clock may be
    coarser than the process's)."""
    path = os.path.join(folder, ".portal-build-mark")
    with open(path, "wb") as handle:
        handle.write(b"")
    mark = os.stat(path).st_mtime_ns
    os.remove(path)
    return mark


ACTIVE: ServedFiles | None = None  # the serve session's folder while it builds; None otherwise


def unchanged(target: str, key: str) -> bool:
    """Whether the serve session's folder holds `key` at `target` already (False outside serve)."""
    return ACTIVE is not None and ACTIVE.unchanged(target, key)


def wrote(target: str, key: str) -> None:
    """Note a file written into the serve session's folder (nothing outside serve)."""
    if ACTIVE is not None:
        ACTIVE.wrote(target, key)


def forget(log_dir: str) -> None:
    """Remove a session's logs folder."""
    shutil.rmtree(log_dir, ignore_errors=True)
