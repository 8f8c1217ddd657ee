"""The 联创 keys of a post read on plain text: a question's kind and transfer (转办), a post's
topics, and the columns a system keeps for itself."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post, load_post
from site_builder.core.problems import Problem
from site_builder.core.qa_keys import column_owner, column_title, system_column
from site_builder.core.topics import Topic

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TZ)
ORGS = load_orgs(ORGS_YML.replace("    kind: vertical\n", "    kind: vertical\n    columns: {tax-service: 便民办税}\n", 1))[0]
TOPICS = (Topic("study-2026", "学习", date(2026, 11, 1)), Topic("safety", "安全", date(2026, 1, 1)))
CONFIG = PortalConfig(topics=TOPICS)
SOURCE = "tax/np-jo/2026/q.md"


def load(front: str, body: str = "答复内容。\n", source: str = SOURCE):
    return load_post(source, f"---\ntitle: 问题\ndate: 2026-11-10\n{front}---\n{body}".encode(), ORGS, CONFIG, NOW)


def question(extra: str = "", answered: str = "answered: 2026-11-20\n"):
    return load(f"type: qa\nquestion: 怎么办？\n{answered}{extra}")


def problems(result) -> list[tuple[int, str, str]]:
    assert result.post is None
    return [(p.line, p.message, p.fix) for p in result.problems]


# -- kind ------------------------------------------------------------------------------------

def test_a_question_is_a_question_unless_it_says_suggestion():
    assert question().post.kind == "question"
    assert question("kind: question\n").post.kind == "question"
    assert question("kind: suggestion\n").post.kind == "suggestion"


@pytest.mark.parametrize(("kind", "shown"), [("意见", "意见"), ("Suggestion", "Suggestion"), ("''", ""),
                                             ("[question]", "['question']"), ("{a: b}", "{'a': 'b'}")])
def test_an_unknown_kind(kind, shown):
    assert problems(question(f"kind: {kind}\n")) == [
        (7, f"kind“{shown}”无效", "kind 只能是 question（问题）或 suggestion（意见建议）")]


@pytest.mark.parametrize(("key", "value"), [("kind", "suggestion"), ("transferred_from", "tax/np"),
                                            ("transferred_on", "2026-11-12")])
def test_question_keys_on_another_post(key, value):
    assert problems(load(f"type: news\n{key}: {value}\n")) == [
        (5, f"{key} 只用于有问必答（type: qa）的文章", f"删除 {key} 一行，或把 type 改为 qa")]


def test_every_question_key_on_another_post_is_named():
    result = load("type: news\nkind: question\ntransferred_from: tax/np\ntransferred_on: 2026-11-12\n")
    assert [p.line for p in result.problems] == [5, 6, 7]


# -- transfer (转办) ---------------------------------------------------------------------------

def test_a_transferred_question_names_the_unit_and_the_day():
    post = question("transferred_from: tax/np-wys\ntransferred_on: 2026-11-12\n").post
    assert post.transferred_from == "tax/np-wys"
    assert post.transferred_on == datetime(2026, 11, 12, tzinfo=TZ)


def test_a_question_not_transferred():
    post = question().post
    assert (post.transferred_from, post.transferred_on) == (None, None)


@pytest.mark.parametrize("on", ["2026-11-10", "2026-11-20"])
def test_a_transfer_on_the_day_asked_or_the_day_answered(on):
    post = question(f"transferred_from: tax/np\ntransferred_on: {on}\n").post
    assert post.transferred_on.date().isoformat() == on


def test_a_pending_question_transferred_after_it_was_asked():
    post = question("transferred_from: tax/np\ntransferred_on: 2026-11-24\n", answered="").post
    assert post.transferred_from == "tax/np" and post.answered is None


def test_a_transfer_day_without_the_unit():
    assert problems(question("transferred_on: 2026-11-12\n")) == [
        (7, "写了 transferred_on（转办日期），但缺少 transferred_from（转出单位）",
         "加一行 transferred_from: 系统/单位，例如 tax/np；没有转办就删除 transferred_on")]


def test_a_transfer_day_that_is_not_a_day_without_the_unit():
    assert [line for line, _, _ in problems(question("transferred_on: 明天\n"))] == [7, 7]


def test_a_transfer_unit_without_the_day():
    assert problems(question("transferred_from: tax/np\n")) == [
        (7, "写了 transferred_from（转出单位），但缺少 transferred_on（转办日期）", "加一行 transferred_on: 2026-11-20")]


@pytest.mark.parametrize("unit", ["tax/nowhere", "np", "[tax/np]", "1"])
def test_a_transfer_from_a_unit_not_in_orgs(unit):
    shown = {"[tax/np]": "['tax/np']"}.get(unit, unit)
    assert problems(question(f"transferred_from: {unit}\ntransferred_on: 2026-11-12\n")) == [
        (7, f"转出单位“{shown}”不在 orgs.yml 中", "写成 系统id/单位id，例如 tax/np")]


def test_a_transfer_from_the_answering_unit_itself():
    assert problems(question("transferred_from: tax/np-jo\ntransferred_on: 2026-11-12\n")) == [
        (7, "转出单位就是本单位", "transferred_from 写把问题转来的单位；文章所在文件夹是现在负责答复的单位")]


def test_a_transfer_before_the_question_was_asked():
    assert problems(question("transferred_from: tax/np\ntransferred_on: 2026-11-09\n")) == [
        (8, "转办日期早于提问日期（date）", "date 写最初提问的日期，transferred_on 写转办日期")]


def test_a_transfer_after_the_answer():
    assert problems(question("transferred_from: tax/np\ntransferred_on: 2026-11-21\n")) == [
        (8, "转办日期晚于答复日期（answered）", "检查 transferred_on 和 answered")]


def test_a_transfer_on_a_day_that_is_not_a_day_is_not_recorded():
    result = question("transferred_from: tax/np\ntransferred_on: 2026-11-31\n")
    assert [(p.line, p.message) for p in result.problems] == [(8, "transferred_on“2026-11-31”不是有效日期")]


# -- topics ------------------------------------------------------------------------------------

def test_a_post_joins_known_topics():
    assert load("type: news\ntopics: [safety, study-2026]\n").post.topics == ("safety", "study-2026")
    assert load("type: news\ntopics: safety\n").post.topics == ("safety",)
    assert load("type: news\n").post.topics == ()


def test_an_unknown_topic_is_named_on_the_topics_line():
    assert problems(load("type: news\ntopics: [safety, nope]\n")) == [
        (5, "专题“nope”不存在", "topics 可选：study-2026（学习）、safety（安全）")]


def test_a_topic_problem_names_the_post_file():
    result = load("type: news\ntopics: [nope]\n")
    assert [p.path for p in result.problems] == [SOURCE]


def test_a_topics_value_that_is_not_a_list_is_named_on_its_line():
    assert problems(load("type: news\ntopics: {a: 1}\n")) == [(5, "topics 必须是专题 id 列表", "写成 topics: [study-2026]")]


# -- columns a system keeps for itself ---------------------------------------------------------

def test_a_systems_own_column_is_named_by_that_system_only():
    assert system_column(ORGS, "tax", "tax-service") == "便民办税"
    assert system_column(ORGS, "radio", "tax-service") is None
    assert system_column(ORGS, "tax", "news") is None
    assert system_column(ORGS, "nowhere", "tax-service") is None


def test_the_owner_of_a_column():
    assert column_owner(ORGS, "tax-service") is ORGS.systems["tax"]
    assert column_owner(ORGS, "news") is None


def make(system: str, type_: str) -> Post:
    return Post(source=f"{system}/np/a.md", system=system, unit="np", title="t", date=NOW, type=type_, body="")


def test_column_title_of_a_post():
    config = PortalConfig()
    assert column_title(ORGS, config, make("tax", "tax-service")) == "便民办税"
    assert column_title(ORGS, config, make("tax", "news")) == "工作动态"
    assert column_title(ORGS, config, make("radio", "qa")) == "有问必答"


def test_a_post_in_its_systems_own_column():
    post = load_post("tax/np/2026/a.md", "---\ntitle: 办税\ndate: 2026-11-10\ntype: tax-service\n---\n正文。\n".encode(),
                     ORGS, CONFIG, NOW).post
    assert post is not None and post.type == "tax-service"


def test_a_post_in_another_systems_own_column():
    result = load_post("radio/np/2026/a.md", "---\ntitle: 办税\ndate: 2026-11-10\ntype: tax-service\n---\n正文。\n".encode(),
                       ORGS, CONFIG, NOW)
    assert result.post is None
    assert [(p.line, p.message) for p in result.problems] == [(4, "栏目“tax-service”是税务系统专用的栏目，本单位属于其他系统")]


def test_a_problem_is_a_problem_of_the_post_file():
    result = question("kind: x\n")
    assert result.problems == [Problem(SOURCE, 7, "kind“x”无效", "kind 只能是 question（问题）或 suggestion（意见建议）")]
