"""Markdown → safe HTML on plain strings: the sanitiser (no remote image, no script), link
resolution and its problems with their lines, anchors, summaries. No MkDocs."""

from __future__ import annotations

import hashlib

import pytest

from site_builder.core.problems import Problem
from site_builder.core.render import (
    SUMMARY_LENGTH,
    LinkContext,
    MarkdownRenderer,
    Rendered,
    check_anchors,
    first_paragraph,
    is_remote,
    sanitize,
    strip_controls,
)

CONTEXT = LinkContext(markdown_sources={"tax/np/a.md", "tax/np/b.md", "tax/prov/c.md", "tax/np/index.md"},
                      assets={"tax/np/photo.png": 1000, "tax/np/big.pdf": 3 * 1048576, "tax/np/run.exe": 10,
                              "tax/np/sub/map.jpg": 5, "tax/np/noext": 5},
                      attachment_types=("png", "jpg", "pdf"), max_attachment_bytes=2 * 1048576)


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer(["toc", "tables", "fenced_code"], {})


def render(renderer, body: str, source: str = "tax/np/a.md", body_line: int = 6, summary: str | None = None):
    return renderer.render(source, body, body_line, CONTEXT, summary)


# -- the sanitiser --------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://evil.example/p.png", "http://evil.example/p.png", "//evil.example/p.png",
                                 " //evil.example/p.png", "HTTPS://EVIL.EXAMPLE/p.png", "data:image/png;base64,AA",
                                 "ftp://evil.example/p.png"])
def test_images_from_other_hosts_lose_their_address(url):
    assert is_remote(url)
    assert sanitize(f'<p><img src="{url}" alt="像素"></p>') == '<p><img alt="像素"></p>'


@pytest.mark.parametrize("url", ["photo.png", "../np/photo.png", "/tax/np/photo.png", "sub/map.jpg?v=1#x", "", "#top"])
def test_local_images_keep_their_address(url):
    assert not is_remote(url)
    if url:
        assert sanitize(f'<img src="{url}" alt="图">') == f'<img src="{url}" alt="图">'


def test_sanitiser_keeps_links_to_other_hosts_and_marks_them():
    assert sanitize('<a href="https://www.gov.cn/">政府网</a>') == (
        '<a href="https://www.gov.cn/" rel="noopener noreferrer">政府网</a>')
    assert sanitize('<a href="mailto:a@b.cn">信</a><a href="tel:110">电话</a>') == (
        '<a href="mailto:a@b.cn" rel="noopener noreferrer">信</a><a href="tel:110" rel="noopener noreferrer">电话</a>')


def test_sanitiser_removes_scripts_styles_frames_events_and_controls():
    dirty = ('<script>alert(1)</script><style>p{}</style><iframe src="x"></iframe><p onclick="x()" style="c" '
             'class="k" id="i">段\x01落</p><a href="javascript:alert(1)">点</a><!-- 注释 --><svg></svg>'
             '<td colspan="2" align="left" bgcolor="red">格</td><img src="p.png" width="3" onerror="x">')
    clean = sanitize(dirty)
    assert clean == ('<p class="k" id="i">段落</p><a rel="noopener noreferrer">点</a>'
                     '<img src="p.png" width="3">格') or clean == (
        '<p class="k" id="i">段落</p><a rel="noopener noreferrer">点</a>格<img src="p.png" width="3">')
    assert "<script" not in clean and "alert" not in clean and "注释" not in clean


def test_strip_controls():
    assert strip_controls("甲\x00乙\x08丙\x0b丁\x0c戊\x0e己\x1f庚\x7f辛\ufffe壬\uffff癸") == "甲乙丙丁戊己庚辛壬癸"
    assert strip_controls("行一\n行二\t制表\r") == "行一\n行二\t制表\r"


# -- rendering and links ----------------------------------------------------------


def test_render_resolves_links_and_images(renderer):
    result = render(renderer, "![会场](photo.png)\n\n见[通知](b.md#第二节)、[省局](../prov/c.md)、[单位](index.md)、"
                              "[地图](sub/map.jpg)、[外部](https://www.gov.cn/)和[顶部](#top)。")
    assert result.problems == []
    assert '<img alt="会场" src="../photo.png">' in result.html
    assert 'href="../b/#第二节"' in result.html and 'href="../../prov/c/"' in result.html
    assert 'href="../"' in result.html and 'href="../sub/map.jpg"' in result.html
    assert 'href="https://www.gov.cn/" rel="noopener noreferrer"' in result.html and 'href="#top"' in result.html
    assert result.image == "tax/np/photo.png"
    assert result.assets == ["tax/np/photo.png", "tax/np/sub/map.jpg"]
    assert result.anchor_links == [("tax/np/b.md", "第二节", 8), ("tax/np/a.md", "top", 8)]
    assert result.summary == "见通知、省局、单位、地图、外部和顶部。"  # the image paragraph has no text


