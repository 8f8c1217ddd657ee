"""The sample portal built once for browser and markup checks, and the tools that read it:
headless Chromium, axe-core and the Nu Html Checker from tests/js/node_modules (installed by
`npm ci` there; .ci/run does it). Nothing is fetched from another host: axe-core is handed to
the page by the test, and the checker runs on local files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from portal_factory import FIXED_EPOCH

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent / "js" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
PUBLISHED = "https://dj.example.gov.cn/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def build_sample(root: Path) -> Path:
    """The repository's own sample portal (content/ and mkdocs.yml), built as it is published."""
    from site_builder.sitebuild import build_site

    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    previous = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = PUBLISHED
    try:
        ok = build_site(str(ROOT / "content"), str(root / "site"), strict=True, path=str(ROOT / "mkdocs.yml"),
                        cache_dir=str(root / "cache"))
    finally:
        if previous is None:
            os.environ.pop("SITE_URL", None)
        else:
            os.environ["SITE_URL"] = previous
    assert ok, "the sample portal does not build strictly"
    return root / "site"


def page_paths(site: Path) -> dict[str, str]:
    """One page of every kind the sample has, by kind: site paths as a reader opens them."""
    found = {"home": "", "system": "tax/", "unit": "tax/np/", "column": "news/", "qa": "qa/", "ask": "qa/ask/",
             "stats": "stats/", "search": "search/?q=%E7%A8%8E%E5%8A%A1", "feeds": "feeds/", "guide": "guide/",
             "level": "level/county/", "not-found": "404.html"}
    post = sorted(p for p in (site / "tax" / "np").glob("*/*/index.html"))[0]
    found["post"] = post.parent.relative_to(site).as_posix() + "/"
    for kind, folder in (("category", "category"), ("tag", "tag"), ("topic", "topics"), ("project", "projects")):
        pages = sorted((site / folder).glob("*/index.html")) if (site / folder).is_dir() else []
        if (site / folder / "index.html").exists():
            found[f"{kind}-index"] = f"{folder}/"
        if pages:
            found[kind] = pages[0].parent.relative_to(site).as_posix() + "/"
    return {kind: path for kind, path in found.items() if (site / path.split("?")[0]).exists() or path.endswith(".html")}


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])


def need_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium")


def need_tools() -> None:
    if not AXE.exists() or not VNU.exists():
        pytest.skip("tests/js/node_modules is missing: run `npm ci --ignore-scripts` in tests/js")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core run on the open page (its script handed to the page from disk)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5],
             "summary": v["nodes"][0].get("failureSummary", "")} for v in found if v["impact"] in impacts]


# Errors in Material's own templates (not written by the portal), each recognised by the
# checker's message and the markup it points at: the drawer and search toggles
# (base.html: checkboxes with autocomplete), navigation sections (nav-item.html: tabindex=""),
# and the table of contents' phone label for a toggle Material draws only on pages in the
# navigation (toc.html).
MATERIAL_MARKUP = [
    ("Attribute “autocomplete” is only allowed when the input type is", re.compile(r'<input class="md-toggle"')),
    ("Bad value “” for attribute “tabindex” on element “label”", re.compile(r'<label class="md-nav__link" for="__nav_')),
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
     re.compile(r'<label class="md-nav__title" for="__toc">')),
]


def html_errors(files: list[Path]) -> list[str]:
    """Errors the Nu Html Checker finds in the files, but for Material's own markup."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed (the Nu Html Checker needs it)")
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    lines: dict[Path, list[str]] = {}
    errors = []
    for message in messages:
        path = Path(message["url"].removeprefix("file:"))
        source = lines.setdefault(path, path.read_text(encoding="utf-8").splitlines())
        line = source[message["lastLine"] - 1] if message.get("lastLine") else ""
        if any(message["message"].startswith(text) and pattern.search(line) for text, pattern in MATERIAL_MARKUP):
            continue
        errors.append(f'{path}:{message.get("lastLine")}: {message["message"]} [{line.strip()[:120]}]')
    return errors
