"""Operations that go wrong around the build machinery: two builds at once on one site and
cache, a full disk or a read-only folder, a killed main process, caches that lie."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_build_modes import make_tree, same_tree

from portal_factory import FIXED_EPOCH, build
from site_builder import plugin, workers
from site_builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}


def leftovers(site: Path) -> list[str]:
    """Temporary folders a build leaves beside its site (an old site renamed aside for the
    detached process that deletes it, `.portal-old-<pid>`, is being deleted)."""
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(site.name + ".portal-")
                  and not p.name.endswith(".portal-lock") and not re.search(r"\.portal-old-\d+$", p.name))


# ---------------------------------------------------------------- two builds at once


class Watcher:
    """Reads a process's stderr in a thread; `seen` is set at the line wanted or at its end."""

    def __init__(self, process: subprocess.Popen, wanted: str):
        self.lines: list[str] = []
        self.seen = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(process, wanted), daemon=True)
        self.thread.start()

    def _read(self, process, wanted) -> None:
        for line in process.stderr:
            self.lines.append(line)
            if wanted in line:
                self.seen.set()
        self.seen.set()


def test_a_second_build_on_the_same_site_and_cache_waits_for_the_first(tmp_path, monkeypatch):
    """While one build runs, another on the same site and cache starts: it waits (saying so)
    instead of building into the same temporary folder, and both end with the whole site."""
    tree = make_tree(tmp_path / "portal")
    ok, reference = build(tree, tmp_path / "ref", cache_dir=tmp_path / "c0")
    assert ok
    site, cache = tmp_path / "site", tmp_path / "cache"
    ok, _ = build(tree, site, cache_dir=cache)  # a site and a cache to share
    assert ok
    tree.post("tax/np/late.md", "后加的文章", "2026-03-09")
    ok, reference = build(tree, tmp_path / "ref2", cache_dir=tmp_path / "c0")
    second: dict = {}
    real = plugin.write_outputs

    def start_second_meanwhile(build_, site_dir):
        process = subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--content", str(tree.content),
                                    "--site", str(site), "--cache-dir", str(cache)], cwd=ROOT, env=ENV,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        watcher = Watcher(process, "等它完成")
        watcher.seen.wait(600)  # the second build waits for the lock, or (unlocked) has finished
        second.update(process=process, watcher=watcher)
        return real(build_, site_dir)

    monkeypatch.setattr(plugin, "write_outputs", start_second_meanwhile)
    ok, _ = build(tree, site, cache_dir=cache)
    monkeypatch.undo()
    assert ok
    process, watcher = second["process"], second["watcher"]
    assert process.wait(600) == 0
    watcher.thread.join()
    assert any("等它完成" in line for line in watcher.lines), watcher.lines
    assert same_tree(reference, site) == []
    assert leftovers(site) == []


# ---------------------------------------------------------------- disk full, read-only folder


def failing(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), args[-1] if args and isinstance(args[-1], str) else "site")
    return fail


