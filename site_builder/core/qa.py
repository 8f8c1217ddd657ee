"""有问必答 timing: working days waited, days to answer, overdue marks."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .posts import Post


def workdays_between(start: date, end: date) -> int:
    """Working days (Mon–Fri) after `start` up to and including `end`; 0 when end ≤ start."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def days_waiting(question: Post, now: datetime) -> int:
    """Working days a pending question has waited so far."""
    return workdays_between(question.date.date(), now.date())


def days_to_answer(question: Post) -> int | None:
    """Calendar days from asking to answering (None while pending)."""
    if question.answered is None:
        return None
    return max(0, (question.answered.date() - question.date.date()).days)


def is_overdue(question: Post, now: datetime, limit_workdays: int) -> bool:
    """A pending question that has waited longer than the limit."""
    return question.pending and days_waiting(question, now) > limit_workdays


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


def qa_figures(questions: list[Post], now: datetime, limit_workdays: int) -> QaFigures:
    """Answered count, median days to answer, pending and overdue counts of `questions`."""
    answered = [q for q in questions if q.type == "qa" and q.answered is not None]
    pending = [q for q in questions if q.pending]
    return QaFigures(
        answered=len(answered),
        median_days=median([days_to_answer(q) for q in answered]),
        pending=len(pending),
        overdue=sum(1 for q in pending if is_overdue(q, now, limit_workdays)),
    )


def days_text(value: float | None) -> str:
    """A number of days as shown to readers: `3`, `2.5`, or `—` when there is none."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