def test_the_first_image_is_the_posts_image(renderer):
    result = render(renderer, "[附件](big.pdf)\n\n![二](sub/map.jpg)\n\n![一](photo.png)")
    assert result.image == "tax/np/sub/map.jpg"
    assert render(renderer, "[地图](sub/map.jpg)\n\n![一](photo.png)").image == "tax/np/photo.png"


def test_a_post_at_the_root_of_a_unit_index(renderer):
    result = render(renderer, "[文章](a.md)和![图](photo.png)", source="tax/np/index.md")
    assert 'href="a/"' in result.html and 'src="photo.png"' in result.html


@pytest.mark.parametrize("body, line, message, fix", [
    ("第一行\n\n![跟踪](https://evil.example/p.png)", 8, "不能引用其他网站的图片（内网读者打不开，也会泄露访问记录）",
     "把图片下载下来放在文章旁边，用相对路径引用，例如 ![说明](photo.jpg)"),
    ("[密码](../../../etc/passwd.md)", 6, "链接指向内容目录之外", "只链接内容目录中的文件"),
    ("[上级](../../..)", 6, "链接指向内容目录之外", "只链接内容目录中的文件"),
    ("一\n二\n[不存在](nothere.md)", 8, "链接的文章“tax/np/nothere.md”不存在", "检查文件名和相对路径（相对于本文所在文件夹）"),
    ("[缺](missing.png)", 6, "链接的文件“tax/np/missing.png”不存在",
     "把文件放在文章旁边（同一文件夹或子文件夹），并检查文件名"),
    ("[程序](run.exe)", 6, "文件类型“.exe”不允许发布", "允许的类型：png、jpg、pdf"),
    ("[无扩展名](noext)", 6, "文件类型“.”不允许发布", "允许的类型：png、jpg、pdf"),
    ("[大](big.pdf)", 6, "文件“tax/np/big.pdf”过大（3 MB）", "压缩到 2 MB 以内"),
])
def test_link_problems_name_the_line_and_the_fix(renderer, body, line, message, fix):
    result = render(renderer, body)
    assert result.problems == [Problem("tax/np/a.md", line, message, fix)]
    assert result.assets == [] and result.image is None


def test_links_left_alone(renderer):
    result = render(renderer, "[站内绝对](/tax/np/a/)、[邮件](mailto:a@b.cn)、[空]()")
    assert result.problems == [] and 'href="/tax/np/a/"' in result.html and 'href="mailto:a@b.cn"' in result.html


def test_a_link_not_found_in_the_body_is_reported_on_the_body_line(renderer):
    result = render(renderer, "[甲][ref]\n\n[ref]: nothere.md", body_line=10)
    assert [p.line for p in result.problems] == [12]


def test_renderer_state_is_cleared_after_each_post(renderer):
    """Nothing of one post's links (problems, assets, first image) carries into the next."""
    first = render(renderer, "[不存在](nothere.md) ![图](photo.png)")
    second = render(renderer, "正文")
    assert first.problems and first.assets == ["tax/np/photo.png"]
    assert second.problems == [] and second.assets == [] and second.image is None


def test_anchors_toc_summary_and_fingerprint(renderer):
    result = render(renderer, "# Title\n\n## Second Part\n\n<span id=\"a&amp;b\">x</span>\n\n正文第一段。", summary="自定摘要")
    assert result.anchors == {"title", "second-part", "a&b"}
    assert [t["name"] for t in result.toc] == ["Title"] and [t["id"] for t in result.toc[0]["children"]] == ["second-part"]
    assert result.summary == "自定摘要"
    expected = hashlib.sha256(f"{result.html}\0{result.toc!r}".encode()).hexdigest()
    assert result.body_digest == expected and result.fingerprint() == expected
    stale = Rendered("<p>x</p>", [], body_digest="kept")
    assert stale.fingerprint() == "kept"
    fresh = Rendered("<p>x</p>", [{"name": "t"}])
    assert fresh.fingerprint() == hashlib.sha256(b"<p>x</p>\0[{'name': 't'}]").hexdigest()


def test_rendered_defaults():
    made = Rendered("<p>x</p>")
    assert (made.toc, made.image, made.summary, made.problems, made.assets, made.anchors, made.anchor_links,
            made.body_digest) == ([], None, "", [], [], frozenset(), [], "")


# -- anchors across posts --------------------------------------------------------


