"""orgs.yml rule by rule: each mistake gives exactly its problem (line, message, fix), the
registry keeps what is valid, and the tree walks (parent, ancestors, descendants) on plain data."""

from __future__ import annotations

import pytest

from portal_factory import ORGS_YML
from site_builder.core.orgs import SYSTEM_KEYS, UNIT_KEYS, Orgs, System, Unit, load_orgs
from site_builder.core.problems import Problem
from site_builder.core.textcheck import FIX

HEAD = "systems:\n  - id: tax\n    name: 税务\n    units:\n"  # units start on line 5
PROV = "      - id: prov\n        name: 省局\n        level: province\n"  # lines 5–7


def problems_of(text: str, reserved: frozenset[str] = frozenset()) -> list[tuple[int, str, str]]:
    found = load_orgs(text, "content/orgs.yml", reserved)[1]
    assert {p.path for p in found} <= {"content/orgs.yml"}
    return [(p.line, p.message, p.fix) for p in found]


ID_FIX = "id 只能用小写英文字母、数字和连字符（a-z 0-9 -），且不能为空"


@pytest.mark.parametrize("text, expected", [
    ("systems: [a, b\n", [(2, "YAML 格式错误：方括号 [ ] 或花括号 { } 没有配对；普通文字以 [ 或 { 开头时请给整个值加引号",
                       "按 YAML 格式修正该行（注意缩进用空格、含冒号的值加引号）")]),
    ("", [(1, "缺少 systems 列表", "文件应以 `systems:` 开头，下面逐个列出系统")]),
    ("systems: 税务\n", [(1, "缺少 systems 列表", "文件应以 `systems:` 开头，下面逐个列出系统")]),
    ("- a\n", [(1, "缺少 systems 列表", "文件应以 `systems:` 开头，下面逐个列出系统")]),
    ("systems: []\nextra: 1\n", [(2, "未知的键“extra”", "顶层只允许 systems、areas")]),
    ("systems:\n  - 税务\n", [(1, "systems 下的每一项必须是“键: 值”的映射", "参照示例写 id、name、kind、units")]),
    ("systems:\n  - name: 税务\n", [(2, "系统 id“None”无效", ID_FIX)]),
    ("systems:\n  - id: Tax\n    name: 税务\n", [(2, "系统 id“Tax”无效", ID_FIX)]),
    ("systems:\n  - id: 12\n", [(2, "系统 id“12”无效", ID_FIX)]),
    ("systems:\n  - id: tax\n    name: 税务\n    colour: red\n    units:\n" + "      - id: prov\n        name: 省局\n"
     "        level: province\n", [(4, "未知的键“colour”", f"删除它或改成允许的键：{'、'.join(sorted(SYSTEM_KEYS))}")]),
    ("systems:\n  - id: tax\n    name: 税务\n    kind: mixed\n    units:\n      - id: prov\n        name: 省局\n"
     "        level: province\n", [(4, "kind“mixed”无效", "kind 只能是 vertical（条管）或 local（块管）")]),
    ("systems:\n  - id: tax\n    name: 税务\n", [(2, "系统“tax”没有 units 列表", "在 units 下列出省、市、县各级单位")]),
    ("systems:\n  - id: tax\n    name: 税务\n    units: []\n", [(4, "系统“tax”没有 units 列表", "在 units 下列出省、市、县各级单位")]),
    (HEAD + "      - 省局\n", [(2, "系统“tax”的 units 中有一项不是映射", "每个单位写 id、name、level、parent")]),
    (HEAD + "      - id: prov\n        name: 省局\n        level: state\n",
     [(7, "单位“prov”的 level“state”无效", "level 只能是 province（省）、city（市）或 county（县）")]),
    (HEAD + "      - id: prov\n        name: 省局\n", [(5, "单位“prov”的 level“None”无效",
                                                  "level 只能是 province（省）、city（市）或 county（县）")]),
    (HEAD + "      - id: p_1\n        name: 省局\n        level: province\n", [(5, "单位 id“p_1”无效", ID_FIX)]),
    (HEAD + PROV + "        reviewers: 3\n", [(8, "reviewers 必须是文字列表", '写成 reviewers: ["@团队名"]')]),
    (HEAD + PROV + "        reviewers: [\"@a\", 3]\n", [(8, "reviewers 必须是文字列表", '写成 reviewers: ["@团队名"]')]),
    (HEAD + PROV + "        colour: red\n", [(8, "未知的键“colour”",
                                             f"删除它或改成允许的键：{'、'.join(sorted(UNIT_KEYS))}")]),
    (HEAD + PROV + "      - id: prov\n        name: 又一个\n        level: province\n",
     [(8, "单位 id“prov”在系统“tax”中重复", "同一系统内单位 id 必须唯一")]),
    (HEAD + PROV + "        parent: np\n", [(5, "省级单位“prov”不能有 parent", "删除 parent 一行")]),
    (HEAD + PROV + "      - id: np\n        name: 市局\n        level: city\n",
     [(8, "市级单位“np”缺少 parent", "写上它的上级单位 id（省级）")]),
    (HEAD + PROV + "      - id: np\n        name: 市局\n        level: city\n        parent: np\n",
     [(8, "单位“np”的 parent 指向自己（循环）", "parent 应是上一级单位的 id")]),
    (HEAD + PROV + "      - id: np\n        name: 市局\n        level: city\n        parent: nowhere\n",
     [(8, "单位“np”的 parent“nowhere”在系统“tax”中不存在", "检查拼写，parent 必须是同一系统中的单位 id")]),
    (HEAD + PROV + "      - id: jo\n        name: 县局\n        level: county\n        parent: prov\n",
     [(8, "单位“jo”（县级）的上级“prov”是省级，层级不对", "parent 必须正好高一级（市级）")]),
    (HEAD + PROV + "      - id: np\n        name: 市局\n        level: city\n        parent: prov\n"
     "      - id: jo\n        name: 县局\n        level: county\n",
     [(12, "县级单位“jo”缺少 parent", "写上它的上级单位 id（市级）")]),
])
def test_each_mistake_gives_its_problem(text, expected):
    """The allowed keys grow with features (registers, columns): the fix lists them sorted."""
    assert problems_of(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the id on the second line of its entry: the problem names the id's line, not the entry's
    ("systems:\n  - name: 一\n    id: tax\n    units:\n" + PROV + "  - name: 二\n    id: tax\n    units:\n" + PROV,
     [(9, "系统 id“tax”重复", "每个系统的 id 必须唯一")]),
    ("systems:\n  - name: 问答\n    id: qa\n", [(3, "系统 id“qa”与网站保留路径冲突", "换一个 id，不要使用：qa")]),
    ("systems:\n  - name: 税务\n    id: Tax\n", [(3, "系统 id“Tax”无效", ID_FIX)]),
    (HEAD + PROV + "      - name: 又一个\n        id: prov\n        level: province\n",
     [(9, "单位 id“prov”在系统“tax”中重复", "同一系统内单位 id 必须唯一")]),
    (HEAD + "      - name: 省局\n        id: P\n        level: province\n", [(6, "单位 id“P”无效", ID_FIX)]),
])
def test_problems_name_the_line_of_the_id(text, expected):
    assert problems_of(text, frozenset({"qa"})) == expected


