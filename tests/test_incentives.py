"""考核评比激励: assessment totals and ranks (hand-computed), their checks, honours, and closed
bulletins (通报存档) that a back-dated post never changes — in the core and in built sites."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from lxml import html as lxml_html

from portal_factory import FIXED_EPOCH, ORGS_YML, PortalTree, build
from site_builder.cli import main
from site_builder.core.assessment import load_assessments
from site_builder.core.bulletins import load_bulletins, parse_period
from site_builder.core.honours import load_honours
from site_builder.core.orgs import load_orgs
from stats_fixture import fixture_tree, write_config

ORGS = load_orgs(ORGS_YML)[0]

ASSESSMENT = """\
items:
  - {id: upper, name: 上评, weight: 40}
  - {id: lower, name: 下测, weight: 30}
  - {id: joint, name: 联考, weight: 30}
results:
  - unit: tax/np-jo
    scores: {upper: 92, lower: 88, joint: 90}
    bonus: 2
  - unit: tax/np-wys
    scores: {upper: 90, lower: 90.5, joint: 88}
  - unit: tax/sm-yx
    scores: {upper: 89.55, lower: 89.55, joint: 89.55}
  - unit: radio/np-jo
    scores: {upper: 85, lower: 90, joint: 90.75}
  - unit: tax/np
    scores: {upper: 85, lower: 85, joint: 85}
    bonus: -1
  - unit: radio/np
    scores: {upper: 84, lower: 84, joint: 84}
"""
# By hand: Σ score × weight / 100 + bonus
TOTALS = {
    "tax/np-jo": "92.20",  # (3680 + 2640 + 2700) / 100 + 2
    "tax/np-wys": "89.55",  # (3600 + 2715 + 2640) / 100
    "tax/sm-yx": "89.55",
    "radio/np-jo": "88.23",  # (3400 + 2700 + 2722.5) / 100 = 88.225 → 88.23 (binary floats round it to 88.22)
    "tax/np": "84.00",  # 85 − 1
    "radio/np": "84.00",
}
# Equal totals share a rank (1, 2, 2, 4)
RANK_LEVEL = {"tax/np-jo": 1, "tax/np-wys": 2, "tax/sm-yx": 2, "radio/np-jo": 4, "tax/np": 1, "radio/np": 1}
RANK_SYSTEM = {"tax/np-jo": 1, "tax/np-wys": 2, "tax/sm-yx": 2, "tax/np": 4, "radio/np-jo": 1, "radio/np": 2}


def assessments(files: dict[str, str]):
    return load_assessments({k: v.encode("utf-8") for k, v in files.items()}, ORGS)


def test_assessment_totals_and_ranks_by_hand():
    found, problems = assessments({"assessments/2026.yml": ASSESSMENT})
    assert problems == []
    results = {r.unit.key: r for r in found[2026].results}
    assert {k: str(r.total) for k, r in results.items()} == TOTALS
    assert round(88.225, 2) == 88.22 and results["radio/np-jo"].total == Decimal("88.23")  # why Decimal
    assert {k: r.rank_level for k, r in results.items()} == RANK_LEVEL
    assert {k: r.rank_system for k, r in results.items()} == RANK_SYSTEM
    assert [r.unit.key for r in found[2026].results][:3] == ["tax/np", "tax/np-jo", "tax/np-wys"]  # registry order


def test_assessment_checks_name_file_line_and_fix():
    bad_results = ASSESSMENT.replace("tax/np-wys", "tax/nowhere").replace("{upper: 85, lower: 85, joint: 85}",
                                                                          "{upper: 85, lower: 85}")
    bad_results = bad_results.replace("joint: 90.75", "joint: 101")
    bad_items = ASSESSMENT.replace("weight: 30}\n  - {id: joint", "weight: 0}\n  - {id: joint")
    found, problems = assessments({"assessments/2026.yml": bad_results, "assessments/2025.yml": bad_items,
                                   "assessments/last.yml": "items: []"})
    text = sorted(p.text() for p in problems)
    assert any(t.startswith("assessments/2026.yml:9: 单位“tax/nowhere”不存在") for t in text), text
    assert any(t.startswith("assessments/2026.yml:14: 单位“radio/np-jo”的“joint”得分“101”不在 0–100 之间") for t in text), text
    assert any(t.startswith("assessments/2026.yml:16: 单位“tax/np”缺少考核项目“joint”（联考）的得分") and "修改方法" in t
               for t in text), text
    assert any(t.startswith("assessments/2025.yml:3: 考核项目“lower”的权重 weight“0”不是正数") for t in text), text
    assert any(t.startswith("assessments/last.yml: 考核文件名应是四位年份") for t in text), text
    assert 2025 not in found  # no total without valid weights
    assert {r.unit.key for r in found[2026].results} == {"tax/np-jo", "tax/sm-yx", "radio/np"}


def test_honours_by_year_and_their_checks():
    text = ("- year: 2025\n  title: 先进单位\n  units: [tax/np]\n"
            "- year: 2026\n  title: 三级联创先进单位\n  by: 省直机关工委\n  units: [tax/np-jo, radio/np]\n"
            "- year: 2026\n  title: 优秀信息员单位\n  units: [tax/nowhere]\n")
    honours, problems = load_honours({"honours.yml": text.encode("utf-8")}, ORGS)
    assert [(h.year, h.title) for h in honours] == [(2026, "三级联创先进单位"), (2025, "先进单位")]
    assert len(problems) == 1 and problems[0].text().startswith("honours.yml:10: 受表彰单位“tax/nowhere”不存在 修改方法：写成 ")


def test_periods_of_closed_bulletins():
    quarter, month, year = parse_period("2026-Q3"), parse_period("2026-11"), parse_period("2026")
    assert quarter is not None and month is not None and year is not None
    assert (str(quarter.start), str(quarter.end)) == ("2026-07-01", "2026-10-01")
    assert month.name == "2026年11月" and year.name == "2026年"
    assert parse_period("2026-13") is None and parse_period("2026-Q5") is None and parse_period("26-1") is None


# -- built sites -------------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def article_text(path) -> str:
    return " ".join(lxml_html.parse(str(path)).getroot().xpath("//article")[0].text_content().split())


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


@pytest.fixture
def closed(tmp_path, monkeypatch, capsys):
    """The stats fixture with 2026-Q3 closed on 2026-11-25, and a site built from it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    tree = fixture_tree(tmp_path)
    config = str(write_config(tmp_path))
    code, out, err = run(capsys, "--config", config, "bulletin", "--close", "2026-Q3", "--content", str(tree.content))
    assert code == 0, err
    return tree, config


