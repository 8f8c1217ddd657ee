"""The rendering budget of a post body, on plain strings: the nesting, footnote and scan limits
at their exact boundaries (costs counted by hand), the line each overrun names, and the order
in which the limits are checked."""

from __future__ import annotations

import pytest

from site_builder.core.budget import MAX_DEPTH, MAX_FOOTNOTE_REFERENCES, MAX_SCAN, Overrun, check_budget

NESTING_FIX = "减少列表和引用的嵌套层数；层次很多的内容可改成多个小标题或表格"
SCAN_MESSAGE = "正文的 Markdown 结构过于复杂，生成网页会耗时过长（未配对的 [ ( < 符号或成串的标记过多）"
SCAN_FIX = ("检查正文中是否有大量未配对的方括号、圆括号、尖括号或重复的标记行；"
            "正常的文字不受影响，可删去这些符号，或把长段落分成几段（段落之间空一行）")


def line_of(body: str) -> int:
    """The line the overrun of `body` names (it must have one)."""
    overrun = check_budget(body)
    assert overrun is not None
    return overrun.line


def nesting(depth: int, line: int) -> Overrun:
    return Overrun(line, f"正文嵌套过深（列表或引用约 {depth} 层，上限 24 层）", NESTING_FIX)


def test_the_limits_are_those_documented():
    assert (MAX_DEPTH, MAX_FOOTNOTE_REFERENCES, MAX_SCAN) == (24, 300, 1_000_000)


def test_an_ordinary_post_is_within_the_budget():
    body = ("# 标题\n\n正文[链接](a.md)和<https://example.org>。\n\n- 一\n  - 二\n    1. 三\n\n> 引用\n\n"
            "```python\nx = [1, (2)]\n```\n\n脚注[^1]\n\n[^1]: 说明\n")
    assert check_budget(body) is None


@pytest.mark.parametrize("line, depth", [
    ("- " * 25 + "x", 25), ("> " * 25 + "x", 25), ("1. " * 25 + "x", 25), ("1) " * 25 + "x", 25),
    ("* " * 12 + "+ " * 13 + "x", 25), ("> - " * 13, 26), (" " * 48 + "- x", 25), ("\t" * 12 + "- x", 25),
    ("- " * 30, 30),
])
def test_lines_nested_deeper_than_24_levels_are_refused(line, depth):
    assert check_budget(f"正文\n\n{line}\n") == nesting(depth, 3)


@pytest.mark.parametrize("line", [
    "- " * 24 + "x", "> " * 24 + "x", " " * 47 + "- x", " " * 46 + "- x", " " * 45 + "- x", "\t" * 11 + "  - x",
    " " * 100 + "正文", "-" * 100, "1.2.3." * 30, "1234567890. x " * 30,
])
def test_lines_nested_24_levels_or_less_pass(line):
    assert check_budget(f"正文\n\n{line}\n") is None


def test_footnote_references_above_300_name_the_301st():
    refs = ["[^1]"] * 310  # one a line, from the first character on: the 301st is on line 301
    assert check_budget("\n".join(refs)) == Overrun(
        301, "正文中的脚注引用“[^”过多（310 处，上限 300 处）", "减少脚注；参考文献可以写成普通的编号列表")
    assert check_budget("\n".join(refs[:300])) is None
    assert line_of("\n".join(refs[:301])) == 301
    assert line_of("[^1]" * 299 + "\n\n\n[^2][^3]\n[^4]") == 4


# Unclosed brackets: each `[` scans to the end of its paragraph. 625 of them followed by 1287
# letters cost 625 × 1912 − (0 + 1 + … + 624) = 1,195,000 − 195,000 = 1,000,000: the limit.
AT_LIMIT = "[" * 625 + "x" * 1287


def test_scan_cost_exactly_at_the_limit_passes_and_one_more_fails():
    assert check_budget(AT_LIMIT) is None
    assert check_budget(AT_LIMIT + "x") == Overrun(1, SCAN_MESSAGE, SCAN_FIX)  # 1,000,625
    assert check_budget(AT_LIMIT.replace("[", "(")) is None
    assert check_budget(AT_LIMIT.replace("[", "(") + "x") == Overrun(1, SCAN_MESSAGE, SCAN_FIX)


def test_square_and_round_brackets_add_up():
    # 707 `[` then 707 `(`: 750,127 + 250,278 = 1,000,405; either kind alone is far below
    assert check_budget("[" * 707 + "(" * 707) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    assert check_budget("[" * 707 + "x" * 707) is None and check_budget("x" * 707 + "(" * 707) is None


def test_the_overrun_names_the_first_line_with_text():
    assert line_of("\n \n\t" + "[" * 1414) == 3
    assert line_of("[" * 1414 + "\n\n后记") == 1


def test_a_closed_bracket_costs_only_its_distance():
    assert check_budget("[" + "x" * 999_989 + "]" + "[" * 4) is None  # 999,990 + 4 + 3 + 2 + 1
    assert check_budget("[" + "x" * 999_989 + "]" + "[" * 5) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    assert check_budget("]" * 5 + "[x]") is None  # a closer without opener closes nothing


