"""The 联创 registers on plain data: areas and duty in orgs.yml, pairings.yml, groups.yml,
project plans and progress references; every problem named with its file and line."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal_factory import ORGS_YML, PortalTree
from site_builder.config import PortalConfig
from site_builder.core.content import load_portal
from site_builder.core.orgs import load_orgs
from site_builder.core.registers.areas import units_in_area
from site_builder.core.registers.pairings import load_groups, load_pairings
from site_builder.core.registers.projects import Milestone, Plan
from site_builder.core.registers.registry import load_registers

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

AREAS = """\
areas:
  - id: np
    name: 南平市
    committee: 中共南平市直属机关工作委员会
  - id: np-jo
    name: 建瓯市
    parent: np
"""


def orgs_with(extra_unit_lines: dict[str, str] | None = None, areas: str = AREAS):
    """The factory registry with areas, and extra lines added under units (`system/unit` → lines)."""
    text = areas + ORGS_YML
    for key, lines in (extra_unit_lines or {}).items():
        system, unit = key.split("/")
        start = text.index(f"  - id: {system}\n")
        at = text.index(f"      - id: {unit}\n", start)
        end = text.index("\n", text.index("level:", at)) + 1
        text = text[:end] + lines + text[end:]
    return text


def line_of(text: str, needle: str) -> int:
    return text.split("\n").index(next(line for line in text.split("\n") if needle in line)) + 1


def test_units_of_an_area_include_those_of_areas_inside_it():
    text = orgs_with({"tax/np": "        area: np\n", "tax/np-jo": "        area: np-jo\n",
                      "radio/np-jo": "        area: np-jo\n", "tax/sm": ""})
    orgs, problems = load_orgs(text)
    assert problems == []
    assert [u.key for u in units_in_area(orgs, "np")] == ["tax/np", "tax/np-jo", "radio/np-jo"]
    assert [u.key for u in units_in_area(orgs, "np-jo")] == ["tax/np-jo", "radio/np-jo"]
    assert orgs.areas["np"].committee == "中共南平市直属机关工作委员会"


def test_unknown_area_is_named_with_its_line_and_the_unit_stays():
    text = orgs_with({"tax/np-jo": "        area: jianou\n"})
    orgs, problems = load_orgs(text)
    assert [(p.line, "jianou" in p.message) for p in problems] == [(line_of(text, "area: jianou"), True)]
    assert orgs.unit("tax/np-jo") is not None and orgs.unit("tax/np-jo").area is None


def test_a_cycle_of_areas_is_reported_on_each_area():
    areas = "areas:\n  - id: a\n    name: 甲\n    parent: b\n  - id: b\n    name: 乙\n    parent: a\n  - id: c\n    name: 丙\n    parent: x\n"
    orgs, problems = load_orgs(areas + ORGS_YML)
    lines = {(p.line, p.message.split("”")[0]) for p in problems}
    assert (2, "属地“a") in lines and (5, "属地“b") in lines
    assert any(p.line == 8 and "“x”不存在" in p.message for p in problems)
    assert all(p.path == "orgs.yml" for p in problems)


def test_duty_and_contact_are_read_and_a_bad_key_named():
    text = orgs_with({"tax/np-jo": '        contact: "0599-3821234"\n        duty:\n          first: 王建国\n'
                                   '          in_charge: 李红\n          officers: [陈敏, 林晓]\n          boss: 某\n'})
    orgs, problems = load_orgs(text)
    unit = orgs.unit("tax/np-jo")
    assert unit.contact == "0599-3821234"
    assert (unit.duty.first, unit.duty.in_charge, unit.duty.officers) == ("王建国", "李红", ("陈敏", "林晓"))
    assert [p.line for p in problems] == [line_of(text, "boss:")]


PAIRINGS = """\
- leader: 张明
  role: 省局党委委员、副局长
  unit: tax/prov
  pairs: [tax/np-jo, radio/np-jo]
  since: 2026-01-01
  until: 2026-12-31
- leader: 李华
  unit: tax/np
  pairs:
    - tax/prov
    - radio/np-jo
  since: 2026-03-01
- leader: 王五
  unit: tax/nowhere
  pairs: [tax/np]
  since: 2026-03-01
- leader: 赵六
  unit: tax/np
  pairs: [tax/np-jo]