def test_closing_writes_the_figures_and_refuses_twice_or_early(closed, capsys):
    tree, config = closed
    text = (tree.content / "bulletins" / "2026-Q3.yml").read_text(encoding="utf-8")
    assert "number: 1\n" in text and 'issued: "2026-11-25"' in text and 'comment: ""' in text
    (bulletin,), problems = load_bulletins({"bulletins/2026-Q3.yml": text.encode("utf-8")})
    assert problems == [] and bulletin.title == "2026年第1期（2026年第三季度）"
    rows = {f"{r['system']}/{r['unit']}": r for r in bulletin.units}
    # Q3 (Jul–Sep) by hand: tax/np's policy post 07-01 (2 points) and the question asked 09-28 (answered in
    # October: no points in Q3); radio/np-jo's news 08-08 (1 point); nothing else.
    assert (rows["tax/np"]["policy"], rows["tax/np"]["qa"], rows["tax/np"]["score"]) == (1, 1, 2)
    assert (rows["radio/np-jo"]["news"], rows["radio/np-jo"]["score"]) == (1, 1)
    assert (rows["tax/np"]["rank_in_system"], rows["radio/np-jo"]["rank_in_level"]) == (1, 1)
    assert sorted(bulletin.counted) == ["radio/np-jo/j1.md", "tax/np/2026/b6.md", "tax/np/2026/q-september.md"]
    again = run(capsys, "--config", config, "bulletin", "--close", "2026-Q3", "--content", str(tree.content))
    assert again[0] == 1 and "2026年第三季度的通报已经发布" in again[2] and "不能重复发布" in again[2]
    early = run(capsys, "--config", config, "bulletin", "--close", "2026-Q4", "--content", str(tree.content))
    assert early[0] == 1 and "2026年第四季度还没有结束（到 2026-12-31 为止）" in early[2]
    assert not (tree.content / "bulletins" / "2026-Q4.yml").exists()
    second = run(capsys, "--config", config, "bulletin", "--close", "2026-10", "--content", str(tree.content))
    assert second[0] == 0 and "number: 2\n" in (tree.content / "bulletins" / "2026-10.yml").read_text(encoding="utf-8")


