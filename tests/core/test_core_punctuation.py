"""Half-width punctuation inside Chinese sentences (core/punctuation.py) on plain strings:
which marks are flagged, where, and how they read fixed. Expectations written out by hand."""

from __future__ import annotations

import pytest

from site_builder.core.problems import Problem
from site_builder.core.punctuation import (
    EXCERPT,
    HIDDEN,
    Mark,
    file_kind,
    file_problems,
    find_marks,
    fixed_text,
    hide_code_spans,
    hide_comments,
    hide_inline,
    is_chinese,
    markdown_lines,
    punctuation_warnings,
    yaml_lines,
)


def flagged(text: str, kind: str = "markdown") -> list[tuple[int, int, str]]:
    """(line, column, mark) of every flagged mark."""
    return [(m.line, m.column, m.char) for m in find_marks(text, kind)]


def fixed(text: str, kind: str = "markdown") -> str:
    return fixed_text(text, find_marks(text, kind))


# -- the rule -----------------------------------------------------------------


@pytest.mark.parametrize("char", ["中", "㐀", "䶿", "鿿", "豈", "\U00020000", "\U0003134f", "、", "。", "《", "〿",
                                  "，", "！", "／", "：", "？", "＠", "［", "｀", "｛", "･", "‘", "’", "“", "”", "…", "—"])
def test_chinese_characters(char):
    assert is_chinese(char)


@pytest.mark.parametrize("char", ["a", "Z", "3", " ", ",", "\"", "'", "-", "\u3000", "\uff10", "\uff21", "\uff41",
                                  "\uff66", "\u3400\u3400", "", "\u33ff", "\u2013", "\U00031350", "\u2015"])
def test_not_chinese_characters(char):
    assert not is_chinese(char)


@pytest.mark.parametrize("mark, full", [(",", "，"), (";", "；"), (":", "："), ("?", "？"), ("!", "！")])
def test_each_mark_between_chinese_characters(mark, full):
    assert flagged(f"学习{mark}党员") == [(1, 3, mark)]
    assert fixed(f"学习{mark}党员") == f"学习{full}党员"


@pytest.mark.parametrize("text, expected", [
    ("学习 , 党员", "学习，党员"),  # spaces around the mark go: full-width marks carry their own
    ("学习\t;  党员", "学习；党员"),
    ("**要点**:内容", "**要点**：内容"),  # emphasis markers stay where they were
    ("要点 **,** 内容", "要点**，**内容"),
    ("_强调_,内容", "_强调_，内容"),
    ("“三会一课”,提出", "“三会一课”，提出"),
    ("研讨,“学习”", "研讨，“学习”"),
    ("（附件）:如下", "（附件）：如下"),
    ("中,中,中", "中，中，中"),
    ("中,中;中:中?中!中", "中，中；中：中？中！中"),
    ("你好?!世界", "你好?!世界"),  # two marks in a row: left alone
    ("中,,中", "中,,中"),
])
def test_fixes(text, expected):
    assert fixed(text) == expected


@pytest.mark.parametrize("text", [
    "时间是 3:00,共", "共1,000人", "第3,4条", "中文,English", "English,中文", "中文, English", "Hello, world! Fine: yes?",
    "会议在3:00开始", "比例 1:2", "共3人,5人", "中文?!", "中文:`代码`", "中文:\u3000", "a:\n中文",
    "中文-,中文", "中文\",中文", "中文',中文", "中文),中文", "中文,(中文", "中文.,中文", "中文 ,\u3000中文",
])
def test_not_flagged(text):
    assert flagged(text) == []


@pytest.mark.parametrize("text, expected", [
    ("需要实名吗?", "需要实名吗？"),
    ("请注意:\n1. 第一", "请注意：\n1. 第一"),
    ("请注意 :  \n下一行", "请注意：  \n下一行"),  # two spaces ending a line are a Markdown line break: kept
    ("**要点:**\n", "**要点：**\n"),
    ("中文,\n中文,", "中文，\n中文，"),
    ("“引号”;\t", "“引号”；\t"),
])
def test_a_mark_ending_a_line(text, expected):
    assert fixed(text) == expected


def test_line_and_column_count_characters_of_each_line():
    text = "第一行。\n\n第三行有错,在这里;还有一处\n"
    assert flagged(text) == [(3, 6, ","), (3, 10, ";")]
    mark = find_marks(text)[1]
    assert (mark.start, mark.end, mark.replacement) == (15, 16, "；")
    assert text[mark.start] == ";"


