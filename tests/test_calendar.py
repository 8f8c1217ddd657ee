"""The working-day calendar (content/calendar.yml): counts against hand counts across a
holiday and a 调休 Saturday, its problems in `portal check`, and its use on the built site
(Q&A pages, unit figures, bulletin CSV) and in warm rebuilds."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html
from test_incremental import differences

from portal_factory import PortalTree, build
from site_builder.cli import main
from site_builder.config import PortalConfig
from site_builder.core.calendar import PLAIN_WEEK, load_calendar
from site_builder.core.posts import Post
from site_builder.core.qa import answer_due, days_waiting, is_overdue, qa_figures

TZ = ZoneInfo("Asia/Shanghai")
REPO = Path(__file__).resolve().parent.parent

# The State Council's 2026 National Day arrangement: 10-01..10-07 off, Sunday 09-20 and
# Saturday 10-10 working days (as in the sample content/calendar.yml).
NATIONAL_DAY = """\
holidays:
  - "2026-09-25..2026-09-27"   # 中秋节
  - "2026-10-01..2026-10-07"   # 国庆节
workdays: ["2026-09-20", "2026-10-10"]
"""


def calendar(text: str = NATIONAL_DAY):
    found, problems = load_calendar(text)
    assert problems == []
    return found


def asked(day: str, answered: str | None = None) -> Post:
    moment = datetime.fromisoformat(day).replace(tzinfo=TZ)
    post = Post(source=f"tax/np/{day}.md", system="tax", unit="np", title="问", date=moment, type="qa",
                body="答" if answered else "", question="问？")
    if answered:
        post.answered = datetime.fromisoformat(answered).replace(tzinfo=TZ)
    return post


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=18, tzinfo=TZ)


def test_waiting_days_across_national_day_match_hand_counts():
    cal = calendar()
    question = asked("2026-09-29")  # a Tuesday
    # Hand count after 09-29: Wed 09-30 (1); 10-01..10-07 off; Thu 10-08 (2), Fri 10-09 (3),
    # Sat 10-10 调休 (4), Sun 10-11 off, Mon 10-12 (5), Tue 10-13 (6).
    expected = {"2026-09-30": 1, "2026-10-07": 1, "2026-10-08": 2, "2026-10-09": 3, "2026-10-10": 4,
                "2026-10-11": 4, "2026-10-12": 5, "2026-10-13": 6}
    for day, count in expected.items():
        assert days_waiting(question, at(day), cal) == count, day
    # Monday to Friday alone would count 10-01..10-09 as working days: 9 by 10-12.
    assert days_waiting(question, at("2026-10-12"), PLAIN_WEEK) == 9
    # the 5-day limit is passed on 10-13, not on 10-06 as a plain week would have it
    assert not is_overdue(question, at("2026-10-12"), 5, cal)
    assert is_overdue(question, at("2026-10-13"), 5, cal)
    assert is_overdue(question, at("2026-10-07"), 5, PLAIN_WEEK)
    assert answer_due(question, 5, cal) == date(2026, 10, 12)


def test_a_working_sunday_before_the_holiday_counts():
    cal = calendar()
    question = asked("2026-09-18")  # a Friday
    # Sat 09-19 off, Sun 09-20 调休 (1), Mon 09-21 (2) … Thu 09-24 (5), 09-25..09-27 中秋 off, Mon 09-28 (6)
    assert days_waiting(question, at("2026-09-20"), cal) == 1
    assert days_waiting(question, at("2026-09-24"), cal) == 5
    assert days_waiting(question, at("2026-09-28"), cal) == 6
    assert days_waiting(question, at("2026-09-28"), PLAIN_WEEK) == 6  # 09-25 counted, 09-20 not: the same sum


def test_figures_count_overdue_by_the_calendar():
    cal = calendar()
    questions = [asked("2026-09-29"), asked("2026-09-30"), asked("2026-09-21", "2026-09-23")]
    figures = qa_figures(questions, at("2026-10-13"), 5, cal)
    # 09-29: 6 days waited → overdue; 09-30: 5 → not yet
    assert (figures.answered, figures.pending, figures.overdue) == (1, 2, 1)
    assert qa_figures(questions, at("2026-10-13"), 5).overdue == 2  # Monday to Friday only


def test_sample_calendar_is_the_published_2026_arrangement():
    cal, problems = load_calendar((REPO / "content" / "calendar.yml").read_text(encoding="utf-8"))
    assert problems == []
    assert [d.isoformat() for d in cal.workdays] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                                     "2026-09-20", "2026-10-10"]
    assert all(d.weekday() >= 5 for d in cal.workdays)
    assert len(cal.holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    # 春节: asked Fri 02-13, Sat 02-14 调休 (1), 02-15..02-23 off, Tue 02-24 (2)
    assert cal.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


BAD = """\
holidays:
  - "2026-10-01..2026-10-07"
  - "2026-10-05..2026-10-08"
  - "2026-13-01"
  - "2026-05-05..2026-05-01"
workdays:
  - "2026-10-10"
  - "2026-10-03"
  - "2026-10-12"
  - "2026-10-17..2026-10-18"
