"""Hostile input: every bad file is refused with its one problem (file, line, message),
every good post is still published, and nothing unsafe reaches the built pages or feeds."""

from __future__ import annotations

import os
import re
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree

from portal_factory import FIXED_EPOCH, ORGS_YML, PortalTree, build, post_text
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import load_post
from site_builder.core.urls import page_url, reserved_ids

DAY = "2026-03-01"
# A 1×1 PNG: images beside posts are real files.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
CONFIG_DIR = Path(__file__).resolve().parent.parent
MKDOCS_YML = CONFIG_DIR / "site_builder" / "default_mkdocs.yml"

# Posts that must be published (source → title shown on the page).
GOOD = {
    "tax/np/good.md": "好文章",
    "tax/np/xss-body.md": "正文里的脚本",
    "tax/np/xss-front.md": "他说＂好＂",  # quotes in titles become full-width: the theme does not escape
    "tax/np/xss-summary.md": "首段引号",
    "tax/np/bom.md": "带BOM的文章",
    "tax/np/title-no.md": "no",
    "tax/np/control-body.md": "正文含控制字符",
    "tax/np/anchor-ok.md": "正确的锚点",
    "tax/np/a.md": "A文章",
    "tax/np/Case.md": "大小写",
    "radio/np-jo/ok.md": "另一个系统的文章",
}

# Bad files: source → (line, words the one problem must contain).
BAD = {
    "tax/np/gbk.md": (2, "不是 UTF-8 编码（看起来是 GBK/GB18030）"),
    "tax/np/gb18030.md": (2, "GBK/GB18030"),
    "tax/np/utf16.md": (1, "UTF-16"),
    "tax/np/bad-yaml.md": (2, "需要给整个值加引号"),
    "tax/np/tabs.md": (6, "Tab"),
    "tax/np/duplicate-key.md": (3, "重复出现"),
    "tax/np/feb30.md": (3, "不是有效日期"),
    "tax/np/slug.md": (5, "不允许的键“slug”"),
    "tax/np/unknown-key.md": (5, "未知的键“color”"),
    "tax/np/markup-tag.md": (5, "标签“\"><b>”不合适"),
    "tax/np/empty.md": (1, "文件是空的"),
    "tax/np/huge.md": (0, "文件过大"),
    "tax/np/control-title.md": (2, "控制字符"),
    "tax/np/traversal-link.md": (7, "内容目录之外"),
    "tax/np/traversal-image.md": (7, "内容目录之外"),
    "tax/np/broken-link.md": (7, "不存在"),
    "tax/np/remote-image.md": (7, "不能引用其他网站的图片"),
    "tax/np/anchor-other.md": (7, "锚点“#missing”在文章“tax/np/good.md”中不存在"),
    "tax/np/anchor-self.md": (7, "锚点“#nope”在本文中不存在"),
    "tax/np/index.md": (0, "与自动生成的列表页冲突"),
    "tax/np/a/index.md": (0, "生成同一个网址"),
    "tax/np/case.md": (0, "生成同一个网址"),
    "tax/np/evil.html": (0, "文件类型“.html”不允许发布"),
    "tax/np/rss.xml": (0, "与网站自动生成的订阅源"),  # would be copied over the unit's feed
    "tax/np/a#b.md": (0, "不允许的字符"),
    "tax/np/link.md": (0, "符号链接"),
    "tax/zz/post.md": (0, "单位文件夹“zz”不在 orgs.yml"),
    "tax/readme.md": (0, "系统文件夹下只能放单位文件夹"),
    "guide/evil.svg": (0, "文件类型“.svg”不允许发布"),
    "guide/linked": (0, "符号链接文件夹"),
    "guide/bad-yaml.md": (2, "需要给整个值加引号"),
    "guide/template.md": (2, "未知的键“template”"),
}

XSS_BODY = """\
<script>alert('body-script')</script>

<img src=pic.png onerror="alert('onerror')">

[点我](javascript:alert('js-link'))

<iframe src="https://evil.example/"></iframe>

<svg onload="alert('svg')"><circle r="5"/></svg>

<math><mi xlink:href="javascript:alert('math')">x</mi></math>

<style>body { display: none }</style>

<a href="https://example.org/">外部链接</a>

<div onclick="alert('click')" style="color:red">样式与事件</div>
"""


