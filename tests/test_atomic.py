"""Atomic and reproducible output: a killed or failed strict build leaves the previous
site byte-for-byte as it was; two builds under SOURCE_DATE_EPOCH are byte-identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal_factory import FIXED_EPOCH, PortalTree, build, post_text

ROOT = Path(__file__).resolve().parent.parent
UNITS = ["tax/prov", "tax/np", "tax/np-jo", "tax/np-wys", "tax/sm", "tax/sm-yx", "radio/prov", "radio/np", "radio/np-jo"]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def many_posts(tree: PortalTree, count: int, stamp: str = "") -> None:
    for index in range(count):
        unit = UNITS[index % len(UNITS)]
        day = f"2026-{index % 10 + 1:02d}-{index % 27 + 1:02d}"
        body = f"第 {index} 篇文章的正文{stamp}。\n\n## 小节\n\n" + "党建联创工作交流。" * 20
        tree.write(f"{unit}/2026/p{index:05d}.md", post_text(f"文章{index}{stamp}", day, body=body,
                                                             tags="[联创, 学习]", category="center"))


def run_cli(tree: PortalTree, site: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--strict", "--trial", "--content", str(tree.content),
                             "--site", str(site), *extra], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture(scope="module")
def old_site(tmp_path_factory):
    """A small tree built once: the site that later builds must not damage."""
    root = tmp_path_factory.mktemp("atomic")
    tree = PortalTree(root)
    many_posts(tree, 12)
    ok, site = build(tree, strict=True)
    assert ok
    return tree, site, snapshot(site)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="kills the build's process group (POSIX)")
def test_killed_strict_build_leaves_the_old_site_intact(old_site):
    tree, site, before = old_site
    many_posts(tree, 3000, stamp="（新）")  # every page would change if the build finished
    process = run_cli(tree, site)
    temporary = Path(str(site) + ".portal-tmp")
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and not _has_files(temporary) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # let it write for a while
        assert process.poll() is None, "the build ended before it could be interrupted"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert snapshot(site) == before


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def test_failed_strict_build_leaves_the_old_site_intact(tmp_path):
    tree = PortalTree(tmp_path)
    many_posts(tree, 6)
    ok, site = build(tree, strict=True)
    assert ok
    before = snapshot(site)
    tree.post("tax/np/new.md", "新文章", "2026-03-02")
    tree.write("tax/np/bad.md", "---\ntitle: 坏: 文章\ndate: 2026-03-01\ntype: news\n---\n正文\n")
    ok, _ = build(tree, strict=True)
    assert not ok
    assert snapshot(site) == before
    assert not Path(str(site) + ".portal-tmp").exists()


def test_an_error_in_the_forked_feed_writer_fails_the_build(tmp_path, monkeypatch):
    """Feeds are written by a forked process while MkDocs renders pages: its error still
    stops the build, the old site stays, and the collector's settings are put back."""
    import gc

    from site_builder import feeds

    tree = PortalTree(tmp_path)
    many_posts(tree, 6)
    ok, site = build(tree)
    assert ok
    before, threshold = snapshot(site), gc.get_threshold()

    def broken(self, feed):
        raise RuntimeError("订阅源写不出来")

    monkeypatch.setattr(feeds.FeedWriter, "documents", broken)
    tree.post("tax/np/new.md", "新文章", "2026-03-02")
    with pytest.raises(RuntimeError, match="订阅源写不出来"):
        build(tree)
    assert snapshot(site) == before
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0


def test_failed_strict_cli_build_exits_nonzero_and_keeps_the_site(old_site, tmp_path):
    tree = PortalTree(tmp_path)
    many_posts(tree, 4)
    ok, site = build(tree, strict=True)
    before = snapshot(site)
    tree.write("tax/np/bad.md", post_text("坏链接", "2026-03-01", body="[x](missing.md)"))
    process = run_cli(tree, site)
    assert process.wait(timeout=300) == 1
    assert snapshot(site) == before


