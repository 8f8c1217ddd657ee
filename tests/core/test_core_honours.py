"""表彰 (content/honours.yml) on plain data: newest year first, the units of each honour, and
every problem with its line and fix."""

from __future__ import annotations

import pytest

from portal_factory import ORGS_YML
from site_builder.core.honours import load_honours, unit_honours
from site_builder.core.orgs import load_orgs

ORGS = load_orgs(ORGS_YML)[0]
EXAMPLE = "- year: 2026\n  title: 三级联创先进单位\n  by: 中共福建省直属机关工作委员会\n  units: [tax/np-jo]"
UNITS_FIX = "写成 units: [tax/np-jo, fda/nd]（系统id/单位id）"


def load(text: str):
    return load_honours({"honours.yml": text.encode("utf-8")}, ORGS)


def as_tuples(problems) -> list[tuple]:
    return [(p.path, p.line, p.message, p.fix) for p in problems]


def test_newest_year_first_and_file_order_within_a_year():
    text = ("- year: 2025\n  title: 先进单位\n  units: [tax/np]\n"
            "- year: 2026\n  title: 信息工作先进单位\n  by: 省直机关工委\n  units: [tax/np-jo, radio/np]\n"
            "- year: 2024\n  title: 早年表彰\n  units: tax/prov\n"
            "- year: 2026\n  title: 优秀信息员单位\n  units: [radio/np-jo]\n")
    honours, problems = load(text)
    assert problems == []
    assert [(h.year, h.title, h.by, [u.key for u in h.units], h.line) for h in honours] == [
        (2026, "信息工作先进单位", "省直机关工委", ["tax/np-jo", "radio/np"], 4),
        (2026, "优秀信息员单位", "", ["radio/np-jo"], 11),
        (2025, "先进单位", "", ["tax/np"], 1),
        (2024, "早年表彰", "", ["tax/prov"], 8),
    ]


def test_the_honours_of_one_unit():
    text = ("- year: 2025\n  title: 甲\n  units: [tax/np, tax/np-jo]\n"
            "- year: 2026\n  title: 乙\n  units: [tax/np-jo]\n"
            "- year: 2026\n  title: 丙\n  units: [radio/np-jo]\n")
    honours, _ = load(text)
    assert [h.title for h in unit_honours(honours, "tax/np-jo")] == ["乙", "甲"]
    assert [h.title for h in unit_honours(honours, "radio/np-jo")] == ["丙"]
    assert unit_honours(honours, "radio/np") == []


def test_title_and_by_are_trimmed_and_a_unit_named_twice_counts_once():
    text = "- year: 2026\n  title: ' 先进单位 '\n  by: ' 省直机关工委 '\n  units: [tax/np, tax/np, radio/np]\n"
    honours, problems = load(text)
    assert problems == []
    assert (honours[0].title, honours[0].by, [u.key for u in honours[0].units]) == (
        "先进单位", "省直机关工委", ["tax/np", "radio/np"])


def test_no_file_or_an_empty_file_gives_no_honours():
    assert load_honours({}, ORGS) == ([], [])
    assert load_honours({"assessments/2026.yml": b"items: []"}, ORGS) == ([], [])
    assert load("") == ([], [])
    assert load("# 还没有表彰\n") == ([], [])


def test_a_file_that_is_not_a_list_is_one_problem():
    honours, problems = load("year: 2026\ntitle: 先进单位\n")
    assert honours == []
    assert as_tuples(problems) == [("honours.yml", 1, "honours.yml 应是表彰的列表（每项以“- ”开头）", f"例如：\n{EXAMPLE}")]


def test_a_yaml_error_names_its_line():
    honours, problems = load("- year: 2026\n  title: 先进: 单位\n")
    assert honours == []
    assert [(p.path, p.line, p.fix) for p in problems] == [
        ("honours.yml", 2, "修正该行的 YAML 写法（缩进用空格，含冒号的值加引号）")]


def test_each_bad_entry_is_left_out_with_its_line():
    text = """\
- year: 二〇二六
  title: 甲
  units: [tax/np]
- year: 2026
  units: [tax/np]
- year: 2026
  title: 丙
  by: [省直机关工委]
  units: [tax/np]
- year: 2026
  title: 丁
  units: [tax/nowhere, tax/np]
- year: 2026
  title: 戊
  units: []
- 先进单位
- year: 2026
  title: 己
  units: [tax/np]
  level: province
- year: 2026
  title: 好
  units: [tax/np-jo]
"""
    honours, problems = load(text)
    assert [h.title for h in honours] == ["好"]
    assert as_tuples(problems) == [
        ("honours.yml", 1, "year“二〇二六”不是年份", "写四位年份，例如 year: 2026"),
        ("honours.yml", 4, "缺少 title（表彰名称）或不是一行文字", "写成 title: 三级联创先进单位"),
        ("honours.yml", 8, "by（表彰机关）必须是一行文字", "写成 by: 中共福建省直属机关工作委员会"),
        ("honours.yml", 12, "受表彰单位“tax/nowhere”不存在", "写成 系统id/单位id（例如 tax/np-jo），须是 orgs.yml 中登记的单位"),
        ("honours.yml", 15, "units 必须是受表彰单位的列表", UNITS_FIX),
        ("honours.yml", 0, "每项表彰必须写 year、title、units", f"例如：\n{EXAMPLE}"),
        ("honours.yml", 20, "未知的键“level”", "删除它或改成允许的键：year、title、by、units"),
    ]


@pytest.mark.parametrize("year, ok", [("1948", False), ("1949", True), ("2200", True), ("2201", False),
                                      ("true", False), ("'2026'", False), ("2026.0", False)])
def test_year_must_be_a_whole_year_from_1949_to_2200(year, ok):
    honours, problems = load(f"- year: {year}\n  title: 先进单位\n  units: [tax/np]\n")
    assert [h.year for h in honours] == ([int(year)] if ok else [])
    assert [(p.line, p.message.startswith("year“")) for p in problems] == ([] if ok else [(1, True)])


def test_a_bad_year_is_named_on_its_own_line():
    _, problems = load("- title: 先进单位\n  units: [tax/np]\n  year: 明年\n")
    assert as_tuples(problems) == [("honours.yml", 3, "year“明年”不是年份", "写四位年份，例如 year: 2026")]


@pytest.mark.parametrize("title", ["''", "'  '", "|\n    先进\n    单位", "[先进单位]", "2026"])
def test_title_must_be_one_line_of_text(title):
    honours, problems = load(f"- year: 2026\n  title: {title}\n  units: [tax/np]\n")
    assert honours == []
    assert [(p.line, p.message) for p in problems] == [(2, "缺少 title（表彰名称）或不是一行文字")]


def test_by_on_two_lines_is_a_problem():
    honours, problems = load("- year: 2026\n  title: 先进单位\n  by: |\n    省直\n    机关工委\n  units: [tax/np]\n")
    assert honours == [] and [(p.line, p.message) for p in problems] == [(3, "by（表彰机关）必须是一行文字")]


@pytest.mark.parametrize("units", ["", "{tax: np}", "[tax/np, 3]", "[]", "5"])
def test_units_must_be_a_list_of_unit_keys(units):
    honours, problems = load(f"- year: 2026\n  title: 先进单位\n  units: {units}\n")
    assert honours == []
    assert as_tuples(problems) == [("honours.yml", 3, "units 必须是受表彰单位的列表", UNITS_FIX)]
