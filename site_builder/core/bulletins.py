"""Closed bulletins (通报存档): `content/bulletins/<PERIOD>.yml`.

`portal bulletin --close PERIOD` freezes the 信息工作通报 of a month (`2026-11`), a quarter
(`2026-Q3`) or a year (`2026`) into a file: every unit's figures and ranks as they stand, the
issue number (期号, counted per year of issue) and the date of issue, and the posts and answers
it counted. From then on the file is the truth for that period: the archive pages are drawn
from it alone, and a post added or back-dated into the period later is only a warning
naming the bulletin and the post.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..config import LEVEL_ORDER, PortalConfig
from .orgs import Orgs
from .posts import Post
from .problems import Problem
from .sourcefile import load_yaml_file
from .stats import QUARTER_NAMES, Period, PeriodStats, month_start, period_stats, published
from .yamltext import LinedDict

FOLDER = "bulletins"
PERIOD_RE = re.compile(r"(\d{4})(?:-(?:(\d{2})|Q([1-4])))?")
ISO_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIXED_COLUMNS = ("news", "experience", "qa")  # first in the units rows, as in the contract's CSV
TOP_KEYS = ("period", "name", "number", "issued", "start", "end", "comment", "columns", "units", "silent",
            "counted", "answers")
FIGURE_KEYS = ("posts", "written", "adopted", "adopted_by_province", "adopted_by_city", "answered",
               "answered_late", "median_answer_days", "overdue", "score", "rank_in_level", "rank_in_system")
UNIT_KEYS = ("system", "unit", "name", "system_name", "level")


class BulletinRefused(Exception):
    """A bulletin that cannot be closed; the message (Chinese) says why and what to do."""


def parse_period(text: str) -> Period | None:
    """The period `2026-11`, `2026-Q3` or `2026` names (None when it names none)."""
    match = PERIOD_RE.fullmatch(text or "")
    if not match:
        return None
    year, month, quarter = int(match.group(1)), match.group(2), match.group(3)
    if month is not None:
        if not 1 <= int(month) <= 12:
            return None
        return Period(text, "月度", f"{year}年{int(month)}月", month_start(year, int(month)),
                      month_start(year, int(month) + 1))
    if quarter is not None:
        first = 3 * (int(quarter) - 1) + 1
        return Period(text, "季度", f"{year}年第{QUARTER_NAMES[int(quarter) - 1]}季度", month_start(year, first),
                      month_start(year, first + 3))
    return Period(text, "年度", f"{year}年", date(year, 1, 1), date(year + 1, 1, 1))


@dataclass
class ClosedBulletin:
    """One closed bulletin as its file holds it."""

    source: str  # bulletins/2026-Q3.yml
    period: str
    name: str
    number: int
    issued: str  # YYYY-MM-DD
    start: str
    end: str  # last day, inclusive
    comment: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # column id → name, in row order
    units: list[dict] = field(default_factory=list)  # one row per unit (UNIT_KEYS, columns, FIGURE_KEYS)
    silent: list[str] = field(default_factory=list)  # system/unit
    counted: frozenset[str] = frozenset()  # post sources dated in the period
    answers: frozenset[str] = frozenset()  # question sources answered in the period

    @property
    def title(self) -> str:
        """`2026年第3期（2026年第三季度）`."""
        return f"{self.issued[:4]}年第{self.number}期（{self.name}）"

    def holds(self, day: date) -> bool:
        return self.start <= day.isoformat() <= self.end


# -- closing a period ------------------------------------------------------


def ordered_columns(config: PortalConfig) -> list[str]:
    """Column ids in row order: news, experience, qa first, then the configured ones."""
    first = [c for c in FIXED_COLUMNS if c in config.columns]
    return first + [c for c in config.columns if c not in first]


def unit_rows(stats: PeriodStats, orgs: Orgs, columns: list[str]) -> list[dict]:
    """Every unit's figures of a period as flat rows (registry order)."""
    rows = []
    for f in stats.units:
        row: dict[str, object] = {"system": f.unit.system, "unit": f.unit.id, "name": f.unit.name,
               "system_name": orgs.systems[f.unit.system].name, "level": f.unit.level}
        row |= {c: f.posts.get(c, 0) for c in columns}
        row |= {"posts": f.total, "written": f.written, "adopted": f.adopted,
                "adopted_by_province": f.adoptions.get("province", 0), "adopted_by_city": f.adoptions.get("city", 0),
                "answered": f.answered, "answered_late": f.answered_late, "median_answer_days": f.median_days,
                "overdue": f.overdue, "score": f.score, "rank_in_level": f.rank_level, "rank_in_system": f.rank_system}
        rows.append(row)
    return rows