def test_mark_excerpt_and_names():
    mark = find_marks("前面有很多很多很多字说明情况,后面也有很多很多很多字")[0]
    assert (mark.before, mark.after) == ("很多很多字说明情况"[-EXCERPT:], "后面也有很多很多")
    assert len(mark.before) == EXCERPT == 8
    assert (mark.name, mark.fullwidth, mark.column) == ("逗号", "，", 15)
    assert [Mark(1, 1, c, 0, 1, "", "", "").name for c in ",;:?!"] == ["逗号", "分号", "冒号", "问号", "叹号"]
    assert [Mark(1, 1, c, 0, 1, "", "", "").fullwidth for c in ",;:?!"] == ["，", "；", "：", "？", "！"]


def test_excerpt_stops_at_the_line_and_leaves_hidden_parts_out():
    mark = find_marks("上一行\n`c`说,明\n")[0]
    assert (mark.before, mark.after, mark.line, mark.column) == ("说", "明", 2, 5)
    assert [(m.before, m.after) for m in find_marks("`代码`前,后<b>标签</b>\n title: 甲,乙 ")] == [("前", "后"), ("title: 甲", "乙")]
    assert [(m.before, m.after) for m in find_marks("---\ntitle: 甲,乙  \n---\n")] == [("甲", "乙")]
    spaced = find_marks("甲乙 , 丙丁")[0]
    assert (spaced.before, spaced.after, spaced.column, spaced.start, spaced.end) == ("甲乙", "丙丁", 4, 2, 5)


def test_problem_for_staff():
    [problem] = file_problems("tax/np/a.md", "---\ntitle: 标题\n---\n\n8月上旬 , 支部开展学习。\n")
    assert problem == Problem(
        "tax/np/a.md", 5,
        "第 5 行第 6 个字符：中文句子里用了半角逗号“,”：“8月上旬 , 支部开展学习。”",
        "改为全角逗号“，”：“8月上旬，支部开展学习。”")


def test_problems_of_each_kind_of_file():
    assert [p.line for p in file_problems("orgs.yml", "name: 甲,乙\n")] == [1]
    assert [p.line for p in file_problems("a.markdown", "甲,乙")] == [1]
    assert [p.line for p in file_problems("a.yaml", "# 甲,乙\n")] == [1]
    assert file_problems("a.txt", "甲,乙") == []
    assert file_problems("a.html", "甲,乙") == []
    assert (file_kind("a.md"), file_kind("a.markdown"), file_kind("b.yml"), file_kind("b.yaml")) == (
        "markdown", "markdown", "yaml", "yaml")
    assert file_kind("a.png") is None and file_kind("md") is None


# -- Markdown: only what readers see --------------------------------------------


@pytest.mark.parametrize("text", [
    "`代码,中文`", "``代码`,`中文``", "代码 `甲,乙` 后",
    "<span title=\"中,文\">x</span>", "<img alt=\"中,文\">", "<https://a.cn/中,文>", "<!-- 注,释 -->",
    "[文字](http://a.cn/中,文)", "![图](a.png \"标,题\")", "[ref]: http://a.cn/中,文 \"标,题\"",
    "见 http://a.cn/中,文 页", "见 www.a.cn/中,文 页", "见 ftp://a.cn/中,文",
])
def test_markdown_parts_that_are_not_prose(text):
    assert flagged(text) == []


@pytest.mark.parametrize("text, expected", [
    ("[中,文](http://a.cn/中,文)", [(1, 3, ",")]),  # link text is prose, its target is not
    ("![图,片](a.png)", [(1, 4, ",")]),
    ("`x` 甲,乙 `y`", [(1, 6, ",")]),
    ("`未闭合 甲,乙", [(1, 7, ",")]),  # a backtick without a partner is text
    ("``甲`乙`` 丙,丁", [(1, 10, ",")]),  # a run of two closes only at a run of two
    ("`a`` 甲,乙", [(1, 7, ",")]),
    ("[^1]: 脚注,文字", [(1, 9, ",")]),  # a footnote is prose, unlike a reference definition
    ("<b>粗,体</b>", [(1, 5, ",")]),
    ("甲 < 乙,丙", [(1, 6, ",")]),  # `<` that opens no tag
    ("注释后<!-- x -->甲,乙", [(1, 15, ",")]),
    ("| 表,格 | 中:文 |", [(1, 4, ","), (1, 10, ":")]),
    ("# 标题,标题", [(1, 5, ",")]),
    ("> 引,用", [(1, 4, ",")]),
    ("- 列,表", [(1, 4, ",")]),
    ("http://a.cn 甲,乙", [(1, 14, ",")]),
    ("abc://x 甲,乙", [(1, 10, ",")]),
])
def test_markdown_prose_around_hidden_parts(text, expected):
    assert flagged(text) == expected