def reproducible_tree(tmp_path: Path) -> PortalTree:
    tree = PortalTree(tmp_path / "tree")
    many_posts(tree, 30)
    tree.post("tax/np/qa-1.md", "一个问题", "2026-05-01", "qa", body="答复。", question="问什么？", answered="2026-05-03")
    tree.post("tax/np-jo/qa-2.md", "待答复", "2026-11-01", "qa", body="", question="还没答？")
    tree.write("guide/index.md", "# 投稿指南\n\n说明。\n")
    return tree


def differences(first: Path, second: Path, skip: str | None = None) -> list[str]:
    """Files that exist in only one tree or whose bytes differ (optionally outside `skip/`)."""
    a, b = snapshot(first), snapshot(second)
    if skip:
        a = {k: v for k, v in a.items() if not k.startswith(skip + "/")}
        b = {k: v for k, v in b.items() if not k.startswith(skip + "/")}
    return sorted(set(a) ^ set(b)) + [name for name in sorted(set(a) & set(b)) if a[name] != b[name]]


def test_two_builds_are_byte_identical(tmp_path):
    """Pages, feeds, OPML, statistics, sitemap and 404: each build with its own empty cache."""
    tree = reproducible_tree(tmp_path)
    ok_a, first = build(tree, tmp_path / "a", cache_dir=tmp_path / "cache-a")
    ok_b, second = build(tree, tmp_path / "b", cache_dir=tmp_path / "cache-b")
    assert ok_a and ok_b
    assert differences(first, second, skip="pagefind") == []
    names = snapshot(first)
    for expected in ("sitemap.xml", "sitemap.xml.gz", "404.html", "index.html", "rss.xml", "feeds.opml"):
        assert expected in names
    assert any(name.startswith("stats/") and name.endswith(".csv") for name in names)
    assert "<lastmod>2026-11-25</lastmod>" in names["sitemap.xml"].decode("utf-8")  # SOURCE_DATE_EPOCH, not the clock


def test_search_index_is_byte_identical_without_a_cache(tmp_path):
    tree = reproducible_tree(tmp_path)
    ok_a, first = build(tree, tmp_path / "a", cache_dir=tmp_path / "cache-a")
    ok_b, second = build(tree, tmp_path / "b", cache_dir=tmp_path / "cache-b")
    assert ok_a and ok_b
    assert differences(first, second) == []


def test_rebuild_with_the_cache_is_byte_identical(tmp_path):
    tree = reproducible_tree(tmp_path)
    ok_a, first = build(tree, tmp_path / "a", cache_dir=tmp_path / "cache")
    ok_b, second = build(tree, tmp_path / "b", cache_dir=tmp_path / "cache")
    assert ok_a and ok_b
    assert differences(first, second) == []


def test_output_does_not_depend_on_the_folder_or_the_order_of_files(tmp_path):
    first_tree = PortalTree(tmp_path / "one")
    second_tree = PortalTree(tmp_path / "two")
    many_posts(first_tree, 10)
    for index in reversed(range(10)):  # written in the other order
        unit = UNITS[index % len(UNITS)]
        rel = f"{unit}/2026/p{index:05d}.md"
        second_tree.write(rel, (first_tree.content / rel).read_bytes())
    ok_a, a = build(first_tree, cache_dir=tmp_path / "cache-one")
    ok_b, b = build(second_tree, cache_dir=tmp_path / "cache-two")
    assert ok_a and ok_b
    assert differences(a, b, skip="pagefind") == []


def test_a_served_folder_is_emptied_at_once_and_its_old_content_deleted_later(tmp_path):
    from site_builder.sitebuild import empty_aside

    site = tmp_path / "mkdocs_x"
    (site / "tax" / "np").mkdir(parents=True)
    (site / "tax" / "np" / "index.html").write_text("旧页面", encoding="utf-8")
    (site / "index.html").write_text("首页", encoding="utf-8")
    empty_aside(str(site))
    assert site.is_dir() and list(site.iterdir()) == []
    for _ in range(600):  # the detached process deletes what was set aside (a loaded machine: a minute at most)
        if not list(tmp_path.glob("mkdocs_x.portal-old*")):
            break
        time.sleep(0.1)
    assert list(tmp_path.iterdir()) == [site]
    empty_aside(str(site))  # an empty folder: nothing to do
    assert list(tmp_path.iterdir()) == [site]
