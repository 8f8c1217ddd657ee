"""信息工作通报 (/stats/) with its CSV exports, and the 如何提问 page of 有问必答 (/qa/ask/).

The figures come from `core.stats`; this module only lays them out. Every table of the
bulletin is a `Table`, written both as HTML and as a CSV file (UTF-8 with BOM, so Excel
shows the Chinese correctly), so the page and its exports can never disagree.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape

from .config import LEVEL_ORDER, LEVELS
from .core.comparison import category_coverage, system_comparison
from .core.csvcell import csv_text
from .core.qa import WORKDAY_RULE
from .core.stats import QA_COLUMN, Bulletin, PeriodStats, UnitFigures, compute_bulletin
from .extras import ExtraPage
from .pages.charts import grouped_bars, horizontal_bars, number
from .pages.links import a

STATS_URL = "stats/"
ASK_URL = "qa/ask/"
TOP_UNITS = 10  # units in the "top units" chart of each period
FIXED_COLUMNS = ("news", "experience", "qa")  # the contract's CSV columns come first


@dataclass
class Link:
    """A table cell that links to a site page; CSV files get its text."""

    text: str
    target: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """One table of the bulletin: shown on the page and exported as `file`."""

    file: str
    caption: str
    columns: Sequence[tuple[str, str | None]]  # (CSV header, Chinese header; None = CSV only)
    rows: list[list] = field(default_factory=list)
    folder: str = STATS_URL  # the site folder `file` is written in

    def csv_text(self) -> str:
        """The table as CSV text (every column, machine-readable headers; cells a spreadsheet
        would run as formulas neutralised by `core.csvcell`)."""
        return csv_text([key for key, _ in self.columns], ([_csv_value(v) for v in row] for row in self.rows))

    def html(self, here: str) -> str:
        """The table as HTML (Chinese headers only), with its CSV download link."""
        shown = [i for i, (_, label) in enumerate(self.columns) if label is not None]
        head = "".join(f"<th>{escape(self.columns[i][1])}</th>" for i in shown)
        body = "".join("<tr>" + "".join(f"<td>{_html_value(row[i], here)}</td>" for i in shown) + "</tr>"
                       for row in self.rows)
        empty = "" if self.rows else '<p class="portal-empty">无</p>'
        name = self.file.rsplit("/", 1)[-1]
        download = a(f"{self.folder}{self.file}", here, f"下载 CSV（{name}）", "portal-csv")
        return (f'<div class="portal-table-wrap"><table title="{escape(self.caption)}">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{empty}<p>{download}</p>")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return number(value)
    return str(value)


def _html_value(value, here: str) -> str:
    if isinstance(value, Link):
        return a(value.target, here, value.text)
    if value is None:
        return "—"
    return escape(_csv_value(value))


# -- the tables ------------------------------------------------------------


class BulletinTables:
    """Builds every table of the bulletin from the figures."""

    def __init__(self, build, bulletin: Bulletin):
        self.orgs, self.config, self.bulletin = build.portal.orgs, build.config, bulletin
        self.posts = build.portal.posts
        ordered = [c for c in FIXED_COLUMNS if c in self.config.columns]
        self.columns = ordered + [c for c in self.config.columns if c not in ordered]

    def unit_link(self, figures: UnitFigures) -> Link:
        unit = figures.unit
        return Link(unit.name, f"{unit.system}/{unit.id}/")

    def column_label(self, column: str) -> str:
        """A column's header: the Q&A column counts questions asked of the unit, not its posts."""
        return "收到问题" if column == QA_COLUMN else self.config.column_name(column)

    def counts(self, figures: UnitFigures) -> list:
        return [figures.posts.get(c, 0) for c in self.columns]

    def units(self, stats: PeriodStats) -> Table:
        """Every unit's figures: the export whose header starts with system,unit,news,experience,qa."""
        columns = ([("system", None), ("unit", None)] + [(c, None) for c in self.columns]
                   + [(k, None) for k in ("name", "system_name", "level", "level_name", "posts", "adopted",
                                          "adopted_by_province", "adopted_by_city", "answered", "median_answer_days",
                                          "overdue", "score", "rank_in_level", "rank_in_system", "suggestions",
                                          "written", "answered_late")])
        rows = [[f.unit.system, f.unit.id, *self.counts(f), f.unit.name, self.orgs.systems[f.unit.system].name,
                 f.unit.level, f.unit.level_name, f.total, f.adopted, f.adoptions.get("province", 0),
                 f.adoptions.get("city", 0), f.answered, f.median_days, f.overdue, f.score, f.rank_level, f.rank_system,
                 f.suggestions, f.written, f.answered_late]
                for f in stats.units]
        return Table(f"units-{stats.period.key}.csv", f"{stats.period.name} 各单位明细", columns, rows)

    def level_ranking(self, stats: PeriodStats, level: str) -> Table:
        """Ranking of all units of one level across systems, with every figure."""
        columns = ([("rank", "名次"), ("system", None), ("unit", None), ("name", "单位"), ("system_name", "所属系统")]
                   + [(c, self.column_label(c)) for c in self.columns]
                   + [("written", "撰写稿件"), ("adopted", "被采用"), ("answered", "答复问题"),
                      ("answered_late", "其中超时答复"), ("median_answer_days", "答复用时中位数/天"),
                      ("overdue", "逾期未答"), ("score", "得分")])
        rows = [[f.rank_level, f.unit.system, f.unit.id, self.unit_link(f), self.orgs.systems[f.unit.system].name,
                 *self.counts(f), f.written, f.adopted, f.answered, f.answered_late, f.median_days, f.overdue, f.score]
                for f in stats.by_level[level]]
        return Table(f"ranking-{stats.period.key}-level-{level}.csv", f"{LEVELS[level]}单位排名（{stats.period.name}）",
                     columns, rows)

    def system_ranking(self, stats: PeriodStats, system_id: str) -> Table:
        """Ranking of the units of one system across its three levels."""
        columns = [("rank", "名次"), ("system", None), ("unit", None), ("name", "单位"), ("level", None),
                   ("level_name", "层级"), ("written", "撰写稿件"), ("adopted", "被采用"), ("answered", "答复问题"),
                   ("overdue", "逾期未答"), ("score", "得分")]
        rows = [[f.rank_system, f.unit.system, f.unit.id, self.unit_link(f), f.unit.level, f.unit.level_name,
                 f.written, f.adopted, f.answered, f.overdue, f.score] for f in stats.by_system[system_id]]
        name = self.orgs.systems[system_id].name
        return Table(f"ranking-{stats.period.key}-system-{system_id}.csv", f"{name}排名（{stats.period.name}）",
                     columns, rows)

    def silent(self, stats: PeriodStats) -> Table:
        """Units without any post in the period."""
        columns = [("system", None), ("unit", None), ("name", "单位"), ("system_name", "所属系统"),
                   ("level", None), ("level_name", "层级")]
        rows = [[f.unit.system, f.unit.id, self.unit_link(f), self.orgs.systems[f.unit.system].name,
                 f.unit.level, f.unit.level_name] for f in stats.silent]
        return Table(f"silent-{stats.period.key}.csv", f"本期无投稿的单位（{stats.period.name}）", columns, rows)

    def monthly(self) -> Table:
        """Posts per month and level (the data of the monthly chart)."""
        columns = ([("month", "月份")] + [(lv, LEVELS[lv]) for lv in LEVEL_ORDER] + [("total", "合计")])
        rows = [[m.label, *(m.levels[lv] for lv in LEVEL_ORDER), sum(m.levels.values())] for m in self.bulletin.monthly]
        return Table("monthly.csv", "每月投稿数（按层级）", columns, rows)

    def systems(self, stats: PeriodStats) -> Table:
        """行业之间: the systems side by side for one period."""
        columns = [("system", None), ("system_name", "系统"), ("kind", "类型"), ("units", "单位数"),
                   ("written", "撰写稿件"), ("written_per_unit", "单位平均稿件"), ("adopted", "被采用"),
                   ("answered", "答复问题"), ("overdue", "逾期未答"), ("silent", "无投稿单位"),
                   ("score_per_unit", "单位平均得分")]
        rows = [[f.system.id, Link(f.system.name, f"{f.system.id}/"), f.system.kind_name, f.units, f.written,
                 str(f.written_per_unit), f.adopted, f.answered, f.overdue, f.silent, str(f.score_per_unit)]
                for f in system_comparison(stats, self.orgs)]
        return Table(f"systems-{stats.period.key}.csv", f"各系统比较（{stats.period.name}）", columns, rows)

    def coverage(self, year: int) -> Table:
        """How many of the 五联 categories each unit's posts of `year` covered."""
        categories = self.config.categories
        columns = ([("system", None), ("unit", None), ("name", "单位"), ("level_name", "层级"),
                    ("covered", f"覆盖（共 {len(categories)} 类）")] + [(c, n) for c, n in categories.items()])
        rows = [[c.unit.system, c.unit.id, Link(c.unit.name, f"{c.unit.key}/"), c.unit.level_name,
                 f"{c.count}/{len(categories)}", *("✓" if k in c.categories else "" for k in categories)]
                for c in category_coverage(self.orgs, self.posts, categories, year)]
        return Table(f"categories-{year}.csv", f"五联覆盖（{year}年）", columns, rows)

    def all(self) -> list[Table]:
        """Every table, in page order."""
        tables = [self.monthly()]
        for stats in self.bulletin.periods:
            tables += self.period_tables(stats)
        return tables + [self.systems(self.bulletin.period("year")), self.coverage(self.bulletin.now.year)]

    def period_tables(self, stats: PeriodStats) -> list[Table]:
        return ([self.level_ranking(stats, lv) for lv in LEVEL_ORDER]
                + [self.system_ranking(stats, s) for s in self.orgs.systems]
                + [self.silent(stats), self.units(stats)])


