"""The working-day calendar on plain data: counts of working days against hand counts (2026's
National Day: Thu 10-01 … Wed 10-07 off, Sun 09-20 and Sat 10-10 working days), and every
problem `calendar.yml` can have, with its line and fix, as the staff read them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from site_builder.core.calendar import PLAIN_WEEK, WorkCalendar, load_calendar, parse_day, weekdays_between
from site_builder.core.problems import Problem

D = date.fromisoformat


def national_day() -> WorkCalendar:
    """Made in each test (not at import), so that every test runs the calendar's own set-up."""
    return WorkCalendar(holidays=tuple(D("2026-10-01") + timedelta(days=n) for n in range(7)),
                        workdays=(D("2026-09-20"), D("2026-10-10")))

EXAMPLE = '写成 "2026-10-01" 或区间 "2026-10-01..2026-10-07"（含首尾两天）'


# -- counting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start, end, count", [
    ("2026-11-23", "2026-11-30", 5),   # Monday to Monday: Tue … Fri, Mon
    ("2026-11-27", "2026-11-30", 1),   # Friday to Monday: the Monday only
    ("2026-11-27", "2026-11-28", 0),   # Friday to Saturday: the Friday itself is not counted
    ("2026-11-28", "2026-11-29", 0),   # a weekend
    ("2026-11-25", "2026-11-27", 2),   # Thu, Fri
    ("2026-11-26", "2026-12-09", 9),   # Fri 27, Mon 30, Tue 1 … Fri 4, Mon 7, Tue 8, Wed 9
    ("2026-11-25", "2026-11-25", 0),
    ("2026-11-25", "2026-11-20", 0),   # the end before the start
])
def test_weekdays_after_the_start_up_to_the_end(start, end, count):
    assert weekdays_between(D(start), D(end)) == count
    assert WorkCalendar().workdays_between(D(start), D(end)) == count


@pytest.mark.parametrize("start, end, count", [
    ("2026-09-29", "2026-10-13", 6),   # Wed 09-30, Thu 10-08, Fri 10-09, Sat 10-10, Mon 10-12, Tue 10-13
    ("2026-09-30", "2026-10-01", 0),   # a holiday at the end is not a working day
    ("2026-10-07", "2026-10-08", 1),   # a holiday at the start is not counted anyway
    ("2026-10-09", "2026-10-10", 1),   # the 调休 Saturday at the end counts
    ("2026-10-10", "2026-10-11", 0),   # … and not when it is the start
    ("2026-10-02", "2026-10-04", 0),   # a holiday on a weekend takes nothing more away
    ("2026-09-18", "2026-09-21", 2),   # Sun 09-20 调休, Mon 09-21
    ("2026-10-13", "2026-09-29", 0),
])
def test_working_days_follow_holidays_and_working_weekends(start, end, count):
    assert national_day().workdays_between(D(start), D(end)) == count


def test_which_days_are_working_days():
    expected = {"2026-09-19": False, "2026-09-20": True, "2026-09-30": True, "2026-10-01": False,
                "2026-10-03": False, "2026-10-07": False, "2026-10-08": True, "2026-10-10": True,
                "2026-10-11": False, "2026-10-12": True, "2026-12-31": True, "2026-01-05": True}
    assert {day: national_day().is_workday(D(day)) for day in expected} == expected
    assert WorkCalendar().is_workday(D("2026-10-01")) and not WorkCalendar().is_workday(D("2026-10-10"))


def test_a_weekday_listed_both_as_holiday_and_as_workday_is_a_working_day():
    both = WorkCalendar(holidays=(D("2026-11-30"),), workdays=(D("2026-11-30"),))
    assert both.is_workday(D("2026-11-30"))
    assert both.workdays_between(D("2026-11-27"), D("2026-11-30")) == 1
    friday = WorkCalendar(workdays=(D("2026-11-27"),))  # a weekday "workday" adds nothing
    assert friday.workdays_between(D("2026-11-26"), D("2026-11-30")) == 2


@pytest.mark.parametrize("start, count, due", [
    ("2026-09-29", 5, "2026-10-12"),   # 09-30, 10-08, 10-09, 10-10, 10-12
    ("2026-09-29", 1, "2026-09-30"),
    ("2026-09-30", 1, "2026-10-08"),
    ("2026-10-09", 1, "2026-10-10"),
    ("2026-09-29", 0, "2026-09-29"),
])
def test_the_day_a_number_of_working_days_is_reached(start, count, due):
    assert national_day().add_workdays(D(start), count) == D(due)


def test_plain_week_due_day_skips_the_weekend():
    assert WorkCalendar().add_workdays(D("2026-11-27"), 1) == D("2026-11-30")
    assert WorkCalendar().add_workdays(D("2026-11-27"), 6) == D("2026-12-07")


