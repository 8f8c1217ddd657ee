"""Markdown → safe HTML for posts, with relative links resolved and checked.

Plain Python-Markdown plus nh3; no MkDocs import. The extension list comes from
the site configuration so pages look the same as MkDocs would render them.
"""

from __future__ import annotations

import functools
import hashlib
import html
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdown
import nh3

from .budget import check_budget
from .problems import Problem
from .safehtml import is_remote, normalise_url, own_id, safe_classes, safe_size, unlink_blocks, url_scheme
from .urls import page_url, relative_path

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "loading"},  # no height: with a width it sets a page-tall box
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "ol": {"start"},
    "details": {"open"},
}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# `data:` reaches the attribute filter too, so an image written that way is reported.
URL_SCHEMES = LINK_SCHEMES | {"data"}
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r'<[a-z][a-z0-9]*\s[^>]*?\bid="([^"]*)"')
# Characters XML 1.0 forbids (feeds must stay well-formed) and other invisible controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
SUMMARY_LENGTH = 140
# Ids the post page adds around the body (pages/post.py), which links may target.
PAGE_IDS = frozenset({"portal-answer"})


def sanitize(fragment: str, urls=None) -> str:
    """Keep only markup that is safe in a post (no scripts, styles, frames, events, control
    characters, theme classes or page ids); every `href` and `src` is normalised as a browser
    reads it and handed to `urls(url, image)` (default: off-site images dropped)."""
    clean = nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener noreferrer", strip_comments=True,
                      attribute_filter=functools.partial(_attribute_value, urls or _local_images))
    return strip_controls(unlink_blocks(clean))


def _attribute_value(urls, tag: str, attribute: str, value: str) -> str | None:
    """The value an allowed attribute keeps (None: the attribute is dropped)."""
    if attribute == "class":
        return safe_classes(value)
    if attribute == "id":
        return own_id(value)
    if attribute == "width":
        return safe_size(value)
    if attribute in ("href", "src"):
        return urls(value, tag == "img")
    return value


def _local_images(raw: str, image: bool) -> str | None:
    """Images load from the site itself only: a page must not request another host."""
    url = normalise_url(raw)
    if image and is_remote(url) or url_scheme(url) not in ("", *LINK_SCHEMES):
        return None
    return url


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and newline kept)."""
    return _CONTROL.sub("", text)


@dataclass
class LinkContext:
    """What a post's links may point at."""

    markdown_sources: set[str]  # every publishable Markdown source
    assets: dict[str, int]  # non-Markdown file → size in bytes
    attachment_types: tuple[str, ...]
    max_attachment_bytes: int


@dataclass
class Rendered:
    """A post body rendered for the site."""

    html: str
    toc: list = field(default_factory=list)
    image: str | None = None  # source path of the first image, relative to the content folder
    summary: str = ""
    problems: list[Problem] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)  # files the post links to
    anchors: frozenset = frozenset()  # ids present in the body
    anchor_links: list = field(default_factory=list)  # (target source, fragment, line) of `#…` links
    body_digest: str = ""  # SHA-256 of `html` and `toc`, made with them (see `fingerprint`)

    def fingerprint(self) -> str:
        """A digest of the body and its table of contents, for the keys of the pages and feeds
        that show them: computed once when the post is rendered and kept with it in the render
        cache, so a rebuild does not hash every body again for every page."""
        if not self.body_digest:
            self.body_digest = hashlib.sha256(f"{self.html}\0{self.toc!r}".encode("utf-8", "surrogatepass")).hexdigest()
        return self.body_digest


