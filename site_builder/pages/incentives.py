"""HTML fragments of the 考核评比激励 registers shown on unit pages: assessment results by
year and honours."""

from __future__ import annotations

from html import escape

from .links import a

ASSESSMENT_URL = "assessment/"
HONOURS_URL = "honours/"


def unit_incentives(incentives, unit, here: str) -> str:
    """The 考核结果 and 表彰 sections of a unit page (empty when the unit has neither)."""
    if incentives is None:
        return ""
    return _results(incentives, unit, here) + _honours(incentives, unit, here)


def _results(incentives, unit, here: str) -> str:
    rows = []
    for year, assessment in incentives.assessments.items():
        result = assessment.result(unit.key)
        if result is not None:
            rows.append(f"<li>{a(f'{ASSESSMENT_URL}{year}/', here, f'{year}年')}：总分 <strong>{result.total}</strong>，"
                        f"{escape(unit.level_name)}单位第 {result.rank_level} 名，本系统第 {result.rank_system} 名</li>")
    if not rows:
        return ""
    return _section("考核结果", f'<ul class="portal-assessment">{"".join(rows)}</ul>')


def _honours(incentives, unit, here: str) -> str:
    rows = [f"<li>{h.year}年 {a(HONOURS_URL, here, h.title)}" + (f"（{escape(h.by)}）" if h.by else "") + "</li>"
            for h in incentives.honours if any(u.key == unit.key for u in h.units)]
    if not rows:
        return ""
    return _section("表彰", f'<ul class="portal-honours">{"".join(rows)}</ul>')


def _section(title: str, body: str) -> str:
    return f'<section class="portal-section"><h2>{escape(title)}</h2>{body}</section>'