def test_an_invalid_kind_falls_back_to_vertical():
    orgs, _ = load_orgs("systems:\n  - id: tax\n    name: 税务\n    kind: mixed\n    units:\n" + PROV)
    assert orgs.systems["tax"].kind == "vertical" and orgs.systems["tax"].kind_name == "条管"


def test_units_below_a_refused_province_unit_all_go():
    text = HEAD + PROV + "        parent: ghost\n" + "      - id: np\n        name: 市局\n        level: city\n        parent: prov\n" \
        "      - id: jo\n        name: 县局\n        level: county\n        parent: np\n"
    orgs, problems = load_orgs(text)
    assert [p.line for p in problems] == [5] and orgs.units() == []


def test_duplicate_and_reserved_system_ids():
    two = "systems:\n  - id: tax\n    name: 一\n    units:\n" + PROV + "  - id: tax\n    name: 二\n    units:\n" + PROV
    orgs, problems = load_orgs(two)
    assert [(p.line, p.message, p.fix) for p in problems] == [(8, "系统 id“tax”重复", "每个系统的 id 必须唯一")]
    assert orgs.systems["tax"].name == "一"
    assert problems_of(HEAD + PROV, frozenset({"tax", "qa"})) == [
        (2, "系统 id“tax”与网站保留路径冲突", "换一个 id，不要使用：qa、tax")]


