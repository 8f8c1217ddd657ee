"""HTML fragments of the 联创 registers: project cards and facts, pairings, groups, areas,
duty. Escaped string building with relative links, like the other fragments."""

from __future__ import annotations

from datetime import date
from html import escape

from ..config import LEVEL_ORDER, LEVELS
from ..core.orgs import Unit
from ..core.registers.areas import area_chain, units_in_area
from ..core.registers.pairings import Group, Pairing, groups_of_unit, pairings_of_unit
from ..core.registers.projects import MILESTONE_STATES, STATUSES, ProjectFacts
from ..core.registers.registry import (
    AREA_URL,
    GROUP_URL,
    PAIRINGS_URL,
    PROJECTS_URL,
    Registers,
    area_figures,
    area_posts,
    pairing_activity,
)
from .links import a
from .listing import PageContext, date_text, feed_links, post_list, section

RECENT = 3  # newest posts shown per paired unit
AREA_POSTS = 20  # newest posts on an area or group page


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def unit_link(ctx: PageContext, key: str, here: str, level: bool = True) -> str:
    unit = ctx.orgs.unit(key)
    if unit is None:
        return escape(key)
    badge = f' <span class="portal-level portal-level-{unit.level}">{unit.level_name}</span>' if level else ""
    return a(f"{unit.system}/{unit.id}/", here, unit.name) + badge


def overdue_mark(overdue: bool) -> str:
    return ' <span class="portal-overdue">逾期</span>' if overdue else ""


def status_badge(project: ProjectFacts) -> str:
    plan = project.plan
    return (f'<span class="portal-status portal-status-{plan.status}">{escape(plan.status_name)}</span>'
            + overdue_mark(project.overdue))


# -- projects --------------------------------------------------------------------------

def project_card(ctx: PageContext, project: ProjectFacts, here: str) -> str:
    """One project in a list: title, lead unit, partners, status, due date, progress."""
    plan, post = project.plan, project.post
    latest = project.latest
    progress = f"进展 <strong>{len(project.progress)}</strong> 篇" + (
        f"，最新 {date_text(latest.date)}" if latest else "")
    partners = "、".join(unit_link(ctx, k, here, level=False) for k in plan.partners) or "—"
    finished = f" · 完成：{day(plan.finished)}" if plan.finished else ""
    return (f'<li class="portal-item portal-project{" portal-is-overdue" if project.overdue else ""}" '
            f'data-project="{escape(project.id)}" data-status="{plan.status}" '
            f'data-overdue="{"1" if project.overdue else "0"}"><div class="portal-item-text">'
            f'<p class="portal-item-title">{a(post.url, here, post.title)}</p>'
            f'<p class="portal-item-meta">责任主体：{unit_link(ctx, post.unit_key, here)} · {status_badge(project)}'
            f' · 期限：<time class="portal-due">{day(plan.due)}</time>{finished} · '
            f'<span class="portal-progress-count">{progress}</span></p>'
            f'<p class="portal-item-meta">参与单位：{partners}</p>'
            f'<p class="portal-item-summary">{escape(plan.goal)}</p></div></li>')


def project_list(ctx: PageContext, projects: list[ProjectFacts], here: str, empty: str = "暂无联创项目") -> str:
    if not projects:
        return f'<p class="portal-empty">{escape(empty)}</p>'
    return '<ul class="portal-list portal-projects">' + "".join(project_card(ctx, p, here) for p in projects) + "</ul>"


def milestone_list(project: ProjectFacts, today: date) -> str:
    items = []
    for milestone in project.plan.milestones:
        state = milestone.state(today)
        reached = f"（{day(milestone.done)} 达成）" if milestone.done else ""
        items.append(f'<li class="portal-milestone portal-milestone-{state}" data-state="{state}">'
                     f'<time>{day(milestone.date)}</time> {escape(milestone.title)} '
                     f'<span class="portal-milestone-state">{MILESTONE_STATES[state]}</span>{reached}</li>')
    return f'<ol class="portal-milestones">{"".join(items)}</ol>' if items else '<p class="portal-empty">未设里程碑</p>'


