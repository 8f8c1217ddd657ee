"""The home page: a portal front page made of small blocks, still one static page.

A block is a `HomeBlock` (title, HTML body, "更多" link, order). The home page's own blocks are
the functions in `BLOCKS` below; a feature module (extras.feature_modules) adds its own by
offering `home_blocks(build) -> list[HomeBlock]` (the bulletin's figures, the active projects,
…), collected by outputs.home_blocks. Blocks are sorted by `order`, then key; a block with
nothing to show returns None and is left out. Lists are titles and dates only (no summaries,
one picture at most), so the page stays light on a phone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from ..config import LEVEL_ORDER, LEVELS
from ..core.home import PER_BLOCK, PER_LEVEL
from ..core.posts import Post
from ..core.qa import days_waiting, is_overdue
from ..core.views import View
from .links import a, href
from .listing import PageContext, date_text, feed_links

HEADLINES = 7  # titles beside the headline picture
PENDING = 5  # pending questions shown


@dataclass(frozen=True)
class HomeBlock:
    """One block of the home page."""

    key: str  # [a-z0-9-]+: the block's id on the page (#home-<key>) and its class
    title: str
    body: str  # HTML
    more: str = ""  # site path of the full listing ("更多 ›"); empty: none
    order: int = 50  # smaller comes first
    wide: bool = False  # spans the whole width


def block_html(block: HomeBlock, here: str) -> str:
    """A block as a titled section with its "更多" link."""
    more = a(block.more, here, "更多 ›", "portal-block-more") if block.more else ""
    wide = " portal-block--wide" if block.wide else ""
    return (f'<section class="portal-block portal-block--{block.key}{wide}" id="home-{block.key}" '
            f'aria-labelledby="home-{block.key}-title"><div class="portal-block-head">'
            f'<h2 class="portal-block-title" id="home-{block.key}-title">{escape(block.title)}</h2>{more}</div>'
            f"{block.body}</section>")


def title_list(ctx: PageContext, posts: list[Post], here: str, unit: bool = True) -> str:
    """Newest posts as one line each: title, then unit and date in small print."""
    if not posts:
        return '<p class="portal-empty">暂无文章</p>'
    return '<ul class="portal-titles">' + "".join(title_item(ctx, p, here, unit) for p in posts) + "</ul>"


def unit_name(ctx: PageContext, key: str) -> str:
    """The Chinese name of a unit (its key when the registry does not know it)."""
    unit = ctx.orgs.unit(key)
    return unit.name if unit is not None else key


def title_item(ctx: PageContext, post: Post, here: str, unit: bool = True) -> str:
    who = f'<span class="portal-titles-unit">{escape(unit_name(ctx, post.unit_key))}</span>' if unit else ""
    return (f'<li><p class="portal-item-title">{a(post.url, here, post.title)}</p>'
            f'<p class="portal-titles-meta">{who}<time datetime="{post.date.isoformat()}">{date_text(post.date)}</time>'
            f"</p></li>")


# -- the home page's own blocks ----------------------------------------------------------


def headlines(ctx: PageContext, view: View) -> HomeBlock | None:
    """要闻: the newest post with a picture, beside the newest titles of the whole site."""
    posts = view.posts
    if not posts:
        return None
    here = view.url
    pictured = next((p for p in posts if ctx.images.get(p.source)), None)
    lead = ""
    if pictured is not None:
        lead = (f'<article class="portal-lead"><a class="portal-lead-picture" href="{escape(href(pictured.url, here))}" '
                f'tabindex="-1" aria-hidden="true"><img src="{escape(href(ctx.images[pictured.source], here))}" alt="" '
                f'decoding="async"></a><div class="portal-lead-text"><h3 class="portal-lead-title">'
                f"{a(pictured.url, here, pictured.title)}</h3>"
                f'<p class="portal-titles-meta">{escape(unit_name(ctx, pictured.unit_key))} · {date_text(pictured.date)}</p>'
                f'<p class="portal-lead-summary">{escape(pictured.summary or "")}</p></div></article>')
    rest = [p for p in posts if p is not pictured][:HEADLINES]
    plain = "" if lead else " portal-headlines--plain"
    body = f'<div class="portal-headlines{plain}">{lead}{title_list(ctx, rest, here)}</div>'
    return HomeBlock("headlines", "最新文章", body, "news/" if "news" in ctx.config.columns else "", order=10,
                     wide=True)


def topics(ctx: PageContext, view: View) -> HomeBlock | None:
    """专题: every topic running today (none: no block)."""
    from ..core.topics import active_first
    from .topics import topic_item

    active, _ = active_first(ctx.config.topics, ctx.now)
    if not active:
        return None
    items = "".join(topic_item(ctx, topic, view.url) for topic in active)
    return HomeBlock("topics", "专题", f'<ul class="portal-list portal-topics">{items}</ul>', "topics/", order=11,
                     wide=True)


def columns(ctx: PageContext, view: View) -> list[HomeBlock]:
    """The newest posts of each column (有问必答 has its own block)."""
    blocks = []
    for index, (column, name) in enumerate(ctx.config.columns.items()):
        if column == "qa":
            continue
        posts = view.extra.get("by_column", {}).get(column, [])[:PER_BLOCK]
        if posts:
            blocks.append(HomeBlock(f"column-{column}", name, title_list(ctx, posts, view.url), f"{column}/",
                                    order=20 + index))
    return blocks


def questions(ctx: PageContext, view: View) -> HomeBlock | None:
    """有问必答: the questions waiting longest (逾期 marked), and the newest answers."""
    if "qa" not in ctx.config.columns:
        return None
    here, limit = view.url, ctx.config.qa_overdue_workdays
    pending = view.extra.get("pending_questions", [])
    answered = view.extra.get("answered_questions", [])
    if not pending and not answered:
        return None
    items = []
    for question in pending[:PENDING]:
        overdue = is_overdue(question, ctx.now, limit)
        mark = '<span class="portal-overdue">逾期</span> ' if overdue else ""
        items.append(f'<li><p class="portal-item-title">{mark}{a(question.url, here, question.title)}</p>'
                     f'<p class="portal-titles-meta"><span class="portal-titles-unit">{escape(unit_name(ctx, question.unit_key))}</span>'
                     f"已等待 {days_waiting(question, ctx.now)} 个工作日</p></li>")
    head = (f'<p class="portal-qa-count">待答复 <strong>{len(pending)}</strong> 个'
            f'{"，其中逾期 <strong>" + str(sum(is_overdue(q, ctx.now, limit) for q in pending)) + "</strong> 个" if pending else ""}'
            f' · {a("qa/ask/", here, "我要提问")}</p>')
    pending_html = f'<ul class="portal-titles">{"".join(items)}</ul>' if items else ""
    answers = (f'<h3 class="portal-block-sub">最新答复</h3>{title_list(ctx, answered[:2], here)}' if answered else "")
    return HomeBlock("qa", ctx.config.column_name("qa"), head + pending_html + answers, "qa/", order=15)


def levels(ctx: PageContext, view: View) -> HomeBlock | None:
    """三级联动: the newest posts of the province, city and county units side by side."""
    by_level = view.extra.get("by_level", {})
    if not any(by_level.values()):
        return None
    parts = []
    for level in LEVEL_ORDER:
        posts = by_level.get(level, [])[:PER_LEVEL]
        parts.append(f'<div class="portal-level-column"><h3 class="portal-block-sub">'
                     f'<span class="portal-level portal-level-{level}">{LEVELS[level]}</span> '
                     f'{a(f"level/{level}/", view.url, "更多 ›", "portal-block-more")}</h3>'
                     f"{title_list(ctx, posts, view.url)}</div>")
    return HomeBlock("levels", "三级联动", f'<div class="portal-levels">{"".join(parts)}</div>', order=40, wide=True)


def adopted(ctx: PageContext, view: View) -> HomeBlock | None:
    """上级采用: the newest posts a higher unit adopted, with who adopted them."""
    posts = view.extra.get("adopted", [])[:PER_BLOCK]
    if not posts:
        return None
    here, items = view.url, []
    for post in posts:
        by = "、".join(unit_name(ctx, key) for key in post.featured_by)
        items.append(f'<li><p class="portal-item-title">{a(post.url, here, post.title)}</p>'
                     f'<p class="portal-titles-meta"><span class="portal-adopted">{escape(by)}采用</span>'
                     f'<time datetime="{post.date.isoformat()}">{date_text(post.date)}</time></p></li>')
    return HomeBlock("adopted", "上级采用", f'<ul class="portal-titles">{"".join(items)}</ul>', order=30)


def systems(ctx: PageContext, view: View) -> HomeBlock | None:
    """各系统: every system with its units and posts, linking its page."""
    if not ctx.orgs.systems:
        return None
    cards = []
    for system in ctx.orgs.systems.values():
        count = sum(len(ctx.site.by_unit.get(u.key, [])) for u in system.units.values())
        cards.append(f'<li>{a(f"{system.id}/", view.url, system.name, "portal-system-name")}'
                     f'<span class="portal-titles-meta">{len(system.units)} 个单位 · {count} 篇</span></li>')
    return HomeBlock("systems", "各系统", f'<ul class="portal-systems">{"".join(cards)}</ul>', order=60, wide=True)


BLOCKS: list[Callable[[PageContext, View], HomeBlock | list[HomeBlock] | None]] = [
    headlines, topics, questions, columns, adopted, levels, systems]


def home_blocks(ctx: PageContext, view: View, contributed: list[HomeBlock]) -> list[HomeBlock]:
    """The home page's blocks and those feature modules contribute, in page order."""
    found: list[HomeBlock] = list(contributed)
    for make in BLOCKS:
        made = make(ctx, view)
        if isinstance(made, list):
            found.extend(made)
        elif made is not None:
            found.append(made)
    return sorted(found, key=lambda block: (block.order, block.key))


def home_html(ctx: PageContext, view: View, contributed: list[HomeBlock]) -> str:
    """HTML body the builder adds to the staff's own home text (content/index.md)."""
    blocks = "".join(block_html(block, view.url) for block in home_blocks(ctx, view, contributed))
    return f'<div class="portal-home">{blocks}</div>' + feed_links(view.feeds, view.url)
