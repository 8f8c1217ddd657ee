"""考核 (content/assessments/<year>.yml) on plain data: weighted totals rounded half up, shared
ranks within a level and within a system, and every problem with its file, line and fix.
Totals and ranks are worked out by hand in the comments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal_factory import ORGS_YML
from site_builder.core.assessment import (
    Assessment,
    AssessmentItem,
    AssessmentResult,
    load_assessments,
    rank,
    shared_ranks,
    total,
)
from site_builder.core.orgs import load_orgs

ORGS = load_orgs(ORGS_YML)[0]
YAML_FIX = "修正该行的 YAML 写法（缩进用空格，含冒号的值加引号）"
EXAMPLE = "items:\n  - {id: upper, name: 上评, weight: 40}\nresults:\n  - unit: tax/np-jo\n    scores: {upper: 92}"
UNKNOWN_UNIT_FIX = "写成 系统id/单位id（例如 tax/np-jo），须是 orgs.yml 中登记的单位"
ITEMS = "items:\n  - {id: upper, name: 上评, weight: 2}\n  - {id: lower, name: 下测, weight: 1}\n"


def load(files: dict[str, str]):
    return load_assessments({name: text.encode("utf-8") for name, text in files.items()}, ORGS)


def as_tuples(problems) -> list[tuple]:
    return [(p.path, p.line, p.message, p.fix) for p in problems]


def items(*pairs: tuple[str, str]) -> list[AssessmentItem]:
    return [AssessmentItem(item_id, item_id, Decimal(weight)) for item_id, weight in pairs]


# -- totals ----------------------------------------------------------------------------


def test_total_is_the_weighted_mean_plus_bonus():
    weighted = items(("upper", "2"), ("lower", "1"), ("joint", "1"))
    scores = {"upper": Decimal(90), "lower": Decimal(80), "joint": Decimal(71)}
    # (2 × 90 + 80 + 71) / 4 = 331 / 4 = 82.75
    assert total(scores, weighted, Decimal(0)) == Decimal("82.75")
    assert total(scores, weighted, Decimal("1.5")) == Decimal("84.25")
    assert total(scores, weighted, Decimal(-3)) == Decimal("79.75")


def test_total_rounds_half_up_to_two_decimals():
    weighted = items(("upper", "2"), ("lower", "1"), ("joint", "1"))
    # (180 + 80 + 70.5) / 4 = 82.625: half up gives 82.63 (half to even would give 82.62)
    scores = {"upper": Decimal(90), "lower": Decimal(80), "joint": Decimal("70.5")}
    assert str(total(scores, weighted, Decimal(0))) == "82.63"
    # (2 × 85 + 90) / 3 = 86.666… → 86.67; a whole number still shows two decimals
    assert str(total({"upper": Decimal(85), "lower": Decimal(90)}, weighted[:2], Decimal(0))) == "86.67"
    assert str(total({"upper": Decimal(85), "lower": Decimal(85)}, weighted[:2], Decimal(0))) == "85.00"


# -- ranks -----------------------------------------------------------------------------


def result(unit_key: str, value: str) -> AssessmentResult:
    unit = ORGS.unit(unit_key)
    assert unit is not None
    return AssessmentResult(unit, {}, total=Decimal(value))


def test_equal_totals_share_a_rank_and_the_next_rank_skips():
    rows = [result("tax/np", "90"), result("tax/np-jo", "95"), result("tax/np-wys", "90"),
            result("tax/sm", "80"), result("tax/sm-yx", "95")]
    ranked = [(place, r.unit.key) for place, r in shared_ranks(rows)]
    # 95, 95 share 1; 90, 90 share 3; 80 is 5th; equals keep the order they were given in
    assert ranked == [(1, "tax/np-jo"), (1, "tax/sm-yx"), (3, "tax/np"), (3, "tax/np-wys"), (5, "tax/sm")]


def test_ranks_without_ties_count_up_from_one():
    rows = [result("tax/np", "70.5"), result("tax/np-jo", "70.51"), result("tax/sm", "70.49")]
    assert [(place, r.unit.key) for place, r in shared_ranks(rows)] == [
        (1, "tax/np-jo"), (2, "tax/np"), (3, "tax/sm")]
    assert shared_ranks([]) == []


def test_rank_within_level_across_systems_and_within_system_across_levels():
    rows = [result("tax/np", "88"), result("tax/np-jo", "90"), result("tax/sm", "91"),
            result("radio/np", "88"), result("radio/np-jo", "92")]
    assessment = Assessment(2026, "assessments/2026.yml", "t", [], rows)
    rank(assessment)
    found = {r.unit.key: (r.rank_level, r.rank_system) for r in assessment.results}
    # cities: tax/sm 91 (1), tax/np 88 and radio/np 88 (2, 2); counties: radio/np-jo 92 (1), tax/np-jo 90 (2)
    # tax: sm 91, np-jo 90, np 88; radio: np-jo 92, np 88
    assert found == {"tax/sm": (1, 1), "tax/np": (2, 3), "radio/np": (2, 2), "radio/np-jo": (1, 1),
                     "tax/np-jo": (2, 2)}


# -- files -----------------------------------------------------------------------------

GOOD = ITEMS + """\
results:
  - unit: radio/np
    scores: {upper: 80, lower: 95}
  - unit: tax/np-jo
    scores: {upper: 90, lower: 81}
    bonus: 2
  - unit: tax/np
    scores: {upper: 0, lower: 100}
    bonus: -0.5
