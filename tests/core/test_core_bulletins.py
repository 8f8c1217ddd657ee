"""Closed bulletins (通报存档) on plain data: periods, closing a quarter into its file (figures,
ranks, issue number, the posts and answers counted), refusals, reading the archive back with
every fault named, and the warning for a post back-dated into a closed period. The figures are
counted by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.bulletins import (
    BulletinRefused,
    ClosedBulletin,
    bulletin_text,
    close_period,
    late_posts,
    level_order,
    load_bulletins,
    next_number,
    ordered_columns,
    parse_period,
)
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post

TZ = ZoneInfo("Asia/Shanghai")
ORGS = load_orgs(ORGS_YML)[0]
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=TZ)
CONFIG = PortalConfig(columns={"policy": "政策解读", "news": "工作动态", "experience": "经验交流", "qa": "有问必答"})
REGENERATE = "该文件应由 portal bulletin --close 生成，数字不要手工修改；如已损坏，请从 git 历史中恢复"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def post(unit: str, day: str, type_: str = "news", name: str = "a", **fields) -> Post:
    system, unit_id = unit.split("/")
    return Post(source=f"{unit}/{name}.md", system=system, unit=unit_id, title="文", date=at(day), type=type_,
                body="正文", **fields)


def bulletin(period: str = "2026-11", number: int = 1, issued: str = "2026-12-02", start: str = "2026-11-01",
             end: str = "2026-11-30", counted=(), answers=()) -> ClosedBulletin:
    return ClosedBulletin(f"bulletins/{period}.yml", period, period, number, issued, start, end,
                          counted=frozenset(counted), answers=frozenset(answers))


# -- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, kind, name, start, end", [
    ("2026-11", "月度", "2026年11月", date(2026, 11, 1), date(2026, 12, 1)),
    ("2026-01", "月度", "2026年1月", date(2026, 1, 1), date(2026, 2, 1)),
    ("2026-12", "月度", "2026年12月", date(2026, 12, 1), date(2027, 1, 1)),
    ("2026-Q1", "季度", "2026年第一季度", date(2026, 1, 1), date(2026, 4, 1)),
    ("2026-Q2", "季度", "2026年第二季度", date(2026, 4, 1), date(2026, 7, 1)),
    ("2026-Q3", "季度", "2026年第三季度", date(2026, 7, 1), date(2026, 10, 1)),
    ("2026-Q4", "季度", "2026年第四季度", date(2026, 10, 1), date(2027, 1, 1)),
    ("2026", "年度", "2026年", date(2026, 1, 1), date(2027, 1, 1)),
])
def test_a_period_names_its_days(text, kind, name, start, end):
    period = parse_period(text)
    assert period is not None
    assert (period.key, period.label, period.name, period.start, period.end) == (text, kind, name, start, end)


@pytest.mark.parametrize("text", ["2026-00", "2026-13", "2026-Q0", "2026-Q5", "2026-1", "26", "2026-11-01",
                                  "2026Q3", "2026-q3", " 2026", "2026-11 ", "2026-11\n", "", None])
def test_a_malformed_period_names_none(text):
    assert parse_period(text) is None


# -- closing a period ------------------------------------------------------------------------

POSTS = [
    post("tax/np-jo", "2026-07-01", name="first-day", featured_by=("tax/np",)),  # Q3's first day, adopted by a city
    post("tax/np-jo", "2026-09-30", "experience", name="last-day"),  # Q3's last day
    post("tax/np-jo", "2026-10-01", name="after"),
    post("tax/np-jo", "2026-06-30", name="before"),
    post("tax/np", "2026-09-10", "qa", name="q-sep", question="问？", answered=at("2026-09-11")),
    post("radio/np", "2026-06-29", "qa", name="q-jun", question="问？", answered=at("2026-07-01")),
    post("tax/prov", "2026-08-01", name="draft", draft=True),
    post("tax/sm", "2026-08-15", "policy", name="policy"),
]


def closed_q3(bulletins=()) -> tuple[str, str]:
    return close_period("2026-Q3", ORGS, POSTS, CONFIG, NOW, list(bulletins))


def test_closing_a_quarter_writes_its_file_with_figures_and_ranks():
    path, text = closed_q3()
    assert path == "bulletins/2026-Q3.yml"
    lines = text.split("\n")
    assert lines[0] == "# 信息工作通报 2026年第1期（2026年第三季度）：由 portal bulletin --close 2026-Q3 生成。"
    assert lines[4:12] == ['period: "2026-Q3"', 'name: "2026年第三季度"', "number: 1", 'issued: "2026-11-25"',
                           'start: "2026-07-01"', 'end: "2026-09-30"', 'comment: ""',
                           'columns: {news: "工作动态", experience: "经验交流", qa: "有问必答", policy: "政策解读"}']
    (closed,), problems = load_bulletins({path: text.encode("utf-8")})
    assert problems == []
    assert (closed.title, closed.start, closed.end, closed.comment) == (
        "2026年第1期（2026年第三季度）", "2026-07-01", "2026-09-30", "")
    rows = {f"{r['system']}/{r['unit']}": r for r in closed.units}
    assert list(rows) == ["tax/prov", "tax/np", "tax/np-jo", "tax/np-wys", "tax/sm", "tax/sm-yx", "radio/prov",
                          "radio/np", "radio/np-jo"]
    figures = ("news", "experience", "qa", "policy", "posts", "written", "adopted", "adopted_by_province",
               "adopted_by_city", "answered", "answered_late", "median_answer_days", "overdue", "score",
               "rank_in_level", "rank_in_system")
    # tax/np-jo: news 1 + experience 2 + one adoption by a city unit 2 = 5, first of the counties and of tax
    assert [rows["tax/np-jo"][k] for k in figures] == [1, 1, 0, 0, 2, 2, 1, 0, 1, 0, 0, None, 0, 5, 1, 1]
    # tax/np: the question asked of it (its qa column) answered next day: 1 point; among cities it ties
    # radio/np on score, written, adopted and answered, and comes first in registry order
    assert [rows["tax/np"][k] for k in figures] == [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 2]
    # radio/np: asked in June, answered on 1 July: the answer counts in Q3, the question does not
    assert [rows["radio/np"][k] for k in figures] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 2, 1]
    # tax/sm: a policy post (no weight: 0 points), written 1: third city, third in tax
    assert [rows["tax/sm"][k] for k in figures] == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, None, 0, 0, 3, 3]
    assert (rows["tax/prov"]["rank_in_level"], rows["tax/prov"]["rank_in_system"], rows["tax/prov"]["posts"]) == (1, 4, 0)
    assert {k: rows["tax/np"][k] for k in ("name", "system_name", "level")} == {
        "name": "南平市税务局", "system_name": "税务系统", "level": "city"}
    assert closed.silent == ["tax/prov", "tax/np-wys", "tax/sm-yx", "radio/prov", "radio/np-jo"]
    assert sorted(closed.counted) == ["tax/np-jo/first-day.md", "tax/np-jo/last-day.md", "tax/np/q-sep.md",
                                      "tax/sm/policy.md"]
    assert sorted(closed.answers) == ["radio/np/q-jun.md", "tax/np/q-sep.md"]


def test_the_issue_number_counts_per_year_of_issue():
    earlier = [bulletin("2026-09", 3, "2026-10-08"), bulletin("2025-12", 7, "2026-01-05"),
               bulletin("2025-11", 9, "2025-12-03")]
    # issued in 2026: numbers 3 and 7 so far → 8; a bulletin of 2025 does not count
    assert next_number(earlier, date(2026, 11, 25)) == 8
    assert next_number(earlier, date(2027, 1, 4)) == 1
    assert next_number([], date(2026, 11, 25)) == 1
    _, text = closed_q3(earlier)
    assert "\nnumber: 8\n" in text and text.startswith("# 信息工作通报 2026年第8期（2026年第三季度）")


def test_closing_twice_is_refused_and_names_the_issued_bulletin():
    issued = bulletin("2026-Q3", 2, "2026-10-09", "2026-07-01", "2026-09-30")
    with pytest.raises(BulletinRefused) as refused:
        closed_q3([bulletin("2026-08", 1, "2026-09-02"), issued])
    assert str(refused.value) == ("2026年第三季度的通报已经发布（2026年第2期（2026-Q3），2026-10-09，文件 bulletins/2026-Q3.yml），"
                                  "不能重复发布。已发布的通报不再改动；需要补充说明的，请写在下一期通报的 comment 中")


@pytest.mark.parametrize("now, closes", [("2026-09-30 23:59", False), ("2026-10-01 00:00", True)])
def test_a_period_closes_from_the_day_after_its_last_day(now, closes):
    if closes:
        assert close_period("2026-Q3", ORGS, POSTS, CONFIG, at(now), [])[0] == "bulletins/2026-Q3.yml"
        return
    with pytest.raises(BulletinRefused) as refused:
        close_period("2026-Q3", ORGS, POSTS, CONFIG, at(now), [])
    assert str(refused.value) == "2026年第三季度还没有结束（到 2026-09-30 为止），不能发布该期通报。请在 2026-10-01 或以后再运行"


@pytest.mark.parametrize("text", ["2026-13", "Q3", ""])
def test_a_malformed_period_is_refused(text):
    with pytest.raises(BulletinRefused) as refused:
        close_period(text, ORGS, POSTS, CONFIG, NOW, [])
    assert str(refused.value) == f"统计期“{text}”写法不对。请写成 2026-11（月）、2026-Q3（季度）或 2026（年）"


def test_a_year_closes_with_every_post_of_the_year():
    _, text = close_period("2026", ORGS, POSTS, CONFIG, at("2027-01-04 09:00"), [])
    (closed,), problems = load_bulletins({"bulletins/2026.yml": text.encode("utf-8")})
    assert problems == [] and (closed.number, closed.issued, closed.start, closed.end) == (
        1, "2027-01-04", "2026-01-01", "2026-12-31")
    assert closed.title == "2027年第1期（2026年）"
    assert len(closed.counted) == 7 and "tax/prov/draft.md" not in closed.counted


def test_columns_in_row_order_news_experience_qa_then_the_configured_ones():
    assert ordered_columns(CONFIG) == ["news", "experience", "qa", "policy"]
    config = PortalConfig(columns={"policy": "政策", "qa": "问答", "case": "案例"})
    assert ordered_columns(config) == ["qa", "policy", "case"]


def test_bulletin_text_writes_values_yaml_reads_back():
    record = {"period": "2026-11", "name": "2026年11月", "number": 2, "issued": "2026-12-02", "start": "2026-11-01",
              "end": "2026-11-30", "columns": {"news": "工作动态"},
              "units": [{"system": "tax", "unit": "np", "name": "南平市\"税务\"局", "news": 3, "score": 4.5,
                         "whole": 6.0, "median_answer_days": None, "flag": True, "off": False}],
              "silent": [], "counted": ["tax/np/a.md", "tax/np/b.md"], "answers": []}
    text = bulletin_text(record)
    assert text.split("\n")[12:19] == [
        "units:",
        '  - {system: "tax", unit: "np", name: "南平市\\"税务\\"局", news: 3, score: 4.5, whole: 6, '
        "median_answer_days: null, flag: true, off: false}",
        "silent: []", "counted:", '  - "tax/np/a.md"', '  - "tax/np/b.md"', "answers: []"]
    assert text.endswith("answers: []\n")
    assert text.split("\n")[:4] == [
        "# 信息工作通报 2026年第2期（2026年11月）：由 portal bulletin --close 2026-11 生成。",
        "# 数字是发布时的统计结果，请勿修改；可以填写 comment（表扬、通报批评等，Markdown 格式），例如：",
        "#   comment: |", "#     **表扬**：建瓯市税务局本季度稿件质量高、答复及时。"]


# -- reading the archive ---------------------------------------------------------------------

GOOD = """\
period: "2026-11"
name: "2026年11月"
number: 1
issued: "2026-12-02"
start: "2026-11-01"
end: "2026-11-30"
comment: ""
columns: {news: "工作动态"}
units:
  - {system: "tax", unit: "np", name: "南平市税务局", system_name: "税务系统", level: "city", news: 1}
