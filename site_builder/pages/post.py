"""The portal's additions around a post body: facts header, Q&A block, neighbours."""

from __future__ import annotations

from html import escape

from ..core.posts import Post
from ..core.qa import days_to_answer
from .links import a
from .listing import PageContext, column_link, date_text, tag_links
from .topics import post_topic_links


def unit_chain(ctx: PageContext, post: Post) -> str:
    """Breadcrumbs of the post's unit: system › province › city › county."""
    unit = ctx.orgs.unit(post.unit_key)
    system = ctx.orgs.systems[post.system]
    chain = [a(f"{system.id}/", post.url, system.name)]
    chain += [a(f"{u.system}/{u.id}/", post.url, u.name) for u in reversed(ctx.orgs.ancestors(unit))]
    chain.append(a(f"{unit.system}/{unit.id}/", post.url, unit.name))
    return " › ".join(chain)


def post_header(ctx: PageContext, post: Post) -> str:
    """Unit (linked, with the units above it), level, date, column, category, tags, author, adoption badges."""
    here = post.url
    unit = ctx.orgs.unit(post.unit_key)
    facts = [
        unit_chain(ctx, post),
        f'<span class="portal-level portal-level-{unit.level}">{unit.level_name}</span>',
        f'<time datetime="{post.date.isoformat()}">{date_text(post.date)}</time>',
        column_link(ctx, post, here),
    ]
    if post.category:
        facts.append(a(f"category/{post.category}/", here, ctx.config.category_name(post.category)))
    if post.author:
        facts.append(f"信息员：{escape(post.author)}")
    html = f'<div class="portal-post-meta" data-pagefind-ignore>{" · ".join(facts)}'
    if post.tags:
        html += f'<p class="portal-post-tags">{tag_links(post.tags, here)}</p>'
    html += post_topic_links(ctx, post, here) + adoption_badges(ctx, post) + "</div>"
    if post.type == "qa":
        html += question_block(post, ctx)
    return html


def adoption_badges(ctx: PageContext, post: Post) -> str:
    badges = []
    for key in post.featured_by:
        adopter = ctx.orgs.unit(key)
        if adopter:
            badges.append(f'<span class="portal-adopted">被{a(f"{adopter.system}/{adopter.id}/", post.url, adopter.name)}采用</span>')
    return f'<p class="portal-adoptions">{" ".join(badges)}</p>' if badges else ""


def question_block(post: Post, ctx: PageContext | None = None) -> str:
    """The question (or suggestion), who asked, when, any transfer (转办), and how long the answer took."""
    label = "意见建议" if post.kind == "suggestion" else "问"
    rows = [f'<p class="portal-question-text"><strong>{label}：</strong>{escape(post.question or "")}</p>']
    facts = []
    if post.kind == "suggestion":
        facts.append('<span class="portal-kind portal-kind-suggestion">意见建议</span>')
    if post.asked_by:
        facts.append(f"提问人：{escape(post.asked_by)}")
    facts.append(f"提问日期：{date_text(post.date)}")
    if post.transferred_from and ctx is not None:
        source = ctx.orgs.unit(post.transferred_from)
        name = a(f"{post.transferred_from}/", post.url, source.name if source else post.transferred_from)
        facts.append(f'<span class="portal-transfer">转办：由{name}于 {date_text(post.transferred_on)} 转来</span>')
    if post.answered:
        facts.append(f"答复日期：{date_text(post.answered)}")
        facts.append(f"用时：{days_to_answer(post)} 天")
    else:
        facts.append('<span class="portal-status-pending">待答复</span>')
    rows.append(f'<p class="portal-question-facts">{" · ".join(facts)}</p>')
    label = "<h2 id=\"portal-answer\">答复</h2>" if post.answered else ""
    return f'<div class="portal-question">{"".join(rows)}</div>{label}'


def post_footer(ctx: PageContext, post: Post) -> str:
    """Newer and older posts of the same unit."""
    newer, older = ctx.site.neighbours.get(post.source, (None, None))
    links = []
    if newer:
        links.append(f'<span>较新：{a(newer.url, post.url, newer.title)}</span>')
    if older:
        links.append(f'<span>较早：{a(older.url, post.url, older.title)}</span>')
    if not links:
        return ""
    return f'<nav class="portal-neighbours" data-pagefind-ignore><p>本单位其他文章</p>{"".join(links)}</nav>'
