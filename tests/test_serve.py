"""`portal serve` keeps the portal loaded between saves (site_builder/preview.py): a save is
served with the change, the served folder equals a fresh build of the edited tree with drafts
shown, and unchanged posts are neither read, parsed nor rendered again."""

from __future__ import annotations

import filecmp
import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from http_polling import fetch_until, free_port

from portal_factory import FIXED_EPOCH, PortalTree
from site_builder import served
from site_builder.preview import PreviewSession, make_server


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


def make_tree(root: Path) -> PortalTree:
    """Posts in several units, links between them, a picture, a draft, a question."""
    tree = PortalTree(root)
    tree.write("index.md", "# 首页\n\n欢迎。\n")
    tree.post("tax/np/2026/a.md", "南平动态一", "2026-03-01", category="center", tags="[支部标准化]",
              body="第一段。\n\n## 小标题\n\n![会场](a.png)\n\n见[另一篇](b.md)。")
    tree.write("tax/np/2026/a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    tree.post("tax/np/2026/b.md", "南平动态二", "2026-03-05", body="链接回[第一篇](a.md#小标题)。")
    tree.post("tax/np/2026/secret-draft.md", "未完成的草稿", "2026-03-02", draft="true")
    tree.post("tax/np-jo/2026/c.md", "建瓯经验", "2026-04-01", "experience", featured_by="[tax/np]")
    tree.post("radio/np-jo/2026/e.md", "融媒体动态", "2026-05-01")
    tree.post("tax/sm-yx/2026/q.md", "提问", "2026-06-01", "qa", body="答复如下。", question="怎样报送？",
              answered="2026-06-03")
    return tree


def files_of(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def differences(left: Path, right: Path) -> list[str]:
    """Paths that are missing on one side or differ in a byte."""
    a, b = files_of(left), files_of(right)
    differ = sorted(set(a) ^ set(b))
    return differ + [n for n in sorted(set(a) & set(b)) if not filecmp.cmp(a[n], b[n], shallow=False)]


def fresh_build(tree: PortalTree, folder: Path, url: str = "http://127.0.0.1:8000/") -> Path:
    """A build of the tree as it is now, with drafts shown, by a new session into an empty
    folder with an empty cache: MkDocs' own build command, not the session's loop."""
    from mkdocs.commands.build import build

    from site_builder.sitebuild import mkdocs_config

    config = mkdocs_config(str(tree.content), str(folder / "site"), cache_dir=str(folder / "cache"))
    config.site_url = url  # as `serve` sets it
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config, serve_url=config.site_url)
    finally:
        config.plugins.on_shutdown()
    return folder / "site"


def session_of(tree: PortalTree, root: Path, address: str = "127.0.0.1:8000") -> PreviewSession:
    os.chdir(tree.root)  # the session's cache is the tree's own `.cache/portal`
    return PreviewSession(str(tree.content), str(root / "session"), address=address)


def test_a_save_is_served_and_the_folder_equals_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tree = make_tree(tmp_path / "portal")
    port = free_port()
    session = session_of(tree, tmp_path, f"127.0.0.1:{port}")
    session.build()
    server = make_server(session)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}/"
        assert "未完成的草稿" in fetch_until(base + "tax/np/2026/secret-draft/", "未完成的草稿")  # drafts are shown
        builds = session.builds
        tree.post("tax/np/2026/b.md", "南平动态二（修订）", "2026-03-05", body="链接回[第一篇](a.md#小标题)。\n\n补充一段。")
        page = fetch_until(base + "tax/np/2026/b/", "补充一段")
        assert "南平动态二（修订）" in page and "livereload" in page
        (tree.content / "radio/np-jo/2026/e.md").unlink()  # a deleted post leaves the served folder
        wait_for_status(base + "radio/np-jo/2026/e/", 404)
        assert "融媒体动态" not in fetch_until(base, "南平动态二（修订）")
    finally:
        server.shutdown(wait=True)
        thread.join()  # the build loop ends after the build in progress
    try:
        assert builds < session.builds
        session.settle()
        differ = differences(Path(session.site_dir), fresh_build(tree, tmp_path / "fresh", base))
        assert differ == [], "\n".join(differ)
    finally:
        session.close()


def wait_for_status(url: str, status: int, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                code = response.status
        except urllib.error.HTTPError as error:
            code = error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            code = 0
        if code == status:
            return
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered {status}")


def test_unchanged_posts_are_not_read_parsed_or_rendered_again(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tree = make_tree(tmp_path / "portal")
    session = session_of(tree, tmp_path)
    try:
        session.build()
        first = dict(+session.memo.counts)
        assert first["posts parsed"] == 6 and first["posts rendered"] == 6  # the draft is shown
        session.memo.counts.clear()
        tree.post("tax/np-jo/2026/c.md", "建瓯经验（修订）", "2026-04-01", "experience", featured_by="[tax/np]",
                  body="改写后的正文。")
        session.build()
        assert dict(+session.memo.counts) == {"files read": 1, "posts parsed": 1, "posts rendered": 1}
        assert session.files.skipped > 10  # pages, feeds and search files left as they were
        page = Path(session.site_dir, "tax/np-jo/2026/c/index.html").read_text(encoding="utf-8")
        assert "建瓯经验（修订）" in page
        session.settle()
        assert differences(Path(session.site_dir), fresh_build(tree, tmp_path / "fresh")) == []
        session.memo.counts.clear()
        session.build()  # nothing changed
        assert dict(+session.memo.counts) == {}
    finally:
        session.close()


def test_without_cache_every_save_is_a_whole_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tree = make_tree(tmp_path / "portal")
    tree.write("../mkdocs.yml", (Path(__file__).parent.parent / "site_builder/default_mkdocs.yml").read_text(
        encoding="utf-8").replace("  - portal:\n", "  - portal:\n      cache: false\n      jobs: 1\n"))
    session = session_of(tree, tmp_path)
    try:
        session.build()
        tree.post("tax/np/2026/b.md", "南平动态二（修订）", "2026-03-05", body="改写。")
        session.build()
        assert dict(+session.memo.counts) == {} and served.ACTIVE is None
        session.settle()
        assert differences(Path(session.site_dir), fresh_build(tree, tmp_path / "fresh")) == []
    finally:
        session.close()
