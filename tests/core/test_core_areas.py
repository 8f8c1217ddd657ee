"""属地 (orgs.yml `areas`) and the register keys of a unit (`area`, `contact`, `duty`) on plain
data: places inside places, cycles and unknown parents cut, the units of a place, and every
problem with its line and fix (the unit itself always stays)."""

from __future__ import annotations

from portal_factory import ORGS_YML
from site_builder.core.orgs import load_orgs
from site_builder.core.registers.areas import Duty, area_and_below, area_chain, units_in_area

ID_FIX = "id 只能用小写英文字母、数字和连字符（a-z 0-9 -），且不能为空"


def orgs_of(areas: str, units: dict[str, str] | None = None):
    """load_orgs of `areas` (from line 1) above the factory registry, with lines added under units."""
    text = areas + ORGS_YML
    for key, lines in (units or {}).items():
        system, unit = key.split("/")
        at = text.index(f"      - id: {unit}\n", text.index(f"  - id: {system}\n"))
        end = text.index("\n", text.index("level:", at)) + 1
        text = text[:end] + lines + text[end:]
    orgs, problems = load_orgs(text)
    return orgs, [(p.path, p.line, p.message, p.fix) for p in problems], text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


FUJIAN = """\
areas:
  - id: fj
    name: 福建省
  - id: np
    name: 南平市
    committee: 中共南平市直属机关工作委员会
    parent: fj
  - id: np-jo
    name: 建瓯市
    parent: np
  - id: sm
    name: 三明市
    parent: fj
  - id: np-wys
    name: 武夷山市
    parent: np
"""


def test_places_inside_places_depth_first_in_registry_order():
    orgs, problems, _ = orgs_of(FUJIAN)
    assert problems == []
    assert [(a.id, a.name, a.committee, a.parent, a.line, a.children) for a in orgs.areas.values()] == [
        ("fj", "福建省", None, None, 2, ["np", "sm"]),
        ("np", "南平市", "中共南平市直属机关工作委员会", "fj", 4, ["np-jo", "np-wys"]),
        ("np-jo", "建瓯市", None, "np", 8, []),
        ("sm", "三明市", None, "fj", 11, []),
        ("np-wys", "武夷山市", None, "np", 14, []),
    ]
    assert area_and_below(orgs.areas, "fj") == ["fj", "np", "np-jo", "np-wys", "sm"]
    assert area_and_below(orgs.areas, "np") == ["np", "np-jo", "np-wys"]
    assert area_and_below(orgs.areas, "sm") == ["sm"]
    assert area_and_below(orgs.areas, "xm") == []
    assert [a.id for a in area_chain(orgs.areas, "np-jo")] == ["fj", "np", "np-jo"]
    assert [a.id for a in area_chain(orgs.areas, "fj")] == ["fj"]
    assert area_chain(orgs.areas, "xm") == []


def test_the_units_of_a_place_are_those_of_every_system_inside_it():
    orgs, problems, _ = orgs_of(FUJIAN, {"tax/np": "        area: np\n", "tax/np-jo": "        area: np-jo\n",
                                         "radio/np-jo": "        area: np-jo\n", "tax/sm": "        area: sm\n",
                                         "radio/prov": "        area: fj\n"})
    assert problems == []
    assert [u.key for u in units_in_area(orgs, "np")] == ["tax/np", "tax/np-jo", "radio/np-jo"]
    assert [u.key for u in units_in_area(orgs, "fj")] == ["tax/np", "tax/np-jo", "tax/sm", "radio/prov", "radio/np-jo"]
    assert [u.key for u in units_in_area(orgs, "np-wys")] == []
    assert orgs.unit("tax/np-wys").area is None


def test_no_areas_is_no_places():
    orgs, problems, _ = orgs_of("")
    assert problems == [] and orgs.areas == {}


def test_areas_that_are_not_a_list():
    orgs, problems, _ = orgs_of("areas: 南平市\n")
    assert orgs.areas == {}
    assert problems == [("orgs.yml", 1, "areas 必须是列表", "写成 areas: 下面每项以“- id: …”开头")]


