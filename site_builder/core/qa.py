"""有问必答 timing: working days waited, days to answer, overdue marks."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime

from .calendar import PLAIN_WEEK, WorkCalendar
from .posts import Post

# How working days are counted, as readers are told (Q&A pages, bulletin rules).
WORKDAY_RULE = "工作日按工作日历计算：周一至周五，扣除法定节假日，加上调休上班的周末"


def workdays_between(start: date, end: date, calendar: WorkCalendar = PLAIN_WEEK) -> int:
    """Working days of `calendar` (default Mon–Fri) after `start` up to and including `end`;
    0 when end ≤ start."""
    return calendar.workdays_between(start, end)


def days_waiting(question: Post, now: datetime, calendar: WorkCalendar = PLAIN_WEEK) -> int:
    """Working days a pending question has waited so far, counted from when it was asked
    (`date`, also after a transfer)."""
    return workdays_between(question.date.date(), now.date(), calendar)


def days_to_answer(question: Post) -> int | None:
    """Calendar days from asking to answering (None while pending)."""
    if question.answered is None:
        return None
    return max(0, (question.answered.date() - question.date.date()).days)


def is_overdue(question: Post, now: datetime, limit_workdays: int, calendar: WorkCalendar = PLAIN_WEEK) -> bool:
    """A pending question that has waited longer than the limit."""
    return question.pending and days_waiting(question, now, calendar) > limit_workdays


def answer_due(question: Post, limit_workdays: int, calendar: WorkCalendar = PLAIN_WEEK) -> date:
    """The last day on which an answer is still in time (`limit_workdays` working days after asking)."""
    return calendar.add_workdays(question.date.date(), limit_workdays)


@dataclass(frozen=True)
class QaFigures:
    """How a unit handles its questions: answered, median days to answer, pending, overdue."""

    answered: int
    median_days: float | None  # None when nothing was answered
    pending: int
    overdue: int


def median(values: list[int]) -> float | None:
    """Median of `values` (the mean of the middle two for an even count), None when empty."""
    if not values:
        return None
    return float(statistics.median(values))


def qa_figures(questions: list[Post], now: datetime, limit_workdays: int,
               calendar: WorkCalendar = PLAIN_WEEK) -> QaFigures:
    """Answered count, median days to answer, pending and overdue counts of `questions`."""
    answered = [q for q in questions if q.type == "qa" and q.answered is not None]
    pending = [q for q in questions if q.pending]
    return QaFigures(
        answered=len(answered),
        median_days=median([days_to_answer(q) for q in answered]),
        pending=len(pending),
        overdue=sum(1 for q in pending if is_overdue(q, now, limit_workdays, calendar)),
    )


def days_text(value: float | None) -> str:
    """A number of days as shown to readers: `3`, `2.5`, or `—` when there is none."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
