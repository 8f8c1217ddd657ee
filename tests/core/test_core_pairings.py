"""挂点帮带 (pairings.yml) and 党建联席片 (groups.yml) on plain data, with the shared readers of the
registers (plain text, unit lists, the line of a list item): what is kept, what is left out,
and every problem with its file, line and fix."""

from __future__ import annotations

from datetime import date

import pytest

from portal_factory import ORGS_YML
from site_builder.core.orgs import load_orgs
from site_builder.core.registers.common import item_line, parse_day, plain_text, text_list
from site_builder.core.registers.pairings import (
    Group,
    Pairing,
    groups_of_unit,
    load_groups,
    load_pairings,
    pairings_of_unit,
)
from site_builder.core.textcheck import FIX

ORGS = load_orgs(ORGS_YML)[0]
UNIT_REF_FIX = "写成 系统id/单位id（例如 tax/np-jo），该单位须已在 orgs.yml 中登记"
LIST_FIX = "写成 pairs: [tax/np-jo, fda/np-jo]"


def pairings(text: str):
    problems: list = []
    return load_pairings(text, ORGS, problems), [(p.path, p.line, p.message, p.fix) for p in problems]


def groups(text: str):
    problems: list = []
    return load_groups(text, ORGS, problems), [(p.path, p.line, p.message, p.fix) for p in problems]


# -- the shared readers ------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [("  张明 ", "张明"), (2026, "2026"), (1.5, "1.5"), ("省局党委委员、副局长", "省局党委委员、副局长")])
def test_plain_text_is_one_stripped_line(value, text):
    assert plain_text(value) == text


@pytest.mark.parametrize("value", [None, True, False, "", "   ", "张\n明", "<b>张明</b>", "A&B", "张\u202e明", "张\x07明",
                                   ["张明"], {"name": "张明"}])
def test_plain_text_refuses_markup_lines_breaks_and_other_values(value):
    assert plain_text(value) is None


def test_a_single_text_counts_as_a_list_of_one():
    assert text_list("tax/np") == ["tax/np"]
    assert text_list(7) == ["7"]
    assert text_list([" tax/np ", 7]) == ["tax/np", "7"]
    assert text_list([]) == []


@pytest.mark.parametrize("value", [True, None, {"a": 1}, ["tax/np", None], ["tax/np", ["x"]], ["a\nb"], 1.5])
def test_a_malformed_text_list_is_none(value):
    assert text_list(value) is None


def test_the_line_of_a_list_item_is_found_at_or_after_its_key():
    lines = ["pairs:", "  - tax/np", "  - radio/np", "leader: 张明", "pairs: [tax/np]"]
    assert item_line(lines, 1, "radio/np") == 3
    assert item_line(lines, 1, "tax/np") == 2
    assert item_line(lines, 3, "tax/np") == 5  # not the earlier line
    assert item_line(lines, 0, "pairs:") == 1
    assert item_line(lines, 5, "tax/np") == 5
    assert item_line(lines, 4, "fda/np") == 4  # not found: the key's own line


def test_the_line_of_a_list_item_is_looked_for_within_200_lines():
    lines = ["pairs:"] + ["  # 说明"] * 199 + ["  - tax/np"] + ["  - fda/np"]
    assert item_line(lines, 1, "tax/np") == 201  # 200 lines after the key: still found
    assert item_line(lines, 1, "fda/np") == 1  # 201 lines after: not looked for
    assert item_line(lines, 2, "fda/np") == 202


@pytest.mark.parametrize("value, day", [("2026-06-30", date(2026, 6, 30)), (" 2026-06-30 ", date(2026, 6, 30)),
                                        ("2026-6-3", date(2026, 6, 3)), ("2026-02-28", date(2026, 2, 28))])
def test_a_day_is_year_month_day(value, day):
    assert parse_day(value) == day


