"""Columns a system keeps for itself (`columns` of a system in orgs.yml), read on plain text."""

import pytest

from site_builder.core.orgs import load_orgs
from site_builder.core.problems import Problem
from site_builder.core.urls import reserved_ids

RESERVED = reserved_ids({"news": "工作动态", "experience": "经验交流", "qa": "有问必答", "policy": "政策解读"})


def orgs_text(columns: str) -> str:
    return ("systems:\n"
            "  - id: tax\n"
            "    name: 税务系统\n"
            "    units:\n"
            "      - id: prov\n"
            "        name: 省税务局\n"
            "        level: province\n"
            f"    columns: {columns}\n")  # line 8


def read(columns: str, reserved=RESERVED):
    orgs, problems = load_orgs(orgs_text(columns), "orgs.yml", reserved)
    return orgs.systems["tax"].columns, problems


def test_a_system_without_columns_keeps_none():
    orgs, problems = load_orgs(orgs_text("{}").replace("    columns: {}\n", ""), "orgs.yml", RESERVED)
    assert problems == [] and orgs.systems["tax"].columns == {}


def test_columns_are_ids_with_their_names_trimmed_in_order():
    assert read("{tax-service: ' 便民办税 ', b2: 2026, zz-1: 纳税服务}") == (
        {"tax-service": "便民办税", "b2": "2026", "zz-1": "纳税服务"}, [])


@pytest.mark.parametrize("value", ["[a, b]", "便民办税", "1"])
def test_columns_that_are_not_a_mapping(value):
    assert read(value) == ({}, [Problem("orgs.yml", 8, "系统“tax”的 columns 必须是“栏目id: 栏目名称”的映射",
                                        "写成 columns: {tax-service: 便民办税}")])


@pytest.mark.parametrize("column", ["Tax", "tax_service", "便民", "a b", "a/b", "'a.b'"])
def test_a_column_id_that_is_not_lower_case_letters_digits_and_hyphens(column):
    shown = column.strip("'")
    assert read(f"{{{column}: 便民办税, ok: 好}}") == ({"ok": "好"}, [Problem(
        "orgs.yml", 8, f"系统“tax”的栏目 id“{shown}”无效", "栏目 id 只能用小写英文字母、数字和连字符")])


def test_a_column_id_that_is_a_unit_id_of_the_system():
    assert read("{prov: 省局专栏}") == ({}, [Problem(
        "orgs.yml", 8, "系统“tax”的栏目 id“prov”与本系统的单位 id 相同（网址 /tax/prov/ 会冲突）", "给栏目换一个 id，例如加上 -col")])


@pytest.mark.parametrize("column", ["page", "news", "experience", "qa", "policy", "topics", "stats"])
def test_a_column_id_that_is_a_site_column_or_path(column):
    assert read(f"{{{column}: 专栏}}") == ({}, [Problem(
        "orgs.yml", 8, f"系统“tax”的栏目 id“{column}”是全站栏目或网站保留路径",
        "换一个 id；全站都能用的栏目在 mkdocs.yml 的 portal 插件 columns 中配置")])


@pytest.mark.parametrize("column", ["page", "news", "experience", "qa"])
def test_pagination_and_the_default_columns_are_reserved_even_without_a_site_reserve(column):
    assert read(f"{{{column}: 专栏}}", frozenset())[0] == {}


def test_other_ids_are_free_without_a_site_reserve():
    assert read("{policy: 政策解读, topics: 专题}", frozenset()) == ({"policy": "政策解读", "topics": "专题"}, [])


@pytest.mark.parametrize("name", ["''", "'  '", "[a]", "{a: b}", "'a<b'", "'a>b'", "'a&b'", "'a\"b'", "'a`b'",
                                  "\"a\\nb\"", "\"a\\tb\"", "\"a\\x7fb\""])
def test_a_name_that_is_not_one_line_of_plain_text(name):
    assert read(f"{{svc: {name}}}") == ({}, [Problem("orgs.yml", 8, "系统“tax”的栏目“svc”名称不是一行纯文字",
                                                     "写成 栏目id: 中文名称")])


def test_each_bad_column_is_one_problem_and_the_good_ones_stay():
    columns, problems = read("{Bad: 甲, prov: 乙, news: 丙, svc: '', ok: 好}")
    assert columns == {"ok": "好"}
    assert [p.message for p in problems] == [
        "系统“tax”的栏目 id“Bad”无效", "系统“tax”的栏目 id“prov”与本系统的单位 id 相同（网址 /tax/prov/ 会冲突）",
        "系统“tax”的栏目 id“news”是全站栏目或网站保留路径", "系统“tax”的栏目“svc”名称不是一行纯文字"]
