"""Headless Chromium opens the pages built from XSS fixtures: no script of an author
runs (no dialog, no marker set) and no request leaves the site."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest

from portal_factory import PortalTree, build, post_text, serving

CHROMIUM = "/usr/bin/chromium"
DAY = "2026-03-01"

# Every payload both opens a dialog and sets a marker, so either way of running is seen.
RUN = "window.__xss=1;alert(1)"
BODY = f"""\
<script>{RUN}</script>

<img src=x onerror="{RUN}">

<a href="javascript:{RUN}" id="js-link">点我</a> [也点我](javascript:{RUN})

<iframe srcdoc="<script>parent.{RUN}</script>"></iframe>

<svg><script>{RUN}</script></svg> <svg onload="{RUN}"></svg>

<math><maction actiontype="statusline" xlink:href="javascript:{RUN}">x</maction></math>

<details open ontoggle="{RUN}"><summary>s</summary>x</details>

<div style="background:url(https://evil.example/bg.png)">背景</div>

<img src="https://evil.example/pixel.png" alt="外部图片">

<object data="https://evil.example/x.swf"></object> <embed src="https://evil.example/x.swf">

<form action="https://evil.example/"><input autofocus onfocus="{RUN}"></form>

<link rel="stylesheet" href="https://evil.example/x.css">

<meta http-equiv="refresh" content="0;url=javascript:{RUN}">

<base href="https://evil.example/">

<a href="https://example.org/">外部链接</a>

<noscript><p title="</noscript><img src=x onerror={RUN}>"></p></noscript>
"""
FRONT = ("---\ntitle: 前置信息\ndate: 2026-03-01\ntype: news\n"
         f"summary: '\"><script>{RUN}</script>'\nauthor: '<img src=x onerror={RUN}>'\n---\n\n正文。\n")
PAGE = (f"---\ntitle: '</title><script>{RUN}</script>'\ndescription: '\"><script>{RUN}</script>'\n---\n\n"
        f"# 普通页面\n\n<script>{RUN}</script>\n\n<img src=x onerror=\"{RUN}\">\n")
HEADING = f"# &lt;/title&gt;&lt;script&gt;{RUN}&lt;/script&gt;\n\n正文\n"
SUMMARY = post_text("首段", DAY, body=f'首段 "><img src=x onerror="{RUN}"> 与 `"><script>{RUN}</script>`')

PAGES = ["tax/np/xss-body/", "tax/np/xss-front/", "tax/np/xss-summary/", "guide/", "guide/heading/",
         "tax/np/", "tax/", "", "news/", "404.html"]


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """The XSS fixtures built and served on 127.0.0.1 (a free port)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    tree = PortalTree(tmp_path_factory.mktemp("xss"))
    tree.post("tax/np/xss-body.md", "正文脚本", DAY, body=BODY)
    tree.write("tax/np/xss-front.md", FRONT)
    tree.write("tax/np/xss-summary.md", SUMMARY)
    tree.write("guide/index.md", PAGE)
    tree.write("guide/heading.md", HEADING)
    ok, site = build(tree)
    assert ok
    with serving(site) as base:
        yield base, site


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def visit(browser, url: str, click: str | None = None) -> tuple[list[str], list[str], object]:
    """Open `url`; return the dialogs shown, every URL requested, and the marker's value."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    context.on("request", lambda request: requests.append(request.url))
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())  # recorded, never sent
    page.goto(url, wait_until="load")
    if click:
        for link in page.locator(click).all():
            link.click(timeout=2000, no_wait_after=True)
    page.wait_for_timeout(300)
    marker = page.evaluate("window.__xss")
    context.close()
    return dialogs, requests, marker


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("path", PAGES)
def test_no_author_script_runs_and_no_request_leaves(served_site, browser, path):
    base, _ = served_site
    dialogs, requests, marker = visit(browser, base + path)
    assert dialogs == []
    assert marker is None
    foreign = [u for u in requests if _origin(u) != _origin(base) and not u.startswith(("data:", "blob:"))]
    assert foreign == []
    assert requests and requests[0] == base + path


def test_clicking_links_in_the_post_runs_nothing(served_site, browser):
    base, _ = served_site
    dialogs, requests, marker = visit(browser, base + "tax/np/xss-body/", click=".portal-body a:not([href^='http'])")
    assert dialogs == [] and marker is None
    assert [u for u in requests if _origin(u) != _origin(base)] == []


def test_a_real_dialog_would_be_seen(served_site, browser, tmp_path):
    """The check itself works: an unsanitised page written by hand does open a dialog."""
    base, site = served_site
    (site / "control.html").write_text(f"<script>{RUN}</script><img src='https://evil.example/x.png'>", encoding="utf-8")
    dialogs, requests, marker = visit(browser, base + "control.html")
    assert dialogs == ["1"] and marker == 1
    assert "https://evil.example/x.png" in requests


# --- markup that takes over the page, URLs that leave the site (issue 19) ------------------

# A 1×1 PNG beside the post.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
FOREIGN_CONFIG = ('{"base": "https://evil.example/", "features": [], "search": "https://evil.example/worker.js",'
                  ' "translations": {}, "version": null}')
HIJACK = f"""\
第一段。

