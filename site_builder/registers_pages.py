"""The 联创台账 pages: /projects/ (with filter pages and projects.csv), /pairings/ with the
联席片 pages /groups/<id>/, /area/ and /area/<id>/, and /duty/ (责任与联络名册).

A feature module (see extras.py): `pages(build)` and `write(build, site_dir)`. The data come
from `core.registers`; the fragments from `pages.registers`. A page appears only when its
register holds something, so a portal without registers builds as before."""

from __future__ import annotations

import os
from html import escape

from .config import LEVEL_ORDER, LEVELS
from .core.csvcell import csv_text as safe_csv_text
from .core.registers.projects import STATUSES, ProjectFacts
from .core.registers.registry import AREA_URL, GROUP_URL, PAIRINGS_URL, PROJECTS_URL
from .extras import ExtraPage
from .pages import registers as fragments
from .pages.links import a

SECTION = "联创台账"
CSV_FILE = "projects.csv"
CSV_COLUMNS = ("project", "system", "unit", "status", "due", "progress", "latest_progress", "overdue", "finished",
               "title", "unit_name", "level", "lead", "partners", "milestones", "milestones_reached",
               "milestones_overdue", "url")
DUTY_URL = "duty/"
WRITES = (PROJECTS_URL + CSV_FILE,)  # the feature interface (feature.py): files written by `write`


def pages(build) -> list[ExtraPage]:
    """The registers' pages that have something to show."""
    found = project_pages(build) + pairing_pages(build) + area_pages(build)
    if any(u.duty is not None or u.contact for u in build.portal.orgs.units()):
        found.append(ExtraPage(f"{DUTY_URL}index.md", "责任与联络", lambda: fragments.duty_directory(
            build.page_context(), DUTY_URL), nav_section=SECTION))
    return found


def searchable_register_pages(build) -> list[str]:
    """Sources of the register pages in the navigation (MkDocs has drawn them when the search
    index reads them)."""
    return [p.src_uri for p in pages(build) if p.in_nav]


def _feed(build, key: str) -> list:
    return [f for f in build.registers.feeds if f.key == key]


# -- projects ------------------------------------------------------------------------

def project_pages(build) -> list[ExtraPage]:
    """/projects/ and its filter pages by system, level of the lead unit, and status."""
    index = build.registers.projects
    if not build.registers.has_projects():
        return []
    ordered = index.ordered()
    feeds = _feed(build, "projects")
    found = [ExtraPage(f"{PROJECTS_URL}index.md", "联创项目", _overview(build, ordered, PROJECTS_URL, "全部项目"),
                       feeds=feeds, nav_section=SECTION)]
    for system in build.portal.orgs.systems.values():
        chosen = [p for p in ordered if system.id in {k.split("/")[0] for k in p.units}]
        found.append(_filter_page(build, f"system/{system.id}/", f"联创项目 · {system.name}", chosen, feeds))
    for level in LEVEL_ORDER:
        chosen = [p for p in ordered if build.portal.orgs.unit(p.post.unit_key).level == level]
        found.append(_filter_page(build, f"level/{level}/", f"联创项目 · {LEVELS[level]}牵头", chosen, feeds))
    for status, name in STATUSES.items():
        chosen = [p for p in ordered if p.plan.status == status]
        found.append(_filter_page(build, f"status/{status}/", f"联创项目 · {name}", chosen, feeds))
    found.append(_filter_page(build, "status/overdue/", "联创项目 · 逾期", [p for p in ordered if p.overdue], feeds))
    return found


def _filter_page(build, path: str, title: str, projects: list[ProjectFacts], feeds: list) -> ExtraPage:
    url = f"{PROJECTS_URL}{path}"
    return ExtraPage(f"{url}index.md", title, _overview(build, projects, url, title), feeds=feeds, in_nav=False)


def _overview(build, projects: list[ProjectFacts], url: str, title: str):
    return lambda: fragments.projects_overview(build.page_context(), projects, url, title)


def csv_text(build) -> str:
    """The project register as CSV: one row per project, `project` being its id (cells a
    spreadsheet would run as formulas neutralised by `core.csvcell`)."""
    orgs, today = build.portal.orgs, build.now.date()
    rows = []
    for project in build.registers.projects.ordered():
        plan, post = project.plan, project.post
        unit = orgs.unit(post.unit_key)
        states = [m.state(today) for m in plan.milestones]
        latest = project.latest.date.strftime("%Y-%m-%d") if project.latest else ""
        rows.append([project.id, post.system, post.unit, plan.status, plan.due.isoformat(), len(project.progress),
                     latest, 1 if project.overdue else 0, plan.finished.isoformat() if plan.finished else "",
                     post.title, unit.name, unit.level, plan.lead or "", " ".join(plan.partners),
                     len(plan.milestones), states.count("reached"), states.count("overdue"), post.url])
    return safe_csv_text(CSV_COLUMNS, rows)


# -- pairings and groups ---------------------------------------------------------------

def pairing_pages(build) -> list[ExtraPage]:
    registers = build.registers
    if not registers.pairings and not registers.groups:
        return []
    found = [ExtraPage(f"{PAIRINGS_URL}index.md", "挂点帮带", lambda: fragments.pairings_body(build.page_context()),
                       nav_section=SECTION)]
    for group in registers.groups:
        found.append(ExtraPage(f"{GROUP_URL}{group.id}/index.md", group.name,
                               _group_body(build, group), in_nav=False))
    return found


def _group_body(build, group):
    return lambda: fragments.group_body(build.page_context(), group)


# -- areas -----------------------------------------------------------------------------

def area_pages(build) -> list[ExtraPage]:
    areas = build.portal.orgs.areas
    if not areas:
        return []
    found = [ExtraPage(f"{AREA_URL}index.md", "属地", lambda: fragments.areas_index(build.page_context()),
                       nav_section=SECTION)]
    for area in areas.values():
        feeds = _feed(build, f"area/{area.id}")
        found.append(ExtraPage(f"{AREA_URL}{area.id}/index.md", area.name, _area_body(build, area.id, feeds),
                               feeds=feeds, in_nav=False))
    return found


def _area_body(build, area_id: str, feeds: list):
    return lambda: fragments.area_body(build.page_context(), area_id, feeds)


# -- files -----------------------------------------------------------------------------

def write(build, site_dir: str) -> None:
    """`/projects/projects.csv` (UTF-8 with BOM, as the bulletin's exports, so Excel reads it)."""
    if not build.registers.has_projects():
        return
    folder = os.path.join(site_dir, PROJECTS_URL.rstrip("/"))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, CSV_FILE), "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(csv_text(build))


def home_blocks(build) -> list:
    """The home page's 联创项目 block: projects under way, overdue ones first (none: no block)."""
    from .pages.home import HomeBlock

    if not build.registers.has_projects():
        return []
    ctx = build.page_context()
    active = [p for p in build.registers.projects.ordered() if p.plan.status == "active"]
    active.sort(key=lambda p: (not p.overdue, p.plan.due, p.id))
    if not active:
        return []
    items = "".join(f'<li><p class="portal-item-title">{a(p.post.url, "", p.post.title)}</p>'
                    f'<p class="portal-titles-meta"><span class="portal-titles-unit">'
                    f'{escape(ctx.orgs.unit(p.post.unit_key).name)}</span>期限 {fragments.day(p.plan.due)}'
                    f"{fragments.overdue_mark(p.overdue)}</p></li>" for p in active[:6])
    body = fragments.home_projects_line(ctx, "") + f'<ul class="portal-titles">{items}</ul>'
    return [HomeBlock("projects", "联创项目", body, PROJECTS_URL, order=35)]
