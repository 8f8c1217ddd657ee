"""Characters that make text lie, on plain strings: which ones a one-line field (a title, a
name) or a multi-line one refuses, how each is named to the staff, and how messages show them."""

from __future__ import annotations

import pytest

from site_builder.core.textcheck import FIX, describe, disallowed_char, kind_of, visible

REFUSED = ["\x00", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\u061c", "\u180e",
           "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202e", "\u2060",
           "\u2064", "\u2066", "\u2069", "\u206a", "\u206f", "\ufeff", "\ufff9", "\ufffb"]
ALLOWED = ["X", " ", "中", "\u00a0", "\u061b", "\u061d", "\u180d", "\u180f", "\u200a", "\u2010", "\u2027",
           "\u202f", "\u2065", "\u2070", "\ufeFe", "\ufff8", "\ufffc", "—", "·", "～"]


@pytest.mark.parametrize("char", REFUSED)
def test_controls_directional_and_invisible_characters_are_refused_where_they_stand(char):
    assert disallowed_char(f"标题{char}文字") == (3, char)
    assert disallowed_char(f"{char}", one_line=False) == (1, char)


@pytest.mark.parametrize("char", ALLOWED)
def test_visible_characters_and_spaces_pass(char):
    assert disallowed_char(f"标题{char}文字") is None
    assert visible(f"a{char}b") == f"a{char}b"


def test_tabs_and_newlines_only_in_multi_line_fields():
    assert disallowed_char("甲\t乙") == (2, "\t")
    assert disallowed_char("甲\t乙\n丙", one_line=False) is None
    assert disallowed_char("甲\n乙") is None  # a one-line field checks its newline itself
    assert disallowed_char("甲\n乙\r", one_line=False) == (4, "\r")


@pytest.mark.parametrize("char, kind", [
    ("\n", "换行符"), ("\r", "换行符"), ("\u2028", "换行符"), ("\u2029", "换行符"), ("\x85", "换行符"),
    ("\u202a", "文字方向控制符"), ("\u202e", "文字方向控制符"), ("\u2066", "文字方向控制符"),
    ("\u2069", "文字方向控制符"), ("\u200e", "文字方向控制符"), ("\u200f", "文字方向控制符"), ("\u061c", "文字方向控制符"),
    ("\u200b", "零宽字符"), ("\u200d", "零宽字符"), ("\ufeff", "零宽字符"), ("\u2060", "零宽字符"), ("\u180e", "零宽字符"),
    ("\x00", "控制字符"), ("\x1f", "控制字符"), ("\x7f", "控制字符"), ("\x9f", "控制字符"), ("\t", "控制字符"),
    ("\u2061", "不可见的格式字符"), ("\u2064", "不可见的格式字符"), ("\u206a", "不可见的格式字符"),
    ("\ufff9", "不可见的格式字符"),
])
def test_each_refused_character_is_named_in_the_staffs_words(char, kind):
    assert kind_of(char) == kind


def test_the_message_names_the_field_position_kind_and_code_point():
    assert describe("标题", "通知\u202e文件") == "标题第 3 个字符是不允许的文字方向控制符（U+202E RIGHT-TO-LEFT OVERRIDE）"
    assert describe("作者", "张\x07三") == "作者第 2 个字符是不允许的控制字符（U+0007）"
    assert describe("正文", "一\t二\u200b", one_line=False) == "正文第 4 个字符是不允许的零宽字符（U+200B ZERO WIDTH SPACE）"
    assert describe("标题", "正常的标题") is None
    assert describe("标题", "甲\t乙") == "标题第 2 个字符是不允许的控制字符（U+0009）"  # one line unless told
    assert describe("正文", "一\n\t二", one_line=False) is None
    assert "删除该字符" in FIX


def test_messages_show_invisible_characters_as_code_points():
    assert visible("甲\u202e乙\t丙\n丁\r") == "甲<U+202E>乙<U+0009>丙<U+000A>丁<U+000D>"
    assert visible("甲\r\n乙\u200b", keep="\r\n") == "甲\r\n乙<U+200B>"
    assert visible("\x00") == "<U+0000>"
