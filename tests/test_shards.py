"""Sharded builds: `portal build --shard K/N` in 3 jobs, `portal merge`, and the merged site
compared byte for byte with a one-machine build (pages, feeds, OPML, statistics, sitemap,
search index); after an edit, only the parts it touches are rebuilt (each with its own cache)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_build_modes import same_tree, tree_files

from portal_factory import FIXED_EPOCH, ORGS_YML, PortalTree
from site_builder.cli import main
from site_builder.core.shards import ShardError, parse_shard
from site_builder.merge import MergeError, merge
from site_builder.shards import MANIFEST
from site_builder.sitebuild import build_site

EDU = """\
  - id: edu
    name: 教育系统
    kind: vertical
    units:
      - id: prov
        name: 省教育厅
        level: province
      - id: np
        name: 南平市教育局
        level: city
        parent: prov
"""


def make_tree(root: Path) -> PortalTree:
    """Three systems of different sizes, links, a picture, Q&A, ordinary pages."""
    tree = PortalTree(root, ORGS_YML + EDU)
    tree.write("index.md", "# 首页\n\n欢迎。\n")
    tree.write("guide/index.md", "# 投稿指南\n\n参见[一篇文章](../tax/prov/p0.md)。党建联创的投稿办法。\n")
    units = ["tax/prov", "tax/np", "tax/sm", "radio/np", "edu/prov", "tax/np-jo", "edu/np", "radio/np-jo"]
    for index in range(20):
        unit = units[index % len(units)]
        body = f"第 {index} 篇的正文，党建联创。\n\n## 小节\n\n" + "基层组织建设工作交流。" * 6
        tree.post(f"{unit}/p{index}.md", f"文章{index}", f"2026-{index % 11 + 1:02d}-{index % 27 + 1:02d}",
                  "experience" if index % 5 == 0 else "news", body=body, tags="[联创, 学习]", category="center")
    tree.write("tax/np/a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    tree.post("tax/np/pic.md", "有图", "2026-03-02", body="![会场](a.png)\n\n见[第一篇](p1.md#小节)。")
    tree.post("radio/np/q.md", "提问", "2026-06-01", "qa", body="答复如下。", question="怎样报送？", answered="2026-06-03")
    return tree


def build(tree: PortalTree, site: Path, cache: Path | None, shard: tuple[int, int] | None = None) -> None:
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    ok = build_site(str(tree.content), str(site), cache_dir=str(cache) if cache else None,
                    cache=cache is not None, trial=True, shard=shard)
    assert ok


def build_parts(tree: PortalTree, root: Path, numbers=(1, 2, 3)) -> list[Path]:
    for number in numbers:
        build(tree, root / f"part{number}", root / f"cache{number}", (number, 3))
    return [root / f"part{number}" for number in (1, 2, 3)]


def manifest(part: Path) -> dict:
    return json.loads((part / MANIFEST).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """One tree built on one machine and in three parts, merged."""
    root = tmp_path_factory.mktemp("shards")
    tree = make_tree(root)
    build(tree, root / "whole", None)
    parts = build_parts(tree, root)
    merge([str(p) for p in parts], str(root / "merged"))
    return tree, root, parts


def test_merged_parts_are_the_one_machine_site(sharded):
    tree, root, parts = sharded
    assert same_tree(root / "merged", root / "whole") == []
    files = tree_files(root / "merged")
    for needed in ("index.html", "sitemap.xml", "sitemap.xml.gz", "feeds.opml", "404.html", "stats/index.html",
                   "pagefind/_pages/pagefind-entry.json", "pagefind/tax/pagefind-entry.json",
                   "pagefind/edu/pagefind-entry.json", "tax/np/pic/index.html", "tax/np/a.png"):
        assert needed in files
    assert not (root / "merged" / MANIFEST).exists()


def test_parts_are_disjoint_balanced_and_each_writes_its_systems(sharded):
    _, _, parts = sharded
    manifests = [manifest(p) for p in parts]
    plan = manifests[0]["plan"]
    assert sorted(plan) == ["edu", "radio", "tax"] and sorted(set(plan.values())) == [1, 2, 3]
    listed = [set(m["files"]) for m in manifests]
    assert not (listed[0] & listed[1]) and not (listed[0] & listed[2]) and not (listed[1] & listed[2])
    for number, part in enumerate(parts, start=1):
        assert set(tree_files(part)) == listed[number - 1] | {MANIFEST}
        for system, owner_part in plan.items():
            assert (part / system / "index.html").exists() == (owner_part == number)
            assert (part / "pagefind" / system).exists() == (owner_part == number)
    assert "sitemap.xml" in listed[0] and "index.html" in listed[0]
    # tax has the most posts: it never shares part 1 with the cross-level pages
    assert plan["tax"] != 1


def test_an_edit_rebuilds_only_the_parts_it_touches(sharded, tmp_path):
    tree, root, parts = sharded
    work = tmp_path / "work"
    shutil.copytree(root, work, ignore=shutil.ignore_patterns("whole", "merged"))
    tree = PortalTree.__new__(PortalTree)
    tree.root, tree.content = work, work / "content"
    plan = manifest(work / "part1")["plan"]
    system = next(s for s in ("radio", "edu") if plan[s] != 1)
    source = next(tree.content.glob(f"{system}/*/p*.md"))
    # a paragraph below the summary: what other parts show of the post (title, date, summary) is unchanged
    source.write_text(source.read_text(encoding="utf-8") + "\n新增乡村振兴的段落。\n", encoding="utf-8")
    stale = [n for n in (1, 2, 3) if n not in (1, plan[system])]
    with pytest.raises(MergeError) as refused:  # only part 1 rebuilt: the edited system's part is stale
        build(tree, work / "part1", work / "cache1", (1, 3))
        merge([str(work / f"part{n}") for n in (1, 2, 3)], str(work / "merged"))
    assert f"content/{system}/" in refused.value.lines[0] and f"第 {plan[system]} 份" in refused.value.lines[0]
    build(tree, work / f"part{plan[system]}", work / f"cache{plan[system]}", (plan[system], 3))
    before = (work / f"part{stale[0]}" / MANIFEST).stat().st_mtime_ns
    merge([str(work / f"part{n}") for n in (1, 2, 3)], str(work / "merged"))
    assert (work / f"part{stale[0]}" / MANIFEST).stat().st_mtime_ns == before  # never rebuilt
    build(tree, work / "fresh", None)
    assert same_tree(work / "merged", work / "fresh") == []
    assert "新增乡村振兴" in (work / "merged" / source.relative_to(tree.content).with_suffix("") / "index.html").read_text(encoding="utf-8")
    # a new title shows on other parts' pages (part 1's listings): the other parts are refused
    source.write_text(source.read_text(encoding="utf-8").replace("title: 文章", "title: 改名的文章"), encoding="utf-8")
    build(tree, work / f"part{plan[system]}", work / f"cache{plan[system]}", (plan[system], 3))
    with pytest.raises(MergeError) as refused:
        merge([str(work / f"part{n}") for n in (1, 2, 3)], str(work / "merged"))
    assert "文章的标题、日期等信息不同" in refused.value.lines[0] and "重新构建全部分片" in refused.value.lines[0]


def cli(*arguments: str) -> int:
    return main(list(arguments))


def test_merge_refuses_parts_that_do_not_belong_together(sharded, tmp_path, capsys):
    tree, root, parts = sharded
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("旧网站", encoding="utf-8")

    def refused(*folders) -> str:
        capsys.readouterr()
        assert cli("merge", *map(str, folders), "--site", str(site)) == 1
        assert (site / "old.html").read_text(encoding="utf-8") == "旧网站"  # the old site is kept
        return capsys.readouterr().err

    assert "缺少第 3 份（共 3 份）" in refused(parts[0], parts[1])
    assert "第 2/3 份给了两次" in refused(parts[0], parts[1], parts[1], parts[2])
    assert "不是 portal build --shard 生成的分片" in refused(parts[0], parts[1], root / "whole")
    assert "找不到分片文件夹" in refused(parts[0], parts[1], tmp_path / "nowhere")

    other = tmp_path / "other"
    shutil.copytree(parts[2], other)
    data = manifest(other)
    data["epoch"] = "1700000000"
    (other / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert "SOURCE_DATE_EPOCH" in refused(parts[0], parts[1], other)
    data = manifest(parts[2]) | {"parts": 4}
    (other / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert "总份数不一致" in refused(parts[0], parts[1], other)

    overlap = tmp_path / "overlap"
    shutil.copytree(parts[2], overlap)
    data = manifest(parts[2])
    data["files"] = sorted(data["files"] + ["index.html"])
    shutil.copyfile(parts[0] / "index.html", overlap / "index.html")
    (overlap / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert "同时出现在" in refused(parts[0], parts[1], overlap)

    extra = tmp_path / "extra"
    shutil.copytree(parts[1], extra)
    (extra / "stray.html").write_text("x", encoding="utf-8")
    assert "多出清单中没有的文件“stray.html”" in refused(parts[0], extra, parts[2])


def test_other_mkdocs_settings_are_refused(sharded, tmp_path, capsys):
    tree, root, parts = sharded
    config = tmp_path / "mkdocs.yml"
    from site_builder.sitebuild import DEFAULT_CONFIG

    config.write_text(Path(DEFAULT_CONFIG).read_text(encoding="utf-8").replace("site_name:", "site_name: 另一个门户 #"),
                      encoding="utf-8")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    assert build_site(str(tree.content), str(tmp_path / "p3"), cache=False, path=str(config), trial=True, shard=(3, 3))
    capsys.readouterr()
    assert cli("merge", str(parts[0]), str(parts[1]), str(tmp_path / "p3"), "--site", str(tmp_path / "site")) == 1
    assert "mkdocs.yml、主题或 portal 程序版本" in capsys.readouterr().err


@pytest.mark.parametrize("text, says", [
    ("0/3", "份数从 1 数起"), ("4/3", "共 3 份，没有第 4 份"), ("a/b", "请写成“第几份/共几份”"),
    ("3", "请写成“第几份/共几份”"), ("1/0", "总份数至少是 1"),
])
def test_bad_shard_values_say_what_is_wrong(text, says, capsys):
    with pytest.raises(ShardError, match=says):
        parse_shard(text)
    with pytest.raises(SystemExit):
        cli("build", "--shard", text)
    assert says in capsys.readouterr().err


def test_a_shard_build_needs_source_date_epoch(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert cli("build", "--shard", "1/2", "--content", str(tmp_path), "--site", str(tmp_path / "site")) == 2
    assert "须设置环境变量 SOURCE_DATE_EPOCH" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()
