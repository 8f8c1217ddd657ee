"""Half-width punctuation inside Chinese sentences (`,;:?!` between Chinese characters).

Staff typing with an English input method write `学习,党员` where Chinese text wants
`学习，党员`. `portal check` warns about each such mark with its line, its column and the
full-width fix (docs/punctuation.md); nothing here stops a build.

The rule, precisely: a mark `,` `;` `:` `?` or `!` is flagged when the nearest character
before it, skipping only spaces, tabs and the emphasis markers `*` and `_`, is a Chinese
character (`is_chinese`: Han ideographs, CJK and full-width punctuation, Chinese quotation
marks), and the nearest character after it on the same line, skipping the same, is a Chinese
character too or there is none (the mark ends the line: `请注意:`, `需要实名吗?`). So `3:00`,
`1,000`, `中文,English`, `English,中文`, `共3人,5人` and English sentences are never flagged. The
fix drops the spaces around the mark (full-width marks carry their own space), but those
ending a line (a Markdown line break), and keeps emphasis markers.

Only text a reader sees is checked. In Markdown: not fenced or indented code blocks, code
spans, HTML tags and comments, link and image targets, reference definitions, autolinks and
bare URLs. In YAML (front matter, register files): not keys, flow collections (`[a, b]`,
where the comma is YAML syntax) nor URLs; values, block scalars and comments are checked.

Every step is one pass over the text (no backtracking regular expression runs twice over the
same characters), so checking is linear in the file's size.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .problems import Problem
from .sourcefile import decode, split_front_matter

# The marks checked, with their names and full-width forms.
MARKS = {",": ("逗号", "，"), ";": ("分号", "；"), ":": ("冒号", "："), "?": ("问号", "？"), "!": ("叹号", "！")}
# Han ideographs (the unified blocks, extension A, compatibility ideographs, extensions B and after),
# CJK symbols and punctuation (、。《》「」【】…), full-width punctuation (，（）：；！？),
# Chinese quotation marks, the ellipsis and the dash used in Chinese text.
CHINESE = ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
           "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
           "\u2018\u2019\u201c\u201d\u2026\u2014")
_CHINESE_CHAR = re.compile(f"[{CHINESE}]")
GAP = " \t*_"  # what may stand between a mark and the Chinese characters around it
# A Chinese character, a gap, one mark, a gap, and (looked ahead, so it can start the next
# match) a Chinese character or the end of the line.
_FLAGGED = re.compile(f"[{CHINESE}]([{GAP}]*)([,;:?!])([{GAP}]*)(?=([{CHINESE}])|$)")
HIDDEN = "\x00"  # stands for a character that is not text (code, a tag, a URL) while scanning
EXCERPT = 8  # characters shown on each side of a mark


def is_chinese(char: str) -> bool:
    """Whether `char` counts as Chinese text around a mark (see the module's rule)."""
    return _CHINESE_CHAR.fullmatch(char) is not None


@dataclass(frozen=True)
class Mark:
    """One half-width mark inside Chinese text: where it is and how it reads fixed.

    `start`/`end` (offsets in the whole text) cover the mark and the spaces around it, which
    the fix drops (full-width punctuation carries its own space); `line` and `column` are
    1-based, the column counting characters of the line.
    """

    line: int
    column: int
    char: str
    start: int
    end: int
    replacement: str
    before: str  # up to EXCERPT characters of text just before the replaced span, on its line
    after: str  # … and just after it (both stop at code, a tag or a URL)

    @property
    def name(self) -> str:
        """The mark's Chinese name (逗号, 分号 …)."""
        return MARKS[self.char][0]

    @property
    def fullwidth(self) -> str:
        """The full-width form of the mark."""
        return MARKS[self.char][1]

    def problem(self, path: str, written: str) -> Problem:
        """The warning for staff: which line and character, what is wrong, the fixed text."""
        return Problem(
            path, self.line,
            f"第 {self.line} 行第 {self.column} 个字符：中文句子里用了半角{self.name}“{self.char}”："
            f"“{self.before}{written}{self.after}”",
            f"改为全角{self.name}“{self.fullwidth}”：“{self.before}{self.replacement}{self.after}”")


# --- finding marks in one line ------------------------------------------------


def marks_in_line(visible: str, line: int, offset: int) -> Iterator[Mark]:
    """The marks of one line whose hidden parts are already `HIDDEN` (`offset`: where the line
    starts in the whole text)."""
    for match in _FLAGGED.finditer(visible):
        start, end = match.start(1), match.end(3)
        after = match.group(3).strip(" \t") if match.group(4) else match.group(3)  # a line's end keeps its spaces
        replacement = match.group(1).strip(" \t") + MARKS[match.group(2)][1] + after
        yield Mark(line, match.start(2) + 1, match.group(2), offset + start, offset + end, replacement,
                   visible[max(0, start - EXCERPT):start].rsplit(HIDDEN, 1)[-1].lstrip(),
                   visible[end:end + EXCERPT].split(HIDDEN, 1)[0].rstrip())


def hide(text: str, pattern: re.Pattern, group: int = 0) -> str:
    """`text` with what `pattern` (its `group`) matches replaced by `HIDDEN`, length kept."""
    def blank(match: re.Match) -> str:
        whole, part = match.group(0), match.span(group)
        begin, end = part[0] - match.start(), part[1] - match.start()
        return whole[:begin] + HIDDEN * (end - begin) + whole[end:]
    return pattern.sub(blank, text)


def hide_code_spans(text: str) -> str:
    """`text` with its code spans hidden: a run of n backticks up to the next run of exactly n
    (CommonMark); a run without a partner is text. One pass: each run looks ahead only to the
    next run of its own length, found from a per-length list."""
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    nexts = {length: 0 for length in by_length}
    chars = list(text)
    covered = -1
    for index, (start, end) in enumerate(runs):
        if start < covered:
            continue
        same = by_length[end - start]
        while nexts[end - start] < len(same) and same[nexts[end - start]] <= index:
            nexts[end - start] += 1
        if nexts[end - start] == len(same):
            continue
        close = runs[same[nexts[end - start]]][1]
        chars[start:close] = HIDDEN * (close - start)
        covered = close
    return "".join(chars)


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # HTML tags and autolinks (`<https://…>`)
_LINK_TARGET = re.compile(r"\]\(([^()\n]*)\)")  # `](target "title")` of links and images
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:(.*)$")  # `[label]: url "title"` (not a footnote)
# A URL up to the next space or `<` (as GFM's autolinks); the look-behind starts it only at the
# beginning of a run of scheme characters, so no run is read twice.
_URL = re.compile(r"(?<![A-Za-z0-9+.-])(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<]*")


def hide_inline(text: str) -> str:
    """One Markdown line with what is not prose hidden: code spans, HTML tags and autolinks,
    link and image targets, reference definitions and bare URLs."""
    text = hide_code_spans(text)
    text = hide(text, _TAG)
    text = hide(text, _REFERENCE, 1)
    text = hide(text, _LINK_TARGET, 1)
    return hide(text, _URL)


def hide_comments(text: str, open_comment: bool) -> tuple[str, bool]:
    """`text` (one line) with HTML comments hidden, and whether a comment is still open at its
    end (`open_comment`: one was open at its start)."""
    parts = []
    position = 0
    while position < len(text):
        if open_comment:
            close = text.find("-->", position)
            end = len(text) if close < 0 else close + 3
            parts.append(HIDDEN * (end - position))
            open_comment = close < 0
        else:
            begin = text.find("<!--", position)
            end = len(text) if begin < 0 else begin
            parts.append(text[position:end])
            if begin >= 0:
                parts.append(HIDDEN * 4)
                end += 4
                open_comment = True
        position = end
    return "".join(parts), open_comment


# --- Markdown -------------------------------------------------------------------

_FENCE = re.compile(r"^ *(`{3,}|~{3,})")
_CONTAINER = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)]|!!!|\?\?\?\+?|===)(?:\s|$)")  # list items, admonitions, tabs


