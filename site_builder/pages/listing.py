"""Listing pages: home, system, unit, level, column, category, tag, Q&A."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from ..config import LEVEL_ORDER, LEVELS, PortalConfig
from ..core.orgs import Orgs, System, Unit
from ..core.posts import Post
from ..core.qa import WORKDAY_RULE, answer_due, days_text, days_to_answer, days_waiting, is_overdue, qa_figures
from ..core.registers.registry import Registers
from ..core.urls import column_url, tag_slug
from ..core.views import Feed, Site, View
from .incentives import unit_incentives
from .links import a, href


@dataclass
class PageContext:
    """What every fragment needs to know about the site."""

    orgs: Orgs
    config: PortalConfig
    site: Site
    now: datetime
    images: dict[str, str]  # post source → source path of its first image
    registers: Registers | None = None  # 联创台账: pairings, groups, projects
    incentives: object = None  # core.incentives.Incentives: assessment results and honours on unit pages


def date_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def post_item(ctx: PageContext, post: Post, here: str) -> str:
    """One entry of a listing: title, unit, level, date, column, summary, picture."""
    unit = ctx.orgs.unit(post.unit_key)
    image = ctx.images.get(post.source)
    picture = (f'<img class="portal-thumb" src="{escape(href(image, here))}" alt="" loading="lazy">'
               if image else "")
    summary = post.question if post.type == "qa" and post.question else post.summary
    return (
        f'<li class="portal-item">{picture}<div class="portal-item-text">'
        f'<p class="portal-item-title">{a(post.url, here, post.title)}</p>'
        f'<p class="portal-item-meta">{a(f"{unit.system}/{unit.id}/", here, unit.name)}'
        f' · <span class="portal-level portal-level-{unit.level}">{unit.level_name}</span>'
        f' · <time datetime="{post.date.isoformat()}">{date_text(post.date)}</time>'
        f' · {column_link(ctx, post, here)}</p>'
        f'<p class="portal-item-summary">{escape(summary or "")}</p></div></li>'
    )


def column_link(ctx: PageContext, post: Post, here: str) -> str:
    """Link to the post's column: a column its system keeps for itself lists at `/<system>/<column>/`."""
    system = ctx.orgs.systems.get(post.system)
    own = system.columns.get(post.type) if system is not None else None
    if own:
        return a(f"{post.system}/{post.type}/", here, own)
    return a(column_url(post.type), here, ctx.config.column_name(post.type))


def qa_marks(ctx: PageContext, question: Post, here: str) -> str:
    """The 意见建议 badge and the 转办 note of a question in a list (empty for a plain question)."""
    marks = ""
    if question.kind == "suggestion":
        marks += ' · <span class="portal-kind portal-kind-suggestion">意见建议</span>'
    if question.transferred_from:
        source = ctx.orgs.unit(question.transferred_from)
        name = source.name if source else question.transferred_from
        marks += (f' · <span class="portal-transfer">由{a(f"{question.transferred_from}/", here, name)}'
                  f'于 {date_text(question.transferred_on)} 转办</span>')
    return marks


def post_list(ctx: PageContext, posts: list[Post], here: str, empty: str = "暂无文章") -> str:
    if not posts:
        return f'<p class="portal-empty">{escape(empty)}</p>'
    return '<ul class="portal-list">' + "".join(post_item(ctx, p, here) for p in posts) + "</ul>"


def feed_links(feeds: list[Feed], here: str) -> str:
    """Visible subscribe links of a listing."""
    if not feeds:
        return ""
    items = "".join(
        f'<li>{escape(f.title)}：{a(f.rss, here, "RSS", "portal-feed")} · {a(f.atom, here, "Atom", "portal-feed")}</li>'
        for f in feeds)
    return f'<div class="portal-feeds"><p>订阅：</p><ul>{items}</ul></div>'