def write_fixtures(tree: PortalTree, outside: Path) -> None:
    """The hostile fixture set, next to the good posts."""
    tree.post("tax/np/good.md", "好文章", DAY, body="第一段。\n\n## 小节\n\n内容。")
    tree.post("tax/np/xss-body.md", "正文里的脚本", DAY, body=XSS_BODY)
    tree.write("tax/np/pic.png", PNG)
    tree.write("tax/np/xss-front.md", "---\ntitle: '他说\"好\"'\ndate: 2026-03-01\ntype: news\n"
                                      "summary: '\"><script>alert(\"summary\")</script>'\n"
                                      "author: '<img src=x onerror=alert(\"author\")>'\n---\n\n正文。\n")
    tree.post("tax/np/xss-summary.md", "首段引号", DAY, body='首段 "><img src=x onerror=alert("first")> 完。')
    tree.write("tax/np/bom.md", b"\xef\xbb\xbf" + post_text("带BOM的文章", DAY).encode("utf-8"))
    tree.write("tax/np/title-no.md", "---\ntitle: no\ndate: 2026-03-01\ntype: news\n---\n\n挪威问题。\n")
    tree.post("tax/np/control-body.md", "正文含控制字符", DAY, body="甲\x01乙\x0b丙\x1f丁\x7f戊 正文。")
    tree.post("tax/np/anchor-ok.md", "正确的锚点", DAY, body="[去小节](good.md#小节)\n\n[本节](#本节)\n\n## 本节\n\n文字。")
    tree.post("tax/np/a.md", "A文章", DAY)
    tree.post("tax/np/Case.md", "大小写", DAY)
    tree.post("radio/np-jo/ok.md", "另一个系统的文章", DAY)

    tree.write("tax/np/gbk.md", post_text("简体中文的文章", DAY).encode("gbk"))
    tree.write("tax/np/gb18030.md", post_text("生僻字𠀀的文章", DAY).encode("gb18030"))
    tree.write("tax/np/utf16.md", post_text("宽字符的文章", DAY).encode("utf-16"))
    tree.write("tax/np/bad-yaml.md", "---\ntitle: 冒号: 坏了\ndate: 2026-03-01\ntype: news\n---\n\n正文\n")
    tree.write("tax/np/tabs.md", "---\ntitle: 制表符\ndate: 2026-03-01\ntype: news\ntags:\n\t- a\n---\n\n正文\n")
    tree.write("tax/np/duplicate-key.md", "---\ntitle: 一\ntitle: 二\ndate: 2026-03-01\ntype: news\n---\n\n正文\n")
    tree.write("tax/np/feb30.md", "---\ntitle: 二月三十日\ndate: 2026-02-30\ntype: news\n---\n\n正文\n")
    tree.post("tax/np/slug.md", "越界", DAY, slug="../../../etc/passwd")
    tree.post("tax/np/unknown-key.md", "多余的键", DAY, color="red")
    tree.post("tax/np/markup-tag.md", "标签里的标记", DAY, tags="['\"><b>']")
    tree.write("tax/np/empty.md", "")
    tree.post("tax/np/huge.md", "超大文件", DAY, body="字" * 200_000)
    tree.write("tax/np/control-title.md", '---\ntitle: "响铃\\a字符"\ndate: 2026-03-01\ntype: news\n---\n\n正文\n')
    tree.post("tax/np/traversal-link.md", "链接越界", DAY, body="[密码](../../../../etc/passwd.md)")
    tree.post("tax/np/traversal-image.md", "图片越界", DAY, body="![图](../../../../etc/secret.png)")
    tree.post("tax/np/broken-link.md", "坏链接", DAY, body="[不存在](nothere.md)")
    tree.post("tax/np/remote-image.md", "外部图片", DAY, body="![跟踪像素](https://evil.example/p.png)")
    tree.post("tax/np/anchor-other.md", "别篇锚点", DAY, body="[去](good.md#missing)")
    tree.post("tax/np/anchor-self.md", "本篇锚点", DAY, body="[去](#nope)")
    tree.post("tax/np/index.md", "占用单位页", DAY)
    tree.post("tax/np/a/index.md", "A目录", DAY)
    tree.post("tax/np/case.md", "小写", DAY)
    tree.write("tax/np/evil.html", "<script>alert('html-file')</script>")
    tree.write("tax/np/rss.xml", "<rss><channel><title>假的订阅源</title></channel></rss>")
    tree.post("tax/np/a#b.md", "井号", DAY)
    os.symlink("/etc/passwd", tree.content / "tax/np/link.md")
    tree.post("tax/zz/post.md", "未知单位", DAY)
    tree.post("tax/readme.md", "系统目录下的文件", DAY)

    tree.write("guide/index.md", "---\ntitle: 投稿指南\ndescription: '\"><script>alert(\"description\")</script>'\n---\n\n"
                                 "# 投稿指南\n\n<script>alert('page-script')</script>\n\n<img src=x onerror=\"alert('page-img')\">\n")
    tree.write("guide/heading.md", "# &lt;/title&gt;&lt;script&gt;alert('heading')&lt;/script&gt;\n\n正文\n")
    tree.write("guide/evil.svg", "<svg xmlns='http://www.w3.org/2000/svg' onload=\"alert('svg-file')\"/>")
    outside.mkdir(exist_ok=True)
    (outside / "leak.md").write_text("# 目录外的文件\n", encoding="utf-8")
    os.symlink(outside, tree.content / "guide/linked")
    tree.write("guide/bad-yaml.md", "---\ntitle: 冒号: 坏了\n---\n\n正文\n")
    tree.write("guide/template.md", "---\ntemplate: evil.html\n---\n\n正文\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile tree built leniently, and its problems as `portal check` reports them."""
    root = tmp_path_factory.mktemp("hostile")
    tree = PortalTree(root)
    write_fixtures(tree, root / "outside")
    ok, site = build(tree)
    from site_builder.sitebuild import check

    problems = check(str(tree.content)).problems
    return tree, ok, site, problems


def page(site: Path, source: str) -> Path:
    return site / page_url(source) / "index.html"


def test_lenient_build_succeeds(hostile):
    _, ok, site, _ = hostile
    assert ok and (site / "index.html").is_file()


@pytest.mark.parametrize("source", sorted(BAD))
def test_each_bad_file_gets_its_one_problem(hostile, source):
    _, _, _, problems = hostile
    line, words = BAD[source]
    own = [p for p in problems if p.path == source]
    assert len(own) == 1, own
    assert words in own[0].message
    assert own[0].line == line
    assert own[0].fix  # every problem says how to fix it


def test_no_problem_for_good_posts(hostile):
    _, _, _, problems = hostile
    assert not [p for p in problems if p.path in GOOD]
    assert {p.path for p in problems} == set(BAD)


@pytest.mark.parametrize("source", sorted(GOOD))
def test_every_good_post_is_published(hostile, source):
    _, _, site, _ = hostile
    doc = lxml.html.parse(str(page(site, source)))
    assert GOOD[source] in doc.findtext(".//title")


# A refused file whose URL another post holds: refused file → (the post holding the URL, its title).
FIRST_OF_URL = {"tax/np/a/index.md": ("tax/np/a.md", "A文章"), "tax/np/case.md": ("tax/np/Case.md", "大小写")}


@pytest.mark.parametrize("source", [s for s in BAD if s.endswith(".md") and s != "tax/np/index.md"])
def test_bad_posts_are_not_published(hostile, source):
    _, _, site, _ = hostile
    if source in FIRST_OF_URL:  # the URL belongs to the first file, and shows it
        first, title = FIRST_OF_URL[source]
        assert lxml.html.parse(str(page(site, first))).findtext(".//title").startswith(title)
        assert not page(site, source).exists() or page(site, source).samefile(page(site, first))
        return
    assert not page(site, source).exists()


def test_refused_files_are_not_copied(hostile):
    _, _, site, _ = hostile
    for path in ("tax/np/evil.html", "guide/evil.svg", "guide/linked", "tax/np/link", "guide/linked/leak"):
        assert not (site / path).exists(), path
    assert "root:" not in "".join(p.read_text(errors="replace") for p in site.rglob("*.html"))


def test_collision_keeps_the_first_file(hostile):
    _, _, site, _ = hostile
    assert "A文章" in lxml.html.parse(str(site / "tax/np/a/index.html")).findtext(".//title")
    unit_page = lxml.html.parse(str(site / "tax/np/index.html")).findtext(".//title")
    assert "占用单位页" not in unit_page


def test_title_no_stays_text(hostile):
    _, _, site, _ = hostile
    doc = lxml.html.parse(str(page(site, "tax/np/title-no.md")))
    assert doc.findtext(".//title").startswith("no ")


def _scripts_and_events(doc) -> tuple[list[str], list[str]]:
    """Script bodies and event-handler / javascript: attributes of a parsed page."""
    scripts = [s.text or "" for s in doc.iter("script")]
    bad_attrs = [f"{el.tag} {name}={value}" for el in doc.iter() if isinstance(el.tag, str)
                 for name, value in el.attrib.items()
                 if name.lower().startswith("on") or value.strip().lower().startswith("javascript:")]
    return scripts, bad_attrs


@pytest.mark.parametrize("source", ["tax/np/xss-body.md", "tax/np/xss-front.md", "tax/np/xss-summary.md",
                                    "guide/index.md", "guide/heading.md", "tax/np/index.md", "index.md"])
def test_no_script_or_handler_reaches_the_page(hostile, source):
    _, _, site, _ = hostile
    doc = lxml.html.parse(str(page(site, source)))
    scripts, bad_attrs = _scripts_and_events(doc)
    assert not [s for s in scripts if "alert" in s]
    assert bad_attrs == []
    body = doc.find(".//article")  # every page has one; Material draws its icons outside it
    assert body is not None
    for tag in ("iframe", "svg", "math", "style", "object", "embed"):
        assert not list(body.iter(tag)), tag


def test_post_body_keeps_safe_markup(hostile):
    _, _, site, _ = hostile
    doc = lxml.html.parse(str(page(site, "tax/np/xss-body.md")))
    body = doc.xpath("//div[contains(@class,'portal-body')]")[0]
    links = {a.text: a for a in body.iter("a")}
    assert links["外部链接"].get("href") == "https://example.org/"
    assert "noopener" in links["外部链接"].get("rel")
    assert links["点我"].get("href") is None
    assert not body.xpath(".//*[@style]")
    assert "样式与事件" in body.text_content()


def test_front_matter_cannot_break_out_of_meta(hostile):
    _, _, site, _ = hostile
    expected = {"tax/np/xss-front.md": "＂＞＜script＞alert(＂summary＂)＜/script＞",
                "tax/np/xss-summary.md": "首段 ＂＞",
                "guide/index.md": "＂＞＜script＞alert(＂description＂)＜/script＞"}
    for source, description in expected.items():
        raw = page(site, source).read_text(encoding="utf-8")
        head = lxml.html.fromstring(raw).find("head")
        scripts, bad_attrs = _scripts_and_events(head)
        assert not [s for s in scripts if "alert" in s] and bad_attrs == [], source
        [content] = [m.get("content") for m in head.iter("meta") if m.get("name") == "description"]
        assert content.startswith(description) and not set('<>"') & set(content)
        assert head.findtext("title").count("<") == 0
        assert raw[: raw.index("</head>")].count("</title>") == 1


def test_heading_title_cannot_close_the_title_tag(hostile):
    _, _, site, _ = hostile
    raw = page(site, "guide/heading.md").read_text(encoding="utf-8")
    head = raw[: raw.index("</head>")]
    assert head.count("</title>") == 1
    assert "alert('heading')" not in "".join(s.text or "" for s in lxml.html.fromstring(raw).iter("script"))


def test_author_and_tags_are_text(hostile):
    _, _, site, _ = hostile
    doc = lxml.html.parse(str(page(site, "tax/np/xss-front.md")))
    meta = doc.xpath("//div[contains(@class,'portal-post-meta')]")[0]
    assert "<img src=x onerror" in meta.text_content()  # shown as text
    assert not meta.xpath(".//img")


def test_control_characters_removed_from_pages_and_feeds(hostile):
    _, _, site, _ = hostile
    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    html = page(site, "tax/np/control-body.md").read_text(encoding="utf-8")
    assert not control.search(html)
    assert "甲乙丙丁戊" in html
    feeds = [p for p in site.rglob("*.xml") if p.name != "sitemap.xml"]
    assert feeds, "the build writes feeds"
    for feed in feeds:
        etree.parse(str(feed))  # well-formed XML, or this raises
        parsed = feedparser.parse(str(feed))
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert not control.search(feed.read_text(encoding="utf-8"))


def test_max_post_size_is_configurable(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(MKDOCS_YML.read_text(encoding="utf-8").replace(
        "      page_size: 20\n", "      page_size: 20\n      max_post_kb: 2\n"), encoding="utf-8")
    tree = PortalTree(tmp_path / "t")
    tree.post("tax/np/small.md", "小文章", DAY, body="字" * 100)
    tree.post("tax/np/big.md", "大文章", DAY, body="字" * 1000)
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    from site_builder.sitebuild import check

    problems = check(str(tree.content), str(config)).problems
    assert [(p.path, "上限 2 KB" in p.message) for p in problems] == [("tax/np/big.md", True)]


@pytest.mark.parametrize("system_id", ["qa", "stats", "feeds", "search", "tag", "assets", "news"])
def test_reserved_system_ids_are_refused(system_id):
    text = ORGS_YML.replace("  - id: radio\n", f"  - id: {system_id}\n")
    orgs, problems = load_orgs(text, "orgs.yml", reserved_ids({"news": "工作动态", "qa": "有问必答"}))
    assert system_id not in orgs.systems
    mine = [p for p in problems if f"系统 id“{system_id}”与网站保留路径冲突" in p.message]
    assert len(mine) == 1 and mine[0].line == text.splitlines().index(f"  - id: {system_id}") + 1


def test_unit_names_must_be_plain_text():
    text = ORGS_YML.replace("name: 南平市税务局", 'name: "<img src=x onerror=alert(1)>"')
    orgs, problems = load_orgs(text)
    assert [p.line for p in problems] == [text.splitlines().index('        name: "<img src=x onerror=alert(1)>"') + 1]
    assert "<" not in orgs.unit("tax/np").name


def test_ordinary_post_loader_refuses_markup_titles():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    orgs, _ = load_orgs(ORGS_YML)
    now = datetime(2026, 11, 25, tzinfo=ZoneInfo("Asia/Shanghai"))
    data = post_text("<script>alert(1)</script>", DAY).encode("utf-8")
    result = load_post("tax/np/x.md", data, orgs, PortalConfig(), now)
    assert result.post is None and [p.line for p in result.problems] == [2]


def test_strict_build_refuses_the_hostile_tree(hostile, tmp_path):
    tree, _, _, _ = hostile
    ok, site = build(tree, tmp_path / "strict-site", strict=True)
    assert not ok and not site.exists()


def test_refused_posts_are_not_in_the_search_index(hostile):
    """The index starts before the listings are known; a post that loses its URL to a listing
    (tax/np/index.md) must still not be found, nor any other refused post."""
    from site_builder.search.index_files import read_data_file

    _, _, site, _ = hostile
    found = {read_data_file(f.read_bytes())["url"] for f in site.glob("pagefind/*/fragment/*.pf_fragment")}
    assert "tax/np/good/" in found
    assert "tax/np/" not in found and all("占用单位页" not in url for url in found)
    texts = " ".join(read_data_file(f.read_bytes())["content"] for f in site.glob("pagefind/*/fragment/*.pf_fragment"))
    assert "占用单位页" not in texts and "简体中文的文章" not in texts


def test_no_empty_folder_is_left_for_a_refused_post(hostile):
    """Page folders are made while posts load, before rendering refuses some of them
    (broken links, anchors): a refused post leaves no empty folder behind."""
    _, _, site, _ = hostile
    empty = [str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert empty == []
    assert not (site / "tax/np/broken-link").exists() and not (site / "tax/np/anchor-self").exists()


# ---------------------------------------------------------------------------------------------
# Second round (issue 19): markup that takes over the page, URLs that leave the site.

THEME_CLASSES = re.compile(r"^(md-|md_|portal-)")
HIJACK = """\
第一段。{: .md-overlay #__config }

## 覆盖 {: .md-header #__drawer }

<div class="md-container md-overlay admonition" id="__config">伪造的配置</div>

<p id="portal-answer" class="portal-body md-typeset">伪造的答复</p>

<span id="__search" class="md-search__overlay">x</span> <span id="md-content">y</span> <span id="__palette_0">z</span>

<a class="md-overlay md-header__button" href="https://evil.example/">整页链接</a>

<a href="https://evil.example/" title="整篇"><div><h1>整篇正文是一个链接</h1><p>中间</p></div></a>

<img src="pic.png" width="800" height="99999" alt="高图">

<img src="pic.png" srcset="https://evil.example/s.png 2x, //evil.example/t.png 3x" alt="多图"> <video poster="https://evil.example/p.png" src="https://evil.example/v.mp4"><source src="https://evil.example/w.mp4"></video>
<audio src="https://evil.example/a.mp3"></audio> <input type="image" src="https://evil.example/i.png"> <object data="https://evil.example/o"></object>
<table background="https://evil.example/bg.png"><tr><td background="/\\evil.example/td.png">格</td></tr></table> <link rel="preload" href="https://evil.example/l.css">

!!! md-dialog "伪装的提示"
    正文

<details class="md-sidebar" open><summary>s</summary>x</details>

[本页锚点](#__config) [正常锚点](#正常小节)

## 正常小节

<a href="/\\evil.example/a">反斜杠链接</a> <a href="\\\\evil.example/b">双反斜杠</a> <a href=" /&#9;/evil.example/c">制表符</a>
"""

# Each image form leaves the site (or names a missing file) and is refused with one problem.
IMAGE_PAYLOADS = {
    "md-backslash": ("![a](/\\evil.example/p.png)", "其他网站"),
    "md-scheme-relative": ("![a](<//evil.example/p.png>)", "其他网站"),
    "md-https-no-slash": ("![a](https:evil.example/p.png)", "其他网站"),
    "md-upper-scheme": ("![a](HTTPS://evil.example/p.png)", "其他网站"),
    "md-data": ("![a](data:image/png;base64,iVBORw0KGgo=)", "其他网站"),
    "html-backslash": ('<img src="/\\evil.example/p.png">', "其他网站"),
    "html-double-backslash": ('<img src="\\\\evil.example\\p.png">', "其他网站"),
    "html-leading-space": ('<img src="  //evil.example/p.png">', "其他网站"),
    "html-tab": ('<img src="/&#9;/evil.example/p.png">', "其他网站"),
    "html-newline": ('<img src="/&#10;/evil.example/p.png">', "其他网站"),
    "html-cr-backslash": ('<img src="&#13;\\/evil.example/p.png">', "其他网站"),
    "html-missing": ('<img src="nothere.png">', "不存在"),
    "html-site-absolute-missing": ('<img src="/tax/np/nothere.png">', "不存在"),
    "md-site-absolute-missing": ("![a](/tax/np/nothere.png)", "不存在"),
    "html-percent": ('<img src="%2F%2Fevil.example/p.png">', "不存在"),
    "html-outside": ('<img src="/../../etc/p.png">', "内容目录之外"),
}


@pytest.fixture(scope="module")
def hijack(tmp_path_factory):
    """Posts that try to take over the page or load from another host, built leniently."""
    root = tmp_path_factory.mktemp("hijack")
    tree = PortalTree(root)
    tree.post("tax/np/hijack.md", "劫持页面", DAY, body=HIJACK)
    tree.write("tax/np/pic.png", PNG)
    tree.post("tax/np/site-absolute.md", "站内绝对路径", DAY, body="![图](/tax/np/pic.png)\n\n<img src=\"/tax/np/pic.png\">")
    for name, (payload, _) in IMAGE_PAYLOADS.items():
        tree.post(f"tax/np/img-{name}.md", f"图片{name}", DAY, body=f"第一段。\n\n{payload}\n")
    tree.write("guide/index.md", "# 指南\n\n<img src=\"/\\evil.example/g.png\"> <img src=\"\\\\evil.example/h.png\">\n\n"
                                 "<div id=\"__config\" class=\"md-overlay\">页面</div>\n")
    ok, site = build(tree)
    from site_builder.sitebuild import check

    return tree, ok, site, check(str(tree.content)).problems


def _body(site: Path, source: str):
    doc = lxml.html.parse(str(page(site, source)))
    return doc, doc.xpath("//div[contains(@class,'portal-body')]")[0]


def test_post_markup_cannot_wear_theme_classes_or_page_ids(hijack):
    _, ok, site, problems = hijack
    assert ok and not [p for p in problems if p.path == "tax/np/hijack.md"]
    doc, body = _body(site, "tax/np/hijack.md")
    classes = [c for el in body.iterdescendants() if isinstance(el.tag, str) for c in (el.get("class") or "").split()]
    assert classes and not [c for c in classes if THEME_CLASSES.match(c)], classes
    ids = [el.get("id") for el in body.iterdescendants() if isinstance(el.tag, str) and el.get("id")]
    assert not [i for i in ids if i.startswith(("__", "md-", "portal-"))], ids
    for theme_id in ("__config", "__drawer", "__search"):  # the theme's own element, once
        assert len(doc.xpath(f"//*[@id='{theme_id}']")) == 1, theme_id
    config = doc.xpath("//*[@id='__config']")[0]
    assert config.tag == "script" and "伪造" not in (config.text or "")


def test_post_anchors_follow_their_moved_ids(hijack):
    _, _, site, _ = hijack
    _, body = _body(site, "tax/np/hijack.md")
    ids = {el.get("id") for el in body.iter() if isinstance(el.tag, str)}
    links = {a.text: a.get("href") for a in body.iter("a")}
    assert links["本页锚点"][1:] in ids and links["正常锚点"] == "#正常小节" and "正常小节" in ids


def test_a_link_cannot_wrap_the_page(hijack):
    _, _, site, _ = hijack
    _, body = _body(site, "tax/np/hijack.md")
    for a in body.iter("a"):
        if a.get("href"):
            assert not [el for el in a.iter() if el.tag in ("div", "p", "h1", "h2", "table", "ul", "ol")], a.get("href")
    assert "整篇正文是一个链接" in body.text_content()
    [image] = [img for img in body.iter("img") if img.get("alt") == "高图"]
    assert image.get("height") is None and image.get("width") == "800"


def test_links_are_published_as_the_browser_reads_them(hijack):
    _, _, site, _ = hijack
    _, body = _body(site, "tax/np/hijack.md")
    links = {a.text: a.get("href") for a in body.iter("a")}
    assert links["反斜杠链接"] == "//evil.example/a"
    assert links["双反斜杠"] == "//evil.example/b"
    assert links["制表符"] == "//evil.example/c"
    for href in filter(None, links.values()):
        assert not set(href) & set("\\\t\n\r ")


@pytest.mark.parametrize("name", sorted(IMAGE_PAYLOADS))
def test_every_image_form_that_leaves_the_site_is_refused(hijack, name):
    _, _, site, problems = hijack
    source = f"tax/np/img-{name}.md"
    own = [p for p in problems if p.path == source]
    assert len(own) == 1, own
    assert IMAGE_PAYLOADS[name][1] in own[0].message and own[0].fix
    assert own[0].line == 9  # the payload's line in the file (front matter is 5 lines, then 第一段)
    assert not page(site, source).exists()


def test_site_absolute_images_are_checked_and_made_relative(hijack):
    _, _, site, problems = hijack
    assert not [p for p in problems if p.path == "tax/np/site-absolute.md"]
    _, body = _body(site, "tax/np/site-absolute.md")
    sources = [img.get("src") for img in body.iter("img")]
    assert sources == ["../pic.png", "../pic.png"]
    assert (page(site, "tax/np/site-absolute.md").parent / sources[0]).resolve() == (site / "tax/np/pic.png").resolve()


def _foreign_resources(site: Path) -> list[str]:
    """Every URL in a built page that the browser would load by itself (not a link to click)
    and that points at another host, after WHATWG-like normalisation."""
    from urllib.parse import urljoin, urlsplit

    from site_builder.core.safehtml import normalise_url

    found = []
    for html_file in site.rglob("*.html"):
        base = "http://portal.test/" + html_file.relative_to(site).as_posix()
        doc = lxml.html.parse(str(html_file))
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            urls = [el.get(a) for a in ("src", "poster", "data", "background") if el.get(a)]
            urls += [u.strip().split(" ")[0] for u in (el.get("srcset") or "").split(",") if u.strip()]
            if el.tag == "link" and el.get("rel") not in ("alternate", "canonical") and el.get("href"):
                urls.append(el.get("href"))
            for url in urls:
                host = urlsplit(urljoin(base, normalise_url(url))).netloc
                if host != "portal.test" and not url.startswith(("data:image/svg", "blob:")):
                    found.append(f"{html_file.relative_to(site)}: <{el.tag}> {url}")
    return found


def test_no_published_resource_points_at_another_host(hijack, hostile):
    for _, _, site, _ in (hijack, hostile):
        assert _foreign_resources(site) == []


def test_the_resource_scan_sees_a_foreign_image(tmp_path):
    """The scan itself works: a page with a backslash image is caught."""
    (tmp_path / "index.html").write_text('<p><img src="/\\evil.example/x.png"></p>', encoding="utf-8")
    assert _foreign_resources(tmp_path) == ["index.html: <img> /\\evil.example/x.png"]


def test_ordinary_pages_drop_foreign_images_and_page_ids(hijack):
    _, _, site, _ = hijack
    doc = lxml.html.parse(str(site / "guide/index.html"))
    article = doc.find(".//article")
    assert not [img for img in article.iter("img") if "evil" in (img.get("src") or "")]
    assert len(doc.xpath("//*[@id='__config']")) == 1
    assert not article.xpath(".//*[contains(@class,'md-overlay')]")


@pytest.mark.parametrize("url, remote", [
    ("/\\evil.example/x", True), ("\\\\evil.example", True), ("\t//evil.example", True),
    (" \x00//evil.example", True), ("/\t/evil.example", True), ("/\n/evil.example", True),
    ("https:evil.example", True), ("HTTP://evil.example", True), ("data:,x", True),
    ("mailto:a@b.c", True), ("//evil.example", True), ("/%2F/evil.example", False),
    ("%2F%2Fevil.example", False), ("photo.png", False), ("/tax/np/photo.png", False),
    ("../photo.png", False), ("#top", False), ("./\\x.png", False),
])
def test_url_normaliser_decides_as_a_browser(url, remote):
    from urllib.parse import urljoin, urlsplit

    from site_builder.core.safehtml import is_remote, normalise_url

    assert is_remote(url) is remote
    if not remote:  # what the browser loads for the published form stays on the site
        assert urlsplit(urljoin("http://portal.test/tax/np/a/", normalise_url(url))).netloc == "portal.test"


# ---------------------------------------------------------------------------------------------
# Input that stalls or crashes a build: each is one problem naming the file.

def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines)


STALL = {  # source → (text, line, words of its one problem)
    "tax/np/yaml-laughs.md": ("---\ntitle: 笑\ndate: 2026-03-01\ntype: news\n" + _laughs(5) + "\n---\n\n正文\n",
                              5, "不支持别名和锚点"),
    "tax/np/yaml-merge.md": ("---\ntitle: &t 合并\ndate: 2026-03-01\ntype: news\nsummary: *t\n---\n\n正文\n",
                             2, "不支持别名和锚点"),
    "tax/np/yaml-deep.md": ("---\ntitle: 深\ndate: 2026-03-01\ntype: news\ntags: " + "[" * 60 + "]" * 60 + "\n---\n\n正文\n",
                            5, "嵌套超过"),
    "tax/np/digits-title.md": (post_text("1" * 5000, DAY), 2, "标题过长"),
    "tax/np/digits-tag.md": (post_text("数字标签", DAY, tags="[" + "9" * 4400 + "]"), 5, "不合适"),
    "tax/np/brackets.md": (post_text("方括号", DAY, body="[" * 3000), 7, "过于复杂"),
    "tax/np/unclosed-link.md": (post_text("未闭合链接", DAY, body="[a](" * 1500), 7, "过于复杂"),
    "tax/np/cdata.md": (post_text("CDATA", DAY, body="<![CDATA[" * 400), 7, "过于复杂"),
    "tax/np/autolink.md": (post_text("自动链接", DAY, body="<http://a" * 600), 7, "过于复杂"),
    "tax/np/deflist.md": (post_text("定义列表", DAY, body="a\n: " * 1500), 7, "过于复杂"),
    "tax/np/setext.md": (post_text("标题线", DAY, body="a\n=\n" * 1500), 7, "过于复杂"),
    "tax/np/footnotes.md": (post_text("脚注", DAY, body="a[^1]" * 400 + "\n\n[^1]: x"), 7, "脚注引用"),
    "tax/np/nested-dash.md": (post_text("嵌套一", DAY, body="- " * 600 + "a"), 7, "嵌套过深"),
    "tax/np/nested-quote.md": (post_text("嵌套二", DAY, body="> " * 30 + "- " * 570 + "a"), 7, "嵌套过深"),
    "tax/np/nested-indent.md": (post_text("嵌套三", DAY, body="- a\n" + "".join("  " * i + "- a\n" for i in range(1, 40))),
                                6 + 25, "嵌套过深"),  # the body starts with its blank line 6
    "tax/np/rss.xml.md": (post_text("订阅源", DAY), 0, "自动生成"),
    "tax/np/atom.xml.md": (post_text("订阅源", DAY), 0, "自动生成"),
    "feeds.opml.md": ("# OPML\n", 0, "自动生成"),
    "sitemap.xml.md": ("# 站点地图\n", 0, "自动生成"),
    "404.html.md": ("# 404\n", 0, "自动生成"),
}
# A file name that is not UTF-8 (GBK bytes of 国庆), as a Windows zip leaves it.
GBK_NAME = b"tax/np/\xb9\xfa\xc7\xec.md"


@pytest.fixture(scope="module")
def stall(tmp_path_factory):
    """The stalling and crashing inputs beside a good post: check, lenient and strict builds."""
    root = tmp_path_factory.mktemp("stall")
    tree = PortalTree(root)
    tree.post("tax/np/good.md", "好文章", DAY)
    tree.post("tax/np/2026/rss.xml.md", "不冲突的名字", DAY)  # no feed is written in tax/np/2026/
    for source, (text, _, _) in STALL.items():
        tree.write(source, text)
    with open(os.path.join(os.fsencode(tree.content), GBK_NAME), "wb") as handle:
        handle.write(post_text("国庆", DAY).encode("utf-8"))
    from site_builder.sitebuild import check

    problems = check(str(tree.content)).problems
    ok, site = build(tree)
    strict_ok, strict_site = build(tree, root / "strict-site", strict=True)
    return tree, problems, ok, site, strict_ok, strict_site


@pytest.mark.parametrize("source", sorted(STALL))
def test_each_stalling_input_is_one_problem_naming_the_file(stall, source):
    _, problems, _, _, _, _ = stall
    _, line, words = STALL[source]
    own = [p for p in problems if p.path == source]
    assert len(own) == 1, own
    assert words in own[0].message and own[0].fix
    assert own[0].line == line


def test_a_file_name_that_is_not_utf8_is_one_problem(stall):
    _, problems, _, _, _, _ = stall
    own = [p for p in problems if "UTF-8" in p.message and p.path.startswith("tax/np/") and "国庆" in p.message]
    assert len(own) == 1, [p.text() for p in problems]
    own[0].text().encode("utf-8")  # printable: no lone surrogate reaches the output
    assert "\ufffd" in own[0].path


def test_lenient_build_publishes_everything_else(stall):
    _, problems, ok, site, _, _ = stall
    assert ok
    assert "好文章" in lxml.html.parse(str(site / "tax/np/good/index.html")).findtext(".//title")
    assert (site / "tax/np/2026/rss.xml/index.html").is_file()
    feed = feedparser.parse(str(site / "tax/np/rss.xml"))
    assert not feed.bozo and "好文章" in [e.title for e in feed.entries]
    assert etree.parse(str(site / "sitemap.xml")).getroot().tag.endswith("urlset")
    assert etree.parse(str(site / "feeds.opml")).getroot().tag == "opml"
    assert (site / "404.html").is_file()
    for source in STALL:
        assert not page(site, source).is_file(), source
    assert {p.path for p in problems} - set(STALL) == {p.path for p in problems if "UTF-8" in p.message}


def test_strict_build_fails_cleanly(stall):
    *_, strict_ok, strict_site = stall
    assert strict_ok is False and not strict_site.exists()


def test_a_billion_laughs_is_refused_before_it_expands():
    from site_builder.core.yamltext import YamlError, load_yaml

    with pytest.raises(YamlError) as refused:
        load_yaml(_laughs(12), first_line=2)  # 9**12 leaves if expanded
    assert "别名" in refused.value.message and refused.value.line == 2  # where the shared anchor is


@pytest.mark.parametrize("text", ["a: 1\nb: 2.5\n", "a: 2026\n", "a: [1, 2]\n"])
def test_ordinary_numbers_still_load(text):
    from site_builder.core.yamltext import load_yaml

    data = load_yaml(text)
    assert all(not isinstance(v, str) for v in data.values())


@pytest.mark.parametrize("body", [
    "正文。\n\n" + "一段文字（含[链接](a.md)与<b>粗体</b>）。\n\n" * 2000,  # a long but ordinary post
    "| 单位 | 链接 |\n|---|---|\n" + "| 甲 | [文](a.md) |\n" * 2000,
    "\n".join(f"- 第{i}项 [x](a.md)" for i in range(2000)),
    "```python\n" + "# comment\nx = [1, (2, 3)]\n" * 500 + "```\n",
    "".join("  " * i + "- 层\n" for i in range(12)),
])
def test_the_budget_leaves_ordinary_posts_alone(body):
    from site_builder.core.budget import check_budget

    assert check_budget(body) is None


# ---------------------------------------------------------------------------------------------
# Spreadsheet formulas, CODEOWNERS injection, draft leaks, text that lies.

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=1+1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_cells_cannot_start_a_formula(value):
    import csv
    import io

    from site_builder.core.csvcell import csv_text

    text = csv_text(["system", "unit"], [["tax", value], ["tax", "南平"], ["tax", -3], ["tax", "+2.5"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == "'" + value
    assert rows[2][1] == "南平" and rows[3][1] == "-3" and rows[4][1] == "+2.5"  # text and numbers as they are


def test_statistics_csv_neutralises_unit_and_system_names(tmp_path):
    import csv

    evil = ORGS_YML.replace("name: 南平市税务局", "name: \"=HYPERLINK(1)\"").replace("name: 税务系统", "name: \"@SUM(1)\"")
    evil = evil.replace("name: 三明市税务局", "name: \"-1+cmd\"").replace("name: 永安市税务局", "name: \"+1+cmd\"")
    tree = PortalTree(tmp_path, orgs=evil)
    tree.post("tax/np/a.md", "一篇", DAY)
    ok, site = build(tree)
    assert ok
    exports = sorted((site / "stats").glob("*.csv"))
    assert exports
    cells = [cell for export in exports for row in csv.reader(export.open(encoding="utf-8-sig")) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or c.startswith("-") and not c[1:].replace(".", "").isdigit()]
    assert "'=HYPERLINK(1)" in cells and "'-1+cmd" in cells


@pytest.mark.parametrize("reviewer", [
    "@tax-np\n/content/tax/prov/ @evil", "@tax-np /content/ @evil", "@tax-np\r\n* @evil", "@tax-np\t@evil",
    "@evil\u2028x", "@-evil", "@evil-", "@org/", "@a/b/c", "@tax np", "tax-np", "@tax-np\n",
])
def test_reviewers_must_be_single_handles(reviewer):
    text = ORGS_YML.replace('reviewers: ["@tax-np"]', f"reviewers: [{json_string(reviewer)}]")
    orgs, problems = load_orgs(text)
    line = ORGS_YML.splitlines().index('        reviewers: ["@tax-np"]') + 1
    assert [p.line for p in problems] == [line]
    assert "审核人" in problems[0].message and "\n" not in problems[0].text() and "\r" not in problems[0].text()
    assert orgs.unit("tax/np").reviewers == ()


def json_string(value: str) -> str:
    """A YAML double-quoted scalar (JSON escapes are valid YAML)."""
    import json

    return json.dumps(value)


@pytest.mark.parametrize("reviewer", ["@tax-np", "@org/team-name", "@org/team.x", "name@example.gov.cn", "@a1"])
def test_ordinary_handles_pass(reviewer):
    text = ORGS_YML.replace('reviewers: ["@tax-np"]', f"reviewers: [{json_string(reviewer)}]")
    orgs, problems = load_orgs(text)
    assert problems == [] and orgs.unit("tax/np").reviewers == (reviewer,)


def test_generated_codeowners_has_a_catch_all_owner(tmp_path):
    from site_builder.codeowners import codeowners_text

    orgs, problems = load_orgs(ORGS_YML)
    assert problems == []
    text = codeowners_text(orgs, admins=("@portal-admins",))  # admins: from content/ask.yml
    rules = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    owners = {rule[0]: rule[1:] for rule in rules}
    assert rules[0] == ["*", "@portal-admins"]  # first: every later line overrides it
    for path in ("/mkdocs.yml", "/site_builder/", "/pyproject.toml", "/.github/", "/content/"):
        assert owners[path] == ["@portal-admins"], path
    assert "@portal-admins" in owners["/content/orgs.yml"]
    assert owners["/content/tax/np/"] and "@portal-admins" not in owners["/content/tax/np/"]  # units keep their rule


def test_the_repository_codeowners_names_admins_for_the_project_files():
    text = (CONFIG_DIR / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    rules = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    assert rules[0][0] == "*" and len(rules[0]) > 1
    owners = {rule[0]: rule[1:] for rule in rules}
    assert owners["/.github/"] == rules[0][1:] and owners["/site_builder/"] == rules[0][1:]


DRAFT_PNG_NAMES = ("tax/np/secret.png", "tax/np/secret/plan.pdf", "tax/np/secret/photos/a.png", "tax/np/linked-only.png")


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    root = tmp_path_factory.mktemp("drafts")
    tree = PortalTree(root)
    tree.post("tax/np/secret.md", "未发布的草稿", DAY, draft="true",
              body="![照片](secret.png)\n\n[方案](secret/plan.pdf)\n\n<img src=\"linked-only.png\">\n\n![共用](shared.png)")
    for name in DRAFT_PNG_NAMES:
        tree.write(name, PNG if name.endswith(".png") else b"%PDF-1.4\n")
    tree.write("tax/np/shared.png", PNG)
    tree.write("tax/np/other.png", PNG)
    tree.post("tax/np/public.md", "已发布", DAY, body="![共用](shared.png)")
    ok, site = build(tree)
    return ok, site


@pytest.mark.parametrize("name", DRAFT_PNG_NAMES)
def test_files_of_a_draft_are_not_published(drafts, name):
    ok, site = drafts
    assert ok and not (site / name).exists()


def test_files_a_published_post_uses_stay(drafts):
    ok, site = drafts
    assert (site / "tax/np/shared.png").is_file() and (site / "tax/np/other.png").is_file()
    assert (site / "tax/np/public/index.html").is_file() and not (site / "tax/np/secret").exists()


LIARS = {  # payload → character that must be named
    "\u202e": "U+202E", "\u202a": "U+202A", "\u2066": "U+2066", "\u2069": "U+2069", "\u200b": "U+200B",
    "\u200f": "U+200F", "\ufeff": "U+FEFF", "\r": "U+000D", "\u2028": "U+2028", "\u2029": "U+2029",
    "\x85": "U+0085", "\x1b": "U+001B", "\u061c": "U+061C", "\u2060": "U+2060",
}


def _yaml_escape(char: str) -> str:
    return f"\\u{ord(char):04x}"


@pytest.mark.parametrize("char", sorted(LIARS))
@pytest.mark.parametrize("key", ["title", "author", "tags", "summary", "asked_by"])
def test_text_that_lies_is_refused_with_its_position(char, key):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    orgs, _ = load_orgs(ORGS_YML)
    now = datetime(2026, 11, 25, tzinfo=ZoneInfo("Asia/Shanghai"))
    value = f'"甲乙{_yaml_escape(char)}丙"'
    extra = {"title": {}, "author": {"author": value}, "tags": {"tags": f"[{value}]"}, "summary": {"summary": value},
             "asked_by": {"question": "问题？", "asked_by": value}}[key]
    title = value if key == "title" else "标题"
    text = post_text(title, DAY, "qa" if key == "asked_by" else "news", **extra)
    result = load_post("tax/np/x.md", text.encode("utf-8"), orgs, PortalConfig(), now)
    assert result.post is None
    [problem] = result.problems
    assert LIARS[char] in problem.message and "第 3 个字符" in problem.message
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith(f"{key}:"))
    assert problem.line == line
    shown = problem.text() + problem.github()
    assert not re.search("[\r\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2028\u2029\ufeff\x85\x1b]", shown)


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\r", "\u2028", "\x9b"])
@pytest.mark.parametrize("field", ["unit", "system"])
def test_unit_and_system_names_refuse_lying_characters(char, field):
    old = "name: 南平市税务局" if field == "unit" else "name: 税务系统"
    text = ORGS_YML.replace(old, f'name: "南平{_yaml_escape(char)}"')
    orgs, problems = load_orgs(text)
    [problem] = problems
    assert f"U+{ord(char):04X}" in problem.message and "第 3 个字符" in problem.message
    assert problem.line == text.splitlines().index(f'        name: "南平{_yaml_escape(char)}"' if field == "unit"
                                                   else f'    name: "南平{_yaml_escape(char)}"') + 1


def test_a_raw_cr_never_reaches_check_output(tmp_path, capsys, monkeypatch):
    from site_builder.cli import main

    tree = PortalTree(tmp_path)
    tree.write("tax/np/cr.md", '---\ntitle: "好\\r坏"\ndate: 2026-03-01\ntype: news\ntags: ["a\\rb"]\n---\n\n正文\n')
    monkeypatch.chdir(tmp_path)
    for style in ("text", "github"):
        code = main(["check", "--content", str(tree.content), "--format", style])
        out, err = capsys.readouterr()
        assert code == 1 and "tax/np/cr.md" in out + err
        assert "\r" not in out + err and "U+000D" in out + err


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\r", "\u2029"])
def test_register_text_refuses_lying_characters(char):
    from site_builder.core.registers.pairings import load_pairings

    orgs, _ = load_orgs(ORGS_YML)
    problems: list = []
    text = (f'- leader: "张{_yaml_escape(char)}明"\n  role: 副局长\n  unit: tax/prov\n'
            "  pairs: [tax/np-jo]\n  since: 2026-01-01\n")
    assert load_pairings(text, orgs, problems) == []
    [problem] = problems
    assert f"U+{ord(char):04X}" in problem.message and "第 2 个字符" in problem.message and problem.line == 1
