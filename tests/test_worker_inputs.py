"""What a forked search worker receives: its shard's posts, as plain data written before it forks.

A worker that read the posts of the build it inherited would make the kernel copy the memory
holding them (docs/caches.md); it reads the spooled file instead. Its records must be exactly
the records the build's own posts give, and it must receive no other shard's posts.
"""

from __future__ import annotations

import os

from portal_factory import FIXED_EPOCH, PortalTree
from site_builder.config import PortalConfig
from site_builder.engine import MarkdownSettings, PortalBuild
from site_builder.search import spool_inputs, spooled_inputs
from site_builder.search.records import Records
from site_builder.search.shards import planned_post_shards, search_settings

ORGS = """\
systems:
  - id: tax
    name: 税务系统
    kind: vertical
    units:
      - {id: prov, name: 省税务局, level: province}
      - {id: np, name: 南平市税务局, level: city, parent: prov}
  - id: radio
    name: 广播电视系统
    kind: local
    units:
      - {id: prov, name: 省广电局, level: province}
"""


def _build(tmp_path, monkeypatch) -> PortalBuild:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    tree = PortalTree(tmp_path / "tree", ORGS)
    tree.post("tax/np/2026/rally.md", "党建联创推进会", "2026-10-15 09:30", body="## 会议\n\n乡村振兴与**便民服务**。",
              tags="[志愿服务, 便民服务]", category="center")
    tree.post("tax/prov/2025/plan.md", "年度计划", "2025-03-01", body="![图](pic.png)\n\n计划正文。")
    tree.write("tax/prov/2025/pic.png", b"\x89PNG\r\n\x1a\n")
    tree.post("tax/np/2026/ask.md", "发票问题", "2026-09-01", type_="qa", question="电子发票怎么开？",
              asked_by="王芳", answered="2026-09-03", body="答：在电子税务局开具。")
    tree.post("radio/prov/2026/show.md", "广电节目", "2026-08-08", body="节目正文。")
    build = PortalBuild(str(tree.content), PortalConfig(), MarkdownSettings())
    build.run()
    assert not build.problems, build.problems
    return build


def test_a_worker_receives_its_shards_posts_and_makes_the_same_records(tmp_path, monkeypatch):
    build = _build(tmp_path, monkeypatch)
    planned = planned_post_shards(build, search_settings(build))
    assert [p.name for p in planned] == ["tax", "radio"]
    records = Records(build)
    folder = tmp_path / "spool"
    folder.mkdir()
    for plan in planned:
        path = spool_inputs(build, plan, str(folder))
        received = spooled_inputs(path)
        assert not os.path.exists(path)  # read once, then gone
        assert list(received) == list(plan.sources)  # this shard's posts, no other
        for source in plan.sources:
            assert records.record_of(received[source]) == records.record(build.post(source)), source
    assert os.listdir(folder) == []
