"""Working days (`content/calendar.yml`): Monday to Friday, minus public holidays, plus 调休 days.

```yaml
holidays: ["2026-10-01..2026-10-07", "2027-01-01"]   # days off; a range is inclusive
workdays: ["2026-09-20", "2026-10-10"]              # weekend days that are working days
```

Every count of working days (a question's waiting time, its 逾期 mark) uses one `WorkCalendar`.
A portal without the file counts Monday to Friday.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .problems import Problem
from .yamltext import LinedDict, YamlError, load_yaml

CALENDAR_FILE = "calendar.yml"
CALENDAR_KEYS = ("holidays", "workdays")
DAY_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
LONGEST_RANGE = 31  # days: a longer holiday is almost certainly a typing mistake
EXAMPLE = '写成 "2026-10-01" 或区间 "2026-10-01..2026-10-07"（含首尾两天）'


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days. Fields are sorted tuples, so its repr is stable (cache keys)."""

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()
    _weekday_offs: tuple[date, ...] = field(default=(), repr=False, compare=False)
    _weekend_ons: tuple[date, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        # the days that change a plain Monday-to-Friday count, sorted for bisect
        object.__setattr__(self, "_weekday_offs",
                           tuple(d for d in self.holidays if d.weekday() < 5 and d not in set(self.workdays)))
        object.__setattr__(self, "_weekend_ons", tuple(d for d in self.workdays if d.weekday() >= 5))

    def is_workday(self, day: date) -> bool:
        """Whether `day` is a working day."""
        if day in self._weekend_ons:
            return True
        if day.weekday() >= 5:
            return False
        index = bisect.bisect_left(self._weekday_offs, day)
        return not (index < len(self._weekday_offs) and self._weekday_offs[index] == day)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when end ≤ start."""
        if end <= start:
            return 0
        count = weekdays_between(start, end)
        count -= _within(self._weekday_offs, start, end)
        count += _within(self._weekend_ons, start, end)
        return count

    def add_workdays(self, start: date, count: int) -> date:
        """The day on which `count` working days after `start` have passed."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day


PLAIN_WEEK = WorkCalendar()


def weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays after `start` up to and including `end`; 0 when end ≤ start."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def _within(days: tuple[date, ...], start: date, end: date) -> int:
    """How many of the sorted `days` lie in (start, end]."""
    return bisect.bisect_right(days, end) - bisect.bisect_right(days, start)


# -- reading calendar.yml -----------------------------------------------------


@dataclass
class _Span:
    first: date
    last: date
    line: int
    text: str


def load_calendar(text: str, path: str = CALENDAR_FILE) -> tuple[WorkCalendar, list[Problem]]:
    """Parse and check `calendar.yml`. Bad entries are left out and reported with their line."""
    try:
        data = load_yaml(text)
    except YamlError as err:
        return PLAIN_WEEK, [Problem(path, err.line, err.message, "按 YAML 格式修正该行（日期请加引号）")]
    if data is None:
        return PLAIN_WEEK, []
    if not isinstance(data, LinedDict):
        return PLAIN_WEEK, [Problem(path, 1, "工作日历必须是“键: 值”的形式",
                                    "写成 holidays: [\"2026-10-01..2026-10-07\"] 和 workdays: [\"2026-10-10\"] 两行")]
    problems: list[Problem] = []
    for key in data:
        if key not in CALENDAR_KEYS:
            problems.append(Problem(path, data.line_of(key), f"未知的键“{key}”",
                                    "只允许 holidays（放假日期）和 workdays（调休上班的周末）"))
    lines = text.split("\n")
    holidays = _spans(data, "holidays", lines, path, problems)
    workdays = _spans(data, "workdays", lines, path, problems)
    problems += _overlaps(holidays, "holidays", path) + _overlaps(workdays, "workdays", path)
    holiday_days = _days(holidays)
    for span in workdays:
        problems += _workday_problems(span, holiday_days, path)
    good_workdays = {d for s in workdays for d in _span_days(s) if d.weekday() >= 5 and d not in holiday_days}
    return WorkCalendar(tuple(sorted(holiday_days)), tuple(sorted(good_workdays))), problems


def _spans(data: LinedDict, key: str, lines: list[str], path: str, problems: list[Problem]) -> list[_Span]:
    """The dates and ranges listed under `key`, each with its line."""
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(Problem(path, data.line_of(key), f"{key} 必须是日期列表", f"写成 {key}: [\"2026-10-01\"]"))
        return []
    spans: list[_Span] = []
    where = (data.line_of(key) - 1, 0)  # 0-based line and column where the next item is looked for
    for item in value:
        text = str(item).strip()
        where = (item.line - 1, 0) if isinstance(item, LinedDict) else _find(text, lines, where)
        line = where[0] + 1
        span = _parse_span(text, key)
        if isinstance(span, str):
            problems.append(Problem(path, line, span, EXAMPLE))
        else:
            spans.append(_Span(span[0], span[1], line, text))
    return spans


def _find(text: str, lines: list[str], where: tuple[int, int]) -> tuple[int, int]:
    """(0-based line, column just after it) of the first `text` at or after `where`; `where`
    itself when the text is empty or not found. Items written on one line (`["a", "a"]`) are
    found one after the other, and the same date on two lines names each line."""
    line, column = where
    for index in range(line, len(lines)):
        found = lines[index].find(text, column if index == line else 0)  # "" is found where it starts
        if found >= 0:
            return index, found + len(text)
    return where


def _parse_span(text: str, key: str) -> tuple[date, date] | str:
    """The first and last day of a date or range, or what is wrong with it."""
    first_text, dots, last_text = text.partition("..")
    first = parse_day(first_text)
    last = parse_day(last_text) if dots else first
    if first is None or last is None:
        return f"{key} 中的“{text}”不是有效日期"
    if last < first:
        return f"区间“{text}”的结束日期早于开始日期"
    if (last - first).days >= LONGEST_RANGE:
        return f"区间“{text}”长达 {(last - first).days + 1} 天，超过 {LONGEST_RANGE} 天"
    if key == "workdays" and dots:
        return f"workdays 中的“{text}”是区间：调休上班日须逐日列出"
    return first, last


def parse_day(text: str) -> date | None:
    """A `YYYY-MM-DD` date, or None."""
    match = DAY_RE.match(text)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _span_days(span: _Span) -> list[date]:
    return [span.first + timedelta(days=n) for n in range((span.last - span.first).days + 1)]


def _days(spans: list[_Span]) -> set[date]:
    return {d for s in spans for d in _span_days(s)}


def _overlaps(spans: list[_Span], key: str, path: str) -> list[Problem]:
    """Entries of one list that share a day with an earlier entry."""
    problems = []
    ordered = sorted(spans, key=lambda s: (s.first, s.line))
    for before, after in zip(ordered, ordered[1:]):
        if after.first <= before.last:
            later = max(before, after, key=lambda s: s.line)
            other = before if later is after else after
            problems.append(Problem(path, later.line, f"{key} 中的“{later.text}”与第 {other.line} 行的“{other.text}”有重叠的日期",
                                    "合并成一个区间，或删除重复的日期"))
    return problems


def _workday_problems(span: _Span, holidays: set[date], path: str) -> list[Problem]:
    day = span.first
    if day in holidays:
        return [Problem(path, span.line, f"{day.isoformat()} 同时写在 holidays（放假）和 workdays（上班）中",
                        "按国务院办公厅的放假通知，只保留其中一处")]
    if day.weekday() < 5:
        names = "一二三四五"
        return [Problem(path, span.line, f"workdays 中的 {day.isoformat()} 是星期{names[day.weekday()]}，本来就是工作日",
                        "workdays 只写调休上班的星期六、星期日；删除该日期，或检查是否写错")]
    return []