def test_names_and_numbers():
    text = "systems:\n  - id: tax\n    units:\n      - id: prov\n        level: province\n      - id: np\n" \
           "        name: 市局\n        level: city\n        parent: prov\n        reviewers: \"@np\"\n"
    orgs, problems = load_orgs(text, "x/orgs.yml")
    assert problems == [Problem("x/orgs.yml", 2, "缺少 name", "写上 name: 中文名称"),
                        Problem("x/orgs.yml", 4, "缺少 name", "写上 name: 中文名称")]
    system = orgs.systems["tax"]
    assert (system.name, system.kind, system.kind_name, system.line) == ("tax", "vertical", "条管", 2)
    prov, np = orgs.unit("tax/prov"), orgs.unit("tax/np")
    assert prov is not None and np is not None
    assert (prov.name, prov.line, prov.parent, prov.reviewers) == ("prov", 4, None, ())
    assert (np.name, np.line, np.parent, np.reviewers, np.level_name) == ("市局", 6, "prov", ("@np",), "市级")
    numbered = load_orgs(HEAD + PROV + "      - id: \"7\"\n        name: 七\n        level: city\n        parent: 7\n".replace(
        "parent: 7", "parent: prov"))[0]
    assert numbered.unit("tax/7") is not None


NAME_FIX = "name 只写中文名称，不含 < > & \" 等符号、换行或控制字符"


@pytest.mark.parametrize("value, shown", [("\"<b>省局</b>\"", "<b>省局</b>"), ("\"A&B\"", "A&B"), ("\"  \"", "  "),
                                          ("[a, b]", "['a', 'b']"), ("\"x`y\"", "x`y"),
                                          ("\"<" + "长" * 50 + "\"", "<" + "长" * 39)])
def test_names_must_be_one_line_of_plain_text(value, shown):
    text = HEAD + f"      - id: prov\n        level: province\n        name: {value}\n"
    orgs, problems = load_orgs(text)
    assert [(p.line, p.message, p.fix) for p in problems] == [(7, f"name“{shown}”不是一行纯文字", NAME_FIX)]
    prov = orgs.unit("tax/prov")
    assert prov is not None and prov.name == "prov"


def test_a_control_character_in_a_name_is_named_with_its_position():
    """Issue 19: controls, bidi and invisible characters are named with their position."""
    text = HEAD + "      - id: prov\n        level: province\n        name: \"甲\\x01乙\"\n"
    orgs, problems = load_orgs(text)
    assert [(p.line, p.message) for p in problems] == [(7, "name第 2 个字符是不允许的控制字符（U+0001）")]
    prov = orgs.unit("tax/prov")
    assert prov is not None and prov.name == "prov"


def test_names_are_trimmed_and_numbers_read_as_text():
    orgs, problems = load_orgs(HEAD + "      - id: prov\n        name: \"  省局 \"\n        level: province\n"
                                      "      - id: np\n        name: 12.5\n        level: city\n        parent: prov\n")
    assert problems == [] and [u.name for u in orgs.units()] == ["省局", "12.5"]


def test_a_numeric_parent_is_read_as_text():
    text = HEAD + "      - id: \"1\"\n        name: 省局\n        level: province\n" \
                  "      - id: np\n        name: 市局\n        level: city\n        parent: 1\n"
    orgs, problems = load_orgs(text)
    assert problems == []
    np = orgs.unit("tax/np")
    assert np is not None and np.parent == "1"
    assert [u.id for u in orgs.ancestors(np)] == ["1"]


def test_problem_path_is_the_given_path():
    assert load_orgs("", "content/orgs.yml")[1] == [
        Problem("content/orgs.yml", 1, "缺少 systems 列表", "文件应以 `systems:` 开头，下面逐个列出系统")]
    assert load_orgs("a: [", "p.yml")[1][0].path == "p.yml"
    assert {p.path for p in load_orgs(HEAD + PROV + "        x: 1\n", "q.yml")[1]} == {"q.yml"}


