"""What the home page's blocks list, computed once with the views (pure data, no HTML)."""

from __future__ import annotations

from ..config import LEVEL_ORDER
from .orgs import Orgs
from .posts import Post

PER_BLOCK = 6  # posts kept per column and for 上级采用
PER_LEVEL = 5  # posts kept per level
ANSWERS = 2  # newest answers kept


def home_facts(posts: list[Post], orgs: Orgs, columns: dict[str, str]) -> dict:
    """From the newest-first posts: the newest of each column and of each level, the pending
    questions (longest waiting first), the newest answers and the newest adopted posts."""
    by_column: dict[str, list[Post]] = {column: [] for column in columns}
    for post in posts:
        if post.type in by_column and len(by_column[post.type]) < PER_BLOCK:
            by_column[post.type].append(post)
    by_level: dict[str, list[Post]] = {level: [] for level in LEVEL_ORDER}
    for post in posts:
        unit = orgs.unit(post.unit_key)
        if unit is not None and len(by_level[unit.level]) < PER_LEVEL:
            by_level[unit.level].append(post)
    questions = [p for p in posts if p.type == "qa"]
    pending = sorted((q for q in questions if q.pending), key=lambda q: (q.date.timestamp(), q.source))
    answered = [q for _, _, q in sorted((-q.answered.timestamp(), q.source, q) for q in questions if q.answered)]
    return {"by_column": by_column, "by_level": by_level, "pending_questions": pending,
            "answered_questions": answered[:ANSWERS], "adopted": [p for p in posts if p.featured_by][:PER_BLOCK]}
