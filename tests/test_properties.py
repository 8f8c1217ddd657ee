"""Property-based tests: random front matter, bodies and bytes thrown at the post loader
and the renderer. The loader never crashes; every refusal is a reported problem; what
comes out of the renderer is always safe."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal_factory import ORGS_YML
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.core.posts import POST_KEYS, load_post
from site_builder.core.problems import Problem
from site_builder.core.render import LinkContext, MarkdownRenderer

ORGS, _ = load_orgs(ORGS_YML)
CONFIG = PortalConfig(max_post_bytes=64 * 1024)
NOW = datetime(2026, 11, 25, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SOURCES = ["tax/np/a.md", "tax/np-jo/2026/b.md", "radio/prov/c.md", "tax/zz/d.md", "tax/e.md"]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PROFILE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the characters that break things: markup, YAML syntax, controls, CJK, quotes.
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>&\"'`:#-[]{}*!|%@\\\n\t\r /.") + ["\x00", "\x07", "\x1b", "\ufeff", "\u2028"]),
        st.characters(codec="utf-8"),
        st.sampled_from(list("党建联创支部学习税务南平")),
    ),
    max_size=60,
)
scalar = st.one_of(
    hostile_text, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.sampled_from(["2026-03-01", "2026-02-30", "2026-03-01 09:30", "9999-99-99", "2030-01-01",
                     "news", "qa", "experience", "center", "tax/prov", "no", "yes", "true"]),
)
value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(hostile_text, inner, max_size=3)),
                     max_leaves=8)
keys = st.one_of(st.sampled_from(POST_KEYS + ("slug", "url", "unit", "color")), hostile_text)
front_matter = st.dictionaries(keys, value, max_size=8)

body_piece = st.one_of(
    hostile_text,
    st.sampled_from([
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
        "<svg onload=alert(1)>", "<iframe src=//evil.example>", "<style>*{}</style>", "[x](../../../etc/passwd.md)",
        "![i](../../x.png)", "[s](#nowhere)", "[o](a.md#h)", "## 标题 {#id}", "```\ncode\n```", "<div markdown>x</div>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<math><mi>x</mi></math>", "&lt;script&gt;", "\x00\x01",
        "<details open><summary>s</summary>x</details>", "| a | b |\n|---|---|\n| 1 | 2 |",
    ]),
)
body = st.lists(body_piece, max_size=8).map("\n\n".join)


def dump(meta: dict) -> str:
    """Front matter as YAML, the way a tool or a careful person would write it."""
    try:
        return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return repr(meta)


def check_result(source: str, result) -> None:
    """The loader's contract: a post and no problems, or no post and at least one problem."""
    assert (result.post is None) == bool(result.problems)
    for problem in result.problems:
        assert isinstance(problem, Problem)
        assert problem.path == source
        assert isinstance(problem.line, int) and problem.line >= 0
        assert problem.message and problem.fix
    post = result.post
    if post is not None:
        assert post.title and "\n" not in post.title and not CONTROL.search(post.title)
        assert post.type in CONFIG.columns
        assert post.date <= NOW + timedelta(days=1)
        assert all(not CONTROL.search(tag) for tag in post.tags)
        assert post.unit_key in {u.key for u in ORGS.units()}


@PROFILE
@given(source=st.sampled_from(SOURCES), meta=front_matter, text=body)
def test_loader_never_crashes_on_random_front_matter(source, meta, text):
    data = f"---\n{dump(meta)}---\n\n{text}\n".encode("utf-8", "surrogatepass")
    check_result(source, load_post(source, data, ORGS, CONFIG, NOW))


@PROFILE
@given(source=st.sampled_from(SOURCES), front=hostile_text, text=body)
def test_loader_never_crashes_on_random_yaml_text(source, front, text):
    data = f"---\n{front}\n---\n{text}".encode("utf-8", "surrogatepass")
    check_result(source, load_post(source, data, ORGS, CONFIG, NOW))


@PROFILE
@given(data=st.binary(max_size=400))
def test_loader_never_crashes_on_random_bytes(data):
    check_result("tax/np/a.md", load_post("tax/np/a.md", data, ORGS, CONFIG, NOW))
    framed = b"---\ntitle: t\ndate: 2026-03-01\ntype: news\n---\n" + data
    check_result("tax/np/a.md", load_post("tax/np/a.md", framed, ORGS, CONFIG, NOW))


RENDERER = MarkdownRenderer(["toc", "tables", "fenced_code", "attr_list", "footnotes", "md_in_html"], {})
CONTEXT = LinkContext({"tax/np/a.md", "tax/np/b.md"}, {"tax/np/x.png": 10}, ("png",), 1000)
EVENT_ATTR = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
UNSAFE_TAG = re.compile(r"<\s*/?\s*(script|style|iframe|svg|math|object|embed|form|input|link|meta)\b", re.I)


@PROFILE
@given(text=body)
def test_renderer_output_is_always_safe(text):
    rendered = RENDERER.render("tax/np/b.md", text, 7, CONTEXT)
    html = rendered.html
    assert not UNSAFE_TAG.search(html)
    assert not EVENT_ATTR.search(html)
    assert not re.search(r"(href|src)\s*=\s*\"\s*javascript:", html, re.I)
    assert not CONTROL.search(html) and not CONTROL.search(rendered.summary)
    for problem in rendered.problems:
        assert problem.path == "tax/np/b.md" and problem.line >= 7 and problem.message and problem.fix
