"""`portal new`: write a new post with correct front matter in the right folder.

Staff give the unit, the column and the title (or are asked for them in a
terminal); the post is checked with the same rules as `portal check` before it
is written, so a new post always passes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from .config import PortalConfig
from .core.clock import reference_time
from .core.content import ORGS_FILE
from .core.orgs import Orgs, Unit, load_orgs
from .core.posts import EMPTY_BODY, load_post
from .core.problems import Problem
from .core.registers.projects import PROJECT_NAME, PROJECT_TYPE
from .core.sourcefile import decode
from .core.urls import page_url, reserved_ids

PREVIEW_ADDRESS = "http://127.0.0.1:8000"
SLUG_LENGTH = 60
TITLE_ATTEMPTS = 3


class AuthoringError(Exception):
    """A problem the staff member must fix before a post can be written (message in Chinese)."""


@dataclass
class NewPost:
    """What the staff member asked for."""

    unit: Unit
    column: str
    title: str
    author: str | None = None
    question: str | None = None
    asked_by: str | None = None


@dataclass
class Workspace:
    """The portal a post is written into: its content folder, settings and registry."""

    content: str
    config: PortalConfig
    orgs: Orgs
    now: datetime
    site_path: str = "/"  # path part of site_url: `portal serve` serves the site below it


def new_post_command(args) -> int:
    """Run `portal new`: ask for what is missing, write the post, print its path and preview URL."""
    try:
        workspace = load_workspace(args.content, getattr(args, "config", None))
        request = gather_request(args, workspace)
        path, source = write_post(workspace, request)
    except AuthoringError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("\n已取消，没有新建文件。", file=sys.stderr)
        return 130
    print_next_steps(path, preview_url(workspace, source))
    return 0


# --- the portal -------------------------------------------------------------


def load_workspace(content: str, config_path: str | None) -> Workspace:
    """Settings from mkdocs.yml and the registry from orgs.yml of the content folder."""
    if not os.path.isdir(content):
        raise AuthoringError(f"找不到内容目录“{content}”。请在门户项目的根目录（有 mkdocs.yml 的目录）运行，"
                             "或用 --content 指定内容目录")
    config, site_url = _portal_settings(content, config_path)
    orgs = _registry(content, config)
    path = urlsplit(site_url).path or "/"
    return Workspace(content, config, orgs, reference_time(config.timezone), path if path.endswith("/") else path + "/")


def _portal_settings(content: str, config_path: str | None) -> tuple[PortalConfig, str]:
    from mkdocs.exceptions import ConfigurationError

    from .plugin_config import PortalOptionsError, settings_of
    from .sitebuild import mkdocs_config

    try:
        config = mkdocs_config(content, path=config_path)
    except PortalOptionsError:
        raise
    except ConfigurationError as err:
        raise AuthoringError(f"读取 mkdocs.yml 失败：{err}。请检查 mkdocs.yml 或用 --config 指定") from None
    return settings_of(config), config.site_url or ""


def _registry(content: str, config: PortalConfig) -> Orgs:
    path = os.path.join(content, ORGS_FILE)
    if not os.path.exists(path):
        raise AuthoringError(f"内容目录中没有 {ORGS_FILE}（组织登记表）。请先登记系统和单位")
    with open(path, "rb") as handle:
        text, problem = decode(handle.read(), ORGS_FILE)
    if problem:
        raise AuthoringError(problem.text())
    orgs, _ = load_orgs(text, ORGS_FILE, reserved_ids(config.columns))
    if not orgs.units():
        raise AuthoringError(f"{ORGS_FILE} 中没有可用的单位。请运行 portal check 查看并修正登记表")
    return orgs


# --- asking -------------------------------------------------------------------


def gather_request(args, workspace: Workspace) -> NewPost:
    """The post to write, from the arguments; missing ones are asked for in a terminal."""
    missing = [flag for flag, value in (("--unit", args.unit), ("--type", args.type), ("--title", args.title))
               if not value]
    interactive = bool(missing) and sys.stdin is not None and sys.stdin.isatty()
    if missing and not interactive:
        raise AuthoringError(
            f"缺少参数 {'、'.join(missing)}。在终端中直接运行 portal new 会逐项提示；"
            '在脚本中请写全，例如：portal new --unit tax/np --type news --title "标题"')
    unit = find_unit(workspace.orgs, args.unit) if args.unit else ask_unit(workspace.orgs)
    column = check_column(workspace.config, args.type) if args.type else ask_column(workspace.config)
    request = NewPost(unit, column, "", None, getattr(args, "question", None), getattr(args, "asked_by", None))
    if args.title:
        request.title = args.title.strip()
        _raise_title_problem(workspace, request)
    else:
        request.title = ask_title(workspace, request)
    if column == "qa" and not request.question and interactive:
        request.question = input("群众提问的完整内容（question，直接回车则与标题相同）：").strip() or None
    request.author = _author(args, interactive)
    return request


def find_unit(orgs: Orgs, key: str) -> Unit:
    """The unit named `system/unit` (or a unit id that only one system has)."""
    key = key.strip().strip("/")
    unit = orgs.unit(key)
    if unit is not None:
        return unit
    if "/" not in key:
        matches = [u for u in orgs.units() if u.id == key]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AuthoringError(f"单位“{key}”在多个系统中都有：{'、'.join(u.key for u in matches)}。"
                                 f"请写成 系统/单位，例如 --unit {matches[0].key}")
    system = key.partition("/")[0]
    known = [u.key for u in orgs.units() if u.system == system] or [u.key for u in orgs.units()]
    raise AuthoringError(f"单位“{key}”不在 {ORGS_FILE} 中。请改用已登记的单位（{'、'.join(known)}），"
                         f"或先请管理员在 {ORGS_FILE} 中登记")


def check_column(config: PortalConfig, column: str) -> str:
    """`column` when it is a configured column id."""
    column = column.strip()
    if column in config.columns or column == PROJECT_TYPE:
        return column
    by_name = {name: key for key, name in config.columns.items()} | {PROJECT_NAME: PROJECT_TYPE}
    if column in by_name:
        return by_name[column]
    raise AuthoringError(f"栏目“{column}”不存在。可选：{_column_choices(config)}")


def ask_unit(orgs: Orgs) -> Unit:
    """Prompt for a unit, listing every unit of the registry by system."""
    units = orgs.units()
    print("请选择投稿单位（输入编号，或写成 系统/单位，例如 tax/np）：")
    for system in orgs.systems.values():
        print(f"  {system.name}（{system.id}）")
        for unit in system.units.values():
            print(f"    {units.index(unit) + 1:>3}) {unit.key:<14} {unit.name}（{unit.level_name}）")
    return _ask_choice("单位", units, lambda answer: find_unit(orgs, answer))


def ask_column(config: PortalConfig) -> str:
    """Prompt for a column, listing the configured ones."""
    columns = [*config.columns, PROJECT_TYPE]
    print("请选择栏目：")
    for number, column in enumerate(columns, 1):
        print(f"    {number:>3}) {column:<12} {config.column_name(column)}")
    return _ask_choice("栏目", columns, lambda answer: check_column(config, answer))


def _ask_choice(what: str, choices: list, by_name):
    """Ask until the answer is a number from the list or a name `by_name` accepts."""
    for _ in range(TITLE_ATTEMPTS):
        answer = input(f"{what}：").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1]
        try:
            return by_name(answer)
        except AuthoringError as err:
            print(f"  {err}")
    raise AuthoringError(f"没有选定{what}，已取消")


def ask_title(workspace: Workspace, request: NewPost) -> str:
    """Prompt for the title until it passes the post rules."""
    for _ in range(TITLE_ATTEMPTS):
        request.title = input("标题：").strip()
        try:
            _raise_title_problem(workspace, request)
            return request.title
        except AuthoringError as err:
            print(f"  {err}")
    raise AuthoringError("标题不符合要求，已取消")


def _author(args, interactive: bool) -> str | None:
    if getattr(args, "author", None):
        return args.author.strip()
    default = git_user_name()
    if not interactive:
        return default
    hint = f"[{default}]" if default else "（可直接回车跳过）"
    return input(f"信息员姓名 author{hint}：").strip() or default


def git_user_name() -> str | None:
    """`git config user.name`, the usual name of the person committing, when set."""
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _column_choices(config: PortalConfig) -> str:
    return "、".join(f"{k}（{v}）" for k, v in config.columns.items())


# --- writing -------------------------------------------------------------------


def post_text(workspace: Workspace, request: NewPost) -> str:
    """The new file: front matter with every field explained, and a body hint."""
    config = workspace.config
    lines = ["---", f"title: {_quoted(request.title)}", f'date: "{workspace.now:%Y-%m-%d %H:%M}"',
             f"type: {request.column}"]
    categories = "、".join(f"{k}（{v}）" for k, v in config.categories.items())
    lines.append(f"# category: {next(iter(config.categories), 'center')}    # 分类（可选，去掉行首 # 并选一个）：{categories}")
    lines.append("tags: []    # 标签（可选），例如 [主题党日, 志愿服务]")
    lines.append(f"author: {_quoted(request.author)}" if request.author else "# author: 信息员姓名（可选）")
    if request.column == "qa":
        lines += _qa_lines(request)
    elif request.column == PROJECT_TYPE:
        lines += _project_lines(workspace)
    else:
        lines.append("# project: 项目编号    # 报送联创项目进展时填写，例如 tax/np/2026/pioneer-posts（项目文件路径，不带 .md）")
    lines += ["---", "", _body_hint(request.column)]
    return "\n".join(lines) + "\n"


def _qa_lines(request: NewPost) -> list[str]:
    lines = [f"question: {_quoted(request.question or request.title)}"]
    lines.append(f"asked_by: {_quoted(request.asked_by)}" if request.asked_by else "# asked_by: 提问人（可选，例如 南平市民王先生）")
    lines.append("# 答复后加一行 answered: 答复日期（例如 2026-03-14），并在下面写答复内容")
    return lines


def _project_lines(workspace: Workspace) -> list[str]:
    """The plan of a new 联创项目: the required keys with a placeholder, the others commented."""
    return [
        'goal: "待填写：本项目的工作要求（要达到什么目标）"    # 工作要求（必填）',
        f"due: {workspace.now:%Y}-12-31    # 完成期限（必填，年-月-日）",
        "# lead: 责任领导姓名",
        "# partners: [tax/np-jo, fda/np]    # 参与单位（系统/单位，可跨系统、跨层级）",
        "# measure: 成果检验：怎样判断项目完成得好",
        "# status: planned    # planned 未启动 / active 进行中（默认）/ done 已完成（同时写 finished: 完成日期）",
        "# milestones:    # 里程碑：date 计划日期，title 名称，done 实际达成日期（达成后再写）",
        "#   - {date: 2026-06-30, title: 完成调研}",
    ]


def _body_hint(column: str) -> str:
    if column == PROJECT_TYPE:
        return "<!-- 在这里写项目的背景、分工和做法（这段说明可以删掉）。各单位报送进展时在稿件头部写 project: 本项目编号。 -->"
    if column == "qa":
        return "<!-- 答复内容写在这里（这段说明可以删掉）。未答复前正文可以留空。 -->"
    return ("<!-- 在这里写正文（这段说明可以删掉）。第一段会作为摘要显示在列表里。\n"
            "     图片放在本文件旁边，写 ![图片说明](图片文件名.jpg)；附件写 [附件名称](文件名.pdf)。 -->")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def post_problems(workspace: Workspace, source: str, text: str) -> list[Problem]:
    """Problems of a post text under the same rules as `portal check`."""
    result = load_post(source, text.encode("utf-8"), workspace.orgs, workspace.config, workspace.now)
    # The body is written next, by the staff member: an empty one is expected here.
    return [p for p in result.problems if p.message != EMPTY_BODY]


def _raise_title_problem(workspace: Workspace, request: NewPost) -> None:
    source = f"{request.unit.system}/{request.unit.id}/{workspace.now:%Y}/title-check.md"
    problems = post_problems(workspace, source, post_text(workspace, request))
    if problems:
        first = problems[0]
        raise AuthoringError(f"{first.message}。{first.fix}" if first.fix else first.message)


def slug_for(title: str, column: str, now: datetime) -> str:
    """An ASCII file name: the Latin words of the title, else the date and the column."""
    words = re.findall(r"[A-Za-z0-9]+", unicodedata.normalize("NFKC", title))
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > SLUG_LENGTH:
            break
        slug = f"{slug}-{word.lower()}" if slug else word.lower()
    if not re.search(r"[a-z]", slug):  # digits alone ("2026", "3") do not name a post
        slug = f"{now:%Y-%m-%d}-{column}"
    return slug


def unique_slug(folder: str, slug: str) -> str:
    """`slug`, or `slug-2`, `slug-3` … when a post or folder of that name already exists."""
    taken = {name.lower() for name in os.listdir(folder)} if os.path.isdir(folder) else set()
    taken |= {"index.md", "index"}
    candidate, number = slug, 1
    while f"{candidate}.md" in taken or candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def write_post(workspace: Workspace, request: NewPost) -> tuple[str, str]:
    """Write the post; returns (file path, source relative to the content folder)."""
    unit = request.unit
    folder = os.path.join(workspace.content, unit.system, unit.id, f"{workspace.now:%Y}")
    slug = unique_slug(folder, slug_for(request.title, request.column, workspace.now))
    source = f"{unit.system}/{unit.id}/{workspace.now:%Y}/{slug}.md"
    text = post_text(workspace, request)
    problems = post_problems(workspace, source, text)
    if problems:
        raise AuthoringError("；".join(p.text() for p in problems))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{slug}.md")
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path, source


def preview_url(workspace: Workspace, source: str) -> str:
    """Where `portal serve` shows the post."""
    return f"{PREVIEW_ADDRESS}{workspace.site_path}{page_url(source)}"


def _shown_path(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def print_next_steps(path: str, url: str) -> None:
    """Tell the staff member where the post is and what to do next."""
    print(f"已新建文章：{_shown_path(path)}")
    print(f"预览地址：{url}")
    print("下一步：")
    print("  1. 用编辑器打开上面的文件，在第二个 --- 下面写正文；图片放在同一文件夹，用 ![说明](图片.jpg) 引用。")
    print("  2. 运行 portal serve，在浏览器中打开预览地址，保存文件后页面自动刷新。")
    print("  3. 运行 portal check 检查，没有问题后 git add、git commit，再发起合并请求（Pull Request）。")
