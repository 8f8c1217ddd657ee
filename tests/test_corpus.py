"""A held-out corpus of several hundred posts builds leniently and strictly,
and hostile files placed beside it cost no valid post."""

import random
import shutil

import pytest

from portal_factory import PortalTree, build, post_text

UNITS = ["tax/prov", "tax/np", "tax/np-jo", "tax/np-wys", "tax/sm", "tax/sm-yx",
         "radio/prov", "radio/np", "radio/np-jo"]
WORDS = ["党建", "联创", "支部", "党员", "学习", "服务", "群众", "业务", "廉政", "作风", "志愿", "乡村", "振兴", "培训", "交流", "调研", "宣讲", "考核", "通报", "信息"]
COLUMNS = ["news", "news", "experience", "qa"]
CATEGORIES = ["center", "integrity", "quality", "civility", "grassroots"]


def corpus(tree: PortalTree, count: int, seed: int = 7) -> dict[str, str]:
    """Write `count` valid posts; returns post URL → title."""
    rng = random.Random(seed)
    urls = {}
    for index in range(count):
        unit = rng.choice(UNITS)
        column = rng.choice(COLUMNS)
        title = "".join(rng.sample(WORDS, 3)) + f"第{index}期"
        day = f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
        body = "\n\n".join("".join(rng.choices(WORDS, k=40)) + "。" for _ in range(3))
        extra = {"category": rng.choice(CATEGORIES), "tags": f"[{rng.choice(WORDS)}]"}
        if column == "qa":
            extra["question"] = f"关于{rng.choice(WORDS)}的问题？"
            if rng.random() < 0.6:
                extra["answered"] = f"2026-11-{rng.randint(1, 20):02d}"
        rel = f"{unit}/2026/post-{index:04d}.md"
        tree.write(rel, post_text(title, day, column, body, **extra))
        urls[f"{unit}/2026/post-{index:04d}/"] = title
    return urls


HOSTILE: dict[str, str | bytes] = {
    "tax/np/2026/gbk.md": post_text("编码错误的文章", "2026-03-01").encode("gbk"),
    "tax/np/2026/xss.md": post_text("<script>alert(1)</script>", "2026-03-01"),
    "tax/np/2026/yaml.md": "---\ntitle: 冒号: 坏了\ndate: 2026-03-01\ntype: news\n---\n正文\n",
    "tax/np/2026/empty.md": "",
    "tax/nowhere/2026/a.md": post_text("未知单位", "2026-03-01"),
    "tax/np/2026/slug.md": post_text("越界", "2026-03-01", slug="../../../etc"),
    "tax/np/2026/future.md": post_text("未来", "2030-01-01"),
}


@pytest.fixture(scope="module")
def corpus_tree(tmp_path_factory):
    tree = PortalTree(tmp_path_factory.mktemp("corpus"))
    return tree, corpus(tree, 320)


def test_corpus_builds_strictly_with_every_post(corpus_tree):
    tree, urls = corpus_tree
    ok, site = build(tree, strict=True)
    assert ok
    missing = [u for u in urls if not (site / u / "index.html").exists()]
    assert missing == []


def test_hostile_files_beside_corpus_lose_no_valid_post(corpus_tree, tmp_path):
    tree, urls = corpus_tree
    copy = PortalTree(tmp_path)
    shutil.copytree(tree.content, copy.content, dirs_exist_ok=True)
    for rel, data in HOSTILE.items():
        copy.write(rel, data)
    clash = next(u for u in urls if u.startswith("tax/np/"))
    copy.write(f"{clash}index.md", post_text("路径冲突", "2026-03-01"))
    ok, site = build(copy)
    assert ok
    missing = [u for u in urls if not (site / u / "index.html").exists()]
    assert missing == []
    html = (site / clash / "index.html").read_text()
    assert "路径冲突" not in html and urls[clash] in html
    assert not list(site.rglob("gbk/index.html")) and not list(site.rglob("xss/index.html"))
    ok, _ = build(copy, strict=True, site=tmp_path / "strict-site")
    assert not ok and not (tmp_path / "strict-site").exists()