def next_number(bulletins: list[ClosedBulletin], issued: date) -> int:
    """The issue number: one more than the last bulletin issued in the same year."""
    return 1 + max((b.number for b in bulletins if b.issued[:4] == str(issued.year)), default=0)


def close_period(text: str, orgs: Orgs, posts: list[Post], config: PortalConfig, now: datetime,
                 bulletins: list[ClosedBulletin]) -> tuple[str, str]:
    """(path under the content folder, file text) of the bulletin closing period `text`.
    Raises BulletinRefused for a period that is malformed, not over yet, or already closed."""
    period = parse_period(text)
    if period is None or period.start is None or period.end is None:
        raise BulletinRefused(f"统计期“{text}”写法不对。请写成 2026-11（月）、2026-Q3（季度）或 2026（年）")
    source = f"{FOLDER}/{period.key}.yml"
    done = next((b for b in bulletins if b.source == source), None)
    if done is not None:
        raise BulletinRefused(f"{period.name}的通报已经发布（{done.title}，{done.issued}，文件 {source}），不能重复发布。"
                              f"已发布的通报不再改动；需要补充说明的，请写在下一期通报的 comment 中")
    last_day = date.fromordinal(period.end.toordinal() - 1)
    if now.date() <= last_day:
        raise BulletinRefused(f"{period.name}还没有结束（到 {last_day.isoformat()} 为止），不能发布该期通报。"
                              f"请在 {period.end.isoformat()} 或以后再运行")
    posts = published(posts)
    by_unit: dict[str, list[Post]] = {}
    for post in posts:
        by_unit.setdefault(post.unit_key, []).append(post)
    stats = period_stats(orgs, by_unit, period, config, now)
    columns = ordered_columns(config)
    record = {
        "period": period.key, "name": period.name, "number": next_number(bulletins, now.date()),
        "issued": now.date().isoformat(), "start": period.start.isoformat(), "end": last_day.isoformat(),
        "columns": {c: config.column_name(c) for c in columns},
        "units": unit_rows(stats, orgs, columns), "silent": [f.unit.key for f in stats.silent],
        "counted": sorted(p.source for p in posts if period.holds(p.date)),
        "answers": sorted(p.source for p in posts if p.type == "qa" and period.holds(p.answered)),
    }
    return source, bulletin_text(record)


def bulletin_text(record: dict) -> str:
    """The file of a closed bulletin: readable YAML, one line per unit, deterministic."""
    issue = f"{record['issued'][:4]}年第{record['number']}期"
    lines = [f"# 信息工作通报 {issue}（{record['name']}）：由 portal bulletin --close {record['period']} 生成。",
             "# 数字是发布时的统计结果，请勿修改；可以填写 comment（表扬、通报批评等，Markdown 格式），例如：",
             "#   comment: |",
             "#     **表扬**：建瓯市税务局本季度稿件质量高、答复及时。",
             *(f"{key}: {_scalar(record[key])}" for key in ("period", "name", "number", "issued", "start", "end")),
             'comment: ""',
             "columns: " + _flow(record["columns"]),
             "units:"]
    lines += [f"  - {_flow(row)}" for row in record["units"]]
    for key in ("silent", "counted", "answers"):
        lines.append(f"{key}:" + ("" if record[key] else " []"))
        lines += [f"  - {_scalar(item)}" for item in record[key]]
    return "\n".join(lines) + "\n"


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value)}" for key, value in mapping.items()) + "}"


# -- reading the archive ---------------------------------------------------


def load_bulletins(registers: dict[str, bytes]) -> tuple[list[ClosedBulletin], list[Problem]]:
    """Every closed bulletin of the register files, newest first, with the files' problems."""
    found: list[ClosedBulletin] = []
    problems: list[Problem] = []
    for source in sorted(s for s in registers if s.startswith(f"{FOLDER}/")):
        bulletin = _read_bulletin(source, registers[source], problems)
        if bulletin is not None:
            found.append(bulletin)
    found.sort(key=lambda b: (b.issued[:4], b.number, b.issued), reverse=True)
    return found, problems


