"""联创项目 (项目管理平台): a `type: project` post with its plan, progress posts naming it with
`project: <id>`, milestones and the overdue (逾期) mark.

`check_project_keys` runs inside the post checker (the plan is part of the post's front
matter, so a bad plan is a problem of that post); `ProjectIndex` links the published
posts together afterwards, where a progress post naming a missing project is reported but
kept (a bad reference never drops a valid post)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..problems import Problem
from ..textcheck import FIX, describe
from ..yamltext import LinedDict
from .common import UNIT_REF_FIX, item_line, parse_day, plain_text, text_list

if TYPE_CHECKING:
    from ..posts import Post

Day = date  # the field `Milestone.date` hides the type name inside the class

PROJECT_TYPE = "project"
PROJECT_NAME = "联创项目"
PLAN_KEYS = ("goal", "due", "lead", "partners", "measure", "status", "finished", "milestones")
PROGRESS_KEY = "project"
PROJECT_KEYS = PLAN_KEYS + (PROGRESS_KEY,)
STATUSES = {"planned": "未启动", "active": "进行中", "done": "已完成"}
MILESTONE_KEYS = ("date", "title", "done")
MILESTONE_STATES = {"reached": "已达成", "due": "未到期", "overdue": "逾期未达成"}


@dataclass(frozen=True)
class Milestone:
    """A step of a project: due on `date`, reached on `done` (None: not yet)."""

    date: Day
    title: str
    done: Day | None = None

    def state(self, today: Day) -> str:
        """`reached`, `due` (not yet, date still ahead or today) or `overdue`."""
        if self.done is not None:
            return "reached"
        return "overdue" if self.date < today else "due"


@dataclass(frozen=True)
class Plan:
    """The register facts of a project post (工作要求, 成果检验, 期限, 里程碑 …)."""

    goal: str
    due: date
    lead: str | None = None  # the responsible leader
    partners: tuple[str, ...] = ()  # `system/unit` keys taking part
    measure: str | None = None  # 成果检验
    status: str = "active"
    finished: date | None = None
    milestones: tuple[Milestone, ...] = ()

    @property
    def status_name(self) -> str:
        return STATUSES[self.status]

    def overdue(self, today: date) -> bool:
        """逾期 as the contract defines it: not done and `due` has passed, or a milestone's date
        has passed without `done`."""
        if self.status != "done" and self.due < today:
            return True
        return any(m.state(today) == "overdue" for m in self.milestones)


def project_id(source: str) -> str:
    """A project's id: its path under content/ without `.md`."""
    return source[:-3] if source.endswith(".md") else source


# -- front matter --------------------------------------------------------------

def check_project_keys(checker, post) -> None:
    """Read the plan of a `type: project` post, or the `project:` of a progress post, into
    `post.plan` / `post.project`; plan keys elsewhere are problems. `checker` is the post
    checker (`meta`, `fail`, `date`, `orgs`, `unit`, `source`)."""
    meta = checker.meta
    if post.type != PROJECT_TYPE:
        for key in PLAN_KEYS:
            if key in meta:
                checker.fail(key, f"{key} 只用于联创项目（type: project）", f"删除 {key} 一行，或把 type 改为 project")
        _progress_reference(checker, post)
        return
    if PROGRESS_KEY in meta:
        checker.fail(PROGRESS_KEY, "联创项目本身不能再写 project", "删除 project 一行；报告进展请另写一篇文章并写 project: 项目编号")
    post.plan = _PlanReader(checker).plan()


def _progress_reference(checker, post) -> None:
    value = checker.meta.get(PROGRESS_KEY)
    if value is None:
        return
    text = plain_text(value)
    if text is None or " " in text:
        checker.fail(PROGRESS_KEY, f"project“{value}”不是项目编号",
                     "写成 project: tax/prov/2026/smart-branch（项目文件在 content/ 下的路径，不带 .md）")
        return
    post.project = text
    post.extra["project_line"] = checker.meta.line_of(PROGRESS_KEY)


