"""What the home page's blocks list, on plain post records (newest first, as the loader sorts)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal_factory import ORGS_YML
from site_builder.config import DEFAULT_COLUMNS
from site_builder.core.home import home_facts
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post

TZ = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML)[0]


def make(name: str, unit: str, day: int, type_: str = "news", **fields) -> Post:
    system, unit_id = unit.split("/")
    return Post(source=f"{unit}/{name}.md", system=system, unit=unit_id, title=name,
                date=datetime(2026, 3, 1, tzinfo=TZ) + timedelta(days=day), type=type_, body="正文", **fields)


def facts(posts, columns=DEFAULT_COLUMNS):
    return home_facts(sorted(posts, key=Post.sort_key), ORGS, columns)


def names(posts) -> list[str]:
    return [p.title for p in posts]


def test_each_column_keeps_its_six_newest_posts():
    posts = [make(f"n{d}", "tax/np", d) for d in range(1, 9)] + [make("e1", "tax/np-jo", 3, "experience")]
    by_column = facts(posts)["by_column"]
    assert {c: names(p) for c, p in by_column.items()} == {
        "news": ["n8", "n7", "n6", "n5", "n4", "n3"], "experience": ["e1"], "qa": []}


def test_columns_follow_the_configuration_and_other_types_are_left_out():
    posts = [make("p1", "tax/np", 1, "policy"), make("p2", "tax/np", 2, "project"), make("p3", "tax/np", 3)]
    by_column = facts(posts, {"policy": "政策解读", "news": "工作动态"})["by_column"]
    assert list(by_column) == ["policy", "news"]
    assert {c: names(p) for c, p in by_column.items()} == {"policy": ["p1"], "news": ["p3"]}


def test_each_level_keeps_its_five_newest_posts_from_every_system():
    posts = ([make(f"c{d}", "tax/np-jo" if d % 2 else "radio/np-jo", d) for d in range(1, 8)]
             + [make("city", "radio/np", 2, "experience"), make("prov", "tax/prov", 1, "qa", question="问？")])
    by_level = facts(posts)["by_level"]
    assert list(by_level) == ["province", "city", "county"]
    assert {level: names(p) for level, p in by_level.items()} == {
        "province": ["prov"], "city": ["city"], "county": ["c7", "c6", "c5", "c4", "c3"]}


def test_posts_of_units_not_in_the_registry_are_in_no_level():
    by_level = facts([make("gone", "tax/gone", 2), make("here", "tax/np", 1)])["by_level"]
    assert {level: names(p) for level, p in by_level.items()} == {"province": [], "city": ["here"], "county": []}


def test_pending_questions_longest_waiting_first():
    posts = [make("q5", "tax/np", 5, "qa"), make("q2", "tax/np", 2, "qa"), make("a2", "tax/np", 2, "qa"),
             make("answered", "tax/np", 1, "qa", answered=datetime(2026, 3, 4, tzinfo=TZ)),
             make("news", "tax/np", 0)]
    assert names(facts(posts)["pending_questions"]) == ["a2", "q2", "q5"]


def test_the_two_newest_answers_newest_answer_first():
    def answered(name, asked, on, unit="tax/np"):
        return make(name, unit, asked, "qa", answered=datetime(2026, 4, on, tzinfo=TZ))

    posts = [answered("old-question-new-answer", 1, 20), answered("new-question-old-answer", 9, 10),
             answered("b-same", 5, 15, "tax/np-jo"), answered("a-same", 6, 15, "tax/np-jo"), make("pending", "tax/np", 3, "qa")]
    assert names(facts(posts)["answered_questions"]) == ["old-question-new-answer", "a-same"]
    assert names(facts(posts[1:])["answered_questions"]) == ["a-same", "b-same"]


def test_adopted_posts_newest_first_six_at_most():
    posts = [make(f"a{d}", "tax/np-jo", d, featured_by=("tax/np",)) for d in range(1, 9)] + [make("plain", "tax/np", 20)]
    assert names(facts(posts)["adopted"]) == ["a8", "a7", "a6", "a5", "a4", "a3"]


def test_no_posts_gives_empty_blocks():
    assert facts([]) == {"by_column": {"news": [], "experience": [], "qa": []},
                         "by_level": {"province": [], "city": [], "county": []},
                         "pending_questions": [], "answered_questions": [], "adopted": []}