@pytest.mark.parametrize("value", ["2026-02-29", "2026-13-01", "2026/06/30", "20260630", "2026-06-30 09:00",
                                   "2026年6月30日", 20260630, None, ["2026-06-30"]])
def test_anything_else_is_not_a_day(value):
    assert parse_day(value) is None


# -- pairings.yml -----------------------------------------------------------------------------


def test_a_pairing_with_every_key_is_read():
    found, problems = pairings("- leader: 张明\n  role: 省局党委委员、副局长\n  unit: tax/prov\n"
                               "  pairs: [tax/np-jo, radio/np, tax/np-jo]\n  since: 2026-01-01\n  until: 2026-12-31\n")
    assert problems == []
    assert found == [Pairing("张明", "tax/prov", ("tax/np-jo", "radio/np"), date(2026, 1, 1), date(2026, 12, 31),
                             "省局党委委员、副局长", 1)]


def test_a_pairing_without_until_or_role_runs_on():
    found, problems = pairings("- leader: 李华\n  unit: tax/np\n  pairs: tax/np-jo\n  since: 2026-03-01\n")
    assert problems == []
    assert found == [Pairing("李华", "tax/np", ("tax/np-jo",), date(2026, 3, 1), line=1)]
    assert found[0].holds(date(2099, 1, 1)) and found[0].holds(date(2026, 3, 1))
    assert not found[0].holds(date(2026, 2, 28))


def test_a_pairing_holds_from_since_to_until_inclusive():
    pairing = Pairing("张明", "tax/prov", ("tax/np",), date(2026, 1, 1), date(2026, 6, 30))
    assert [pairing.holds(d) for d in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1))] == [
        False, True, True, False]


def test_missing_keys_are_named_on_the_entry_line():
    found, problems = pairings("- role: 副局长\n- leader: 张明\n  unit: tax/prov\n  since: 2026-01-01\n")
    assert found == []
    assert problems == [
        ("pairings.yml", 1, "缺少 leader（领导姓名）", "加一行 leader: 领导姓名"),
        ("pairings.yml", 1, "缺少 unit（领导所在单位）", "加一行 unit: tax/prov"),
        ("pairings.yml", 1, "缺少 since（挂点开始日期）", "加一行 since: 2026-01-01（年-月-日）"),
        ("pairings.yml", 1, "缺少 pairs（挂点联系的下级单位）", "加一行 pairs: [tax/np-jo, fda/np-jo]"),
        ("pairings.yml", 2, "缺少 pairs（挂点联系的下级单位）", "加一行 pairs: [tax/np-jo, fda/np-jo]"),
    ]


def test_bad_values_are_named_on_their_lines():
    text = """\
- leader: <b>张明</b>
  role: "副局长\\u200b"
  unit: tax/prov
  pairs: [tax/np]
  since: 2026-13-01
  until: 明年
  office: 三楼
- leader: 李华
  unit: [tax/np]
  pairs: {a: tax/np-jo}
  since: 2026-03-01
"""
    found, problems = pairings(text)
    assert found == []
    invisible = problems[2][2]
    assert invisible.startswith("role") and "U+200B" in invisible
    assert problems == [
        ("pairings.yml", 7, "未知的键“office”", "删除它，或改成允许的键：leader、role、unit、pairs、since、until"),
        ("pairings.yml", 1, "leader（领导姓名）必须是一行纯文字", "写成 leader: 领导姓名，不含 < > & \" 等符号和换行"),
        ("pairings.yml", 2, invisible, FIX),
        ("pairings.yml", 5, "since“2026-13-01”不是有效日期", "写成 since: 2026-01-01（年-月-日）"),
        ("pairings.yml", 6, "until“明年”不是有效日期", "写成 until: 2026-01-01（年-月-日）"),
        ("pairings.yml", 9, "unit 中的单位“['tax/np']”不存在", UNIT_REF_FIX),
        ("pairings.yml", 10, "pairs 必须是“系统/单位”的列表", LIST_FIX),
    ]


