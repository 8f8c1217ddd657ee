"""The sample portal as a reviewer of government websites opens it: axe-core on every kind of
page at phone and desktop size, the 适老化 switch, the footer's site identity, no failed request,
the search box on a phone, and the Nu Html Checker on the markup the portal writes."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html
from site_checks import (
    DESKTOP,
    PHONE,
    axe_violations,
    build_sample,
    html_errors,
    launch_chromium,
    need_chromium,
    need_tools,
    page_paths,
)

from portal_factory import serving

AXE_PAGES = ["home", "system", "unit", "post", "qa", "stats", "search", "feeds"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample portal built once, as published (SITE_URL set, strict), and served locally."""
    site = build_sample(tmp_path_factory.mktemp("sample"))
    with serving(site) as base:
        yield base, site, page_paths(site)


@pytest.fixture(scope="module")
def chromium():
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def open_page(chromium, url: str, viewport: dict, care: bool | None = None, touch: bool = False):
    """A fresh browser profile at `viewport` showing `url`; `care` presets the remembered switch,
    `touch` makes it a phone's browser (touch screen, mobile viewport)."""
    context = chromium.new_context(viewport=viewport, has_touch=touch, is_mobile=touch)
    if care is not None:
        context.add_init_script(f"localStorage.setItem('portal-care', '{'on' if care else 'off'}')")
    page = context.new_page()
    page.goto(url, wait_until="load")
    return context, page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1366x900"])
@pytest.mark.parametrize("kind", AXE_PAGES)
def test_no_serious_accessibility_violation(sample, chromium, kind, viewport):
    need_tools()
    base, _, paths = sample
    context, page = open_page(chromium, base + paths[kind], viewport)
    try:
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("kind", ["home", "unit", "stats"])
def test_care_mode_passes_axe_too(sample, chromium, kind):
    need_tools()
    base, _, paths = sample
    context, page = open_page(chromium, base + paths[kind], PHONE, care=True)
    try:
        assert page.evaluate("document.documentElement.classList.contains('portal-care')")
        assert axe_violations(page) == []
    finally:
        context.close()


def font_size(page, selector: str) -> float:
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector({selector!r})).fontSize)")


def text_size(page) -> float:
    """The size every text of the page is measured in (rem), in CSS pixels."""
    return font_size(page, "html")


def test_care_switch_enlarges_text_raises_contrast_and_is_remembered(sample, chromium):
    base, _, paths = sample
    context, page = open_page(chromium, base + paths["unit"], PHONE)
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        switch = page.locator("[data-portal-care]")
        assert switch.get_attribute("aria-pressed") == "false" and switch.is_visible()
        assert switch.get_attribute("title").startswith("关怀版")
        small, summary, grey = text_size(page), font_size(page, ".portal-item-summary"), page.evaluate(
            "getComputedStyle(document.querySelector('.portal-item-meta')).color")
        switch.click()
        assert switch.get_attribute("aria-pressed") == "true"
        assert text_size(page) >= small * 1.15 and font_size(page, ".portal-item-summary") >= summary * 1.3
        assert page.evaluate("getComputedStyle(document.querySelector('.portal-item-meta')).color") != grey
        page.goto(base + paths["post"], wait_until="load")  # another page: still on
        assert page.evaluate("document.documentElement.classList.contains('portal-care')")
        assert page.locator("[data-portal-care]").get_attribute("aria-pressed") == "true"
        assert text_size(page) >= small * 1.15
        page.locator("[data-portal-care]").click()  # and off again, remembered too
        page.reload(wait_until="load")
        assert not page.evaluate("document.documentElement.classList.contains('portal-care')")
        assert text_size(page) == pytest.approx(small)
        assert all(url.startswith(base) for url in requests)  # nothing from another host
    finally:
        context.close()


def test_every_page_has_the_site_identity_in_its_footer(sample):
    _, site, _ = sample
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "admin")  # the editor (网页投稿)
    assert len(pages) > 50
    for path in pages:
        footer = lxml_html.fromstring(path.read_bytes()).xpath("//footer//ul[@class='portal-site-info']")
        assert footer, f"{path} has no site identity in its footer"
        text = footer[0].text_content()
        assert "主办单位：中共福建省直属机关工作委员会" in text and "电话：0591-87000000" in text
        assert "网站标识码：3500000040" in text
        links = {a.text_content(): a.get("href") for a in footer[0].iter("a")}
        assert links == {"闽ICP备12345678号": "https://beian.miit.gov.cn/",
                         "闽公网安备35010202000001号": "https://beian.mps.gov.cn/#/query/webSearch?code=35010202000001"}