def test_fenced_code_blocks():
    text = "甲,乙\n```\n丙,丁\n```\n戊,己\n~~~~ yaml\n庚,辛\n~~~\n```\n~~~~\n壬,癸\n  ```\n  列,表\n  ```\n子,丑\n"
    assert flagged(text) == [(1, 2, ","), (5, 2, ","), (11, 2, ","), (15, 2, ",")]


def test_a_fence_closes_only_with_its_own_kind_and_length():
    assert flagged("````\n甲,乙\n```\n丙,丁\n````\n戊,己") == [(6, 2, ",")]
    assert flagged("```\n甲,乙\n``` x\n丙,丁\n```\n戊,己") == [(6, 2, ",")]  # a closing fence holds no text


def test_indented_code_and_indented_prose():
    text = "段落\n\n    代码,块\n    代码,二\n\n段落\n    续行,文字\n"
    assert flagged(text) == [(7, 7, ",")]  # a line right after a paragraph continues it
    listed = "- 列表项\n\n    列表续,段落\n\n1. 第一\n\n    编号续,段落\n"
    assert flagged(listed) == [(3, 8, ","), (7, 8, ",")]
    admonition = "!!! note \"提示,标题\"\n\n    告诫,内容\n\n    告诫,二段\n\n=== \"甲\"\n\n    标签,内容\n\n段落\n\n    代码,三\n"
    assert flagged(admonition) == [(1, 13, ","), (3, 7, ","), (5, 7, ","), (9, 7, ",")]
    tabbed = "段落\n\n\t代码,块\n"
    assert flagged(tabbed) == []


def test_a_container_ends_at_a_paragraph_after_a_blank_line():
    text = "- 列表\n接续行\n\n    列表续,段落\n\n段落\n\n    代码,块\n"
    assert flagged(text) == [(4, 8, ",")]


def test_multi_line_comment():
    text = "甲,乙<!-- 注,释\n跨行,注释\n还在 --> 丙,丁\n戊,己 <!-- a --> 庚,辛\n"
    assert flagged(text) == [(1, 2, ","), (3, 9, ","), (4, 2, ","), (4, 17, ",")]


def test_hide_helpers_keep_the_length():
    line = "甲`乙,丙`丁 <a href=\"x\">戊</a> [己](http://x) http://y 庚"
    shown = hide_inline(line)
    assert len(shown) == len(line)
    assert shown == ("甲" + HIDDEN * 5 + "丁 " + HIDDEN * 12 + "戊" + HIDDEN * 4 + " [己]("
                     + HIDDEN * 8 + ") " + HIDDEN * 8 + " 庚")
    assert hide_code_spans("a``b`c``d`e") == "a" + HIDDEN * 7 + "d`e"
    assert hide_code_spans("`a` `b`") == HIDDEN * 3 + " " + HIDDEN * 3
    assert hide_code_spans("``") == "``"
    assert hide_comments("a<!--b-->c", False) == ("a" + HIDDEN * 8 + "c", False)
    assert hide_comments("a<!--b", False) == ("a" + HIDDEN * 5, True)
    assert hide_comments("b-->c<!--d", True) == (HIDDEN * 4 + "c" + HIDDEN * 5, True)
    assert hide_comments("bc", True) == (HIDDEN * 2, True)
    assert hide_comments("", True) == ("", True)
    assert hide_comments("", False) == ("", False)


def test_markdown_lines_skip_code():
    lines = ["甲", "```", "乙", "```", "", "    丙", "丁"]
    assert list(markdown_lines(lines)) == [(0, "甲"), (4, ""), (6, "丁")]


# -- front matter and register files (YAML) --------------------------------------