"""


def test_a_year_file_gives_totals_ranks_title_and_registry_order():
    found, problems = load({"assessments/2026.yml": GOOD})
    assert problems == []
    assessment = found[2026]
    assert (assessment.year, assessment.source, assessment.title) == (2026, "assessments/2026.yml", "2026年度三级联创考核")
    assert [(i.id, i.name, i.weight) for i in assessment.items] == [("upper", "上评", 2), ("lower", "下测", 1)]
    # radio/np (160 + 95) / 3 = 85; tax/np-jo (180 + 81) / 3 + 2 = 89; tax/np (0 + 100) / 3 − 0.5 = 32.83
    rows = [(r.unit.key, str(r.total), r.bonus, r.rank_level, r.rank_system) for r in assessment.results]
    assert rows == [("tax/np", "32.83", Decimal("-0.5"), 2, 2), ("tax/np-jo", "89.00", 2, 1, 1),
                    ("radio/np", "85.00", 0, 1, 1)]
    assert assessment.result("tax/np-jo").scores == {"upper": 90, "lower": 81}
    assert assessment.result("tax/prov") is None


def test_a_title_given_in_the_file_is_kept_and_an_item_without_name_shows_its_id():
    text = "title: 2026年度考核评比\nitems:\n  - {id: upper, weight: 1}\nresults: []\n"
    found, problems = load({"assessments/2026.yml": text})
    assert problems == []
    assert found[2026].title == "2026年度考核评比"
    assert [(i.id, i.name) for i in found[2026].items] == [("upper", "upper")]
    assert found[2026].results == []


def test_newest_year_first_and_other_register_files_ignored():
    found, problems = load({"assessments/2024.yml": GOOD, "assessments/2026.yml": GOOD, "honours.yml": "- x",
                            "bulletins/2026.yml": "x", "assessments/2025.yml": GOOD})
    assert problems == []
    assert list(found) == [2026, 2025, 2024]


@pytest.mark.parametrize("name", ["assessments/last.yml", "assessments/26.yml", "assessments/2026.yaml",
                                  "assessments/2026-Q1.yml", "assessments/old/2026.yml"])
def test_a_file_not_named_after_a_year_is_a_problem(name):
    found, problems = load({name: GOOD})
    assert found == {}
    assert as_tuples(problems) == [(name, 0, "考核文件名应是四位年份，例如 assessments/2026.yml", "把文件改名为 <年份>.yml")]


def test_a_badly_named_file_does_not_hide_the_years_after_it():
    found, problems = load({"assessments/last.yml": GOOD, "assessments/2026.yml": GOOD})
    assert list(found) == [2026] and [p.path for p in problems] == ["assessments/last.yml"]


def test_a_yaml_error_names_its_line():
    found, problems = load({"assessments/2026.yml": ITEMS + "results:\n  - unit: tax/np: 2\n"})
    assert found == {}
    assert [(p.path, p.line, p.fix) for p in problems] == [("assessments/2026.yml", 5, YAML_FIX)]


@pytest.mark.parametrize("text, line", [("", 1), ("- upper\n", 1), ("title: 考核\n", 1), ("title: 考核\nitems: []\n", 1),
                                        ("title: 考核\nitems: upper\n", 1), ("# 2026年度考核\ntitle: 考核\n", 2)])
def test_a_file_without_items_is_a_problem(text, line):
    found, problems = load({"assessments/2026.yml": text})
    assert found == {}
    assert as_tuples(problems) == [("assessments/2026.yml", line, "考核文件缺少 items（考核项目）列表",
                                    f"按投稿指南的格式写 items 和 results，例如：{EXAMPLE}")]


def test_an_item_problem_leaves_the_year_without_totals():
    text = """\