def test_no_request_fails_on_any_kind_of_page(sample, chromium):
    """Every page kind at both sizes: no request answered 4xx/5xx, none failing, none to another host.
    (A request for a file the site has, cut short because the test moves on to the next page, is
    not a failure of the site.)"""
    base, site, paths = sample
    failed: list[str] = []

    def on_failure(request) -> None:
        cut_short = request.failure == "net::ERR_ABORTED" and (site / unquote(urlsplit(request.url).path[1:])).is_file()
        if not cut_short:
            failed.append(f"failed {request.url} {request.failure}")

    for viewport in (PHONE, DESKTOP):
        context = chromium.new_context(viewport=viewport)
        context.on("requestfailed", on_failure)
        context.on("response", lambda response: failed.append(f"{response.status} {response.url}")
                   if response.status >= 400 and not response.url.endswith("/404.html") else None)
        context.on("request", lambda request: None if request.url.startswith((base, "data:")) else
                   failed.append(f"foreign {request.url}"))
        page = context.new_page()
        for path in paths.values():
            page.goto(base + path, wait_until="networkidle")
        context.close()
    assert len(paths) >= 12
    assert failed == []


def test_the_phone_search_icon_puts_the_cursor_in_the_search_box(sample, chromium):
    base, _, paths = sample
    context, page = open_page(chromium, base + paths["unit"], PHONE, touch=True)
    try:
        assert not page.locator(".portal-header-search__input").is_visible()
        page.locator(".portal-header-search__link").tap()
        focused = page.evaluate("document.activeElement && document.activeElement.name")
        assert focused == "q"
        assert page.locator(".portal-header-search__input").is_visible()
        page.keyboard.type("税务")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/search/\?q=%E7%A8%8E%E5%8A%A1$"))
    finally:
        context.close()


def test_markup_the_portal_writes_has_no_html_error(sample):
    need_tools()
    _, site, paths = sample
    files = [site / (path.split("?")[0] if path.endswith(".html") else path.split("?")[0] + "index.html")
             for path in paths.values()]
    assert html_errors([Path(f) for f in files]) == []


CHART_FACTS = """() => [...document.querySelectorAll('svg.portal-chart')].map(svg => ({
  smallest: Math.min(...[...svg.querySelectorAll('text')].map(t =>
      t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))),
  width: svg.getBoundingClientRect().width,
  rows: new Set([...svg.querySelectorAll('rect > title')].map(t => t.parentNode.getAttribute('y'))).size,
  table: (() => { const d = document.getElementById(svg.getAttribute('aria-describedby') || '');
                  return d && d.querySelector('table') ? d.querySelector('table tbody').rows.length : -1; })(),
}))"""


def test_stats_charts_are_readable_on_a_phone_and_described_by_tables(sample, chromium):
    base, _, paths = sample
    context, page = open_page(chromium, base + paths["stats"], PHONE, touch=True)
    try:
        charts = page.evaluate(CHART_FACTS)
    finally:
        context.close()
    assert len(charts) >= 2
    for chart in charts:
        assert chart["smallest"] >= 10, chart  # label size as rendered in a 390 px screen
        assert chart["width"] <= PHONE["width"]
        assert chart["table"] == chart["rows"] > 0, chart  # one table row per bar (or stack of bars)


def test_the_sample_logo_comes_from_the_deployments_theme_folder(sample):
    _, site, _ = sample
    root = Path(__file__).resolve().parent.parent
    page = lxml_html.fromstring((site / "tax" / "np" / "index.html").read_bytes())
    logos = page.xpath('//a[contains(@class, "md-logo")]/img/@src')  # the header's and the drawer's
    assert logos and set(logos) == {"../../assets/logo.svg"}
    assert page.xpath('//link[@rel="icon"]/@href') == ["../../assets/logo.svg"]
    assert (site / "assets" / "logo.svg").read_bytes() == (root / "theme" / "assets" / "logo.svg").read_bytes()
