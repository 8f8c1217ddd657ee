"""The small portal the 信息工作通报 and 有问必答 tests share, and its mkdocs.yml.

Reference time: 2026-11-25 20:00 Asia/Shanghai (a Wednesday), from FIXED_EPOCH.
Periods: month = 2026-11, quarter = 2026 Q4 (Oct–Dec), year = 2026, all time.
Every expected figure in the tests is worked out by hand from the posts below.
"""

from __future__ import annotations

from pathlib import Path

from portal_factory import PortalTree

# Weights chosen so that every term of the score is distinguishable.
CONFIG_TEXT = """\
site_name: 测试门户
site_url: http://127.0.0.1:8000/
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
plugins:
  - portal:
      columns:
        policy: 政策解读
      qa_overdue_workdays: 5
      score:
        column: {news: 1, experience: 3, qa: 0.5, policy: 2}
        adoption: {province: 4, city: 2, county: 1}
        answered: 1.5
        overdue: 2
markdown_extensions:
  - toc
  - tables
"""

PENDING_OVERDUE = "tax/np/2026/q-pending-old.md"  # asked 2026-11-16: 7 working days → overdue


def write_config(root: Path) -> Path:
    path = root / "mkdocs.yml"
    path.write_text(CONFIG_TEXT, encoding="utf-8")
    return path


def question(tree: PortalTree, rel: str, title: str, asked: str, text: str, answered: str | None = None,
             body: str = "", asked_by: str | None = None) -> None:
    extra = {"question": text}
    if asked_by:
        extra["asked_by"] = asked_by
    if answered:
        extra["answered"] = answered
    tree.post(rel, title, asked, "qa", body, **extra)


def fixture_tree(root: Path) -> PortalTree:
    """Nine units (tax: prov › np, sm › np-jo, np-wys, sm-yx; radio: prov › np › np-jo) and their posts."""
    tree = PortalTree(root)
    tree.write("index.md", "# 测试门户\n")
    # tax/np-jo (county)
    tree.post("tax/np-jo/2026/a1.md", "建瓯笋竹产业税费服务", "2026-11-10", "news", featured_by="[tax/np, tax/prov]")
    tree.post("tax/np-jo/2026/a2.md", "建瓯支部共建经验", "2026-10-05", "experience", featured_by="[tax/np]")
    tree.post("tax/np-jo/2026/a3.md", "建瓯三月动态", "2026-03-02", "news")
    tree.post("tax/np-jo/2025/a4.md", "建瓯去年年底动态", "2025-12-20", "news")
    # tax/np (city)
    tree.post("tax/np/2026/b1.md", "南平市局十一月动态", "2026-11-20", "news", featured_by="[tax/prov]")
    question(tree, "tax/np/2026/q-minutes.md", "支委会记录能否合用", "2026-11-02", "支委会和党员大会记录能否合用一本？",
             answered="2026-11-06", body="不能合用，应分别记录。", asked_by="建瓯市税务局第一党支部")
    question(tree, "tax/np/2026/q-september.md", "九月提出的问题", "2026-09-28", "九月提出、十月答复的问题？",
             answered="2026-10-08", body="十月八日答复。")
    question(tree, PENDING_OVERDUE, "志愿服务时长能否计入考核", "2026-11-16", "党员志愿服务时长能否计入支部考核？",
             asked_by="武夷山市税务局第三党支部")
    question(tree, "tax/np/2026/q-pending-new.md", "新近提出的问题", "2026-11-20", "十一月二十日提出的问题？")  # 3 working days
    question(tree, "tax/np/2026/q-quick.md", "两天答复的问题", "2026-11-09", "十一月九日提出的问题？",
             answered="2026-11-11", body="两天后答复。")
    tree.post("tax/np/2026/b6.md", "南平市局政策解读", "2026-07-01", "policy")
    # tax/prov (province)
    tree.post("tax/prov/2026/c1.md", "省局经验交流", "2026-11-03", "experience")
    question(tree, "tax/prov/2026/q-june.md", "六月的问题", "2026-06-01", "六月一日提出的问题？",
             answered="2026-06-02", body="次日答复。")
    question(tree, "tax/prov/2025/q-last-year.md", "去年的问题", "2025-11-03", "去年十一月提出的问题？",
             answered="2025-11-10", body="一周后答复。")
    # tax/sm (city): nothing at all. tax/sm-yx (county):
    tree.post("tax/sm-yx/2026/d1.md", "永安一带二结对", "2026-10-15", "news", featured_by="[tax/sm]")
    tree.post("tax/sm-yx/2026/d2.md", "永安草稿", "2026-11-24", "news", draft="true")
    # tax/np-wys (county)
    tree.post("tax/np-wys/2026/e1.md", "武夷山二月动态", "2026-02-10", "news")
    # radio
    question(tree, "radio/prov/q-fees.md", "联合党日交通费如何列支", "2026-10-12",
             "联合主题党日交通费从哪里列支？")  # 32 working days: overdue
    tree.post("radio/np/n1.md", "南平文旅局动态", "2026-11-05", "news")
    tree.post("radio/np/n2.md", "南平文旅局经验", "2026-11-06", "experience", featured_by="[radio/prov]")
    tree.post("radio/np-jo/j1.md", "建瓯融媒体八月动态", "2026-08-08", "news")
    return tree
