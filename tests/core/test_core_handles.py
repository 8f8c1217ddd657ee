"""Code-owner handles of orgs.yml: only one well-formed token passes; each bad one is a problem."""

import pytest

from site_builder.core.handles import FIX, is_handle, read_handles
from site_builder.core.problems import Problem


@pytest.mark.parametrize("value", ["@np-party-office", "@a", "@A1", "@" + "a" * 39, "@org/team", "@org/t_e.a-m",
                                   "@org/" + "t" * 100, "li.si@example.com", "a+b%c_d-e@mail.np-tax.gov.cn",
                                   "x" * 64 + "@a.cn"])
def test_well_formed_handles_pass(value):
    assert is_handle(value)


@pytest.mark.parametrize("value", ["np-party-office", "@", "@-a", "@a-", "@a--b", "@" + "a" * 40, "@org/",
                                   "@org/-team", "@org/" + "t" * 101, "@a b", "@a\n@b", "@a\n", " @a", "@a,@b",
                                   "@org/team/x", "x@localhost", "@x@y.cn", "x" * 65 + "@a.cn", "x@" + "a" * 64 + ".cn",
                                   "x@a." + "c" * 64, "", "@a_b", "@a.b"])
def test_malformed_handles_fail(value):
    assert not is_handle(value)


@pytest.mark.parametrize("value", [None, 1, ["@a"], b"@a"])
def test_only_text_can_be_a_handle(value):
    assert not is_handle(value)


def test_no_value_means_no_reviewers_and_no_problem():
    problems: list[Problem] = []
    assert read_handles(None, "南平市税务局", "orgs.yml", 7, problems) == ()
    assert problems == []


def test_one_text_is_one_handle():
    problems: list[Problem] = []
    assert read_handles("@np-office", "南平市税务局", "orgs.yml", 7, problems) == ("@np-office",)
    assert problems == []


def test_a_list_keeps_good_handles_once_in_order_and_names_each_bad_one():
    problems: list[Problem] = []
    found = read_handles(["@b", "@a", "@b", "@c d", "bad"], "南平市税务局", "orgs.yml", 7, problems)
    assert found == ("@b", "@a")
    assert problems == [
        Problem("orgs.yml", 7, "南平市税务局的审核人“@c d”写法不对（须是一个 GitHub 账号、团队或邮箱）", FIX),
        Problem("orgs.yml", 7, "南平市税务局的审核人“bad”写法不对（须是一个 GitHub 账号、团队或邮箱）", FIX)]


@pytest.mark.parametrize("value", [["@a", 3], {"a": "@a"}, 5, [None]])
def test_a_value_that_is_not_a_list_of_text_is_one_problem_named_by_its_key(value):
    problems: list[Problem] = []
    assert read_handles(value, "南平市税务局", "orgs.yml", 4, problems) == ()
    assert problems == [Problem("orgs.yml", 4, "reviewers 必须是文字列表", '写成 reviewers: ["@团队名"]')]
    problems = []
    assert read_handles(value, "税务系统", "orgs.yml", 2, problems, key="admins") == ()
    assert problems == [Problem("orgs.yml", 2, "admins 必须是文字列表", '写成 admins: ["@团队名"]')]


def test_problems_add_to_those_already_found():
    earlier = Problem("orgs.yml", 1, "别的问题")
    problems = [earlier]
    read_handles(["x"], "某单位", "orgs.yml", 3, problems)
    assert problems[0] == earlier and len(problems) == 2
