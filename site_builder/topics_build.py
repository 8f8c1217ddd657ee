"""Topic introductions rendered with the posts' Markdown settings and link checks, and handed
to the topic pages (`/topics/<id>/`). No MkDocs import."""

from __future__ import annotations

import dataclasses

from .core.interact import topic_files


def finish_topics(build) -> None:
    """Render every topic's introduction (its link problems join the build's problems) and
    give page 1 of each topic listing its HTML."""
    topics = build.config.topics
    if not topics:
        return
    from .engine import render_all

    context = build.link_context()
    context = dataclasses.replace(context, assets={**context.assets, **topic_files(build.content_dir)})
    jobs = [(t.source, t.intro, t.intro_line, None) for t in topics]
    intros = {}
    for topic, (rendered, _) in zip(topics, render_all(jobs, context, build.markdown)):
        build.portal.problems.extend(rendered.problems)
        intros[topic.id] = rendered.html
    for view in build.site.views:
        if view.kind == "topic":
            view.extra = {**view.extra, "intro": intros.get(view.extra["topic"], "")}
