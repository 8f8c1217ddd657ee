"""Search records: what is indexed and shown for each post and ordinary page (no mkdocs import)."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from operator import add
from typing import NamedTuple

from ..config import LEVEL_ORDER, LEVELS, REGISTER_TYPES
from ..core.urls import page_url
from .index_files import fold

# Filter names as readers see them, with the URL parameter that carries each.
FILTERS = (("system", "系统"), ("level", "层级"), ("city", "所属市"), ("column", "栏目"), ("year", "年份"))

# Chinese is indexed as overlapping character pairs (bigrams): "乡村振兴" is the words
# 乡村 村振 振兴 兴 (a run's last character closes it, so pairs of different runs are never
# adjacent), and every Han character of a text is listed once more at its end, so a
# one-character query is one exact word too. The search page turns a run of Chinese characters
# into the exact phrase of its pairs ("乡村 村振 振兴"): a query finds exactly the texts that
# contain it, and each pair is far rarer than a single character, so a query downloads little.
# Word segmentation would need the same segmenter at index time (Pagefind's zh: jieba) and in
# the browser (Intl.Segmenter), and the two disagree (营商环境 vs 营|商|环境): such queries found
# nothing. No segmenter runs at index time: the words go straight into the index files
# (`index_files`), and each result fragment keeps the readable text, from which the
# search page makes the excerpt.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(f"([{HAN}]+)|([^\\W{HAN}]+)")  # (Han run, other word)
_BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|"
                        r"blockquote|pre|br|hr|figure|figcaption|details|summary|section|article)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u3000]+")
_LINES = re.compile(r"\s*\n\s*")



class RecordInputs(NamedTuple):
    """What a post's search record is made from: its fields that show in the record and its
    rendered body, as plain data (JSON: a search worker receives them, see `search.PostIndexing`)."""

    url: str
    title: str
    question: str
    html: str
    tags: tuple
    plan: tuple  # `plan_text` of a 联创项目
    system: str
    unit_key: str
    type: str
    date: str  # ISO 8601, with its offset
    image: str | None


class PostFacets(NamedTuple):
    """The fields of a post `Records.filters` reads."""

    system: str
    unit_key: str
    type: str
    date: datetime


@dataclass(frozen=True)
class SearchRecord:
    """One searchable document: what Pagefind indexes and what a result shows."""

    url: str  # site-relative, e.g. `tax/np/2026/rally/`
    content: str
    meta: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)



def html_text(fragment: str) -> str:
    """Readable plain text of an HTML fragment: block tags become line breaks."""
    fragment = _PAGE_CHROME.sub("", fragment)  # the ¶ permalinks of headings are not text
    text = html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub("\n", fragment)))
    return _LINES.sub("\n", _SPACES.sub(" ", text)).strip()


def index_words(text: str, tail: bool = True) -> list[str]:
    """The words indexed for a text: Han runs as overlapping character pairs closed by their
    last character, other words folded (`fold`), then (with `tail`) every Han character once."""
    words: list[str] = []
    closing: set[str] = set()
    chars: set[str] = set()
    append, extend = words.append, words.extend
    for run, word in _TOKEN.findall(text):
        if not run:
            append(word if word.isascii() and word.islower() else fold(word))
            continue
        extend(map(add, run, run[1:]))  # the pairs, made in C
        append(run[-1])
        closing.add(run[-1])
        chars.update(run)
    if tail:
        extend(sorted(chars - closing))
    return words


def common_part(names: list[str]) -> str:
    """The longest substring shared by all names ("" when they share fewer than two characters)."""
    first, best = min(names, key=len), ""
    for start in range(len(first)):
        for end in range(len(first), start + len(best), -1):
            if all(first[start:end] in name for name in names):
                best = first[start:end]
                break
    return best if len(best) >= 2 else ""


_CITY_PREFIX = re.compile(r"^(.{2,3}?市)")


def city_names(orgs) -> dict[str, str]:
    """Reader-facing city of each city-level unit (`system/unit` → e.g. 南平市).

    City units of different systems that share an id (`np`) are one city: its name is
    what their names share (国家税务总局南平市税务局, 南平市文旅局 → 南平市). A city unit
    alone under its id gives its leading “…市”, or else its whole name.
    """
    groups: dict[str, list] = {}
    for unit in orgs.units():
        if unit.level == "city":
            groups.setdefault(unit.id, []).append(unit)
    names = {}
    for units in groups.values():
        shared = common_part([u.name for u in units]) if len(units) > 1 else ""
        shared = shared.strip() if shared and not shared.startswith("市") else ""
        for unit in units:
            alone = _CITY_PREFIX.match(unit.name)
            name = shared or (alone.group(1) if alone else unit.name)
            names[unit.key] = name if name.endswith("市") or not shared else name + "市"
    return names


class Records:
    """Turns the build's posts into search records (text, result fields, filters)."""

    def __init__(self, build):
        self.build, self.orgs, self.config = build, build.portal.orgs, build.config
        self.cities = city_names(self.orgs)

    def city(self, unit) -> str | None:
        """The city a unit belongs to (its own for a city unit), None for a province unit."""
        for candidate in [unit, *self.orgs.ancestors(unit)]:
            if candidate.level == "city":
                return self.cities[candidate.key]
        return None

    def filters(self, post) -> dict[str, list[str]]:
        """系统, 层级, 所属市, 栏目, 年份 of a post (所属市 missing for province units)."""
        unit = self.orgs.unit(post.unit_key)
        found = {"系统": [self.orgs.systems[post.system].name], "层级": [unit.level_name],
                 "栏目": [self.config.column_name(post.type)], "年份": [str(post.date.year)]}
        city = self.city(unit)
        if city:
            found["所属市"] = [city]
        return found

    def record(self, post) -> SearchRecord:
        """The search record of one published post: its text, what a result shows, its filters."""
        return self.record_of(self.inputs(post))

    def inputs(self, post) -> RecordInputs:
        """What the record of a published post is made from (plain data, see `RecordInputs`)."""
        rendered = self.build.rendered[post.source]
        return RecordInputs(post.url, post.title, post.question or "", rendered.html, tuple(post.tags),
                            tuple(plan_text(post)), post.system, post.unit_key, post.type, post.date.isoformat(),
                            rendered.image)

    def record_of(self, inputs: RecordInputs) -> SearchRecord:
        """The search record made from a post's `inputs`."""
        unit = self.orgs.unit(inputs.unit_key)
        date = datetime.fromisoformat(inputs.date)
        parts = [inputs.title, inputs.question, html_text(inputs.html), "、".join(inputs.tags), *inputs.plan]
        meta = {"title": inputs.title, "unit": unit.name, "date": date.strftime("%Y-%m-%d"),
                "column": self.config.column_name(inputs.type)}
        if inputs.image:
            meta["image"] = inputs.image
        return SearchRecord(inputs.url, "\n".join(p for p in parts if p), meta,
                            self.filters(PostFacets(inputs.system, inputs.unit_key, inputs.type, date)))

    def filter_values(self) -> list[tuple[str, str, list[str]]]:
        """(URL parameter, filter name, values in reading order) of every filter, for the page's selects."""
        seen: dict[str, set] = {label: set() for _, label in FILTERS}
        for post in self.build.portal.posts:
            for label, values in self.filters(post).items():
                seen[label].update(values)
        order = {
            "系统": [s.name for s in self.orgs.systems.values()],
            "层级": [LEVELS[level] for level in LEVEL_ORDER],
            "所属市": list(dict.fromkeys(self.cities.values())),
            "栏目": [*self.config.columns.values(), *REGISTER_TYPES.values()],
            "年份": sorted(seen["年份"], reverse=True),
        }
        return [(param, label, [v for v in order[label] if v in seen[label]]) for param, label in FILTERS]