def test_calendar_repr_names_only_the_listed_days():
    # the repr is part of cache keys: the derived fields must not change it
    assert repr(WorkCalendar((D("2026-10-01"),), (D("2026-10-10"),))) == (
        "WorkCalendar(holidays=(datetime.date(2026, 10, 1),), workdays=(datetime.date(2026, 10, 10),))")


@pytest.mark.parametrize("text, day", [
    ("2026-10-01", date(2026, 10, 1)), (" 2026-1-5 ", date(2026, 1, 5)), ("2026-02-30", None),
    ("2026-10-01x", None), ("26-10-01", None), ("", None), ("2026/10/01", None),
])
def test_parse_day(text, day):
    assert parse_day(text) == day


# -- reading calendar.yml ---------------------------------------------------------------------


def test_the_published_form_reads_every_listed_day():
    text = ('holidays:\n  - "2026-10-01..2026-10-07"   # 国庆节\n  - 2026-09-25\n'
            'workdays: ["2026-09-20", "2026-10-10"]\n')
    found, problems = load_calendar(text)
    assert problems == []
    assert found.holidays == (D("2026-09-25"),) + national_day().holidays
    assert found.workdays == national_day().workdays


def test_one_date_may_stand_without_a_list():
    found, problems = load_calendar('holidays: "2026-10-01"\nworkdays: 2026-10-10\n')
    assert (found, problems) == (WorkCalendar((D("2026-10-01"),), (D("2026-10-10"),)), [])


def test_an_empty_file_is_monday_to_friday():
    assert load_calendar("") == (PLAIN_WEEK, [])
    assert load_calendar("# 只有注释\n") == (PLAIN_WEEK, [])
    assert load_calendar("holidays:\nworkdays:\n") == (PLAIN_WEEK, [])


def test_a_yaml_error_names_its_line():
    found, problems = load_calendar('holidays: ["2026-10-01"\nworkdays: []\n', "c.yml")
    assert found == PLAIN_WEEK
    assert [(p.path, p.line, p.fix) for p in problems] == [("c.yml", 2, "按 YAML 格式修正该行（日期请加引号）")]
    assert problems[0].message.startswith("YAML 格式错误")


def test_a_file_that_is_not_a_mapping():
    assert load_calendar('- "2026-10-01"\n', "c.yml") == (PLAIN_WEEK, [Problem(
        "c.yml", 1, "工作日历必须是“键: 值”的形式",
        "写成 holidays: [\"2026-10-01..2026-10-07\"] 和 workdays: [\"2026-10-10\"] 两行")])


def test_unknown_keys_and_lists_that_are_not_lists():
    found, problems = load_calendar('holidays: 3\nholiday: ["2026-10-01"]\nworkdays: {a: 1}\n', "c.yml")
    assert found == PLAIN_WEEK
    assert sorted(problems) == [
        Problem("c.yml", 1, "holidays 必须是日期列表", '写成 holidays: ["2026-10-01"]'),
        Problem("c.yml", 2, "未知的键“holiday”", "只允许 holidays（放假日期）和 workdays（调休上班的周末）"),
        Problem("c.yml", 3, "workdays 必须是日期列表", '写成 workdays: ["2026-10-01"]'),
    ]


def test_bad_entries_are_named_with_their_own_line_and_left_out():
    text = ("# 放假\n"
            "holidays:\n"
            '  - "2026-10-01"\n'
            '  - "2026-13-01"\n'
            "  - 20261001\n"
            '  - "2026-05-05..2026-05-01"\n'
            '  - "2026-07-01..2026-08-01"\n'
            '  - "2026-08-01..2026-08-31"\n'
            "  - {a: 1}\n"
            'workdays: ["2026-10-10", "2026-10-17..2026-10-18"]\n')
    found, problems = load_calendar(text, "c.yml")
    assert problems == [
        Problem("c.yml", 4, "holidays 中的“2026-13-01”不是有效日期", EXAMPLE),
        Problem("c.yml", 5, "holidays 中的“20261001”不是有效日期", EXAMPLE),
        Problem("c.yml", 6, "区间“2026-05-05..2026-05-01”的结束日期早于开始日期", EXAMPLE),
        Problem("c.yml", 7, "区间“2026-07-01..2026-08-01”长达 32 天，超过 31 天", EXAMPLE),
        Problem("c.yml", 9, "holidays 中的“{'a': 1}”不是有效日期", EXAMPLE),
        Problem("c.yml", 10, "workdays 中的“2026-10-17..2026-10-18”是区间：调休上班日须逐日列出", EXAMPLE),
    ]
    # what is right is kept: 10-01 and the 31 days of August, the 调休 Saturday
    assert found.holidays == tuple(D("2026-08-01") + timedelta(days=n) for n in range(31)) + (D("2026-10-01"),)
    assert found.workdays == (D("2026-10-10"),)