def test_a_bad_role_and_an_unknown_pair_are_named_on_their_own_lines():
    text = "- leader: 张明\n  unit: tax/prov\n  role: <联络 fda/np>\n  since: 2026-01-01\n  pairs: [tax/np, fda/np]\n"
    found, problems = pairings(text)
    assert problems == [
        ("pairings.yml", 3, "role（职务）必须是一行纯文字", "写成 role: 职务，不含 < > & \" 等符号和换行"),
        ("pairings.yml", 5, "pairs 中的单位“fda/np”不存在", UNIT_REF_FIX)]
    assert [(p.role, p.pairs) for p in found] == [(None, ("tax/np",))]


def test_a_role_written_as_a_number_is_kept_as_text():
    found, problems = pairings("- leader: 2026\n  role: 3\n  unit: tax/prov\n  pairs: [tax/np]\n  since: 2026-01-01\n")
    assert problems == [] and [(p.leader, p.role) for p in found] == [("2026", "3")]


def test_until_before_since_is_dropped_and_the_pairing_kept():
    found, problems = pairings("- leader: 张明\n  unit: tax/prov\n  pairs: [tax/np]\n  since: 2026-06-01\n"
                               "  until: 2026-05-31\n")
    assert problems == [("pairings.yml", 5, "until（结束日期）早于 since（开始日期）", "检查两个日期")]
    assert [(p.since, p.until) for p in found] == [(date(2026, 6, 1), None)]
    same_day, problems = pairings("- leader: 张明\n  unit: tax/prov\n  pairs: [tax/np]\n  since: 2026-06-01\n"
                                  "  until: 2026-06-01\n")
    assert problems == [] and same_day[0].until == date(2026, 6, 1)


def test_paired_units_must_be_lower_than_the_leaders_unit():
    text = """\
- leader: 李华
  unit: tax/np
  pairs:
    - tax/prov
    - radio/np
    - radio/np-jo
    - tax/nowhere
  since: 2026-03-01
"""
    found, problems = pairings(text)
    lower_fix = "挂点帮带只能联系下级单位：市级领导挂点市、县单位，市级领导挂点县级单位"
    assert problems == [
        ("pairings.yml", 7, "pairs 中的单位“tax/nowhere”不存在", UNIT_REF_FIX),
        ("pairings.yml", 4, "“tax/prov”（省级）不是比 tax/np（市级）更低一级的单位", lower_fix),
        ("pairings.yml", 5, "“radio/np”（市级）不是比 tax/np（市级）更低一级的单位", lower_fix),
    ]
    assert [p.pairs for p in found] == [("radio/np-jo",)]


def test_a_pair_not_below_is_named_on_the_pairs_line_even_when_named_earlier():
    text = "- leader: 李华\n  role: 联系 radio/np 的市级领导\n  unit: tax/np\n  since: 2026-03-01\n  pairs: [radio/np, tax/np-jo]\n"
    found, problems = pairings(text)
    assert [(line, message) for _, line, message, _ in problems] == [
        (5, "“radio/np”（市级）不是比 tax/np（市级）更低一级的单位")]
    assert [p.pairs for p in found] == [("tax/np-jo",)]


def test_a_pairing_with_no_lower_unit_left_is_dropped():
    found, problems = pairings("- leader: 王五\n  unit: tax/np-jo\n  pairs: [radio/np-jo]\n  since: 2026-03-01\n")
    assert found == []
    assert [(line, message) for _, line, message, _ in problems] == [
        (3, "“radio/np-jo”（县级）不是比 tax/np-jo（县级）更低一级的单位")]
    assert problems[0][3].startswith("挂点帮带只能联系下级单位：县级领导")


def test_empty_pairs_are_named():
    found, problems = pairings("- leader: 张明\n  unit: tax/prov\n  pairs: []\n  since: 2026-01-01\n")
    assert found == []
    assert problems == [("pairings.yml", 3, "pairs 为空", "列出挂点联系的下级单位，例如 pairs: [tax/np-jo]")]


