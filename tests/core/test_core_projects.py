"""联创项目 on plain data: the plan keys of a `type: project` post (each problem with its line and
fix), milestones and the overdue (逾期) mark as the contract defines it, progress posts linked
to their project, and the order of the projects list (what needs attention first)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post, load_post
from site_builder.core.registers.projects import Milestone, Plan, ProjectIndex, project_id
from site_builder.core.textcheck import FIX

TZ = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML)[0]
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=TZ)
TODAY = date(2026, 11, 25)
SOURCE = "tax/prov/p1.md"
BASE = "goal: 建成智慧党建平台\ndue: 2026-12-31\n"  # lines 5 and 6
UNIT_REF_FIX = "写成 系统id/单位id（例如 tax/np-jo），该单位须已在 orgs.yml 中登记"
MILESTONE_FIX = "每个里程碑写一行：- {date: 2026-06-30, title: 完成调研}"


def read(keys: str, source: str = SOURCE, type_: str = "project", now: datetime = NOW):
    """(post or None, problems as tuples) of a post whose front matter ends with `keys` (from line 5)."""
    text = f"---\ntitle: 智慧党建\ndate: 2026-02-01\ntype: {type_}\n{keys}---\n\n项目简介。\n"
    result = load_post(source, text.encode("utf-8"), ORGS, PortalConfig(), now)
    return result.post, [(p.line, p.message, p.fix) for p in result.problems]


def plan_of(keys: str) -> Plan:
    post, problems = read(keys)
    assert problems == []
    return post.plan


# -- milestones and the overdue mark -----------------------------------------------------------


def test_a_milestone_is_reached_due_or_overdue():
    assert Milestone(date(2026, 11, 24), "调研").state(TODAY) == "overdue"
    assert Milestone(date(2026, 11, 25), "调研").state(TODAY) == "due"  # due today: not yet passed
    assert Milestone(date(2026, 11, 26), "调研").state(TODAY) == "due"
    assert Milestone(date(2026, 11, 24), "调研", date(2026, 11, 30)).state(TODAY) == "reached"
    assert Milestone(date(2026, 12, 24), "调研", date(2026, 11, 1)).state(TODAY) == "reached"


@pytest.mark.parametrize("status, due, overdue", [("active", date(2026, 11, 24), True), ("active", TODAY, False),
                                                  ("planned", date(2026, 11, 24), True),
                                                  ("done", date(2026, 11, 24), False), ("active", date(2027, 1, 1), False)])
def test_a_project_is_overdue_when_not_done_and_past_due(status, due, overdue):
    assert Plan("目标", due, status=status).overdue(TODAY) is overdue


def test_a_milestone_passed_without_done_makes_even_a_done_project_overdue():
    late = Milestone(date(2026, 6, 30), "调研")
    reached = Milestone(date(2026, 6, 30), "调研", date(2026, 7, 2))
    assert Plan("目标", date(2027, 6, 30), milestones=(reached, late)).overdue(TODAY)
    assert Plan("目标", date(2026, 1, 1), status="done", milestones=(late,)).overdue(TODAY)
    assert not Plan("目标", date(2027, 6, 30), milestones=(reached, Milestone(TODAY, "总结"))).overdue(TODAY)


def test_status_names_and_project_ids():
    assert [Plan("目标", TODAY, status=s).status_name for s in ("planned", "active", "done")] == ["未启动", "进行中", "已完成"]
    assert project_id("tax/prov/2026/smart-branch.md") == "tax/prov/2026/smart-branch"
    assert project_id("tax/prov/notes.mdx") == "tax/prov/notes.mdx"


# -- the plan keys ------------------------------------------------------------------------------


def test_a_full_plan_is_read():
    plan = plan_of(BASE + "lead: 张明\npartners:\n  - radio/np\n  - tax/np-jo\n  - radio/np\n  - tax/prov\n"
                          "measure: |\n  平台上线；\n  三个县试点\nstatus: done\nfinished: 2026-11-25\n"
                          "milestones:\n  - {date: 2026-09-30, title: 试点, done: 2026-9-28}\n"
                          "  - {date: 2026-06-30, title: 调研}\n  - {date: 2026-06-30, title: 方案}\n")
    # partners: each once, the lead unit itself left out; milestones by date, then title
    assert plan == Plan("建成智慧党建平台", date(2026, 12, 31), "张明", ("radio/np", "tax/np-jo"), "平台上线；\n三个县试点",
                        "done", date(2026, 11, 25), (Milestone(date(2026, 6, 30), "方案"), Milestone(date(2026, 6, 30), "调研"),
                                                     Milestone(date(2026, 9, 30), "试点", date(2026, 9, 28))))


def test_a_minimal_plan_is_active_with_nothing_else():
    assert plan_of(BASE) == Plan("建成智慧党建平台", date(2026, 12, 31))
    assert plan_of("goal: |\n  建成平台，\n  覆盖三级\ndue: 2027-1-5\nstatus: planned\n") == Plan(
        "建成平台，\n覆盖三级", date(2027, 1, 5), status="planned")


def test_missing_goal_and_due_are_named():
    post, problems = read("lead: 张明\n")
    assert post is None
    assert problems == [(2, "联创项目缺少 goal（工作要求）", "加一行 goal: 工作要求"),
                        (2, "联创项目缺少 due（完成期限）", "加一行 due: 2026-12-31（年-月-日）")]


@pytest.mark.parametrize("keys, problem", [
    ("goal: ''\ndue: 2026-12-31\n", (5, "goal（工作要求）必须是一段文字", "写成 goal: 工作要求")),
    ("goal: [建成平台]\ndue: 2026-12-31\n", (5, "goal（工作要求）必须是一段文字", "写成 goal: 工作要求")),
    ("goal: true\ndue: 2026-12-31\n", (5, "goal（工作要求）必须是一段文字", "写成 goal: 工作要求")),
    (BASE + "lead: [张明, 李华]\n", (7, "lead（责任领导）必须是一段文字", "写成 lead: 责任领导")),
    (BASE + "lead: |\n  张明\n  李华\n", (7, "lead（责任领导）只能写一行", "把 lead 写在一行内")),
    (BASE + "measure: {a: 1}\n", (7, "measure（成果检验）必须是一段文字", "写成 measure: 成果检验")),
    ("goal: 建成平台\ndue: 2026-13-01\n", (6, "due“2026-13-01”不是有效日期", "写成 due: 2026-12-31（年-月-日）")),
    ("goal: 建成平台\ndue: 明年\n", (6, "due“明年”不是有效日期", "写成 due: 2026-12-31（年-月-日）")),
    (BASE + "status: closed\n", (7, "status“closed”无效", "status 可选：planned（未启动）、active（进行中）、done（已完成）")),
    (BASE + "finished: 2026-11-20\n", (7, "写了 finished（完成日期），但 status 不是 done",
                                       "项目已完成就加一行 status: done；还没完成就删除 finished 一行")),
    (BASE + "status: done\n", (7, "status: done（已完成）的项目缺少 finished（完成日期）", "加一行 finished: 2026-11-20（实际完成的日期）")),
    (BASE + "status: done\nfinished: 2026-11-26\n", (8, "完成日期“2026-11-26”在未来", "finished 写实际完成的日期，不能晚于今天")),
    (BASE + "status: done\nfinished: 上周\n", (8, "finished“上周”不是有效日期", "写成 finished: 2026-12-31（年-月-日）")),
    (BASE + "partners: radio/np, tax/np\n", (7, "partners 中的单位“radio/np, tax/np”不存在", UNIT_REF_FIX)),
    (BASE + "partners: {radio: np}\n", (7, "partners 必须是“系统/单位”的列表", "写成 partners: [fda/np, power/np-jo]")),
    (BASE + "milestones: 2026-06-30 调研\n", (7, "milestones 必须是列表", MILESTONE_FIX)),
    (BASE + "milestones:\n  - 调研\n", (7, "里程碑必须写成 {date: …, title: …}",
                                         "每个里程碑写一行：- {date: 2026-06-30, title: 完成调研, done: 2026-06-28}")),
    (BASE + "milestones:\n  - {date: 2026-06-30}\n", (8, "里程碑缺少 title（名称）或不是一行纯文字", "写成 - {date: 2026-06-30, title: 完成调研}")),
    (BASE + "milestones:\n  - {date: 2026-06-30, title: <b>调研</b>}\n",
     (8, "里程碑缺少 title（名称）或不是一行纯文字", "写成 - {date: 2026-06-30, title: 完成调研}")),
    (BASE + "milestones:\n  - {title: 调研}\n", (8, "里程碑“调研”缺少 date（日期）", "给每个里程碑写上计划日期：date: 2026-06-30（年-月-日）")),
    (BASE + "milestones:\n  - {title: 调研, date: 六月}\n",
     (8, "里程碑“调研”的 date“六月”不是有效日期", "给每个里程碑写上计划日期：date: 2026-06-30（年-月-日）")),
    (BASE + "milestones:\n  - {title: 调研, date: 2026-06-30, done: 七月}\n",
     (8, "done“七月”不是有效日期", "写成 done: 2026-06-30（年-月-日）")),
    (BASE + "milestones:\n  - {title: 调研, date: 2026-06-30, done: 2026-11-26}\n",
     (8, "里程碑达成日期“2026-11-26”在未来", "done 写实际完成的日期，不能晚于今天")),
    (BASE + "milestones:\n  - {title: 调研, date: 2026-06-30, owner: 张明}\n",
     (8, "里程碑中未知的键“owner”", "里程碑只能写 date、title、done")),
])
def test_each_plan_problem_names_its_line_and_fix(keys, problem):
    post, problems = read(keys)
    assert post is None
    assert problems == [problem]


def test_a_milestone_missing_everything_is_named_once_per_key():
    _, problems = read(BASE + "milestones:\n  - {done: 2026-06-30}\n")
    assert problems == [(8, "里程碑缺少 title（名称）或不是一行纯文字", "写成 - {date: 2026-06-30, title: 完成调研}"),
                        (8, "里程碑“”缺少 date（日期）", "给每个里程碑写上计划日期：date: 2026-06-30（年-月-日）")]


def test_a_goal_with_invisible_characters_is_named():
    _, problems = read("goal: \"建成\\u200b平台\"\ndue: 2026-12-31\n")
    assert [(line, fix) for line, _, fix in problems] == [(5, FIX)]
    assert problems[0][1].startswith("goal") and "U+200B" in problems[0][1]


def test_finished_and_reached_today_are_not_in_the_future():
    plan = plan_of(BASE + "status: done\nfinished: 2026-11-25\nmilestones:\n  - {date: 2026-11-01, title: 验收, done: 2026-11-25}\n")
    assert plan.finished == TODAY and plan.milestones[0].done == TODAY


def test_an_unknown_partner_is_named_on_its_own_line():
    _, problems = read(BASE + "partners:\n  - radio/np\n  - tax/nowhere\n")
    assert problems == [(9, "partners 中的单位“tax/nowhere”不存在", UNIT_REF_FIX)]


def test_plan_keys_outside_a_project_are_problems():
    post, problems = read("due: 2026-12-31\nmilestones: []\n", type_="news")
    assert post is None
    assert problems == [(5, "due 只用于联创项目（type: project）", "删除 due 一行，或把 type 改为 project"),
                        (6, "milestones 只用于联创项目（type: project）", "删除 milestones 一行，或把 type 改为 project")]


def test_a_project_cannot_report_on_a_project():
    post, problems = read(BASE + "project: tax/prov/p0\n")
    assert post is None
    assert problems == [(7, "联创项目本身不能再写 project", "删除 project 一行；报告进展请另写一篇文章并写 project: 项目编号")]


def test_a_progress_post_names_its_project_and_its_line():
    post, problems = read("project: tax/prov/2026/smart-branch\n", "tax/np/r1.md", "news")
    assert problems == []
    assert (post.project, post.extra["project_line"], post.plan) == ("tax/prov/2026/smart-branch", 5, None)


@pytest.mark.parametrize("value", ["tax/prov/2026 smart-branch", "[tax/prov/p1]", "'<b>p1</b>'"])
def test_a_progress_reference_that_is_not_a_project_id_is_named(value):
    post, problems = read(f"project: {value}\n", "tax/np/r1.md", "news")
    assert post is None
    shown = {"[tax/prov/p1]": "['tax/prov/p1']", "'<b>p1</b>'": "<b>p1</b>"}.get(value, value)
    assert problems == [(5, f"project“{shown}”不是项目编号",
                         "写成 project: tax/prov/2026/smart-branch（项目文件在 content/ 下的路径，不带 .md）")]


def test_a_post_without_project_reports_on_none():
    post, problems = read("", "tax/np/r1.md", "news")
    assert problems == [] and post.project is None and "project_line" not in post.extra


# -- the published projects -------------------------------------------------------------------


def project(source: str, due: date, status: str = "active", day: str = "2026-02-01", **plan) -> Post:
    system, unit = source.split("/")[:2]
    post = Post(source=source, system=system, unit=unit, title="项目", date=datetime.fromisoformat(day).replace(tzinfo=TZ),
                type="project", body="简介")
    post.plan = Plan("目标", due, status=status, **plan)
    return post


def progress(source: str, name: str | None, day: str, line: int = 5) -> Post:
    system, unit = source.split("/")[:2]
    post = Post(source=source, system=system, unit=unit, title="进展", date=datetime.fromisoformat(day).replace(tzinfo=TZ),
                type="news", body="进展")
    post.project = name
    post.extra["project_line"] = line
    return post


def test_projects_in_order_overdue_then_open_then_done_each_by_due_date_then_id():
    posts = [
        project("tax/np/b.md", date(2027, 3, 1)),
        project("tax/np/a.md", date(2027, 3, 1)),
        project("tax/prov/early.md", date(2026, 12, 1)),
        project("radio/np/late.md", date(2026, 11, 1)),
        project("tax/np-jo/later.md", date(2026, 10, 1), status="planned"),
        project("tax/prov/done.md", date(2026, 1, 1), status="done", finished=date(2026, 1, 1)),
        project("tax/sm/done-late.md", date(2026, 5, 1), status="done", finished=date(2026, 5, 1)),
        project("tax/sm/step.md", date(2027, 12, 1), milestones=(Milestone(date(2026, 11, 20), "调研"),)),
    ]
    index = ProjectIndex(posts, NOW)
    assert [p.id for p in index.ordered()] == [
        "tax/np-jo/later", "radio/np/late", "tax/sm/step",  # overdue, by due date
        "tax/prov/early", "tax/np/a", "tax/np/b",  # open, by due date, then id
        "tax/prov/done", "tax/sm/done-late"]  # done
    assert [index.projects[i].overdue for i in ("tax/np-jo/later", "tax/sm/step", "tax/prov/early", "tax/prov/done")] == [
        True, True, False, False]
    assert index.today == TODAY and index.problems == []


def test_progress_posts_link_to_their_project_newest_first():
    plan_post = project("tax/prov/p1.md", date(2027, 1, 1), partners=("radio/np", "tax/np"))
    newer, older = progress("radio/np/r2.md", "tax/prov/p1", "2026-04-01"), progress("tax/np/r1.md", "tax/prov/p1", "2026-03-01")
    plain = progress("tax/np/n1.md", None, "2026-03-02")
    index = ProjectIndex([newer, plain, plan_post, older], NOW)  # posts arrive newest first
    facts = index.projects["tax/prov/p1"]
    assert facts.progress == [newer, older] and facts.latest is newer
    assert facts.units == ["tax/prov", "radio/np", "tax/np"]
    assert index.project_of(older) is facts and index.project_of(plain) is None and index.project_of(plan_post) is None
    assert index.problems == []
    alone = ProjectIndex([plan_post], NOW).projects["tax/prov/p1"]
    assert alone.progress == [] and alone.latest is None


def test_progress_naming_a_missing_project_is_reported_with_its_line():
    posts = [project("tax/prov/p1.md", date(2027, 1, 1)), progress("tax/np-jo/r3.md", "tax/prov/p2.md", "2026-05-01", 7),
             progress("tax/np/r4.md", "tax/prov/p9", "2026-05-02", 6)]
    index = ProjectIndex(posts, NOW)
    fix = "写项目文件在 content/ 下的路径（不带 .md），例如 tax/prov/2026/smart-branch；该文件须写 type: project 且没有问题"
    assert [(p.path, p.line, p.message, p.fix) for p in index.problems] == [
        ("tax/np-jo/r3.md", 7, "project“tax/prov/p2.md”不是已发布的联创项目", f"去掉末尾的 .md，{fix}"),
        ("tax/np/r4.md", 6, "project“tax/prov/p9”不是已发布的联创项目", fix)]
    assert index.projects["tax/prov/p1"].progress == []


def test_a_post_of_type_project_without_a_plan_is_no_project():
    broken = Post(source="tax/np/x.md", system="tax", unit="np", title="项目", date=NOW, type="project", body="简介")
    not_project = project("tax/np/y.md", date(2027, 1, 1))
    not_project.type = "news"
    assert ProjectIndex([broken, not_project], NOW).projects == {}


def test_the_projects_a_unit_leads_and_takes_part_in():
    led = project("tax/np/a.md", date(2027, 3, 1), partners=("radio/np",))
    overdue = project("tax/np/b.md", date(2026, 3, 1))
    joined = project("radio/np/c.md", date(2027, 1, 1), partners=("tax/np", "tax/sm"))
    other = project("tax/prov/d.md", date(2027, 1, 1))
    index = ProjectIndex([led, overdue, joined, other], NOW)
    leads, takes_part = index.of_unit("tax/np")
    assert [p.id for p in leads] == ["tax/np/b", "tax/np/a"] and [p.id for p in takes_part] == ["radio/np/c"]
    assert [[p.id for p in group] for group in index.of_unit("radio/np")] == [["radio/np/c"], ["tax/np/a"]]
    assert index.of_unit("fda/np") == ([], [])
