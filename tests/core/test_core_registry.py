"""The 联创 registers of one build on plain data: reading pairings.yml and groups.yml from a
content folder (absent, broken, or in the wrong encoding), and what pages and feeds derive
from them: a pairing's activity, a place's posts and figures, the registers' feeds."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import Orgs, Unit, load_orgs
from site_builder.core.posts import Post
from site_builder.core.registers.pairings import Pairing
from site_builder.core.registers.projects import Plan, ProjectIndex
from site_builder.core.registers.registry import (
    Registers,
    area_figures,
    area_posts,
    load_registers,
    pairing_activity,
    register_feeds,
    site_posts,
    unit_area_names,
)
from site_builder.core.views import build_site

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=TZ)
AREAS = """\
areas:
  - id: np
    name: 南平市
  - id: np-jo
    name: 建瓯市
    parent: np
  - id: sm
    name: 三明市
"""


def with_areas(units: dict[str, str]) -> str:
    text = AREAS + ORGS_YML
    for key, area in units.items():
        system, unit = key.split("/")
        at = text.index(f"      - id: {unit}\n", text.index(f"  - id: {system}\n"))
        end = text.index("\n", text.index("level:", at)) + 1
        text = text[:end] + f"        area: {area}\n" + text[end:]
    return text


ORGS = load_orgs(with_areas({"tax/np": "np", "tax/np-jo": "np-jo", "radio/np-jo": "np-jo", "tax/sm": "sm"}))[0]


def unit(orgs: Orgs, key: str) -> Unit:
    found = orgs.unit(key)
    assert found is not None, key
    return found


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def post(unit: str, day: str, name: str, type_: str = "news", **fields) -> Post:
    system, unit_id = unit.split("/")
    return Post(source=f"{unit}/{name}.md", system=system, unit=unit_id, title=name, date=at(day), type=type_,
                body="正文", **fields)


def site_of(posts: list[Post]):
    return build_site(ORGS, sorted(posts, key=Post.sort_key), PortalConfig())


def sources(posts) -> list[str]:
    return [p.source for p in posts]


# -- reading the register files -------------------------------------------------------------------


def test_a_content_folder_without_register_files_has_empty_registers(tmp_path):
    registers, problems = load_registers(str(tmp_path), ORGS, [], NOW)
    assert problems == []
    assert (registers.pairings, registers.groups, registers.digests) == ([], [], {"pairings.yml": "", "groups.yml": ""})
    assert registers.projects is not None and registers.projects.projects == {} and not registers.has_projects()


def test_register_files_are_read_with_their_digests(tmp_path):
    pairings = "- leader: 张明\n  unit: tax/prov\n  pairs: [tax/np]\n  since: 2026-01-01\n".encode()
    groups = "- id: minbei\n  name: 闽北联席片\n  lead: tax/np\n  members: [radio/np]\n".encode()
    (tmp_path / "pairings.yml").write_bytes(pairings)
    (tmp_path / "groups.yml").write_bytes(groups)
    registers, problems = load_registers(str(tmp_path), ORGS, [], NOW)
    assert problems == []
    assert [(p.leader, p.pairs) for p in registers.pairings] == [("张明", ("tax/np",))]
    assert [(g.id, g.members) for g in registers.groups] == [("minbei", ("tax/np", "radio/np"))]
    assert registers.digests == {"pairings.yml": hashlib.sha1(pairings).hexdigest(),
                                 "groups.yml": hashlib.sha1(groups).hexdigest()}


def test_problems_of_both_files_and_of_progress_posts_are_returned_in_order(tmp_path):
    gbk = "- id: minbei\n  name: 闽北联席片\n  lead: tax/np\n".encode("gbk")
    (tmp_path / "groups.yml").write_bytes(gbk)
    (tmp_path / "pairings.yml").write_text("- leader: 张明\n  unit: tax/prov\n  pairs: [tax/np]\n", encoding="utf-8")
    report = post("tax/np", "2026-05-01", "r1", project="tax/prov/none")
    report.extra["project_line"] = 6
    registers, problems = load_registers(str(tmp_path), ORGS, [report], NOW)
    assert [(p.path, p.line) for p in problems] == [("pairings.yml", 1), ("groups.yml", 2), ("tax/np/r1.md", 6)]
    assert problems[0].message == "缺少 since（挂点开始日期）" and problems[1].message.startswith("文件不是 UTF-8 编码")
    assert registers.pairings == [] and registers.groups == []
    assert registers.digests["groups.yml"] == hashlib.sha1(gbk).hexdigest()


def test_a_folder_named_like_a_register_file_is_no_file(tmp_path):
    (tmp_path / "pairings.yml").mkdir()
    registers, problems = load_registers(str(tmp_path), ORGS, [], NOW)
    assert problems == [] and registers.pairings == [] and registers.digests["pairings.yml"] == ""


# -- what pages and feeds derive ------------------------------------------------------------------


def test_a_pairings_activity_is_each_paired_units_posts_within_its_period_up_to_now():
    pairing = Pairing("张明", "tax/prov", ("tax/np-jo", "radio/np-jo", "tax/sm"), date(2026, 3, 1), date(2026, 6, 30))
    posts = [post("tax/np-jo", "2026-02-28 23:59", "before"), post("tax/np-jo", "2026-03-01 00:00", "first-day"),
             post("tax/np-jo", "2026-06-30 23:59", "last-day"), post("tax/np-jo", "2026-07-01 00:00", "after"),
             post("radio/np-jo", "2026-04-01", "radio"), post("tax/np", "2026-04-01", "not-paired")]
    activity = pairing_activity(pairing, site_of(posts), NOW)
    assert [(key, sources(found)) for key, found in activity] == [
        ("tax/np-jo", ["tax/np-jo/last-day.md", "tax/np-jo/first-day.md"]), ("radio/np-jo", ["radio/np-jo/radio.md"]),
        ("tax/sm", [])]


def test_a_pairing_without_end_counts_posts_up_to_the_reference_time():
    pairing = Pairing("张明", "tax/prov", ("tax/np-jo",), date(2026, 3, 1))
    posts = [post("tax/np-jo", "2026-11-25 20:00", "now"), post("tax/np-jo", "2026-11-25 20:01", "later-today"),
             post("tax/np-jo", "2026-05-01", "may")]
    assert [sources(found) for _, found in pairing_activity(pairing, site_of(posts), NOW)] == [
        ["tax/np-jo/now.md", "tax/np-jo/may.md"]]


def test_the_posts_of_a_place_include_the_places_inside_it_newest_first():
    posts = [post("tax/np", "2026-05-01", "city"), post("radio/np-jo", "2026-05-03", "radio"),
             post("tax/np-jo", "2026-05-02", "county"), post("tax/sm", "2026-05-04", "sanming"),
             post("radio/np", "2026-05-05", "no-area")]
    site = site_of(posts)
    assert sources(area_posts(ORGS, site, "np")) == ["radio/np-jo/radio.md", "tax/np-jo/county.md", "tax/np/city.md"]
    assert sources(area_posts(ORGS, site, "np-jo")) == ["radio/np-jo/radio.md", "tax/np-jo/county.md"]
    assert sources(area_posts(ORGS, site, "sm")) == ["tax/sm/sanming.md"]
    assert sources(site_posts(site)) == ["radio/np/no-area.md", "tax/sm/sanming.md", "radio/np-jo/radio.md",
                                         "tax/np-jo/county.md", "tax/np/city.md"]


def project(unit: str, name: str, day: str = "2025-03-01") -> Post:
    found = post(unit, day, name, "project")
    found.plan = Plan("目标", date(2027, 1, 1))
    return found


def test_a_places_figures_count_the_year_of_the_reference_time():
    posts = [post("tax/np", "2026-01-01 00:00", "new-year", featured_by=("tax/prov",)),
             post("tax/np", "2025-12-31 23:59", "last-year", featured_by=("tax/prov",)),
             post("tax/np-jo", "2026-03-01", "county"),
             post("tax/np-jo", "2025-12-20", "q-old", "qa", question="问？", answered=at("2026-01-04")),
             post("tax/np-jo", "2025-11-20", "q-older", "qa", question="问？", answered=at("2025-11-24")),
             post("tax/np", "2026-02-02", "q-new", "qa", question="问？", answered=at("2026-02-03")),
             post("radio/np-jo", "2026-10-08", "q-open", "qa", question="问？"),
             project("tax/np-jo", "p-old"), project("tax/sm", "p-sm", "2026-02-01"), project("radio/np", "p-radio")]
    registers = Registers(projects=ProjectIndex(posts, NOW))
    figures = area_figures(ORGS, site_of(posts), registers, "np", NOW)
    # units: tax/np, tax/np-jo, radio/np-jo; posts of 2026: new-year, county, q-new, q-open (4), one adopted;
    # answered in 2026: q-old, q-new (q-older in 2025); projects led (any year): p-old (not p-sm, p-radio); silent (no post of the year in its folder): none,
    # since the question asked of radio/np-jo in 2026 is a post of its folder
    assert (figures.year, figures.units, figures.posts, figures.adopted, figures.answered, figures.projects,
            figures.silent) == (2026, 3, 4, 1, 2, 1, 0)
    assert area_figures(ORGS, site_of(posts), Registers(), "sm", NOW).projects == 0
    empty = area_figures(ORGS, site_of([]), Registers(), "np-jo", NOW)
    assert (empty.units, empty.posts, empty.silent) == (2, 0, 2)


def test_the_projects_feed_holds_projects_and_progress_and_each_place_has_a_feed():
    plan_post = project("tax/np", "p1", "2026-02-01")
    report = post("radio/np", "2026-04-01", "r1", project="tax/np/p1")
    posts = [plan_post, report, post("tax/np-jo", "2026-05-01", "news")]
    registers = Registers(projects=ProjectIndex(sorted(posts, key=Post.sort_key), NOW))
    feeds = register_feeds(ORGS, site_of(posts), registers, PortalConfig())
    assert [(f.key, f.title, f.page_url, f.rss, f.atom, sources(f.posts)) for f in feeds] == [
        ("projects", "联创项目 新项目与进展", "projects/", "projects/rss.xml", "projects/atom.xml",
         ["radio/np/r1.md", "tax/np/p1.md"]),
        ("area/np", "南平市 各单位文章", "area/np/", "area/np/rss.xml", "area/np/atom.xml",
         ["tax/np-jo/news.md", "tax/np/p1.md"]),
        ("area/np-jo", "建瓯市 各单位文章", "area/np-jo/", "area/np-jo/rss.xml", "area/np-jo/atom.xml", ["tax/np-jo/news.md"]),
        ("area/sm", "三明市 各单位文章", "area/sm/", "area/sm/rss.xml", "area/sm/atom.xml", []),
    ]
    assert registers.has_projects()


def test_feeds_are_cut_to_the_feed_length_and_no_projects_feed_without_projects():
    posts = [post("tax/sm", f"2026-05-0{n}", f"n{n}") for n in range(1, 5)]
    feeds = register_feeds(ORGS, site_of(posts), Registers(projects=ProjectIndex(posts, NOW)), PortalConfig(feed_length=3))
    assert [(f.key, sources(f.posts)) for f in feeds] == [
        ("area/np", []), ("area/np-jo", []), ("area/sm", ["tax/sm/n4.md", "tax/sm/n3.md", "tax/sm/n2.md"])]
    plans = [project("tax/sm", f"p{n}", f"2026-05-0{n}") for n in range(1, 5)]
    feeds = register_feeds(ORGS, site_of(plans), Registers(projects=ProjectIndex(plans, NOW)), PortalConfig(feed_length=2))
    assert sources(feeds[0].posts) == ["tax/sm/p4.md", "tax/sm/p3.md"]


def test_a_units_places_innermost_first():
    assert unit_area_names(ORGS, unit(ORGS, "tax/np-jo")) == ["建瓯市", "南平市"]
    assert unit_area_names(ORGS, unit(ORGS, "tax/np")) == ["南平市"]
    assert unit_area_names(ORGS, unit(ORGS, "tax/prov")) == []


def test_places_with_the_same_name_are_both_named():
    areas = "areas:\n  - id: gl\n    name: 鼓楼区\n  - id: gl-2\n    name: 鼓楼区\n    parent: gl\n"
    orgs = load_orgs(areas + ORGS_YML.replace("        level: county\n        parent: np\n        reviewers: [\"@tax-np-jo\"]\n",
                                              "        level: county\n        parent: np\n        area: gl-2\n", 1))[0]
    assert unit(orgs, "tax/np-jo").area == "gl-2"
    assert unit_area_names(orgs, unit(orgs, "tax/np-jo")) == ["鼓楼区", "鼓楼区"]
