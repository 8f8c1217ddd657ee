"""Topics (专题): `topics/<id>/index.md` of the content tree, joined by posts with `topics: [<id>]`.

```markdown
---
title: 学习贯彻党的二十届四中全会精神
start: 2026-11-01
end: 2027-06-30          # optional; without it the topic stays open
banner: banner.jpg       # optional: an image beside index.md
---
The introduction (Markdown).
```

A topic is active from `start` to `end`, both days included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .calendar import parse_day
from .problems import Problem
from .sourcefile import decode, split_front_matter
from .yamltext import LinedDict, YamlError, load_yaml

TOPICS_FOLDER = "topics"
TOPIC_KEYS = ("title", "start", "end", "banner")
TOPIC_SOURCE = re.compile(r"^topics/([^/]+)/index\.md$")
ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
BANNER_TYPES = ("jpg", "jpeg", "png", "gif", "webp")
MARKUP = re.compile(r"[<>`\x00-\x1f\x7f]|\*\*|\]\(")


@dataclass(frozen=True)
class Topic:
    """One 专题. Plain, frozen values: it is part of the settings (and of their repr)."""

    id: str
    title: str
    start: date
    end: date | None = None
    banner: str | None = None  # content-relative path of the banner image
    intro: str = ""  # Markdown body
    intro_line: int = 1
    source: str = ""

    @property
    def url(self) -> str:
        return f"{TOPICS_FOLDER}/{self.id}/"

    def active(self, now: datetime | date) -> bool:
        """Whether the topic runs on the day of `now` (start and end included)."""
        day = now.date() if isinstance(now, datetime) else now
        return self.start <= day and (self.end is None or day <= self.end)

    def period_text(self) -> str:
        """`2026-11-01 至 2027-06-30`, or `2026-11-01 起` for an open topic."""
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}" if self.end else f"{self.start.isoformat()} 起"


def topic_id(source: str) -> str | None:
    """The topic id a source path `topics/<id>/index.md` stands for (None for other paths)."""
    match = TOPIC_SOURCE.match(source)
    return match.group(1) if match else None


def load_topic(source: str, data: bytes, assets: set[str]) -> tuple[Topic | None, list[Problem]]:
    """Parse and check one topic file; `assets` are the content files its banner may name."""
    ident = topic_id(source) or ""
    if not ID_PATTERN.match(ident):
        return None, [Problem(source, 0, f"专题文件夹名“{ident}”不合适", "文件夹名只用小写英文字母、数字和连字符，例如 topics/study-2026/")]
    text, problem = decode(data, source)
    if problem or text is None:
        return None, [problem] if problem else []
    parts = split_front_matter(text)
    if parts.front is None or not parts.closed:
        return None, [Problem(source, 1, "专题缺少头部信息（以 --- 开始和结束）", "第一行写 ---，接着写 title、start，再写一行 ---")]
    try:
        meta = load_yaml(parts.front, first_line=2)
    except YamlError as err:
        return None, [Problem(source, err.line, err.message, "修正该行的 YAML 写法，含冒号的值请加引号")]
    if not isinstance(meta, LinedDict):
        return None, [Problem(source, 2, "头部信息必须是“键: 值”的形式", "写 title、start，可选 end、banner")]
    return _TopicChecker(source, ident, meta, assets).topic(parts.body, parts.body_line)


class _TopicChecker:
    def __init__(self, source: str, ident: str, meta: LinedDict, assets: set[str]):
        self.source, self.ident, self.meta, self.assets = source, ident, meta, assets
        self.problems: list[Problem] = []

    def fail(self, key: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.source, self.meta.line_of(key), message, fix))

    def topic(self, body: str, body_line: int) -> tuple[Topic | None, list[Problem]]:
        for key in self.meta:
            if key not in TOPIC_KEYS:
                self.fail(key, f"专题头部信息中有未知的键“{key}”", f"删除它；专题只允许：{'、'.join(TOPIC_KEYS)}")
        title = self.title()
        start = self.day("start", required=True)
        end = self.day("end", required=False)
        if start and end and end < start:
            self.fail("end", f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}", "检查 start 和 end")
        banner = self.banner()
        if self.problems or not title or not start:
            return None, self.problems
        return Topic(self.ident, title, start, end, banner, body, body_line, self.source), []

    def title(self) -> str | None:
        value = self.meta.get("title")
        if not isinstance(value, (str, int)) or not str(value).strip():
            self.fail("title", "专题缺少 title（名称）", "加一行 title: 专题名称")
            return None
        value = str(value).strip()
        if MARKUP.search(value) or len(value) > 60:  # MARKUP holds the control characters, newline too
            self.fail("title", "专题名称只能是一行 60 字以内的纯文字", "去掉换行和 < > ** ` 等符号")
            return None
        return value

    def day(self, key: str, required: bool) -> date | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.fail(key, f"专题缺少 {key}（开始日期）", f"加一行 {key}: 2026-11-01")
            return None
        parsed = parse_day(str(value))  # a list or mapping written out is no YYYY-MM-DD
        if parsed is None:
            self.fail(key, f"{key}“{value}”不是有效日期", f"写成 {key}: 2026-11-01（年-月-日）")
        return parsed

    def banner(self) -> str | None:
        value = self.meta.get("banner")
        if value is None:
            return None
        folder = self.source.rsplit("/", 1)[0]
        name = str(value).strip()
        path = f"{folder}/{name}"
        if "://" in name or name.startswith("/") or ".." in name.split("/"):
            self.fail("banner", f"题图“{name}”必须是专题文件夹中的图片", f"把图片放进 {folder}/，写成 banner: 文件名.jpg")
            return None
        if name.rsplit(".", 1)[-1].lower() not in BANNER_TYPES:
            self.fail("banner", f"题图“{name}”不是图片", f"题图可用：{'、'.join(BANNER_TYPES)}")
            return None
        if path not in self.assets:
            self.fail("banner", f"题图“{path}”不存在", f"把图片放进 {folder}/，并检查文件名的大小写")
            return None
        return path


def active_first(topics: tuple[Topic, ...] | list[Topic], now: datetime) -> tuple[list[Topic], list[Topic]]:
    """(active topics, newest start first; past and future ones, newest start first)."""
    ordered = sorted(topics, key=lambda t: (-t.start.toordinal(), t.id))
    return [t for t in ordered if t.active(now)], [t for t in ordered if not t.active(now)]


def topic_problems(value, line: int, source: str, known: dict[str, Topic]) -> tuple[tuple[str, ...], list[Problem]]:
    """The topic ids of a post's `topics:` value, and a problem for each unknown or bad entry."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return (), [Problem(source, line, "topics 必须是专题 id 列表", "写成 topics: [study-2026]")]
    problems, found = [], []
    for ident in value:
        if ident in known:
            found.append(ident)
        else:
            choices = "、".join(f"{t.id}（{t.title}）" for t in known.values()) or "目前没有专题，先在 topics/<id>/index.md 中建立"
            problems.append(Problem(source, line, f"专题“{ident}”不存在", f"topics 可选：{choices}"))
    return tuple(dict.fromkeys(found)), problems