# -- the page --------------------------------------------------------------


def bulletin(build) -> Bulletin:
    """The bulletin of this build (published posts, reference time `build.now`)."""
    return build.derived("bulletin", lambda: compute_bulletin(build.portal.orgs, build.portal.posts, build.config,
                                                             build.now))


def stats_html(build) -> str:
    """HTML body of /stats/."""
    data = bulletin(build)
    tables = BulletinTables(build, data)
    here = STATS_URL
    parts = [f'<p class="portal-stats-date">统计截至 <time datetime="{data.now.date().isoformat()}">'
             f'{data.now.year}年{data.now.month}月{data.now.day}日</time>。统计口径与计分规则见{_anchor("rules", "文末")}。</p>',
             '<p class="portal-stats-nav">' + " · ".join([*(_anchor(s.period.key, f"{s.period.label}（{s.period.name}）")
                                                           for s in data.periods), _anchor("systems", "行业之间"),
                                                         _anchor("categories", "五联覆盖")]) + "</p>",
             _archive_line(build, here), _monthly_section(tables, here)]
    parts += [_period_section(tables, stats, here) for stats in data.periods]
    parts.append(_comparison_section(tables, here))
    parts.append(rules_html(build))
    return "".join(parts)


def _comparison_section(tables: BulletinTables, here: str) -> str:
    """行业之间 and 五联 coverage, for the current year."""
    year = tables.bulletin.period("year")
    return (f'<h2 id="systems">行业之间：各系统比较（{escape(year.period.name)}）</h2>'
            + tables.systems(year).html(here)
            + f'<h2 id="categories">五联覆盖：各单位稿件涉及的分类（{tables.bulletin.now.year}年）</h2>'
            "<p>统计各单位本年度撰写的稿件（不含收到的问题）用到了五联中的几类（按稿件的 category）。</p>"
            + tables.coverage(tables.bulletin.now.year).html(here))


