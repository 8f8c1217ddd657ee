"""All 联创 registers of one build, read once after the posts: pairings, groups, projects,
and what the pages and feeds derive from them (activity of a pairing, units and figures of
an area)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime

from ...config import PortalConfig
from ..orgs import Orgs, Unit
from ..problems import Problem
from ..sourcefile import decode
from ..views import Feed, Site, newest
from .areas import area_and_below, area_chain, units_in_area
from .pairings import GROUPS_FILE, PAIRINGS_FILE, Group, Pairing, load_groups, load_pairings
from .projects import PROJECT_TYPE, ProjectIndex

REGISTER_FILES = (PAIRINGS_FILE, GROUPS_FILE)
PROJECTS_URL = "projects/"
PAIRINGS_URL = "pairings/"
AREA_URL = "area/"
GROUP_URL = "groups/"


@dataclass
class Registers:
    """The registers of a portal (each empty when its file is absent)."""

    pairings: list[Pairing] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    projects: ProjectIndex | None = None
    digests: dict[str, str] = field(default_factory=dict)  # register file → sha1 of its bytes
    feeds: list[Feed] = field(default_factory=list)

    def has_projects(self) -> bool:
        return bool(self.projects and self.projects.projects)


def read_register_file(content_dir: str, name: str, problems: list[Problem]) -> tuple[str | None, str]:
    """(text or None when absent, sha1 of its bytes) of one register file."""
    path = os.path.join(content_dir, name)
    if not os.path.isfile(path):
        return None, ""
    with open(path, "rb") as handle:
        data = handle.read()
    text, problem = decode(data, name)
    if problem:
        problems.append(problem)
        return None, hashlib.sha1(data).hexdigest()
    return text, hashlib.sha1(data).hexdigest()


def load_registers(content_dir: str, orgs: Orgs, posts: list, now: datetime) -> tuple[Registers, list[Problem]]:
    """Read pairings.yml and groups.yml, link the published projects and their progress posts."""
    problems: list[Problem] = []
    registers = Registers()
    text, registers.digests[PAIRINGS_FILE] = read_register_file(content_dir, PAIRINGS_FILE, problems)
    if text is not None:
        registers.pairings = load_pairings(text, orgs, problems)
    text, registers.digests[GROUPS_FILE] = read_register_file(content_dir, GROUPS_FILE, problems)
    if text is not None:
        registers.groups = load_groups(text, orgs, problems)
    registers.projects = ProjectIndex(posts, now)
    problems.extend(registers.projects.problems)
    return registers, problems


# -- what pages and feeds derive ------------------------------------------------------

def pairing_activity(pairing: Pairing, site: Site, now: datetime) -> list[tuple[str, list]]:
    """(paired unit key, its posts since the pairing began and within its period, newest first)."""
    found = []
    for key in pairing.pairs:
        posts = [p for p in site.by_unit[key] if pairing.holds(p.date.date()) and p.date <= now]
        found.append((key, posts))
    return found


def area_posts(orgs: Orgs, site: Site, area_id: str) -> list:
    """Posts of every unit of the area and the areas inside it, newest first."""
    return newest([site.by_unit[u.key] for u in units_in_area(orgs, area_id)])


@dataclass(frozen=True)
class AreaFigures:
    """A place's figures for one year."""

    year: int
    units: int
    posts: int
    adopted: int  # posts of the year adopted (采用) by at least one higher unit
    answered: int  # questions answered in the year
    projects: int  # projects its units lead (all years)
    silent: int  # units without a post in the year


def area_figures(orgs: Orgs, site: Site, registers: Registers, area_id: str, now: datetime) -> AreaFigures:
    """The place's figures for the year of `now`."""
    units = units_in_area(orgs, area_id)
    year = now.year
    posts = [p for u in units for p in site.by_unit[u.key] if p.date.year == year]
    answered = [p for u in units for p in site.by_unit[u.key]
                if p.type == "qa" and p.answered is not None and p.answered.year == year]
    keys = {u.key for u in units}
    projects = [p for p in registers.projects.projects.values() if p.post.unit_key in keys] if registers.projects else []
    active = {p.unit_key for p in posts}
    return AreaFigures(year, len(units), len(posts), sum(1 for p in posts if p.featured_by), len(answered),
                       len(projects), sum(1 for u in units if u.key not in active))


def register_feeds(orgs: Orgs, site: Site, registers: Registers, config: PortalConfig) -> list[Feed]:
    """Feeds of the registers: new projects and progress posts; each area's posts."""
    feeds = []
    if registers.has_projects():
        posts = [p for p in site_posts(site) if p.type == PROJECT_TYPE or registers.projects.project_of(p)]
        feeds.append(Feed("projects", "联创项目 新项目与进展", PROJECTS_URL, f"{PROJECTS_URL}rss.xml",
                          f"{PROJECTS_URL}atom.xml", posts[: config.feed_length]))
    for area in orgs.areas.values():
        url = f"{AREA_URL}{area.id}/"
        feeds.append(Feed(f"area/{area.id}", f"{area.name} 各单位文章", url, f"{url}rss.xml", f"{url}atom.xml",
                          area_posts(orgs, site, area.id)[: config.feed_length]))
    return feeds


def site_posts(site: Site) -> list:
    """Every published post, newest first."""
    return newest(list(site.by_unit.values()))


def unit_area_names(orgs: Orgs, unit: Unit) -> list[str]:
    """The unit's area and the areas it lies in, innermost first (for search and pages)."""
    return [area.name for area in reversed(area_chain(orgs.areas, unit.area))]


__all__ = ["Registers", "load_registers", "register_feeds", "pairing_activity", "area_posts", "area_figures",
           "area_and_below", "REGISTER_FILES"]