class _PlanReader:
    """Checks the plan keys of one project post."""

    def __init__(self, checker):
        self.checker, self.meta = checker, checker.meta
        self.lines = getattr(checker, "lines", [])

    def plan(self) -> Plan | None:
        goal = self.text("goal", "工作要求", required=True, multiline=True)
        due = self.day("due", "完成期限", required=True)
        status = self.status()
        finished = self.finished(status)
        plan = Plan(goal or "", due or date(1970, 1, 1), self.text("lead", "责任领导"), self.partners(),
                    self.text("measure", "成果检验", multiline=True), status or "active", finished, self.milestones())
        return plan if goal and due and status else None

    def text(self, key: str, what: str, required: bool = False, multiline: bool = False) -> str | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.checker.fail(key, f"联创项目缺少 {key}（{what}）", f"加一行 {key}: {what}")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
            self.checker.fail(key, f"{key}（{what}）必须是一段文字", f"写成 {key}: {what}")
            return None
        invisible = describe(key, str(value), one_line=not multiline)
        if invisible:
            self.checker.fail(key, invisible, FIX)
            return None
        text = str(value).strip()
        if not multiline and "\n" in text:
            self.checker.fail(key, f"{key}（{what}）只能写一行", f"把 {key} 写在一行内")
            return None
        return text

    def day(self, key: str, what: str, required: bool = False) -> date | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.checker.fail(key, f"联创项目缺少 {key}（{what}）", f"加一行 {key}: 2026-12-31（年-月-日）")
            return None
        parsed = parse_day(value)
        if parsed is None:
            self.checker.fail(key, f"{key}“{value}”不是有效日期", f"写成 {key}: 2026-12-31（年-月-日）")
        return parsed

    def past_day(self, key: str, what: str, line: int | None = None, value=None) -> date | None:
        """A date that records something already done: not later than the build's day (its today)."""
        parsed = parse_day(value) if value is not None else self.day(key, what)
        if value is not None and parsed is None:
            self._fail_line(key, line, f"{key}“{value}”不是有效日期", f"写成 {key}: 2026-06-30（年-月-日）")
            return None
        if parsed is not None and parsed > self.checker.now.date():
            self._fail_line(key, line, f"{what}“{parsed.isoformat()}”在未来", f"{key} 写实际完成的日期，不能晚于今天")
            return None
        return parsed

    def _fail_line(self, key: str, line: int | None, message: str, fix: str) -> None:
        if line is None:
            self.checker.fail(key, message, fix)
        else:
            self.checker.problems.append(Problem(self.checker.source, line, message, fix))

    def status(self) -> str | None:
        value = self.meta.get("status", "active")
        if value not in STATUSES:
            choices = "、".join(f"{k}（{v}）" for k, v in STATUSES.items())
            self.checker.fail("status", f"status“{value}”无效", f"status 可选：{choices}")
            return None
        return value

    def finished(self, status: str | None) -> date | None:
        if status == "done" and "finished" not in self.meta:
            self.checker.fail("status", "status: done（已完成）的项目缺少 finished（完成日期）",
                              "加一行 finished: 2026-11-20（实际完成的日期）")
            return None
        if "finished" in self.meta and status != "done":
            self.checker.fail("finished", "写了 finished（完成日期），但 status 不是 done",
                              "项目已完成就加一行 status: done；还没完成就删除 finished 一行")
            return None
        return self.past_day("finished", "完成日期") if "finished" in self.meta else None

    def partners(self) -> tuple[str, ...]:
        value = self.meta.get("partners")
        if value is None:
            return ()
        items = text_list(value)
        if items is None:
            self.checker.fail("partners", "partners 必须是“系统/单位”的列表", "写成 partners: [fda/np, power/np-jo]")
            return ()
        found = []
        for item in items:
            line = item_line(self.lines, self.meta.line_of("partners"), item)
            if self.checker.orgs.unit(item) is None:
                self._fail_line("partners", line, f"partners 中的单位“{item}”不存在", UNIT_REF_FIX)
            elif item != self.checker.unit.key:
                found.append(item)
        return tuple(dict.fromkeys(found))

    def milestones(self) -> tuple[Milestone, ...]:
        value = self.meta.get("milestones")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.checker.fail("milestones", "milestones 必须是列表",
                              "每个里程碑写一行：- {date: 2026-06-30, title: 完成调研}")
            return ()
        found = [m for m in (self.milestone(item) for item in value) if m is not None]
        return tuple(sorted(found, key=lambda m: (m.date, m.title)))

    def milestone(self, item) -> Milestone | None:
        if not isinstance(item, LinedDict):
            self.checker.fail("milestones", "里程碑必须写成 {date: …, title: …}",
                              "每个里程碑写一行：- {date: 2026-06-30, title: 完成调研, done: 2026-06-28}")
            return None
        ok = True
        for key in item:
            if key not in MILESTONE_KEYS:
                self._fail_line(key, item.line_of(key), f"里程碑中未知的键“{key}”", "里程碑只能写 date、title、done")
                ok = False
        title = plain_text(item.get("title"))
        if title is None:
            self._fail_line("title", item.line_of("title"), "里程碑缺少 title（名称）或不是一行纯文字",
                            "写成 - {date: 2026-06-30, title: 完成调研}")
            ok = False
        when = parse_day(item.get("date"))
        if when is None:
            what = "缺少 date（日期）" if item.get("date") is None else f"的 date“{item.get('date')}”不是有效日期"
            self._fail_line("date", item.line_of("date"), f"里程碑“{title or ''}”{what}",
                            "给每个里程碑写上计划日期：date: 2026-06-30（年-月-日）")
            ok = False
        done = None
        if item.get("done") is not None:
            done = self.past_day("done", "里程碑达成日期", item.line_of("done"), item.get("done"))
            ok = ok and done is not None
        return Milestone(when, title, done) if ok else None