def test_check_anchors():
    target = Rendered("", anchors=frozenset({"第二节", "b", "a"}))
    own = Rendered("", anchors=frozenset(), anchor_links=[("tax/np/x.md", "nope", 7), ("tax/np/x.md", "portal-answer", 8)])
    linker = Rendered("", anchor_links=[("tax/np/t.md", "第二节", 3), ("tax/np/t.md", "missing", 4),
                                        ("guide/index.md", "anything", 5)])
    check_anchors({"tax/np/t.md": target, "tax/np/x.md": own, "tax/np/l.md": linker})
    assert linker.problems == [Problem("tax/np/l.md", 4, "锚点“#missing”在文章“tax/np/t.md”中不存在",
                                       "检查小标题的写法；可用的锚点有：a、b、第二节")]
    assert own.problems == [Problem("tax/np/x.md", 7, "锚点“#nope”在本文中不存在", "检查小标题的写法；可用的锚点有：（没有小标题）")]
    assert target.problems == []


def test_check_anchors_lists_ten_anchors_at_most():
    target = Rendered("", anchors=frozenset(f"h{n:02d}" for n in range(12)))
    linker = Rendered("", anchor_links=[("t.md", "x", 1)])
    check_anchors({"t.md": target, "l.md": linker})
    assert linker.problems[0].fix == "检查小标题的写法；可用的锚点有：" + "、".join(f"h{n:02d}" for n in range(10))


# -- summaries --------------------------------------------------------------------


def test_first_paragraph():
    assert first_paragraph("<h1>题</h1><p> </p><p><img src='x'></p><p>第一段 <b>加粗</b> &amp; 更多</p><p>二</p>") == (
        "第一段 加粗 & 更多")
    assert first_paragraph("<p>多\n行</p>") == "多\n行"
    assert first_paragraph("<h2>只有标题</h2>") == ""
    exact = "字" * SUMMARY_LENGTH
    assert first_paragraph(f"<p>{exact}</p>") == exact
    assert first_paragraph(f"<p>{exact}多</p>") == "字" * (SUMMARY_LENGTH - 1) + "…"
    assert SUMMARY_LENGTH == 140


def test_a_data_link_loses_its_address_but_keeps_its_text(renderer):
    result = render(renderer, "[点我](data:text/html,evil)")
    assert result.html == '<p><a rel="noopener noreferrer">点我</a></p>' and result.problems == []


def test_site_absolute_links_to_posts_and_files_resolve_like_relative_ones(renderer):
    result = render(renderer, "[通知](/tax/np/b.md)、[地图](/tax/np/sub/map.jpg)、[统计](/stats/)", source="tax/prov/c.md")
    assert result.problems == []
    assert 'href="../../np/b/"' in result.html and 'href="../../np/sub/map.jpg"' in result.html
    assert 'href="/stats/"' in result.html


def test_an_attachment_of_exactly_the_largest_size_is_published(renderer):
    context = LinkContext(markdown_sources={"tax/np/a.md"}, assets={"tax/np/x.pdf": 100, "tax/np/y.pdf": 101},
                          attachment_types=("pdf",), max_attachment_bytes=100)
    result = renderer.render("tax/np/a.md", "[甲](x.pdf)\n[乙](y.pdf)", 6, context)
    assert result.assets == ["tax/np/x.pdf"] and [p.line for p in result.problems] == [7]


def test_the_type_of_a_file_is_what_follows_its_last_dot(renderer):
    context = LinkContext(markdown_sources={"tax/np/a.md"}, assets={"tax/np/v1.2.pdf": 10, "tax/np/x.pdf.exe": 10},
                          attachment_types=("pdf",), max_attachment_bytes=100)
    result = renderer.render("tax/np/a.md", "[甲](v1.2.pdf)\n[乙](x.pdf.exe)", 6, context)
    assert result.assets == ["tax/np/v1.2.pdf"]
    assert [(p.line, p.message) for p in result.problems] == [(7, "文件类型“.exe”不允许发布")]


def test_a_link_to_the_answer_on_the_post_page_keeps_its_fragment(renderer):
    assert 'href="#portal-answer"' in render(renderer, "[看答复](#portal-answer)").html


def test_a_body_over_the_budget_is_refused_on_its_line_without_rendering(renderer):
    result = render(renderer, "正文\n\n" + "- " * 30 + "深\n", body_line=6, summary="摘要")
    assert (result.html, result.toc, result.image, result.summary) == ("", [], None, "摘要")
    assert result.problems == [Problem("tax/np/a.md", 8, "正文嵌套过深（列表或引用约 30 层，上限 24 层）",
                                       "减少列表和引用的嵌套层数；层次很多的内容可改成多个小标题或表格")]
    assert result.fingerprint() == hashlib.sha256(b"\0[]").hexdigest()