def test_empty_pairs_beside_another_problem_are_not_named_twice():
    _, problems = pairings("- leader: 张明\n  unit: tax/prov\n  pairs: []\n  since: 2026-01-01\n  boss: 某\n")
    assert [message for _, _, message, _ in problems] == ["未知的键“boss”"]
    _, problems = pairings("- unit: tax/prov\n  pairs: []\n  since: 2026-01-01\n")
    assert [message for _, _, message, _ in problems] == ["缺少 leader（领导姓名）"]
    _, problems = pairings("- leader: 张明\n  unit: tax/nowhere\n  pairs: []\n  since: 2026-01-01\n")
    assert [message for _, _, message, _ in problems] == ["unit 中的单位“tax/nowhere”不存在"]
    _, problems = pairings("- leader: 张明\n  unit: tax/prov\n  pairs: []\n")
    assert [message for _, _, message, _ in problems] == ["缺少 since（挂点开始日期）"]


def test_an_unknown_leader_unit_still_checks_the_paired_units():
    found, problems = pairings("- leader: 张明\n  unit: tax/nowhere\n  pairs: [tax/np, fda/np]\n  since: 2026-01-01\n")
    assert found == []
    assert [(line, message) for _, line, message, _ in problems] == [
        (2, "unit 中的单位“tax/nowhere”不存在"), (3, "pairs 中的单位“fda/np”不存在")]


def test_a_pairings_file_that_is_not_a_list():
    assert pairings("leader: 张明\n") == ([], [("pairings.yml", 1, "文件内容必须是列表（每项以“- ”开头）", "参照示例：- leader: 张明")])
    assert pairings("") == ([], [])
    assert pairings("- 张明\n- leader: 李华\n") == ([], [
        ("pairings.yml", 1, "每个挂点帮带必须是“键: 值”的映射", "写 leader、unit、pairs、since"),
        ("pairings.yml", 2, "缺少 unit（领导所在单位）", "加一行 unit: tax/prov"),
        ("pairings.yml", 2, "缺少 since（挂点开始日期）", "加一行 since: 2026-01-01（年-月-日）"),
        ("pairings.yml", 2, "缺少 pairs（挂点联系的下级单位）", "加一行 pairs: [tax/np-jo, fda/np-jo]")])


def test_a_yaml_error_names_its_line():
    problems: list = []
    assert load_pairings("- leader: 张明\n  role: 副: 局长\n", ORGS, problems, "content/pairings.yml") == []
    assert [(p.path, p.line, p.fix) for p in problems] == [
        ("content/pairings.yml", 2, "按 YAML 格式修正该行（缩进用空格、含冒号的值加引号）")]
    assert isinstance(problems[0].message, str) and problems[0].message  # the YAML reader's own words


def test_the_pairings_of_a_unit_given_and_received():
    given = Pairing("张明", "tax/prov", ("tax/np", "radio/np-jo"), date(2026, 1, 1))
    other = Pairing("李华", "tax/np", ("tax/np-jo", "radio/np-jo"), date(2026, 1, 1))
    assert pairings_of_unit([given, other], "tax/np") == ([other], [given])
    assert pairings_of_unit([given, other], "radio/np-jo") == ([], [given, other])
    assert pairings_of_unit([given, other], "fda/np") == ([], [])


# -- groups.yml --------------------------------------------------------------------------------


def test_a_group_lists_its_lead_first_and_each_member_once():
    found, problems = groups("- id: minbei\n  name: 闽北联席片\n  lead: tax/np\n  members: [radio/np, tax/np, radio/np]\n"
                             "- id: jianou\n  name: 建瓯联席片\n  lead: radio/np-jo\n  members: tax/np-jo\n")
    assert problems == []
    assert found == [Group("minbei", "闽北联席片", "tax/np", ("tax/np", "radio/np"), 1),
                     Group("jianou", "建瓯联席片", "radio/np-jo", ("radio/np-jo", "tax/np-jo"), 5)]
    assert groups_of_unit(found, "tax/np") == [found[0]]
    assert groups_of_unit(found, "radio/np-jo") == [found[1]]
    assert groups_of_unit(found, "tax/prov") == []