def plan_text(post) -> list[str]:
    """What a 联创项目 says besides its body: 工作要求, 成果检验, the responsible leader."""
    plan = getattr(post, "plan", None)
    return [t for t in (plan.goal, plan.measure, plan.lead) if t] if plan is not None else []


def searchable_pages(build) -> list[str]:
    """Ordinary pages worth finding (about, 投稿指南 …) and the registers' pages in the navigation
    (联创项目, 挂点帮带, 属地, 责任名册); the home page is a listing."""
    from ..registers_pages import searchable_register_pages

    return sorted([p for p in build.portal.pages if p != "index.md"] + searchable_register_pages(build))


_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.S)
_PAGE_TITLE = re.compile(r"<h1\b[^>]*>(.*?)</h1>|<title>(.*?)</title>", re.S)
_PAGE_CHROME = re.compile(r'<a\b[^>]*class="(?:headerlink|md-content__button[^"]*)"[^>]*>.*?</a>', re.S)


def built_page(site_dir: str, source: str) -> SearchRecord | None:
    """The search record of an ordinary page, read from its built HTML (the article only)."""
    url = page_url(source)
    path = os.path.join(site_dir, url, "index.html") if url.endswith("/") or not url else os.path.join(site_dir, url)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        page = handle.read()
    article = _ARTICLE.search(page)
    body = _PAGE_CHROME.sub("", article.group(1) if article else page)
    title = _PAGE_TITLE.search(body) or _PAGE_TITLE.search(page)
    title_text = html_text(next(g for g in title.groups() if g is not None)) if title else url
    return SearchRecord(url, html_text(body), {"title": title_text})
