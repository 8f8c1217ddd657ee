"""The registers of the 网络互动平台 read from a content folder on disk (no site build): the
working-day calendar, the topics and `ask.yml`, and the files they come from."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.calendar import PLAIN_WEEK, WorkCalendar
from site_builder.core.intake import AskSettings
from site_builder.core.interact import is_register_source, read_ask, topic_files, with_registers
from site_builder.core.problems import Problem
from site_builder.core.topics import Topic

CONFIG = PortalConfig(site_name="测试门户")
TOPIC = "---\ntitle: {title}\nstart: 2026-11-01\n---\n导语。\n"


def write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("source", "expected"), [
    ("calendar.yml", True), ("ask.yml", True), ("topics/study/index.md", True), ("topics/study/banner.jpg", False),
    ("tax/calendar.yml", False), ("tax/ask.yml", False), ("topics/index.md", False), ("orgs.yml", False)])
def test_register_sources(source, expected):
    assert is_register_source(source) is expected


def test_an_empty_content_folder_leaves_the_settings_as_they_are(tmp_path):
    config, problems = with_registers(str(tmp_path), CONFIG)
    assert problems == [] and config == CONFIG
    assert (config.calendar, config.topics, config.ask) == (PLAIN_WEEK, (), AskSettings())


def test_without_calendar_file_the_configured_calendar_stays(tmp_path):
    own = WorkCalendar(holidays=(date(2026, 10, 1),))
    config, _ = with_registers(str(tmp_path), PortalConfig(calendar=own))
    assert config.calendar == own


def test_the_calendar_file_sets_holidays_and_working_weekends(tmp_path):
    write(tmp_path, "calendar.yml", 'holidays: ["2026-10-01..2026-10-03"]\nworkdays: ["2026-10-10"]\n')
    config, problems = with_registers(str(tmp_path), CONFIG)
    assert problems == []
    assert config.calendar == WorkCalendar((date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)), (date(2026, 10, 10),))
    assert config.site_name == "测试门户"


def test_calendar_problems_are_told_and_its_good_entries_kept(tmp_path):
    write(tmp_path, "calendar.yml", 'holidays: ["2026-10-01"]\nrest: 1\n')
    config, problems = with_registers(str(tmp_path), CONFIG)
    assert [(p.path, p.line, p.message) for p in problems] == [("calendar.yml", 2, "未知的键“rest”")]
    assert config.calendar == WorkCalendar((date(2026, 10, 1),))


def test_a_calendar_not_in_utf8_is_one_problem_and_the_plain_week_stays(tmp_path):
    write(tmp_path, "calendar.yml", "# 国庆\nholidays: [\"2026-10-01\"]\n".encode("gb18030"))
    config, [problem] = with_registers(str(tmp_path), CONFIG)
    assert (problem.path, problem.line) == ("calendar.yml", 1) and problem.message.startswith("文件不是 UTF-8 编码")
    assert config.calendar == PLAIN_WEEK


def test_a_calendar_that_is_a_folder_or_a_link_is_not_read(tmp_path):
    (tmp_path / "calendar.yml").mkdir()
    assert with_registers(str(tmp_path), CONFIG) == (CONFIG, [])
    other = write(tmp_path / "elsewhere", "cal.yml", 'holidays: ["2026-10-01"]\n')
    (tmp_path / "calendar.yml").rmdir()
    os.symlink(other, tmp_path / "calendar.yml")
    assert with_registers(str(tmp_path), CONFIG) == (CONFIG, [])


def test_topics_are_read_in_folder_order_with_their_banners(tmp_path):
    write(tmp_path, "topics/safety/index.md", TOPIC.format(title="安全专题"))
    write(tmp_path, "topics/study/index.md", "---\ntitle: 学习专题\nstart: 2026-10-01\nbanner: b.png\n---\n导语。\n")
    write(tmp_path, "topics/study/b.png", b"\x89PNG")
    config, problems = with_registers(str(tmp_path), CONFIG)
    assert problems == []
    assert config.topics == (
        Topic("safety", "安全专题", date(2026, 11, 1), None, None, "导语。\n", 5, "topics/safety/index.md"),
        Topic("study", "学习专题", date(2026, 10, 1), None, "topics/study/b.png", "导语。\n", 6, "topics/study/index.md"))


def test_a_topic_with_problems_is_left_out_and_its_problems_told(tmp_path):
    write(tmp_path, "topics/good/index.md", TOPIC.format(title="好专题"))
    write(tmp_path, "topics/bad/index.md", "---\ntitle: 坏专题\n---\n")
    write(tmp_path, "topics/Bad-Name/index.md", TOPIC.format(title="x"))
    config, problems = with_registers(str(tmp_path), CONFIG)
    assert [t.id for t in config.topics] == ["good"]
    assert [(p.path, p.line) for p in problems] == [("topics/Bad-Name/index.md", 0), ("topics/bad/index.md", 2)]


def test_files_below_topics_that_are_not_a_topic_file_are_no_topic(tmp_path):
    write(tmp_path, "topics/study/sub/index.md", TOPIC.format(title="x"))
    write(tmp_path, "topics/index.md", TOPIC.format(title="x"))
    write(tmp_path, "topics/study/notes.md", TOPIC.format(title="x"))
    assert with_registers(str(tmp_path), CONFIG) == (CONFIG, [])


def test_topic_files_lists_regular_files_with_their_sizes(tmp_path):
    write(tmp_path, "topics/study/index.md", "12345")
    write(tmp_path, "topics/study/img/a.png", b"123")
    write(tmp_path, "topics/study/.hidden", b"1")
    write(tmp_path, "topics/.git/config", b"1")
    write(tmp_path, "topics/.draft/index.md", b"1")
    write(tmp_path, "other/x.md", b"1")
    outside = write(tmp_path / "outside", "secret.jpg", b"1")
    os.symlink(outside, tmp_path / "topics/study/linked.jpg")
    os.symlink(outside.parent, tmp_path / "topics/linked-folder")
    assert topic_files(str(tmp_path)) == {"topics/study/index.md": 5, "topics/study/img/a.png": 3}


def test_no_topics_folder_no_topic_files(tmp_path):
    assert topic_files(str(tmp_path)) == {}


def test_a_linked_topic_file_is_not_read(tmp_path):
    outside = write(tmp_path / "outside", "index.md", TOPIC.format(title="外来"))
    (tmp_path / "topics/linked").mkdir(parents=True)
    os.symlink(outside, tmp_path / "topics/linked/index.md")
    assert with_registers(str(tmp_path), CONFIG) == (CONFIG, [])


def test_ask_settings_are_checked_against_the_systems_of_orgs_yml(tmp_path):
    write(tmp_path, "orgs.yml", ORGS_YML)
    write(tmp_path, "ask.yml", 'admins: ["@portal-admins"]\ncontacts: {tax: 省税务局 0591-1, nowhere: x}\n')
    settings, problems = read_ask(str(tmp_path))
    assert settings == AskSettings(("@portal-admins",), (("tax", "省税务局 0591-1"),))
    assert problems == [Problem("ask.yml", 2, "contacts 中的系统“nowhere”不在 orgs.yml 中", "改用已登记的系统 id：tax、radio")]
    config, found = with_registers(str(tmp_path), CONFIG)
    assert config.ask == settings and found == problems


def test_without_orgs_yml_no_contact_names_a_known_system(tmp_path):
    write(tmp_path, "ask.yml", "contacts: {tax: 省税务局}\n")
    settings, [problem] = read_ask(str(tmp_path))
    assert settings == AskSettings() and problem.message == "contacts 中的系统“tax”不在 orgs.yml 中"


def test_without_ask_yml_nobody_reviews(tmp_path):
    write(tmp_path, "orgs.yml", ORGS_YML)
    assert read_ask(str(tmp_path)) == (AskSettings(), [])


def test_an_ask_yml_not_in_utf8(tmp_path):
    write(tmp_path, "ask.yml", "contacts: {tax: 省税务局}\n".encode("gb18030"))
    settings, [problem] = read_ask(str(tmp_path))
    assert settings == AskSettings() and problem.path == "ask.yml" and problem.message.startswith("文件不是 UTF-8 编码")


def test_an_orgs_yml_not_in_utf8_knows_no_system(tmp_path):
    write(tmp_path, "orgs.yml", ORGS_YML.encode("utf-16"))
    write(tmp_path, "ask.yml", "contacts: {tax: 省税务局}\n")
    settings, [problem] = read_ask(str(tmp_path))
    assert settings == AskSettings() and problem.message == "contacts 中的系统“tax”不在 orgs.yml 中"


def test_problems_of_every_register_are_told_together(tmp_path):
    write(tmp_path, "calendar.yml", "rest: 1\n")
    write(tmp_path, "topics/bad/index.md", "no front matter\n")
    write(tmp_path, "ask.yml", "other: 1\n")
    _, problems = with_registers(str(tmp_path), CONFIG)
    assert [(p.path, p.line) for p in problems] == [("calendar.yml", 1), ("topics/bad/index.md", 1), ("ask.yml", 1)]
