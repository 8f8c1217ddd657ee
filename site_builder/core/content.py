"""Load a whole content tree once: registry, posts, ordinary pages, and every problem."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from ..config import PortalConfig
from .orgs import Orgs, load_orgs
from .posts import Post, load_post
from .problems import Problem
from .sourcefile import decode
from .urls import page_url

ORGS_FILE = "orgs.yml"


@dataclass
class Portal:
    """Everything the builder knows about one content tree."""

    orgs: Orgs
    posts: list[Post]  # valid posts, newest first (drafts only when shown)
    problems: list[Problem]
    pages: list[str] = field(default_factory=list)  # ordinary Markdown pages that are fine
    skipped: set[str] = field(default_factory=set)  # sources kept out of the site
    assets: set[str] = field(default_factory=set)  # non-Markdown files beside posts
    drafts: list[Post] = field(default_factory=list)

    def post_by_source(self) -> dict[str, Post]:
        return {p.source: p for p in self.posts}


def list_sources(content_dir: str) -> tuple[list[str], list[Problem]]:
    """Every regular file below `content_dir` (relative, `/`-separated, sorted).

    Hidden files and folders are ignored; symbolic links are refused, since
    they could publish files from outside the content folder.
    """
    found: list[str] = []
    problems: list[Problem] = []
    for root, dirs, files in os.walk(content_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_root = os.path.relpath(root, content_dir).replace(os.sep, "/")
        prefix = "" if rel_root == "." else rel_root + "/"
        for name in sorted(files):
            if name.startswith("."):
                continue
            if os.path.islink(os.path.join(root, name)):
                problems.append(Problem(prefix + name, 0, "不支持符号链接（可能指向内容目录之外）", "把真实文件放进来，删除链接"))
                continue
            found.append(prefix + name)
        for name in list(dirs):
            if os.path.islink(os.path.join(root, name)):
                dirs.remove(name)
                problems.append(Problem(prefix + name, 0, "不支持符号链接文件夹", "把真实文件夹放进来，删除链接"))
    return found, problems


def load_portal(content_dir: str, config: PortalConfig, now: datetime,
                reserved: frozenset[str] = frozenset(), sources: list[str] | None = None,
                read=None) -> Portal:
    """Read and check every file of the tree once."""
    if sources is None:
        sources, problems = list_sources(content_dir)
    else:
        problems = []
    read = read or (lambda rel: _read_bytes(content_dir, rel))
    orgs, orgs_problems = _load_registry(content_dir, sources, reserved, read)
    problems.extend(orgs_problems)
    portal = Portal(orgs, [], problems)
    if ORGS_FILE in sources:
        portal.skipped.add(ORGS_FILE)
    for source in sources:
        _load_source(portal, source, read, config, now)
    _drop_collisions(portal)
    portal.posts.sort(key=Post.sort_key)
    return portal


def _read_bytes(content_dir: str, rel: str) -> bytes:
    with open(os.path.join(content_dir, rel), "rb") as handle:
        return handle.read()


def _load_registry(content_dir, sources, reserved, read) -> tuple[Orgs, list[Problem]]:
    if ORGS_FILE not in sources:
        return Orgs(), [Problem(ORGS_FILE, 0, "内容目录中没有 orgs.yml（组织登记表）", "在内容目录根部创建 orgs.yml，登记系统和单位")]
    text, problem = decode(read(ORGS_FILE), ORGS_FILE)
    if problem:
        return Orgs(), [problem]
    return load_orgs(text, ORGS_FILE, reserved)


def _load_source(portal: Portal, source: str, read, config: PortalConfig, now: datetime) -> None:
    if source == ORGS_FILE:
        return
    top = source.split("/", 1)[0]
    in_system = "/" in source and top in portal.orgs.systems
    if not source.endswith(".md"):
        if in_system:
            portal.assets.add(source)
        return
    if in_system:
        _load_post_source(portal, source, read, config, now)
    else:
        _check_page(portal, source, read, config)


def _load_post_source(portal: Portal, source: str, read, config: PortalConfig, now: datetime) -> None:
    result = load_post(source, read(source), portal.orgs, config, now)
    portal.problems.extend(result.problems)
    post = result.post
    if post is None:
        portal.skipped.add(source)
    elif post.draft and not config.show_drafts:
        portal.drafts.append(post)
        portal.skipped.add(source)
    else:
        portal.posts.append(post)


def _check_page(portal: Portal, source: str, read, config: PortalConfig) -> None:
    data = read(source)
    if len(data) > config.max_post_bytes:
        portal.problems.append(Problem(source, 0, f"文件过大（{len(data) // 1024} KB）", "精简内容或拆分成多个页面"))
        portal.skipped.add(source)
        return
    _, problem = decode(data, source)
    if problem:
        portal.problems.append(problem)
        portal.skipped.add(source)
    else:
        portal.pages.append(source)


def _drop_collisions(portal: Portal) -> None:
    """Two sources that would write one output page: the first (sorted) wins."""
    owner: dict[str, str] = {}
    kept: list[Post] = []
    for post in portal.posts:
        if _claim(portal, owner, post.source):
            kept.append(post)
    portal.posts = kept
    portal.pages = [p for p in portal.pages if _claim(portal, owner, p)]


def _claim(portal: Portal, owner: dict[str, str], source: str) -> bool:
    url = page_url(source)
    first = owner.get(url)
    if first is None:
        owner[url] = source
        return True
    portal.problems.append(Problem(source, 0, f"与“{first}”生成同一个网址 /{url}，会互相覆盖",
                                   "改名其中一个文件（例如 a.md 与 a/index.md 只能保留一个）"))
    portal.skipped.add(source)
    return False
