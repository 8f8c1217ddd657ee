"""YAML as staff write it, on plain data: every error the parser can raise on a staff-written
file is told in Chinese with the line it is on (the callers add the fix); tags, anchors and
control characters are refused with their line; numbers too long stay text."""

from __future__ import annotations

import pytest

from site_builder.core.yamltext import MAX_DEPTH, LinedDict, YamlError, load_yaml

QUOTE = "值里含有“: ”（冒号加空格），需要给整个值加引号"
TAB = "不能用 Tab 缩进，请改用空格"
INDENT = "缩进不一致或缺少冒号"
KEY = "缩进与上一行不一致，或值在引号之后还有文字（引号须包住整个值）"
ITEMS = "列表的各项缩进不一致（每项以“- ”开头，并上下对齐）"
BRACKETS = "方括号 [ ] 或花括号 { } 没有配对；普通文字以 [ 或 { 开头时请给整个值加引号"
CONTENT = "缺少值，或值以 ] } , 等符号开头；请给整个值加引号"
UNCLOSED = "引号没有闭合（值以引号开始，就必须以同样的引号结束）"
ESCAPE = "双引号里的反斜杠 \\ 是转义符（如 \"C:\\dir\"）：改用单引号，或把 \\ 写成 \\\\"
BLOCK = "| 或 > 之后只能换行（正文写在下一行并缩进）；普通文字请给整个值加引号"
SPECIAL = "含有 YAML 特殊符号（* & ! { [），请给值加引号"
DIRECTIVE = "以 % 开头的行是 YAML 指令，请删除该行，或给值加引号"
TAG = "不支持以 ! 开头的 YAML 标记，请删除它或给整个值加引号"
ALIAS = "不支持别名和锚点（& 与 *）"
TOKEN = "值不能以 @ ` % 等符号开头，请给整个值加引号"


@pytest.mark.parametrize("text, line, meaning", [
    ("title: 标题: 副标题\n", 1, QUOTE),
    ("a: 1\n  b: 2\n", 2, QUOTE),
    ("tags:\n\t- a\n", 2, TAB),
    ("a: |\n  第一行\n\t第二行\n", 3, TAB),
    ("a: 1\nb\nc: 2\n", 3, INDENT),
    ("a: |\nb\n", 3, INDENT),
    ("a: 1\n- b\n", 2, KEY),
    ("a:\n  b: 1\n c: 2\n", 3, KEY),
    ('title: "标题" 副标题\n', 1, KEY),
    ("title: '标题' 副标题\n", 1, KEY),
    ("- a\nb: 1\n", 2, ITEMS),
    ("- a: 1\n b: 2\n", 2, ITEMS),
    ("tags: [a, b\n", 2, BRACKETS),
    ("a: {b: c\n", 2, BRACKETS),
    ("a: ]\n", 1, CONTENT),
    ("{: a}\n", 1, CONTENT),
    ('title: "没有闭合\n', 2, UNCLOSED),
    ("title: '没有闭合\nb: 1\n", 3, UNCLOSED),
    ('path: "C:\\dir"\n', 1, ESCAPE),
    ('a: "\\xZZ"\n', 1, ESCAPE),
    ('a: "\\uD800"\n', 1, ESCAPE),
    ("a: |x\n  b\n", 1, BLOCK),
    ("a: |0\n  b\n", 1, BLOCK),
    ("a: *x\n", 1, SPECIAL),
    ("a: &\n", 1, SPECIAL),
    ("a: * b\n", 1, SPECIAL),
    ("%x\na: 1\n", 1, DIRECTIVE),
    ("%YAML 1.1\n%YAML 1.1\n---\na: 1\n", 2, DIRECTIVE),
    ("%YAML 2.0\n---\na: 1\n", 1, DIRECTIVE),
    ("%TAG ! !x\n%TAG ! !y\n---\na: 1\n", 2, DIRECTIVE),
    ("a: !y!x 1\n", 1, TAG),
    ("a: !<x 1\n", 1, TAG),
    ("a: 1\n---\nb: 2\n", 2, "一个文件只能有一段 YAML：删除多余的 --- 行"),
    ("a: 1\n...\nb: 2\n", 3, "一个文件只能有一段 YAML：删除多余的 ... 行及其后的内容"),
    ("a: @张三\n", 1, TOKEN),
    ("a: `代码`\n", 1, TOKEN),
    ("a: %x\n", 1, TOKEN),
])
def test_every_parser_error_is_explained_in_chinese_on_its_line(text, line, meaning):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert (caught.value.line, caught.value.message) == (line, f"YAML 格式错误：{meaning}")


