"""Sharded builds on plain data: which part of N builds which files (no MkDocs import).

`portal build --shard K/N` builds part K of N; `portal merge` joins the parts. The split is
by system: every file of the site below `<system>/` (the system's listings, its units, its
posts, their feeds and attachments) and the system's search shards (`pagefind/<system>/`,
`pagefind/<system>~<years>/`) belong to the part the system is given; every other file
(home, levels, columns, categories, tags, Q&A, statistics, feeds page, OPML, search page and
the `_pages` shard, MkDocs' assets, 404 and sitemap) belongs to part 1, which also reads
every system's posts. Systems are given to parts by their number of posts, biggest first,
each to the part with the least work so far (part 1 starts with the cross-level pages'
share), so the split is the same in every job and balanced in posts.
"""

from __future__ import annotations

import re

CROSS_LEVEL_PART = 1  # the part that writes every page outside the system folders
CROSS_LEVEL_SHARE = 0.25  # part 1's head start, as a share of an average part's posts
SEARCH_FOLDER = "pagefind"
SHARD_PATTERN = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class ShardError(ValueError):
    """A `--shard` value that names no part (the message, in Chinese, says how to write it)."""


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` of `--shard` as (K, N): 1 ≤ K ≤ N. ShardError says in Chinese what is wrong."""
    match = SHARD_PATTERN.fullmatch(text or "")
    example = "例如 --shard 2/3 表示共 3 份中的第 2 份"
    if match is None:
        raise ShardError(f"“{text}”不是有效的分片：请写成“第几份/共几份”，两个都是整数，{example}")
    part, parts = int(match.group(1)), int(match.group(2))
    if parts < 1:
        raise ShardError(f"“{text}”不是有效的分片：总份数至少是 1，{example}")
    if part < 1:
        raise ShardError(f"“{text}”不是有效的分片：份数从 1 数起（第 1 份到第 {parts} 份），{example}")
    if part > parts:
        raise ShardError(f"“{text}”不是有效的分片：共 {parts} 份，没有第 {part} 份；请写 1/{parts} 到 {parts}/{parts} 之一")
    return part, parts


def plan_parts(posts_by_system: dict[str, int], parts: int) -> dict[str, int]:
    """The part (1…`parts`) of every system, from its number of posts: biggest system first
    (ties by id), each to the part with the fewest posts so far (ties: the lower part);
    part 1 starts with `CROSS_LEVEL_SHARE` of an average part, for the cross-level pages."""
    total = sum(posts_by_system.values())
    load = [0.0] * (parts + 1)
    load[CROSS_LEVEL_PART] = CROSS_LEVEL_SHARE * total / parts if parts > 1 else 0.0
    plan: dict[str, int] = {}
    for system in sorted(posts_by_system, key=lambda s: (-posts_by_system[s], s)):
        part = min(range(1, parts + 1), key=lambda p: (load[p], p))
        plan[system] = part
        load[part] += posts_by_system[system]
    return plan


def owner(path: str, plan: dict[str, int]) -> int:
    """The part that writes the site file (or page URL) `path`, relative to the site root."""
    first, _, rest = path.lstrip("/").partition("/")
    if first in plan:
        return plan[first]
    if first == SEARCH_FOLDER and rest:
        shard = rest.split("/", 1)[0].split("~", 1)[0]
        if shard in plan:
            return plan[shard]
    return CROSS_LEVEL_PART

