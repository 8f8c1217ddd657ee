"""The README and docs/: the two set-up commands come first, staff are sent to the on-site 投稿指南,
and every relative link of the README and of docs/*.md leads to a file of the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def documents() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S)


def test_readme_starts_with_the_two_set_up_commands():
    blocks = code_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert blocks[0].strip() == "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/portal serve"
    assert blocks[1].strip() == "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"


def test_readme_sends_staff_to_the_guide_and_maintainers_to_docs():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    targets = set(LINK.findall(text))
    assert "content/guide/index.md" in targets
    assert {f"docs/{p.name}" for p in (REPO / "docs").glob("*.md")} <= targets  # every document is reachable


@pytest.mark.parametrize("document", documents(), ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(document):
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (document.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{document.name}: {target}"