def test_the_same_text_on_two_lines_names_each_line():
    text = 'holidays:\n  - "2026-02-30"\n  - "2026-10-01"\n  - "2026-02-30"\n'
    _, problems = load_calendar(text, "c.yml")
    assert [p.line for p in problems] == [2, 4]


def test_overlapping_entries_name_the_later_line_and_the_earlier_one():
    text = ('holidays:\n'
            '  - "2026-10-05..2026-10-08"\n'
            '  - "2026-10-01..2026-10-05"\n'
            '  - "2026-05-01..2026-05-03"\n'
            '  - "2026-05-04"\n'
            '  - "2026-06-01"\n'
            '  - "2026-06-01"\n'
            'workdays: ["2026-10-10", "2026-10-10"]\n')
    found, problems = load_calendar(text, "c.yml")
    fix = "合并成一个区间，或删除重复的日期"
    assert sorted(problems) == [
        Problem("c.yml", 3, "holidays 中的“2026-10-01..2026-10-05”与第 2 行的“2026-10-05..2026-10-08”有重叠的日期", fix),
        Problem("c.yml", 7, "holidays 中的“2026-06-01”与第 6 行的“2026-06-01”有重叠的日期", fix),
        # both on line 8: the second names the first's line, which is its own
        Problem("c.yml", 8, "workdays 中的“2026-10-10”与第 8 行的“2026-10-10”有重叠的日期", fix),
    ]
    # 05-03 and 05-04 are adjacent, not overlapping; every listed day still counts
    assert len(found.holidays) == 8 + 4 + 1 and found.workdays == (D("2026-10-10"),)


def test_overlap_of_the_first_entry_with_a_later_one_names_the_later():
    _, problems = load_calendar('holidays:\n  - "2026-10-01..2026-10-07"\n  - "2026-10-07"\n', "c.yml")
    assert [(p.line, p.message) for p in problems] == [
        (3, "holidays 中的“2026-10-07”与第 2 行的“2026-10-01..2026-10-07”有重叠的日期")]


def test_workdays_must_be_weekend_days_off_no_holiday():
    text = ('holidays: ["2026-10-03"]\n'
            "workdays:\n"
            '  - "2026-10-03"\n'
            '  - "2026-10-12"\n'
            '  - "2026-10-09"\n'
            '  - "2026-10-11"\n')
    found, problems = load_calendar(text, "c.yml")
    weekday_fix = "workdays 只写调休上班的星期六、星期日；删除该日期，或检查是否写错"
    assert problems == [
        Problem("c.yml", 3, "2026-10-03 同时写在 holidays（放假）和 workdays（上班）中",
                "按国务院办公厅的放假通知，只保留其中一处"),
        Problem("c.yml", 4, "workdays 中的 2026-10-12 是星期一，本来就是工作日", weekday_fix),
        Problem("c.yml", 5, "workdays 中的 2026-10-09 是星期五，本来就是工作日", weekday_fix),
    ]
    assert found == WorkCalendar((D("2026-10-03"),), (D("2026-10-11"),))
    assert not found.is_workday(D("2026-10-03")) and found.is_workday(D("2026-10-11"))


def test_an_empty_entry_is_named_on_its_key_line():
    _, problems = load_calendar('# 注释\nworkdays: [""]\n', "c.yml")
    assert problems == [Problem("c.yml", 2, "workdays 中的“”不是有效日期", EXAMPLE)]


def test_two_equal_dates_on_one_line_are_both_on_that_line():
    text = 'holidays: ["2026-10-01", "2026-10-01"]\n# 2026-10-01 是国庆节\n'
    _, problems = load_calendar(text, "c.yml")
    assert problems == [Problem("c.yml", 1, "holidays 中的“2026-10-01”与第 1 行的“2026-10-01”有重叠的日期",
                                "合并成一个区间，或删除重复的日期")]


def test_an_entry_at_the_start_of_a_continued_line_names_that_line():
    _, problems = load_calendar("holidays: [\n2026-13-01, 2026-10-01]\n", "c.yml")
    assert [(p.line, p.message) for p in problems] == [(2, "holidays 中的“2026-13-01”不是有效日期")]


@pytest.mark.parametrize("text", ["2026-10-01..2026-13-01", "2026-13-01..2026-10-01", "2026-10-01..", "..2026-10-01"])
def test_a_range_with_a_bad_end_is_not_a_date(text):
    _, problems = load_calendar(f'holidays: ["{text}"]\n', "c.yml")
    assert problems == [Problem("c.yml", 1, f"holidays 中的“{text}”不是有效日期", EXAMPLE)]