def project_facts(ctx: PageContext, project: ProjectFacts) -> str:
    """The facts block of a project's own page (above its body)."""
    plan, here = project.plan, project.post.url
    rows = [("责任主体", unit_link(ctx, project.post.unit_key, here)),
            ("责任领导", escape(plan.lead or "—")),
            ("参与单位", "、".join(unit_link(ctx, k, here) for k in plan.partners) or "—"),
            ("工作要求", escape(plan.goal)),
            ("成果检验", escape(plan.measure or "—")),
            ("完成期限", day(plan.due)),
            ("状态", status_badge(project) + (f" · 完成日期 {day(plan.finished)}" if plan.finished else ""))]
    facts = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return (f'<section class="portal-project-facts" data-pagefind-ignore><h2 id="portal-project">联创项目</h2>'
            f'<div class="portal-table-wrap"><table class="portal-facts"><tbody>{facts}</tbody></table></div>'
            f'<h3>里程碑</h3>{milestone_list(project, ctx.now.date())}</section>')


def project_progress(ctx: PageContext, project: ProjectFacts) -> str:
    """The progress posts of a project, newest first (below its body)."""
    here = project.post.url
    return (f'<section class="portal-section portal-project-progress" data-pagefind-ignore>'
            f'<h2 id="portal-progress">项目进展（{len(project.progress)} 篇）</h2>'
            + post_list(ctx, project.progress, here, "暂无进展报告")
            + f'<p>{a(PROJECTS_URL, here, "全部联创项目 ›")}</p></section>')


def progress_note(ctx: PageContext, project: ProjectFacts, post) -> str:
    """The line on a progress post naming its project."""
    return (f'<p class="portal-progress-of" data-pagefind-ignore>本文报告联创项目进展：'
            f'{a(project.post.url, post.url, project.post.title)}（{status_badge(project)}）</p>')


def post_register_blocks(ctx: PageContext, post) -> tuple[str, str]:
    """(above the body, below the body) register blocks of a post page; empty for most posts."""
    index = ctx.registers.projects if ctx.registers else None
    if index is None:
        return "", ""
    from ..core.registers.projects import project_id

    own = index.projects.get(project_id(post.source))
    if own is not None and own.post is post:
        return project_facts(ctx, own), project_progress(ctx, own)
    reported = index.project_of(post)
    return (progress_note(ctx, reported, post) if reported else ""), ""


def projects_overview(ctx: PageContext, projects: list[ProjectFacts], here: str, title: str) -> str:
    """Counts by status and overdue, the filter links, then the cards."""
    counts = {s: sum(1 for p in projects if p.plan.status == s) for s in STATUSES}
    overdue = sum(1 for p in projects if p.overdue)
    figures = " · ".join(f"{name} <strong>{counts[s]}</strong>" for s, name in STATUSES.items())
    return (f'<p class="portal-count">共 <strong class="portal-project-total">{len(projects)}</strong> 个项目：{figures}'
            f' · <span class="portal-overdue">逾期</span> <strong>{overdue}</strong></p>'
            + project_filters(ctx, here)
            + section(title, project_list(ctx, projects, here))
            + '<p class="portal-note">逾期：未完成且已过完成期限，或有里程碑过了计划日期仍未达成。'
              '排列：逾期的在前，其次是未完成的，最后是已完成的，各按完成期限先后。</p>'
            + f'<p>{a(PROJECTS_URL + "projects.csv", here, "下载项目台账 CSV（projects.csv）", "portal-csv")}</p>')


def home_projects_line(ctx: PageContext, here: str) -> str:
    """One line for the home page: open and overdue 联创项目 (empty without projects)."""
    index = ctx.registers.projects if ctx.registers is not None else None
    if index is None or not index.projects:
        return ""
    projects = list(index.projects.values())
    open_ = sum(1 for p in projects if p.plan.status != "done")
    overdue = sum(1 for p in projects if p.overdue)
    return (f'<p class="portal-home-projects">联创项目：{a(PROJECTS_URL, here, f"未完成 {open_} 个")}，'
            f'其中 {a(PROJECTS_URL + "status/overdue/", here, f"逾期 {overdue} 个")}</p>')


def project_filters(ctx: PageContext, here: str) -> str:
    systems = [a(f"{PROJECTS_URL}system/{s.id}/", here, s.name) for s in ctx.orgs.systems.values()]
    levels = [a(f"{PROJECTS_URL}level/{lv}/", here, LEVELS[lv]) for lv in LEVEL_ORDER]
    statuses = [a(f"{PROJECTS_URL}status/{s}/", here, name) for s, name in STATUSES.items()]
    statuses.append(a(f"{PROJECTS_URL}status/overdue/", here, "逾期"))
    rows = [("全部", a(PROJECTS_URL, here, "全部项目")), ("按系统", " · ".join(systems)),
            ("按责任主体层级", " · ".join(levels)), ("按状态", " · ".join(statuses))]
    return ('<div class="portal-filters portal-project-filters" data-pagefind-ignore>'
            + "".join(f"<p>{name}：{links}</p>" for name, links in rows) + "</div>")