def test_a_back_dated_post_never_changes_a_closed_bulletin(closed, capsys):
    tree, config = closed
    path = tree.content / "bulletins" / "2026-Q3.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('comment: ""', "comment: |\n  **表扬**：南平市税务局。"),
                    encoding="utf-8")
    ok, site = build(tree, strict=True, config=config)
    assert ok
    page = site / "stats" / "archive" / "2026-Q3" / "index.html"
    before = (page.read_bytes(), (site / "stats" / "archive" / "2026-Q3" / "units.csv").read_bytes())
    text = article_text(page)
    assert "2026年第1期（2026年第三季度），2026-11-25 发布" in text and "表扬：南平市税务局" in text
    assert "<strong>表扬</strong>" in page.read_text(encoding="utf-8")
    header = before[1].decode("utf-8-sig").split("\r\n")[0]
    assert header.startswith("system,unit,news,experience,qa")
    assert "2026年第1期" in article_text(site / "stats" / "archive" / "index.html")
    assert "通报存档（1 期）" in article_text(site / "stats" / "index.html")
    # a post back-dated into Q3 after the bulletin was issued
    tree.post("tax/np-jo/2026/late.md", "补报的八月稿件", "2026-08-20", "experience")
    ok, site = build(tree, strict=True, config=config)
    assert ok  # a warning, not a problem
    assert (page.read_bytes(), (site / "stats" / "archive" / "2026-Q3" / "units.csv").read_bytes()) == before
    assert int(next(r for r in read_csv(site / "stats" / "units-year.csv") if r["unit"] == "np-jo")["experience"]) == 2
    code, out, _ = run(capsys, "--config", config, "check", "--content", str(tree.content))
    assert code == 0
    warning = next(line for line in out.splitlines() if "late.md" in line)
    assert warning.startswith("警告：") and "2026年第1期（2026年第三季度）（bulletins/2026-Q3.yml）" in warning
    assert "文章日期 2026-08-20" in warning


def test_assessment_honours_and_unit_pages(tmp_path):
    tree = PortalTree(tmp_path)
    tree.write("assessments/2026.yml", ASSESSMENT)
    tree.write("honours.yml", "- year: 2026\n  title: 三级联创先进单位\n  by: 省直机关工委\n  units: [tax/np-jo]\n"
                              "- year: 2025\n  title: 信息工作先进单位\n  units: [tax/np-jo, radio/np]\n")
    tree.post("tax/np-jo/a.md", "动态", "2026-03-02")
    ok, site = build(tree, strict=True)
    assert ok
    rows = {f"{r['system']}/{r['unit']}": r for r in read_csv(site / "assessment" / "2026" / "results.csv")}
    assert list(next(iter(rows.values())))[:3] == ["system", "unit", "total"]
    assert {k: r["total"] for k, r in rows.items()} == TOTALS
    assert {k: int(r["rank_in_level"]) for k, r in rows.items()} == RANK_LEVEL
    text = article_text(site / "assessment" / "2026" / "index.html")
    assert "上评 40（40%）、下测 30（30%）、联考 30（30%）" in text and "保留两位小数（四舍五入）" in text
    unit = article_text(site / "tax" / "np-jo" / "index.html")
    assert "2026年：总分 92.20，县级单位第 1 名，本系统第 1 名" in unit
    assert "2026年 三级联创先进单位（省直机关工委）" in unit and "2025年 信息工作先进单位" in unit
    honours = article_text(site / "honours" / "index.html")
    assert honours.index("2026年") < honours.index("2025年")
    assert not (site / "honours.yml").exists() and not (site / "assessments").exists()
    assert "考核结果" not in article_text(site / "tax" / "sm" / "index.html")


def test_register_changes_rebuild_warm_as_cold(tmp_path, caplog):
    """Editing honours.yml, an assessment and a bulletin's comment: a warm rebuild (same cache)
    writes exactly what a cold build of the edited tree writes."""
    from test_incremental import differences, make_tree

    tree = make_tree(tmp_path / "portal")
    tree.write("assessments/2026.yml", ASSESSMENT)
    tree.write("honours.yml", "- year: 2026\n  title: 先进单位\n  units: [tax/np-jo]\n")
    bulletin = ('period: "2026-Q1"\nname: "2026年第一季度"\nnumber: 1\nissued: "2026-04-02"\nstart: "2026-01-01"\n'
                'end: "2026-03-31"\ncomment: ""\ncolumns: {news: "工作动态"}\nunits:\n'
                '  - {system: "tax", unit: "np", name: "南平市税务局", system_name: "税务系统", level: "city", news: 2}\n'
                "silent: []\ncounted: []\nanswers: []\n")
    tree.write("bulletins/2026-Q1.yml", bulletin)
    cache = tmp_path / "cache"
    assert build(tree, tmp_path / "first", cache_dir=cache)[0]
    tree.write("honours.yml", "- year: 2026\n  title: 先进单位\n  units: [tax/np-jo, radio/np-jo]\n")
    tree.write("assessments/2026.yml", ASSESSMENT.replace("bonus: 2", "bonus: 3"))
    tree.write("bulletins/2026-Q1.yml", bulletin.replace('comment: ""', 'comment: "**通报表扬**南平市税务局"'))
    ok, warm = build(tree, tmp_path / "warm", cache_dir=cache)
    assert ok
    ok, cold = build(tree, tmp_path / "cold", cache_dir=tmp_path / "cache-cold")
    assert ok
    assert differences(warm, cold) == []
    assert "93.20" in (warm / "tax" / "np-jo" / "index.html").read_text(encoding="utf-8")
    assert "表彰" in (warm / "radio" / "np-jo" / "index.html").read_text(encoding="utf-8")
    assert "通报表扬" in (warm / "stats" / "archive" / "2026-Q1" / "index.html").read_text(encoding="utf-8")
