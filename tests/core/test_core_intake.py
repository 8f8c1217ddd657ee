"""Questions asked on line, on plain data: `ask.yml` and each of its problems, the issue form's
body read into a question (unit, kind, text, who asked), the title, path and text of the pending
`qa` post, and the CODEOWNERS rows giving `asked/` folders to the administrators."""

from __future__ import annotations

from datetime import datetime

import pytest

from site_builder.core.intake import (
    AskedQuestion,
    AskSettings,
    asked_owner_rows,
    asked_path,
    form_fields,
    load_ask,
    post_text,
    question_title,
    read_issue,
)
from site_builder.core.problems import Problem

SYSTEMS = ("tax", "radio")
ASKED_AT = datetime(2026, 11, 25, 20, 5, 9)
FORM = """### 答复单位

南平市税务局 tax/np

### 类型

意见建议

### 问题内容

发票怎么开？
第二行

### 提问人

张三
"""


# -- ask.yml ---------------------------------------------------------------------------------


def test_ask_yml_reads_admins_and_a_contact_per_system():
    settings, problems = load_ask('admins: ["@portal-admins", "admin@example.org"]\ncontacts:\n'
                                  "  tax: 省税务局机关党委办公室 0591-87000001\n  radio: 12345\n", SYSTEMS)
    assert problems == []
    assert settings == AskSettings(("@portal-admins", "admin@example.org"),
                                   (("tax", "省税务局机关党委办公室 0591-87000001"), ("radio", "12345")))
    assert settings.contact("tax") == "省税务局机关党委办公室 0591-87000001" and settings.contact("edu") is None


def test_one_admin_may_stand_without_a_list_and_an_empty_file_is_no_settings():
    assert load_ask("admins: '@portal-admins'\n", SYSTEMS) == (AskSettings(("@portal-admins",)), [])
    assert load_ask("", SYSTEMS) == (AskSettings(), [])
    assert load_ask("# 注释\n", SYSTEMS) == (AskSettings(), [])


def test_a_yaml_error_names_its_line_with_the_fix():
    settings, problems = load_ask("admins: [\ncontacts: {}\n", SYSTEMS, "a.yml")
    assert settings == AskSettings()
    assert [(p.path, p.line, p.fix) for p in problems] == [("a.yml", 3, "按 YAML 格式修正该行")]
    assert problems[0].message.startswith("YAML 格式错误：")


def test_ask_yml_that_is_not_a_mapping():
    assert load_ask("- a\n", SYSTEMS, "a.yml") == (AskSettings(), [
        Problem("a.yml", 1, "ask.yml 必须是“键: 值”的形式", "写 admins 和 contacts 两项")])


ADMINS = Problem("a.yml", 2, "admins 必须是 @用户名、@组织/团队 或邮箱地址的列表", '写成 admins: ["@portal-admins"]')


@pytest.mark.parametrize("value", ['["@a", "@b c"]', '"@a @b"', "3", '{a: 1}', '["@a\\n@b"]', '"portal-admins"'])
def test_admins_must_each_be_one_handle(value):
    settings, problems = load_ask(f"contacts: {{tax: 电话}}\nadmins: {value}\n", SYSTEMS, "a.yml")
    assert problems == [ADMINS]
    assert settings == AskSettings((), (("tax", "电话"),))


def test_unknown_keys_and_contacts_not_a_mapping():
    settings, problems = load_ask("contacts: [tax]\nadmin: ['@a']\n", SYSTEMS, "a.yml")
    assert settings == AskSettings()
    assert problems == [
        Problem("a.yml", 2, "未知的键“admin”", "只允许 admins（平台管理员）和 contacts（各系统联系方式）"),
        Problem("a.yml", 1, "contacts 必须是“系统id: 联系方式”的映射", "写成 contacts: {tax: 省税务局机关党委办公室 0591-87000001}"),
    ]


