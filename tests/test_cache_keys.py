"""Cache keys come from what decides the output (keys.py): the code a step runs follows its
imports, and every theme folder counts wherever it is installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from portal_factory import PortalTree, build
from site_builder import keys
from site_builder.config import PortalConfig
from site_builder.engine import MarkdownSettings, PortalBuild

ROOT = Path(__file__).resolve().parent.parent

MODULES_PARSING_USES = """
import json, sys
from site_builder.config import PortalConfig
from site_builder.core.clock import reference_time
from site_builder.core.content import load_portal
from site_builder.core.urls import reserved_ids
config = PortalConfig()
load_portal(sys.argv[1], config, reference_time(config.timezone), reserved_ids(config.columns))
print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items() if n.startswith("site_builder") and m.__file__)))
"""


def test_parse_settings_cover_every_portal_module_parsing_runs(tmp_path):
    """Recorded, not listed by hand: every portal module loaded while a tree is parsed (the
    core and what it imports: config.py's LEVEL_ORDER) is part of the parsed-post key."""
    tree = PortalTree(tmp_path)
    tree.post("tax/np/a.md", "文章", "2026-03-01")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", MODULES_PARSING_USES, str(tree.content)], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    loaded = {os.path.realpath(path) for path in json.loads(out)}
    covered = {os.path.realpath(path) for path in keys.code_files(("site_builder.core",))}
    assert any(path.endswith(os.path.join("site_builder", "config.py")) for path in loaded)
    assert loaded <= covered, sorted(loaded - covered)


def copied_package(tmp_path: Path) -> Path:
    copy = tmp_path / "pkg" / "site_builder"
    shutil.copytree(ROOT / "site_builder", copy, ignore=shutil.ignore_patterns("__pycache__", "theme"))
    return copy


def settings_of(tmp_path: Path, package: Path, monkeypatch) -> str:
    monkeypatch.setattr(keys, "PACKAGE_DIR", str(package))
    keys._code_digest.cache_clear()
    (tmp_path / "content").mkdir(exist_ok=True)
    return PortalBuild(str(tmp_path / "content"), PortalConfig(), MarkdownSettings()).parse_settings()


def test_a_change_to_config_py_starts_new_parsed_post_keys(tmp_path, monkeypatch):
    """`core/posts.py` reads `config.LEVEL_ORDER`: changing it changes the parsed-post key
    (it hashed core/ only), while a change to a module parsing never runs does not."""
    package = copied_package(tmp_path)
    before = settings_of(tmp_path, package, monkeypatch)
    feeds = package / "feeds.py"
    feeds.write_text(feeds.read_text(encoding="utf-8") + "\n# unrelated\n", encoding="utf-8")
    assert settings_of(tmp_path, package, monkeypatch) == before
    config = package / "config.py"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('LEVEL_ORDER = ("province", "city", "county")',
                                   'LEVEL_ORDER = ("county", "city", "province")'), encoding="utf-8")
    assert config.read_text(encoding="utf-8") != text
    assert settings_of(tmp_path, package, monkeypatch) != before
    keys._code_digest.cache_clear()


def test_a_theme_folder_under_site_packages_is_part_of_page_keys(tmp_path):
    """A theme installed non-editable lives under site-packages (the portal's own theme does in
    a normal install): a changed template there must reach every page of a warm rebuild."""
    theme = tmp_path / "venv" / "lib" / "python3" / "site-packages" / "portal_theme"
    (theme / "partials").mkdir(parents=True)
    copyright_html = theme / "partials" / "copyright.html"
    copyright_html.write_text("<div>版权所有：第一版</div>\n", encoding="utf-8")
    default = (ROOT / "site_builder" / "default_mkdocs.yml").read_text(encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(default.replace("  name: material\n", f"  name: material\n  custom_dir: {theme}\n", 1),
                      encoding="utf-8")
    tree = PortalTree(tmp_path / "portal")
    tree.post("tax/np/a.md", "文章", "2026-03-01")
    ok, site = build(tree, tmp_path / "site1", config=str(config), cache_dir=tmp_path / "cache")
    assert ok and "第一版" in (site / "tax/np/a/index.html").read_text(encoding="utf-8")
    copyright_html.write_text("<div>版权所有：第二版</div>\n", encoding="utf-8")
    ok, site = build(tree, tmp_path / "site2", config=str(config), cache_dir=tmp_path / "cache")
    assert ok
    for page in ("tax/np/a/index.html", "tax/np/index.html", "index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "第二版" in text and "第一版" not in text, page


def test_material_and_mkdocs_folders_are_left_to_their_versions():
    """Material's own folder (14,000 icons) is not walked: its version is in the key."""
    import material  # type: ignore[import-untyped]

    material_dir = os.path.join(os.path.dirname(material.__file__), "templates")
    assert keys.theme_digest([material_dir]) == keys.theme_digest([])
    assert keys.theme_digest([str(ROOT / "site_builder" / "theme")]) != keys.theme_digest([])
