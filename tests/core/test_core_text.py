"""The small core modules on plain data: problems, reading a source file, YAML as staff
write it, URL rules and the reference time. Expectations written out by hand."""

from __future__ import annotations

import hashlib
import posixpath
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from site_builder.core.clock import reference_time
from site_builder.core.problems import Problem, format_problems
from site_builder.core.sourcefile import SourceText, decode, split_front_matter
from site_builder.core.urls import FIXED_PATHS, page_url, paged, relative_path, reserved_ids, tag_slug
from site_builder.core.yamltext import LinedDict, YamlError, load_yaml

# -- problems -----------------------------------------------------------------


def test_problem_text_for_people():
    assert Problem("tax/np/a.md", 3, "日期不对", "写成 2026-03-01").text() == "tax/np/a.md:3: 日期不对 修改方法：写成 2026-03-01"
    assert Problem("tax/np/a.md", 0, "文件过大").text() == "tax/np/a.md: 文件过大"


def test_problem_github_annotation_escapes_properties_and_text():
    problem = Problem("tax/a:b,c%.md", 7, "第一行\n第二行 100%", "改\r好")
    assert problem.github() == "::error file=tax/a%3Ab%2Cc%25.md,line=7::第一行%0A第二行 100%25 修改方法：改%0D好"
    assert Problem("x\n.md", 0, "坏").github() == "::error file=x%0A.md::坏"
    assert Problem("y\r.md", 2, "坏", "").github() == "::error file=y%0D.md,line=2::坏"


def test_format_problems_sorts_by_file_then_line():
    problems = [Problem("b.md", 2, "二"), Problem("a.md", 9, "九"), Problem("b.md", 1, "一", "改")]
    assert format_problems(problems) == "a.md:9: 九\nb.md:1: 一 修改方法：改\nb.md:2: 二"
    assert format_problems(problems, "github").splitlines() == [
        "::error file=a.md,line=9::九", "::error file=b.md,line=1::一 修改方法：改", "::error file=b.md,line=2::二"]
    assert format_problems([]) == ""


# -- reading a source file ----------------------------------------------------


def test_decode_utf8_drops_the_bom_and_normalises_line_ends():
    assert decode("\ufeff标题\r\n正文\r末行".encode("utf-8"), "a.md") == ("标题\n正文\n末行", None)
    assert decode("中\ufeff文".encode("utf-8"), "a.md") == ("中\ufeff文", None)  # only a leading BOM goes


@pytest.mark.parametrize("data, line, named, iconv", [
    ("---\ntitle: 简体中文的文章\n".encode("gbk"), 2, "GBK/GB18030", "GB18030"),
    ("第一行\n第二行".encode("big5"), 1, "Big5", "Big5"),  # decodes as GB18030 too, but not as Chinese
    ("---\ntitle: x\n".encode("utf-16"), 1, "UTF-16", "UTF-16"),
    ("a\nb\nc\n\xe9t\xe9".encode("latin-1"), 4, None, None),
])
def test_decode_names_the_likely_encoding_and_the_line(data, line, named, iconv):
    text, problem = decode(data, "tax/np/a.md")
    assert problem is not None
    assert text is None and problem.path == "tax/np/a.md" and problem.line == line
    assert problem.message.startswith("文件不是 UTF-8 编码（看起来是 ")
    if named:
        assert f"看起来是 {named}）" in problem.message
        assert problem.fix == f"用编辑器“另存为 UTF-8”，或运行：iconv -f {iconv} -t UTF-8 原文件 > 新文件"


def test_front_matter_split_and_body_line():
    assert split_front_matter("---\ntitle: a\ndate: b\n---\n\n正文\n") == SourceText("title: a\ndate: b\n", "\n正文\n", 5)
    assert split_front_matter("---\n---\n正文") == SourceText("", "正文", 3)
    assert split_front_matter("---\ntitle: a\n...\n正文") == SourceText("title: a\n", "正文", 4)
    assert split_front_matter("---\ntitle: a\n---   \n正文") == SourceText("title: a\n", "正文", 4)
    assert split_front_matter("---\ntitle: a\n---") == SourceText("title: a\n", "", 4)
    assert split_front_matter("正文\n---\n") == SourceText(None, "正文\n---\n", 1)
    assert split_front_matter("--- \n正文") == SourceText(None, "--- \n正文", 1)


def test_front_matter_without_its_closing_fence():
    assert split_front_matter("---\ntitle: a\n正文\n") == SourceText("title: a\n正文\n", "", 5, closed=False)
    assert split_front_matter("---") == SourceText("", "", 2, closed=False)
    assert split_front_matter("---\n") == SourceText("", "", 3, closed=False)
    assert split_front_matter("---\ntitle: a\n----\n") == SourceText("title: a\n----\n", "", 5, closed=False)


# -- YAML as staff write it ---------------------------------------------------


def test_yaml_keeps_dates_and_norway_as_text_and_remembers_lines():
    data = load_yaml("title: 标题\ndate: 2026-03-14\ncountry: no\ndraft: true\nshow: False\nn: 3\nnested:\n  k: on\n")
    assert data == {"title": "标题", "date": "2026-03-14", "country": "no", "draft": True, "show": False, "n": 3,
                    "nested": {"k": "on"}}
    assert isinstance(data, LinedDict) and data.line == 1
    assert [data.line_of(k) for k in ("title", "date", "nested")] == [1, 2, 7]
    assert data["nested"].line == 8 and data["nested"].line_of("k") == 8
    assert data.line_of("absent") == 1 and data["nested"].line_of("absent") == 8