def test_contacts_of_unknown_systems_and_contacts_that_are_not_one_line():
    text = ("admins: ['@a']\ncontacts:\n  edu: 教育局\n  tax: [a, b]\n  radio: |\n    第一行\n    第二行\n")
    settings, problems = load_ask(text, SYSTEMS, "a.yml")
    assert settings == AskSettings(("@a",))
    assert problems == [
        Problem("a.yml", 2, "contacts 中的系统“edu”不在 orgs.yml 中", "改用已登记的系统 id：tax、radio"),
        Problem("a.yml", 2, "系统“tax”的联系方式不是一行文字", "写成 系统id: 单位名称 电话 邮箱"),
        Problem("a.yml", 2, "系统“radio”的联系方式不是一行文字", "写成 系统id: 单位名称 电话 邮箱"),
    ]


@pytest.mark.parametrize("value", ['""', '"   "', "", "{a: 1}"])
def test_an_empty_or_non_text_contact_is_refused(value):
    settings, problems = load_ask(f"contacts:\n  tax: {value}\n", SYSTEMS, "a.yml")
    assert settings == AskSettings() and [p.message for p in problems] == ["系统“tax”的联系方式不是一行文字"]


def test_a_contact_with_a_trailing_newline_is_one_line():
    settings, problems = load_ask("contacts:\n  tax: |\n    电话 110\n", SYSTEMS)
    assert (settings.contacts, problems) == ((("tax", "电话 110"),), [])


# -- the issue form ------------------------------------------------------------------------------


def test_form_fields_are_the_sections_under_each_heading():
    body = "前言不算\n###  答复单位  \r\n\r\ntax/np\r\n\r\n#### 不是标题\n### 类型\n### 问题内容\n\n  一\n\n  二  \n"
    assert form_fields(body) == {"答复单位": "tax/np\n\n#### 不是标题", "类型": "", "问题内容": "一\n\n  二"}
    assert form_fields("没有标题") == {} and form_fields("") == {}
    assert form_fields("###x\n### 最后") == {"最后": ""}


def test_an_issue_form_becomes_a_question():
    assert read_issue(FORM) == AskedQuestion("tax/np", "suggestion", "发票怎么开？\n第二行", "张三", [])


@pytest.mark.parametrize("kind, meaning", [("问题", "question"), ("意见建议", "suggestion"), ("意见和建议", "suggestion"),
                                           ("建议", "suggestion"), ("其他", "question"), ("_No response_", "question")])
def test_the_kind_of_question(kind, meaning):
    assert read_issue(FORM.replace("意见建议", kind)).kind == meaning


def test_a_form_without_unit_or_question_lists_both_problems():
    asked = read_issue("### 答复单位\n\n南平\n\n### 问题内容\n\n_No response_\n\n### 提问人\n\n_No response_\n")
    assert asked == AskedQuestion(None, "question", "_No response_", None,
                                  ["没有写答复单位（系统/单位编号，例如 tax/np）", "问题内容是空的"])
    assert read_issue("### 问题内容\n\n无\n").problems[1] == "问题内容是空的"
    assert read_issue("").problems == ["没有写答复单位（系统/单位编号，例如 tax/np）", "问题内容是空的"]


@pytest.mark.parametrize("unit, key", [("tax/np", "tax/np"), ("请 radio/fz-1 答复", "radio/fz-1"),
                                       ("Tax/NP", None), ("tax / np", None), ("tax/", None), ("tax/np_x", None)])
def test_the_unit_is_a_lower_case_system_and_unit_id(unit, key):
    assert read_issue(FORM.replace("南平市税务局 tax/np", unit)).unit == key


def test_who_asked_is_one_line_of_at_most_60_characters():
    assert read_issue(FORM.replace("张三", "张三\n13800000000")).asked_by == "张三 13800000000"
    assert read_issue(FORM.replace("张三", "名" * 70)).asked_by == "名" * 60
    assert read_issue(FORM.replace("张三", "（可不填）")).asked_by is None
    assert read_issue(FORM.replace("张三", "无")).asked_by is None
    assert read_issue(FORM.replace("### 提问人\n\n张三\n", "")).asked_by is None


