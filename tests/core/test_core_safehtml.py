"""What a post's markup may carry, on plain strings: the classes of the Markdown extensions and
Material's admonitions (no theme class), ids that cannot shadow the page's own, sizes, URLs read
as a browser reads them, and links that cannot be wrapped around whole blocks."""

from __future__ import annotations

import pytest

from site_builder.core.safehtml import (
    _pygments_classes,
    is_remote,
    normalise_url,
    own_id,
    safe_classes,
    safe_size,
    unlink_blocks,
    url_scheme,
)

# written out by hand: the classes the enabled extensions write, and Material's admonition types
EXTENSION_CLASSES = ["admonition", "admonition-title", "headerlink", "footnote", "footnote-ref", "footnote-backref", "task-list", "task-list-item", "task-list-control", "task-list-indicator", "highlight", "highlighttable", "linenos", "linenodiv", "filename", "hll", "code", "arithmatex", "critic", "caret", "tilde", "mark", "inlinehilite"]
ADMONITION_TYPES = ["note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing", "danger", "error", "bug", "example", "quote", "cite"]
BLOCKS = ["blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ol", "p", "pre", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "colgroup"]


@pytest.mark.parametrize("name", EXTENSION_CLASSES + ADMONITION_TYPES + ["k", "nf", "s2", "language-python",
                                                                           "language-c++", "language-c#"])
def test_classes_of_the_extensions_admonitions_and_highlighting_are_kept(name):
    assert safe_classes(name) == name
    assert safe_classes(f"md-typeset {name} portal-x") == name


def test_the_highlighting_classes_come_from_pygments():
    classes = _pygments_classes()
    assert {"k", "nf", "s2", "c1", "err"} <= classes and "" not in classes and "md-typeset" not in classes


@pytest.mark.parametrize("value", ["md-header", "md-typeset md-content", "portal-card", "Note", "language-",
                                   "language-Python", "language-" + "a" * 31, "XnoteX", "notes", "", "  "])
def test_theme_and_unknown_classes_are_dropped(value):
    assert safe_classes(value) is None


def test_kept_classes_keep_their_order_once_each():
    assert safe_classes("warning admonition md-x warning  language-" + "a" * 30) == (
        "warning admonition language-" + "a" * 30)


@pytest.mark.parametrize("value", ["section-1", "中文标题", "a.b", "a:b", "x" * 100, "fn:1", "Mdx", "portal", "u"])
def test_ids_that_cannot_shadow_the_page_are_kept(value):
    assert own_id(value) == value


@pytest.mark.parametrize("value, moved", [
    ("__config", "u-__config"), ("_drawer", "u-_drawer"), ("md-header", "u-md-header"), ("MD-Header", "u-MD-Header"),
    ("md_x", "u-md_x"), ("portal-nav", "u-portal-nav"), ("Portal_x", "u-Portal_x"), ("u-1", "u-u-1"),
    ("a b.c", "u-a-b-c"), ("x\x01y", "u-x-y"), ("", "u-"), ("标题 一", "u-标题-一"),
    ("y" * 101, "u-" + "y" * 100), ("_" + "z" * 120, "u-_" + "z" * 99),
])
def test_other_ids_move_into_the_posts_own_namespace(value, moved):
    assert own_id(value) == moved


@pytest.mark.parametrize("value, kept", [
    ("100", "100"), ("50%", "50%"), ("0", "0"), ("9999", "9999"), (" 20 ", " 20 "),
    ("12345", None), ("1.5", None), ("", None), ("-1", None), ("100px", None), ("%", None), ("50%%", None),
])
def test_sizes_are_at_most_four_digits_or_a_percentage(value, kept):
    assert safe_size(value) == kept


@pytest.mark.parametrize("url, seen", [
    (" https://a.example/x ", "https://a.example/x"),
    ("\x00\x1f//evil.example", "//evil.example"),
    ("ja\tva\nscr\ript:alert(1)", "javascript:alert(1)"),
    ("\\\\evil.example\\x", "//evil.example/x"),
    ("/\\evil.example", "//evil.example"),
    ("HTTP:\\\\evil.example", "HTTP://evil.example"),
    ("https:\\\\a", "https://a"), ("ws:\\\\a", "ws://a"), ("WSS:\\\\a", "WSS://a"), ("ftp:\\\\a", "ftp://a"),
    ("file:\\\\a", "file://a"),
    ("mailto:a\\b@c.cn", "mailto:a\\b@c.cn"), ("tel:1\\2", "tel:1\\2"),
    ("a b", "a b"), ("photo.png", "photo.png"),
])
def test_urls_are_read_as_a_browser_reads_them(url, seen):
    assert normalise_url(url) == seen


@pytest.mark.parametrize("url, scheme", [
    ("HTTPS://x", "https"), ("mailto:a@b", "mailto"), ("a+b.c-d:x", "a+b.c-d"), ("/x", ""), ("x", ""),
    ("1a:b", ""), ("#a:b", ""), ("c:x", "c"),
])
def test_the_scheme_of_a_url(url, scheme):
    assert url_scheme(url) == scheme


@pytest.mark.parametrize("url", ["https://x.example", "//x.example", "/\\x.example", "\\\\x.example", "https:x",
                                 " //x", "\t//x", "data:image/png;base64,AA", "javascript:x", "/\t/x"])
def test_urls_that_leave_the_site(url):
    assert is_remote(url)


@pytest.mark.parametrize("url", ["/x", "x", "#a", "?q=1", "/x//y", "../a.png", "", "a/b:c"])
def test_urls_within_the_site(url):
    assert not is_remote(url)


@pytest.mark.parametrize("block", BLOCKS)
def test_a_link_around_a_block_loses_its_address(block):
    html = f'<p>前</p><a href="https://evil.example/" rel="x"><{block} class="c">大块</{block}></a>'
    assert unlink_blocks(html) == f'<p>前</p><a><{block} class="c">大块</{block}></a>'


@pytest.mark.parametrize("html", [
    "<p>没有链接</p><div>块</div>",
    '<p><a href="x">文字 <img src="y"> <em>强调</em></a></p>',
    '<a href="x">文字</a><div>块</div>',
    '<a href="x"></p></div></a>',
    '</a><a href="x">文字</a><div>块</div>',
    '<abbr title="x"><div>块</div></abbr>',
    '<a\thref="x"><div>块</div></a>',  # no "<a ": a tab there is not how nh3 writes links
])
def test_links_around_text_and_images_stay(html):
    assert unlink_blocks(html) == html


def test_only_the_links_around_blocks_lose_their_address():
    html = '<a href="1">甲</a><a href="2"><P>乙</P></a><a href="3">丙</a>'
    assert unlink_blocks(html) == '<a href="1">甲</a><a><P>乙</P></a><a href="3">丙</a>'


def test_nested_links_around_a_block_both_lose_their_address():
    html = '<a href="1">外<a href="2">内<DIV>块</DIV></a></a>'
    assert unlink_blocks(html) == '<a>外<a>内<DIV>块</DIV></a></a>'
