"""有问必答 timing on plain post records: working days across weekends, days to answer,
overdue marks, medians. Every expectation is counted by hand on the 2026 calendar
(2026-11-21 is a Saturday, 2026-11-23 a Monday)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from site_builder.core.posts import Post
from site_builder.core.qa import (
    QaFigures,
    days_text,
    days_to_answer,
    days_waiting,
    is_overdue,
    median,
    qa_figures,
    workdays_between,
)

TZ = ZoneInfo("Asia/Shanghai")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def asked(when: str, answered: str | None = None, type_: str = "qa") -> Post:
    question = Post(source=f"tax/np/{when[:10]}.md", system="tax", unit="np", title="问", date=moment(when),
                    type=type_, body="答" if answered else "", question="问？")
    if answered:
        question.answered = moment(answered)
    return question


@pytest.mark.parametrize("start, end, days", [
    ("2026-11-21", "2026-11-22", 0),  # Saturday → Sunday
    ("2026-11-22", "2026-11-23", 1),  # Sunday → Monday: the Monday
    ("2026-11-20", "2026-11-23", 1),  # Friday → Monday: the Monday only, not the Friday asked
    ("2026-11-23", "2026-11-28", 4),  # Monday → Saturday: Tue–Fri
    ("2026-11-23", "2026-11-29", 4),  # Monday → Sunday
    ("2026-11-23", "2026-11-30", 5),  # Monday → Monday: a whole week
    ("2026-11-21", "2026-11-28", 5),  # Saturday → Saturday
    ("2026-11-22", "2026-12-06", 10),  # Sunday → Sunday, two weeks
    ("2026-11-27", "2026-11-29", 0),  # Friday → Sunday
    ("2026-11-18", "2026-11-29", 7),  # Wednesday → Sunday eleven days later
    ("2026-11-26", "2026-11-27", 1),  # Thursday → Friday
    ("2026-11-25", "2026-11-25", 0),  # the same day
    ("2026-11-25", "2026-11-20", 0),  # measured before asked
    ("2026-12-31", "2027-01-04", 2),  # Thursday → Monday across the year: Fri, Mon
])
def test_working_days_after_asking_up_to_the_reference_day(start, end, days):
    assert workdays_between(date.fromisoformat(start), date.fromisoformat(end)) == days


def test_working_days_agree_with_counting_day_by_day():
    """Every start and end within five weeks, against a plain day-by-day count."""
    first = date(2026, 11, 1)
    for a in range(35):
        for b in range(35):
            start, end = first + timedelta(days=a), first + timedelta(days=b)
            by_hand = sum(1 for n in range(1, (end - start).days + 1) if (start + timedelta(days=n)).weekday() < 5)
            assert workdays_between(start, end) == by_hand, (start, end)


def test_waiting_days_use_calendar_days_not_hours():
    late_friday = asked("2026-11-20 23:30")
    assert days_waiting(late_friday, moment("2026-11-23 00:10")) == 1
    assert days_waiting(late_friday, moment("2026-11-22 23:59")) == 0


def test_days_to_answer():
    assert days_to_answer(asked("2026-11-02", "2026-11-06")) == 4
    assert days_to_answer(asked("2026-11-21", "2026-11-23")) == 2  # a weekend counts: calendar days
    assert days_to_answer(asked("2026-11-02 18:00", "2026-11-02 09:00")) == 0
    assert days_to_answer(asked("2026-11-06", "2026-11-02")) == 0  # never negative
    assert days_to_answer(asked("2026-11-02")) is None


def test_overdue_is_strictly_past_the_limit_and_only_while_pending():
    now = moment("2026-11-29 20:00")  # a Sunday
    monday = asked("2026-11-23")  # Tue–Fri: 4 working days
    assert days_waiting(monday, now) == 4
    assert not is_overdue(monday, now, 4) and is_overdue(monday, now, 3)
    saturday = asked("2026-11-21")  # Mon–Fri: 5
    assert is_overdue(saturday, now, 4) and not is_overdue(saturday, now, 5)
    assert not is_overdue(asked("2026-10-01", "2026-11-20"), now, 0)  # answered
    assert not is_overdue(asked("2026-10-01", type_="news"), now, 0)  # not a question
    assert is_overdue(asked("2026-11-27"), moment("2026-11-30 08:00"), 0)  # Monday counts as one


def test_median():
    assert median([]) is None
    assert median([7]) == 7.0 and isinstance(median([7]), float)
    assert median([4, 2, 10]) == 4.0
    assert median([4, 2]) == 3.0 and median([1, 2]) == 1.5
    assert median([10, 1, 3, 2]) == 2.5


def test_qa_figures():
    now = moment("2026-11-25 20:00")
    questions = [asked("2026-11-02", "2026-11-06"), asked("2026-11-09", "2026-11-11"), asked("2026-09-28", "2026-10-08"),
                 asked("2026-11-16"), asked("2026-11-20"), asked("2026-11-01", "2026-11-05", type_="news")]
    assert qa_figures(questions, now, 5) == QaFigures(answered=3, median_days=4.0, pending=2, overdue=1)
    assert qa_figures(questions, now, 7) == QaFigures(answered=3, median_days=4.0, pending=2, overdue=0)
    assert qa_figures(questions, now, 2) == QaFigures(answered=3, median_days=4.0, pending=2, overdue=2)
    nothing = qa_figures([], now, 5)
    assert (nothing.answered, nothing.median_days, nothing.pending, nothing.overdue) == (0, None, 0, 0)


def test_days_text():
    assert days_text(None) == "—"
    assert days_text(4.0) == "4" and days_text(4) == "4" and days_text(0.0) == "0"
    assert days_text(1.5) == "1.5" and days_text(40.5) == "40.5" and days_text(2.25) == "2.2"


def test_a_calendar_with_a_holiday_and_a_working_saturday_reaches_every_count():
    """Tuesday 11-24 off; in the second calendar Saturday 11-28 is a working day too."""
    from site_builder.core.calendar import WorkCalendar

    holiday = WorkCalendar(holidays=(date(2026, 11, 24),))
    working_saturday = WorkCalendar(holidays=(date(2026, 11, 24),), workdays=(date(2026, 11, 28),))
    now = moment("2026-11-29 20:00")
    monday = asked("2026-11-23")  # Wed, Thu, Fri: 3 (plain week: Tue–Fri, 4)
    assert days_waiting(monday, now, holiday) == 3 and days_waiting(monday, now) == 4
    assert not is_overdue(monday, now, 3, holiday) and is_overdue(monday, now, 3)
    assert workdays_between(date(2026, 11, 23), date(2026, 11, 29), holiday) == 3
    friday = asked("2026-11-27")
    assert qa_figures([friday], moment("2026-11-28 09:00"), 0).overdue == 0  # a plain Saturday is off
    figures = qa_figures([friday, monday], moment("2026-11-28 09:00"), 0, working_saturday)
    assert (figures.answered, figures.median_days, figures.pending, figures.overdue) == (0, None, 2, 2)
