"""Front matter of posts: each mistake is one problem with its line and a fix."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import load_post

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ORGS = load_orgs(ORGS_YML)[0]
CONFIG = PortalConfig()


def load(text, source="tax/np-jo/2026/a.md", config=CONFIG):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load_post(source, data, ORGS, config, NOW)


def one_problem(text, **kw):
    result = load(text, **kw)
    assert result.post is None
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_valid_post_fields():
    result = load("---\ntitle: 建瓯主题党日\ndate: 2026-03-14\ntype: news\ncategory: grassroots\n"
                  "tags: [主题党日, no]\nfeatured_by: [tax/np]\n---\n\n正文。\n")
    post = result.post
    assert result.problems == []
    assert post.unit_key == "tax/np-jo" and post.url == "tax/np-jo/2026/a/"
    assert post.date == datetime(2026, 3, 14, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert post.tags == ("主题党日", "no")  # `no` stays text
    assert post.featured_by == ("tax/np",)


def test_identity_changes_with_any_field_and_the_summary():
    text = "---\ntitle: 建瓯主题党日\ndate: 2026-03-14\ntype: news\n---\n\n正文。\n"
    post = load(text).post
    assert post.identity() == load(text).post.identity()
    for changed in (text.replace("主题党日", "主题党课"), text.replace("03-14", "03-15"), text + "再加一句。\n"):
        assert load(changed).post.identity() != post.identity()
    assert load(text, source="tax/np-jo/2026/b.md").post.identity() != post.identity()
    summary = post.identity()
    post.summary = "摘要"
    assert post.identity() != summary
    post.digest = ""  # a post made in code, without a source file: every field counts
    made_in_code = post.identity()
    assert "建瓯主题党日" in made_in_code and "正文。" in made_in_code and "摘要" in made_in_code
    changes = {"title": "别的标题", "date": datetime(2026, 3, 15, tzinfo=ZoneInfo("Asia/Shanghai")), "type": "experience",
               "body": "别的正文。", "category": "center", "tags": ("新标签",), "author": "李四", "summary": "别的摘要",
               "featured_by": ("tax/prov",), "draft": True, "question": "问？", "asked_by": "某支部",
               "answered": datetime(2026, 3, 20, tzinfo=ZoneInfo("Asia/Shanghai")), "body_line": 9}
    for name, value in changes.items():
        before = getattr(post, name)
        setattr(post, name, value)
        assert post.identity() != made_in_code, name
        setattr(post, name, before)
    assert post.identity() == made_in_code


@pytest.mark.parametrize("value", ['"2026-03-14 09:30"', "2026-03-14 09:30", "'2026-03-14'"])
def test_dates_quoted_or_not(value):
    post = load(f"---\ntitle: t\ndate: {value}\ntype: news\n---\nx\n").post
    assert post.date.date().isoformat() == "2026-03-14"


def test_bom_is_accepted():
    assert load("\ufeff---\ntitle: t\ndate: 2026-03-14\ntype: news\n---\nx\n").post is not None


def test_gbk_file_is_named_with_conversion():
    problem = one_problem("---\ntitle: 建瓯市税务局开展主题党日活动\ndate: 2026-03-14\ntype: news\n---\n正文内容很长一些以便识别编码。\n".encode("gbk"))
    assert "不是 UTF-8" in problem.message and "GB" in problem.message
    assert "iconv" in problem.fix


@pytest.mark.parametrize("front, line, words", [
    ("title: t\ndate: 2026-03-14\ntype: news\nslug: ../../x", 5, "只由文件路径决定"),
    ("title: t\ndate: 2026-03-14\ntype: news\ncolour: red", 5, "未知的键"),
    ("title: <b>t</b>\ndate: 2026-03-14\ntype: news", 2, "标记"),
    ("title: ''\ndate: 2026-03-14\ntype: news", 2, "标题为空"),
    ("title: t\ndate: 2026-02-30\ntype: news", 3, "不是有效日期"),
    ("title: t\ndate: 14/03/2026\ntype: news", 3, "不是有效日期"),
    ("title: t\ndate: 2027-01-01\ntype: news", 3, "在未来"),
    ("title: t\ndate: 2026-03-14\ntype: blog", 4, "栏目“blog”不存在"),
    ("title: t\ndate: 2026-03-14\ntype: news\ncategory: sports", 5, "分类“sports”不存在"),
    ("title: t\ndate: 2026-03-14\ntype: news\ntags: 主题党日", 5, "tags 必须是文字列表"),
    ("title: t\ndate: 2026-03-14\ntype: news\ndraft: yes", 5, "draft 只能是"),
    ("title: t\ndate: 2026-03-14\ntype: news\nfeatured_by: [tax/np-wys]", 5, "不是本单位在本系统中的上级单位"),
    # higher level, but not above np-jo: another city of its system, a province of another system
    ("title: t\ndate: 2026-03-14\ntype: news\nfeatured_by: [tax/sm]", 5, "“tax/sm”不是本单位在本系统中的上级单位"),
    ("title: t\ndate: 2026-03-14\ntype: news\nfeatured_by: [radio/prov]", 5, "“radio/prov”不是本单位在本系统中的上级单位"),
    ("title: t\ndate: 2026-03-14\ntype: news\nfeatured_by: [tax/nowhere]", 5, "不存在"),
    ("title: t\ndate: 2026-03-14\ntype: news\nquestion: 为什么", 5, "只用于有问必答"),
    ("title: t\ndate: 2026-03-14\ntype: qa", 2, "缺少 question"),
    ("title: t: x\ndate: 2026-03-14\ntype: news", 2, "冒号"),
    ("date: 2026-03-14\ntype: news", 2, "缺少 title"),
])
def test_each_mistake_is_one_problem(front, line, words):
    problem = one_problem(f"---\n{front}\n---\n正文\n")
    assert words in problem.message
    assert problem.line == line
    assert problem.fix


def test_answered_question_needs_a_body():
    problem = one_problem("---\ntitle: 问\ndate: 2026-03-14\ntype: qa\nquestion: 怎么办？\nanswered: 2026-03-16\n---\n\n")
    assert problem.line == 6 and "正文" in problem.message


def test_pending_question_may_be_empty():
    post = load("---\ntitle: 问\ndate: 2026-03-14\ntype: qa\nquestion: 怎么办？\nasked_by: 某支部\n---\n").post
    assert post.pending and post.asked_by == "某支部"


def test_unknown_unit_folder():
    problem = one_problem("---\ntitle: t\ndate: 2026-03-14\ntype: news\n---\nx\n", source="tax/xx/a.md")
    assert "不在 orgs.yml" in problem.message


def test_empty_and_oversized_files():
    assert "空的" in one_problem("  \n").message
    big = PortalConfig(max_post_bytes=100)
    assert "过大" in one_problem("---\ntitle: t\ndate: 2026-03-14\ntype: news\n---\n" + "字" * 200, config=big).message


def test_configured_column_is_accepted():
    config = PortalConfig(columns={**CONFIG.columns, "policy": "政策解读"})
    assert load("---\ntitle: t\ndate: 2026-03-14\ntype: policy\n---\nx\n", config=config).post.type == "policy"