def test_units_below_a_refused_unit_go_with_it():
    text = HEAD + PROV + "      - id: np\n        name: 市局\n        level: city\n        parent: ghost\n" \
                         "      - id: jo\n        name: 县局\n        level: county\n        parent: np\n" \
                         "      - id: jo2\n        name: 县局二\n        level: county\n        parent: jo\n"
    orgs, problems = load_orgs(text)
    assert [p.line for p in problems] == [8, 16]  # the missing parent, and a county under a county
    assert [u.key for u in orgs.units()] == ["tax/prov"]
    assert orgs.systems["tax"].units["prov"].children == []


def test_the_sample_tree():
    orgs, problems = load_orgs(ORGS_YML)
    assert problems == []

    def unit(key: str) -> Unit:
        found = orgs.unit(key)
        assert found is not None, key
        return found

    assert [u.key for u in orgs.units()] == ["tax/prov", "tax/np", "tax/np-jo", "tax/np-wys", "tax/sm", "tax/sm-yx",
                                             "radio/prov", "radio/np", "radio/np-jo"]
    assert unit("tax/np-jo").children == [] and unit("tax/prov").children == ["np", "sm"]
    assert [u.id for u in orgs.systems["tax"].roots()] == ["prov"]
    assert orgs.parent(unit("tax/np-jo")) is unit("tax/np") and orgs.parent(unit("tax/prov")) is None
    assert [u.key for u in orgs.ancestors(unit("tax/sm-yx"))] == ["tax/sm", "tax/prov"]
    assert orgs.ancestors(unit("radio/prov")) == []
    assert [u.key for u in orgs.descendants(unit("tax/prov"))] == ["tax/np", "tax/np-jo", "tax/np-wys", "tax/sm",
                                                                    "tax/sm-yx"]
    assert orgs.descendants(unit("tax/np-jo")) == []
    assert [u.key for u in orgs.children(unit("radio/prov"))] == ["radio/np"]
    assert orgs.unit("tax") is None and orgs.unit("tax/zz") is None and orgs.unit("zz/np") is None
    assert orgs.unit("") is None
    assert orgs.systems["radio"].kind_name == "块管" and unit("radio/np").level_name == "市级"


def test_tree_walks_stop_at_cycles_made_in_code():
    orgs = Orgs({"s": System("s", "系统", "local")})
    a = Unit("s", "a", "甲", "city", parent="b", children=["b"])
    b = Unit("s", "b", "乙", "city", parent="a")
    orgs.systems["s"].units.update(a=a, b=b)
    assert [u.id for u in orgs.ancestors(a)] == ["b", "a"]
    assert Unit("s", "x", "x", "town").level_name == "town"
    assert System("s", "n", "other").kind_name == "other"
    assert Orgs().units() == [] and Orgs().areas == {}


def test_name_and_unit_register_problems_name_the_given_file_with_their_fix():
    text = ("systems:\n  - id: tax\n    name: \"税务\u202e系统\"\n    units:\n      - id: prov\n        name: <b>省局</b>\n"
            "        level: province\n        area: nowhere\n        reviewers: [\"@a b\"]\n")
    problems = sorted(load_orgs(text, "o.yml")[1])
    assert problems == sorted([
        Problem("o.yml", 3, "name第 3 个字符是不允许的文字方向控制符（U+202E RIGHT-TO-LEFT OVERRIDE）", FIX),
        Problem("o.yml", 6, "name“<b>省局</b>”不是一行纯文字", "name 只写中文名称，不含 < > & \" 等符号、换行或控制字符"),
        Problem("o.yml", 8, "单位“prov”的 area“nowhere”不是已登记的属地", "改成 areas 中的一个 id：（orgs.yml 中还没有 areas）"),
        Problem("o.yml", 9, "单位“tax/prov”的审核人“@a b”写法不对（须是一个 GitHub 账号、团队或邮箱）",
                '写成 @用户名、@组织/团队 或邮箱地址，每项一个，不要有空格或换行，例如 reviewers: ["@np-party-office"]'),
    ])
