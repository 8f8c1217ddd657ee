"""A deterministic cost budget for rendering one post body, checked before Python-Markdown runs.

Python-Markdown is quadratic (or worse) on some inputs a few kilobytes long, and recursive on
nested lists: tens of thousands of `[`, unclosed `<![CDATA[` or `<http://`, thousands of
footnote references or of block markers in one paragraph stall a build for minutes, and a
list nested a few hundred deep raises RecursionError. A wall-clock limit would make the site
depend on the machine's speed, so the limits here are on the text itself: they are the same
on every machine, and far above what any staff-written post needs.

Each measure models one superlinear path of the renderer (measured on this code base:
see docs/security.md), in "scan units" of about one character compared:

- nesting: list, quote and indentation depth of a line (recursion in the block parser);
- open brackets: every `[`, `](` and tag-like `<` scans ahead for its closer; without one,
  to the end of its paragraph (`[`, `(`) or of the document (`<`: raw HTML and autolinks);
- block markers: lines starting with block syntax (`:`, `=`, `---`, `***`, `` ` ``, `~`, `?`, `!`,
  `#`, `_`) are re-scanned with their whole paragraph by the block processors;
- references: each footnote reference `[^` is compared with the ones before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DEPTH = 24  # nesting levels of lists and quotes on one line
MAX_SCAN = 1_000_000  # scan units of open brackets, block markers and references, per post
MAX_FOOTNOTE_REFERENCES = 300

_BLOCK_START = re.compile(r"^[ \t]*((?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)+)")
_MARKER = re.compile(r"[-*+>]|\d{1,9}[.)]")
# Block syntax at a line start; a list item (`- `, `* `, `+ `) is not one: lists are linear.
_MARKER_LINE = re.compile(r"^[ \t]*(?:[:=`~?!#_]|[-*+](?![ \t]))", re.M)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_TAG_OPEN = re.compile(r"<[A-Za-z!/?]")


@dataclass(frozen=True)
class Overrun:
    """Which measure a body exceeds, on which line (1-based within the body), and how."""

    line: int
    message: str
    fix: str


def check_budget(body: str) -> Overrun | None:
    """The first limit `body` exceeds, or None when it renders within the budget."""
    return _nesting(body) or _footnotes(body) or _scan_cost(body)


def _nesting(body: str) -> Overrun | None:
    """A line nested too deep: its list and quote markers plus its indentation (two spaces a
    level) when it starts a list item or a quote."""
    for number, line in enumerate(body.split("\n"), 1):
        match = _BLOCK_START.match(line)
        if not match:
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        depth = len(_MARKER.findall(match.group(1))) + indent // 2
        if depth > MAX_DEPTH:
            return Overrun(number, f"正文嵌套过深（列表或引用约 {depth} 层，上限 {MAX_DEPTH} 层）",
                           "减少列表和引用的嵌套层数；层次很多的内容可改成多个小标题或表格")
    return None


def _footnotes(body: str) -> Overrun | None:
    count = body.count("[^")
    if count > MAX_FOOTNOTE_REFERENCES:
        return Overrun(_line_of(body, _nth(body, "[^", MAX_FOOTNOTE_REFERENCES)),
                       f"正文中的脚注引用“[^”过多（{count} 处，上限 {MAX_FOOTNOTE_REFERENCES} 处）",
                       "减少脚注；参考文献可以写成普通的编号列表")
    return None


def _scan_cost(body: str) -> Overrun | None:
    cost = _open_brackets(body, "[", "]") + _open_brackets(body, "(", ")")
    cost += _open_tags(body) + _marker_lines(body)
    if cost > MAX_SCAN:
        return Overrun(_line_of(body, len(body) - len(body.lstrip())), "正文的 Markdown 结构过于复杂，生成网页会耗时过长（未配对的 [ ( < 符号或成串的标记过多）",
                       "检查正文中是否有大量未配对的方括号、圆括号、尖括号或重复的标记行；"
                       "正常的文字不受影响，可删去这些符号，或把长段落分成几段（段落之间空一行）")
    return None


def _open_brackets(body: str, opener: str, closer: str) -> int:
    """Characters scanned by every `opener` looking for its `closer`: the distance to the matching
    one, or to the end of its paragraph when there is none."""
    if opener not in body:
        return 0
    cost = 0
    for start, end in _paragraphs(body):
        text = body[start:end]
        if opener not in text:
            continue
        stack: list[int] = []
        for index, char in enumerate(text):
            if char == opener:
                stack.append(index)
            elif char == closer and stack:
                cost += index - stack.pop()
        cost += sum(len(text) - index for index in stack)
    return cost


def _open_tags(body: str) -> int:
    """Characters scanned by every tag-like `<` (raw HTML, comments, CDATA, autolinks) to its `>`:
    the HTML preprocessor reads the whole document, so an unclosed one scans to the end."""
    cost = 0
    for match in _TAG_OPEN.finditer(body):
        end = body.find(">", match.end())
        cost += (end if end >= 0 else len(body)) - match.start()
    return cost


def _marker_lines(body: str) -> int:
    """Block-marker lines times the length of their paragraph, for paragraphs with many of them
    (a few per paragraph are ordinary lists, headings and fences)."""
    cost = 0
    for start, end in _paragraphs(body):
        markers = len(_MARKER_LINE.findall(body, start, end))
        if markers > 50:
            cost += markers * (end - start) // 8
    return cost


def _paragraphs(body: str):
    """(start, end) of each run of text between blank lines."""
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        yield start, match.start()
        start = match.end()
    yield start, len(body)


def _nth(text: str, needle: str, n: int) -> int:
    """Index of the (n+1)-th `needle` in `text` (the caller knows there are more than n)."""
    index = -1
    for _ in range(n + 1):
        index = text.find(needle, index + 1)
    return index


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1
