"""The 考核评比激励 registers read from a content folder on disk (no site build): which files are
read, where their problems go, and posts dated into a closed bulletin."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.bulletins import close_period
from site_builder.core.content import Portal
from site_builder.core.incentives import Incentives, load_incentives, read_files
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import Post
from site_builder.core.problems import Problem

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=TZ)
ORGS = load_orgs(ORGS_YML)[0]
CONFIG = PortalConfig()


def write(root: Path, rel: str, data: bytes = b"x") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def post(day: str) -> Post:
    return Post(source=f"tax/np/{day}.md", system="tax", unit="np", title="t",
                date=datetime.fromisoformat(day).replace(tzinfo=TZ), type="news", body="x")


def test_read_files_reads_honours_and_the_yml_files_of_both_folders(tmp_path):
    write(tmp_path, "honours.yml", b"h")
    write(tmp_path, "assessments/2026.yml", b"a6")
    write(tmp_path, "assessments/2025.yml", b"a5")
    write(tmp_path, "bulletins/2026-10.yml", b"b")
    assert read_files(str(tmp_path)) == {"honours.yml": b"h", "assessments/2025.yml": b"a5",
                                         "assessments/2026.yml": b"a6", "bulletins/2026-10.yml": b"b"}
    assert list(read_files(str(tmp_path))) == ["honours.yml", "assessments/2025.yml", "assessments/2026.yml",
                                               "bulletins/2026-10.yml"]


def test_read_files_leaves_out_other_hidden_and_nested_files(tmp_path):
    write(tmp_path, "assessments/notes.md")
    write(tmp_path, "assessments/.2026.yml")
    write(tmp_path, "assessments/2026.yml.bak")
    write(tmp_path, "assessments/sub/2026.yml")
    write(tmp_path, "bulletins/2026.yaml")
    write(tmp_path, "other/2026.yml")
    write(tmp_path, "tax/honours.yml")
    (tmp_path / "bulletins/2026-09.yml").mkdir()
    assert read_files(str(tmp_path)) == {}


def test_register_folders_that_are_files_are_not_read(tmp_path):
    write(tmp_path, "assessments")
    write(tmp_path, "bulletins")
    assert read_files(str(tmp_path)) == {}


def test_an_empty_content_folder_has_no_incentives(tmp_path):
    portal = Portal(ORGS, [post("2026-10-15")], [])
    assert load_incentives(str(tmp_path), portal, CONFIG, NOW) == Incentives()
    assert portal.problems == []


def test_register_problems_join_the_portals_problems(tmp_path):
    write(tmp_path, "honours.yml", "title: 表彰\n".encode())
    write(tmp_path, "bulletins/2026-10.yml", b"\xff\xfe")
    write(tmp_path, "assessments/2026.yml", b"- a\n")
    earlier = Problem("tax/np/a.md", 3, "别的问题")
    portal = Portal(ORGS, [], [earlier])
    incentives = load_incentives(str(tmp_path), portal, CONFIG, NOW)
    assert portal.problems[0] == earlier
    assert [p.path for p in portal.problems[1:]] == ["bulletins/2026-10.yml", "assessments/2026.yml", "honours.yml"]
    assert (incentives.bulletins, incentives.assessments, incentives.honours, incentives.warnings) == ([], {}, [], [])
    assert set(incentives.files) == {"honours.yml", "bulletins/2026-10.yml", "assessments/2026.yml"}


def test_honours_and_assessments_name_units_of_the_registry(tmp_path):
    write(tmp_path, "honours.yml", "- year: 2026\n  title: 三级联创先进单位\n  by: 省直机关工委\n  units: [tax/np-jo]\n".encode())
    write(tmp_path, "assessments/2026.yml",
          "items:\n  - {id: upper, name: 上评, weight: 40}\nresults:\n  - unit: tax/np-jo\n    scores: {upper: 92}\n".encode())
    portal = Portal(ORGS, [], [])
    incentives = load_incentives(str(tmp_path), portal, CONFIG, NOW)
    assert portal.problems == []
    [honour] = incentives.honours
    assert (honour.year, honour.title, [u.key for u in honour.units]) == (2026, "三级联创先进单位", ["tax/np-jo"])
    assert list(incentives.assessments) == [2026]


def test_a_post_dated_into_a_closed_bulletin_is_a_warning_not_a_problem(tmp_path):
    source, text = close_period("2026-10", ORGS, [post("2026-10-02")], CONFIG, NOW, [])
    write(tmp_path, source, text.encode())
    late, counted, later = post("2026-10-15"), post("2026-10-02"), post("2026-11-01")
    portal = Portal(ORGS, [late, counted, later], [])
    incentives = load_incentives(str(tmp_path), portal, CONFIG, NOW)
    assert portal.problems == []
    assert [b.source for b in incentives.bulletins] == ["bulletins/2026-10.yml"]
    assert [w.path for w in incentives.warnings] == ["tax/np/2026-10-15.md"]
    assert incentives.files == {"bulletins/2026-10.yml": text.encode()}