def markdown_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, visible text) of each Markdown line that holds prose, with the rest hidden.

    Fenced code (``` or ~~~, at any indent, closed by a fence of the same kind at least as
    long) is skipped, and so is an indented block (four spaces or a tab) after a blank line
    unless it continues a list item, an admonition or a content tab (MkDocs' extensions).
    """
    fence = ""
    in_container = False
    blank_before = True
    open_comment = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = ""
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            continue
        indented = line.startswith(("    ", "\t"))
        if stripped and not indented:
            in_container = _CONTAINER.match(line) is not None or (in_container and not blank_before)
        code = indented and blank_before and not in_container
        blank_before = not stripped or (code and blank_before)
        if code:
            continue
        visible, open_comment = hide_comments(line, open_comment)
        yield index, hide_inline(visible)


# --- YAML ----------------------------------------------------------------------

_KEY_END = re.compile(r":(?= |$)")  # the colon that ends a mapping key
_ITEM = re.compile(r"(?:- +)+")
_BLOCK_SCALAR = re.compile(r"^ *[|>][-+0-9]* *(?:#.*)?$")


def yaml_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, visible text) of each YAML line, with keys, flow collections and URLs hidden.

    A block scalar (`|` or `>`) holds prose until a line indented no deeper than its key; a
    flow collection (`[…]`, `{…}`) is hidden up to its closing bracket, across lines.
    """
    block_indent = -1  # the key's indent while inside a block scalar
    depth = 0  # open brackets of a flow collection
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent >= 0:
            if not line.strip() or indent > block_indent:
                yield index, hide(line, _URL)
                continue
            block_indent = -1
        if depth:
            depth = _flow_depth(line, depth)
            continue
        if line.lstrip(" ").startswith("#"):
            yield index, hide(line, _URL)
            continue
        visible, value_at = _hide_key(line, indent)
        value = line[value_at:]
        if _BLOCK_SCALAR.match(value):
            block_indent = indent
        if value.lstrip(" ").startswith(("[", "{")):
            depth = _flow_depth(value, 0)
            visible = visible[:value_at] + HIDDEN * len(value)
        yield index, hide(visible, _URL)


def _hide_key(line: str, indent: int) -> tuple[str, int]:
    """The line with its mapping key (if any, after list item dashes) hidden, and where its
    value starts. A key ends at the first colon followed by a space or the line's end; a
    quoted key at its closing quote's colon."""
    item = _ITEM.match(line, indent)
    start = item.end() if item else indent
    quote = line[start:start + 1]
    if quote in ("[", "{"):  # a flow collection as a list item: no key
        return line, start
    search_from = start
    if quote in ("\"", "'"):
        close = line.find(quote, start + 1)
        if close < 0:
            return line, start
        search_from = close + 1
    key_end = _KEY_END.search(line, search_from)
    if key_end is None or " #" in line[start:key_end.start()]:
        return line, start
    end = key_end.end()
    return line[:start] + HIDDEN * (end - start) + line[end:], end


def _flow_depth(text: str, depth: int) -> int:
    """Open brackets after `text`, starting `depth` deep (brackets quoted or in a comment not
    counted)."""
    quote = ""
    previous = " "
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "#" and previous in " \t":
            break
        previous = char
    return depth


# --- whole files -----------------------------------------------------------------


def find_marks(text: str, kind: str = "markdown") -> list[Mark]:
    """Every flagged mark of a file's text; `kind` is "markdown" (front matter read as YAML)
    or "yaml" (a register file)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    if kind == "yaml":
        visible = list(yaml_lines(lines))
    else:
        source = split_front_matter(text)
        body = source.body_line - 1  # the index of the body's first line
        front = [] if source.front is None else lines[1:body - 1] if source.closed else lines[1:]
        visible = [(index + 1, shown) for index, shown in yaml_lines(front)]
        visible += [(index + body, shown) for index, shown in markdown_lines(lines[body:])]
    return [mark for index, shown in visible for mark in marks_in_line(shown, index + 1, starts[index])]


def fixed_text(text: str, marks: list[Mark]) -> str:
    """`text` with each of `marks` (as `find_marks` returns them) replaced by its fix."""
    parts = []
    position = 0
    for mark in sorted(marks, key=lambda m: m.start):
        parts.append(text[position:mark.start])
        parts.append(mark.replacement)
        position = mark.end
    parts.append(text[position:])
    return "".join(parts)


def file_kind(source: str) -> str | None:
    """"markdown", "yaml" or None (not checked) for a content file's name."""
    if source.endswith((".md", ".markdown")):
        return "markdown"
    if source.endswith((".yml", ".yaml")):
        return "yaml"
    return None


def file_problems(source: str, text: str) -> list[Problem]:
    """The warnings of one content file (`source`: its path relative to the content folder)."""
    kind = file_kind(source)
    if kind is None:
        return []
    return [mark.problem(source, text[mark.start:mark.end]) for mark in find_marks(text, kind)]


def punctuation_warnings(content_dir: str, sources: list[str]) -> list[Problem]:
    """The warnings of the named content files; a file that cannot be read or decoded is left
    to the other checks, which report it."""
    problems: list[Problem] = []
    for source in sorted(sources):
        if file_kind(source) is None:
            continue
        try:
            with open(os.path.join(content_dir, source), "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        text, problem = decode(data, source)
        if text is not None and problem is None:
            problems.extend(file_problems(source, text))
    return problems