items:
  - {id: upper, name: 上评, weight: 2}
  - {id: Upper, name: 大写, weight: 1}
  - {id: upper, name: 重复, weight: 1}
  - {id: lower, name: 下测, weight: 0}
  - {id: joint, name: 联考, weight: -1}
  - {id: extra, name: 加项, weight: 十}
  - {id: flag, name: 是否, weight: true}
  - 上评
  - {id: rate, weight: 1, share: 3}
results: []
"""
    found, problems = load({"assessments/2026.yml": text})
    assert found == {}
    src = "assessments/2026.yml"
    weight_fix = "weight 写一个大于 0 的数，例如 weight: 40"
    assert as_tuples(problems) == [
        (src, 3, "考核项目 id“Upper”无效", "id 只用小写英文字母、数字和连字符，例如 upper"),
        (src, 4, "考核项目 id“upper”重复", "每个考核项目的 id 必须不同"),
        (src, 5, "考核项目“lower”的权重 weight“0”不是正数", weight_fix),
        (src, 6, "考核项目“joint”的权重 weight“-1”不是正数", weight_fix),
        (src, 7, "考核项目“extra”的权重 weight“十”不是正数", weight_fix),
        (src, 8, "考核项目“flag”的权重 weight“True”不是正数", weight_fix),
        (src, 0, "items 中的每一项必须写成 {id: …, name: …, weight: …}", "例如：- {id: upper, name: 上评, weight: 40}"),
        (src, 10, "未知的键“share”", "删除它或改成允许的键：id、name、weight"),
    ]


def test_an_item_without_id_or_with_a_list_of_items_only_bad():
    found, problems = load({"assessments/2026.yml": "items:\n  - {name: 上评, weight: 1}\n  - 上评\nresults: []\n"})
    assert found == {}
    assert [(p.line, p.message) for p in problems] == [
        (2, "考核项目 id“None”无效"), (0, "items 中的每一项必须写成 {id: …, name: …, weight: …}")]
    found, problems = load({"assessments/2026.yml": "items:\n  - 上评\nresults: []\n"})
    assert found == {} and [p.line for p in problems] == [0]


def test_unknown_top_key_is_named_and_the_year_still_counts():
    found, problems = load({"assessments/2026.yml": "year: 2026\n" + GOOD})
    assert as_tuples(problems) == [("assessments/2026.yml", 1, "未知的键“year”", "删除它或改成允许的键：title、items、results")]
    assert [str(r.total) for r in found[2026].results] == ["32.83", "89.00", "85.00"]


def test_missing_results_is_a_problem_but_the_items_stand():
    found, problems = load({"assessments/2026.yml": "title: 考核\n" + ITEMS})
    assert as_tuples(problems) == [("assessments/2026.yml", 1, "缺少 results（各单位得分）列表",
                                    "在 results 下逐个写 unit、scores（每个考核项目一个 0–100 的分数）和可选的 bonus")]
    assert found[2026].results == [] and [i.id for i in found[2026].items] == ["upper", "lower"]
    _, problems = load({"assessments/2026.yml": ITEMS + "results: {unit: tax/np}\n"})
    assert [(p.line, p.message) for p in problems] == [(4, "缺少 results（各单位得分）列表")]


def test_bad_result_rows_are_left_out_with_their_lines():
    text = ITEMS + """\
