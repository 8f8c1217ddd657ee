"""Warm rebuilds: after a change, a build that reuses the cache writes exactly what a cold
build of the changed tree writes (under SOURCE_DATE_EPOCH), while reusing what it can."""

from __future__ import annotations

import filecmp
import logging
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from portal_factory import FIXED_EPOCH, ORGS_YML, PortalTree, build
from site_builder import engine, keys, page_writer, workers


def make_tree(root: Path) -> PortalTree:
    """A small portal: posts in several units, links between posts, a picture, Q&A."""
    tree = PortalTree(root)
    tree.write("index.md", "# 首页\n\n欢迎。\n")
    tree.write("guide/index.md", "# 投稿指南\n\n参见[一篇文章](../tax/np/a.md)。\n")
    tree.post("tax/np/a.md", "南平动态一", "2026-03-01", category="center", tags="[支部标准化, 志愿服务]",
              body="第一段。\n\n## 小标题\n\n![会场](a.png)\n\n见[另一篇](b.md)。")
    tree.write("tax/np/a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    tree.post("tax/np/b.md", "南平动态二", "2026-03-05", body="链接回[第一篇](a.md#小标题)。")
    tree.post("tax/np-jo/c.md", "建瓯经验", "2026-04-01", "experience", featured_by="[tax/np]", tags="[志愿服务]")
    tree.post("tax/prov/d.md", "省局部署", "2026-02-10", category="integrity")
    tree.post("radio/np-jo/e.md", "融媒体动态", "2026-05-01")
    tree.post("tax/sm-yx/q.md", "提问", "2026-06-01", "qa", body="答复如下。", question="怎样报送？",
              answered="2026-06-03")
    tree.post("tax/sm/q2.md", "待答", "2026-11-01", "qa", body="", question="何时开会？")
    return tree


def site_files(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ between two built sites.

    Pagefind writes its filter files in an order of its own (two cold builds differ there
    too), so under `pagefind/` only the content-named fragment files are compared: a stale
    search record would give a different fragment name.
    """
    a, b = site_files(left), site_files(right)
    def plain(names):
        return {n for n in names if not n.startswith("pagefind/")}
    def fragments(names):
        return {n for n in names if re.match(r"pagefind/[^/]+/fragment/", n)}
    differ = sorted(plain(a) ^ plain(b)) + sorted(fragments(a) ^ fragments(b))
    differ += [n for n in sorted(plain(a) & plain(b)) if not filecmp.cmp(left / n, right / n, shallow=False)]
    return differ


def counts(caplog) -> dict[str, int]:
    """The numbers of the plugin's cache summary line of the last build."""
    lines = [r.getMessage() for r in caplog.records if "从缓存复用" in r.getMessage()]
    numbers = [int(n) for n in re.findall(r"\d+", lines[-1])]
    return dict(zip(("pages rendered", "pages cached", "posts rendered", "posts cached"), numbers))


def warm_and_cold(tmp_path: Path, change, caplog) -> tuple[Path, Path, dict]:
    """Build, apply `change`, rebuild warm; also build the changed tree cold. Returns both sites."""
    tree = make_tree(tmp_path / "portal")
    cache = tmp_path / "cache"
    ok, _ = build(tree, tmp_path / "first", cache_dir=cache)
    assert ok
    change(tree)
    caplog.clear()
    ok, warm = build(tree, tmp_path / "warm", cache_dir=cache)
    assert ok
    warm_counts = counts(caplog)
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cache-cold")
    assert ok
    return warm, cold, warm_counts


@pytest.fixture(autouse=True)
def info_logs(caplog):
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.portal")


def edit_title(tree: PortalTree) -> None:
    tree.post("tax/np/b.md", "南平动态二（修订）", "2026-03-05", body="链接回[第一篇](a.md#小标题)。\n\n补充一段。")


def test_edited_post_equals_cold_build(tmp_path, caplog):
    warm, cold, numbers = warm_and_cold(tmp_path, edit_title, caplog)
    assert differences(warm, cold) == []
    assert "南平动态二（修订）" in (warm / "tax/np/b/index.html").read_text(encoding="utf-8")
    assert "南平动态二（修订）" in (warm / "tax/np/index.html").read_text(encoding="utf-8")  # listing current
    assert numbers["posts rendered"] == 1 and numbers["posts cached"] == 6
    assert numbers["pages cached"] > 0  # pages the edit does not touch are copied, not rendered
    # a feed without the edited post is copied from the cache (a file of its own: no inode shared)
    assert (warm / "radio/rss.xml").stat().st_nlink == 1 and (warm / "radio/atom.xml").stat().st_nlink == 1
    assert "南平动态二（修订）" in (warm / "rss.xml").read_text(encoding="utf-8")


def test_added_post_equals_cold_build(tmp_path, caplog):
    def add(tree):
        tree.post("tax/np-wys/new.md", "武夷山新稿", "2026-07-01", tags="[新标签]")

    warm, cold, numbers = warm_and_cold(tmp_path, add, caplog)
    assert differences(warm, cold) == []
    assert (warm / "tax/np-wys/new/index.html").exists()
    assert (warm / "tag" / "新标签" / "index.html").exists()
    assert numbers["posts rendered"] == 1


def test_deleted_post_equals_cold_build(tmp_path, caplog):
    def delete(tree):
        (tree.content / "tax/np/a.md").unlink()

    warm, cold, numbers = warm_and_cold(tmp_path, delete, caplog)
    assert differences(warm, cold) == []
    assert not (warm / "tax/np/a").exists()
    # b.md linked to a.md: its cached render no longer holds, so it is rendered again
    # and, its link now broken, left out in both builds.
    assert numbers["posts rendered"] == 1
    assert not (warm / "tax/np/b").exists()


def test_deleted_picture_re_renders_the_post(tmp_path, caplog):
    def delete(tree):
        (tree.content / "tax/np/a.png").unlink()

    warm, cold, numbers = warm_and_cold(tmp_path, delete, caplog)
    assert differences(warm, cold) == []
    assert numbers["posts rendered"] == 1


def test_orgs_change_equals_cold_build(tmp_path, caplog):
    def rename(tree):
        tree.write("orgs.yml", ORGS_YML.replace("南平市税务局", "南平市税务局（新名）"))

    warm, cold, numbers = warm_and_cold(tmp_path, rename, caplog)
    assert differences(warm, cold) == []
    assert "南平市税务局（新名）" in (warm / "tax/np/a/index.html").read_text(encoding="utf-8")
    assert numbers["posts rendered"] == 0  # bodies do not depend on the registry


def test_unchanged_rebuild_renders_nothing(tmp_path, caplog):
    warm, cold, numbers = warm_and_cold(tmp_path, lambda tree: None, caplog)
    assert differences(warm, cold) == []
    assert numbers["pages rendered"] == 0 and numbers["posts rendered"] == 0


def test_a_new_yaml_library_re_parses_and_redraws_every_post_page(tmp_path, caplog, monkeypatch):
    """Pages, listings, feeds and search shards stand for a post by its path and file digest;
    what else decides the parsed post (here the YAML library's version) is part of their keys too."""
    from site_builder import search

    real, shards = keys.package_versions, []

    def upgraded(*names):
        return real(*names).replace("pyyaml=", "pyyaml=99.")

    def upgrade(tree):
        monkeypatch.setattr(keys, "package_versions", upgraded)
        write = search.write_post_shard

        def recorded(*args):
            shards.append(write(*args))
            return shards[-1]

        monkeypatch.setattr(search, "write_post_shard", recorded)

    warm, cold, numbers = warm_and_cold(tmp_path, upgrade, caplog)
    assert differences(warm, cold) == []
    assert numbers["pages rendered"] >= 8  # every post page (8 posts), and the plain listings
    assert shards and "linked" not in shards[:2]  # the warm build's shards (tax, radio): none reused as they were


def test_worker_processes_write_the_same_site(tmp_path, caplog, monkeypatch):
    """With the process pools forced on, warm and cold builds still agree with in-process ones."""
    tree = make_tree(tmp_path / "portal")
    ok, single = build(tree, tmp_path / "single", cache_dir=tmp_path / "c1")
    assert ok
    for kind in workers.WORTH_A_POOL:
        monkeypatch.setitem(workers.WORTH_A_POOL, kind, 1)
    monkeypatch.setattr(page_writer, "CHUNK", 3)
    ok, pooled = build(tree, tmp_path / "pooled", cache_dir=tmp_path / "c2")
    assert ok and differences(single, pooled) == []
    edit_title(tree)
    ok, warm = build(tree, tmp_path / "pooled-warm", cache_dir=tmp_path / "c2")
    assert ok
    monkeypatch.undo()
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "c3")
    assert ok and differences(warm, cold) == []


def test_navigation_drawn_once_equals_material(tmp_path, caplog, monkeypatch):
    """Pages sharing a memoised navigation and tabs are byte-identical to pages whose
    navigation Material draws each time (posts side by side, in other systems, listings)."""
    tree = make_tree(tmp_path / "portal")
    tree.post("tax/np/f.md", "南平动态三", "2026-03-07")
    tree.post("radio/np-jo/g.md", "融媒体动态二", "2026-05-02")
    ok, memo = build(tree, tmp_path / "memo", cache_dir=tmp_path / "c1")
    assert ok
    monkeypatch.setattr(page_writer, "DRAW_NAV_ONCE", False)
    ok, plain = build(tree, tmp_path / "plain", cache_dir=tmp_path / "c2")
    assert ok and differences(memo, plain) == []
    nav = (memo / "radio/np-jo/g/index.html").read_text(encoding="utf-8")
    assert 'href="../../../tax/"' in nav and 'href="../../"' in nav  # links relative to this page


def test_rebuild_replaces_the_site_and_removes_the_old_one(tmp_path, caplog):
    """The old site is swapped out at once and deleted by a detached process."""
    import time

    tree = make_tree(tmp_path / "portal")
    site = tmp_path / "site"
    assert build(tree, site, cache_dir=tmp_path / "cache")[0]
    (site / "stale.txt").write_text("旧文件", encoding="utf-8")
    edit_title(tree)
    assert build(tree, site, cache_dir=tmp_path / "cache")[0]
    assert not (site / "stale.txt").exists()
    assert "南平动态二（修订）" in (site / "tax/np/b/index.html").read_text(encoding="utf-8")
    def leftovers():
        return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("site.") and p.name != "site.portal-lock")
    for _ in range(300):  # the deleting process runs on its own; give it up to a minute
        if not leftovers():
            break
        time.sleep(0.2)
    assert leftovers() == []


def test_feeds_with_posts_do_not_depend_on_the_reference_time(tmp_path, monkeypatch):
    """The feed cache keys a feed with posts without the build's reference time: two cold
    builds a week apart must then write the same bytes for every such feed."""
    from site_builder.sitebuild import build_site

    tree = make_tree(tmp_path / "portal")
    sites = []
    for epoch in ("1795608000", "1796212800"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        site = tmp_path / f"site-{epoch}"
        assert build_site(str(tree.content), str(site), cache_dir=str(tmp_path / f"cache-{epoch}"))
        sites.append(site)
    feeds = [p.relative_to(sites[0]) for p in sites[0].rglob("*.xml") if p.name in ("rss.xml", "atom.xml")]
    with_posts = [f for f in feeds if b"<item>" in (sites[0] / f).read_bytes() or b"<entry>" in (sites[0] / f).read_bytes()]
    assert len(with_posts) > 4
    assert [f for f in with_posts if (sites[0] / f).read_bytes() != (sites[1] / f).read_bytes()] == []


def test_warm_build_at_a_later_reference_time_equals_cold_build(tmp_path, caplog):
    """A cache made at one reference time, reused by a build a week later, writes what a cold
    build at that later time writes: empty feeds, waiting days, overdue marks and the bulletin
    all move with the reference time."""
    later = str(int(FIXED_EPOCH) + 7 * 86400)  # 2026-12-02: a new month, q2 overdue
    tree = make_tree(tmp_path / "portal")
    cache = tmp_path / "cache"
    ok, first = build(tree, tmp_path / "first", cache_dir=cache)
    assert ok
    ok, warm = build(tree, tmp_path / "warm", cache_dir=cache, epoch=later)
    assert ok
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cache-cold", epoch=later)
    assert ok
    assert differences(warm, cold) == []
    assert differences(first, cold)  # the later time shows: the comparison is not vacuous
    empty_feed = "tax/np-wys/atom.xml"  # no posts: dated by the reference time
    assert b"2026-12-02T20:00:00+08:00" in (warm / empty_feed).read_bytes()


def test_sitemap_lists_every_page(tmp_path, caplog):
    tree = make_tree(tmp_path / "portal")
    ok, site = build(tree, cache_dir=tmp_path / "cache")
    assert ok
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    pages = {str(p.parent.relative_to(site)) for p in site.rglob("index.html") if p.parent != site}
    listed = {unquote(u) for u in re.findall(r"<loc>http://127\.0\.0\.1:8000/(.*?)/?</loc>", sitemap)} - {""}
    assert "tax/np/a" in listed and "tax/np" in listed and "guide" in listed
    assert pages - {"admin"} <= listed  # the 网页投稿 editor is for staff, marked noindex, not a reader page
    assert "admin" not in listed


def test_cache_keys_hold_across_processes(tmp_path):
    """Two `portal build` runs (different hash seeds, as two real invocations have) share the cache."""
    import os
    import subprocess
    import sys

    tree = make_tree(tmp_path / "portal")
    entries = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, SOURCE_DATE_EPOCH="1795608000", NO_MKDOCS_2_WARNING="1")
        run = subprocess.run([sys.executable, "-m", "site_builder", "build", "--content", str(tree.content),
                              "--site", str(tmp_path / f"site{seed}"), "--cache-dir", str(tmp_path / "cache")],
                             env=env, capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        entries.append(sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.suffix in (".html", ".pickle")))
    assert entries[0] and entries[1] == entries[0]  # the second run found every key the first one wrote
    assert differences(tmp_path / "site1", tmp_path / "site2") == []



def test_search_shards_of_unchanged_inputs_are_linked_without_making_records(tmp_path, monkeypatch):
    """A warm rebuild makes search records only for the shard whose posts changed (the
    others come from the cache by the key of their inputs); its index equals a cold build's."""
    from site_builder.search import records as search

    made: list[str] = []
    original = search.Records.record

    def record(self, post):
        made.append(post.system)
        return original(self, post)

    monkeypatch.setattr(search.Records, "record", record)
    tree = make_tree(tmp_path / "portal")
    cache = tmp_path / "cache"
    assert build(tree, tmp_path / "first", cache_dir=cache)[0]
    assert {"tax", "radio"} <= set(made)
    made.clear()
    assert build(tree, tmp_path / "same", cache_dir=cache)[0]
    assert made == []
    edit_title(tree)
    assert build(tree, tmp_path / "warm", cache_dir=cache)[0]
    assert made == ["tax"]  # the edited post alone: the others come from the per-post cache
    assert build(tree, tmp_path / "cold", cache_dir=tmp_path / "cache-cold")[0]
    assert differences(tmp_path / "warm", tmp_path / "cold") == []


def test_parsed_posts_are_reused_and_dates_checked_against_each_reference_time(tmp_path, monkeypatch):
    """The parsed-post cache skips parsing unchanged posts, but a post dated after the
    reference time is refused whatever an earlier build with a later reference time found."""
    from datetime import datetime, timezone

    from site_builder.config import PortalConfig

    tree = make_tree(tmp_path / "portal")
    tree.post("tax/np/future.md", "明年的计划", "2026-12-20")
    parsed: list[str] = []
    original = engine.load_post

    def counting(source, *args):
        parsed.append(source)
        return original(source, *args)

    monkeypatch.setattr(engine, "load_post", counting)

    def run(day: int, month: int = 11):
        parsed.clear()
        portal_build = engine.PortalBuild(str(tree.content), PortalConfig(), engine.MarkdownSettings(),
                                          str(tmp_path / "cache"))
        portal_build.now = datetime(2026, month, day, tzinfo=timezone.utc)
        portal_build.run()
        return {p.source for p in portal_build.portal.posts}, {p.path for p in portal_build.portal.problems}

    published, problems = run(25)
    assert "tax/np/future.md" not in published and "tax/np/future.md" in problems
    assert "tax/np/a.md" in parsed
    published, problems = run(25, 12)
    assert "tax/np/future.md" in published and "tax/np/future.md" not in problems
    assert parsed == ["tax/np/future.md"]  # problems are not kept: only the refused post is parsed again
    published, problems = run(26)
    assert "tax/np/future.md" not in published and "tax/np/future.md" in problems
    assert parsed == ["tax/np/future.md"]
    tree.post("tax/np/b.md", "南平动态二（修订）", "2026-03-05")
    published, _ = run(26)
    assert sorted(parsed) == ["tax/np/b.md", "tax/np/future.md"]