def unit_projects(ctx: PageContext, unit: Unit, here: str) -> str:
    if ctx.registers is None or ctx.registers.projects is None:
        return ""
    lead, joined = ctx.registers.projects.of_unit(unit.key)
    if not lead and not joined:
        return ""
    return section("联创项目", f"<h3>牵头（{len(lead)}）</h3>" + project_list(ctx, lead, here, "无")
                   + f"<h3>参与（{len(joined)}）</h3>" + project_list(ctx, joined, here, "无"))


def system_projects(ctx: PageContext, system, here: str) -> str:
    """Projects led by the system's units, then those its units join."""
    if ctx.registers is None or ctx.registers.projects is None:
        return ""
    ordered = ctx.registers.projects.ordered()
    lead = [p for p in ordered if p.post.system == system.id]
    joined = [p for p in ordered if p.post.system != system.id and any(k.split("/")[0] == system.id
                                                                         for k in p.plan.partners)]
    if not lead and not joined:
        return ""
    more = a(f"{PROJECTS_URL}system/{system.id}/", here, "本系统全部项目 ›")
    return section("联创项目", f"<h3>本系统牵头（{len(lead)}）</h3>" + project_list(ctx, lead, here, "无")
                   + f"<h3>本系统参与（{len(joined)}）</h3>" + project_list(ctx, joined, here, "无") + f"<p>{more}</p>")


# -- pairings and groups ---------------------------------------------------------------

def period(pairing: Pairing) -> str:
    return f"{day(pairing.since)} 至 {day(pairing.until) if pairing.until else '今'}"


def pairing_card(ctx: PageContext, pairing: Pairing, here: str) -> str:
    """One pairing: the leader, role, own unit, period, and each paired unit's posts in the period."""
    rows = []
    for key, posts in pairing_activity(pairing, ctx.site, ctx.now):
        recent = "".join(f"<li>{a(p.url, here, p.title)} <small>{date_text(p.date)}</small></li>" for p in posts[:RECENT])
        rows.append(f'<li class="portal-paired" data-unit="{escape(key)}" data-posts="{len(posts)}">'
                    f'{unit_link(ctx, key, here)}：期内发文 <strong>{len(posts)}</strong> 篇'
                    + (f'<ul class="portal-paired-posts">{recent}</ul>' if recent else "") + "</li>")
    role = f"（{escape(pairing.role)}）" if pairing.role else ""
    return (f'<li class="portal-item portal-pairing"><div class="portal-item-text">'
            f'<p class="portal-item-title"><span class="portal-leader">{escape(pairing.leader)}</span>{role}</p>'
            f'<p class="portal-item-meta">所在单位：{unit_link(ctx, pairing.unit, here)} · 挂点期间：{period(pairing)}</p>'
            f'<ul class="portal-paired-units">{"".join(rows)}</ul></div></li>')


def pairings_body(ctx: PageContext, here: str = PAIRINGS_URL) -> str:
    registers = ctx.registers
    pairings = registers.pairings if registers else []
    cards = "".join(pairing_card(ctx, p, here) for p in pairings)
    body = ('<p class="portal-note">省、市两级机关的领导挂点联系下级单位，负责指导、联带其党建联创工作。'
            '下面列出每位领导挂点的单位，以及各单位在挂点期间（自开始日起）发布的文章数和最新文章。</p>'
            + section(f"挂点帮带（{len(pairings)}）", f'<ul class="portal-list">{cards}</ul>' if cards
                      else '<p class="portal-empty">尚未登记挂点帮带（content/pairings.yml）</p>'))
    groups = registers.groups if registers else []
    if groups:
        body += section("党建联席片", groups_list(ctx, groups, here))
    return body


def groups_list(ctx: PageContext, groups: list[Group], here: str) -> str:
    items = "".join(f'<li>{a(f"{GROUP_URL}{g.id}/", here, g.name)} <small>牵头：{unit_link(ctx, g.lead, here, False)}'
                    f" · 成员 {len(g.members)} 个</small></li>" for g in groups)
    return f'<ul class="portal-groups">{items}</ul>'