def test_an_unclosed_bracket_scans_to_the_end_of_its_paragraph_only():
    # 1000 `[`: 500,500 in their paragraph; to the end of the document it would be 500,500 + 1000 × 1002
    assert check_budget("[" * 1000 + "\n\n" + "x" * 1000) is None
    assert check_budget("[" * 1000 + "\n  \n" + "x" * 1000) is None  # a line of spaces is blank
    assert check_budget("[" * 1000 + "\n" + "x" * 1000) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    # paragraphs without a bracket are passed over, not the end of the search
    assert check_budget("前言\n\n" + "[" * 1414) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    assert check_budget("前言\n\n" + "(" * 1414) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)


def test_unclosed_tags_scan_to_the_end_of_the_document():
    # `<a` × 1000: 2000 + 1998 + … + 2 = 1,001,000; × 999: 999,000
    assert check_budget("<a" * 1000) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    assert check_budget("<a" * 999) is None
    for opener in ("<!", "</", "<?", "<Z"):
        assert check_budget(opener * 1000) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    # 500 × 2502 − (0 + 2 + … + 998) = 1,001,500 (250,500 had it stopped at its paragraph)
    assert check_budget("<a" * 500 + "\n\n" + "x" * 1500) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    assert check_budget("<a>" * 1000) is None and check_budget("< " * 1000) is None
    assert check_budget("<1" * 1000) is None


def test_paragraphs_of_many_marker_lines_cost_their_length_for_each_marker():
    # 1000 lines "#xxxxxx" (8 characters but the last): 1000 × 7999 // 8 = 999,875 passes; "#xxxxxxx": 1,124,875
    assert check_budget("\n".join(["#xxxxxx"] * 1000)) is None
    assert check_budget("\n".join(["#xxxxxxx"] * 1000)) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    for marker in ":=`~?!#_*+-":
        assert check_budget("\n".join([marker + "x" * 7] * 1000)) == Overrun(1, SCAN_MESSAGE, SCAN_FIX), marker
    assert check_budget("\n".join(["  #" + "x" * 5] * 1000)) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)


def test_list_items_and_few_markers_cost_nothing():
    assert check_budget("\n".join(["- " + "x" * 6] * 1000)) is None
    assert check_budget("\n".join(["* " + "x" * 6] * 1000)) is None
    # 50 marker lines of 3302 characters: 50 × 165,099 // 8 would be 1,031,868, but 50 is a few
    fifty = "\n".join(["#" + "x" * 3300] * 50)
    assert check_budget(fifty) is None
    assert check_budget(fifty + "\n#") == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    # marker lines count per paragraph: 26 + 26 in two paragraphs are few
    half = "\n".join(["#" + "x" * 6000] * 26)
    assert check_budget(half + "\n\n" + half) is None


def test_nesting_is_checked_before_footnotes_and_footnotes_before_the_scan():
    deep, notes, brackets = "- " * 30, "[^1]" * 301, "[" * 1500
    assert line_of(f"{brackets}\n\n{notes}\n\n{deep}") == 5
    assert line_of(f"{brackets}\n\n{notes}") == 3


def test_closed_round_brackets_cost_only_their_distance_too():
    assert check_budget("(" + "x" * 999_989 + ")" + "(" * 4) is None  # 999,990 + 10
    assert check_budget("(" + "x" * 999_989 + ")" + "(" * 5) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)


def test_every_closed_pair_adds_its_distance():
    # two pairs of 499,999 and two unclosed `[` (2 + 1): 1,000,001
    assert check_budget(("[" + "x" * 499_998 + "]") * 2 + "[[") == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    assert check_budget(("[" + "x" * 499_998 + "]") * 2 + "[") is None  # 999,999


def test_a_closing_angle_before_a_tag_does_not_close_it():
    assert check_budget("x>" + "<a" * 1000) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)


def test_marker_paragraphs_add_up_and_count_their_own_length():
    # two paragraphs of 800 lines "#xxxxxx": 800 × 6399 // 8 = 639,900 each, 1,279,800 together
    block = "\n".join(["#xxxxxx"] * 800)
    assert check_budget(block + "\n\n" + block) == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
    assert check_budget(block) is None
    # a paragraph's cost is its own length, wherever it starts: 999,875 after a preface
    assert check_budget("前言\n\n" + "\n".join(["#xxxxxx"] * 1000)) is None


def test_marker_cost_is_counted_in_whole_units():
    # 67 marker lines, 119,403 characters: 67 × 119,403 = 8,000,001, // 8 = 1,000,000 (the limit)
    lines = ["#" + "x" * 1780] * 66 + ["#" + "x" * 1790]
    body = "\n".join(lines)
    assert len(body) == 119_403 and check_budget(body) is None
    assert check_budget(body + "x") == Overrun(1, SCAN_MESSAGE, SCAN_FIX)
