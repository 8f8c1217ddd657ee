"""One switch for caches and workers: the site is byte-identical with caches and worker
processes on, with `--no-cache --jobs 1`, and where `os.fork` does not exist (Windows)."""

from __future__ import annotations

import filecmp
import json
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from portal_factory import FIXED_EPOCH, PortalTree, build
from site_builder import workers
from site_builder.cli import main

ROOT = Path(__file__).resolve().parent.parent


def make_tree(root: Path) -> PortalTree:
    """Posts in several systems and units, links, a picture, Q&A, an ordinary page."""
    tree = PortalTree(root)
    tree.write("index.md", "# 首页\n\n欢迎。\n")
    tree.write("guide/index.md", "# 投稿指南\n\n参见[一篇文章](../tax/prov/p0.md)。\n")
    units = ["tax/prov", "tax/np", "tax/np-jo", "tax/sm", "radio/np", "radio/np-jo"]
    for index in range(24):
        unit = units[index % len(units)]
        body = f"第 {index} 篇的正文，党建联创。\n\n## 小节\n\n" + "基层组织建设工作交流。" * 8
        tree.post(f"{unit}/p{index}.md", f"文章{index}", f"2026-{index % 11 + 1:02d}-{index % 27 + 1:02d}",
                  "experience" if index % 5 == 0 else "news", body=body, tags="[联创, 学习]", category="center")
    tree.write("tax/np/a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    tree.post("tax/np/pic.md", "有图", "2026-03-02", body="![会场](a.png)\n\n见[第一篇](p1.md#小节)。")
    tree.post("tax/sm/q.md", "提问", "2026-06-01", "qa", body="答复如下。", question="怎样报送？", answered="2026-06-03")
    tree.post("tax/np/q2.md", "待答", "2026-11-01", "qa", body="", question="何时开会？")
    return tree


def tree_files(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())


def same_tree(left: Path, right: Path) -> list[str]:
    """Every file of both sites, compared byte for byte: names that differ, or are missing on one side."""
    a, b = tree_files(left), tree_files(right)
    assert a, "empty site"
    differ = sorted(set(a) ^ set(b))
    return differ + [n for n in sorted(set(a) & set(b)) if not filecmp.cmp(left / n, right / n, shallow=False)]


@pytest.fixture
def pools_always(monkeypatch):
    """Every kind of work goes to a pool, however little there is (the fixture is small)."""
    for kind in workers.WORTH_A_POOL:
        monkeypatch.setitem(workers.WORTH_A_POOL, kind, 1)


def cli_build(tree: PortalTree, site: Path, *extra: str) -> int:
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    return main(["build", "--content", str(tree.content), "--site", str(site), *extra])


NO_FORK_BUILD = """
import json, os, sys
del os.fork  # as on Windows: nothing may assume fork
import multiprocessing
asked = []
get_context = multiprocessing.get_context
multiprocessing.get_context = lambda method=None: asked.append(method) or get_context(method)
from site_builder import workers
for kind in workers.WORTH_A_POOL:
    workers.WORTH_A_POOL[kind] = 1
from site_builder.sitebuild import build_site
ok = build_site(sys.argv[1], sys.argv[2], cache_dir=sys.argv[3])
print(json.dumps({"ok": ok, "contexts": asked}))
"""


def test_same_site_with_caches_and_workers_without_them_and_without_fork(tmp_path, pools_always):
    """Done-when of the portability issue: the same fixture built with caches and workers on
    (cold, then warm), with `--no-cache --jobs 1`, and in a process whose `os` has no `fork`."""
    tree = make_tree(tmp_path / "portal")
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cache")
    assert ok
    ok, warm = build(tree, tmp_path / "warm", cache_dir=tmp_path / "cache")
    assert ok
    assert cli_build(tree, tmp_path / "plain", "--no-cache", "--jobs", "1", "--cache-dir", str(tmp_path / "c2")) == 0
    assert not (tmp_path / "c2").exists()  # --no-cache: nothing written there
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    process = subprocess.run([sys.executable, "-c", NO_FORK_BUILD, str(tree.content), str(tmp_path / "nofork"),
                              str(tmp_path / "c3")], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout.strip().splitlines()[-1])
    assert report["ok"]
    assert "fork" not in report["contexts"] and "spawn" in report["contexts"]  # posts rendered by spawned workers
    for other in (warm, tmp_path / "plain", tmp_path / "nofork"):
        assert same_tree(cold, other) == [], other.name


class Forbidden(AssertionError):
    pass


def forbid(*args, **kwargs):
    raise Forbidden("a process was started")


def test_jobs_1_starts_no_process(tmp_path, pools_always, monkeypatch):
    """`--jobs 1`: no fork, no pool, no detached process, even where every pool would start."""
    tree = make_tree(tmp_path / "portal")
    ok, reference = build(tree, tmp_path / "ref", cache_dir=tmp_path / "c1")
    assert ok
    monkeypatch.setattr(os, "fork", forbid)
    monkeypatch.setattr(multiprocessing.Process, "start", forbid)
    monkeypatch.setattr(ProcessPoolExecutor, "__init__", forbid)
    monkeypatch.setattr(subprocess, "Popen", forbid)
    for cache in ((), ("--no-cache",)):
        site = tmp_path / f"one{len(cache)}"
        assert cli_build(tree, site, "--jobs", "1", "--cache-dir", str(tmp_path / "c2"), *cache) == 0
        assert cli_build(tree, site, "--jobs", "1", "--cache-dir", str(tmp_path / "c2"), *cache) == 0  # over an old site
        assert same_tree(reference, site) == []


def test_plugin_options_are_the_same_switch(tmp_path, pools_always, monkeypatch):
    """`cache: false` and `jobs: 1` under the portal plugin do what the flags do."""
    tree = make_tree(tmp_path / "portal")
    default = ROOT / "site_builder" / "default_mkdocs.yml"
    text = default.read_text(encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(text.replace("  - portal:\n", "  - portal:\n      cache: false\n      jobs: 1\n", 1),
                      encoding="utf-8")
    assert config.read_text(encoding="utf-8") != text
    ok, reference = build(tree, tmp_path / "ref", config=str(default), cache_dir=tmp_path / "c1")
    monkeypatch.setattr(os, "fork", forbid)
    monkeypatch.setattr(ProcessPoolExecutor, "__init__", forbid)
    ok, site = build(tree, tmp_path / "site", config=str(config), cache_dir=tmp_path / "c2")
    assert ok and same_tree(reference, site) == []
    assert not (tmp_path / "c2").exists()


def test_the_default_without_a_safe_fork_forks_nothing(monkeypatch):
    """Where fork is unsafe (macOS) or absent (Windows), only spawn-safe work gets workers."""
    monkeypatch.setattr(workers, "fork_is_safe", lambda: False)
    mode = workers.BuildMode(jobs=2)
    assert mode.pool_size("pages", 1000) == 0 and mode.pool_size("search", 1000) == 0
    assert mode.fork_child("folders", 1000) is None
    assert mode.pool_size("render", 1000, spawn_safe=True) == 2
    assert workers.BuildMode(jobs=1).pool_size("render", 1000, spawn_safe=True) == 0


class Greeting:
    """A feature written against feature.Feature: one page, one file, written in the background."""

    def __init__(self):
        from site_builder.feature import Feature

        class Made(Feature):
            name, background, writes = "greeting", True, ("greeting/*.txt",)

            def pages(self, build):
                from site_builder.extras import ExtraPage

                return [ExtraPage("greeting/index.md", "问候", lambda: f"<p>共 {len(build.portal.posts)} 篇</p>")]

            def write(self, build, site_dir):
                folder = Path(site_dir) / "greeting"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "posts.txt").write_text(f"{len(build.portal.posts)} {os.getpid()}", encoding="utf-8")

        self.feature = Made()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_feature_object_adds_a_page_and_writes_in_the_background(tmp_path, pools_always, monkeypatch, jobs):
    """A feature added to extras.feature_modules() gets its page and its file, in a forked
    writer when workers are allowed and in the build's process with `--jobs 1`."""
    from site_builder import extras

    modules = extras.feature_modules
    feature = Greeting().feature
    monkeypatch.setattr(extras, "feature_modules", lambda: [*modules(), feature])
    tree = make_tree(tmp_path / "portal")
    assert cli_build(tree, tmp_path / "site", "--jobs", jobs, "--cache-dir", str(tmp_path / "c")) == 0
    count, pid = (tmp_path / "site/greeting/posts.txt").read_text(encoding="utf-8").split()
    assert count == "27" and "共 27 篇" in (tmp_path / "site/greeting/index.html").read_text(encoding="utf-8")
    assert (pid == str(os.getpid())) == (jobs == "1" or not workers.fork_is_safe())
