"""orgs.yml: the registry of systems and units, checked with file and line."""

from portal_factory import ORGS_YML
from site_builder.core.orgs import load_orgs


def messages(text):
    return [(p.line, p.message) for p in load_orgs(text)[1]]


def test_sample_registry_loads_with_tree():
    orgs, problems = load_orgs(ORGS_YML)
    assert problems == []
    np = orgs.unit("tax/np")
    assert [u.id for u in orgs.ancestors(orgs.unit("tax/np-jo"))] == ["np", "prov"]
    assert [u.id for u in orgs.descendants(orgs.unit("tax/prov"))] == ["np", "np-jo", "np-wys", "sm", "sm-yx"]
    assert [u.id for u in orgs.children(np)] == ["np-jo", "np-wys"]
    assert orgs.systems["radio"].kind_name == "块管"


def test_unknown_key_names_its_line():
    text = "systems:\n  - id: tax\n    name: 税务\n    colour: red\n    units:\n      - id: prov\n        name: 省局\n        level: province\n"
    assert messages(text) == [(4, "未知的键“colour”")]


def test_duplicate_ids_are_reported():
    text = ("systems:\n  - id: tax\n    name: 税务\n    units:\n      - id: prov\n        name: 省局\n        level: province\n"
            "      - id: prov\n        name: 又一个\n        level: province\n")
    problems = load_orgs(text)[1]
    assert len(problems) == 1 and problems[0].line == 8 and "重复" in problems[0].message


def test_parent_rules():
    text = """systems:
  - id: tax
    name: 税务
    units:
      - id: prov
        name: 省局
        level: province
        parent: np
      - id: np
        name: 市局
        level: city
      - id: jo
        name: 县局
        level: county
        parent: prov
      - id: self
        name: 自指
        level: city
        parent: self
      - id: ghost
        name: 幽灵
        level: county
        parent: nowhere
"""
    found = messages(text)
    assert (5, "省级单位“prov”不能有 parent") in found
    assert (9, "市级单位“np”缺少 parent") in found
    assert any(line == 12 and "层级不对" in msg for line, msg in found)
    assert any(line == 16 and "循环" in msg for line, msg in found)
    assert any(line == 20 and "不存在" in msg for line, msg in found)


def test_reserved_system_id_is_refused():
    text = "systems:\n  - id: qa\n    name: 问答\n    units:\n      - id: prov\n        name: 省局\n        level: province\n"
    orgs, problems = load_orgs(text, reserved=frozenset({"qa", "stats"}))
    assert "qa" not in orgs.systems
    assert problems[0].line == 2 and "保留路径" in problems[0].message


def test_yaml_error_has_line():
    problems = load_orgs("systems:\n  - id: tax\n\tname: x\n")[1]
    assert problems[0].line == 3
