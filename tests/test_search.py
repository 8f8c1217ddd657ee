"""Search: Pagefind shards per system, the /search/ page driven by headless Chromium,
the header search box, filters, offline operation and the shard cache."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from portal_factory import PortalTree, build, serving

CHROMIUM = "/usr/bin/chromium"
UNIQUE_PHRASE = "茶青收购发票开具"  # only in tax/np/2026/tea.md
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]


def search_tree(root: Path) -> PortalTree:
    """Posts in two systems and two years, and one ordinary page."""
    tree = PortalTree(root)
    tree.post("tax/np/2026/tea.md", "党员服务队走进茶企", "2026-10-15",
              body="秋茶采制结束后，服务队上门讲解茶青收购发票开具的办法。党建工作与业务同步推进。",
              tags="[优化营商环境]")
    tree.post("tax/np-jo/2026/invoice.md", "建瓯市局讲解发票开具流程", "2026-09-01",
              body="窗口党员为企业讲解发票开具流程，茶青收购业务另行说明。党建引领服务。")
    tree.post("tax/prov/2025/meeting.md", "省局召开党建工作会议", "2025-12-20",
              body="会议部署明年党建工作。")
    tree.post("radio/np-jo/2025/media.md", "融媒体中心开展联创活动", "2025-06-18",
              body="建瓯市融媒体中心与挂钩村开展党建联创活动。")
    tree.post("radio/np/2025/wiring.md", "南平台检修线路", "2025-03-02",
              body="技术组完成线路检修，设备运行正常。")
    tree.write("guide/index.md", "# 投稿指南\n\n信息员投稿须知：稿件经本单位审核后发布。\n")
    return tree


# ---------------------------------------------------------------- the built files


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tree = search_tree(tmp_path_factory.mktemp("search"))
    ok, built = build(tree)
    assert ok
    return built


def test_one_pagefind_shard_per_system_and_one_for_pages(site):
    for shard in ("tax", "radio", "_pages"):
        assert (site / "pagefind" / shard / "pagefind-entry.json").is_file()
        assert (site / "pagefind" / shard / "pagefind.js").is_file()
        assert not (site / "pagefind" / shard / "pagefind-ui.js").exists()
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == ["_pages", "radio", "tax"]


def test_material_lunr_search_is_off(site):
    assert not list(site.rglob("search_index.json"))
    assert "md-search" not in (site / "index.html").read_text(encoding="utf-8")


def test_search_page_lists_shards_and_filter_values(site):
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-shards="tax radio _pages"' in html
    for value in ("税务系统", "广播电视系统", "省级", "市级", "县级", "南平市", "工作动态", "2026", "2025"):
        assert f'<option value="{value}">' in html


def test_search_page_has_the_site_header_without_materials_script_bundle(site):
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'class="md-header' in html and "data-portal-header-search" in html
    assert "assets/stylesheets/main." in html
    assert "javascripts/bundle." not in html
    assert "javascripts/bundle." in (site / "index.html").read_text(encoding="utf-8")


def test_every_page_has_a_header_box_submitting_to_the_search_page(site):
    for page, action in (("index.html", "search/"), ("tax/np/index.html", "../../search/"),
                         ("tax/np/2026/tea/index.html", "../../../../search/")):
        html = (site / page).read_text(encoding="utf-8")
        assert f'role="search" method="get" action="{action}"' in html, page


def test_chinese_is_indexed_as_character_pairs_closed_by_the_last_character():
    from site_builder.search.records import index_words

    # 党建联创 → 党建 建联 联创 创; 年 is a run of its own; 党/建/联 are listed again at the end.
    assert index_words("党建联创 2026年，abc") == ["党建", "建联", "联创", "创", "2026", "年", "abc", "党", "建", "联"]
    # Two runs are never adjacent pairs: 党建，建设 must not look like 党建设.
    assert index_words("党建，建设", tail=False) == ["党建", "建", "建设", "设"]
    # Other words are folded as Pagefind folds a query: lower case, no diacritics.
    assert index_words("CPC Café", tail=False) == ["cpc", "cafe"]


def test_city_of_a_city_unit_is_what_the_systems_names_share():
    from portal_factory import ORGS_YML
    from site_builder.core.orgs import load_orgs
    from site_builder.search.records import city_names

    orgs, problems = load_orgs(ORGS_YML)
    assert not problems
    cities = city_names(orgs)
    assert cities["tax/np"] == cities["radio/np"] == "南平市"
    assert cities["tax/sm"] == "三明市"


# ---------------------------------------------------------------- the cache


def test_an_edit_reindexes_only_its_system_and_matches_a_cold_build(tmp_path, monkeypatch):
    from site_builder.search import shards

    indexed: list[str] = []  # the shards whose files were written (not linked from the cache)
    original = shards.write_files

    def recording(files, output, *args):
        indexed.append(os.path.basename(output))
        return original(files, output, *args)

    monkeypatch.setattr(shards, "write_files", recording)
    tree = search_tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    assert build(tree, tmp_path / "first", cache_dir=cache)[0]
    assert sorted(indexed) == ["_pages", "radio", "tax"]
    indexed.clear()
    tree.post("radio/np-jo/2025/media.md", "融媒体中心开展联创活动", "2025-06-18", body="改写后的正文：联创活动。")
    assert build(tree, tmp_path / "warm", cache_dir=cache)[0]
    assert indexed == ["radio"]
    assert build(tree, tmp_path / "cold", cache_dir=tmp_path / "other-cache")[0]
    compare = filecmp.dircmp(tmp_path / "warm" / "pagefind", tmp_path / "cold" / "pagefind")
    assert _same_tree(compare)


def test_a_system_too_big_for_one_process_is_indexed_as_runs_of_years(tmp_path, monkeypatch):
    from site_builder.search import shards as search

    # Sizes (characters of HTML and title): tax 2025: 28, tax 2026: 53 + 55, radio 2025: 31 + 39.
    monkeypatch.setattr(search, "MAX_SHARD_CHARS", 110)
    tree = search_tree(tmp_path / "tree")
    ok, site = build(tree, tmp_path / "site")
    assert ok
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == ["_pages", "radio", "tax~2025", "tax~2026"]
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-shards="tax~2025 tax~2026 radio _pages"' in html
    assert '&quot;税务系统&quot;: [&quot;tax~2025&quot;, &quot;tax~2026&quot;]' in html
    fragments = {shard: _fragment_urls(site / "pagefind" / shard) for shard in ("tax~2025", "tax~2026")}
    assert fragments == {"tax~2025": ["tax/prov/2025/meeting/"],
                         "tax~2026": ["tax/np-jo/2026/invoice/", "tax/np/2026/tea/"]}
    # A year bigger than the limit on its own is cut into runs of months.
    monkeypatch.setattr(search, "MAX_SHARD_CHARS", 60)
    ok, site = build(tree, tmp_path / "by-month")
    assert ok
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == [
        "_pages", "radio~202503", "radio~202506", "tax~2025", "tax~202609", "tax~202610"]


def _fragment_urls(shard: Path) -> list[str]:
    from site_builder.search.index_files import read_data_file

    return sorted(read_data_file(f.read_bytes())["url"].strip("/") + "/" for f in (shard / "fragment").iterdir())


def _same_tree(compare: filecmp.dircmp) -> bool:
    if compare.left_only or compare.right_only or compare.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(compare.left, compare.right, compare.common_files, shallow=False)
    return not mismatch and not errors and all(_same_tree(sub) for sub in compare.subdirs.values())


# ---------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def served(site):
    """The fixture site on 127.0.0.1 (a free port)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    with serving(site) as base:
        yield base