def _archive_line(build, here: str) -> str:
    """A link to the closed bulletins (通报存档), when there are any."""
    closed = build.incentives.bulletins
    if not closed:
        return ""
    return (f'<p class="portal-stats-archive">本页为实时统计；已发布的往期通报（数字固定不变）见'
            f'{a(f"{STATS_URL}archive/", here, f"通报存档（{len(closed)} 期）")}。</p>')


def _anchor(anchor: str, text: str) -> str:
    return f'<a href="#{escape(anchor)}">{escape(text)}</a>'


def _monthly_section(tables: BulletinTables, here: str) -> str:
    months = tables.bulletin.monthly
    # the year on the first month and on each January, so "1月" is never ambiguous across a year's end
    groups = [(f"{m.year}年{m.month}月" if index == 0 or m.month == 1 else f"{m.month}月", f"{m.year}年{m.month}月",
               m.levels) for index, m in enumerate(months)]
    chart = grouped_bars(f"近 {len(months)} 个月每月投稿数（按层级）", groups, {lv: LEVELS[lv] for lv in LEVEL_ORDER},
                         described_by="monthly-data")
    table = tables.monthly()
    return (f'<h2 id="monthly">近 {len(months)} 个月投稿情况</h2>{chart}'
            f'<details id="monthly-data"><summary>查看数据表</summary>{table.html(here)}</details>')