@pytest.mark.parametrize("text, line", [
    ("a: !evil 1\n", 1), ("a: !!int abc\n", 1), ("a: !!float x\n", 1), ("a: !!bool maybe\n", 1),
    ("a:\n  - 1\n  - !!map [1]\n", 3), ("a: !!timestamp 2026-13-45\n", 1), ("a: !!binary 1\n", 1),
    ("a: !!set {x}\n", 1), ("a: !!null x\n", 1), ("a: !!str [1]\n", 1), ("a: ! b\n", 1),
    ("a: !!python/object:os.system x\n", 1), ("- 中文\n- !!int 3\n", 2), ("!!map\na: 1\n", 1),
])
def test_tags_are_refused_before_any_value_is_built(text, line):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert (caught.value.line, caught.value.message) == (line, f"YAML 格式错误：{TAG}")


@pytest.mark.parametrize("text, line", [
    ("a: &x 1\nb: *x\n", 1), ("&k b: c\n", 1), ("a:\n  - 1\n  - &x 2\n", 3), ("a: [1, &x 2]\n", 1),
])
def test_anchors_are_refused_even_without_an_alias(text, line):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert (caught.value.line, caught.value.message) == (line, f"YAML 格式错误：{ALIAS}")


def test_an_alias_to_an_anchor_names_the_alias_line_when_the_anchor_is_on_it():
    with pytest.raises(YamlError) as caught:
        load_yaml("a: 1\nb: [&x 1, *x]\n", 3)
    assert (caught.value.line, caught.value.message) == (4, f"YAML 格式错误：{ALIAS}")


@pytest.mark.parametrize("text, line, code", [
    ("a: b\x07c\n", 1, "0007"), ("标题: 一\n正文: 二\x00\n", 2, "0000"), ("a: 中文\n\n中文: 中\x1b文\n", 3, "001B"),
])
def test_control_characters_are_named_with_their_line(text, line, code):
    with pytest.raises(YamlError) as caught:
        load_yaml(text, 3)
    assert (caught.value.line, caught.value.message) == (
        line + 2, f"YAML 格式错误：含有不允许的控制字符（U+{code}），请删除它")


def test_nesting_deeper_than_the_limit_is_refused_on_its_line():
    load_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")  # the mapping is level 1
    with pytest.raises(YamlError) as caught:
        load_yaml("b: 1\na: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert (caught.value.line, caught.value.message) == (2, f"YAML 格式错误：嵌套超过 {MAX_DEPTH} 层")


def test_numbers_too_long_to_convert_stay_text():
    long_int, long_float = "1" * 31, "1." + "5" * 29
    assert load_yaml(f"a: {'1' * 30}\nb: {long_int}\nc: {long_float}\nd: {'1.' + '5' * 28}\n") == {
        "a": int("1" * 30), "b": long_int, "c": long_float, "d": float("1." + "5" * 28)}


def test_keys_are_simple_text_and_stay_text():
    data = load_yaml("1: a\n2.5: b\ntrue: c\n")
    assert data == {"1": "a", "2.5": "b", "True": "c"} and data.line_of("2.5") == 2
    for text in ("~: 1\n", "? [a]\n: b\n", "? {a: 1}\n: b\n"):
        with pytest.raises(YamlError) as caught:
            load_yaml("x: 0\n" + text)
        assert (caught.value.line, caught.value.message) == (2, "键名必须是简单文字")


def test_a_key_written_twice_in_a_flow_mapping():
    with pytest.raises(YamlError) as caught:
        load_yaml("a: 1\nb: {c: 1, c: 2}\n")
    assert (caught.value.line, caught.value.message) == (2, "键“c”重复出现")


def test_empty_and_plain_documents():
    assert load_yaml("") is None and load_yaml("# 注释\n") is None
    assert load_yaml("文字") == "文字" and load_yaml("- a\n- 2\n", 5) == ["a", 2]
    assert load_yaml("a: 1 #注释\nb: 2#3\n") == {"a": 1, "b": "2#3"}


def test_lines_shift_in_lists_of_mappings_and_nested_mappings():
    data = load_yaml("units:\n  - id: np\n    name:\n      zh: 南平\n", first_line=10)
    assert isinstance(data, LinedDict) and (data.line, data.line_of("units")) == (10, 10)
    unit = data["units"][0]
    assert (unit.line, unit.line_of("id"), unit.line_of("name")) == (11, 11, 12)
    assert (unit["name"].line, unit["name"].line_of("zh"), unit["name"].line_of("absent")) == (13, 13, 13)


def test_the_first_problem_in_the_file_is_the_one_reported():
    text = "a: 1\nb: [x, &y 2]\nc:\n  - !!int 3\n  - " + "[" * 40 + "]" * 40 + "\nd: &z 4\n"
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert (caught.value.line, caught.value.message) == (2, f"YAML 格式错误：{ALIAS}")
    with pytest.raises(YamlError) as caught:
        load_yaml(text.replace("&y ", ""))
    assert (caught.value.line, caught.value.message) == (4, f"YAML 格式错误：{TAG}")
    with pytest.raises(YamlError) as caught:
        load_yaml("k: 0\n" + text.replace("&y ", "").replace("!!int ", ""))
    assert (caught.value.line, caught.value.message) == (6, f"YAML 格式错误：嵌套超过 {MAX_DEPTH} 层")