@pytest.fixture(scope="module")
def browser(served):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served):
    """A fresh page that records every request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    yield tab
    context.close()


def finished(page) -> str:
    """Wait for the search to finish and return the status line."""
    page.wait_for_function("() => { const s = document.querySelector('.portal-search-status').textContent;"
                           " return s.startsWith('找到') || s.startsWith('没有'); }", timeout=20000)
    return page.inner_text(".portal-search-status")


def result_links(page) -> list[str]:
    return [urlsplit(a).path for a in page.eval_on_selector_all(".portal-search-results li a", "els => els.map(e => e.href)")]


def test_a_phrase_in_one_post_finds_that_post_only(page, served):
    page.goto(f"{served}search/?q={UNIQUE_PHRASE}")
    assert finished(page).startswith("找到 1 篇")
    assert result_links(page) == ["/tax/np/2026/tea/"]
    assert page.inner_text(".portal-search-results mark") == UNIQUE_PHRASE
    item = page.inner_text(".portal-search-results li")
    assert "党员服务队走进茶企" in item and "南平市税务局" in item and "2026-10-15" in item


def test_a_filter_narrows_the_results_and_goes_into_the_address(page, served):
    page.goto(f"{served}search/?q=党建")
    assert finished(page).startswith("找到 4 篇")
    page.select_option("select[name=system]", "广播电视系统")
    page.wait_for_function("() => document.querySelectorAll('.portal-search-results li').length === 1")
    assert result_links(page) == ["/radio/np-jo/2025/media/"]
    assert parse_qs(urlsplit(page.url).query) == {"q": ["党建"], "system": ["广播电视系统"]}


def test_filters_in_a_shared_link_apply(page, served):
    page.goto(f"{served}search/?q=党建&year=2025&level=省级")
    assert finished(page).startswith("找到 1 篇")
    assert result_links(page) == ["/tax/prov/2025/meeting/"]
    assert page.input_value("select[name=year]") == "2025"


def test_ordinary_pages_are_found(page, served):
    page.goto(f"{served}search/?q=投稿须知")
    assert finished(page).startswith("找到 1 篇")
    assert result_links(page) == ["/guide/"]


def test_the_header_box_searches_from_any_page(page, served):
    page.goto(f"{served}tax/np/")
    page.fill("[data-portal-header-search] input[name=q]", "发票开具")
    with page.expect_navigation():
        page.press("[data-portal-header-search] input[name=q]", "Enter")
    assert finished(page).startswith("找到 2 篇")
    assert urlsplit(page.url).path == "/search/"
    assert sorted(result_links(page)) == ["/tax/np-jo/2026/invoice/", "/tax/np/2026/tea/"]


def test_a_single_character_finds_every_text_containing_it(page, served):
    page.goto(f"{served}search/?q=瓯")
    assert finished(page).startswith("找到 2 篇")
    assert sorted(result_links(page)) == ["/radio/np-jo/2025/media/", "/tax/np-jo/2026/invoice/"]


def test_a_phrase_does_not_match_across_punctuation(page, served):
    # “检修，设备” holds the pairs 检修 and 设备 next to each other, not the text 检修设备.
    page.goto(f"{served}search/?q=修设")
    assert finished(page).startswith("没有找到")
    page.goto(f"{served}search/?q=线路检修")
    assert finished(page).startswith("找到 1 篇")
    assert page.inner_text(".portal-search-results mark") == "线路检修"


def test_a_system_filter_loads_only_that_systems_index(page, served):
    page.goto(f"{served}search/?q=联创&system=广播电视系统")
    assert finished(page).startswith("找到 1 篇")
    assert not any("/pagefind/tax/" in url for url in page.requests)


def test_no_request_leaves_the_site(page, served):
    page.goto(f"{served}search/?q=党建联创")
    finished(page)
    page.goto(f"{served}search/?q=发票&system=税务系统")
    finished(page)
    hosts = {urlsplit(url).hostname for url in page.requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
    assert any("/pagefind/radio/" in url for url in page.requests)  # the merged shards were loaded


@pytest.fixture(scope="module")
def split_served(tmp_path_factory, browser):
    """The fixture site with tax indexed as two shards (2025, 2026), on 127.0.0.1."""
    from site_builder.search import shards as search

    root = tmp_path_factory.mktemp("split")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "MAX_SHARD_CHARS", 110)
        ok, site = build(search_tree(root / "tree"), root / "site")
    assert ok
    with serving(site) as base:
        yield base


def test_a_system_in_several_shards_is_searched_in_all_of_them_and_only_them(page, split_served):
    page.goto(f"{split_served}search/?q=党建&system=税务系统")
    assert finished(page).startswith("找到 3 篇")
    assert sorted(result_links(page)) == ["/tax/np-jo/2026/invoice/", "/tax/np/2026/tea/", "/tax/prov/2025/meeting/"]
    assert any("/pagefind/tax~2025/" in url for url in page.requests)
    assert any("/pagefind/tax~2026/" in url for url in page.requests)
    assert not any("/pagefind/radio/" in url for url in page.requests)


def test_heading_permalinks_are_not_indexed_as_text():
    from site_builder.search.records import html_text

    fragment = ('<h2 id="a">工作成效<a class="headerlink" href="#a" rel="noopener noreferrer" '
                'title="Permanent link">¶</a></h2><p>正文</p>')
    assert html_text(fragment) == "工作成效\n正文"
