"""网页投稿 in a real browser: `portal serve` offers Decap CMS at /admin/ against the local
repository; a 信息员 writes a news post with a picture for a county unit and a question for a
city unit through the editor's own UI, and what it saved passes `portal check` and is built."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal_factory import PortalTree

CHROMIUM = "/usr/bin/chromium"
PORTAL = [sys.executable, "-m", "site_builder"]
MKDOCS_YML = """\
site_name: 测试门户
site_url: http://127.0.0.1:8000/
docs_dir: content
theme:
  name: material
  language: zh
plugins:
  - portal
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tiny_png() -> bytes:
    """A 24×16 red PNG made here (no file from elsewhere)."""
    raw = b"".join(b"\x00" + b"\xa8\x07\x1a" * 24 for _ in range(16))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 24, 16, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # posts are dated "now"
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A portal project in a git working tree, with `portal serve` running on free ports."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    root = tmp_path_factory.mktemp("cms-project")
    tree = PortalTree(root)
    tree.post("tax/np/2026/earlier.md", "南平市局召开党建联席会", "2026-03-02")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "huodong.png").write_bytes(tiny_png())
    site_port, cms_port = free_port(), free_port()
    serve = subprocess.Popen([*PORTAL, "serve", "--dev-addr", f"127.0.0.1:{site_port}", "--cms-port", str(cms_port)],
                             cwd=root, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{site_port}/"
    try:
        _wait_for(base + "admin/config.yml", serve)
        yield root, base
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"portal serve stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


@pytest.fixture(scope="module")
def editor(project):
    """Chromium with the editor open and signed in to the local backend; records every request."""
    from playwright.sync_api import sync_playwright

    root, base = project
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(base + "admin/")
        page.get_by_role("button", name="登录").click()
        page.wait_for_timeout(1500)
        yield page, base, root, requests
        browser.close()


def _new_entry(page, base: str, collection: str, title: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}admin/#/collections/{collection}/new")
    page.get_by_text("正在集合").wait_for()
    expect(page.get_by_label("标题")).to_have_value("")  # the new entry's form, not the last saved one
    page.get_by_label("标题").fill(title)
    expect(page.get_by_label("标题")).to_have_value(title)
    page.get_by_role("button", name="Set date to now").click()


def _publish(page) -> None:
    page.get_by_role("button", name="发布").first.click()
    page.get_by_text("立即发布").click()
    page.wait_for_function("location.hash.includes('/entries/')", timeout=30000)  # Decap opens the saved entry


def _type_body(page, text: str) -> None:
    page.locator("[data-slate-editor]").first.click()
    page.keyboard.type(text)


def test_news_post_with_picture_for_a_county_unit(editor):
    page, base, root, _ = editor
    _new_entry(page, base, "tax__np-jo", "建瓯市局开展便民办税志愿服务")
    _type_body(page, "建瓯市局组织青年志愿者走进办税服务厅，为纳税人答疑解惑。")
    page.keyboard.press("Enter")
    page.get_by_title("添加组件").click()
    page.get_by_text("Image", exact=True).click()
    page.get_by_role("button", name="选择图片").click()
    page.locator("input[type=file]").set_input_files(str(root / "huodong.png"))
    page.get_by_role("button", name="选用已选中项目").click()
    page.get_by_label("Alt Text", exact=False).first.fill("志愿者在办税服务厅")
    _publish(page)
    posts = list((root / "content/tax/np-jo").rglob("*.md"))
    assert len(posts) == 1
    text = posts[0].read_text(encoding="utf-8")
    assert "title: 建瓯市局开展便民办税志愿服务" in text and "type: news" in text
    assert "![志愿者在办税服务厅](huodong.png)" in text
    assert (posts[0].parent / "huodong.png").read_bytes() == tiny_png()  # beside the post
    assert posts[0].parent.name == posts[0].name[:4]  # <year>/<year>-<month>-<day>-news.md
    assert posts[0].name.endswith("-news.md")


def test_question_for_a_city_unit(editor):
    page, base, root, _ = editor
    _new_entry(page, base, "tax__np", "咨询个体工商户党建工作如何开展")
    page.get_by_text("工作动态（news）").click(force=True)  # react-select: its input lies over the shown value
    page.get_by_text("有问必答（qa）", exact=True).click()
    page.get_by_label("问题内容").fill("我们是个体工商户，想了解如何参加所在片区的党建联创活动？")
    page.get_by_label("提问人").fill("南平市民王先生")
    _publish(page)
    questions = [p for p in (root / "content/tax/np").rglob("*.md") if p.name != "earlier.md"]
    assert len(questions) == 1
    text = questions[0].read_text(encoding="utf-8")
    assert "type: qa" in text and "question: 我们是个体工商户" in text and "answered" not in text


def test_saved_posts_pass_check_and_are_built(editor):
    page, base, root, requests = editor
    saved = sorted(p.relative_to(root / "content").as_posix()
                   for p in (root / "content").rglob("*.md") if p.name != "earlier.md")
    assert len(saved) == 2, saved
    check = subprocess.run([*PORTAL, "check"], cwd=root, env=environment(), capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    site = root / "built"
    build = subprocess.run([*PORTAL, "build", "--strict", "--trial", "--site", str(site)], cwd=root, env=environment(),
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    for source in saved:
        page_file = site / source[:-3] / "index.html"
        assert page_file.exists(), source
    news = next(s for s in saved if s.startswith("tax/np-jo/"))
    assert (site / Path(news).parent / "huodong.png").exists()
    assert "咨询个体工商户党建工作如何开展" in (site / "qa/index.html").read_text(encoding="utf-8")
    # the editor asked nothing of any host but the preview and its local backend
    hosts = {urlsplit(url).hostname for url in requests if urlsplit(url).scheme in ("http", "https", "ws")}
    assert hosts == {"127.0.0.1"}, hosts