def test_bad_area_entries_are_named_and_left_out():
    areas = """\
areas:
  - 南平市
  - id: NP
    name: 南平市
  - name: 无编号
  - id: np
    name: 南平市
    code: 3507
  - id: np
    name: 又一个南平
  - id: sm
  - id: ly
    name: "<龙岩>"
    committee: [龙岩市直机关工委]
"""
    orgs, problems, _ = orgs_of(areas)
    assert [(a.id, a.name, a.committee) for a in orgs.areas.values()] == [("np", "南平市", None), ("sm", "sm", None),
                                                                          ("ly", "ly", None)]
    assert problems == [
        ("orgs.yml", 1, "areas 下的每一项必须是“键: 值”的映射", "参照示例写 id、name、parent"),
        ("orgs.yml", 3, "属地 id“NP”无效", ID_FIX),
        ("orgs.yml", 5, "属地 id“None”无效", ID_FIX),
        ("orgs.yml", 8, "属地中未知的键“code”", "删除它，或改成允许的键：id、name、committee、parent"),
        ("orgs.yml", 9, "属地 id“np”重复", "每个属地的 id 必须唯一"),
        ("orgs.yml", 11, "属地“sm”缺少 name 或 name 不是一行纯文字", "写成 name: 南平市"),
        ("orgs.yml", 13, "属地“ly”缺少 name 或 name 不是一行纯文字", "写成 name: 南平市"),
        ("orgs.yml", 14, "committee 必须是一行纯文字", "写成 committee: 中共南平市直属机关工作委员会"),
    ]


def test_a_bad_or_repeated_id_is_named_on_the_id_line():
    areas = "areas:\n  - name: 南平市\n    id: np\n  - name: 又一个南平\n    id: np\n  - name: 建瓯\n    id: Jianou\n"
    orgs, problems, _ = orgs_of(areas)
    assert list(orgs.areas) == ["np"]
    assert problems == [("orgs.yml", 5, "属地 id“np”重复", "每个属地的 id 必须唯一"), ("orgs.yml", 7, "属地 id“Jianou”无效", ID_FIX)]


def test_a_bad_leader_name_on_a_later_line_of_duty_is_named_there():
    orgs, problems, text = orgs_of("", {"tax/sm": "        duty:\n          first: 王建国\n          in_charge: <李红>\n"})
    assert problems == [("orgs.yml", line_of(text, "in_charge: <李红>"), "in_charge（分管领导）必须是一行纯文字", "写成 in_charge: 姓名")]
    assert orgs.unit("tax/sm").duty == Duty("王建国")


def test_an_unknown_parent_is_named_and_cut():
    orgs, problems, _ = orgs_of("areas:\n  - id: np\n    name: 南平市\n  - id: np-jo\n    name: 建瓯市\n    parent: nanping\n")
    assert problems == [("orgs.yml", 4, "属地“np-jo”的 parent“nanping”不存在",
                         "parent 必须是 areas 中另一个属地的 id（例如县所在的市）")]
    assert orgs.areas["np-jo"].parent is None and orgs.areas["np"].children == []
    assert [a.id for a in area_chain(orgs.areas, "np-jo")] == ["np-jo"]


def test_a_cycle_is_named_on_each_of_its_areas_and_cut():
    areas = """\
areas:
  - id: a
    name: 甲
    parent: b
  - id: b
    name: 乙
    parent: a
  - id: c
    name: 丙
    parent: a
  - id: d
    name: 丁
    parent: d
"""
    orgs, problems, _ = orgs_of(areas)
    fix = "检查这几个属地的 parent：县属于市，市不能再属于县"
    assert problems == [("orgs.yml", 2, "属地“a”的 parent 形成循环（上级又是它的下级）", fix),
                        ("orgs.yml", 5, "属地“b”的 parent 形成循环（上级又是它的下级）", fix),
                        ("orgs.yml", 11, "属地“d”的 parent 形成循环（上级又是它的下级）", fix)]
    # c hangs below a cycle without being in it: it keeps its parent
    assert [(a.id, a.parent, a.children) for a in orgs.areas.values()] == [
        ("a", None, ["c"]), ("b", None, []), ("c", "a", []), ("d", None, [])]
    assert area_and_below(orgs.areas, "a") == ["a", "c"]


def test_places_may_be_numbered_with_their_division_codes():
    orgs, problems, _ = orgs_of("areas:\n  - id: '350700'\n    name: 南平市\n  - id: '350783'\n    name: 建瓯市\n"
                                "    parent: 350700\n")
    assert problems == []
    assert [(a.id, a.parent, a.children) for a in orgs.areas.values()] == [("350700", None, ["350783"]),
                                                                            ("350783", "350700", [])]