@pytest.mark.parametrize("where", ["stats", "feeds-in-background", "theme-files"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_disk_or_read_only_folder_is_one_chinese_line(tmp_path, monkeypatch, capsys, where, code):
    """The build stops with one Chinese line naming the file and the fix, no traceback; the old
    site stays and no temporary folder is left, whichever process hit the error."""
    from mkdocs import utils

    from site_builder import feeds, stats_pages

    for kind in workers.WORTH_A_POOL:
        monkeypatch.setitem(workers.WORTH_A_POOL, kind, 1)
    tree = make_tree(tmp_path / "portal")
    ok, site = build(tree, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert ok
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    target = {"stats": (stats_pages, "write"), "feeds-in-background": (feeds, "write"),
              "theme-files": (utils, "copy_file")}[where]
    monkeypatch.setattr(*target, failing(code))
    tree.post("tax/np/new.md", "新文章", "2026-03-02")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    capsys.readouterr()
    assert main(["build", "--content", str(tree.content), "--site", str(site), "--cache-dir", str(tmp_path / "cache")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "OSError" not in err
    lines = [line for line in err.splitlines() if "无法写入" in line]
    assert len(lines) == 1, err
    assert ("磁盘空间不足" if code == errno.ENOSPC else "只读") in lines[0] and "修改方法" in lines[0]
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert leftovers(site) == []


# ---------------------------------------------------------------- the main process killed

HANGING_WORKERS = """
import os, sys, time
from site_builder import engine, workers
for kind in workers.WORTH_A_POOL:
    workers.WORTH_A_POOL[kind] = 1
def hang(jobs):
    with open(sys.argv[4], "a") as handle:
        handle.write(f"{os.getpid()}\\n")
    time.sleep(3600)
engine._render_chunk = hang
from site_builder.sitebuild import build_site
build_site(sys.argv[1], sys.argv[2], cache_dir=sys.argv[3])
"""


def alive(pid: int) -> bool:
    """Whether a process still runs (a zombie waiting to be reaped has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not workers.fork_is_safe() or not os.path.isdir("/proc"), reason="forked workers, /proc")
def test_workers_exit_when_the_main_process_is_killed(tmp_path):
    """Killing only the main process (SIGKILL: no cleanup runs) leaves no worker behind."""
    tree = make_tree(tmp_path / "portal")
    pids = tmp_path / "workers.txt"
    process = subprocess.Popen([sys.executable, "-c", HANGING_WORKERS, str(tree.content), str(tmp_path / "site"),
                                str(tmp_path / "cache"), str(pids)], cwd=ROOT, env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(1200):
            if pids.exists() and len(pids.read_text().split()) >= 2:
                break
            assert process.poll() is None, "the build ended before its workers started"
            time.sleep(0.1)
        found = [int(pid) for pid in pids.read_text().split()]
        assert found and all(alive(pid) for pid in found)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    for _ in range(600):
        if not any(alive(pid) for pid in found):
            break
        time.sleep(0.1)
    still = [pid for pid in found if alive(pid)]
    for pid in still:
        os.kill(pid, signal.SIGKILL)  # leave nothing running after the test
    assert still == []


# ---------------------------------------------------------------- caches that lie


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".lock"))


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    if data:
        data[len(data) * 2 // 3] ^= 0x20
        path.write_bytes(bytes(data))


def cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "缓存文件夹" in r.getMessage()]


def test_every_flipped_byte_in_the_cache_is_a_miss_reported_once(tmp_path, caplog):
    """A byte flipped in any cache file (pages, feeds, rendered and parsed posts, search data
    and shards) is never published: the warm build equals a cold one and says so in one line."""
    tree = make_tree(tmp_path / "portal")
    cache = tmp_path / "cache"
    ok, cold = build(tree, tmp_path / "cold", cache_dir=cache)
    assert ok
    kinds = {p.relative_to(cache).parts[0] for p in cache_files(cache)}
    assert {"pages-v2", "feeds-v2", "rendered-v2", "parsed-posts-v2.json", "search", "search-posts-v2"} <= kinds
    for path in cache_files(cache):
        flip_a_byte(path)
    caplog.clear()
    ok, warm = build(tree, tmp_path / "warm", cache_dir=cache)
    assert ok and same_tree(cold, warm) == []
    assert len(cache_warnings(caplog)) == 1, cache_warnings(caplog)
    caplog.clear()
    ok, again = build(tree, tmp_path / "again", cache_dir=cache)  # the damaged entries were replaced
    assert ok and same_tree(cold, again) == [] and cache_warnings(caplog) == []


def inodes(folder: Path) -> set[tuple[int, int]]:
    return {(p.stat().st_dev, p.stat().st_ino) for p in folder.rglob("*") if p.is_file()}


def test_the_site_shares_no_file_with_the_cache_and_a_live_edit_is_not_republished(tmp_path, pools_always):
    """Editing a published file in place (an intruder, a careless admin) changes that file only:
    the next build publishes what the content says."""
    tree = make_tree(tmp_path / "portal")
    cache = tmp_path / "cache"
    ok, site = build(tree, tmp_path / "site", cache_dir=cache)
    assert ok
    ok, _ = build(tree, site, cache_dir=cache)  # a warm build: pages, feeds and shards from the cache
    assert ok and not inodes(site) & inodes(cache)
    reference = tmp_path / "reference"
    ok, _ = build(tree, reference, cache_dir=tmp_path / "other")
    for page in ("tax/np/p1/index.html", "rss.xml", "tax/np/index.html"):
        with open(site / page, "r+b") as handle:  # in place: the same inode
            handle.write(b"<!-- defaced -->")
    for shard_file in list((site / "pagefind").rglob("*.pf_fragment"))[:3]:
        with open(shard_file, "r+b") as handle:
            handle.write(b"\x00\x01")
    ok, _ = build(tree, site, cache_dir=cache)
    assert ok and same_tree(reference, site) == []


@pytest.fixture
def pools_always(monkeypatch):
    for kind in workers.WORTH_A_POOL:
        monkeypatch.setitem(workers.WORTH_A_POOL, kind, 1)


def test_nothing_read_back_from_the_cache_is_unpickled_or_unmarshalled(tmp_path, monkeypatch):
    """Whoever can write the cache folder (CI restores it from a shared cache) cannot make a
    build run code: a warm build calls neither pickle nor marshal (Jinja's bytecode cache)."""
    import marshal
    import pickle

    tree = make_tree(tmp_path / "portal")
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cache")
    assert ok
    calls: list[str] = []

    def spy(name, real):
        def called(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)
        return called

    for module, name in ((pickle, "load"), (pickle, "loads"), (marshal, "load")):
        monkeypatch.setattr(module, name, spy(f"{module.__name__}.{name}", getattr(module, name)))
    monkeypatch.setattr(pickle, "Unpickler", spy("pickle.Unpickler", pickle.Unpickler))
    ok, warm = build(tree, tmp_path / "warm", cache_dir=tmp_path / "cache")
    assert ok and same_tree(cold, warm) == []
    assert calls == []


def test_a_cache_that_cannot_be_written_is_reported_once_and_the_site_still_built(tmp_path, caplog):
    """A cache folder that cannot be made or written (here a file stands where it should be)
    costs speed only: the site is built as without a cache, and one line says why."""
    tree = make_tree(tmp_path / "portal")
    ok, reference = build(tree, tmp_path / "ref", cache_dir=tmp_path / "c0")
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder", encoding="utf-8")
    caplog.clear()
    ok, site = build(tree, tmp_path / "site", cache_dir=blocked)
    assert ok and same_tree(reference, site) == []
    assert len(cache_warnings(caplog)) == 1, cache_warnings(caplog)
    assert str(blocked) in cache_warnings(caplog)[0]