def _period_section(tables: BulletinTables, stats: PeriodStats, here: str) -> str:
    period = stats.period
    span = (f"（{period.start.isoformat()} 至 {_last_day(period)}）" if period.start else "")
    parts = [f'<h2 id="{period.key}">{escape(period.label)}：{escape(period.name)}{escape(span)}</h2>',
             _summary(stats), f"<h3>得分前 {TOP_UNITS} 名</h3>", _top_chart(stats)]
    for level in LEVEL_ORDER:
        parts.append(f"<h3>{LEVELS[level]}单位排名</h3>" + tables.level_ranking(stats, level).html(here))
    parts.append("<h3>各系统排名</h3>")
    for system_id, system in tables.orgs.systems.items():
        parts.append(f"<h4>{escape(system.name)}</h4>" + tables.system_ranking(stats, system_id).html(here))
    parts.append(f"<h3>本期无投稿的单位（{len(stats.silent)} 个）</h3>" + tables.silent(stats).html(here))
    units = tables.units(stats)
    parts.append(f'<p>全部单位明细：{a(f"{STATS_URL}{units.file}", here, f"下载 CSV（{units.file}）", "portal-csv")}</p>')
    return f'<section class="portal-stats-period">{"".join(parts)}</section>'


def _last_day(period) -> str:
    return (period.end - timedelta(days=1)).isoformat()


def _summary(stats: PeriodStats) -> str:
    posts = sum(f.written for f in stats.units)
    adopted = sum(f.adopted for f in stats.units)
    answered = sum(f.answered for f in stats.units)
    overdue = sum(f.overdue for f in stats.units)
    suggestions = sum(f.suggestions for f in stats.units)
    return (f'<p class="portal-stats-summary">共 {len(stats.units)} 个单位，稿件 {posts} 篇，被采用 {adopted} 篇，'
            f"答复问题 {answered} 个，逾期未答 {overdue} 个，收到意见建议 {suggestions} 条，"
            f"{len(stats.silent)} 个单位无投稿。</p>")


def _top_chart(stats: PeriodStats) -> str:
    """The period's best units as bars, with the same figures as a table (for screen readers,
    and for anyone who opens it)."""
    ranked = stats.overall[:TOP_UNITS]
    rows = [(f.unit.name, f"{f.unit.name}（{f.unit.level_name}）", f.score) for f in ranked]
    data = f"top-{stats.period.key}-data"
    chart = horizontal_bars(f"{stats.period.name} 得分前 {TOP_UNITS} 名", rows, described_by=data)
    cells = "".join(f"<tr><td>{index}</td><td>{escape(f.unit.name)}</td><td>{escape(f.unit.level_name)}</td>"
                    f"<td>{number(f.score)}</td></tr>" for index, f in enumerate(ranked, 1))
    table = (f'<div class="portal-table-wrap"><table><thead><tr><th>名次</th><th>单位</th><th>层级</th><th>得分</th>'
             f"</tr></thead><tbody>{cells}</tbody></table></div>")
    return f'{chart}<details id="{data}"><summary>查看数据表</summary>{table}</details>'


def rules_html(build) -> str:
    """The scoring rules, from the weights configured in mkdocs.yml."""
    config, weights = build.config, build.config.score
    limit = config.qa_overdue_workdays
    items = [
        f"稿件：{_column_weights(config, weights)}。稿件按发布日期（date）计入统计期。"
        "有问必答栏目中的问题是别人向本单位提的，不算本单位的稿件，本单位答复了才计分（见“答复”）。",
        f"采用：{_adoption_weights(weights)}（按采用单位的层级计分，只能由本系统内的上级单位采用，一篇稿件被多个单位采用的分别计分；"
        "“被采用”列为被上级采用的稿件篇数）。",
        f"答复：{limit} 个工作日内答复的问题每个 {number(weights.answered)} 分，超过 {limit} 个工作日才答复的每个 "
        f"{number(weights.answered_late)} 分，按答复日期（answered）计入统计期；“答复用时中位数”为这些问题从提问到答复的天数的中位数。",
        f"逾期：提问后超过 {limit} 个工作日仍未答复的问题，每个扣 {number(weights.overdue)} 分"
        f"（{WORKDAY_RULE}；按提问日期计入统计期，以统计截止日为准）；扣分最多扣到 0 分，得分不会是负数。",
        "本期无投稿：本期既没有撰写稿件、也没有答复问题的单位（只收到问题不算投稿）。",
        "排名：按得分从高到低；得分相同时依次比较撰写稿件数、被采用数、答复数，仍相同时按组织登记表中的顺序。",
        "草稿（draft: true）不计入统计。计分权重在 mkdocs.yml 的 portal 插件 score 选项中配置"
        "（score.systems 下可为某个系统单独设置权重）。",
    ]
    items += [f"{escape(build.portal.orgs.systems[s].name)}单独计分：{_column_weights(config, w)}；{_adoption_weights(w)}；"
              f"按时答复 {number(w.answered)} 分，超时答复 {number(w.answered_late)} 分，逾期每个扣 {number(w.overdue)} 分。"
              for s, w in weights.systems.items() if s in build.portal.orgs.systems]
    body = "".join(f"<li>{item}</li>" for item in items)
    return f'<h2 id="rules">统计口径与计分规则</h2><ol class="portal-stats-rules">{body}</ol>'


