"""Front matter of posts rule by rule: each mistake gives exactly its problem (line, message,
fix, written out by hand), and each accepted value becomes the field it should."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import EMPTY_BODY, POST_KEYS, PROJECT_NAME, PROJECT_TYPE, Post, load_post

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TZ)
ORGS = load_orgs(ORGS_YML)[0]
CONFIG = PortalConfig()
COLUMNS = "news（工作动态）、experience（经验交流）、qa（有问必答）"
GOOD = "title: 标题\ndate: 2026-03-14\ntype: news\n"  # lines 2–4; the next key is on line 5


def load(text: str | bytes, source: str = "tax/np-jo/2026/a.md", config: PortalConfig = CONFIG):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load_post(source, data, ORGS, config, NOW)


def problems(front: str, body: str = "正文\n", **kw) -> list[tuple[int, str, str]]:
    result = load(f"---\n{front}---\n{body}", **kw)
    assert (result.post is None) == bool(result.problems)
    return [(p.line, p.message, p.fix) for p in result.problems]


def post(front: str, body: str = "正文\n", **kw) -> Post:
    result = load(f"---\n{front}---\n{body}", **kw)
    assert result.problems == [] and result.post is not None
    return result.post


INVISIBLE_FIX = "删除该字符（它通常看不见，多来自复制粘贴）：在编辑器中把光标移到该位置删除，或重新输入这段文字"  # issue 19: controls are named with their position
TITLE_MARKUP = ("标题中含有 HTML/Markdown 标记或控制字符", "标题只写纯文字，去掉 < > ** ` [ ]( ) 等符号")
DATE_FIX = '写成 date: 2026-03-14 或 date: "2026-03-14 09:30"（年-月-日 时:分）'


@pytest.mark.parametrize("front, expected", [
    ("date: 2026-03-14\ntype: news\n", [(2, "缺少 title（标题）", "在头部信息中加一行 title: 文章标题")]),
    ("title: [a, b]\ndate: 2026-03-14\ntype: news\n", [(2, "标题必须是一行文字", "写成 title: 文章标题（含冒号等符号时加引号）")]),
    ("title: true\ndate: 2026-03-14\ntype: news\n", [(2, "标题必须是一行文字", "写成 title: 文章标题（含冒号等符号时加引号）")]),
    ("title: {a: b}\ndate: 2026-03-14\ntype: news\n", [(2, "标题必须是一行文字", "写成 title: 文章标题（含冒号等符号时加引号）")]),
    ("title: '  '\ndate: 2026-03-14\ntype: news\n", [(2, "标题为空", "写上文章标题")]),
    ('title: "一\\n二"\ndate: 2026-03-14\ntype: news\n', [(2, "标题只能有一行", "把标题写在一行内")]),
    ("title: 加**粗**\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a<b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a</b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a<!b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a<?b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: '[链接](x)'\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a__b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a`b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a&amp;b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a&#60;b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a{{b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ("title: a{%b\ndate: 2026-03-14\ntype: news\n", [(2, *TITLE_MARKUP)]),
    ('title: "a\\x01b"\ndate: 2026-03-14\ntype: news\n', [(2, "标题第 2 个字符是不允许的控制字符（U+0001）", INVISIBLE_FIX)]),
    ('title: "a\\x7fb"\ndate: 2026-03-14\ntype: news\n', [(2, "标题第 2 个字符是不允许的控制字符（U+007F）", INVISIBLE_FIX)]),
    (f"title: {'字' * 121}\ndate: 2026-03-14\ntype: news\n", [(2, "标题过长（121 字）", "标题控制在 120 字以内，详细内容写在正文")]),
    ("title: t\ntype: news\n", [(2, "缺少 date（日期）", '加一行 date: 2026-03-14 或 date: "2026-03-14 09:30"')]),
    ("title: t\ndate: 2026-3-14\ntype: news\n", [(3, "date“2026-3-14”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: 2026/03/14\ntype: news\n", [(3, "date“2026/03/14”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: 2026-03-14 9:30\ntype: news\n", [(3, "date“2026-03-14 9:30”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: 2026-03-14 24:00\ntype: news\n", [(3, "date“2026-03-14 24:00”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: 2026-13-01\ntype: news\n", [(3, "date“2026-13-01”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: x2026-03-14\ntype: news\n", [(3, "date“x2026-03-14”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: 2026-03-14x\ntype: news\n", [(3, "date“2026-03-14x”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: 20260314\ntype: news\n", [(3, "date“20260314”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: [2026-03-14]\ntype: news\n", [(3, "date“['2026-03-14']”不是有效日期", DATE_FIX)]),
    ("title: t\ndate: 2026-11-26 12:01\ntype: news\n", [(3, "date“2026-11-26 12:01”在未来", "检查年份和月份，日期不能晚于明天")]),
    ("title: t\ndate: 2026-03-14\n", [(2, "缺少 type（栏目）", f"加一行 type: 栏目，可选：{COLUMNS}")]),
    ("title: t\ndate: 2026-03-14\ntype: blog\n",
     [(4, "栏目“blog”不存在", f"type 可选：{COLUMNS}，或 {PROJECT_TYPE}（{PROJECT_NAME}）")]),
    ("title: t\ndate: 2026-03-14\ntype: [news]\n",
     [(4, "栏目“['news']”不存在", f"type 可选：{COLUMNS}，或 {PROJECT_TYPE}（{PROJECT_NAME}）")]),
    (GOOD + "category: sports\n", [(5, "分类“sports”不存在",
                                   "category 可选：center（中心工作与业务工作）、integrity（反腐倡廉和政风行风建设）、"
                                   "quality（提升素质与树立形象）、civility（文明创建与和谐创建）、grassroots（基层组织建设）")]),
    (GOOD + "category: [center]\n", [(5, "分类“['center']”不存在",
                                     "category 可选：center（中心工作与业务工作）、integrity（反腐倡廉和政风行风建设）、"
                                     "quality（提升素质与树立形象）、civility（文明创建与和谐创建）、grassroots（基层组织建设）")]),
    (GOOD + "tags: 主题党日\n", [(5, "tags 必须是文字列表", "写成 tags: [主题党日, 志愿服务]")]),
    (GOOD + "tags: [a, {b: c}]\n", [(5, "tags 必须是文字列表", "写成 tags: [主题党日, 志愿服务]")]),
    (GOOD + f"tags: [{'标' * 21}]\n", [(5, f"标签“{'标' * 21}”不合适", "标签用 20 字以内的纯文字，不含 / 和标记符号")]),
    (GOOD + f"tags: [{'标' * 35}]\n", [(5, f"标签“{'标' * 30}”不合适", "标签用 20 字以内的纯文字，不含 / 和标记符号")]),
    (GOOD + "tags: [甲, 乙/丙, 丁**]\n", [(5, "标签“乙/丙”不合适", "标签用 20 字以内的纯文字，不含 / 和标记符号")]),
    (GOOD + "tags: [\"a`b\"]\n", [(5, "标签“a`b”不合适", "标签用 20 字以内的纯文字，不含 / 和标记符号")]),
    (GOOD + "tags: [\"a\\x01\"]\n", [(5, "标签“a\x01”的第 2 个字符是不允许的控制字符（U+0001）", INVISIBLE_FIX)]),
    (GOOD + "author: [甲, 乙]\n", [(5, "author 必须是一段文字", "写成 author: 文字")]),
    (GOOD + "author: true\n", [(5, "author 必须是一段文字", "写成 author: 文字")]),
    (GOOD + "author: \"甲\\n乙\"\n", [(5, "author 含有换行或控制字符", "把 author 写在一行内")]),
    (GOOD + "summary: \"甲\\x02乙\"\n", [(5, "summary第 2 个字符是不允许的控制字符（U+0002）", INVISIBLE_FIX)]),
    (GOOD + "featured_by: {tax: np}\n", [(5, "featured_by 必须是“系统/单位”列表", "写成 featured_by: [tax/prov]")]),
    (GOOD + "featured_by: [tax/np, 3]\n", [(5, "featured_by 必须是“系统/单位”列表", "写成 featured_by: [tax/prov]")]),
    (GOOD + "featured_by: [tax/nowhere]\n", [(5, "featured_by 中的单位“tax/nowhere”不存在",
                                             "写成 系统id/单位id，例如 tax/prov，须在 orgs.yml 中登记")]),
    (GOOD + "featured_by: [tax/np-wys]\n", [(5, "“tax/np-wys”不是本单位在本系统中的上级单位，不能采用本文",
                                           "featured_by 只能写采用本文的本系统上级单位：tax/np、tax/prov")]),
    (GOOD + "featured_by: [tax/sm]\n", [(5, "“tax/sm”不是本单位在本系统中的上级单位，不能采用本文",
                                       "featured_by 只能写采用本文的本系统上级单位：tax/np、tax/prov")]),
    (GOOD + "featured_by: [radio/prov]\n", [(5, "“radio/prov”不是本单位在本系统中的上级单位，不能采用本文",
                                           "featured_by 只能写采用本文的本系统上级单位：tax/np、tax/prov")]),
    (GOOD + "draft: yes\n", [(5, "draft 只能是 true 或 false（现在是“yes”）", "写成 draft: true 或删除该行")]),
    (GOOD + "draft: 1\n", [(5, "draft 只能是 true 或 false（现在是“1”）", "写成 draft: true 或删除该行")]),
    (GOOD + "slug: x\n", [(5, "不允许的键“slug”：文章的网址和所属单位只由文件路径决定", "删除 slug 一行；要改网址请改文件名或文件夹")]),
    (GOOD + "unit: np\n", [(5, "不允许的键“unit”：文章的网址和所属单位只由文件路径决定", "删除 unit 一行；要改网址请改文件名或文件夹")]),
    (GOOD + "colour: red\n", [(5, "未知的键“colour”", f"删除它，或改成允许的键：{'、'.join(POST_KEYS)}")]),
    (GOOD + "asked_by: 某支部\n", [(5, "asked_by 只用于有问必答（type: qa）的文章", "删除 asked_by 一行，或把 type 改为 qa")]),
    (GOOD + "answered: 2026-03-15\n", [(5, "answered 只用于有问必答（type: qa）的文章", "删除 answered 一行，或把 type 改为 qa")]),
])
def test_each_mistake_gives_its_problem(front, expected):
    assert problems(front) == expected


def test_several_mistakes_are_all_reported_in_order():
    assert problems("title: ''\ndate: 2026-02-30\ntype: blog\ncolour: red\n") == [
        (5, "未知的键“colour”", f"删除它，或改成允许的键：{'、'.join(POST_KEYS)}"),
        (2, "标题为空", "写上文章标题"),
        (3, "date“2026-02-30”不是有效日期", DATE_FIX),
        (4, "栏目“blog”不存在", f"type 可选：{COLUMNS}，或 {PROJECT_TYPE}（{PROJECT_NAME}）"),
    ]


@pytest.mark.parametrize("body", ["", "\n\n", "<!-- 待写 -->\n", "<!-- 未闭合的注释\n正文\n"])
def test_a_post_without_a_body(body):
    assert problems(GOOD, body) == [(6, EMPTY_BODY, "在头部信息（---）下面写上正文；还没写完可加 draft: true 先存为草稿")]


def test_a_body_with_a_comment_and_text_is_fine():
    assert post(GOOD, "<!-- 注 -->正文\n").body == "<!-- 注 -->正文\n"


QUESTION = "title: 问\ndate: 2026-03-14 10:00\ntype: qa\n"  # lines 2–4


@pytest.mark.parametrize("front, body, expected", [
    (QUESTION, "", [(2, "有问必答文章缺少 question（问题内容）", "加一行 question: 问题的完整内容")]),
    (QUESTION + "question: '  '\n", "", [(5, "有问必答文章缺少 question（问题内容）", "加一行 question: 问题的完整内容")]),
    (QUESTION + "question: 问？\nanswered: 2026-03-13\n", "答。\n", [(6, "答复日期早于提问日期", "检查 answered 和 date")]),
    (QUESTION + "question: 问？\nanswered: 2026-03-16\n", "\n",
     [(6, "已写 answered（答复日期），但正文（答复内容）为空", "在头部信息下面写上答复内容，或删除 answered 一行")]),
    (QUESTION + "question: 问？\nanswered: 2026-03-32\n", "答。\n",
     [(6, "answered“2026-03-32”不是有效日期", '写成 answered: 2026-03-14 或 answered: "2026-03-14 09:30"（年-月-日 时:分）')]),
    (QUESTION + "question: 问？\nasked_by: \"甲\\n乙\"\n", "", [(6, "asked_by 含有换行或控制字符", "把 asked_by 写在一行内")]),
])
def test_question_rules(front, body, expected):
    assert problems(front, body) == expected


def test_question_fields():
    asked = post(QUESTION + "question: |\n  第一行\n  第二行\nasked_by: 某支部\nanswered: 2026-03-14 09:00\n", "答。\n")
    assert asked.question == "第一行\n第二行" and asked.asked_by == "某支部"
    assert asked.answered == datetime(2026, 3, 14, 9, 0, tzinfo=TZ) and not asked.pending  # same day, earlier hour
    pending = post(QUESTION + "question: 问？\n", "")
    assert pending.pending and pending.answered is None and pending.asked_by is None


def test_accepted_values_become_fields():
    front = ("title: 2026\ndate: 2026-03-14T09:30:15\ntype: experience\ncategory: center\n"
             "tags: [主题党日, 2026, 主题党日, ' ', '  志愿服务 ']\nauthor: 12\nsummary: |\n  摘要一\n  摘要二\n"
             "featured_by: tax/np\ndraft: false\n")
    text = f"---\n{front}---\n正文\n"
    made = post(front)
    assert (made.title, made.date, made.type, made.category) == (
        "2026", datetime(2026, 3, 14, 9, 30, 15, tzinfo=TZ), "experience", "center")
    assert made.tags == ("主题党日", "2026", "志愿服务") and made.author == "12" and made.summary == "摘要一\n摘要二"
    assert made.featured_by == ("tax/np",) and made.draft is False
    assert (made.source, made.system, made.unit, made.unit_key, made.url) == (
        "tax/np-jo/2026/a.md", "tax", "np-jo", "tax/np-jo", "tax/np-jo/2026/a/")
    assert (made.body, made.body_line) == ("正文\n", 14)
    assert made.digest == hashlib.sha1(text.encode("utf-8")).hexdigest()
    assert made.question is None and not made.pending


def test_featured_by_keeps_each_higher_unit_once():
    made = post(GOOD + "featured_by: [tax/np, tax/prov, tax/np]\n")
    assert made.featured_by == ("tax/np", "tax/prov")
    assert problems(GOOD + "featured_by: [tax/np-jo]\n") == [
        (5, "“tax/np-jo”不是本单位在本系统中的上级单位，不能采用本文", "featured_by 只能写采用本文的本系统上级单位：tax/np、tax/prov")]


def test_dates_up_to_a_day_ahead_and_the_time_zone():
    assert post("title: t\ndate: 2026-11-26 12:00\ntype: news\n").date == datetime(2026, 11, 26, 12, 0, tzinfo=TZ)
    utc = post("title: t\ndate: 2026-03-14 09:30\ntype: news\n", config=PortalConfig(timezone="UTC"))
    assert utc.date == datetime(2026, 3, 14, 9, 30, tzinfo=ZoneInfo("UTC"))
    assert post("title: t\ndate: 2026-02-28\ntype: news\n").date == datetime(2026, 2, 28, tzinfo=TZ)


def test_title_of_120_characters_is_fine():
    assert post(f"title: {'字' * 120}\ndate: 2026-03-14\ntype: news\n").title == "字" * 120


def test_drafts_are_posts_with_the_mark():
    assert post(GOOD + "draft: true\n").draft is True


def test_sort_key_newest_first_then_source():
    older = post(GOOD)
    newer = post("title: t\ndate: 2026-03-15\ntype: news\n")
    twin = load(f"---\n{GOOD}---\n正文\n", source="tax/np-jo/2026/b.md").post
    assert twin is not None
    assert sorted([older, twin, newer], key=Post.sort_key) == [newer, older, twin]
    assert older.sort_key() == (-datetime(2026, 3, 14, tzinfo=TZ).timestamp(), "tax/np-jo/2026/a.md")


# -- the file around the front matter -------------------------------------------------


@pytest.mark.parametrize("source, message, fix", [
    ("tax/a.md", "系统文件夹下只能放单位文件夹，文章必须放在 <系统>/<单位>/ 下", "把文件移到 tax/<单位 id>/ 文件夹中"),
    ("tax/xx/a.md", "单位文件夹“xx”不在 orgs.yml 的系统“tax”中",
     "改用已登记的单位文件夹（prov、np、np-jo、np-wys、sm、sm-yx），或先在 orgs.yml 中登记该单位"),
    ("zz/np/a.md", "单位文件夹“np”不在 orgs.yml 的系统“zz”中", "改用已登记的单位文件夹（），或先在 orgs.yml 中登记该单位"),
])
def test_the_path_decides_the_unit(source, message, fix):
    result = load(f"---\n{GOOD}---\n正文\n", source=source)
    assert result.post is None and [(p.path, p.line, p.message, p.fix) for p in result.problems] == [
        (source, 0, message, fix)]


def test_file_size_limit():
    config = PortalConfig(max_post_bytes=2048)
    fits = f"---\n{GOOD}---\n"
    assert load(fits + "a" * (2048 - len(fits.encode("utf-8"))), config=config).post is not None
    result = load(fits + "a" * (3072 - len(fits.encode("utf-8"))), config=config)
    assert [(p.line, p.message, p.fix) for p in result.problems] == [
        (0, "文件过大（3 KB，上限 2 KB）", "精简正文；图片和附件放在文章旁边，用相对链接引用")]


@pytest.mark.parametrize("text, line, message, fix", [
    ("", 1, "文件是空的", "按投稿指南写上头部信息（title、date、type）和正文，或删除该文件"),
    (" \n\t\n", 1, "文件是空的", "按投稿指南写上头部信息（title、date、type）和正文，或删除该文件"),
    ("正文而已\n", 1, "缺少头部信息（以 --- 开始和结束的 YAML 块）", "在文件第一行写 ---，接着写 title、date、type，再写一行 ---"),
    ("---\ntitle: t\n正文\n", 1, "头部信息没有结束的 --- 行", "在头部信息最后加一行 ---"),
    ("---\ntitle: t\ntitle: u\n---\n正文\n", 3, "键“title”重复出现", "修正该行的 YAML 写法，含冒号或特殊符号的值请加引号"),
    ("---\n- a\n---\n正文\n", 2, "头部信息必须是“键: 值”的形式", "参照投稿指南的示例改写"),
    ("---\n---\n正文\n", 2, "头部信息必须是“键: 值”的形式", "参照投稿指南的示例改写"),
])
def test_file_level_problems(text, line, message, fix):
    result = load(text)
    assert result.post is None and [(p.line, p.message, p.fix) for p in result.problems] == [(line, message, fix)]
    assert result.problems[0].path == "tax/np-jo/2026/a.md"


def test_undecodable_file():
    result = load("---\ntitle: 简体\n".encode("gbk"))
    assert result.post is None and [(p.line, p.message[:13]) for p in result.problems] == [(2, "文件不是 UTF-8 编码")]


@pytest.mark.parametrize("title, message, fix", [
    ("[a, b]", "标题必须是一行文字", "写成 title: 文章标题（含冒号等符号时加引号）"),
    ("'  '", "标题为空", "写上文章标题"),
    ('"一\\n二"', "标题只能有一行", "把标题写在一行内"),
    ("a**b**", *TITLE_MARKUP),
    ("字" * 121, "标题过长（121 字）", "标题控制在 120 字以内，详细内容写在正文"),
])
def test_title_problems_name_the_title_line(title, message, fix):
    """The title on the fourth line (not the first key): the problem names its own line."""
    assert problems(f"date: 2026-03-14\ntype: news\ntitle: {title}\n") == [(4, message, fix)]


def test_tag_of_20_characters_is_fine_and_a_bad_draft_is_no_draft():
    assert post(GOOD + f"tags: [{'标' * 20}]\n").tags == ("标" * 20,)
    result = load(f"---\n{GOOD}draft: yes\n---\n正文\n")
    assert result.post is None and len(result.problems) == 1


def test_answered_before_the_day_asked():
    assert problems(QUESTION + "question: 问？\nanswered: 2026-03-14 00:00\n", "答。\n") == []
    assert problems(QUESTION + "question: 问？\nanswered: 2026-03-13 23:59\n", "答。\n") == [
        (6, "答复日期早于提问日期", "检查 answered 和 date")]
