"""The 联创台账 pages of a built site, read with an HTML parser, csv and feedparser."""

from __future__ import annotations

import csv
import io

import feedparser
import lxml.html
import pytest
from registers_fixture import make_register_tree

from portal_factory import build
from site_builder.sitebuild import check


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tree = make_register_tree(tmp_path_factory.mktemp("registers"))
    ok, folder = build(tree)
    assert ok
    return folder


def page(site, url: str):
    return lxml.html.parse(str(site / url / "index.html")).getroot()


def cards(site, url: str) -> dict[str, dict]:
    found = {}
    for item in page(site, url).xpath("//li[contains(@class, 'portal-project')]"):
        found[item.get("data-project")] = {"status": item.get("data-status"), "overdue": item.get("data-overdue"),
                                           "progress": item.xpath("string(.//*[@class='portal-progress-count'])")}
    return found


def test_projects_page_marks_overdue_against_the_fixed_date(site):
    found = cards(site, "projects")
    assert {k: v["overdue"] for k, v in found.items()} == {
        "tax/prov/2026/p-late": "1", "tax/np/2026/p-steps": "1", "radio/np/2026/p-done": "0", "tax/np-jo/2026/p-plan": "0"}
    assert found["tax/prov/2026/p-late"]["progress"] == "进展 2 篇，最新 2026-08-01"
    assert found["tax/np/2026/p-steps"]["progress"] == "进展 1 篇，最新 2026-07-01"
    assert found["radio/np/2026/p-done"]["status"] == "done"


def test_project_csv(site):
    data = (site / "projects" / "projects.csv").read_bytes().decode("utf-8-sig")
    assert data.startswith("project,system,unit,status,due,progress")
    rows = {r["project"]: r for r in csv.DictReader(io.StringIO(data, newline=""))}
    assert set(rows) == {"tax/prov/2026/p-late", "tax/np/2026/p-steps", "radio/np/2026/p-done", "tax/np-jo/2026/p-plan"}
    late = rows["tax/prov/2026/p-late"]
    assert (late["system"], late["unit"], late["status"], late["due"], late["progress"], late["overdue"]) == (
        "tax", "prov", "active", "2026-10-31", "2", "1")
    assert rows["tax/np/2026/p-steps"]["milestones_overdue"] == "1"
    assert rows["radio/np/2026/p-done"]["finished"] == "2026-10-20"


def test_filter_pages(site):
    assert set(cards(site, "projects/status/overdue")) == {"tax/prov/2026/p-late", "tax/np/2026/p-steps"}
    assert set(cards(site, "projects/system/radio")) == {"tax/prov/2026/p-late", "radio/np/2026/p-done"}
    assert set(cards(site, "projects/level/county")) == {"tax/np-jo/2026/p-plan"}
    assert set(cards(site, "projects/status/planned")) == {"tax/np-jo/2026/p-plan"}


def test_project_page_shows_milestones_and_progress_newest_first(site):
    root = page(site, "tax/np/2026/p-steps")
    states = [li.get("data-state") for li in root.xpath("//li[contains(@class, 'portal-milestone')]")]
    assert states == ["reached", "overdue", "due"]
    late = page(site, "tax/prov/2026/p-late")
    titles = late.xpath("//section[contains(@class, 'portal-project-progress')]//p[@class='portal-item-title']/a/text()")
    assert titles == ["融媒体参与品牌共建", "品牌共建启动"]
    assert "验收评估" in late.xpath("string(//section[contains(@class, 'portal-project-facts')])")


def test_progress_post_names_its_project_and_a_bad_reference_keeps_the_post(site):
    note = page(site, "tax/np/2026/r1").xpath("string(//p[@class='portal-progress-of'])")
    assert "全省税务党建品牌共建" in note and "逾期" in note
    assert (site / "tax/np-jo/2026/r-bad/index.html").exists()


def test_pairings_count_posts_since_the_pairing_began(site):
    root = page(site, "pairings")
    counts = {li.get("data-unit"): li.get("data-posts") for li in root.xpath("//li[contains(@class, 'portal-paired')]")}
    assert counts == {"tax/np-jo": "3", "radio/np-jo": "1"}  # r3, r-bad, p-plan; not the March post
    assert "省局党委委员、副局长" in root.text_content()


def test_unit_pages_show_duty_pairings_and_projects(site):
    county = page(site, "tax/np-jo").text_content()
    assert "王建国" in county and "李红" in county and "陈敏、林晓" in county and "0599-3821234" in county
    assert "挂点领导：张明" in county
    province = page(site, "tax/prov").text_content()
    assert "本单位 张明" in province and "挂点联系" in province
    city = page(site, "tax/np")
    lead = city.xpath("//section[h2='联创项目']//li/@data-project")
    assert lead == ["tax/np/2026/p-steps", "tax/prov/2026/p-late"]  # leads one, joins one
    system = page(site, "radio").xpath("//section[h2='联创项目']//li/@data-project")
    assert system == ["radio/np/2026/p-done", "tax/prov/2026/p-late"]


