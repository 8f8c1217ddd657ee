"""行业之间 (systems side by side) and 五联 coverage on the 信息工作通报 page, by hand."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from test_stats import COLUMNS, CONFIG

from portal_factory import PortalTree, build
from site_builder.config import DEFAULT_CATEGORIES, PortalConfig
from site_builder.core.comparison import category_coverage, system_comparison
from site_builder.core.content import load_portal
from site_builder.core.stats import compute_bulletin
from site_builder.core.urls import reserved_ids
from stats_fixture import fixture_tree, write_config

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_systems_side_by_side_for_the_year(tmp_path):
    tree = fixture_tree(tmp_path)
    portal = load_portal(str(tree.content), CONFIG, NOW, reserved_ids(COLUMNS))
    year = compute_bulletin(portal.orgs, portal.posts, CONFIG, NOW).period("year")
    found = {f.system.id: f for f in system_comparison(year, portal.orgs)}
    # tax 2026: written prov 1, np 2, np-jo 3, np-wys 1, sm-yx 1 (its November post is a draft); adopted np 1,
    # np-jo 2, sm-yx 1; answered prov 1, np 3; overdue np 1; silent sm; scores 4.5 + 8.5 + 13 + 1 + 0 + 3 = 30
    tax = found["tax"]
    assert (tax.units, tax.written, tax.adopted, tax.answered, tax.overdue, tax.silent, tax.score) == (6, 8, 4, 4, 1, 1, 30.0)
    assert (tax.written_per_unit, tax.score_per_unit) == (Decimal("1.3"), Decimal("5.00"))
    # radio 2026: np 2 posts (1 adopted), np-jo 1; prov only asked (overdue 1, silent); scores 0 + 8 + 1
    radio = found["radio"]
    assert (radio.units, radio.written, radio.adopted, radio.answered, radio.overdue, radio.silent) == (3, 3, 1, 0, 1, 1)
    assert (radio.written_per_unit, radio.score_per_unit) == (Decimal("1.0"), Decimal("3.00"))


def coverage_tree(root) -> PortalTree:
    tree = PortalTree(root)
    tree.post("tax/np/a.md", "一", "2026-03-01", category="center")
    tree.post("tax/np/b.md", "二", "2026-04-01", category="integrity")
    tree.post("tax/np/c.md", "三", "2026-05-01", category="center")
    tree.post("tax/np/d.md", "去年", "2025-05-01", category="grassroots")  # another year
    tree.post("tax/np/q.md", "问题", "2026-05-02", "qa", "", question="？", category="quality")  # asked of it
    tree.post("radio/np-jo/e.md", "五", "2026-06-01", category="civility")
    return tree


def test_categories_covered_this_year(tmp_path):
    tree = coverage_tree(tmp_path)
    config = PortalConfig()
    portal = load_portal(str(tree.content), config, NOW, reserved_ids(config.columns))
    found = {c.unit.key: c for c in category_coverage(portal.orgs, portal.posts, DEFAULT_CATEGORIES, 2026)}
    assert found["tax/np"].categories == ("center", "integrity") and found["tax/np"].count == 2
    assert found["radio/np-jo"].categories == ("civility",) and found["tax/sm"].count == 0


def test_stats_page_shows_both(tmp_path):
    root = tmp_path
    tree = coverage_tree(root)
    ok, site = build(tree, strict=True, config=str(write_config(root)))
    assert ok
    text = (site / "stats" / "index.html").read_text(encoding="utf-8")
    assert "行业之间：各系统比较（2026年）" in text and "五联覆盖" in text
    rows = list(csv.DictReader(io.StringIO((site / "stats" / "categories-2026.csv").read_bytes().decode("utf-8-sig"))))
    row = next(r for r in rows if (r["system"], r["unit"]) == ("tax", "np"))
    assert (row["covered"], row["center"], row["integrity"], row["quality"]) == ("2/5", "✓", "✓", "")
    systems = list(csv.DictReader(io.StringIO((site / "stats" / "systems-year.csv").read_bytes().decode("utf-8-sig"))))
    assert [(r["system"], r["written"]) for r in systems] == [("tax", "3"), ("radio", "1")]