def test_front_matter_values_with_their_line_numbers():
    text = ("---\ntitle: 标题,标题\nsummary: 摘要:内容\ntags: [支部, 党员]\nkey中,文: 值\n"
            "url: http://a.cn/中,文\n---\n\n正文,内容\n")
    assert flagged(text) == [(2, 10, ","), (3, 12, ":"), (9, 3, ",")]
    assert fixed(text) == text.replace("标题,标题", "标题，标题").replace("摘要:内容", "摘要：内容").replace("正文,内容", "正文，内容")


def test_front_matter_without_its_closing_line_is_yaml_to_the_end():
    assert flagged("---\ntitle: 标题,标题\n正文:内容\n") == [(2, 10, ","), (3, 3, ":")]


def test_text_that_only_starts_like_front_matter():
    assert flagged("----\n甲,乙\n") == [(2, 2, ",")]
    assert flagged("甲,乙\n---\nkey: 丙,丁\n---\n") == [(1, 2, ","), (3, 7, ",")]


@pytest.mark.parametrize("text, expected", [
    ("name: 甲,乙\n", [(1, 8, ",")]),
    ("# 组织登记表:平台\n", [(1, 8, ":")]),  # comments are read by staff
    ("  # 注,释\n", [(1, 6, ",")]),
    ("officers: [黄丽萍,詹文斌]\n", []),  # in a flow collection the comma is YAML syntax
    ("officers: [黄丽萍,\n  詹文斌, 张三]\nnext: 甲,乙\n", [(3, 8, ",")]),
    ("map: {甲: 乙,丙: 丁}\n", []),
    ("- [甲,乙]\n", []),
    ("items:\n  - {name: 上评,下测, weight: 40}\n  - - {a: 甲,乙}\n", []),
    ("list:\n  - 中文,中文\n  - - 嵌套:列表\n", [(2, 7, ","), (3, 9, ":")]),
    ("\"键,名\": 甲,乙\n", [(1, 9, ",")]),
    ("'键,名': 甲,乙\n", [(1, 9, ",")]),
    ("\"未闭合,键: 值\n", [(1, 5, ","), (1, 7, ":")]),  # not a key: all text
    ("键甲,乙: 值\n", []),
    ("text: |\n  块,文本\n  二:行\n\n  三?行\nnext: 甲!乙\n", [(2, 4, ","), (3, 4, ":"), (5, 4, "?"), (6, 8, "!")]),
    ("text: >-\n  块,文本\nkey: [甲,乙]\n", [(2, 4, ",")]),
    ("a:\n  text: |\n    块,文本\n  b: 甲,乙\n", [(3, 6, ","), (4, 7, ",")]),
    ("值里有冒号 甲:乙\n", [(1, 8, ":")]),
    ("title: 会议: 传达,精神\n", [(1, 10, ":"), (1, 14, ",")]),
    ("url: http://a.cn/甲,乙 丙,丁\n", [(1, 23, ",")]),
    ("note: \"[引,号]\" 甲,乙\n", [(1, 10, ","), (1, 16, ",")]),
    ("key: 甲,乙 # 注,释\n", [(1, 7, ","), (1, 13, ",")]),
    ("key: [甲] # 注,释\n", []),
    ("a#b: 甲,乙\n", [(1, 7, ",")]),
    ("甲 # 注: 乙,丙\n", [(1, 6, ":"), (1, 9, ",")]),
])
def test_yaml(text, expected):
    assert flagged(text, "yaml") == expected


def test_yaml_flow_brackets_in_quotes_and_comments():
    assert flagged("a: [\"]\", 甲,乙]\nb: 丙,丁\n", "yaml") == [(2, 5, ",")]
    assert flagged("a: ['[', 甲]\nb: 丙,丁\n", "yaml") == [(2, 5, ",")]
    assert flagged("a: [甲]]\nb: 丙,丁\n", "yaml") == [(2, 5, ",")]
    assert flagged("a: [ # 注[\n  甲,乙]\nb: 丙,丁\n", "yaml") == [(3, 5, ",")]
    assert flagged("a: [[甲],\n  [乙,丙]]\nb: 丙,丁\n", "yaml") == [(3, 5, ",")]


def test_yaml_lines_hide_keys():
    assert list(yaml_lines(["key: 值", "- 项", "- k: v"])) == [
        (0, HIDDEN * 4 + " 值"), (1, "- 项"), (2, "- " + HIDDEN * 2 + " v")]


# -- fixing and reading files ------------------------------------------------------


