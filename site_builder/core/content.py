"""Load a whole content tree once: registry, posts, ordinary pages, and every problem."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from ..config import PortalConfig
from .drafts import draft_files
from .interact import is_register_source
from .orgs import Orgs, load_orgs
from .posts import Post, load_post
from .problems import Problem
from .sourcefile import decode, split_front_matter
from .urls import page_url
from .yamltext import LinedDict, YamlError, load_yaml

ORGS_FILE = "orgs.yml"
# Register files of the contract: read by the builder, never published as files.
DATA_FILES = frozenset({ORGS_FILE, "pairings.yml", "groups.yml", "calendar.yml", "honours.yml"})
DATA_FOLDERS = re.compile(r"^(?:assessments|bulletins)/[^/]+\.yml$")
PAGE_KEYS = ("title", "description", "hide")  # front matter of ordinary pages (see plugin._plain_meta)
# Characters a published file name must not hold: they break URLs, HTML attributes or
# Windows checkouts.
GENERATED_NAME = re.compile(r"(^|/)([^/]*-)?(rss|atom)\.xml$|(^|/)feeds\.opml$")  # the portal writes feeds there
UNSAFE_NAME = re.compile(r'[<>:"\'`|?*#%\\\x00-\x1f\x7f]|^\s|\s$|/\s|\s/')


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


def list_sources(content_dir: str, refused: set[str] | None = None) -> tuple[list[str], list[Problem]]:
    """Every regular file below `content_dir` (relative, `/`-separated, sorted).

    Hidden files and folders are ignored; symbolic links are refused, since
    they could publish files from outside the content folder. When `refused` is
    given, the links and every file below a linked folder (which MkDocs would
    follow) are added to it, so the site can leave them out.
    """
    found: list[str] = []
    problems: list[Problem] = []
    refused = set() if refused is None else refused
    _scan_folder(content_dir, "", found, problems, refused)
    return found, problems


def _scan_folder(folder: str, prefix: str, found: list[str], problems: list[Problem], refused: set[str]) -> None:
    """One folder of `list_sources`: its files, then each sub-folder in name order. The entry
    types come with the listing (no system call per file, unlike os.walk + os.path.islink)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        if _is_link(entry):
            if not _is_folder(entry):
                problems.append(Problem(prefix + entry.name, 0, "不支持符号链接（可能指向内容目录之外）", "把真实文件放进来，删除链接"))
                refused.add(prefix + entry.name)
        elif _is_folder(entry, follow_symlinks=False):
            folders.append(entry)
        else:
            found.append(prefix + entry.name)
    for entry in entries:
        if _is_link(entry) and _is_folder(entry):
            problems.append(Problem(prefix + entry.name, 0, "不支持符号链接文件夹", "把真实文件夹放进来，删除链接"))
            refused.update(_files_below(entry.path, prefix + entry.name))
    for entry in folders:
        _scan_folder(entry.path, f"{prefix}{entry.name}/", found, problems, refused)


def _is_folder(entry: os.DirEntry, follow_symlinks: bool = True) -> bool:
    """Whether the entry is a folder; False when it vanished since the listing (as os.walk)."""
    try:
        return entry.is_dir(follow_symlinks=follow_symlinks)
    except OSError:
        return False


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _files_below(folder: str, rel: str, limit: int = 100000) -> list[str]:
    """Files MkDocs would find below a linked folder (it follows links), so they can be removed."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        sub = os.path.relpath(root, folder).replace(os.sep, "/")
        base = rel if sub == "." else f"{rel}/{sub}"
        found.extend(f"{base}/{name}" for name in files)
        if len(found) > limit:
            break
    return found


def load_portal(content_dir: str, config: PortalConfig, now: datetime,
                reserved: frozenset[str] = frozenset(), sources: list[str] | None = None,
                read=None, parse=None) -> Portal:
    """Read and check every file of the tree once (`parse`: a replacement for `load_post`
    with the same arguments and result, e.g. one that remembers earlier results)."""
    refused: set[str] = set()
    if sources is None:
        sources, problems = list_sources(content_dir, refused)
    else:
        problems = []
    read = read or (lambda rel: _read_bytes(content_dir, rel))
    orgs, orgs_problems = _load_registry(content_dir, sources, reserved, read)
    problems.extend(orgs_problems)
    portal = Portal(orgs, [], problems, skipped=refused)
    if ORGS_FILE in sources:
        portal.skipped.add(ORGS_FILE)
    for source in sources:
        _load_source(portal, source, read, config, now, parse or load_post)
    _drop_collisions(portal)
    _keep_draft_files_out(portal)
    portal.posts.sort(key=Post.sort_key)
    return portal


def _keep_draft_files_out(portal: Portal) -> None:
    """A draft's own files are not published while it is a draft (see `drafts.draft_files`)."""
    if portal.drafts:
        hidden = draft_files(portal.drafts, portal.posts, portal.assets)
        portal.assets -= hidden
        portal.skipped |= hidden


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


