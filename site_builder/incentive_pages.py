"""考核评比激励 pages and exports (a feature module, see extras.py):

- `/stats/archive/` every closed bulletin, newest first; `/stats/archive/<PERIOD>/` one bulletin
  drawn from its file only (`core.bulletins`), with `units.csv` and its ranking CSVs;
- `/assessment/` the years, `/assessment/<year>/` totals, ranks, items and weights, `results.csv`;
- `/honours/` honours by year, newest first.

Pages exist only when their register files do, so a portal without them builds as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape
from typing import Any

import markdown

from .config import LEVEL_ORDER, LEVELS
from .core.assessment import Assessment
from .core.bulletins import ClosedBulletin
from .core.render import sanitize
from .extras import ExtraPage
from .pages.incentives import ASSESSMENT_URL, HONOURS_URL
from .pages.links import a
from .stats_pages import STATS_URL, Link, Table

ARCHIVE = "archive/"  # under stats/
ARCHIVE_URL = f"{STATS_URL}{ARCHIVE}"
Columns = list[tuple[str, Any]]  # (CSV header, Chinese header or None), as stats_pages.Table takes them
FIGURES: Columns = [("posts", None), ("written", "撰写稿件"), ("adopted", "被采用"), ("adopted_by_province", None),
           ("adopted_by_city", None), ("answered", "答复问题"), ("answered_late", None),
           ("median_answer_days", None), ("overdue", "逾期未答"), ("score", "得分")]


def _write_table(site_dir: str, table: Table) -> None:
    path = os.path.join(site_dir, table.folder, table.file)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(table.csv_text())


def _unit_cell(build, row: dict):
    """A link to the unit's page while it exists, else its name as the bulletin recorded it."""
    key = f"{row['system']}/{row['unit']}"
    return Link(row["name"], f"{key}/") if build.portal.orgs.unit(key) else row["name"]


# -- closed bulletins --------------------------------------------------------


class ArchiveTables:
    """The tables of one closed bulletin, from its file only."""

    def __init__(self, build, bulletin: ClosedBulletin):
        self.build, self.bulletin = build, bulletin
        self.folder = f"{ARCHIVE}{bulletin.period}/"

    def units(self) -> Table:
        """Every unit's figures: header starting system,unit,news,experience,qa."""
        columns: Columns = ([("system", None), ("unit", None)] + [(c, None) for c in self.bulletin.columns]
                   + [(k, None) for k in ("name", "system_name", "level")]
                   + [(k, None) for k, _ in FIGURES] + [("rank_in_level", None), ("rank_in_system", None)])
        rows = [[row.get(key) for key, _ in columns] for row in self.bulletin.units]
        return Table(f"{self.folder}units.csv", f"{self.bulletin.title} 各单位明细", columns, rows)

    def ranking(self, name: str, rows: list[dict], rank_key: str, file: str) -> Table:
        columns: Columns = ([("rank", "名次"), ("system", None), ("unit", None), ("name", "单位"), ("system_name", "所属系统"),
                    ("level", None)] + [(c, _column_label(c, n)) for c, n in self.bulletin.columns.items()]
                   + FIGURES)
        ordered = sorted(rows, key=lambda r: r.get(rank_key) or 0)
        body = [[r.get(rank_key), r["system"], r["unit"], _unit_cell(self.build, r), r["system_name"], r["level"],
                 *(r.get(c, 0) for c in self.bulletin.columns), *(r.get(k) for k, _ in FIGURES)] for r in ordered]
        return Table(f"{self.folder}{file}", name, columns, body)

    def levels(self) -> list[tuple[str, Table]]:
        return [(f"{LEVELS[lv]}单位排名", self.ranking(f"{LEVELS[lv]}单位排名", [r for r in self.bulletin.units
                                                                          if r["level"] == lv],
                                                     "rank_in_level", f"ranking-level-{lv}.csv"))
                for lv in LEVEL_ORDER if any(r["level"] == lv for r in self.bulletin.units)]

    def systems(self) -> list[tuple[str, Table]]:
        names = {r["system"]: r["system_name"] for r in self.bulletin.units}
        return [(name, self.ranking(f"{name}排名", [r for r in self.bulletin.units if r["system"] == system],
                                    "rank_in_system", f"ranking-system-{system}.csv"))
                for system, name in names.items()]

    def all(self) -> list[Table]:
        return [t for _, t in self.levels()] + [t for _, t in self.systems()] + [self.units()]


def _column_label(column: str, name: str) -> str:
    return "收到问题" if column == "qa" else name