def _read_bulletin(source: str, data: bytes, problems: list[Problem]) -> ClosedBulletin | None:
    record, problem = load_yaml_file(data, source, "修正该行的 YAML 写法；comment 含冒号等符号时用 “comment: |” 换行书写")
    if problem:
        problems.append(problem)
        return None
    fault = _fault(source, record)
    if fault:
        problems.append(Problem(source, fault[0], fault[1], fault[2]))
        return None
    return ClosedBulletin(
        source, record["period"], str(record["name"]), record["number"], record["issued"], record["start"],
        record["end"], record.get("comment") or "", dict(record["columns"]), list(record["units"]),
        list(record.get("silent") or []), frozenset(record.get("counted") or []),
        frozenset(record.get("answers") or []))


def _fault(source: str, record) -> tuple[int, str, str] | None:
    """The first thing wrong with a bulletin file: (line, message, fix), or None."""
    regenerate = "该文件应由 portal bulletin --close 生成，数字不要手工修改；如已损坏，请从 git 历史中恢复"
    if not isinstance(record, LinedDict):
        return (1, "通报文件的内容不是“键: 值”的形式", regenerate)
    for key in record:
        if key not in TOP_KEYS:
            return (record.line_of(key), f"通报文件中有未知的键“{key}”", f"删除它；可以编辑的只有 comment。{regenerate}")
    stem = source[len(FOLDER) + 1:-len(".yml")]
    if record.get("period") != stem or parse_period(stem) is None:
        return (record.line_of("period"), f"period“{record.get('period')}”与文件名“{stem}”不一致",
                f"文件名应为 <统计期>.yml，period 写同一个统计期。{regenerate}")
    if not isinstance(record.get("number"), int) or isinstance(record.get("number"), bool) or record["number"] < 1:
        return (record.line_of("number"), "number（期号）必须是正整数", regenerate)
    for key in ("issued", "start", "end"):
        if not _is_date(record.get(key)):
            return (record.line_of(key), f"{key} 必须是 YYYY-MM-DD 格式的日期", regenerate)
    if not isinstance(record.get("comment"), (str, type(None))):
        return (record.line_of("comment"), "comment 必须是一段文字（Markdown）",
                "写成 comment: | 然后在下一行起缩进两个空格书写")
    if not isinstance(record.get("columns"), dict) or not isinstance(record.get("units"), list) or not all(
            isinstance(row, dict) and all(k in row for k in UNIT_KEYS) for row in record["units"]):
        return (record.line_of("units"), "columns 或 units 缺失或格式不对", regenerate)
    for key in ("silent", "counted", "answers"):
        value = record.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return (record.line_of(key), f"{key} 必须是文字列表", regenerate)
    return None


def _is_date(value) -> bool:
    """A `YYYY-MM-DD` text naming a real day (not the other ISO forms `date.fromisoformat` takes,
    such as `20261202` or `2026-W49-3`)."""
    if not isinstance(value, str) or not ISO_DAY_RE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# -- posts that came too late ------------------------------------------------


def late_posts(bulletins: list[ClosedBulletin], posts: list[Post]) -> list[Problem]:
    """Warnings: published posts dated (or questions answered) in a closed period that its
    bulletin did not count. The bulletin's figures do not change."""
    warnings = []
    for post in published(posts):
        for bulletin in bulletins:
            if bulletin.holds(post.date.date()) and post.source not in bulletin.counted:
                warnings.append(_late(post, bulletin, f"文章日期 {post.date.date().isoformat()}"))
            if (post.answered is not None and bulletin.holds(post.answered.date())
                    and post.source not in bulletin.answers):
                warnings.append(_late(post, bulletin, f"答复日期 {post.answered.date().isoformat()}"))
    return warnings


def _late(post: Post, bulletin: ClosedBulletin, what: str) -> Problem:
    return Problem(post.source, 0,
                   f"{what}在已发布的信息工作通报 {bulletin.title}（{bulletin.source}）的统计期内，"
                   f"但该期通报发布时没有计入这篇文章；已发布通报的数字不会改变",
                   "如果日期写错了，请改正 date/answered；确是补报的稿件可以保留（网站的实时统计会计入它），"
                   "并在下一期通报的 comment 中说明")


def level_order(row: dict) -> int:
    """Sort position of a row's level (province first)."""
    return LEVEL_ORDER.index(row["level"]) if row["level"] in LEVEL_ORDER else len(LEVEL_ORDER)
