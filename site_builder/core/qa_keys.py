"""The 联创 keys a post may carry besides the first contract's: a question's `kind` and its
transfer (转办: `transferred_from`, `transferred_on`), a post's `topics`, and the columns a
system keeps for itself (`columns` of a system in orgs.yml).

Each reader takes the post checker of core/posts.py (its `meta`, `fail`, `date`, `orgs`,
`unit`, `config`) and the post, so the checker itself stays as the first contract made it.
"""

from __future__ import annotations

QA_KINDS = {"question": "问题", "suggestion": "意见建议"}
QA_EXTRA_KEYS = ("kind", "transferred_from", "transferred_on")
POST_EXTRA_KEYS = (*QA_EXTRA_KEYS, "topics")


def read_qa_extras(checker, post) -> None:
    """`kind`, `transferred_from`, `transferred_on` of a `qa` post (refused on other posts)."""
    meta = checker.meta
    if post.type != "qa":
        for key in QA_EXTRA_KEYS:
            if key in meta:
                checker.fail(key, f"{key} 只用于有问必答（type: qa）的文章", f"删除 {key} 一行，或把 type 改为 qa")
        return
    kind = meta.get("kind", "question")
    if not isinstance(kind, str) or kind not in QA_KINDS:  # a list or mapping is no kind (and unhashable)
        checker.fail("kind", f"kind“{kind}”无效", "kind 只能是 question（问题）或 suggestion（意见建议）")
    else:
        post.kind = kind
    _read_transfer(checker, post)


def _read_transfer(checker, post) -> None:
    meta = checker.meta
    source, on = meta.get("transferred_from"), checker.date("transferred_on", required=False)
    if source is None and "transferred_on" not in meta:
        return
    if source is None:
        checker.fail("transferred_on", "写了 transferred_on（转办日期），但缺少 transferred_from（转出单位）",
                     "加一行 transferred_from: 系统/单位，例如 tax/np；没有转办就删除 transferred_on")
        return
    if "transferred_on" not in meta:
        checker.fail("transferred_from", "写了 transferred_from（转出单位），但缺少 transferred_on（转办日期）",
                     "加一行 transferred_on: 2026-11-20")
        return
    unit = checker.orgs.unit(source) if isinstance(source, str) else None
    if unit is None:
        checker.fail("transferred_from", f"转出单位“{source}”不在 orgs.yml 中", "写成 系统id/单位id，例如 tax/np")
    elif unit.key == post.unit_key:
        checker.fail("transferred_from", "转出单位就是本单位",
                     "transferred_from 写把问题转来的单位；文章所在文件夹是现在负责答复的单位")
    elif on is not None and on.date() < post.date.date():
        checker.fail("transferred_on", "转办日期早于提问日期（date）", "date 写最初提问的日期，transferred_on 写转办日期")
    elif on is not None and post.answered is not None and on.date() > post.answered.date():
        checker.fail("transferred_on", "转办日期晚于答复日期（answered）", "检查 transferred_on 和 answered")
    elif on is not None:
        post.transferred_from, post.transferred_on = unit.key, on


def read_topics(checker, post) -> None:
    """`topics: [<id>, …]`: each must be a topic of `topics/<id>/index.md`."""
    from .topics import topic_problems

    value = checker.meta.get("topics")
    if value is None:
        return
    known = {t.id: t for t in checker.config.topics}
    post.topics, problems = topic_problems(value, checker.meta.line_of("topics"), checker.source, known)
    checker.problems.extend(problems)


def system_column(orgs, system_id: str, column: str) -> str | None:
    """The name of `column` when the system keeps it for itself (`columns` in orgs.yml)."""
    system = orgs.systems.get(system_id)
    return system.columns.get(column) if system is not None else None


def column_owner(orgs, column: str):
    """The system that keeps `column` for itself, or None."""
    return next((s for s in orgs.systems.values() if column in s.columns), None)


def column_title(orgs, config, post) -> str:
    """The Chinese name of a post's column, the system's own columns included."""
    return system_column(orgs, post.system, post.type) or config.column_name(post.type)
