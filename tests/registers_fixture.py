"""A content tree with every 联创 register, shared by the register site and incremental tests.
SOURCE_DATE_EPOCH of the factory: 2026-11-25 20:00 in Asia/Shanghai, so "today" is 2026-11-25."""

from __future__ import annotations

from pathlib import Path

from portal_factory import ORGS_YML, PortalTree

AREAS = """\
areas:
  - id: np
    name: 南平市
    committee: 中共南平市直属机关工作委员会
  - id: np-jo
    name: 建瓯市
    parent: np
"""

PAIRINGS = """\
- leader: 张明
  role: 省局党委委员、副局长
  unit: tax/prov
  pairs: [tax/np-jo, radio/np-jo]
  since: 2026-06-01
"""

GROUPS = """\
- id: minbei
  name: 闽北联席片
  lead: tax/np
  members: [tax/np, radio/np]
"""


def registry() -> str:
    """The factory's orgs.yml with areas, unit areas, duty and contact."""
    text = AREAS + ORGS_YML
    additions = {
        ("tax", "np"): "        area: np\n",
        ("tax", "np-jo"): ('        area: np-jo\n        contact: "0599-3821234"\n        duty:\n'
                           "          first: 王建国\n          in_charge: 李红\n          officers: [陈敏, 林晓]\n"),
        ("radio", "np"): "        area: np\n",
        ("radio", "np-jo"): "        area: np-jo\n",
    }
    for (system, unit), lines in additions.items():
        start = text.index(f"  - id: {system}\n")
        at = text.index(f"      - id: {unit}\n", start)
        end = text.index("\n", text.index("level:", at)) + 1
        text = text[:end] + lines + text[end:]
    return text


def make_register_tree(root: Path) -> PortalTree:
    """Four projects (overdue by date, overdue by a milestone, done, planned), progress posts,
    a progress post naming a missing project, a pairing, a group, nested areas, duty."""
    tree = PortalTree(root, registry())
    tree.write("index.md", "# 首页\n")
    tree.write("pairings.yml", PAIRINGS)
    tree.write("groups.yml", GROUPS)
    tree.post("tax/prov/2026/p-late.md", "全省税务党建品牌共建", "2026-02-01", "project", body="项目简介。",
              goal="建成一批党建品牌", due="2026-10-31", lead="张明", partners="[radio/prov, tax/np]",
              measure="验收评估")
    tree.post("tax/np/2026/p-steps.md", "闽北党员先锋岗建设", "2026-03-01", "project", body="项目简介。",
              goal="每个县局设立先锋岗", due="2027-03-31", partners="[tax/np-jo]",
              milestones="\n  - {date: 2026-06-30, title: 完成调研, done: 2026-06-28}"
                         "\n  - {date: 2026-09-30, title: 试点挂牌}\n  - {date: 2026-12-31, title: 全面推开}")
    tree.post("radio/np/2026/p-done.md", "村村通广播维护", "2026-01-10", "project", body="项目简介。",
              goal="完成维护", due="2026-10-31", status="done", finished="2026-10-20")
    tree.post("tax/np-jo/2026/p-plan.md", "竹产业税收服务", "2026-11-01", "project", body="项目简介。",
              goal="走访竹企", due="2027-06-30", status="planned")
    tree.post("tax/np/2026/r1.md", "品牌共建启动", "2026-05-01", project="tax/prov/2026/p-late")
    tree.post("radio/np-jo/2026/r2.md", "融媒体参与品牌共建", "2026-08-01", project="tax/prov/2026/p-late")
    tree.post("tax/np-jo/2026/r3.md", "先锋岗调研完成", "2026-07-01", project="tax/np/2026/p-steps")
    tree.post("tax/np-jo/2026/r-bad.md", "写错项目的进展", "2026-09-01", project="tax/prov/2026/nothing")
    tree.post("tax/np-jo/2026/early.md", "挂点以前的稿件", "2026-03-01")
    tree.post("tax/sm/2026/other.md", "三明动态", "2026-04-01")
    return tree