def _column_weights(config, weights) -> str:
    return "；".join(f"{escape(config.column_name(c))}每篇 {number(weights.column.get(c, 0.0))} 分"
                    for c in config.columns if c != QA_COLUMN)


def _adoption_weights(weights) -> str:
    return "；".join(f"被{LEVELS[lv]}单位采用每次 {number(weights.adoption.get(lv, 0.0))} 分"
                    for lv in LEVEL_ORDER if lv != "county")


# -- how to ask --------------------------------------------------------------


def ask_html(build) -> str:
    """HTML body of the 如何提问 page (pages/ask.py): the ways to submit a question, and the unit ids."""
    from .pages.ask import ask_html as ways_in

    return ways_in(build, _unit_ids_table(build, ASK_URL), _example_unit(build))


def _example_unit(build) -> str:
    units = build.portal.orgs.units()
    cities = [u for u in units if u.level == "city"]
    return (cities or units)[0].key if units else "tax/np"


def _unit_ids_table(build, here: str) -> str:
    rows = []
    for system in build.portal.orgs.systems.values():
        for unit in system.units.values():
            rows.append(f"<tr><td>{escape(system.name)}</td><td>{a(f'{unit.system}/{unit.id}/', here, unit.name)}</td>"
                        f"<td>{escape(unit.level_name)}</td><td><code>{escape(unit.key)}</code></td></tr>")
    return ('<div class="portal-table-wrap"><table><thead><tr><th>系统</th><th>单位</th><th>层级</th>'
            f'<th>提问时填写</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


# -- the feature-module interface (feature.py) ----------------------------

WRITES = ("stats/*.csv",)


def pages(build) -> list[ExtraPage]:
    """The 信息工作通报 page and the 如何提问 page."""
    return [ExtraPage(f"{STATS_URL}index.md", "信息工作通报", lambda: stats_html(build)),
            ExtraPage(f"{ASK_URL}index.md", "如何提问", lambda: ask_html(build), nav_section="栏目")]


def write(build, site_dir: str) -> None:
    """Write every table of the bulletin as a CSV file under `stats/` (UTF-8 with BOM)."""
    folder = os.path.join(site_dir, STATS_URL)
    os.makedirs(folder, exist_ok=True)
    for table in BulletinTables(build, bulletin(build)).all():
        with open(os.path.join(folder, table.file), "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(table.csv_text())


def home_blocks(build) -> list:
    """The home page's 信息工作通报 block: this month's figures and its three best units."""
    from .pages.home import HomeBlock

    stats = bulletin(build).period("month")
    figures = [("稿件", sum(f.total for f in stats.units), "篇"), ("被上级采用", sum(f.adopted for f in stats.units), "篇"),
               ("答复问题", sum(f.answered for f in stats.units), "个"), ("逾期未答", sum(f.overdue for f in stats.units), "个"),
               ("无投稿单位", len(stats.silent), "个")]
    tiles = "".join(f'<li><span class="portal-figure-number">{number}</span><span class="portal-figure-label">'
                    f"{escape(label)}（{unit}）</span></li>" for label, number, unit in figures)
    best = [f for f in stats.overall[:3] if f.score > 0]
    ranking = ""
    if best:
        names = "".join(f"<li>{a(f'{f.unit.system}/{f.unit.id}/', '', f.unit.name)}"
                        f'<span class="portal-titles-meta">{number(f.score)} 分</span></li>' for f in best)
        ranking = f'<h3 class="portal-block-sub">本月得分前三</h3><ol class="portal-best">{names}</ol>'
    body = (f'<p class="portal-titles-meta">{escape(stats.period.name)} · 统计截至 {bulletin(build).now.month}月'
            f'{bulletin(build).now.day}日</p><ul class="portal-figures">{tiles}</ul>{ranking}')
    return [HomeBlock("bulletin", "信息工作通报", body, STATS_URL, order=12)]
