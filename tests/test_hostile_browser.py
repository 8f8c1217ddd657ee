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