def is_data_file(source: str) -> bool:
    """Whether `source` is one of the contract's register files (orgs.yml, pairings.yml …)."""
    return source in DATA_FILES or DATA_FOLDERS.match(source) is not None


def _load_source(portal: Portal, source: str, read, config: PortalConfig, now: datetime, parse=load_post) -> None:
    if is_data_file(source):
        portal.skipped.add(source)
        return
    if is_register_source(source):
        portal.skipped.add(source)  # read with the settings (core/interact.py)
        return
    if _refuse(portal, source, config):
        return
    top = source.split("/", 1)[0]
    in_system = "/" in source and top in portal.orgs.systems
    if not source.endswith(".md"):
        if in_system:
            portal.assets.add(source)
        return
    if in_system:
        _load_post_source(portal, source, read, config, now, parse)
    else:
        _check_page(portal, source, read, config)


def _refuse(portal: Portal, source: str, config: PortalConfig) -> bool:
    """Files that must never be published: names that are not UTF-8 or hold unsafe characters,
    and types off the allow-list (an .html, .svg or .js file would run scripts with the site's
    own origin)."""
    match = UNSAFE_NAME.search(source)
    if not _is_utf8_name(source):
        portal.problems.append(_name_problem(source))
    elif match:
        portal.problems.append(Problem(source, 0, f"文件名或文件夹名含有不允许的字符“{match.group().replace('/', '').strip() or '空格'}”",
                                       "文件名只用中文、字母、数字、- 和 _，不要用 < > : \" ' | ? * # % 等符号，也不要以空格开头或结尾"))
    elif GENERATED_NAME.search(source.lower()):
        portal.problems.append(Problem(source, 0, "文件名与网站自动生成的订阅源（RSS/Atom/OPML）重名",
                                       "给文件换一个名字，例如在文件名前加上单位或日期"))
    elif not source.endswith(".md") and _extension(source) not in config.attachment_types:
        portal.problems.append(Problem(source, 0, f"文件类型“.{_extension(source)}”不允许发布",
                                       f"删除该文件，或换成允许的类型：{'、'.join(config.attachment_types)}"))
    else:
        return False
    portal.skipped.add(source)
    return True


def _is_utf8_name(source: str) -> bool:
    """Whether a listed path decoded from UTF-8 (undecodable bytes come back as lone surrogates)."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _name_problem(source: str) -> Problem:
    """A file whose name is not UTF-8 (a zip made on Chinese Windows): shown with � for the
    bad bytes, and read as GBK where that works, so staff can find it."""
    raw = os.fsencode(source)
    shown = raw.decode("utf-8", "replace")
    try:
        legacy = f"（按 GBK 读作“{raw.decode('gb18030')}”）"
    except UnicodeDecodeError:
        legacy = ""
    return Problem(shown, 0, f"文件名不是 UTF-8 编码{legacy}，网站无法发布它",
                   "用 UTF-8 重新命名该文件：在文件管理器中删除后重新输入文件名，或解压时选择 UTF-8 编码")


def _extension(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _load_post_source(portal: Portal, source: str, read, config: PortalConfig, now: datetime,
                      parse=load_post) -> None:
    result = parse(source, read(source), portal.orgs, config, now)
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
    text, problem = decode(data, source)
    problem = problem or _page_meta_problem(source, text)
    if problem:
        portal.problems.append(problem)
        portal.skipped.add(source)
    else:
        portal.pages.append(source)


def _page_meta_problem(source: str, text: str) -> Problem | None:
    """The first problem of an ordinary page's front matter (YAML syntax, unknown keys)."""
    parts = split_front_matter(text)
    if parts.front is None or not parts.closed:
        return None
    try:
        meta = load_yaml(parts.front, first_line=2)
    except YamlError as err:
        return Problem(source, err.line, err.message, "修正该行的 YAML 写法，含冒号或特殊符号的值请加引号")
    if meta is None:
        return None
    if not isinstance(meta, LinedDict):
        return Problem(source, 2, "头部信息必须是“键: 值”的形式", "参照投稿指南的示例改写")
    for key in meta:
        if key not in PAGE_KEYS:
            return Problem(source, meta.line_of(key), f"页面头部信息中有未知的键“{key}”",
                           f"删除它；页面只允许：{'、'.join(PAGE_KEYS)}")
    return None


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
    # Case and Unicode form are folded: Windows and macOS servers would merge such files.
    first = owner.get(unicodedata.normalize("NFC", url).casefold())
    if first is None:
        owner[unicodedata.normalize("NFC", url).casefold()] = source
        return True
    portal.problems.append(Problem(source, 0, f"与“{first}”生成同一个网址 /{url}，会互相覆盖",
                                   "改名其中一个文件（例如 a.md 与 a/index.md 只能保留一个）"))
    portal.skipped.add(source)
    return False