def test_yaml_lines_shift_to_where_the_text_starts():
    data = load_yaml("title: a\nlist:\n  - k: v\n    k2: w\n", first_line=2)
    assert data.line == 2 and data.line_of("list") == 3
    assert data["list"][0].line == 4 and data["list"][0].line_of("k2") == 5


@pytest.mark.parametrize("text, first_line, line, message", [
    ("title: 一\ntitle: 二\n", 1, 2, "键“title”重复出现"),
    ("a: 1\nb:\n  x: 1\n  x: 2\n", 2, 5, "键“x”重复出现"),
    ("? [a]\n: b\n", 1, 1, "键名必须是简单文字"),
    ("title: 冒号: 坏了\n", 2, 2, "YAML 格式错误：值里含有“: ”（冒号加空格），需要给整个值加引号"),
    ("tags:\n\t- a\n", 1, 2, "YAML 格式错误：不能用 Tab 缩进，请改用空格"),
    ("tags: [a, b\n", 1, 2, "YAML 格式错误：方括号 [ ] 或花括号 { } 没有配对；普通文字以 [ 或 { 开头时请给整个值加引号"),
    ("tags: {a: b\n", 1, 2, "YAML 格式错误：方括号 [ ] 或花括号 { } 没有配对；普通文字以 [ 或 { 开头时请给整个值加引号"),
    ("x: !evil a\n", 1, 1, "YAML 格式错误：不支持以 ! 开头的 YAML 标记，请删除它或给整个值加引号"),
    ("title: \"没有闭合\n", 1, 2, "YAML 格式错误：引号没有闭合（值以引号开始，就必须以同样的引号结束）"),
    ("title: *alias\n", 1, 1, "YAML 格式错误：含有 YAML 特殊符号（* & ! { [），请给值加引号"),
    ("a: 1\nb\nc: 2\n", 1, 3, "YAML 格式错误：缩进不一致或缺少冒号"),
])
def test_yaml_errors_say_what_and_where(text, first_line, line, message):
    with pytest.raises(YamlError) as caught:
        load_yaml(text, first_line)
    assert (caught.value.message, caught.value.line) == (message, line)
    assert str(caught.value) == message


def test_a_key_after_a_list_item_is_explained_in_chinese_on_its_line():
    with pytest.raises(YamlError) as caught:
        load_yaml("- a\nb: 1\n", 4)
    assert (caught.value.line, caught.value.message) == (5, "YAML 格式错误：列表的各项缩进不一致（每项以“- ”开头，并上下对齐）")


# -- URL rules ----------------------------------------------------------------


@pytest.mark.parametrize("source, url", [("tax/np/a.md", "tax/np/a/"), ("tax/np/index.md", "tax/np/"),
                                         ("index.md", ""), ("guide/index.md", "guide/"), ("tax/np/reindex.md",
                                                                                           "tax/np/reindex/"),
                                         ("tax/np/photo.png", "tax/np/photo.png/")])
def test_page_url(source, url):
    assert page_url(source) == url


def test_reserved_ids_are_fixed_paths_and_columns():
    assert reserved_ids({"news": "工作动态", "policy": "政策解读"}) == FIXED_PATHS | {"news", "policy"}
    assert {"qa", "stats", "feeds", "ask", "pagefind"} <= FIXED_PATHS


def test_tag_slug():
    assert tag_slug("Party Day") == "party-day"
    assert tag_slug("主题党日") == "主题党日"
    assert tag_slug("_廉政/警示_") == "廉政-警示"
    assert tag_slug("A&B") == "a-b"
    assert tag_slug("!!!") == "t-" + hashlib.sha1(b"!!!").hexdigest()[:8]


def test_paged():
    assert paged("tax/np/", 1) == "tax/np/" and paged("tax/np/", 0) == "tax/np/"
    assert paged("tax/np/", 2) == "tax/np/page/2/" and paged("", 3) == "page/3/"


@pytest.mark.parametrize("path, base, link", [
    ("tax/np/a", "tax/np/b", "../a"), ("tax/np/a", ".", "tax/np/a"), (".", "tax/np", "../.."),
    ("tax/np", "tax/np", "."), ("tax", "tax/np/a", "../.."), ("tax/np/a/b", "tax", "np/a/b"),
    ("radio/x", "tax/np", "../../radio/x"), (".", ".", "."), ("tax/np/../a", "tax", "a"),
    ("/abs/x", "/abs", "x"), ("a//b", "a", "b"), ("a", "./b", "../a"),
])
def test_relative_path_equals_posixpath_relpath(path, base, link):
    assert relative_path(path, base) == link
    if not path.startswith("/"):
        assert posixpath.relpath(path, base) == link


# -- the reference time -------------------------------------------------------


def test_reference_time_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1795608000 ")
    assert reference_time() == datetime(2026, 11, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert reference_time("UTC") == datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    assert reference_time("UTC").tzinfo == ZoneInfo("UTC")


@pytest.mark.parametrize("value", [None, "", "soon", "-5"])
def test_reference_time_is_now_without_a_usable_epoch(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    before = datetime.now(timezone.utc)
    found = reference_time("Asia/Shanghai")
    assert before <= found <= datetime.now(timezone.utc) and found.tzinfo == ZoneInfo("Asia/Shanghai")
