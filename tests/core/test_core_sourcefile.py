"""Reading a staff-written file on plain data: which encoding a file that is not UTF-8 looks
like, told with the right `iconv` command (real GBK, GB18030, Big5 and UTF-16 bytes of Chinese
text), the split of front matter and body, and a register file read as YAML."""

from __future__ import annotations

import pytest

from site_builder.core.problems import Problem
from site_builder.core.sourcefile import SourceText, decode, load_yaml_file, split_front_matter

POST = "---\ntitle: 关于开展主题党日活动的通知\ndate: 2026-03-01\n---\n\n各党支部：根据工作安排，现将有关事项通知如下。“一、时间”\n"
TRADITIONAL = "---\ntitle: 關於開展主題黨日活動的通知\n---\n各黨支部：根據工作安排，現將有關事項通知如下。\n"
ORGS = "systems:\n  - id: tax\n    name: 税务系统\n    units:\n      - id: np\n        name: 南平市税务局\n"


def named(data: bytes) -> tuple[str, str]:
    """(what the message says the file looks like, the encoding `iconv -f` is told)."""
    text, problem = decode(data, "tax/np/a.md")
    assert text is None and problem is not None
    head, tail = "文件不是 UTF-8 编码（看起来是 ", "）"
    assert problem.message.startswith(head) and problem.message.endswith(tail)
    fix_head, fix_tail = "用编辑器“另存为 UTF-8”，或运行：iconv -f ", " -t UTF-8 原文件 > 新文件"
    assert problem.fix.startswith(fix_head) and problem.fix.endswith(fix_tail)
    return problem.message[len(head):-len(tail)], problem.fix[len(fix_head):-len(fix_tail)]


@pytest.mark.parametrize("data", [
    POST.encode("gbk"),
    POST.encode("gb18030"),
    ORGS.encode("gbk"),  # mostly ASCII: ids, keys and indentation around two names
    ("title: abc\ndate: 2026-01-01\nlink: https://example.org/a/b/c/d/e/f/g/h\n" + "标题").encode("gbk"),
    "标题".encode("gbk"),  # reads as Big5 too: the mainland encoding goes first
    "中文测试é".encode("gbk"),  # a pinyin letter: four of five non-ASCII characters are Chinese
    "𠀀𠀁 测试 丨".encode("gb18030"),  # four-byte GB18030 ideographs of the supplementary plane
    "こんにちは、世界。これは日本語の文章です。".encode("shift_jis"),  # short Japanese reads as GBK
], ids=["post-gbk", "post-gb18030", "orgs", "ascii-heavy", "two-chars", "pinyin", "extension-b", "shift-jis"])
def test_simplified_chinese_legacy_files_are_named_gbk_and_converted_from_gb18030(data):
    assert named(data) == ("GBK/GB18030", "GB18030")


@pytest.mark.parametrize("char", ["\u3400", "\u4dbf", "\u4e00", "\u9fff", "\uf900", "\ufaff", "\U00020000", "\U0003134f",
                                  "\u3000", "\u303f", "\uff01", "\uff5e", "\u2014", "\u2026", "\u00b7"])
def test_the_first_and_last_characters_of_each_chinese_block_count_as_chinese(char):
    # ideographs of extension A, the unified and compatibility blocks, the supplementary planes;
    # CJK and full-width punctuation, dashes to ellipsis, the middle dot
    assert named(("中" + char * 4).encode("gb18030")) == ("GBK/GB18030", "GB18030")


def test_delete_characters_are_ascii_not_foreign_letters():
    assert named("中文测试\x7f\x7f\x7f".encode("gbk")) == ("GBK/GB18030", "GB18030")


@pytest.mark.parametrize("data", [
    TRADITIONAL.encode("big5"),
    "第一行\n第二行".encode("big5"),
    "一中人大上下不也了天太少心手日月木水火".encode("big5"),  # read as GBK: kana and private-use characters
    "title: abc\nname: 南平市稅務局\n".encode("big5"),
], ids=["post", "short", "lead-a4", "ascii-heavy"])
def test_traditional_chinese_big5_files_are_named_big5(data):
    assert named(data) == ("Big5", "Big5")


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + "---\ntitle: 标题\n".encode("utf-16-le"),
    b"\xfe\xff" + "---\ntitle: 标题\n".encode("utf-16-be"),
], ids=["little-endian", "big-endian"])
def test_utf16_files_are_named_utf16(data):
    assert named(data) == ("UTF-16", "UTF-16")


def test_other_encodings_are_named_by_the_detector_in_capitals():
    message, iconv = named("Привет мир, это русский текст.".encode("cp1251"))
    assert (message, iconv) == ("CP1251", "CP1251")


def test_bytes_no_encoding_explains_are_unknown_and_tried_as_gb18030():
    assert named(bytes(range(128, 256))) == ("未知编码", "GB18030")


def line_of(data: bytes) -> int:
    problem = decode(data, "a.md")[1]
    assert problem is not None
    return problem.line


def test_the_problem_names_the_line_of_the_first_bad_byte():
    data = "第一行\n第二行\n".encode() + "第三行".encode("gbk")
    assert line_of(data) == 3
    assert line_of("标题".encode("gbk")) == 1


def test_utf8_text_has_no_problem_and_loses_bom_and_carriage_returns():
    assert decode("\ufeff---\r\ntitle: 标题\r\n---\r正文".encode("utf-8"), "a.md") == ("---\ntitle: 标题\n---\n正文", None)


# -- front matter ---------------------------------------------------------------------------


def test_blank_lines_inside_the_front_matter_and_before_its_end():
    assert split_front_matter("---\ntitle: a\n\n\n---\n正文") == SourceText("title: a\n\n\n", "正文", 6)
    assert split_front_matter("---\n\n---\n\n正文\n") == SourceText("\n", "\n正文\n", 4)


def test_the_first_closing_line_ends_the_front_matter():
    assert split_front_matter("---\na: 1\n---\nb\n---\nc") == SourceText("a: 1\n", "b\n---\nc", 4)
    assert split_front_matter("---\na: 1\n...\n---\n") == SourceText("a: 1\n", "---\n", 4)


def test_a_file_of_only_the_opening_line():
    only = split_front_matter("---  ")
    assert (only.body, only.body_line, only.closed) == ("", 2, False)
    assert split_front_matter("---\na: 1") == SourceText("a: 1", "", 3, closed=False)


# -- register files -------------------------------------------------------------------------


def test_a_register_file_reads_as_yaml_with_its_lines():
    value, problem = load_yaml_file("\ufeffa: 1\r\nb:\r\n  c: 是\r\n".encode("utf-8"), "r.yml", "改")
    assert problem is None and value == {"a": 1, "b": {"c": "是"}} and value["b"].line == 3


def test_a_register_file_with_a_yaml_error_names_the_line_and_the_given_fix():
    value, problem = load_yaml_file(b"a: 1\na: 2\n", "r.yml", "修正该行")
    assert (value, problem) == (None, Problem("r.yml", 2, "键“a”重复出现", "修正该行"))


def test_a_register_file_in_gbk_is_refused_with_the_encoding_problem():
    value, problem = load_yaml_file("name: 南平市税务局\n".encode("gbk"), "r.yml", "修正该行")
    assert value is None and problem is not None
    assert (problem.path, problem.line) == ("r.yml", 1)
    assert problem.message == "文件不是 UTF-8 编码（看起来是 GBK/GB18030）"
    assert problem.fix == "用编辑器“另存为 UTF-8”，或运行：iconv -f GB18030 -t UTF-8 原文件 > 新文件"
