"""Warm rebuilds after editing a register or a progress post write exactly what a cold
build of the edited tree writes, and redraw the pages that show the change."""

from __future__ import annotations

import logging

import pytest
from registers_fixture import GROUPS, PAIRINGS, make_register_tree
from test_incremental import counts, differences

from portal_factory import build


@pytest.fixture(autouse=True)
def info_logs(caplog):
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.portal")


def warm_and_cold(tmp_path, change, caplog):
    tree = make_register_tree(tmp_path / "portal")
    cache = tmp_path / "cache"
    ok, _ = build(tree, tmp_path / "first", cache_dir=cache)
    assert ok
    change(tree)
    caplog.clear()
    ok, warm = build(tree, tmp_path / "warm", cache_dir=cache)
    assert ok
    numbers = counts(caplog)
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cache-cold")
    assert ok
    return warm, cold, numbers


def test_edited_pairings_equal_cold_build(tmp_path, caplog):
    def edit(tree):
        tree.write("pairings.yml", PAIRINGS.replace("since: 2026-06-01", "since: 2026-08-15").replace("张明", "张明远"))

    warm, cold, numbers = warm_and_cold(tmp_path, edit, caplog)
    assert differences(warm, cold) == []
    assert "张明远" in (warm / "tax/np-jo/index.html").read_text(encoding="utf-8")
    assert 'data-posts="2"' in (warm / "pairings/index.html").read_text(encoding="utf-8")
    assert numbers["posts rendered"] == 0


def test_edited_groups_equal_cold_build(tmp_path, caplog):
    def edit(tree):
        tree.write("groups.yml", GROUPS.replace("[tax/np, radio/np]", "[tax/np, radio/np, tax/np-jo]"))

    warm, cold, _ = warm_and_cold(tmp_path, edit, caplog)
    assert differences(warm, cold) == []
    assert 'data-unit="tax/np-jo"' in (warm / "groups/minbei/index.html").read_text(encoding="utf-8")


def test_progress_post_moved_to_another_project_equals_cold_build(tmp_path, caplog):
    def edit(tree):
        tree.post("tax/np/2026/r1.md", "品牌共建启动", "2026-05-01", project="tax/np/2026/p-steps")

    warm, cold, numbers = warm_and_cold(tmp_path, edit, caplog)
    assert differences(warm, cold) == []
    steps = (warm / "tax/np/2026/p-steps/index.html").read_text(encoding="utf-8")
    assert "品牌共建启动" in steps  # the project page that now shows it was redrawn
    late = (warm / "tax/prov/2026/p-late/index.html").read_text(encoding="utf-8")
    assert "品牌共建启动" not in late  # and the one that no longer does
    assert numbers["posts rendered"] == 0  # its body is unchanged: only pages are redrawn


def test_reached_milestone_equals_cold_build(tmp_path, caplog):
    def edit(tree):
        path = tree.content / "tax/np/2026/p-steps.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: 试点挂牌}", "title: 试点挂牌, done: 2026-10-08}"), encoding="utf-8")

    warm, cold, _ = warm_and_cold(tmp_path, edit, caplog)
    assert differences(warm, cold) == []
    progress = (warm / "tax/np-jo/2026/r3/index.html").read_text(encoding="utf-8")
    assert "portal-overdue" not in progress.split('class="portal-progress-of"')[1].split("</p>")[0]
    rows = (warm / "projects/projects.csv").read_text(encoding="utf-8-sig").splitlines()
    steps = next(r for r in rows if r.startswith("tax/np/2026/p-steps,"))
    assert steps.split(",")[7] == "0"  # overdue: no more


def test_area_change_in_orgs_equals_cold_build(tmp_path, caplog):
    def edit(tree):
        text = (tree.content / "orgs.yml").read_text(encoding="utf-8")
        tree.write("orgs.yml", text.replace("        area: np\n", "", 1))

    warm, cold, _ = warm_and_cold(tmp_path, edit, caplog)
    assert differences(warm, cold) == []