<a class="md-consent__overlay" href="https://evil.example/overlay">全页覆盖</a>

<div class="md-consent__overlay md-overlay md-search__overlay" id="__consent"><a href="https://evil.example/div">盖住</a></div>

<span id="__config" class="md-dialog">{FOREIGN_CONFIG}</span>

<a href="https://evil.example/wrap"><div><h2>整篇正文是一个链接</h2><p>中间的文字。</p></div></a>

<img src="pic.png" width="800" height="9999" alt="高图">

<a href="/\\evil.example/backslash" class="md-top">反斜杠链接</a>

""" + "正文段落，点击这里不应离开本站。\n\n" * 40
FOREIGN_IMAGES = """\
# 页面

<img src="/\\evil.example/page.png"> <img src="\\\\evil.example/page2.png"> <img src=" //evil.example/page3.png">

<div class="md-consent__overlay"><a href="https://evil.example/page-overlay">覆盖</a></div>
"""


@pytest.fixture(scope="module")
def hijack_site(tmp_path_factory):
    """Posts and a page that try to take over the page or load from another host, served."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    tree = PortalTree(tmp_path_factory.mktemp("hijack"))
    tree.post("tax/np/hijack.md", "劫持页面", DAY, body=HIJACK)
    tree.write("tax/np/pic.png", PNG)
    tree.post("tax/np/backslash-image.md", "反斜杠图片", DAY, body='<img src="/\\evil.example/post.png">')
    tree.write("guide/index.md", FOREIGN_IMAGES)
    ok, site = build(tree)
    assert ok and (site / "tax/np/hijack/index.html").is_file()
    with serving(site) as base:
        yield base


@pytest.mark.parametrize("path", ["tax/np/hijack/", "guide/", "tax/np/backslash-image/", "tax/np/"])
def test_hijacking_pages_request_nothing_from_another_host(hijack_site, browser, path):
    dialogs, requests, _ = visit(browser, hijack_site + path)
    assert [u for u in requests if _origin(u) != _origin(hijack_site) and not u.startswith(("data:", "blob:"))] == []
    assert requests and requests[0] == hijack_site + path


def test_the_theme_reads_its_own_configuration(hijack_site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(hijack_site + "tax/np/hijack/", wait_until="load")
    found = page.evaluate("[...document.querySelectorAll('[id=__config]')].map(e => e.tagName)")
    config = page.evaluate("JSON.parse(document.querySelector('#__config').textContent).base")
    context.close()
    assert found == ["SCRIPT"] and "evil" not in config


def test_clicks_in_the_middle_of_a_hostile_post_stay_on_the_site(hijack_site, browser):
    """Click the middle of the viewport at several places down the post (as a reader would):
    no click may take the reader, or send a request, to another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    url = hijack_site + "tax/np/hijack/"
    page.goto(url, wait_until="load")
    box = page.locator(".portal-body").bounding_box()
    assert box and box["height"] > 800
    for fraction in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        if page.url != url:  # an earlier click went to another page of the site: come back
            page.goto(url, wait_until="load")
        page.evaluate(f"window.scrollTo(0, {box['y'] + fraction * box['height']} - 400)")
        for x in (box["x"] + box["width"] * 0.25, 640, box["x"] + box["width"] * 0.75):
            page.mouse.click(x, 400)
            page.wait_for_load_state("load")
            assert _origin(page.url) == _origin(hijack_site), (fraction, x, page.url)
    context.close()
    assert [u for u in requests if _origin(u) != _origin(hijack_site)] == []