def test_a_long_chain_without_cycle_is_kept():
    areas = "areas:\n" + "".join(f"  - id: a{n}\n    name: 地{n}\n" + (f"    parent: a{n - 1}\n" if n else "")
                                 for n in range(5))
    orgs, problems, _ = orgs_of(areas)
    assert problems == []
    assert [a.id for a in area_chain(orgs.areas, "a4")] == ["a0", "a1", "a2", "a3", "a4"]
    assert area_and_below(orgs.areas, "a2") == ["a2", "a3", "a4"]


def test_a_unit_with_an_unknown_area_stays_without_it():
    orgs, problems, text = orgs_of(FUJIAN, {"tax/np-jo": "        area: jianou\n", "tax/np": "        area: [np]\n"})
    known = "改成 areas 中的一个 id：fj、np、np-jo、sm、np-wys"
    assert problems == [("orgs.yml", line_of(text, "area: [np]"), "单位“np”的 area“['np']”不是已登记的属地", known),
                        ("orgs.yml", line_of(text, "area: jianou"), "单位“np-jo”的 area“jianou”不是已登记的属地", known)]
    assert orgs.unit("tax/np-jo").area is None and orgs.unit("tax/np").area is None
    _, problems, _ = orgs_of("", {"tax/np-jo": "        area: np-jo\n"})
    assert [fix for *_, fix in problems] == ["改成 areas 中的一个 id：（orgs.yml 中还没有 areas）"]


def test_duty_and_contact_are_read():
    orgs, problems, _ = orgs_of("", {"tax/np-jo": '        contact: "0599-3821234"\n        duty:\n          first: 王建国\n'
                                                   "          in_charge: 李红\n          officers: [陈敏, 林晓]\n",
                                     "tax/np": "        duty: {officers: 陈敏}\n        contact: 8821234\n"})
    assert problems == []
    assert (orgs.unit("tax/np-jo").contact, orgs.unit("tax/np-jo").duty) == ("0599-3821234", Duty("王建国", "李红", ("陈敏", "林晓")))
    assert (orgs.unit("tax/np").contact, orgs.unit("tax/np").duty) == ("8821234", Duty(None, None, ("陈敏",)))
    assert (orgs.unit("tax/sm").contact, orgs.unit("tax/sm").duty) == (None, None)


def test_bad_duty_and_contact_are_named_and_left_out():
    units = {"tax/np-jo": "        contact: [0599, 3821234]\n        duty:\n          first: <王建国>\n"
                          "          in_charge: 李红\n          officers: {a: 陈敏}\n          boss: 某\n",
             "tax/np": "        duty: 王建国\n",
             "tax/sm": "        duty:\n          in_charge: [李红]\n          officers: [陈敏, [林晓]]\n"}
    orgs, problems, text = orgs_of("", units)
    assert problems == [
        ("orgs.yml", line_of(text, "duty: 王建国"), "duty 必须是“键: 值”的映射", "写成 duty: {first: 王建国, in_charge: 李红, officers: [陈敏]}"),
        ("orgs.yml", line_of(text, "contact: [0599"), "contact 必须是一行纯文字", '写成 contact: "0599-3821234"（电话含连字符时加引号）'),
        ("orgs.yml", line_of(text, "first: <王建国>"), "first（第一责任人）必须是一行纯文字", "写成 first: 姓名"),
        ("orgs.yml", line_of(text, "officers: {a"), "officers 必须是姓名列表", "写成 officers: [陈敏, 林晓]"),
        ("orgs.yml", line_of(text, "boss: 某"), "duty 中未知的键“boss”", "只能写 first（第一责任人）、in_charge（分管领导）、officers（信息员）"),
        ("orgs.yml", line_of(text, "in_charge: [李红]"), "in_charge（分管领导）必须是一行纯文字", "写成 in_charge: 姓名"),
        ("orgs.yml", line_of(text, "officers: [陈敏, [林晓]]"), "officers 必须是姓名列表", "写成 officers: [陈敏, 林晓]"),
    ]
    assert orgs.unit("tax/np-jo").contact is None and orgs.unit("tax/np-jo").duty == Duty(None, "李红", ())
    assert orgs.unit("tax/np").duty is None and orgs.unit("tax/sm").duty == Duty()