silent: []
counted:
  - "tax/np/a.md"
answers: []
"""


def read(text: str, name: str = "bulletins/2026-11.yml"):
    return load_bulletins({name: text.encode("utf-8")})


def test_a_closed_bulletin_reads_back_as_written():
    (closed,), problems = read(GOOD.replace('comment: ""', "comment: |\n  **表扬**：南平市税务局。"))
    assert problems == []
    assert (closed.source, closed.period, closed.name, closed.number, closed.issued, closed.start, closed.end) == (
        "bulletins/2026-11.yml", "2026-11", "2026年11月", 1, "2026-12-02", "2026-11-01", "2026-11-30")
    assert closed.comment == "**表扬**：南平市税务局。\n"
    assert closed.columns == {"news": "工作动态"} and closed.units[0]["news"] == 1
    assert (closed.silent, closed.counted, closed.answers) == ([], frozenset({"tax/np/a.md"}), frozenset())


def test_optional_lists_and_comment_may_be_empty():
    text = GOOD.replace('comment: ""', "comment:").replace("silent: []", "silent:")
    text = text.replace('counted:\n  - "tax/np/a.md"', "counted: []").replace("answers: []", "")
    (closed,), problems = read(text)
    assert problems == []
    assert (closed.comment, closed.silent, closed.counted, closed.answers) == ("", [], frozenset(), frozenset())


def test_the_archive_is_newest_issue_first():
    files = {"bulletins/2026-09.yml": ("2026-09", 3, "2026-10-08"), "bulletins/2026-Q3.yml": ("2026-Q3", 4, "2026-10-09"),
             "bulletins/2025-12.yml": ("2025-12", 1, "2026-01-05"), "bulletins/2025-11.yml": ("2025-11", 12, "2025-12-03"),
             "bulletins/2026-10.yml": ("2026-10", 5, "2026-11-03")}
    registers = {"honours.yml": b"- x"}
    for name, (period, number, issued) in files.items():
        text = GOOD.replace('"2026-11"', f'"{period}"').replace("number: 1", f"number: {number}")
        registers[name] = text.replace('issued: "2026-12-02"', f'issued: "{issued}"').encode("utf-8")
    found, problems = load_bulletins(registers)
    assert problems == []
    # issue year 2026: numbers 5, 4, 3, 1; then 2025's number 12
    assert [b.period for b in found] == ["2026-10", "2026-Q3", "2026-09", "2025-12", "2025-11"]


def test_two_issues_with_the_same_number_list_the_later_issued_first():
    registers = {}
    for period, issued in (("2026-09", "2026-10-08"), ("2026-10", "2026-11-03"), ("2026-08", "2026-09-01")):
        text = GOOD.replace('"2026-11"', f'"{period}"').replace('issued: "2026-12-02"', f'issued: "{issued}"')
        registers[f"bulletins/{period}.yml"] = text.encode("utf-8")
    found, problems = load_bulletins(registers)
    assert problems == [] and [b.period for b in found] == ["2026-10", "2026-09", "2026-08"]


@pytest.mark.parametrize("text, line, message", [
    ("- 2026-11\n", 1, "通报文件的内容不是“键: 值”的形式"),
    ("", 1, "通报文件的内容不是“键: 值”的形式"),
    (GOOD.replace("number: 1", "number: 0"), 3, "number（期号）必须是正整数"),
    (GOOD.replace("number: 1", "number: -2"), 3, "number（期号）必须是正整数"),
    (GOOD.replace("number: 1", 'number: "1"'), 3, "number（期号）必须是正整数"),
    (GOOD.replace("number: 1", "number: true"), 3, "number（期号）必须是正整数"),
    (GOOD.replace("number: 1\n", ""), 1, "number（期号）必须是正整数"),
    (GOOD.replace('issued: "2026-12-02"', 'issued: "2026-12-2"'), 4, "issued 必须是 YYYY-MM-DD 格式的日期"),
    (GOOD.replace('issued: "2026-12-02"', 'issued: "20261202"'), 4, "issued 必须是 YYYY-MM-DD 格式的日期"),
    (GOOD.replace('issued: "2026-12-02"', 'issued: "2026-W49-3"'), 4, "issued 必须是 YYYY-MM-DD 格式的日期"),
    (GOOD.replace('issued: "2026-12-02"', 'issued: "2026-02-30"'), 4, "issued 必须是 YYYY-MM-DD 格式的日期"),
    (GOOD.replace('issued: "2026-12-02"', "issued: 20261202"), 4, "issued 必须是 YYYY-MM-DD 格式的日期"),
    (GOOD.replace('start: "2026-11-01"', 'start: "2026-11-01 08:00"'), 5, "start 必须是 YYYY-MM-DD 格式的日期"),
    (GOOD.replace('end: "2026-11-30"', 'end: "2026/11/30"'), 6, "end 必须是 YYYY-MM-DD 格式的日期"),
    (GOOD.replace('columns: {news: "工作动态"}', "columns: [news]"), 9, "columns 或 units 缺失或格式不对"),
    (GOOD.replace('units:\n  - {system: "tax", unit: "np", name: "南平市税务局", system_name: "税务系统", level: "city", news: 1}',
                  "units: {}"), 9, "columns 或 units 缺失或格式不对"),
    (GOOD.replace(', level: "city"', ""), 9, "columns 或 units 缺失或格式不对"),
    (GOOD.replace('system: "tax", ', ""), 9, "columns 或 units 缺失或格式不对"),
    (GOOD.replace('  - {system: "tax"', '  - "tax/np"\n  - {system: "tax"'), 9, "columns 或 units 缺失或格式不对"),
    (GOOD.replace("silent: []", "silent: tax/np"), 11, "silent 必须是文字列表"),
    (GOOD.replace('  - "tax/np/a.md"', "  - 3"), 12, "counted 必须是文字列表"),
    (GOOD.replace("answers: []", "answers: [tax/np/a.md, [x]]"), 14, "answers 必须是文字列表"),
])
def test_a_damaged_file_is_named_with_its_line(text, line, message):
    found, problems = read(text)
    assert found == []
    assert [(p.path, p.line, p.message, p.fix) for p in problems] == [("bulletins/2026-11.yml", line, message, REGENERATE)]


def test_an_unknown_key_is_named_and_only_comment_is_editable():
    found, problems = read(GOOD + "editor: 张三\n")
    assert found == []
    assert [(p.line, p.message, p.fix) for p in problems] == [
        (15, "通报文件中有未知的键“editor”", f"删除它；可以编辑的只有 comment。{REGENERATE}")]


def test_a_comment_that_is_not_text_is_named():
    found, problems = read(GOOD.replace('comment: ""', "comment: [表扬]"))
    assert found == []
    assert [(p.line, p.message, p.fix) for p in problems] == [
        (7, "comment 必须是一段文字（Markdown）", "写成 comment: | 然后在下一行起缩进两个空格书写")]


@pytest.mark.parametrize("name, period", [("bulletins/2026-10.yml", "2026-11"), ("bulletins/latest.yml", "latest"),
                                          ("bulletins/2026-13.yml", "2026-13")])
def test_the_period_must_match_the_file_name(name, period):
    found, problems = read(GOOD.replace('period: "2026-11"', f'period: "{period}"'), name)
    stem = name[len("bulletins/"):-len(".yml")]
    assert found == []
    assert [(p.path, p.line, p.message, p.fix) for p in problems] == [
        (name, 1, f"period“{period}”与文件名“{stem}”不一致", f"文件名应为 <统计期>.yml，period 写同一个统计期。{REGENERATE}")]


def test_a_yaml_error_names_its_line_and_how_to_write_comment():
    found, problems = read(GOOD.replace('comment: ""', "comment: 表扬: 南平"))
    assert found == []
    assert [(p.line, p.fix) for p in problems] == [(7, "修正该行的 YAML 写法；comment 含冒号等符号时用 “comment: |” 换行书写")]


# -- posts that came too late ---------------------------------------------------------------


def test_a_post_back_dated_into_a_closed_period_is_a_warning():
    november = bulletin(counted={"tax/np/counted.md", "tax/np/q.md"}, answers={"tax/np/q.md"})
    posts = [post("tax/np", "2026-11-01", name="counted"), post("tax/np", "2026-11-30", name="late-last-day"),
             post("tax/np", "2026-11-01", name="late-first-day"), post("tax/np", "2026-12-01", name="december"),
             post("tax/np", "2026-10-31", name="october"), post("tax/np", "2026-11-10", name="draft", draft=True),
             post("tax/np", "2026-11-03", "qa", name="q", question="问？", answered=at("2026-11-05")),
             post("radio/np", "2026-10-28", "qa", name="q-late", question="问？", answered=at("2026-11-02")),
             post("radio/np", "2026-11-20", "qa", name="q-open", question="问？")]
    warnings = late_posts([november], posts)
    fix = ("如果日期写错了，请改正 date/answered；确是补报的稿件可以保留（网站的实时统计会计入它），"
           "并在下一期通报的 comment 中说明")
    tail = "在已发布的信息工作通报 2026年第1期（2026-11）（bulletins/2026-11.yml）的统计期内，但该期通报发布时没有计入这篇文章；已发布通报的数字不会改变"
    assert [(w.path, w.line, w.message, w.fix) for w in warnings] == [
        ("tax/np/late-last-day.md", 0, f"文章日期 2026-11-30{tail}", fix),
        ("tax/np/late-first-day.md", 0, f"文章日期 2026-11-01{tail}", fix),
        ("radio/np/q-late.md", 0, f"答复日期 2026-11-02{tail}", fix),
        ("radio/np/q-open.md", 0, f"文章日期 2026-11-20{tail}", fix),
    ]
    assert late_posts([], posts) == []


def test_a_bulletin_holds_its_first_and_last_day():
    november = bulletin()
    assert november.holds(date(2026, 11, 1)) and november.holds(date(2026, 11, 30))
    assert not november.holds(date(2026, 10, 31)) and not november.holds(date(2026, 12, 1))


def test_rows_sort_province_first_and_unknown_levels_last():
    rows = [{"level": "county"}, {"level": "town"}, {"level": "province"}, {"level": "city"}]
    assert [r["level"] for r in sorted(rows, key=level_order)] == ["province", "city", "county", "town"]
    assert [level_order(r) for r in rows] == [2, 3, 0, 1]
