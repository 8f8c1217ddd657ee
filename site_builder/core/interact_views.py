"""Listing views of the 联创 registers: topics (`/topics/`, `/topics/<id>/`), the columns a
system keeps for itself (`/<system>/<column>/`) and the Q&A column by kind (`/qa/suggestion/`)."""

from __future__ import annotations

TOPICS_URL = "topics/"


def add_topic_views(builder) -> None:
    """One paginated listing and one feed per topic (its posts from every system and level,
    newest first), and the `/topics/` index. `builder` is a core.views.SiteBuilder."""
    topics = builder.config.topics
    if not topics:
        return
    members: dict[str, list] = {t.id: [] for t in topics}
    for post in builder.posts:  # newest first
        for ident in post.topics:
            if ident in members:
                members[ident].append(post)
    for topic in topics:
        posts = members[topic.id]
        feed = builder.feed(f"topic/{topic.id}", f"专题：{topic.title}", topic.url, posts)
        builder.paginate("topic", topic.url, topic.title, posts, feeds=[feed], crumbs=[("专题", TOPICS_URL)],
                         extra={"topic": topic.id})
    from .views import View  # views imports this module

    counts = {t.id: len(members[t.id]) for t in topics}
    builder.views.append(View("topics", TOPICS_URL, "专题", extra={"counts": counts}))


def add_system_column_views(builder, system, posts: list) -> None:
    """`/<system>/<column>/` with its feeds, for each column the system keeps for itself
    (`posts`: the system's posts, newest first)."""
    for column, name in system.columns.items():
        chosen = [p for p in posts if p.type == column]
        url = f"{system.id}/{column}/"
        title = f"{system.name} · {name}"
        feed = builder.feed(f"system-column/{system.id}/{column}", title, url, chosen, system=system.id)
        builder.paginate("column", url, title, chosen, feeds=[feed], system=system,
                         crumbs=[(system.name, f"{system.id}/")], extra={"column": column})


QA_KIND_TITLES = {"question": "有问必答 · 问题", "suggestion": "有问必答 · 意见建议"}


def add_qa_kind_views(builder, questions: list) -> None:
    """`/qa/question/` and `/qa/suggestion/`: the column filtered by kind (问题 / 意见建议)."""
    for kind, title in QA_KIND_TITLES.items():
        chosen = [q for q in questions if q.kind == kind]
        builder.qa_filter(f"qa/{kind}/", title, chosen, None, None)
