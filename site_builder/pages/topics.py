"""Topic (专题) pages: `/topics/` (active first, then the others) and `/topics/<id>/`
(banner, introduction, period, member posts), and the active-topics block of the home page."""

from __future__ import annotations

from html import escape

from ..core.topics import Topic, active_first
from .links import a, href
from .listing import PageContext, feed_links, post_list, section

STATUS_CLASS = {"进行中": "active", "即将开始": "upcoming", "已结束": "past"}


def status_text(topic: Topic, ctx: PageContext) -> str:
    """进行中, 即将开始 or 已结束 at the build's reference time."""
    if topic.active(ctx.now):
        return "进行中"
    return "即将开始" if topic.start > ctx.now.date() else "已结束"


def status_badge(topic: Topic, ctx: PageContext) -> str:
    text = status_text(topic, ctx)
    return f'<span class="portal-topic-status portal-topic-{STATUS_CLASS[text]}">{text}</span>'


def topic_by_id(ctx: PageContext, ident: str) -> Topic | None:
    return next((t for t in ctx.config.topics if t.id == ident), None)


def topic_item(ctx: PageContext, topic: Topic, here: str, count: int | None = None) -> str:
    """One topic in a list: title (linked), status, period, number of posts."""
    posts = f" · {count} 篇" if count is not None else ""
    return (f'<li class="portal-item portal-topic-item"><div class="portal-item-text">'
            f'<p class="portal-item-title">{a(topic.url, here, topic.title)} {status_badge(topic, ctx)}</p>'
            f'<p class="portal-item-meta">时间：{escape(topic.period_text())}{posts}</p></div></li>')


def render_topics(ctx: PageContext, view) -> str:
    """The `/topics/` index: active topics first, then upcoming and past ones (newest start first)."""
    here, counts = view.url, view.extra.get("counts", {})
    active, others = active_first(ctx.config.topics, ctx.now)
    parts = []
    for heading, topics in (("进行中的专题", active), ("往期专题", others)):
        items = "".join(topic_item(ctx, t, here, counts.get(t.id)) for t in topics)
        parts.append(section(heading, f'<ul class="portal-list portal-topics">{items}</ul>' if items
                             else '<p class="portal-empty">暂无</p>'))
    return "".join(parts)


def render_topic(ctx: PageContext, view) -> str:
    """One topic: banner, period and introduction on page 1, then its posts, newest first."""
    here, topic = view.url, topic_by_id(ctx, view.extra["topic"])
    if topic is None:
        return ""
    parts = []
    if view.number == 1:
        if topic.banner:
            parts.append(f'<p class="portal-topic-banner"><img src="{escape(href(topic.banner, here))}" '
                         f'alt="{escape(topic.title)}"></p>')
        parts.append(f'<p class="portal-topic-period">时间：{escape(topic.period_text())} {status_badge(topic, ctx)}</p>')
        parts.append(f'<div class="portal-topic-intro">{view.extra.get("intro", "")}</div>')
    parts.append(section(f"专题文章（共 {view.total} 篇）", post_list(ctx, view.posts, here, "本专题暂无文章")))
    if view.number == 1:
        parts.append(feed_links(view.feeds, here))
    return "".join(parts)


def active_topics_block(ctx: PageContext, here: str) -> str:
    """The home page's 专题 block: every active topic (empty when none runs)."""
    active, _ = active_first(ctx.config.topics, ctx.now)
    if not active:
        return ""
    items = "".join(topic_item(ctx, t, here) for t in active)
    return section("专题", f'<ul class="portal-list portal-topics">{items}</ul><p>{a("topics/", here, "全部专题 ›")}</p>')


def post_topic_links(ctx: PageContext, post, here: str) -> str:
    """`专题：…` links of a post page (empty when the post joins no topic)."""
    links = [a(t.url, here, t.title) for t in (topic_by_id(ctx, i) for i in post.topics) if t]
    return f'<p class="portal-post-topics">专题：{" · ".join(links)}</p>' if links else ""


RENDERERS = {"topics": render_topics, "topic": render_topic}
