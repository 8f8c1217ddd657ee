"""Loading a whole content tree (core/content.py) from small folders: which files are posts,
pages, assets, register files or refused, each problem with its file and line. No MkDocs."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal_factory import PortalTree, post_text
from site_builder.config import PortalConfig
from site_builder.core.content import _files_below, _is_folder, _is_link, is_data_file, list_sources, load_portal
from site_builder.core.posts import load_post
from site_builder.core.problems import Problem

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CONFIG = PortalConfig()


def load(tree: PortalTree, config: PortalConfig = CONFIG, **kw):
    return load_portal(str(tree.content), config, NOW, **kw)


def own(portal, source: str) -> list[tuple[int, str, str]]:
    return [(p.line, p.message, p.fix) for p in portal.problems if p.path == source]


# -- listing the folder ---------------------------------------------------------


def test_list_sources_files_first_then_folders_hidden_left_out(tmp_path):
    tree = PortalTree(tmp_path)
    for rel in ("b.md", "a/z.md", "a/b/c.md", "a/a.md", ".git/x", "a/.hidden.md", "z.txt", "a/b/.x/y.md"):
        tree.write(rel, "x")
    found, problems = list_sources(str(tree.content))
    assert found == ["b.md", "orgs.yml", "z.txt", "a/a.md", "a/z.md", "a/b/c.md"]
    assert problems == []
    assert list_sources(str(tmp_path / "missing")) == ([], [])


def test_list_sources_refuses_links_and_everything_below_a_linked_folder(tmp_path):
    tree = PortalTree(tmp_path / "portal")
    outside = tmp_path / "outside"
    (outside / "deep" / ".hidden").mkdir(parents=True)
    (outside / "deep" / "deeper").mkdir()
    (tmp_path / "elsewhere").mkdir()
    for rel in ("leak.md", "deep/more.md", "deep/.hidden/h.md", "deep/deeper/most.md", "../elsewhere/far.md"):
        (outside / rel).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", outside / "deep" / "hop")  # MkDocs follows this link too
    tree.write("guide/ok.md", "x")
    os.symlink(outside, tree.content / "guide" / "linked")
    os.symlink(outside / "leak.md", tree.content / "guide" / "file.md")
    os.symlink(tmp_path / "nowhere", tree.content / "guide" / "dangling.md")
    refused: set[str] = set()
    found, problems = list_sources(str(tree.content), refused)
    assert found == ["orgs.yml", "guide/ok.md"]
    assert problems == [Problem("guide/dangling.md", 0, "不支持符号链接（可能指向内容目录之外）", "把真实文件放进来，删除链接"),
                        Problem("guide/file.md", 0, "不支持符号链接（可能指向内容目录之外）", "把真实文件放进来，删除链接"),
                        Problem("guide/linked", 0, "不支持符号链接文件夹", "把真实文件夹放进来，删除链接")]
    assert refused == {"guide/dangling.md", "guide/file.md", "guide/linked/leak.md", "guide/linked/deep/more.md",
                       "guide/linked/deep/deeper/most.md", "guide/linked/deep/hop/far.md"}
    assert list_sources(str(tree.content))[0] == found  # without a `refused` set


# -- the whole tree ----------------------------------------------------------------


def test_posts_pages_assets_and_register_files(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/old.md", "旧文", "2026-03-01")
    tree.post("tax/np/2026/new.md", "新文", "2026-03-05")
    tree.post("tax/np-jo/same-day-b.md", "同日乙", "2026-03-05 00:00")
    tree.write("tax/np/2026/photo.png", b"png")
    tree.write("guide/photo.png", b"png")  # beside a page: MkDocs copies it, not the portal
    tree.write("guide/index.md", "---\ntitle: 指南\ndescription: 说明\nhide: [toc]\n---\n\n# 指南\n")
    tree.write("about.md", "# 关于\n")
    for data in ("pairings.yml", "groups.yml", "calendar.yml", "honours.yml", "assessments/2026.yml",
                 "bulletins/2026-11.yml"):
        tree.write(data, "x: 1\n")
    portal = load(tree)
    assert portal.problems == []
    assert [p.source for p in portal.posts] == ["tax/np-jo/same-day-b.md", "tax/np/2026/new.md", "tax/np/2026/old.md"]
    assert portal.pages == ["about.md", "guide/index.md"]
    assert portal.assets == {"tax/np/2026/photo.png"}
    assert portal.skipped == {"orgs.yml", "pairings.yml", "groups.yml", "calendar.yml", "honours.yml",
                              "assessments/2026.yml", "bulletins/2026-11.yml"}
    assert set(portal.post_by_source()) == {p.source for p in portal.posts}
    assert portal.post_by_source()["tax/np/2026/new.md"].title == "新文"
    assert portal.orgs.unit("tax/np-jo") is not None and portal.drafts == []


def test_register_files_only_at_their_places():
    assert is_data_file("orgs.yml") and is_data_file("calendar.yml") and is_data_file("assessments/2026.yml")
    assert is_data_file("bulletins/x.yml")
    assert not is_data_file("tax/orgs.yml") and not is_data_file("assessments/a/b.yml")
    assert not is_data_file("assessments/2026.yaml") and not is_data_file("other/2026.yml")
    assert not is_data_file("xassessments/2026.yml")


def test_drafts_are_kept_out_unless_shown(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/draft.md", "草稿", "2026-03-01", draft="true")
    tree.post("tax/np/final.md", "定稿", "2026-03-02")
    hidden = load(tree)
    assert [p.source for p in hidden.posts] == ["tax/np/final.md"]
    assert [p.source for p in hidden.drafts] == ["tax/np/draft.md"] and "tax/np/draft.md" in hidden.skipped
    shown = load(tree, replace(CONFIG, show_drafts=True))
    assert [p.source for p in shown.posts] == ["tax/np/final.md", "tax/np/draft.md"]
    assert shown.drafts == [] and "tax/np/draft.md" not in shown.skipped


def test_invalid_post_is_skipped_with_its_problem(tmp_path):
    tree = PortalTree(tmp_path)
    tree.write("tax/np/bad.md", "---\ntitle: 坏\ndate: 2026-02-30\ntype: news\n---\n\n正文\n")
    portal = load(tree)
    assert portal.posts == [] and "tax/np/bad.md" in portal.skipped
    assert [p.line for p in portal.problems if p.path == "tax/np/bad.md"] == [3]


def test_orgs_yml_missing_or_unreadable(tmp_path):
    tree = PortalTree(tmp_path / "a")
    (tree.content / "orgs.yml").unlink()
    tree.post("tax/np/a.md", "文", "2026-03-01")
    portal = load(tree)
    assert portal.problems[0] == Problem("orgs.yml", 0, "内容目录中没有 orgs.yml（组织登记表）",
                                         "在内容目录根部创建 orgs.yml，登记系统和单位")
    assert portal.orgs.units() == [] and portal.posts == [] and "orgs.yml" not in portal.skipped
    # without a registry tax/np/a.md is an ordinary page, whose front matter has no `date`
    assert portal.pages == [] and own(portal, "tax/np/a.md")[0][1] == "页面头部信息中有未知的键“date”"
    broken = PortalTree(tmp_path / "b", orgs="")
    broken.write("orgs.yml", "systems: 税务".encode("gbk"))
    portal = load(broken)
    assert [(p.path, p.line) for p in portal.problems] == [("orgs.yml", 1)]
    assert "不是 UTF-8" in portal.problems[0].message and "orgs.yml" in portal.skipped


def test_reserved_ids_reach_the_registry(tmp_path):
    tree = PortalTree(tmp_path)
    portal = load(tree, reserved=frozenset({"radio"}))
    assert "radio" not in portal.orgs.systems
    assert [(p.path, p.message) for p in portal.problems] == [("orgs.yml", "系统 id“radio”与网站保留路径冲突")]


def test_links_and_the_files_below_them_are_kept_out_of_the_site(tmp_path):
    tree = PortalTree(tmp_path / "portal")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "leak.md").write_text("# 外\n", encoding="utf-8")
    os.symlink(tmp_path / "outside", tree.content / "linked")
    os.symlink(tmp_path / "outside" / "leak.md", tree.content / "file.md")
    portal = load(tree)
    assert portal.skipped == {"orgs.yml", "file.md", "linked/leak.md"}
    assert [p.path for p in portal.problems] == ["file.md", "linked"] and portal.pages == []


class VanishedEntry:
    """A directory entry whose file was deleted after the listing (os.scandir reports it lazily)."""

    def is_dir(self, follow_symlinks: bool = True) -> bool:
        raise FileNotFoundError("gone")

    def is_symlink(self) -> bool:
        raise FileNotFoundError("gone")


def test_an_entry_that_vanished_is_neither_a_folder_nor_a_link():
    assert _is_folder(VanishedEntry()) is False  # type: ignore[arg-type]
    assert _is_link(VanishedEntry()) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("name, shown", [("a<b.md", "<"), ("a>b.md", ">"), ("a:b.md", ":"), ('a"b.md', '"'),
                                         ("a'b.md", "'"), ("a`b.md", "`"), ("a|b.md", "|"), ("a?b.md", "?"),
                                         ("a*b.md", "*"), ("a#b.md", "#"), ("a%b.md", "%"), ("a\\b.md", "\\"),
                                         ("a\x01b.md", "\x01"), ("a\x7fb.md", "\x7f"), (" a.md", "空格"),
                                         ("a.md ", "空格")])
def test_unsafe_file_names_are_refused(tmp_path, name, shown):
    tree = PortalTree(tmp_path)
    tree.write(f"tax/np/{name}", post_text("文", "2026-03-01"))
    portal = load(tree)
    assert own(portal, f"tax/np/{name}") == [(0, f"文件名或文件夹名含有不允许的字符“{shown}”",
                                              "文件名只用中文、字母、数字、- 和 _，不要用 < > : \" ' | ? * # % 等符号，也不要以空格开头或结尾")]
    assert portal.posts == [] and f"tax/np/{name}" in portal.skipped


def test_folder_names_with_spaces_are_refused(tmp_path):
    tree = PortalTree(tmp_path)
    tree.write("guide/ a/x.md", "# x\n")
    tree.write("guide/b /y.md", "# y\n")
    portal = load(tree)
    assert {p.path for p in portal.problems} == {"guide/ a/x.md", "guide/b /y.md"} and portal.pages == []


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "subtree-rss.xml", "answered-atom.xml", "RSS.XML",
                                  "feeds.opml", "x-rss.xml"])
def test_files_named_like_generated_feeds_are_refused(tmp_path, name):
    tree = PortalTree(tmp_path)
    tree.write(f"tax/np/{name}", "<rss/>")
    portal = load(tree)
    assert own(portal, f"tax/np/{name}") == [(0, "文件名与网站自动生成的订阅源（RSS/Atom/OPML）重名",
                                              "给文件换一个名字，例如在文件名前加上单位或日期")]
    assert portal.assets == set()


@pytest.mark.parametrize("name", ["rss.xml.png", "myrss.xml", "feeds.opml.txt", "rss-xml.png"])
def test_names_merely_like_feeds_are_fine(tmp_path, name):
    tree = PortalTree(tmp_path)
    tree.write(f"tax/np/{name}", b"x")
    portal = load(tree, replace(CONFIG, attachment_types=("png", "txt", "xml")))
    assert portal.problems == [] and portal.assets == {f"tax/np/{name}"}


@pytest.mark.parametrize("name, extension", [("tax/np/evil.html", "html"), ("tax/np/x.SVG", "svg"), ("tax/np/run", ""),
                                             ("tax/np/a.b.js", "js"), ("evil.html", "html"), ("guide/a b.c/run", ""),
                                             ("tax/np.v2/run", "")])
def test_types_off_the_allow_list_are_refused(tmp_path, name, extension):
    tree = PortalTree(tmp_path)
    tree.write(name, b"x")
    tree.write("tax/np/photo.PNG", b"x")
    portal = load(tree, replace(CONFIG, attachment_types=("png", "pdf")))
    assert own(portal, name) == [(0, f"文件类型“.{extension}”不允许发布", "删除该文件，或换成允许的类型：png、pdf")]
    assert portal.assets == {"tax/np/photo.PNG"} and name in portal.skipped


# -- ordinary pages ------------------------------------------------------------------


@pytest.mark.parametrize("text, line, message, fix", [
    ("---\ntitle: 冒号: 坏了\n---\n", 2, "YAML 格式错误：值里含有“: ”（冒号加空格），需要给整个值加引号",
     "修正该行的 YAML 写法，含冒号或特殊符号的值请加引号"),
    ("---\ntitle: 好\n\ntemplate: evil.html\n---\n", 4, "页面头部信息中有未知的键“template”", "删除它；页面只允许：title、description、hide"),
    ("---\n- 列表\n---\n", 2, "头部信息必须是“键: 值”的形式", "参照投稿指南的示例改写"),
])
def test_page_front_matter_problems(tmp_path, text, line, message, fix):
    tree = PortalTree(tmp_path)
    tree.write("guide/page.md", text + "\n正文\n")
    portal = load(tree)
    assert own(portal, "guide/page.md") == [(line, message, fix)]
    assert portal.pages == [] and "guide/page.md" in portal.skipped


@pytest.mark.parametrize("text", ["# 无头部\n", "---\n---\n正文\n", "---\ntitle: 未闭合\n正文\n", "---\n# 只有注释\n---\n"])
def test_pages_without_usable_front_matter_are_fine(tmp_path, text):
    tree = PortalTree(tmp_path)
    tree.write("guide/page.md", text)
    portal = load(tree)
    assert portal.problems == [] and portal.pages == ["guide/page.md"]


def test_page_size_and_encoding(tmp_path):
    tree = PortalTree(tmp_path)
    tree.write("guide/big.md", "字" * 1024)  # 3,072 bytes: 3 KB
    tree.write("guide/fits.md", "a" * 2048)
    tree.write("guide/gbk.md", "# 指南\n".encode("gbk"))
    portal = load(tree, replace(CONFIG, max_post_bytes=2048))
    assert own(portal, "guide/big.md") == [(0, "文件过大（3 KB）", "精简内容或拆分成多个页面")]
    assert [p.line for p in portal.problems if p.path == "guide/gbk.md"] == [1]
    assert portal.pages == ["guide/fits.md"] and {"guide/big.md", "guide/gbk.md"} <= portal.skipped


# -- one URL, one file -----------------------------------------------------------------


def test_sources_that_would_write_one_page_keep_the_first(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/a.md", "A文章", "2026-03-01")
    tree.post("tax/np/a/index.md", "A目录", "2026-03-02")
    tree.post("tax/np/Case.md", "大写", "2026-03-01")
    tree.post("tax/np/case.md", "小写", "2026-03-01")
    tree.write("guide/index.md", "# 指南\n")
    tree.write("guide.md", "# 同名页面\n")
    nfc = unicodedata.normalize("NFC", "tax/np/é.md")
    nfd = unicodedata.normalize("NFD", "tax/np/é.md")
    tree.post(nfc, "组合字符", "2026-03-01")
    tree.post(nfd, "分解字符", "2026-03-01")
    portal = load(tree)
    kept = {p.source for p in portal.posts}
    assert kept == {"tax/np/a.md", "tax/np/Case.md", min(nfc, nfd)}
    assert portal.pages == ["guide.md"]
    collisions = {p.path: p.message for p in portal.problems}
    assert collisions == {"tax/np/a/index.md": "与“tax/np/a.md”生成同一个网址 /tax/np/a/，会互相覆盖",
                          "tax/np/case.md": "与“tax/np/Case.md”生成同一个网址 /tax/np/case/，会互相覆盖",
                          max(nfc, nfd): f"与“{min(nfc, nfd)}”生成同一个网址 /{max(nfc, nfd)[:-3]}/，会互相覆盖",
                          "guide/index.md": "与“guide.md”生成同一个网址 /guide/，会互相覆盖"}
    assert all(p.fix == "改名其中一个文件（例如 a.md 与 a/index.md 只能保留一个）" and p.line == 0 for p in portal.problems)
    assert {"tax/np/a/index.md", "tax/np/case.md", "guide/index.md", max(nfc, nfd)} <= portal.skipped


# -- given sources, readers and parsers --------------------------------------------------


def test_given_sources_reader_and_parser(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/a.md", "甲", "2026-03-01")
    tree.post("tax/np/b.md", "乙", "2026-03-02")
    reads: list[str] = []
    parsed: list[str] = []

    def read(rel: str) -> bytes:
        reads.append(rel)
        return (tree.content / rel).read_bytes()

    def parse(source, data, orgs, config, now):
        parsed.append(source)
        return load_post(source, data, orgs, config, now)

    portal = load(tree, sources=["orgs.yml", "tax/np/b.md"], read=read, parse=parse)
    assert [p.title for p in portal.posts] == ["乙"] and portal.problems == []
    assert reads == ["orgs.yml", "tax/np/b.md"] and parsed == ["tax/np/b.md"]
    assert portal.skipped == {"orgs.yml"}


def test_files_below_a_linked_folder_stop_past_the_limit(tmp_path):
    """A link to a huge folder (/) is not walked to its end: listing stops once past the limit."""
    for rel in ("a.md", "b.md", "sub/c.md", "sub/more/d.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    assert sorted(_files_below(str(tmp_path), "l", limit=2)) == ["l/a.md", "l/b.md", "l/sub/c.md"]
    assert sorted(_files_below(str(tmp_path), "l", limit=3)) == ["l/a.md", "l/b.md", "l/sub/c.md", "l/sub/more/d.md"]
    assert sorted(_files_below(str(tmp_path), "l", limit=1)) == ["l/a.md", "l/b.md"]
    assert len(_files_below(str(tmp_path), "l")) == 4


def test_a_folder_that_cannot_be_listed_is_left_out(tmp_path):
    (tmp_path / "file.md").write_text("x", encoding="utf-8")
    assert list_sources(str(tmp_path / "file.md")) == ([], [])  # not a folder: os.scandir fails
