"""The split of a sharded build, on plain data: `--shard K/N`, the plan, who writes a path."""

from __future__ import annotations

import pytest

from site_builder.core.shards import ShardError, owner, parse_shard, plan_parts


@pytest.mark.parametrize("text, says", [
    ("0/3", "份数从 1 数起"), ("4/3", "共 3 份，没有第 4 份"), ("a/b", "请写成“第几份/共几份”"),
    ("3", "请写成“第几份/共几份”"), ("1/0", "总份数至少是 1"), ("", "请写成"), ("-1/3", "请写成"),
])
def test_bad_shard_values_say_what_is_wrong(text, says):
    with pytest.raises(ShardError, match=says):
        parse_shard(text)


def test_good_shard_values():
    assert parse_shard(" 2 / 3 ") == (2, 3)
    assert parse_shard("1/1") == (1, 1) and parse_shard("3/3") == (3, 3)


def test_plan_is_deterministic_and_balanced():
    counts = {"a": 50, "b": 40, "c": 30, "d": 20, "e": 10, "f": 10}
    plan = plan_parts(counts, 3)
    assert plan == plan_parts(dict(reversed(list(counts.items()))), 3)
    loads = [sum(counts[s] for s, p in plan.items() if p == n) for n in (1, 2, 3)]
    assert max(loads) - min(loads) <= 20 and loads[0] == min(loads)  # part 1 also writes the cross-level pages
    assert plan_parts(counts, 1) == dict.fromkeys(counts, 1)


def test_owner_of_site_paths():
    plan = {"tax": 2, "radio": 3}
    assert owner("tax/np/p1/index.html", plan) == 2
    assert owner("pagefind/tax~2019-2023/pagefind-entry.json", plan) == 2
    assert owner("pagefind/radio/x", plan) == 3
    assert owner("pagefind/_pages/x", plan) == 1
    assert owner("qa/tax/index.html", plan) == 1
    assert owner("sitemap.xml", plan) == 1 and owner("taxes/index.html", plan) == 1


def test_plan_gives_every_system_a_part_even_with_more_parts_than_systems():
    plan = plan_parts({"a": 5, "b": 0}, 4)
    assert sorted(plan) == ["a", "b"] and all(1 <= p <= 4 for p in plan.values())
    assert plan["a"] != 1  # part 1 starts with the cross-level share
    assert plan_parts({}, 3) == {}
