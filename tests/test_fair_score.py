"""A fair score: what a unit did (posts it wrote, adoption, answers on time or late), never what it
was asked; overdue questions subtract but never below zero; per-system weights.

Each case states the value the old rule gave (Σ every column's posts, questions included, and no
floor), computed by hand, so the test shows where the old score was wrong."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import PortalTree
from site_builder.config import PortalConfig, ScoreWeights, score_weights
from site_builder.core.content import load_portal
from site_builder.core.stats import compute_bulletin
from site_builder.core.urls import reserved_ids
from site_builder.plugin_config import PortalOptionsError

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday


def figures(tree: PortalTree, config: PortalConfig, period: str = "month") -> tuple[dict, list[str]]:
    portal = load_portal(str(tree.content), config, NOW, reserved_ids(config.columns))
    assert portal.problems == []
    stats = compute_bulletin(portal.orgs, portal.posts, config, NOW).period(period)
    return {f.unit.key: f for f in stats.units}, [f.unit.key for f in stats.silent]


def question(tree: PortalTree, rel: str, asked: str, answered: str | None = None) -> None:
    extra = {"question": "问题？"} | ({"answered": answered} if answered else {})
    tree.post(rel, "问题", asked, "qa", "答复。" if answered else "", **extra)


def test_being_asked_scores_nothing_and_overdue_stops_at_zero(tmp_path):
    tree = PortalTree(tmp_path)
    # tax/np-wys wrote nothing; one question filed in its folder is 7 working days old (overdue).
    question(tree, "tax/np-wys/q.md", "2026-11-16")
    # tax/sm answered one question in 2 working days and one in 8 (late), wrote one news post.
    question(tree, "tax/sm/q1.md", "2026-11-09", answered="2026-11-11")
    question(tree, "tax/sm/q2.md", "2026-11-02", answered="2026-11-12")
    tree.post("tax/sm/n.md", "动态", "2026-11-03")
    found, silent = figures(tree, PortalConfig(score=ScoreWeights()))  # news 1, qa 1, answered 1, late 0.5, overdue 2
    # old: 1 (a qa post) − 2 = −1, and not on the 无投稿 list since it "had a post"
    assert found["tax/np-wys"].score == 0.0 and found["tax/np-wys"].overdue == 1
    assert "tax/np-wys" in silent
    # old: 1 news + 2 qa posts + 2 answers = 5; now 1 news + 1 on time + 0.5 late = 2.5
    assert (found["tax/sm"].answered, found["tax/sm"].answered_late, found["tax/sm"].score) == (2, 1, 2.5)
    assert found["tax/sm"].written == 1 and found["tax/sm"].total == 3  # the CSV keeps counting by column
    assert "tax/sm" not in silent


def test_answering_alone_is_not_silent(tmp_path):
    tree = PortalTree(tmp_path)
    question(tree, "radio/np/q.md", "2026-11-02", answered="2026-11-04")
    found, silent = figures(tree, PortalConfig())
    assert found["radio/np"].score == 1.0 and "radio/np" not in silent


def test_a_system_may_have_weights_of_its_own(tmp_path):
    tree = PortalTree(tmp_path)
    for system in ("tax", "radio"):
        tree.post(f"{system}/np/n.md", "动态", "2026-11-03")
        tree.post(f"{system}/np-jo/a.md", "被采用", "2026-11-04", featured_by=f"[{system}/prov]")
    weights = score_weights({"column": {"news": 2}, "systems": {"radio": {"column": {"news": 5}, "adoption": {"province": 1}}}})
    assert weights.of("tax").column["news"] == 2.0 and weights.of("radio").column["news"] == 5.0
    assert weights.of("radio").column["experience"] == 2.0  # the rest from the site's weights
    found, _ = figures(tree, PortalConfig(score=weights))
    assert found["tax/np"].score == 2.0 and found["radio/np"].score == 5.0
    assert found["tax/np-jo"].score == 2.0 + 3.0 and found["radio/np-jo"].score == 5.0 + 1.0


def test_system_weights_from_mkdocs_yml_reach_the_page(tmp_path):
    from portal_factory import build
    from stats_fixture import CONFIG_TEXT

    tree = PortalTree(tmp_path)
    tree.post("tax/np/n.md", "动态", "2026-11-03")
    tree.post("radio/np/n.md", "动态", "2026-11-03")
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG_TEXT.replace("        overdue: 2\n", "        overdue: 2\n        answered_late: 0.25\n"
                                          "        systems:\n          radio: {column: {news: 5}}\n"), encoding="utf-8")
    ok, site = build(tree, strict=True, config=str(config))
    assert ok
    text = (site / "stats" / "index.html").read_text(encoding="utf-8")
    assert "广播电视系统单独计分：工作动态每篇 5 分" in text and "超过 5 个工作日才答复的每个 0.25 分" in text
    rows = (site / "stats" / "units-month.csv").read_bytes().decode("utf-8-sig").splitlines()
    header = rows[0].split(",")
    scores = {tuple(r.split(",")[:2]): r.split(",")[header.index("score")] for r in rows[1:]}
    assert scores[("tax", "np")] == "1" and scores[("radio", "np")] == "5"
    config.write_text(CONFIG_TEXT.replace("        overdue: 2\n", "        overdue: 2\n        systems:\n"
                                          "          radio: {bonus: 5}\n"), encoding="utf-8")
    with pytest.raises(PortalOptionsError) as refused:  # an unknown part is refused, naming line and fix
        build(tree, strict=True, config=str(config))
    assert "mkdocs.yml:19: portal 选项 score.systems.radio.bonus：计分规则中没有“bonus”这一项" in str(refused.value)
