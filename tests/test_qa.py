"""有问必答: waiting days, overdue marks, /qa/ ordering and filters, question pages, adoption.

The fixture is the one of the bulletin tests (stats_fixture.py); reference time
2026-11-25 20:00 Asia/Shanghai, a Wednesday.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from lxml import html as lxml_html

from portal_factory import FIXED_EPOCH, ORGS_YML, PortalTree, build
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post
from site_builder.core.qa import (
    days_text,
    days_to_answer,
    days_waiting,
    is_overdue,
    median,
    qa_figures,
    workdays_between,
)
from site_builder.core.urls import reserved_ids
from stats_fixture import PENDING_OVERDUE, fixture_tree, question, write_config

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=TZ)


def qa_post(asked: str, answered: str | None = None) -> Post:
    def moment(text):
        return datetime.fromisoformat(text).replace(tzinfo=TZ) if text else None
    return Post(source=f"tax/np/{asked}.md", system="tax", unit="np", title="问", date=moment(asked), type="qa",
                body="答" if answered else "", question="问？", answered=moment(answered))


def page(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))


def article(site: Path, url: str):
    return page(site, url).xpath("//article")[0]


def section_items(root, heading_start: str) -> list:
    """The list items of the portal section whose heading starts with `heading_start`."""
    sections = [s for s in root.xpath('.//section[contains(@class,"portal-section")]')
                if s.xpath("./h2")[0].text_content().startswith(heading_start)]
    assert sections, heading_start
    return sections[0].xpath(".//li")


def titles(items) -> list[str]:
    return [li.xpath('.//p[contains(@class,"portal-item-title")]/a')[0].text_content() for li in items]


def qa_unit_table(root) -> dict[str, list[str]]:
    rows = root.xpath('.//div[contains(@class,"portal-qa-units")]//tbody/tr')
    return {r.xpath("./td")[0].text_content(): [c.text_content() for c in r.xpath("./td")[1:]] for r in rows}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("qa")
    tree = fixture_tree(root)
    ok, site = build(tree, strict=True, config=str(write_config(root)))
    assert ok
    return site


# -- core ------------------------------------------------------------------


def test_working_days_skip_weekends():
    assert workdays_between(date(2026, 11, 20), date(2026, 11, 25)) == 3  # Fri → Wed: Mon, Tue, Wed
    assert workdays_between(date(2026, 11, 16), date(2026, 11, 25)) == 7
    assert workdays_between(date(2026, 10, 12), date(2026, 11, 25)) == 32
    assert workdays_between(date(2026, 11, 21), date(2026, 11, 22)) == 0  # a weekend
    assert workdays_between(date(2026, 11, 25), date(2026, 11, 25)) == 0


def test_overdue_only_past_the_limit_and_only_while_pending():
    five = qa_post("2026-11-18")  # Thu … Wed: 5 working days, not more
    assert days_waiting(five, NOW) == 5 and not is_overdue(five, NOW, 5)
    six = qa_post("2026-11-17")
    assert days_waiting(six, NOW) == 6 and is_overdue(six, NOW, 5)
    assert not is_overdue(six, NOW, 6)
    assert not is_overdue(qa_post("2026-10-01", "2026-11-20"), NOW, 5)


def test_qa_figures_and_median():
    questions = [qa_post("2026-11-02", "2026-11-06"), qa_post("2026-11-09", "2026-11-11"),
                 qa_post("2026-09-28", "2026-10-08"), qa_post("2026-11-16"), qa_post("2026-11-20")]
    assert [days_to_answer(q) for q in questions] == [4, 2, 10, None, None]
    figures = qa_figures(questions, NOW, 5)
    assert (figures.answered, figures.median_days, figures.pending, figures.overdue) == (3, 4.0, 2, 1)
    assert median([4, 2]) == 3.0 and median([1, 2]) == 1.5 and median([]) is None
    assert days_text(1.5) == "1.5" and days_text(4.0) == "4" and days_text(None) == "—"


def test_ask_cannot_be_a_system_id():
    orgs_text = ORGS_YML.replace("id: radio", "id: ask")
    orgs, problems = load_orgs(orgs_text, "orgs.yml", reserved_ids(PortalConfig().columns))
    assert "ask" not in orgs.systems
    assert any("ask" in p.message for p in problems)


# -- /qa/ ------------------------------------------------------------------


def test_pending_questions_first_with_unit_and_waiting_days(site):
    root = article(site, "qa")
    pending = section_items(root, "待答复")
    # oldest question first: it has waited longest
    assert titles(pending) == ["联合党日交通费如何列支", "志愿服务时长能否计入考核", "新近提出的问题"]
    waited = [li.xpath('.//*[contains(@class,"portal-waiting")]')[0].text_content() for li in pending]
    assert waited == ["32", "7", "3"]
    overdue = [bool(li.xpath('.//*[contains(@class,"portal-overdue")]')) for li in pending]
    assert overdue == [True, True, False]
    units = [li.xpath('.//p[contains(@class,"portal-item-meta")]/a')[0].text_content() for li in pending]
    assert units == ["省广播电视局", "南平市税务局", "南平市税务局"]
    sections = [h.text_content() for h in root.xpath(".//section/h2")]
    assert sections.index("待答复（3）") < sections.index("已答复（5）")


def test_answered_questions_newest_answer_first(site):
    answered = section_items(article(site, "qa"), "已答复")
    assert titles(answered) == ["两天答复的问题", "支委会记录能否合用", "九月提出的问题", "六月的问题", "去年的问题"]
    meta = answered[1].xpath('.//p[contains(@class,"portal-item-meta")]')[0].text_content()
    assert "提问：2026-11-02" in meta and "答复：2026-11-06" in meta and "用时 4 天" in meta


def test_per_unit_figures_on_qa_page(site):
    table = qa_unit_table(article(site, "qa"))
    # unit: answered, median days, pending, overdue (all time)
    assert table == {"省税务局": ["2", "4", "0", "0"], "南平市税务局": ["3", "4", "2", "1"],
                     "省广播电视局": ["0", "—", "1", "1"]}


def test_filter_pages_per_system_and_unit(site):
    tax = article(site, "qa/tax")
    assert titles(section_items(tax, "待答复")) == ["志愿服务时长能否计入考核", "新近提出的问题"]
    assert set(qa_unit_table(tax)) == {"省税务局", "南平市税务局"}
    radio = article(site, "qa/radio")
    assert titles(section_items(radio, "待答复")) == ["联合党日交通费如何列支"]
    unit = article(site, "qa/tax/np")
    assert titles(section_items(unit, "已答复")) == ["两天答复的问题", "支委会记录能否合用", "九月提出的问题"]
    figures = unit.xpath('.//p[contains(@class,"portal-qa-figures")]')[0].text_content()
    assert "已答复 3 个" in figures and "答复用时中位数 4 天" in figures and "逾期 1 个" in figures
    filters = [a.text_content() for a in page(site, "qa").xpath('//p[contains(@class,"portal-filters")]/a')]
    assert filters == ["全部", "税务系统", "广播电视系统"]


def test_question_page_shows_question_asker_dates_days_and_answer(site):
    root = article(site, "tax/np/2026/q-minutes")
    block = root.xpath('.//div[contains(@class,"portal-question")]')[0].text_content()
    assert "问：支委会和党员大会记录能否合用一本？" in block
    assert "提问人：建瓯市税务局第一党支部" in block
    assert "提问日期：2026-11-02" in block and "答复日期：2026-11-06" in block and "用时：4 天" in block
    assert root.xpath('.//h2[@id="portal-answer"]')
    assert "不能合用，应分别记录。" in root.xpath('.//div[contains(@class,"portal-body")]')[0].text_content()
    pending = article(site, PENDING_OVERDUE[:-3]).xpath('.//div[contains(@class,"portal-question")]')[0].text_content()
    assert "待答复" in pending and "答复日期" not in pending


def test_unit_page_shows_its_qa_figures(site):
    figures = article(site, "tax/np").xpath('.//p[contains(@class,"portal-qa-figures")]')[0].text_content()
    assert "已答复 3 个" in figures and "待答复 2 个" in figures and "逾期 1 个" in figures
    assert not article(site, "tax/sm").xpath('.//p[contains(@class,"portal-qa-figures")]')


def test_how_to_ask_page(site):
    root = article(site, "qa/ask")
    text = root.text_content()
    assert "portal new --unit tax/np --type qa" in text and "有问必答：我要提问" in text
    assert "answered:" in text and "tax/np-jo" in text
    assert root.xpath('.//a[@href="../"]')  # back to /qa/
    assert article(site, "qa").xpath('.//a[@href="ask/"]')


def test_issue_template_is_a_valid_issue_form():
    import yaml

    form = yaml.safe_load((Path(__file__).parent.parent / ".github/ISSUE_TEMPLATE/question.yml").read_text(encoding="utf-8"))
    assert form["name"] and form["description"]
    ids = {item.get("id"): item for item in form["body"] if item["type"] != "markdown"}
    assert set(ids) == {"unit", "kind", "question", "asked_by"}
    assert ids["unit"]["validations"]["required"] and ids["question"]["validations"]["required"]
    assert ids["question"]["type"] == "textarea"


# -- adoption --------------------------------------------------------------


def test_adopted_post_shows_badges_and_adopters_list_it(site):
    badges = [b.text_content() for b in article(site, "tax/np-jo/2026/a1").xpath('.//*[contains(@class,"portal-adopted")]')]
    assert badges == ["被南平市税务局采用", "被省税务局采用"]
    adopted = titles(section_items(article(site, "tax/np"), "本单位采用的稿件"))
    assert adopted == ["建瓯笋竹产业税费服务", "建瓯支部共建经验"]
    assert titles(section_items(article(site, "tax/prov"), "本单位采用的稿件")) == ["南平市局十一月动态", "建瓯笋竹产业税费服务"]
    assert not [s for s in article(site, "tax/np-jo").xpath(".//section/h2") if s.text_content() == "本单位采用的稿件"]


# -- answering moves a question --------------------------------------------


def test_answering_a_question_moves_it_and_updates_the_figures(tmp_path):
    tree = fixture_tree(tmp_path)
    config = str(write_config(tmp_path))
    ok, site = build(tree, strict=True, config=config)
    assert ok
    assert "志愿服务时长能否计入考核" in titles(section_items(article(site, "qa"), "待答复"))
    question(tree, PENDING_OVERDUE, "志愿服务时长能否计入考核", "2026-11-16", "党员志愿服务时长能否计入支部考核？",
             answered="2026-11-24", body="可以作为参考依据之一。", asked_by="武夷山市税务局第三党支部")
    ok, site = build(tree, strict=True, config=config)
    assert ok
    root = article(site, "qa")
    assert titles(section_items(root, "待答复")) == ["联合党日交通费如何列支", "新近提出的问题"]
    answered = section_items(root, "已答复")
    assert titles(answered)[0] == "志愿服务时长能否计入考核"
    assert "用时 8 天" in answered[0].text_content()
    # answered 4, 2, 10 and 8 days → median 6; nothing overdue any more
    assert qa_unit_table(root)["南平市税务局"] == ["4", "6", "1", "0"]
    rows = list(csv.DictReader(io.StringIO((site / "stats" / "units-month.csv").read_text(encoding="utf-8-sig"))))
    np_row = next(r for r in rows if (r["system"], r["unit"]) == ("tax", "np"))
    # 1 + 4 + 2×1.5 + 0.5 (answered after 6 working days: late), no overdue deduction; answered 4, 2, 8 days → median 4
    assert (np_row["answered"], np_row["median_answer_days"], np_row["overdue"], np_row["score"]) == ("3", "4", "0", "8.5")


def test_overdue_limit_comes_from_mkdocs_yml(tmp_path):
    from portal_factory import PortalTree

    tree = PortalTree(tmp_path)
    question(tree, PENDING_OVERDUE, "志愿服务时长能否计入考核", "2026-11-16", "党员志愿服务时长能否计入支部考核？")
    config = write_config(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace("qa_overdue_workdays: 5", "qa_overdue_workdays: 7"),
                      encoding="utf-8")
    ok, site = build(tree, strict=True, config=str(config))
    assert ok
    root = article(site, "qa")
    assert not root.xpath('.//*[contains(@class,"portal-overdue")]')  # 7 working days is not more than 7
    assert "超过 7 个工作日" in root.text_content()
    assert "超过 7 个工作日" in article(site, "stats").text_content()


# -- weekends, and answers out of the order asked --------------------------

SUNDAY = str(int(FIXED_EPOCH) + 4 * 86400)  # 2026-11-29 20:00 Asia/Shanghai, a Sunday


@pytest.fixture(scope="module")
def weekend_site(tmp_path_factory) -> Path:
    """Questions asked on a Saturday, a Monday, a holiday (Tuesday 11-24) and a Friday, measured on
    a Sunday with a limit of 4 working days; Saturday 11-28 is a working day (调休, calendar.yml).
    Two answers given in the opposite order of their questions."""
    root = tmp_path_factory.mktemp("qa-weekend")
    tree = PortalTree(root)
    tree.write("calendar.yml", 'holidays: ["2026-11-24"]\nworkdays: ["2026-11-28"]\n')
    question(tree, "tax/np/q-saturday.md", "周六提问", "2026-11-21", "周六提出的问题？")  # Mon, Wed–Sat: 5
    question(tree, "tax/np/q-monday.md", "周一提问", "2026-11-23", "周一提出的问题？")  # Wed–Sat: 4
    question(tree, "tax/np/q-holiday.md", "节日提问", "2026-11-24", "节日提出的问题？")  # Wed–Sat: 4
    question(tree, "tax/np/q-friday.md", "周五提问", "2026-11-27", "周五提出的问题？")  # Sat (working), Sun: 1
    question(tree, "tax/np/q-early.md", "早问晚答", "2026-09-01", "九月一日提出的问题？",
             answered="2026-11-20", body="十一月二十日答复。")
    question(tree, "tax/np/q-late.md", "晚问早答", "2026-11-02", "十一月二日提出的问题？",
             answered="2026-11-03", body="次日答复。")
    config = write_config(root)
    config.write_text(config.read_text(encoding="utf-8").replace("qa_overdue_workdays: 5", "qa_overdue_workdays: 4"),
                      encoding="utf-8")
    ok, site = build(tree, strict=True, config=str(config), epoch=SUNDAY)
    assert ok
    return site


def test_waiting_days_asked_and_measured_on_weekends_and_holidays(weekend_site):
    pending = section_items(article(weekend_site, "qa"), "待答复")
    assert titles(pending) == ["周六提问", "周一提问", "节日提问", "周五提问"]
    waited = [li.xpath('.//*[contains(@class,"portal-waiting")]')[0].text_content() for li in pending]
    assert waited == ["5", "4", "4", "1"]
    overdue = [bool(li.xpath('.//*[contains(@class,"portal-overdue")]')) for li in pending]
    assert overdue == [True, False, False, False]  # more than 4 working days: only the Saturday question
    # answered in 80 and 1 days (calendar days); 4 pending, 1 overdue
    assert qa_unit_table(article(weekend_site, "qa"))["南平市税务局"] == ["2", "40.5", "4", "1"]


def test_answered_questions_follow_the_answer_date_not_the_question_date(weekend_site):
    answered = section_items(article(weekend_site, "qa"), "已答复")
    assert titles(answered) == ["早问晚答", "晚问早答"]
    feed = feedparser.parse((weekend_site / "qa" / "answered-rss.xml").read_bytes())
    assert [e.link.rsplit("/", 2)[-2] for e in feed.entries] == ["q-early", "q-late"]
    assert feed.entries[0].published == "Fri, 20 Nov 2026 00:00:00 +0800"