def pager(view: View, here: str) -> str:
    if view.count <= 1:
        return ""
    parts = []
    if view.number > 1:
        parts.append(a(view.page_link(view.number - 1), here, "‹ 上一页"))
    parts.append(f"<span>第 {view.number} / {view.count} 页</span>")
    if view.number < view.count:
        parts.append(a(view.page_link(view.number + 1), here, "下一页 ›"))
    return '<nav class="portal-pager" data-pagefind-ignore>' + " ".join(parts) + "</nav>"


def crumbs(view: View) -> str:
    if not view.crumbs:
        return ""
    links = " › ".join(a(url, view.url, title) for title, url in view.crumbs)
    return f'<p class="portal-crumbs">{links} › {escape(view.title)}</p>'


def section(title: str, body: str) -> str:
    return f'<section class="portal-section"><h2>{escape(title)}</h2>{body}</section>'


def unit_tree(ctx: PageContext, system: System, here: str) -> str:
    """The system's units as a nested list: province › cities › counties."""
    def branch(unit: Unit) -> str:
        count = len(ctx.site.by_unit.get(unit.key, []))
        label = f'{a(f"{unit.system}/{unit.id}/", here, unit.name)} <small>{unit.level_name} · {count} 篇</small>'
        kids = ctx.orgs.children(unit)
        inner = "<ul>" + "".join(branch(k) for k in kids) + "</ul>" if kids else ""
        return f"<li>{label}{inner}</li>"
    return '<ul class="portal-tree">' + "".join(branch(u) for u in system.roots()) + "</ul>"


def render_view(ctx: PageContext, view: View) -> str:
    """HTML body of a generated listing page."""
    renderer = _RENDERERS.get(view.kind, _plain)
    return crumbs(view) + renderer(ctx, view) + pager(view, view.url)


def plain_view_inputs(ctx: PageContext, view: View) -> str | None:
    """Everything a listing drawn by `_plain` reads besides orgs.yml and the configuration, as
    text (None for listings drawn otherwise): the page cache keys such pages by it, so an
    unchanged listing is linked without drawing it. Keep in step with `_plain`, `post_item`,
    `crumbs`, `feed_links` and `pager`."""
    if view.kind in _RENDERERS:
        return None
    posts = [(p.identity(), ctx.images.get(p.source)) for p in view.posts]  # identity: every field shown
    feeds = [(f.title, f.rss, f.atom) for f in view.feeds]
    return repr((view.kind, view.url, view.title, view.crumbs, view.total, view.number, view.count, view.base_url,
                 feeds, posts))


def _plain(ctx: PageContext, view: View) -> str:
    heading = f"共 {view.total} 篇" if view.total else ""
    return (f'<p class="portal-count">{heading}</p>' + post_list(ctx, view.posts, view.url)
            + (feed_links(view.feeds, view.url) if view.number == 1 else ""))


def _home(ctx: PageContext, view: View) -> str:
    """The home page's blocks (pages/home.py; the plugin adds those of feature modules)."""
    from .home import home_html

    return home_html(ctx, view, [])


def _system(ctx: PageContext, view: View) -> str:
    here = view.url
    head = ""
    if view.number == 1:
        head = section(f"组织架构（{view.system.kind_name}）", unit_tree(ctx, view.system, here))
        own = [a(f"{view.system.id}/{c}/", here, name) for c, name in view.system.columns.items()]
        head += f'<p class="portal-system-columns">本系统栏目：{" · ".join(own)}</p>' if own else ""
    if view.number == 1:
        from .registers import system_projects
        head += system_projects(ctx, view.system, here)
    return head + section(f"全系统动态（共 {view.total} 篇）", post_list(ctx, view.posts, here)) + (
        feed_links(view.feeds, here) if view.number == 1 else "")


