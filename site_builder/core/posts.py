"""One Post per Markdown file under `<system>/<unit>/`: front matter parsed and checked."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..config import PortalConfig
from .orgs import Orgs, Unit
from .problems import Problem
from .qa_keys import POST_EXTRA_KEYS, column_owner, read_qa_extras, read_topics, system_column
from .registers.projects import PROJECT_KEYS, PROJECT_NAME, PROJECT_TYPE, check_project_keys
from .sourcefile import decode, split_front_matter
from .textcheck import FIX, describe
from .urls import page_url
from .yamltext import LinedDict, YamlError, load_yaml

POST_KEYS = ("title", "date", "type", "category", "tags", "author", "summary",
             "featured_by", "draft", "question", "asked_by", "answered", *POST_EXTRA_KEYS) + PROJECT_KEYS
QA_KEYS = ("question", "asked_by", "answered")
# Keys people try in order to choose a URL or a unit; the path decides both.
PATH_KEYS = {"slug", "url", "permalink", "path", "save_as", "output", "unit", "system", "template"}

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
MARKUP_RE = re.compile(r"<[A-Za-z!/?]|\]\(|\*\*|__|`|&[#A-Za-z0-9]+;|\{\{|\{%")
EMPTY_BODY = "正文为空"
_COMMENT_RE = re.compile(r"<!--.*?(-->|$)", re.S)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Post:
    """A published (or draft) post of one unit."""

    source: str  # path relative to the content folder, with `/`
    system: str
    unit: str
    title: str
    date: datetime
    type: str
    body: str
    body_line: int = 1
    digest: str = ""
    category: str | None = None
    tags: tuple[str, ...] = ()
    author: str | None = None
    summary: str | None = None
    featured_by: tuple[str, ...] = ()
    draft: bool = False
    question: str | None = None
    asked_by: str | None = None
    answered: datetime | None = None
    project: str | None = None  # the 联创项目 this post reports progress on (its id)
    plan: object | None = None  # registers.projects.Plan of a `type: project` post
    extra: dict = field(default_factory=dict)
    kind: str = "question"  # qa: question (问题) or suggestion (意见建议)
    transferred_from: str | None = None  # qa: `system/unit` that handed it on (转办)
    transferred_on: datetime | None = None
    topics: tuple[str, ...] = ()  # ids of the topics (专题) it joins

    @property
    def unit_key(self) -> str:
        return f"{self.system}/{self.unit}"

    @property
    def url(self) -> str:
        """Site-relative URL of the post page (directory style), from its path only."""
        return page_url(self.source)

    @property
    def pending(self) -> bool:
        """A question not yet answered."""
        return self.type == "qa" and self.answered is None

    def identity(self) -> str:
        """Short text that changes whenever a field of the post does, for cache keys: its path,
        the digest of its source file and its summary (the one field set after parsing). It
        stands for the whole post only beside what else decides parsing (orgs.yml, the
        configuration, the checking code, the YAML library: `PortalBuild.parse_settings`),
        which every key that uses it also covers. A post made without a source digest gives
        its full repr."""
        return f"{self.source}\0{self.digest}\0{self.summary}" if self.digest else repr(self)

    def sort_key(self) -> tuple:
        """Newest first, ties broken by source path so order is deterministic."""
        return (-self.date.timestamp(), self.source)


@dataclass
class PostResult:
    post: Post | None
    problems: list[Problem]


def post_unit(source: str, orgs: Orgs) -> tuple[Unit | None, Problem | None]:
    """The unit a post belongs to, from its path `<system>/<unit>/…`."""
    parts = source.split("/")
    if len(parts) < 3:
        return None, Problem(source, 0, "系统文件夹下只能放单位文件夹，文章必须放在 <系统>/<单位>/ 下",
                             f"把文件移到 {parts[0]}/<单位 id>/ 文件夹中")
    unit = orgs.unit(f"{parts[0]}/{parts[1]}")
    if unit is None:
        known = "、".join(orgs.systems[parts[0]].units) if parts[0] in orgs.systems else ""
        return None, Problem(source, 0, f"单位文件夹“{parts[1]}”不在 orgs.yml 的系统“{parts[0]}”中",
                             f"改用已登记的单位文件夹（{known}），或先在 orgs.yml 中登记该单位")
    return unit, None


def load_post(source: str, data: bytes, orgs: Orgs, config: PortalConfig, now: datetime) -> PostResult:
    """Parse and validate one post file. A post with any problem is not returned."""
    unit, problem = post_unit(source, orgs)
    if problem:
        return PostResult(None, [problem])
    if len(data) > config.max_post_bytes:
        return PostResult(None, [Problem(source, 0, f"文件过大（{len(data) // 1024} KB，上限 {config.max_post_bytes // 1024} KB）",
                                         "精简正文；图片和附件放在文章旁边，用相对链接引用")])
    text, problem = decode(data, source)
    if problem:
        return PostResult(None, [problem])
    if not text.strip():
        return PostResult(None, [Problem(source, 1, "文件是空的", "按投稿指南写上头部信息（title、date、type）和正文，或删除该文件")])
    return _parse(source, text, unit, orgs, data, config, now)


def _parse(source, text, unit, orgs, data, config, now) -> PostResult:
    parts = split_front_matter(text)
    if parts.front is None:
        return PostResult(None, [Problem(source, 1, "缺少头部信息（以 --- 开始和结束的 YAML 块）",
                                         "在文件第一行写 ---，接着写 title、date、type，再写一行 ---")])
    if not parts.closed:
        return PostResult(None, [Problem(source, 1, "头部信息没有结束的 --- 行", "在头部信息最后加一行 ---")])
    try:
        meta = load_yaml(parts.front, first_line=2)
    except YamlError as err:
        return PostResult(None, [Problem(source, err.line, err.message, "修正该行的 YAML 写法，含冒号或特殊符号的值请加引号")])
    if not isinstance(meta, LinedDict):
        return PostResult(None, [Problem(source, 2, "头部信息必须是“键: 值”的形式", "参照投稿指南的示例改写")])
    checker = _Checker(source, meta, unit, orgs, config, now)
    checker.lines = text.split("\n")  # list items have no line of their own (see registers.common.item_line)
    post = checker.build(parts.body, parts.body_line, hashlib.sha1(data).hexdigest())
    return PostResult(post if not checker.problems else None, checker.problems)


class _Checker:
    """Validates front matter values one key at a time, collecting problems."""

    def __init__(self, source: str, meta: LinedDict, unit: Unit, orgs: Orgs, config: PortalConfig, now: datetime):
        self.source, self.meta, self.unit, self.orgs = source, meta, unit, orgs
        self.config, self.now = config, now
        self.zone = ZoneInfo(config.timezone)
        self.problems: list[Problem] = []
        self.lines: list[str] = []  # the file's lines, set by load_post

    def fail(self, key: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.source, self.meta.line_of(key), message, fix))

    def build(self, body: str, body_line: int, digest: str) -> Post | None:
        self.unknown_keys()
        title = self.title()
        date = self.date("date", required=True)
        column = self.column()
        post = Post(
            source=self.source, system=self.unit.system, unit=self.unit.id,
            title=title or "", date=date or datetime.fromtimestamp(0, self.zone), type=column or "",
            body=body, body_line=body_line, digest=digest,
            category=self.category(), tags=self.tags(), author=self.plain("author"),
            summary=self.plain("summary", multiline=True), featured_by=self.featured_by(),
            draft=self.draft(),
        )
        self.qa(post, body)
        check_project_keys(self, post)
        read_qa_extras(self, post)
        read_topics(self, post)
        return post

    def unknown_keys(self) -> None:
        for key in self.meta:
            if key in POST_KEYS:
                continue
            if key in PATH_KEYS:
                self.fail(key, f"不允许的键“{key}”：文章的网址和所属单位只由文件路径决定", f"删除 {key} 一行；要改网址请改文件名或文件夹")
            else:
                self.fail(key, f"未知的键“{key}”", f"删除它，或改成允许的键：{'、'.join(POST_KEYS)}")

    def bad_characters(self, key: str, field: str, text: str, one_line: bool = True) -> bool:
        """Report the first control, bidi or invisible character of a field (with its position)."""
        message = describe(field, text, one_line)
        if message:
            self.fail(key, message, FIX)
        return message is not None

    def title(self) -> str | None:
        value = self.meta.get("title")
        if value is None:
            self.fail("title", "缺少 title（标题）", "在头部信息中加一行 title: 文章标题")
            return None
        if isinstance(value, (list, dict, bool)):
            self.fail("title", "标题必须是一行文字", "写成 title: 文章标题（含冒号等符号时加引号）")
            return None
        if self.bad_characters("title", "标题", str(value)):
            return None
        value = str(value).strip()
        if not value:
            self.fail("title", "标题为空", "写上文章标题")
        elif "\n" in value:
            self.fail("title", "标题只能有一行", "把标题写在一行内")
        elif MARKUP_RE.search(value) or CONTROL_RE.search(value):
            self.fail("title", "标题中含有 HTML/Markdown 标记或控制字符", "标题只写纯文字，去掉 < > ** ` [ ]( ) 等符号")
        elif len(value) > 120:
            self.fail("title", f"标题过长（{len(value)} 字）", "标题控制在 120 字以内，详细内容写在正文")
        return value

    def date(self, key: str, required: bool) -> datetime | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.fail(key, f"缺少 {key}（日期）", f"加一行 {key}: 2026-03-14 或 {key}: \"2026-03-14 09:30\"")
            return None
        match = DATE_RE.match(str(value).strip()) if isinstance(value, str) else None
        parsed = _to_datetime(match, self.zone) if match else None
        if parsed is None:
            self.fail(key, f"{key}“{value}”不是有效日期", f"写成 {key}: 2026-03-14 或 {key}: \"2026-03-14 09:30\"（年-月-日 时:分）")
            return None
        if parsed > self.now + timedelta(days=1):
            self.fail(key, f"{key}“{value}”在未来", "检查年份和月份，日期不能晚于明天")
            return None
        return parsed

    def column(self) -> str | None:
        value = self.meta.get("type")
        if value is None:
            self.fail("type", "缺少 type（栏目）", f"加一行 type: 栏目，可选：{_choices(self.config.columns)}")
            return None
        if value == PROJECT_TYPE:
            return value
        if isinstance(value, str) and system_column(self.orgs, self.unit.system, value):
            return value
        if not isinstance(value, str) or value not in self.config.columns:
            choices = f"{_choices(self.config.columns)}，或 {PROJECT_TYPE}（{PROJECT_NAME}）{_own_columns(self.orgs, self.unit.system)}"
            owner = column_owner(self.orgs, value) if isinstance(value, str) else None
            if owner is not None:
                self.fail("type", f"栏目“{value}”是{owner.name}专用的栏目，本单位属于其他系统", f"type 改用：{choices}")
            else:
                self.fail("type", f"栏目“{value}”不存在", f"type 可选：{choices}")
            return None
        return value

    def category(self) -> str | None:
        value = self.meta.get("category")
        if value is None:
            return None
        if not isinstance(value, str) or value not in self.config.categories:
            self.fail("category", f"分类“{value}”不存在", f"category 可选：{_choices(self.config.categories)}")
            return None
        return value

    def tags(self) -> tuple[str, ...]:
        value = self.meta.get("tags")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(t, (str, int)) for t in value):
            self.fail("tags", "tags 必须是文字列表", "写成 tags: [主题党日, 志愿服务]")
            return ()
        if any(self.bad_characters("tags", f"标签“{str(t)[:20]}”的", str(t)) for t in value):
            return ()
        tags = tuple(dict.fromkeys(str(t).strip() for t in value if str(t).strip()))
        for tag in tags:
            if len(tag) > 20 or MARKUP_RE.search(tag) or CONTROL_RE.search(tag) or "/" in tag:
                self.fail("tags", f"标签“{tag[:30]}”不合适", "标签用 20 字以内的纯文字，不含 / 和标记符号")
                return ()
        return tags

    def plain(self, key: str, multiline: bool = False) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail(key, f"{key} 必须是一段文字", f"写成 {key}: 文字")
            return None
        if self.bad_characters(key, key, str(value), one_line=not multiline):
            return None
        value = str(value).strip()
        if (not multiline and "\n" in value) or CONTROL_RE.search(value):
            self.fail(key, f"{key} 含有换行或控制字符", f"把 {key} 写在一行内")
            return None
        return value

    def featured_by(self) -> tuple[str, ...]:
        value = self.meta.get("featured_by")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail("featured_by", "featured_by 必须是“系统/单位”列表", "写成 featured_by: [tax/prov]")
            return ()
        found = []
        for key in value:
            adopter = self.orgs.unit(key)
            if adopter is None:
                self.fail("featured_by", f"featured_by 中的单位“{key}”不存在", "写成 系统id/单位id，例如 tax/prov，须在 orgs.yml 中登记")
            elif adopter not in self.orgs.ancestors(self.unit):
                self.fail("featured_by", f"“{key}”不是本单位在本系统中的上级单位，不能采用本文",
                          f"featured_by 只能写采用本文的本系统上级单位：{self.upper_units() or '本单位没有上级单位，请删除 featured_by'}")
            else:
                found.append(key)
        return tuple(dict.fromkeys(found))

    def upper_units(self) -> str:
        """The units that may adopt this post, as staff write them."""
        return "、".join(u.key for u in self.orgs.ancestors(self.unit))

    def draft(self) -> bool:
        value = self.meta.get("draft", False)
        if not isinstance(value, bool):
            self.fail("draft", f"draft 只能是 true 或 false（现在是“{value}”）", "写成 draft: true 或删除该行")
            return False
        return value

    def qa(self, post: Post, body: str) -> None:
        if post.type != "qa":
            for key in QA_KEYS:
                if key in self.meta:
                    self.fail(key, f"{key} 只用于有问必答（type: qa）的文章", f"删除 {key} 一行，或把 type 改为 qa")
            if post.type and not _COMMENT_RE.sub("", body).strip():
                self.problems.append(Problem(self.source, post.body_line, EMPTY_BODY,
                                             "在头部信息（---）下面写上正文；还没写完可加 draft: true 先存为草稿"))
            return
        post.question = self.plain("question", multiline=True)
        if not post.question:
            self.fail("question", "有问必答文章缺少 question（问题内容）", "加一行 question: 问题的完整内容")
        post.asked_by = self.plain("asked_by")
        post.answered = self.date("answered", required=False)
        if post.answered and post.answered < post.date.replace(hour=0, minute=0):
            self.fail("answered", "答复日期早于提问日期", "检查 answered 和 date")
        if post.answered and not body.strip():
            self.fail("answered", "已写 answered（答复日期），但正文（答复内容）为空", "在头部信息下面写上答复内容，或删除 answered 一行")


def _to_datetime(match: re.Match, zone: ZoneInfo) -> datetime | None:
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _choices(mapping: dict[str, str]) -> str:
    return "、".join(f"{k}（{v}）" for k, v in mapping.items())


def _own_columns(orgs: Orgs, system_id: str) -> str:
    """`，或本系统专用栏目：…` when the post's system keeps columns of its own."""
    own = orgs.systems[system_id].columns if system_id in orgs.systems else {}
    return f"；或本系统专用栏目：{_choices(own)}" if own else ""
