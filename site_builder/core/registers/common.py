"""Small readers shared by the 联创 registers: plain text, dates, unit references, lines."""

from __future__ import annotations

from datetime import date

from ..calendar import parse_day as calendar_day
from ..orgs import NAME_UNSAFE, Orgs
from ..problems import Problem
from ..textcheck import FIX, describe, disallowed_char
from ..yamltext import LinedDict

UNIT_REF_FIX = "写成 系统id/单位id（例如 tax/np-jo），该单位须已在 orgs.yml 中登记"


def parse_day(value) -> date | None:
    """A date of a register (`due`, `since`, a milestone's `date` …) as the working-day calendar
    reads its days: `YYYY-MM-DD`, month and day with one or two digits (`2026-6-30`), spaces
    around allowed; None for any other value or a day that does not exist."""
    return calendar_day(value) if isinstance(value, str) else None


def plain_text(value) -> str | None:
    """A one-line text value (numbers allowed), stripped; None when it is not plain text."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    if not text or NAME_UNSAFE.search(text) or disallowed_char(text):  # NAME_UNSAFE holds line breaks
        return None
    return text


def text_list(value) -> list[str] | None:
    """A list of one-line texts (a single text counts as a list of one); None when malformed."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        return None
    found = [plain_text(v) for v in value]
    return None if any(v is None for v in found) else found


def item_line(lines: list[str], start: int, value: str) -> int:
    """The line (1-based) at or after `start` whose text holds `value`, for list items, which
    YAML does not give lines for; `start` when none does."""
    for number in range(max(start, 1), min(len(lines), start + 200) + 1):
        if value in lines[number - 1]:
            return number
    return start


class EntryReader:
    """Reads the keys of one register entry (a YAML mapping), collecting problems with lines."""

    def __init__(self, path: str, entry: LinedDict, orgs: Orgs, problems: list[Problem], lines: list[str]):
        self.path, self.entry, self.orgs, self.problems, self.lines = path, entry, orgs, problems, lines
        self.failed = False

    def fail(self, key: str | None, message: str, fix: str, line: int | None = None) -> None:
        where = line or (self.entry.line_of(key) if key else self.entry.line)
        self.problems.append(Problem(self.path, where, message, fix))
        self.failed = True

    def unknown_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.entry:
            if key not in allowed:
                self.fail(key, f"未知的键“{key}”", f"删除它，或改成允许的键：{'、'.join(allowed)}")

    def text(self, key: str, what: str, required: bool = False) -> str | None:
        value = self.entry.get(key)
        if value is None:
            if required:
                self.fail(None, f"缺少 {key}（{what}）", f"加一行 {key}: {what}")
            return None
        text = plain_text(value)
        invisible = describe(key, value) if isinstance(value, str) else None
        if invisible:
            self.fail(key, invisible, FIX)
        elif text is None:
            self.fail(key, f"{key}（{what}）必须是一行纯文字", f"写成 {key}: {what}，不含 < > & \" 等符号和换行")
        return text

    def day(self, key: str, what: str, required: bool = False) -> date | None:
        value = self.entry.get(key)
        if value is None:
            if required:
                self.fail(None, f"缺少 {key}（{what}）", f"加一行 {key}: 2026-01-01（年-月-日）")
            return None
        parsed = parse_day(value)
        if parsed is None:
            self.fail(key, f"{key}“{value}”不是有效日期", f"写成 {key}: 2026-01-01（年-月-日）")
        return parsed

    def unit_ref(self, key: str, value, line: int | None = None) -> str | None:
        """`value` as a known `system/unit` key (a problem otherwise)."""
        text = plain_text(value)
        if text is None or self.orgs.unit(text) is None:
            self.fail(key, f"{key} 中的单位“{value}”不存在", UNIT_REF_FIX, line)
            return None
        return text

    def required_unit(self, key: str, what: str, example: str) -> str | None:
        """A required `system/unit` key (a problem when it is missing or unknown)."""
        value = self.entry.get(key)
        if value is None:
            self.fail(None, f"缺少 {key}（{what}）", f"加一行 {key}: {example}")
            return None
        return self.unit_ref(key, value)

    def unit_refs(self, key: str, what: str) -> list[str]:
        """A required list of known `system/unit` keys; unknown ones are reported and left out."""
        value = self.entry.get(key)
        if value is None:
            self.fail(None, f"缺少 {key}（{what}）", f"加一行 {key}: [tax/np-jo, fda/np-jo]")
            return []
        items = text_list(value)
        if items is None:
            self.fail(key, f"{key} 必须是“系统/单位”的列表", f"写成 {key}: [tax/np-jo, fda/np-jo]")
            return []
        found = []
        for item in items:
            line = item_line(self.lines, self.entry.line_of(key), item)
            if self.unit_ref(key, item, line):
                found.append(item)
        return list(dict.fromkeys(found))