def test_fixed_text_applies_marks_in_order_and_is_then_clean():
    text = "---\ntitle: 标题,标题\n---\n\n甲,乙 ; 丙\n`代码,块` 丁:戊\n"
    marks = find_marks(text)
    result = fixed_text(text, list(reversed(marks)))
    assert result == "---\ntitle: 标题，标题\n---\n\n甲，乙；丙\n`代码,块` 丁：戊\n"
    assert find_marks(result) == []
    assert fixed_text(text, []) == text


def test_punctuation_warnings_read_the_named_files(tmp_path):
    (tmp_path / "tax").mkdir()
    (tmp_path / "tax/a.md").write_text("甲,乙\n", encoding="utf-8")
    (tmp_path / "orgs.yml").write_text("# 丙;丁\n", encoding="utf-8")
    (tmp_path / "gbk.md").write_bytes("甲,乙".encode("gbk"))
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "note.txt").write_text("甲,乙", encoding="utf-8")
    warnings = punctuation_warnings(str(tmp_path), ["tax/a.md", "orgs.yml", "gbk.md", "logo.png", "note.txt", "gone.md"])
    assert [(w.path, w.line, w.message[:10]) for w in warnings] == [
        ("orgs.yml", 1, "第 1 行第 4 个"), ("tax/a.md", 1, "第 1 行第 2 个")]


# -- edge cases found by mutation testing (docs/mutation/punctuation.md) -----------


@pytest.mark.parametrize("text, expected", [
    ("a: [[甲,\n  乙],\n  丙,丁]\nb: 戊,己\n", [(4, 5, ",")]),  # nested brackets across lines
    ("a: [\"]\", 甲,\n  乙,丙]\nb: 丁,戊\n", [(3, 5, ",")]),  # a quoted bracket across lines
    ("a: [\"]]\",\n  乙,丙]\nb: 丁,戊\n", [(3, 5, ",")]),
    ("a: ['[',\n  乙,丙]\nb: 丁,戊\n", [(3, 5, ",")]),
    ("a: [\n# [\n  乙,丙]\nb: 丁,戊\n", [(4, 5, ",")]),  # a comment line inside a flow collection
    ("a: [\t# [\n  乙,丙]\nb: 丁,戊\n", [(3, 5, ",")]),
    ("a: [甲], [乙,\n  丙,丁]\nb: 戊,己\n", [(3, 5, ",")]),
    ("a: [\n  甲,\n  乙,丙]\n", []),
    ("- [甲: 乙,丙]\n", []),
    ("  - [甲,乙]\n", []),
    ("'甲: 乙,丙': 值\n", []),  # a quoted key holding ": "
    ("\"甲: 乙,丙\": \"值,好\"\n", [(1, 13, ",")]),
    ("\"\": \"甲: 乙,丙\"\n", [(1, 7, ":"), (1, 10, ",")]),
    ("text: |\n  [甲,乙]\n", [(2, 5, ",")]),  # block scalar text is never YAML
    ("text: |\n  甲\n\n  [乙,丙]\n", [(4, 5, ",")]),
    ("text: |\n  甲\nk:\n  - [乙,丙]\n", []),  # the block ended: YAML again
    ("  # 注: 甲,乙\n", [(1, 6, ":"), (1, 9, ",")]),
    ("# 甲\nk: 乙,丙\n", [(2, 5, ",")]),
])
def test_yaml_edges(text, expected):
    assert flagged(text, "yaml") == expected


@pytest.mark.parametrize("text, expected", [
    ("    代码,块\n", []),  # indented code at the very start
    ("``未闭合 `甲,乙` 丙,丁", [(1, 14, ",")]),  # an unpaired run, then a span
    ("<!-- x\ny --> 甲,乙 --> 丙", [(2, 8, ",")]),  # a comment ends at its first -->
    ("<!-- x\n-->甲,乙", [(2, 5, ",")]),
    ("<!-- 甲,乙 --> 丙 <!-- x -->", []),
    ("---\ntitle: 甲\n正文:内容", [(3, 3, ":")]),  # unclosed front matter, no final newline
    ("---\na: 甲\n---\n乙,丙", [(4, 2, ",")]),  # the body right after the closing line, once
])
def test_markdown_edges(text, expected):
    assert flagged(text) == expected


def test_the_kind_of_file_decides_the_rules():
    assert file_problems("a.yml", "a: [甲,乙]\n") == []
    assert len(file_problems("a.md", "a: [甲,乙]\n")) == 1