results:
  - unit: tax/nowhere
    scores: {upper: 90, lower: 90}
  - unit: tax/np
    scores: {upper: 90, lower: 100.5}
  - unit: tax/np-jo
    scores: {upper: -1, lower: 高}
  - unit: tax/sm
    scores: {upper: 90}
  - unit: tax/sm-yx
    scores: {upper: 90, lower: 90, joint: 90}
  - unit: radio/np
    scores: {upper: 90, lower: 90}
    bonus: 二
  - unit: radio/np-jo
    scores: 90
  - unit: radio/prov
  - unit: tax/prov
    scores: {upper: 90, lower: 90}
    weight: 3
  - tax/np-wys
  - unit: tax/np-wys
    scores: {upper: 100, lower: 0}
"""
    found, problems = load({"assessments/2026.yml": text})
    src = "assessments/2026.yml"
    range_fix = "得分写 0 到 100 之间的数"
    missing_fix = "写成 scores: {upper: 90, lower: 90}"
    assert as_tuples(problems) == [
        (src, 5, "单位“tax/nowhere”不存在", UNKNOWN_UNIT_FIX),
        (src, 8, "单位“tax/np”的“lower”得分“100.5”不在 0–100 之间", range_fix),
        (src, 10, "单位“tax/np-jo”的“upper”得分“-1”不在 0–100 之间", range_fix),
        (src, 10, "单位“tax/np-jo”的“lower”得分“高”不在 0–100 之间", range_fix),
        (src, 12, "单位“tax/sm”缺少考核项目“lower”（下测）的得分",
         "在 scores 中加上 lower: 分数（0–100）；每个考核项目都必须有得分"),
        (src, 14, "scores 中的“joint”不是考核项目", "只写 items 中的项目：upper、lower"),
        (src, 17, "bonus“二”不是数", "bonus（年终加分）写一个数，可以是负数，例如 bonus: 2"),
        (src, 19, "单位“radio/np-jo”缺少 scores", missing_fix),
        (src, 20, "单位“radio/prov”缺少 scores", missing_fix),
        (src, 23, "未知的键“weight”", "删除它或改成允许的键：unit、scores、bonus"),
        (src, 0, "results 中的每一项必须写 unit 和 scores", f"例如：{EXAMPLE}"),
    ]
    # tax/np-wys: (2 × 100 + 0) / 3 = 66.666… → 66.67, the only row kept
    assert [(r.unit.key, str(r.total)) for r in found[2026].results] == [("tax/np-wys", "66.67")]


def test_an_unknown_unit_is_named_on_the_unit_line():
    text = ITEMS + "results:\n  - scores: {upper: 90, lower: 90}\n    unit: tax/nowhere\n"
    _, problems = load({"assessments/2026.yml": text})
    assert as_tuples(problems) == [("assessments/2026.yml", 6, "单位“tax/nowhere”不存在", UNKNOWN_UNIT_FIX)]


BLOCK = """\
items:
  - name: 上评
    id: upper
    weight: 2
  - name: 下测
    id: lower
    weight: 1
results:
  - scores:
      upper: 90
      lower: 60
    unit: tax/np
  - scores:
      upper: 50
      lower: 50
    unit: tax/np
  - scores:
      upper: 80
      lower: 120
      joint: 70
    unit: radio/np
  - scores:
      upper: 70
      lower: 70
    unit: tax/sm