def test_area_pages_include_nested_areas(site):
    def units(url):
        return page(site, url).xpath("//div[contains(@class, 'portal-area-units')]//tr/@data-unit")
    assert units("area/np") == ["tax/np", "tax/np-jo", "radio/np", "radio/np-jo"]
    assert units("area/np-jo") == ["tax/np-jo", "radio/np-jo"]
    figures = {s.get("data-figure"): s.text for s in page(site, "area/np-jo").xpath("//strong[@data-figure]")}
    assert figures["posts"] == "5" and figures["units"] == "2"
    feed = feedparser.parse((site / "area" / "np-jo" / "rss.xml").read_bytes())
    assert len(feed.entries) == 5
    assert page(site, "area/np").xpath("//link[@type='application/rss+xml']/@href")


def test_group_page_lists_members(site):
    rows = page(site, "groups/minbei").xpath("//tr/@data-unit")
    assert rows == ["tax/np", "radio/np"]


def test_projects_feed_holds_new_projects_and_progress(site):
    feed = feedparser.parse((site / "projects" / "rss.xml").read_bytes())
    titles = [e.title for e in feed.entries]
    assert "村村通广播维护" in titles and "先锋岗调研完成" in titles and "三明动态" not in titles
    assert "写错项目的进展" not in titles


def test_home_page_counts_open_and_overdue_projects(site):
    line = page(site, "").xpath("string(//p[@class='portal-home-projects'])")
    assert line == "联创项目：未完成 3 个，其中 逾期 2 个"


def test_navigation_reaches_the_registers(site):
    links = page(site, "").xpath("//nav//a/@href")
    for target in ("projects/", "pairings/", "area/", "duty/"):
        assert any(h.rstrip("/").endswith(target.rstrip("/")) for h in links), target


def test_check_names_the_bad_reference_with_its_line(tmp_path):
    tree = make_register_tree(tmp_path)
    problems = check(str(tree.content)).problems
    assert [(p.path, p.line) for p in problems] == [("tax/np-jo/2026/r-bad.md", 5)]


def test_portal_new_writes_a_project_that_passes_check(tmp_path, monkeypatch, capsys):
    from portal_factory import FIXED_EPOCH, PortalTree
    from site_builder import cli

    tree = PortalTree(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    assert cli.main(["new", "--unit", "tax/np", "--type", "联创项目", "--title", "Pioneer Posts 示范岗", "--author", "张三"]) == 0
    path = tree.content / "tax/np/2026/pioneer-posts.md"
    text = path.read_text(encoding="utf-8")
    assert "type: project" in text and "due: 2026-12-31" in text and "# partners:" in text
    path.write_text(text + "\n项目简介。\n", encoding="utf-8")
    tree.post("tax/np-jo/r.md", "进展", "2026-03-01", project="tax/np/2026/pioneer-posts")
    capsys.readouterr()
    assert cli.main(["check"]) == 0, capsys.readouterr().out


def test_register_pages_are_in_the_search_index(site):
    from site_builder.search.shards import pages_records

    build = check(str(site.parent / "content"))
    records = {r.url: r.content for r in pages_records(build, str(site))}
    assert "闽北党员先锋岗建设" in records["projects/"]
    assert "省局党委委员、副局长" in records["pairings/"]
    assert "建瓯市" in records["area/"] and "王建国" in records["duty/"]


def test_bad_registers_never_drop_posts(tmp_path):
    tree = make_register_tree(tmp_path)
    tree.write("pairings.yml", "- leader: 张明\n  unit: tax/prov\n  pairs: [tax/np-jo\n")  # broken YAML
    tree.write("groups.yml", "- id: Bad Id\n  name: 坏\n  lead: tax/np\n")
    orgs = (tree.content / "orgs.yml").read_text(encoding="utf-8").replace("area: np-jo", "area: nowhere", 1)
    tree.write("orgs.yml", orgs)
    problems = check(str(tree.content)).problems
    assert {p.path for p in problems} == {"pairings.yml", "groups.yml", "orgs.yml", "tax/np-jo/2026/r-bad.md"}
    assert all(p.line > 0 for p in problems)
    ok, folder = build(tree)
    assert ok
    for post in ("tax/np-jo/2026/r3", "tax/np-jo/2026/early", "tax/np/2026/r1", "tax/prov/2026/p-late"):
        assert (folder / post / "index.html").exists(), post
    assert not (folder / "pairings").exists() and "tax/np-jo" not in [
        u for u in page(folder, "area/np-jo").xpath("//tr/@data-unit")]
    ok, _ = build(tree, tmp_path / "strict", strict=True)
    assert not ok
