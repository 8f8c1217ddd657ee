"""Topics (专题) on plain data: reading `topics/<id>/index.md`, the days a topic runs, and a
post's `topics:` value."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from site_builder.core.problems import Problem
from site_builder.core.topics import Topic, active_first, load_topic, topic_id, topic_problems

TZ = ZoneInfo("Asia/Shanghai")
SOURCE = "topics/study-2026/index.md"
ASSETS = {"topics/study-2026/banner.jpg", "topics/study-2026/BIG.PNG", "topics/other/x.jpg"}


def load(front: str, body: str = "导语。\n", source: str = SOURCE):
    return load_topic(source, f"---\n{front}---\n{body}".encode(), ASSETS)


def problems_of(front: str) -> list[tuple[int, str, str]]:
    topic, problems = load(front)
    assert topic is None
    return [(p.line, p.message, p.fix) for p in problems]


# -- the topic's own days and address -----------------------------------------------------

def test_a_topic_runs_from_its_start_to_its_end_both_included():
    topic = Topic("t", "专题", date(2026, 11, 1), date(2026, 11, 30))
    assert [topic.active(date(2026, m, d)) for m, d in ((10, 31), (11, 1), (11, 30), (12, 1))] == [
        False, True, True, False]
    assert topic.active(datetime(2026, 11, 30, 23, 59, tzinfo=TZ))
    assert not topic.active(datetime(2026, 10, 31, 23, 59, tzinfo=TZ))


def test_an_open_topic_runs_from_its_start_on():
    topic = Topic("t", "专题", date(2026, 11, 1))
    assert not topic.active(date(2026, 10, 31))
    assert topic.active(date(2026, 11, 1)) and topic.active(date(2099, 1, 1))


def test_period_text_and_url():
    assert Topic("a", "专题", date(2026, 11, 1), date(2027, 6, 30)).period_text() == "2026-11-01 至 2027-06-30"
    assert Topic("a", "专题", date(2026, 11, 1)).period_text() == "2026-11-01 起"
    assert Topic("study-2026", "专题", date(2026, 11, 1)).url == "topics/study-2026/"


@pytest.mark.parametrize(("source", "ident"), [
    ("topics/study-2026/index.md", "study-2026"), ("topics/Bad Name/index.md", "Bad Name"),
    ("topics/a/b/index.md", None), ("topics//index.md", None), ("x/topics/a/index.md", None),
    ("topics/a/index.mdx", None), ("topics/a/other.md", None), ("topics/a/indexamd", None), ("topics/a", None)])
def test_topic_id_of_a_source_path(source, ident):
    assert topic_id(source) == ident


# -- reading the topic file ----------------------------------------------------------------

def test_a_complete_topic():
    topic, problems = load("title: 学习贯彻四中全会精神\nstart: 2026-11-01\nend: 2027-06-30\nbanner: banner.jpg\n",
                           "导语。\n")
    assert problems == []
    assert topic == Topic("study-2026", "学习贯彻四中全会精神", date(2026, 11, 1), date(2027, 6, 30),
                          "topics/study-2026/banner.jpg", "导语。\n", 7, SOURCE)


def test_a_minimal_topic_is_open_and_without_banner():
    topic, problems = load("title: '  专题  '\nstart: 2026-11-01\n", "")
    assert problems == []
    assert topic == Topic("study-2026", "专题", date(2026, 11, 1), None, None, "", 5, SOURCE)


def test_a_number_is_a_title():
    topic, _ = load("title: 2026\nstart: 2026-11-01\n")
    assert topic.title == "2026"


@pytest.mark.parametrize("source", ["topics/Study/index.md", "topics/学习/index.md", "topics/a_b/index.md",
                                    "topics/a/b/index.md"])
def test_a_folder_name_that_is_not_an_id(source):
    ident = topic_id(source) or ""
    assert load_topic(source, b"---\ntitle: x\nstart: 2026-11-01\n---\n", set()) == (None, [Problem(
        source, 0, f"专题文件夹名“{ident}”不合适", "文件夹名只用小写英文字母、数字和连字符，例如 topics/study-2026/")])


def test_a_file_not_in_utf8():
    topic, [problem] = load_topic(SOURCE, "---\ntitle: 专题\n".encode("gb18030"), set())
    assert topic is None and (problem.path, problem.line) == (SOURCE, 2)
    assert problem.message.startswith("文件不是 UTF-8 编码")


@pytest.mark.parametrize("data", [b"title: x\nstart: 2026-11-01\n", b"---\ntitle: x\nstart: 2026-11-01\n", b""])
def test_a_file_without_closed_front_matter(data):
    assert load_topic(SOURCE, data, set()) == (None, [Problem(
        SOURCE, 1, "专题缺少头部信息（以 --- 开始和结束）", "第一行写 ---，接着写 title、start，再写一行 ---")])


def test_a_yaml_error_names_its_line():
    assert problems_of("title: 专题\nstart: 2026-11-01\nend: a: b\n") == [
        (4, "YAML 格式错误：值里含有“: ”（冒号加空格），需要给整个值加引号", "修正该行的 YAML 写法，含冒号的值请加引号")]


def test_problems_before_the_keys_name_the_topic_file():
    for front in ("title: 专题\nend: a: b\n", "- title\n"):
        _, [problem] = load(front)
        assert problem.path == SOURCE


def test_a_banner_name_with_dots_is_judged_by_its_last_part():
    topic, problems = load_topic(SOURCE, "---\ntitle: 专题\nstart: 2026-11-01\nbanner: photo.v2.jpg\n---\n".encode(),
                                 {"topics/study-2026/photo.v2.jpg"})
    assert problems == [] and topic is not None and topic.banner == "topics/study-2026/photo.v2.jpg"


def test_front_matter_that_is_not_a_mapping():
    assert problems_of("- title\n- start\n") == [(2, "头部信息必须是“键: 值”的形式", "写 title、start，可选 end、banner")]


def test_unknown_keys_are_named_on_their_lines():
    assert problems_of("title: 专题\nstart: 2026-11-01\nsummary: x\ntags: [a]\n") == [
        (4, "专题头部信息中有未知的键“summary”", "删除它；专题只允许：title、start、end、banner"),
        (5, "专题头部信息中有未知的键“tags”", "删除它；专题只允许：title、start、end、banner")]


@pytest.mark.parametrize("title", ["", "''", "'   '", "[a, b]", "{a: 1}"])
def test_a_missing_or_empty_title(title):
    front = f"start: 2026-11-01\ntitle: {title}\n" if title else "start: 2026-11-01\n"
    line = 3 if title else 2
    assert problems_of(front) == [(line, "专题缺少 title（名称）", "加一行 title: 专题名称")]


@pytest.mark.parametrize("title", ["'a<b'", "'a>b'", "'**重点**'", "'`代码`'", "'[链接](x)'", "\"a\\tb\"",
                                   "\"a\\x7fb\"", "\"a\\nb\"", "'" + "字" * 61 + "'"])
def test_a_title_that_is_not_one_short_line_of_plain_text(title):
    assert problems_of(f"start: 2026-11-01\ntitle: {title}\n") == [
        (3, "专题名称只能是一行 60 字以内的纯文字", "去掉换行和 < > ** ` 等符号")]


@pytest.mark.parametrize("title", ["字" * 60, "a*b", "[方括号]", "a](b"[:2], "(括号)"])
def test_titles_that_are_plain_text(title):
    topic, problems = load(f"start: 2026-11-01\ntitle: '{title}'\n")
    assert problems == [] and topic.title == title


def test_a_missing_start():
    assert problems_of("title: 专题\nend: 2027-01-01\n") == [(2, "专题缺少 start（开始日期）", "加一行 start: 2026-11-01")]


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "明天", "[2026]", "20261101", "''"])
def test_a_start_or_end_that_is_not_a_day(value):
    start = problems_of(f"title: 专题\nstart: {value}\n")
    end = problems_of(f"title: 专题\nstart: 2026-11-01\nend: {value}\n")
    assert [(line, fix) for line, _, fix in start] == [(3, "写成 start: 2026-11-01（年-月-日）")]
    assert [(line, fix) for line, _, fix in end] == [(4, "写成 end: 2026-11-01（年-月-日）")]
    assert start[0][1].startswith("start“") and start[0][1].endswith("”不是有效日期")
    assert end[0][1].startswith("end“") and end[0][1].endswith("”不是有效日期")


def test_a_day_problem_quotes_the_value():
    assert problems_of("title: 专题\nstart: 2026-13-01\n") == [
        (3, "start“2026-13-01”不是有效日期", "写成 start: 2026-11-01（年-月-日）")]


def test_an_end_before_the_start():
    assert problems_of("title: 专题\nstart: 2026-11-01\nend: 2026-10-31\n") == [
        (4, "结束日期 2026-10-31 早于开始日期 2026-11-01", "检查 start 和 end")]


def test_a_one_day_topic():
    topic, problems = load("title: 专题\nstart: 2026-11-01\nend: 2026-11-01\n")
    assert problems == [] and topic.end == topic.start == date(2026, 11, 1)


@pytest.mark.parametrize("name", ["BIG.PNG", " banner.jpg "])
def test_a_banner_beside_the_topic(name):
    topic, problems = load(f"title: 专题\nstart: 2026-11-01\nbanner: '{name}'\n")
    assert problems == [] and topic.banner == f"topics/study-2026/{name.strip()}"


@pytest.mark.parametrize("name", ["https://example.com/a.jpg", "/topics/study-2026/banner.jpg", "../other/x.jpg",
                                  "a/../banner.jpg", "..", "file://x.jpg"])
def test_a_banner_outside_the_topic_folder(name):
    assert problems_of(f"title: 专题\nstart: 2026-11-01\nbanner: '{name}'\n") == [
        (4, f"题图“{name}”必须是专题文件夹中的图片", "把图片放进 topics/study-2026/，写成 banner: 文件名.jpg")]


@pytest.mark.parametrize("name", ["banner.pdf", "banner", "banner.jpg.txt"])
def test_a_banner_that_is_not_an_image(name):
    assert problems_of(f"title: 专题\nstart: 2026-11-01\nbanner: '{name}'\n") == [
        (4, f"题图“{name}”不是图片", "题图可用：jpg、jpeg、png、gif、webp")]


@pytest.mark.parametrize("name", ["missing.png", "Banner.jpg", "big.png"])
def test_a_banner_that_is_not_there(name):
    assert problems_of(f"title: 专题\nstart: 2026-11-01\nbanner: {name}\n") == [
        (4, f"题图“topics/study-2026/{name}”不存在", "把图片放进 topics/study-2026/，并检查文件名的大小写")]


def test_every_problem_of_a_topic_is_told_at_once():
    lines = [line for line, _, _ in problems_of("title: 'a<b'\nstart: x\nend: y\nbanner: b.pdf\nother: 1\n")]
    assert lines == [6, 2, 3, 4, 5]


# -- active topics first ---------------------------------------------------------------------

def test_active_topics_first_each_group_newest_start_first():
    old = Topic("old", "旧", date(2025, 1, 1), date(2025, 12, 31))
    running = Topic("run", "进行中", date(2026, 3, 1))
    newer = Topic("new", "新", date(2026, 6, 1), date(2026, 12, 31))
    same_day = Topic("abc", "同日", date(2026, 6, 1))
    future = Topic("future", "将来", date(2027, 1, 1))
    active, other = active_first([old, running, future, newer, same_day], datetime(2026, 7, 1, tzinfo=TZ))
    assert [t.id for t in active] == ["abc", "new", "run"]
    assert [t.id for t in other] == ["future", "old"]


# -- a post's topics: value ------------------------------------------------------------------

KNOWN = {"study-2026": Topic("study-2026", "学习", date(2026, 11, 1)), "safety": Topic("safety", "安全", date(2026, 1, 1))}


def test_a_post_names_known_topics_once_each_in_its_order():
    assert topic_problems(["safety", "study-2026", "safety"], 5, "tax/np/a.md", KNOWN) == (("safety", "study-2026"), [])
    assert topic_problems("safety", 5, "tax/np/a.md", KNOWN) == (("safety",), [])
    assert topic_problems([], 5, "tax/np/a.md", KNOWN) == ((), [])


def test_an_unknown_topic_is_a_problem_listing_the_choices():
    assert topic_problems(["safety", "nope"], 5, "tax/np/a.md", KNOWN) == (("safety",), [Problem(
        "tax/np/a.md", 5, "专题“nope”不存在", "topics 可选：study-2026（学习）、safety（安全）")])
    assert topic_problems("nope", 3, "a.md", {}) == ((), [Problem(
        "a.md", 3, "专题“nope”不存在", "topics 可选：目前没有专题，先在 topics/<id>/index.md 中建立")])


@pytest.mark.parametrize("value", [1, {"a": 1}, ["safety", 2], [["safety"]], None])
def test_a_topics_value_that_is_not_a_list_of_ids(value):
    assert topic_problems(value, 4, "a.md", KNOWN) == ((), [Problem("a.md", 4, "topics 必须是专题 id 列表",
                                                                       "写成 topics: [study-2026]")])