"""


def test_problems_of_block_style_entries_name_the_line_of_their_key():
    found, problems = load({"assessments/2026.yml": BLOCK})
    src = "assessments/2026.yml"
    assert as_tuples(problems) == [
        (src, 16, "单位“tax/np”的考核结果重复", "每个单位只写一条结果，删除多余的一条"),
        (src, 20, "scores 中的“joint”不是考核项目", "只写 items 中的项目：upper、lower"),
        (src, 19, "单位“radio/np”的“lower”得分“120”不在 0–100 之间", "得分写 0 到 100 之间的数"),
    ]
    # rows after a duplicate still count: tax/np (180 + 60) / 3 = 80, tax/sm (140 + 70) / 3 = 70
    assert [(r.unit.key, str(r.total)) for r in found[2026].results] == [("tax/np", "80.00"), ("tax/sm", "70.00")]
    bad_items = BLOCK.replace("    id: upper\n    weight: 2", "    id: Upper\n    weight: 2").replace(
        "    id: lower\n    weight: 1", "    id: lower\n    weight: 0")
    _, problems = load({"assessments/2026.yml": bad_items})
    assert [(p.line, p.message) for p in problems] == [(3, "考核项目 id“Upper”无效"), (7, "考核项目“lower”的权重 weight“0”不是正数")]
    twice = BLOCK.replace("    id: lower", "    id: upper")
    _, problems = load({"assessments/2026.yml": twice})
    assert [(p.line, p.message) for p in problems] == [(6, "考核项目 id“upper”重复")]


def test_a_unit_given_twice_keeps_its_first_row():
    text = ITEMS + """\
results:
  - unit: tax/np
    scores: {upper: 90, lower: 60}
  - unit: tax/np
    scores: {upper: 50, lower: 50}
"""
    found, problems = load({"assessments/2026.yml": text})
    assert as_tuples(problems) == [("assessments/2026.yml", 7, "单位“tax/np”的考核结果重复", "每个单位只写一条结果，删除多余的一条")]
    assert [(r.unit.key, str(r.total)) for r in found[2026].results] == [("tax/np", "80.00")]


def test_a_unit_with_a_bad_score_and_unknown_unit_reports_both():
    text = ITEMS + "results:\n  - unit: tax/nowhere\n    scores: {upper: 101, lower: 90}\n"
    _, problems = load({"assessments/2026.yml": text})
    assert [(p.line, p.message) for p in problems] == [
        (5, "单位“tax/nowhere”不存在"), (6, "单位“tax/nowhere”的“upper”得分“101”不在 0–100 之间")]


def test_scores_are_read_as_written_not_as_binary_floats():
    text = "items:\n  - {id: upper, weight: 1}\nresults:\n  - unit: tax/np\n    scores: {upper: 89.55}\n    bonus: 0.1\n"
    found, problems = load({"assessments/2026.yml": text})
    assert problems == []
    row = found[2026].results[0]
    assert row.scores == {"upper": Decimal("89.55")} and row.bonus == Decimal("0.1") and str(row.total) == "89.65"


@pytest.mark.parametrize("score", [".nan", ".inf", "-.inf", "true", "\"90\""])
def test_a_score_that_is_not_a_finite_number_is_a_problem(score):
    text = f"items:\n  - {{id: upper, weight: 1}}\nresults:\n  - unit: tax/np\n    scores: {{upper: {score}}}\n"
    found, problems = load({"assessments/2026.yml": text})
    assert [(p.line, p.message.split("”得分")[0]) for p in problems] == [(5, "单位“tax/np”的“upper")]
    assert found[2026].results == []


@pytest.mark.parametrize("weight", [".inf", ".nan"])
def test_an_infinite_weight_is_not_a_positive_number(weight):
    found, problems = load({"assessments/2026.yml": f"items:\n  - {{id: upper, weight: {weight}}}\nresults: []\n"})
    assert found == {} and [(p.line, "不是正数" in p.message) for p in problems] == [(2, True)]