extra: 1
"""


def test_bad_dates_and_overlaps_are_named_with_their_line():
    found, problems = load_calendar(BAD, "calendar.yml")
    by_line = {p.line: p for p in problems}
    assert "有重叠" in by_line[3].message and "第 2 行" in by_line[3].message and by_line[3].fix
    assert "不是有效日期" in by_line[4].message
    assert "结束日期早于开始日期" in by_line[5].message
    assert "同时写在 holidays" in by_line[8].message
    assert "星期一" in by_line[9].message and "本来就是工作日" in by_line[9].message
    assert "逐日列出" in by_line[10].message
    assert "未知的键" in by_line[11].message
    assert len(problems) == 7
    assert all(p.path == "calendar.yml" and p.fix for p in problems)
    # what is right is kept: the valid holidays count, the valid 调休 Saturday too
    assert date(2026, 10, 1) in found.holidays and found.workdays == (date(2026, 10, 10),)


def test_portal_check_names_calendar_problems(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    tree.write("calendar.yml", 'holidays: ["2026-10-01..2026-10-07", "2026-10-07"]\nworkdays: ["2026-02-30"]\n')
    code = main(["check", "--content", str(tree.content)])
    out = capsys.readouterr().out
    assert code == 1
    lines = [line for line in out.splitlines() if "calendar.yml" in line]
    assert any(":1:" in line and "有重叠" in line and "修改方法" in line for line in lines)
    assert any(":2:" in line and "不是有效日期" in line for line in lines)


# -- the built site --------------------------------------------------------------------------

# The build's reference time is 2026-11-25 20:00 in Shanghai (a Wednesday). This fixture calendar
# makes Thu 11-19 and Fri 11-20 days off and Saturday 11-21 a working day.
FIXTURE_CALENDAR = 'holidays: ["2026-11-19..2026-11-20"]\nworkdays: ["2026-11-21"]\n'


def qa_tree(root: Path) -> PortalTree:
    tree = PortalTree(root)
    # asked Tue 11-17: 11-18 (1), 11-21 调休 (2), 11-23 (3), 11-24 (4), 11-25 (5) → not overdue;
    # Monday to Friday would give 6 (11-18, 19, 20, 23, 24, 25) → overdue
    tree.post("tax/np/2026/q1.md", "申报期限", "2026-11-17", "qa", body="", question="申报期限是哪天？")
    # asked Mon 11-16: 11-17 (1) + the five above = 6 → overdue (7 by Monday to Friday)
    tree.post("tax/np/2026/q2.md", "发票问题", "2026-11-16", "qa", body="", question="发票怎么开？")
    tree.write("calendar.yml", FIXTURE_CALENDAR)
    return tree


def waiting(site: Path) -> dict[str, tuple[str, bool]]:
    root = lxml_html.fromstring((site / "qa" / "index.html").read_text(encoding="utf-8"))
    found = {}
    for item in root.xpath('//li[contains(@class,"portal-pending-item")]'):
        title = item.xpath('.//p[contains(@class,"portal-item-title")]/a')[0].text_content()
        days = item.xpath('.//strong[contains(@class,"portal-waiting")]')[0].text_content()
        found[title] = (days, bool(item.xpath('.//span[contains(@class,"portal-overdue")]')))
    return found


def overdue_in_csv(site: Path, unit: str) -> str:
    rows = csv.DictReader(io.StringIO((site / "stats" / "units-all.csv").read_text(encoding="utf-8-sig")))
    return next(r for r in rows if f"{r['system']}/{r['unit']}" == unit)["overdue"]


def test_built_site_counts_waiting_days_by_the_calendar(tmp_path):
    tree = qa_tree(tmp_path / "portal")
    ok, site = build(tree, strict=True)
    assert ok
    assert waiting(site) == {"申报期限": ("5", False), "发票问题": ("6", True)}
    assert overdue_in_csv(site, "tax/np") == "1"
    note = lxml_html.fromstring((site / "qa" / "index.html").read_text(encoding="utf-8"))
    assert "扣除法定节假日" in note.text_content()
    assert "calendar.yml" not in {p.name for p in site.iterdir()}  # a register, not a published file


def test_without_calendar_monday_to_friday(tmp_path):
    tree = qa_tree(tmp_path / "portal")
    (tree.content / "calendar.yml").unlink()
    ok, site = build(tree, strict=True)
    assert ok
    assert waiting(site) == {"申报期限": ("6", True), "发票问题": ("7", True)}
    assert overdue_in_csv(site, "tax/np") == "2"


@pytest.mark.parametrize("change", ["edit", "remove"])
def test_warm_rebuild_after_a_calendar_change_equals_cold(tmp_path, change):
    tree = qa_tree(tmp_path / "portal")
    cache = tmp_path / "cache"
    assert build(tree, tmp_path / "first", cache_dir=cache)[0]
    if change == "edit":
        tree.write("calendar.yml", 'holidays: ["2026-11-23..2026-11-24"]\n')
    else:
        (tree.content / "calendar.yml").unlink()
    ok, warm = build(tree, tmp_path / "warm", cache_dir=cache)
    assert ok
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cold-cache")
    assert ok
    assert differences(warm, cold) == []
    assert waiting(warm) != waiting(tmp_path / "first")


def test_config_default_is_monday_to_friday():
    assert PortalConfig().calendar == PLAIN_WEEK
