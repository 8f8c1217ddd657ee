"""有问必答 timing: working days waited, days to answer, overdue marks."""

from __future__ import annotations

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
