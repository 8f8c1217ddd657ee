"""Which files a post links to, and which files belong to drafts alone (kept out of a build)."""

from types import SimpleNamespace

import pytest

from site_builder.core.drafts import draft_files, linked_files

SOURCE = "tax/np/2026/rally.md"


@pytest.mark.parametrize(("body", "found"), [
    ("![合影](photo.jpg)", {"tax/np/2026/photo.jpg"}),
    ("[通知]( files/a.pdf )", {"tax/np/2026/files/a.pdf"}),
    ("[通知](<files/b.pdf>)", {"tax/np/2026/files/b.pdf"}),
    ("[通知](/tax/prov/c.pdf)", {"tax/prov/c.pdf"}),
    ("[通知](../shared/d.pdf)", {"tax/np/shared/d.pdf"}),
    ("[通知](./e.pdf)", {"tax/np/2026/e.pdf"}),
    ("[通知](%E9%80%9A%E7%9F%A5.pdf)", {"tax/np/2026/通知.pdf"}),
    ("[通知](f.pdf?v=2#page=3)", {"tax/np/2026/f.pdf"}),
    ("[通知](img\\g.png)", {"tax/np/2026/img/g.png"}),
    ("见[附件][1]。\n\n[1]: files/h.pdf\n", {"tax/np/2026/files/h.pdf"}),
    ("   [2]: <files/i.pdf> \"标题\"\n", {"tax/np/2026/files/i.pdf"}),
    ("[3]: j.pdf", {"tax/np/2026/j.pdf"}),
    ('<img src="k.png">', {"tax/np/2026/k.png"}),
    ("<a HREF='l.pdf'>", {"tax/np/2026/l.pdf"}),
    ("<img src=m.png alt=x>", {"tax/np/2026/m.png"}),
    ("<img src = \"n.png\">", {"tax/np/2026/n.png"}),
    ("![a](o.jpg) ![b](o.jpg) [c](p.pdf)", {"tax/np/2026/o.jpg", "tax/np/2026/p.pdf"}),
    ("![r](https://example.com/r.jpg) ![l](local.jpg)", {"tax/np/2026/local.jpg"}),
    ("[x](/XYZ/a.pdf)", {"XYZ/a.pdf"}),
])
def test_linked_files_are_content_paths(body, found):
    assert linked_files(SOURCE, body) == found


@pytest.mark.parametrize("body", [
    "![a](https://example.com/a.jpg)", "![a](//cdn.example.com/a.jpg)", "[a](mailto:a@b.cn)",
    "<img src=\"data:image/png;base64,AAAA\">", "[a](#top)", "[a](?x=1)", "no links", "    [1]: indented-code.pdf",
    "[text] (not-a-link.pdf)",
])
def test_remote_empty_and_non_links_are_not_files(body):
    assert linked_files(SOURCE, body) == set()


def test_a_post_at_the_root_links_from_the_root():
    assert linked_files("about.md", "![a](img/a.png)") == {"img/a.png"}


def post(source, body=""):
    return SimpleNamespace(source=source, body=body)


ASSETS = {"tax/np/2026/rally/1.jpg", "tax/np/2026/rally/sub/2.jpg", "tax/np/2026/plan.pdf",
          "tax/np/2026/shared.jpg", "tax/np/2026/rally-2/3.jpg", "tax/np/2026/rally.jpg", "tax/np/2026/other.pdf"}


def test_a_drafts_own_folder_and_its_links_belong_to_it():
    draft = post(SOURCE, "![x](plan.pdf) ![y](shared.jpg) [z](missing.pdf)")
    assert draft_files([draft], [], ASSETS) == {"tax/np/2026/rally/1.jpg", "tax/np/2026/rally/sub/2.jpg",
                                                "tax/np/2026/plan.pdf", "tax/np/2026/shared.jpg"}


def test_a_file_a_published_post_links_to_stays():
    draft = post(SOURCE, "![x](plan.pdf) ![y](shared.jpg)")
    published = [post("tax/np/2026/open.md", "![y](shared.jpg)"), post("tax/np/2026/more.md", "[r](rally/1.jpg)")]
    assert draft_files([draft], published, ASSETS) == {"tax/np/2026/rally/sub/2.jpg", "tax/np/2026/plan.pdf"}


def test_several_drafts_each_own_their_files():
    drafts = [post(SOURCE), post("tax/np/2026/other.md", "[o](other.pdf)")]
    assert draft_files(drafts, [post("tax/np/2026/open.md")], ASSETS) == {
        "tax/np/2026/rally/1.jpg", "tax/np/2026/rally/sub/2.jpg", "tax/np/2026/other.pdf"}


def test_no_drafts_or_drafts_without_files_own_nothing():
    assert draft_files([], [post("tax/np/2026/open.md", "[p](plan.pdf)")], ASSETS) == set()
    assert draft_files([post("tax/np/2026/bare.md", "无附件")], [post("tax/np/2026/open.md")], ASSETS) == set()