# -- the published projects and their progress --------------------------------------

@dataclass
class ProjectFacts:
    """One published project: its post, plan and progress posts (newest first), seen at `today`."""

    post: Post
    plan: Plan
    progress: list = field(default_factory=list)
    overdue: bool = False

    @property
    def id(self) -> str:
        return project_id(self.post.source)

    @property
    def units(self) -> list[str]:
        """The lead unit and the partners (`system/unit` keys)."""
        return [self.post.unit_key, *self.plan.partners]

    @property
    def latest(self):
        return self.progress[0] if self.progress else None


class ProjectIndex:
    """Every published project, and which posts report progress on which."""

    def __init__(self, posts: list, now: datetime):
        self.today = now.date()
        self.projects: dict[str, ProjectFacts] = {}
        for post in posts:  # newest first
            plan = getattr(post, "plan", None)
            if post.type == PROJECT_TYPE and plan is not None:
                self.projects[project_id(post.source)] = ProjectFacts(post, plan, overdue=plan.overdue(self.today))
        self.problems: list[Problem] = []
        for post in posts:
            self._link(post)

    def _link(self, post) -> None:
        name = getattr(post, "project", None)
        if name is None:
            return
        project = self.projects.get(name)
        if project is not None:
            project.progress.append(post)
            return
        line = post.extra.get("project_line", 0)
        hint = "去掉末尾的 .md，" if name.endswith(".md") else ""
        self.problems.append(Problem(post.source, line, f"project“{name}”不是已发布的联创项目",
                                     f"{hint}写项目文件在 content/ 下的路径（不带 .md），例如 tax/prov/2026/smart-branch；"
                                     "该文件须写 type: project 且没有问题"))

    def ordered(self) -> list[ProjectFacts]:
        """Overdue projects first, then the other open ones, then the done ones; each by due
        date (soonest first), then id: what needs attention comes first."""
        def rank(project: ProjectFacts) -> tuple:
            group = 0 if project.overdue else 2 if project.plan.status == "done" else 1
            return (group, project.plan.due, project.id)
        return sorted(self.projects.values(), key=rank)

    def of_unit(self, unit_key: str) -> tuple[list[ProjectFacts], list[ProjectFacts]]:
        """(projects the unit leads, projects it takes part in)."""
        ordered = self.ordered()
        return ([p for p in ordered if p.post.unit_key == unit_key],
                [p for p in ordered if unit_key in p.plan.partners])

    def project_of(self, post) -> ProjectFacts | None:
        """The project a progress post reports on (None for other posts)."""
        name = getattr(post, "project", None)
        return self.projects.get(name) if name else None