class _LinkState:
    """Resolves relative links of one post against the content tree."""

    def __init__(self, source: str, body: str, body_line: int, context: LinkContext):
        self.source, self.body, self.body_line, self.context = source, body, body_line, context
        self.base = posixpath.dirname(source)
        self.here = page_url(source).rstrip("/") or "."
        self.problems: list[Problem] = []
        self.image: str | None = None
        self.assets: list[str] = []
        self.anchor_links: list[tuple[str, str, int]] = []

    def resolve(self, raw: str, image: bool) -> str | None:
        """The published form of one `href` (image: `src`) of the post, as written in `raw`;
        None drops it. Every URL is normalised first (what a browser would request), then
        judged: another host, a file beside the post, another post, an anchor."""
        url = normalise_url(raw)
        parts = urlsplit(url)
        if is_remote(url):
            if not image and url_scheme(url) not in ("", *LINK_SCHEMES):
                return None
            if image:
                self.report(raw, "不能引用其他网站的图片（内网读者打不开，也会泄露访问记录）",
                            "把图片下载下来放在文章旁边，用相对路径引用，例如 ![说明](photo.jpg)")
                return None
            return url
        if not parts.path:
            if not parts.fragment:
                return url
            fragment = _fragment(parts.fragment)
            if not image:
                self.anchor_links.append((self.source, fragment, self.line_of(raw)))
            return f"#{fragment}"
        site_absolute = parts.path.startswith("/")
        path = unquote(parts.path)
        target = posixpath.normpath(path.lstrip("/") if site_absolute else posixpath.join(self.base, path))
        if target.startswith("../") or target == "..":
            self.report(raw, "链接指向内容目录之外", "只链接内容目录中的文件")
            return None
        if site_absolute and not image and target not in self.context.markdown_sources \
                and target not in self.context.assets:
            return url  # a page the site generates (/stats/ …): nothing to check here
        fragment = f"#{_fragment(parts.fragment)}" if parts.fragment else ""
        if target.endswith(".md"):
            return self.markdown_link(raw, target, parts.fragment) + fragment
        return self.asset_link(raw, target, image) + fragment

    def markdown_link(self, url: str, target: str, fragment: str) -> str:
        if target not in self.context.markdown_sources:
            self.report(url, f"链接的文章“{target}”不存在", "检查文件名和相对路径（相对于本文所在文件夹）")
            return url
        if fragment:
            self.anchor_links.append((target, _fragment(fragment), self.line_of(url)))
        return self.relative(page_url(target).rstrip("/") or ".") + "/"

    def asset_link(self, url: str, target: str, image: bool) -> str:
        size = self.context.assets.get(target)
        if size is None:
            self.report(url, f"链接的文件“{target}”不存在", "把文件放在文章旁边（同一文件夹或子文件夹），并检查文件名")
            return url
        extension = target.rsplit(".", 1)[-1].lower() if "." in target else ""
        if extension not in self.context.attachment_types:
            self.report(url, f"文件类型“.{extension}”不允许发布", f"允许的类型：{'、'.join(self.context.attachment_types)}")
            return url
        if size > self.context.max_attachment_bytes:
            self.report(url, f"文件“{target}”过大（{size // 1048576} MB）",
                        f"压缩到 {self.context.max_attachment_bytes // 1048576} MB 以内")
            return url
        if image and self.image is None:
            self.image = target
        self.assets.append(target)
        return self.relative(target)

    def relative(self, target: str) -> str:
        return relative_path(target, self.here)

    def report(self, url: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.source, self.line_of(url), message, fix))

    def line_of(self, url: str) -> int:
        """The line of `url` in the body: as written, else its longest piece without spaces or
        controls (an attribute value may hold character references such as `&#9;`)."""
        pieces = sorted(re.split(r"[\x00-\x20\\]+", url), key=len, reverse=True)
        for text in (url, *pieces[:1]):
            index = self.body.find(text) if text else -1
            if index >= 0:
                return self.body_line + self.body[:index].count("\n")
        return self.body_line


class MarkdownRenderer:
    """Renders post bodies with one reusable Python-Markdown instance."""

    def __init__(self, extensions: list, extension_configs: dict):
        self.md = markdown.Markdown(extensions=extensions, extension_configs=extension_configs)

    def render(self, source: str, body: str, body_line: int, context: LinkContext,
               summary: str | None = None) -> Rendered:
        """Render one body; link problems are returned, never raised."""
        state = _LinkState(source, body, body_line, context)
        overrun = check_budget(body)
        if overrun is not None:
            return _refused(source, body_line + overrun.line - 1, overrun.message, overrun.fix, summary)
        self.md.reset()
        try:
            raw = self.md.convert(body)
        except RecursionError:  # a backstop: the budget's nesting limit should come first
            return _refused(source, body_line, "正文嵌套过深，无法生成网页", "减少列表、引用和提示框的嵌套层数", summary)
        clean = sanitize(raw, state.resolve)
        toc = _own_toc(getattr(self.md, "toc_tokens", []))
        anchors = frozenset(html.unescape(m) for m in _ID.findall(clean))
        rendered = Rendered(clean, toc, state.image, summary or first_paragraph(clean), state.problems, state.assets,
                            anchors, state.anchor_links)
        rendered.fingerprint()
        return rendered


def _refused(source: str, line: int, message: str, fix: str, summary: str | None) -> Rendered:
    """A body that is not rendered: its one problem, nothing to publish."""
    rendered = Rendered("", [], None, summary or "", [Problem(source, line, message, fix)])
    rendered.fingerprint()
    return rendered


def _fragment(fragment: str) -> str:
    """A `#fragment` of a post's link, mapped as ids are (`own_id`); the page's own ids stay."""
    name = unquote(fragment)
    return name if name in PAGE_IDS else own_id(name)


def _own_toc(tokens: list) -> list:
    """The table of contents with each heading id mapped as the body's ids are (`own_id`)."""
    return [{**token, "id": own_id(token.get("id", "")), "children": _own_toc(token.get("children", []))}
            for token in tokens]


def check_anchors(rendered: dict[str, Rendered]) -> None:
    """Add a problem to every post whose `#anchor` link names a heading (or id) that its
    target post does not have. Links to posts that were not rendered (ordinary pages,
    partial checks) are left to MkDocs' own anchor validation."""
    for source, result in sorted(rendered.items()):
        for target, fragment, line in result.anchor_links:
            other = rendered.get(target)
            if other is None or fragment in other.anchors or fragment in PAGE_IDS:
                continue
            where = "本文" if target == source else f"文章“{target}”"
            known = "、".join(sorted(other.anchors)[:10]) or "（没有小标题）"
            result.problems.append(Problem(
                source, line, f"锚点“#{fragment}”在{where}中不存在",
                f"检查小标题的写法；可用的锚点有：{known}"))


def first_paragraph(fragment: str) -> str:
    """Plain text of the first non-empty paragraph, shortened for listings and feeds."""
    for match in _FIRST_PARAGRAPH.finditer(fragment):
        text = html.unescape(_TAG.sub("", match.group(1))).strip()
        if text:
            return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"
    return ""