def _unit(ctx: PageContext, view: View) -> str:
    here, unit = view.url, view.unit
    parts = [f'<p class="portal-unit-meta">{escape(ctx.orgs.systems[unit.system].name)} · {unit.level_name}</p>']
    if view.number == 1:
        from .registers import unit_duty
        parts.append(unit_duty(ctx, unit, here))  # 责任与联络, 属地
    parts.append(section(f"本单位文章（共 {view.total} 篇）", post_list(ctx, view.posts, here)))
    if view.number == 1:
        if ctx.orgs.children(unit):
            parts.append(section("下级动态", post_list(ctx, view.sections.get("lower", []), here, "下级单位暂无文章")))
        if unit.parent:
            parts.append(section("上级动态", post_list(ctx, view.sections.get("upper", []), here, "上级单位暂无文章")))
        qa_line = unit_qa_line(ctx, unit, here)
        if qa_line:
            parts.append(section("有问必答", qa_line))
        from .registers import unit_registers
        parts.append(unit_registers(ctx, unit, here))  # pairings, groups, projects
        adopted = ctx.site.adopted.get(unit.key, [])
        if adopted:
            parts.append(section("本单位采用的稿件", post_list(ctx, adopted, here)))
        parts.append(unit_incentives(ctx.incentives, unit, here))
        parts.append(feed_links(view.feeds, here))
    return "".join(parts)


def _qa(ctx: PageContext, view: View) -> str:
    here = view.url
    limit = ctx.config.qa_overdue_workdays
    parts = []
    if view.number == 1:
        pending = view.sections.get("pending", [])
        items = "".join(_pending_item(ctx, q, here, limit) for q in pending)
        parts.append(section(f"待答复（{len(pending)}）",
                             f'<ul class="portal-list">{items}</ul>' if items else '<p class="portal-empty">没有待答复的问题</p>'))
        parts.append(f'<p class="portal-note">超过 {limit} 个工作日未答复的问题标为“逾期”'
                     f'（{WORKDAY_RULE}）。'
                     f'{a("qa/ask/", here, "如何提问 ›")}</p>')
    answered = "".join(_answered_item(ctx, q, here) for q in view.posts)
    parts.append(section(f"已答复（{view.total}）",
                         f'<ul class="portal-list">{answered}</ul>' if answered else '<p class="portal-empty">暂无已答复的问题</p>'))
    if view.number == 1:
        if view.base_url not in KIND_URLS:  # the per-unit figures count every kind
            parts.append(_qa_unit_figures(ctx, view))
        parts.append(_qa_filters(ctx, view))
        parts.append(feed_links(view.feeds, here))
    return "".join(parts)


KIND_URLS = ("qa/question/", "qa/suggestion/")


def unit_questions(ctx: PageContext, unit: Unit) -> list[Post]:
    return [p for p in ctx.site.by_unit.get(unit.key, []) if p.type == "qa"]


def unit_qa_line(ctx: PageContext, unit: Unit, here: str) -> str:
    """A unit's Q&A figures in one line (empty when nobody asked it anything)."""
    questions = unit_questions(ctx, unit)
    if not questions:
        return ""
    f = qa_figures(questions, ctx.now, ctx.config.qa_overdue_workdays, ctx.config.calendar)
    return (f'<p class="portal-qa-figures">已答复 <strong>{f.answered}</strong> 个 · '
            f'答复用时中位数 <strong>{days_text(f.median_days)}</strong> 天 · 待答复 <strong>{f.pending}</strong> 个 · '
            f'逾期 <strong>{f.overdue}</strong> 个 · {a(f"qa/{unit.system}/{unit.id}/", here, "查看问题")}</p>')