def test_group_problems_are_named_on_their_lines():
    text = """\
- id: Minbei
  name: 闽北
  lead: tax/np
  members: [tax/np]
- id: minbei
  name: 闽北联席片
  lead: tax/np
  members: [tax/np]
- id: minbei
  name: 又一个
  lead: tax/np
  members: [tax/np]
- id: sanming
  lead: tax/nowhere
  members: [tax/sm, fda/sm]
  area: sm
- id: nanping
  name: 南平联席片
  members: [tax/np]
- 闽北
- name: 无编号
  lead: tax/np
  members: [tax/np]
- id: jianou
  name: 建瓯联席片
  lead: tax/np-jo
"""
    found, problems = groups(text)
    # a group without members is named and kept with its lead alone
    assert [(g.id, g.members) for g in found] == [("minbei", ("tax/np",)), ("jianou", ("tax/np-jo",))]
    assert problems == [
        ("groups.yml", 1, "联席片 id“Minbei”无效", "id 只能用小写英文字母、数字和连字符（a-z 0-9 -）"),
        ("groups.yml", 9, "联席片 id“minbei”重复", "每个联席片的 id 必须唯一"),
        ("groups.yml", 16, "未知的键“area”", "删除它，或改成允许的键：id、name、lead、members"),
        ("groups.yml", 13, "缺少 name（联席片名称）", "加一行 name: 联席片名称"),
        ("groups.yml", 14, "lead 中的单位“tax/nowhere”不存在", UNIT_REF_FIX),
        ("groups.yml", 15, "members 中的单位“fda/sm”不存在", UNIT_REF_FIX),
        ("groups.yml", 17, "缺少 lead（牵头单位）", "加一行 lead: tax/np"),
        ("groups.yml", 1, "每个联席片必须是“键: 值”的映射", "写 id、name、lead、members"),
        ("groups.yml", 21, "联席片 id“None”无效", "id 只能用小写英文字母、数字和连字符（a-z 0-9 -）"),
        ("groups.yml", 24, "缺少 members（成员单位）", "加一行 members: [tax/np-jo, fda/np-jo]"),
    ]


def test_a_bad_or_repeated_group_id_is_named_on_the_id_line():
    text = ("- name: 闽北联席片\n  id: minbei\n  lead: tax/np\n  members: [tax/np]\n"
            "- name: 又一个\n  id: minbei\n  lead: tax/np\n  members: [tax/np]\n"
            "- name: 三明\n  id: Sanming\n  lead: tax/sm\n  members: [tax/sm]\n")
    found, problems = groups(text)
    assert [g.id for g in found] == ["minbei"]
    assert problems == [("groups.yml", 6, "联席片 id“minbei”重复", "每个联席片的 id 必须唯一"),
                        ("groups.yml", 10, "联席片 id“Sanming”无效", "id 只能用小写英文字母、数字和连字符（a-z 0-9 -）")]


def test_a_group_with_unknown_members_keeps_the_known_ones():
    found, problems = groups("- id: minbei\n  name: 闽北联席片\n  lead: tax/np\n  members:\n    - radio/np\n    - fda/np\n")
    assert [g.members for g in found] == [("tax/np", "radio/np")]
    assert problems == [("groups.yml", 6, "members 中的单位“fda/np”不存在", UNIT_REF_FIX)]


def test_a_groups_file_that_is_not_a_list():
    assert groups("id: minbei\n") == ([], [("groups.yml", 1, "文件内容必须是列表（每项以“- ”开头）", "参照示例：- id: minbei")])