def archive_html(build) -> str:
    """/stats/archive/: every closed bulletin, newest first."""
    here = ARCHIVE_URL
    rows = []
    for b in build.incentives.bulletins:
        written = sum(int(r.get("written") or 0) for r in b.units)
        rows.append(f"<tr><td>{a(f'{ARCHIVE_URL}{b.period}/', here, f'{b.issued[:4]}年第{b.number}期')}</td>"
                    f"<td>{escape(b.name)}</td><td>{escape(b.start)} 至 {escape(b.end)}</td><td>{escape(b.issued)}</td>"
                    f"<td>{written}</td><td>{len(b.silent)}</td></tr>")
    return (f'<p>已发布的信息工作通报，最新的在前。每期通报的数字在发布时固定（取自 content/bulletins/ 中的文件），'
            f'之后补报或改动日期的稿件不会改变已发布的通报。{a(STATS_URL, here, "查看实时统计 ›")}</p>'
            '<div class="portal-table-wrap"><table><thead><tr><th>期号</th><th>统计期</th><th>起止日期</th>'
            f'<th>发布日期</th><th>稿件</th><th>无投稿单位</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def bulletin_html(build, bulletin: ClosedBulletin) -> str:
    """/stats/archive/<PERIOD>/: one closed bulletin, from its file only."""
    here = f"{ARCHIVE_URL}{bulletin.period}/"
    tables = ArchiveTables(build, bulletin)
    units = bulletin.units
    total = lambda key: sum(int(r.get(key) or 0) for r in units)  # noqa: E731
    parts = [f'<p class="portal-stats-date">{escape(bulletin.title)}，<time datetime="{escape(bulletin.issued)}">'
             f"{escape(bulletin.issued)}</time> 发布；统计期 {escape(bulletin.start)} 至 {escape(bulletin.end)}。"
             f"本页取自 content/{escape(bulletin.source)}，发布后不再变动。{a(ARCHIVE_URL, here, '全部通报 ›')}</p>"]
    if bulletin.comment.strip():
        parts.append(f'<div class="portal-bulletin-comment">{comment_html(bulletin.comment)}</div>')
    parts.append(f'<p class="portal-stats-summary">共 {len(units)} 个单位，撰写稿件 {total("written")} 篇，'
                 f'被采用 {total("adopted")} 篇，答复问题 {total("answered")} 个，逾期未答 {total("overdue")} 个，'
                 f"{len(bulletin.silent)} 个单位无投稿。</p>")
    for title, table in tables.levels():
        parts.append(f"<h2>{escape(title)}</h2>" + table.html(here))
    parts.append("<h2>各系统排名</h2>")
    for name, table in tables.systems():
        parts.append(f"<h3>{escape(name)}</h3>" + table.html(here))
    names = {f"{r['system']}/{r['unit']}": r for r in units}
    silent = "、".join(escape(names[k]["name"]) if k in names else escape(k) for k in bulletin.silent) or "无"
    parts.append(f"<h2>本期无投稿的单位（{len(bulletin.silent)} 个）</h2><p>{silent}</p>")
    csv_table = tables.units()
    parts.append(f'<p>全部单位明细：{a(f"{STATS_URL}{csv_table.file}", here, "下载 CSV（units.csv）", "portal-csv")}</p>')
    return "".join(parts)


def comment_html(text: str) -> str:
    """The editor's comment (Markdown), sanitised like a post body."""
    return sanitize(markdown.markdown(text, extensions=["tables"]))


# -- assessment ------------------------------------------------------------------


def assessment_columns(assessment: Assessment) -> Columns:
    columns: Columns = [("system", None), ("unit", None), ("total", "总分"), ("name", "单位"), ("system_name", "所属系统"),
             ("level", None), ("level_name", "层级"), ("rank_in_level", "层级内排名"), ("rank_in_system", "系统内排名")]
    return columns + [(i.id, f"{i.name}（权重 {i.weight}）") for i in assessment.items] + [("bonus", "年终加分")]


def assessment_table(build, assessment: Assessment, results: list, caption: str, file: str) -> Table:
    """Results as a table: the contract's CSV header starts with system,unit,total."""
    orgs = build.portal.orgs
    rows = [[r.unit.system, r.unit.id, str(r.total), Link(r.unit.name, f"{r.unit.key}/"),
             orgs.systems[r.unit.system].name, r.unit.level, r.unit.level_name, r.rank_level, r.rank_system,
             *(str(r.scores[i.id]) for i in assessment.items), str(r.bonus)] for r in results]
    return Table(file, caption, assessment_columns(assessment), rows, folder=f"{ASSESSMENT_URL}{assessment.year}/")


def assessment_html(build, assessment: Assessment) -> str:
    """/assessment/<year>/: items and weights, then each level's ranking with system ranks."""
    here = f"{ASSESSMENT_URL}{assessment.year}/"
    weights = sum(i.weight for i in assessment.items)
    items = "、".join(f"{escape(i.name)} {i.weight}（{(i.weight * 100 / weights).quantize(1) if weights else 0}%）"
                     for i in assessment.items)
    parts = [f"<p>考核项目及权重：{items}。</p>",
             "<p>总分 = Σ 各项得分 × 权重 ÷ Σ 权重 + 年终加分，保留两位小数（四舍五入）。"
             "排名按总分从高到低，总分相同名次相同。</p>"]
    for level in LEVEL_ORDER:
        results = sorted((r for r in assessment.results if r.unit.level == level), key=lambda r: r.rank_level)
        if results:
            parts.append(f"<h2>{LEVELS[level]}单位</h2>"
                         + assessment_table(build, assessment, results, f"{LEVELS[level]}单位", f"results-{level}.csv").html(here))
    parts.append(f'<p>全部单位：{a(f"{here}results.csv", here, "下载 CSV（results.csv）", "portal-csv")}</p>')
    parts.append(f'<p>{a(ASSESSMENT_URL, here, "历年考核结果 ›")}</p>')
    return "".join(parts)


def assessments_html(build) -> str:
    """/assessment/: every year."""
    here = ASSESSMENT_URL
    rows = "".join(f"<li>{a(f'{ASSESSMENT_URL}{year}/', here, assessment.title)}（{len(assessment.results)} 个单位）</li>"
                   for year, assessment in build.incentives.assessments.items())
    return f'<ul class="portal-list">{rows}</ul>'


# -- honours -------------------------------------------------------------------------


def honours_html(build) -> str:
    """/honours/: honours by year, newest first."""
    here, parts, year = HONOURS_URL, [], None
    for honour in build.incentives.honours:
        if honour.year != year:
            year = honour.year
            parts.append(f'<h2 id="y{year}">{year}年</h2>')
        units = "、".join(a(f"{u.key}/", here, u.name) for u in honour.units)
        by = f"<p class=\"portal-note\">表彰机关：{escape(honour.by)}</p>" if honour.by else ""
        parts.append(f'<section class="portal-honour"><h3>{escape(honour.title)}</h3>{by}<p>{units}</p></section>')
    return "".join(parts)


# -- the feature-module interface ------------------------------------------------


def pages(build) -> list[ExtraPage]:
    """The archive, assessment and honours pages the register files call for."""
    found = []
    incentives = build.incentives
    if incentives.bulletins:
        found.append(ExtraPage(f"{ARCHIVE_URL}index.md", "通报存档", lambda: archive_html(build), in_nav=False))
        found += [ExtraPage(f"{ARCHIVE_URL}{b.period}/index.md", f"信息工作通报 {b.title}", _bulletin_page(build, b),
                            in_nav=False) for b in incentives.bulletins]
    if incentives.assessments:
        found.append(ExtraPage(f"{ASSESSMENT_URL}index.md", "考核结果", lambda: assessments_html(build)))
        found += [ExtraPage(f"{ASSESSMENT_URL}{year}/index.md", assessment.title, _assessment_page(build, assessment),
                            in_nav=False)
                  for year, assessment in incentives.assessments.items()]
    if incentives.honours:
        found.append(ExtraPage(f"{HONOURS_URL}index.md", "表彰", lambda: honours_html(build)))
    return found


def _bulletin_page(build, bulletin: ClosedBulletin) -> Callable[[], str]:
    return lambda: bulletin_html(build, bulletin)


def _assessment_page(build, assessment: Assessment) -> Callable[[], str]:
    return lambda: assessment_html(build, assessment)


def write(build, site_dir: str) -> None:
    """The CSV files of the closed bulletins and of the assessments (UTF-8 with BOM)."""
    for bulletin in build.incentives.bulletins:
        for table in ArchiveTables(build, bulletin).all():
            _write_table(site_dir, table)
    for assessment in build.incentives.assessments.values():
        _write_table(site_dir, assessment_table(build, assessment, assessment.results, "全部单位", "results.csv"))
        for level in LEVEL_ORDER:
            results = sorted((r for r in assessment.results if r.unit.level == level), key=lambda r: r.rank_level)
            if results:
                _write_table(site_dir, assessment_table(build, assessment, results, "", f"results-{level}.csv"))