def _qa_unit_figures(ctx: PageContext, view: View) -> str:
    """Per-unit answered count, median days and overdue count of the units this page covers."""
    if view.unit:
        return section("本单位答复情况", unit_qa_line(ctx, view.unit, view.url))
    units = view.system.units.values() if view.system else ctx.orgs.units()
    rows = []
    for unit in units:
        questions = unit_questions(ctx, unit)
        if questions:
            f = qa_figures(questions, ctx.now, ctx.config.qa_overdue_workdays, ctx.config.calendar)
            rows.append(f'<tr><td>{a(f"qa/{unit.system}/{unit.id}/", view.url, unit.name)}</td><td>{f.answered}</td>'
                        f'<td>{days_text(f.median_days)}</td><td>{f.pending}</td><td>{f.overdue}</td></tr>')
    if not rows:
        return ""
    table = ('<div class="portal-table-wrap portal-qa-units"><table><thead><tr><th>答复单位</th><th>已答复</th>'
             f'<th>答复用时中位数/天</th><th>待答复</th><th>逾期</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    return section("各单位答复情况", table)


def _pending_item(ctx: PageContext, question: Post, here: str, limit: int) -> str:
    unit = ctx.orgs.unit(question.unit_key)
    waited = days_waiting(question, ctx.now, ctx.config.calendar)
    overdue = is_overdue(question, ctx.now, limit, ctx.config.calendar)
    mark = '<span class="portal-overdue">逾期</span> ' if overdue else ""
    return (f'<li class="portal-item portal-pending-item{" portal-is-overdue" if overdue else ""}">'
            f'<div class="portal-item-text"><p class="portal-item-title">{mark}{a(question.url, here, question.title)}</p>'
            f'<p class="portal-item-meta">答复单位：{a(f"{unit.system}/{unit.id}/", here, unit.name)}'
            f'{qa_marks(ctx, question, here)}'
            f' · 提问：{date_text(question.date)} · 已等待 <strong class="portal-waiting">{waited}</strong> 个工作日'
            f' · 答复期限：<time class="portal-due">{answer_due(question, limit, ctx.config.calendar).isoformat()}</time></p>'
            f'<p class="portal-item-summary">{escape(question.question or "")}</p></div></li>')


def _answered_item(ctx: PageContext, question: Post, here: str) -> str:
    unit = ctx.orgs.unit(question.unit_key)
    return (f'<li class="portal-item"><div class="portal-item-text">'
            f'<p class="portal-item-title">{a(question.url, here, question.title)}</p>'
            f'<p class="portal-item-meta">答复单位：{a(f"{unit.system}/{unit.id}/", here, unit.name)}'
            f'{qa_marks(ctx, question, here)}'
            f' · 提问：{date_text(question.date)} · 答复：{date_text(question.answered)}'
            f' · 用时 {days_to_answer(question)} 天</p>'
            f'<p class="portal-item-summary">{escape(question.question or "")}</p></div></li>')


def _qa_filters(ctx: PageContext, view: View) -> str:
    links = [a("qa/", view.url, "全部")]
    links += [a(f"qa/{s.id}/", view.url, s.name) for s in ctx.orgs.systems.values()]
    if view.system:
        links += [a(f"qa/{view.system.id}/{u.id}/", view.url, u.name) for u in view.system.units.values()
                  if any(p.type == "qa" for p in ctx.site.by_unit.get(u.key, []))]
    kinds = [a("qa/", view.url, "全部"), a("qa/question/", view.url, "问题"), a("qa/suggestion/", view.url, "意见建议")]
    return ('<p class="portal-filters">按系统/单位筛选：' + " · ".join(links) + "</p>"
            + '<p class="portal-kind-filters">按类型筛选：' + " · ".join(kinds) + "</p>")


def _tags(ctx: PageContext, view: View) -> str:
    items = "".join(f'<li>{a(f"tag/{slug}/", view.url, tag)} <small>{count}</small></li>'
                    for tag, slug, count in view.extra["tags"])
    return f'<ul class="portal-tags">{items}</ul>' if items else '<p class="portal-empty">暂无标签</p>'


_RENDERERS = {"home": _home, "system": _system, "unit": _unit, "qa": _qa, "tags": _tags}


def tag_links(tags: tuple[str, ...], here: str) -> str:
    return " ".join(a(f"tag/{tag_slug(t)}/", here, t, "portal-tag") for t in tags)


def level_links(here: str) -> str:
    return " · ".join(a(f"level/{lv}/", here, LEVELS[lv]) for lv in LEVEL_ORDER)


# topics.py imports this module, so its renderers join here, at the end
from .topics import RENDERERS as _TOPIC_RENDERERS  # noqa: E402

_RENDERERS.update(_TOPIC_RENDERERS)