def group_body(ctx: PageContext, group: Group) -> str:
    """A 联席片: its lead, members with their posts this year, the members' newest posts."""
    here = f"{GROUP_URL}{group.id}/"
    year = ctx.now.year
    rows = []
    for key in group.members:
        posts = ctx.site.by_unit.get(key, [])
        this_year = sum(1 for p in posts if p.date.year == year)
        role = "牵头单位" if key == group.lead else "成员单位"
        rows.append(f'<tr data-unit="{escape(key)}"><td>{unit_link(ctx, key, here)}</td><td>{role}</td>'
                    f"<td>{this_year}</td><td>{date_text(posts[0].date) if posts else '—'}</td></tr>")
    table = ('<div class="portal-table-wrap"><table><thead><tr><th>单位</th><th>角色</th>'
             f'<th>{year} 年发文</th><th>最新发文</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    from ..core.views import newest

    posts = newest([ctx.site.by_unit.get(k, []) for k in group.members], AREA_POSTS)
    return (f'<p class="portal-unit-meta">牵头单位：{unit_link(ctx, group.lead, here)}</p>'
            + section(f"成员单位（{len(group.members)}）", table)
            + section("成员最新文章", post_list(ctx, posts, here))
            + f'<p>{a(PAIRINGS_URL, here, "挂点帮带与全部联席片 ›")}</p>')


def unit_pairings(ctx: PageContext, unit: Unit, here: str) -> str:
    if ctx.registers is None:
        return ""
    gives, receives = pairings_of_unit(ctx.registers.pairings, unit.key)
    groups = groups_of_unit(ctx.registers.groups, unit.key)
    parts = []
    for pairing in gives:
        paired = "、".join(unit_link(ctx, k, here, False) for k in pairing.pairs)
        role = f"（{escape(pairing.role)}）" if pairing.role else ""
        parts.append(f'<li class="portal-gives">本单位 {escape(pairing.leader)}{role} 挂点联系：{paired} · {period(pairing)}</li>')
    for pairing in receives:
        role = f"（{escape(pairing.role)}）" if pairing.role else ""
        parts.append(f'<li class="portal-receives">挂点领导：{escape(pairing.leader)}{role}，'
                     f"{unit_link(ctx, pairing.unit, here, False)} · {period(pairing)}</li>")
    for group in groups:
        role = "牵头单位" if group.lead == unit.key else "成员单位"
        parts.append(f'<li class="portal-in-group">{a(f"{GROUP_URL}{group.id}/", here, group.name)}（{role}）</li>')
    if not parts:
        return ""
    return section("挂点帮带", f'<ul class="portal-unit-pairings">{"".join(parts)}</ul>'
                   + f'<p>{a(PAIRINGS_URL, here, "全部挂点帮带 ›")}</p>')


# -- duty, areas -----------------------------------------------------------------------

def unit_duty(ctx: PageContext, unit: Unit, here: str) -> str:
    """责任与联络: 第一责任人, 分管领导, 信息员, contact, area."""
    rows = []
    duty = unit.duty
    if duty is not None:
        rows += [("第一责任人", duty.first), ("分管领导", duty.in_charge),
                 ("信息员", "、".join(duty.officers) if duty.officers else None)]
    rows.append(("联系电话", unit.contact))
    cells = [f"<tr><th>{name}</th><td>{escape(value)}</td></tr>" for name, value in rows if value]
    if unit.area:
        chain = " › ".join(a(f"{AREA_URL}{ar.id}/", here, ar.name) for ar in area_chain(ctx.orgs.areas, unit.area))
        cells.append(f"<tr><th>属地</th><td>{chain}</td></tr>")
    if not cells:
        return ""
    return section("责任与联络", f'<div class="portal-table-wrap"><table class="portal-facts portal-duty">'
                                f'<tbody>{"".join(cells)}</tbody></table></div>')


def unit_registers(ctx: PageContext, unit: Unit, here: str) -> str:
    """What the registers add below a unit's posts (its duty comes first, see `unit_duty`)."""
    return unit_pairings(ctx, unit, here) + unit_projects(ctx, unit, here)


def area_body(ctx: PageContext, area_id: str, feeds: list) -> str:
    """One place across systems: its figures this year, its units by system, their newest posts."""
    area = ctx.orgs.areas[area_id]
    here = f"{AREA_URL}{area.id}/"
    head = []
    chain = area_chain(ctx.orgs.areas, area.id)
    if len(chain) > 1:
        head.append(" › ".join(a(f"{AREA_URL}{x.id}/", here, x.name) for x in chain[:-1]))
    if area.committee:
        head.append(f"机关工委：{escape(area.committee)}")
    inner = [ctx.orgs.areas[c] for c in area.children]
    if inner:
        head.append("下辖：" + "、".join(a(f"{AREA_URL}{c.id}/", here, c.name) for c in inner))
    f = area_figures(ctx.orgs, ctx.site, ctx.registers or Registers(), area.id, ctx.now)
    figures = (f'<ul class="portal-area-figures" data-year="{f.year}">'
               f'<li>单位 <strong data-figure="units">{f.units}</strong> 个</li>'
               f'<li>发文 <strong data-figure="posts">{f.posts}</strong> 篇</li>'
               f'<li>被上级采用 <strong data-figure="adopted">{f.adopted}</strong> 篇</li>'
               f'<li>答复问题 <strong data-figure="answered">{f.answered}</strong> 个</li>'
               f'<li>牵头联创项目 <strong data-figure="projects">{f.projects}</strong> 个</li>'
               f'<li>本年未发文单位 <strong data-figure="silent">{f.silent}</strong> 个</li></ul>')
    return ("".join(f'<p class="portal-unit-meta">{h}</p>' for h in head)
            + section(f"{f.year} 年概况", figures)
            + section("各系统单位", area_units(ctx, area.id, here, f.year))
            + section("最新文章", post_list(ctx, area_posts(ctx.orgs, ctx.site, area.id)[:AREA_POSTS], here))
            + feed_links(feeds, here))


def area_units(ctx: PageContext, area_id: str, here: str, year: int) -> str:
    rows = []
    for unit in units_in_area(ctx.orgs, area_id):
        posts = ctx.site.by_unit.get(unit.key, [])
        this_year = sum(1 for p in posts if p.date.year == year)
        rows.append(f'<tr data-unit="{escape(unit.key)}"><td>{escape(ctx.orgs.systems[unit.system].name)}</td>'
                    f"<td>{unit_link(ctx, unit.key, here)}</td><td>{escape(ctx.orgs.areas[unit.area].name)}</td>"
                    f"<td>{this_year}</td><td>{date_text(posts[0].date) if posts else '—'}</td></tr>")
    if not rows:
        return '<p class="portal-empty">还没有单位登记在这个属地（orgs.yml 中单位的 area）</p>'
    return ('<div class="portal-table-wrap portal-area-units"><table><thead><tr><th>系统</th><th>单位</th><th>属地</th>'
            f'<th>{year} 年发文</th><th>最新发文</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def areas_index(ctx: PageContext, here: str = AREA_URL) -> str:
    """Every area as a tree, with its number of units (its own and those inside it)."""
    areas = ctx.orgs.areas

    def branch(area_id: str) -> str:
        area = areas[area_id]
        count = len(units_in_area(ctx.orgs, area_id))
        kids = "".join(branch(c) for c in area.children)
        return (f'<li>{a(f"{AREA_URL}{area.id}/", here, area.name)} <small>{count} 个单位'
                f'{"，" + escape(area.committee) if area.committee else ""}</small>'
                + (f"<ul>{kids}</ul>" if kids else "") + "</li>")
    roots = [x.id for x in areas.values() if x.parent is None]
    return ('<p class="portal-note">属地（块）：同一地方各系统的单位放在一起看，便于当地机关工委了解全貌。</p>'
            + f'<ul class="portal-tree portal-areas">{"".join(branch(r) for r in roots)}</ul>')


def duty_directory(ctx: PageContext, here: str) -> str:
    """责任与联络名册: every unit with duty or contact, system by system."""
    parts = []
    for system in ctx.orgs.systems.values():
        rows = []
        for unit in system.units.values():
            duty = unit.duty
            if duty is None and not unit.contact:
                continue
            cells = [duty.first if duty else None, duty.in_charge if duty else None,
                     "、".join(duty.officers) if duty and duty.officers else None, unit.contact]
            rows.append(f"<tr><td>{unit_link(ctx, unit.key, here)}</td>"
                        + "".join(f"<td>{escape(c or '—')}</td>" for c in cells) + "</tr>")
        if rows:
            parts.append(section(system.name, '<div class="portal-table-wrap"><table><thead><tr><th>单位</th>'
                                 '<th>第一责任人</th><th>分管领导</th><th>信息员</th><th>联系电话</th></tr></thead>'
                                 f'<tbody>{"".join(rows)}</tbody></table></div>'))
    return "".join(parts) or '<p class="portal-empty">尚未登记责任人（orgs.yml 中单位的 duty、contact）</p>'