def test_comments_controls_and_placeholders_are_cleaned_out():
    form = FORM.replace("发票怎么开？", "<!-- 模板说明 -->发\x00票\x1b怎么\t开？<!-- 没有闭合")
    assert read_issue(form).question == "发票怎么\t开？"
    assert read_issue(FORM.replace("发票怎么开？\n第二行", "（请写问题）")).problems == ["问题内容是空的"]
    assert read_issue(FORM.replace("发票怎么开？\n第二行", "（一）发票")).question == "（一）发票"
    assert read_issue(FORM.replace("南平市税务局 tax/np", "<!-- tax/np -->")).unit is None


# -- the pending post ------------------------------------------------------------------------------


@pytest.mark.parametrize("issue_title, question, title", [
    ("[提问] 关于发票", "问", "关于发票"), ("【建议】 改进服务", "问", "改进服务"), ("[问题]x", "问", "x"),
    ("[意见建议] y", "问", "y"), ("  [提问]  ", "发票怎么开？\n第二行\n第三行", "发票怎么开？"),
    ("<b>标题</b> `代码` *强* [链](x) {#id} | \\ & #", "问", "b标题/b 代码 强 链x id"),
    ("", "", "网上提问"), ("[提问]", "<>*", "网上提问"), ("标" * 50, "问", "标" * 40),
    ("[其他] 标题", "问", "[其他] 标题".replace("[", "").replace("]", "")),
    ("a\x00b\x1fc\x7fd", "问", "abcd"),
])
def test_the_title_of_a_question(issue_title, question, title):
    assert question_title(issue_title, question) == title


def test_the_path_of_a_question_is_its_issue_number_or_the_moment_asked():
    assert asked_path("tax/np", ASKED_AT, 12) == "tax/np/asked/2026/issue-12.md"
    assert asked_path("tax/np", ASKED_AT, None) == "tax/np/asked/2026/20261125-200509.md"
    assert asked_path("radio/fz", ASKED_AT, 0) == "radio/fz/asked/2026/20261125-200509.md"


def test_the_pending_post_is_front_matter_only():
    asked = AskedQuestion("tax/np", "suggestion", '发票"怎么"开？\n第二行', "张三")
    assert post_text(asked, "关于发票", ASKED_AT, "https://example.org/issues/12\n<!-- x -->") == (
        '---\ntitle: "关于发票"\ndate: "2026-11-25 20:05"\ntype: qa\nkind: suggestion\n'
        'question: "发票\\"怎么\\"开？\\n第二行"\nasked_by: "张三"\n# 网上提问入库：https://example.org/issues/12\n'
        "# 答复单位答复时：加一行 answered: 答复日期，并在下面的 --- 之后写答复内容\n---\n")
    plain = AskedQuestion("tax/np", "question", "问？")
    assert post_text(plain, "问", ASKED_AT) == (
        '---\ntitle: "问"\ndate: "2026-11-25 20:05"\ntype: qa\nquestion: "问？"\n'
        "# 答复单位答复时：加一行 answered: 答复日期，并在下面的 --- 之后写答复内容\n---\n")
    assert "网上提问入库：a b" in post_text(plain, "问", ASKED_AT, "a\nb")


# -- CODEOWNERS ----------------------------------------------------------------------------------

NOTE = "# 网上提问（asked/ 文件夹）：由平台管理员审核（ask.yml 的 admins），不由被提问单位审核"


@pytest.mark.parametrize("style, base, pattern", [
    ("github", "", "/*/*/asked/"), ("github", "content", "/content/*/*/asked/"), ("gitlab", "", "/*/*/asked/"),
    ("gitea", "", "[^/]+/[^/]+/asked/.*"), ("gitea", "content", "content/[^/]+/[^/]+/asked/.*"),
])
def test_asked_folders_belong_to_the_administrators(style, base, pattern):
    assert asked_owner_rows(style, base, ("@a", "@b")) == ["", NOTE, (pattern, ["@a", "@b"])]


def test_no_administrators_no_rows():
    assert asked_owner_rows("github", "", ()) == []