"""


def test_pairings_are_checked_entry_by_entry():
    orgs, _ = load_orgs(ORGS_YML)
    problems: list = []
    pairings = load_pairings(PAIRINGS, orgs, problems)
    assert [(p.leader, p.pairs) for p in pairings] == [("张明", ("tax/np-jo", "radio/np-jo")),
                                                        ("李华", ("radio/np-jo",))]
    found = {(p.line, p.message) for p in problems}
    assert any(line == 10 and "不是比 tax/np（市级）更低一级的单位" in m for line, m in found)  # a pair not below
    assert any(line == 14 and "tax/nowhere" in m for line, m in found)  # an unknown unit
    assert any(line == 17 and "缺少 since" in m for line, m in found)  # a missing date
    assert all(p.path == "pairings.yml" and p.fix for p in problems)


def test_groups_count_their_lead_as_a_member_and_name_unknown_members():
    orgs, _ = load_orgs(ORGS_YML)
    problems: list = []
    text = "- id: minbei\n  name: 闽北联席片\n  lead: tax/np\n  members:\n    - radio/np\n    - fda/np\n"
    groups = load_groups(text, orgs, problems)
    assert groups[0].members == ("tax/np", "radio/np")
    assert [(p.path, p.line) for p in problems] == [("groups.yml", 6)]


def project(tree: PortalTree, rel: str, **keys) -> None:
    tree.post(rel, "智慧党建项目", "2026-02-01", "project", body="项目简介。", **keys)


def load(tree: PortalTree):
    portal = load_portal(str(tree.content), PortalConfig(), NOW)
    registers, problems = load_registers(str(tree.content), portal.orgs, portal.posts, NOW)
    return portal, registers, problems


def test_project_plan_problems_name_their_lines(tmp_path):
    tree = PortalTree(tmp_path)
    project(tree, "tax/prov/p1.md", goal="建成智慧党建平台", due="2026-12-31", status="done",
            partners="[radio/np, tax/nowhere]",
            milestones="\n  - {title: 调研}\n  - {date: 2026-05-01, title: 试点, done: 2027-01-01}")
    portal, _, _ = load(tree)
    text = (tree.content / "tax/prov/p1.md").read_text(encoding="utf-8")
    lines = {p.line: p.message for p in portal.problems if p.path == "tax/prov/p1.md"}
    assert "缺少 finished" in lines[line_of(text, "status: done")]
    assert "tax/nowhere" in lines[line_of(text, "partners:")]
    assert "缺少 date" in lines[line_of(text, "{title: 调研}")]
    assert "在未来" in lines[line_of(text, "done: 2027")]
    assert "tax/prov/p1.md" in portal.skipped


def test_progress_naming_a_missing_project_is_reported_and_kept(tmp_path):
    tree = PortalTree(tmp_path)
    project(tree, "tax/prov/p1.md", goal="建成平台", due="2026-12-31", partners="[radio/np]")
    tree.post("tax/np/r1.md", "进展一", "2026-03-01", project="tax/prov/p1")
    tree.post("radio/np/r2.md", "进展二", "2026-04-01", project="tax/prov/p1")
    tree.post("tax/np-jo/r3.md", "进展三", "2026-05-01", project="tax/prov/p2.md")
    portal, registers, problems = load(tree)
    facts = registers.projects.projects["tax/prov/p1"]
    assert [p.source for p in facts.progress] == ["radio/np/r2.md", "tax/np/r1.md"]
    assert [(p.path, p.line) for p in problems] == [("tax/np-jo/r3.md", 5)]
    assert "去掉末尾的 .md" in problems[0].fix
    assert "tax/np-jo/r3.md" in {p.source for p in portal.posts}


def test_plan_keys_outside_a_project_are_problems(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/r1.md", "动态", "2026-03-01", due="2026-12-31")
    portal, _, _ = load(tree)
    assert [(p.line, "只用于联创项目" in p.message) for p in portal.problems] == [(5, True)]


def test_overdue_follows_the_contract():
    today = date(2026, 11, 25)
    plan = Plan("目标", date(2026, 11, 24))
    assert plan.overdue(today)
    assert not Plan("目标", date(2026, 11, 25)).overdue(today)  # due today: not yet passed
    assert not Plan("目标", date(2026, 11, 24), status="done", finished=date(2026, 11, 20)).overdue(today)
    late_step = Milestone(date(2026, 6, 30), "调研")
    assert Plan("目标", date(2027, 6, 30), milestones=(late_step,)).overdue(today)
    reached = Milestone(date(2026, 6, 30), "调研", date(2026, 7, 2))
    assert not Plan("目标", date(2027, 6, 30), milestones=(reached,)).overdue(today)
    assert late_step.state(today) == "overdue" and reached.state(today) == "reached"
    assert Milestone(date(2026, 12, 1), "总结").state(today) == "due"
