"""The theme environment: MkDocs finds the same static theme files without walking hidden folders."""

import gc
import os

import jinja2
import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from site_builder.sitebuild import DEFAULT_CONFIG
from site_builder.theme_env import VisibleTemplatesLoader, list_visible_templates


@pytest.fixture(autouse=True)
def collector_settings():
    """The plugin's on_config raises the collector's thresholds for a build: put them back."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def theme_files(env, config) -> list[str]:
    files = Files([])
    files.add_files_from_theme(env, config)
    return sorted(f.src_uri for f in files)


def test_static_theme_files_are_those_mkdocs_finds_walking_everything(tmp_path):
    (tmp_path / "docs").mkdir()
    config = load_config(DEFAULT_CONFIG, docs_dir=str(tmp_path / "docs"), site_dir=str(tmp_path / "site"))
    config = config.plugins.on_config(config)
    plain = config.theme.get_env()  # the plugin wrapped get_env: build MkDocs' own loader as a reference
    plain.loader = jinja2.FileSystemLoader(config.theme.dirs)
    env = config.theme.get_env()
    assert isinstance(env.loader, VisibleTemplatesLoader)
    found = theme_files(env, config)
    assert found == theme_files(plain, config)
    assert "assets/portal/portal.css" in found and any(f.startswith("assets/javascripts/") for f in found)
    assert env.get_template(".icons/material/home.svg")  # hidden files still load by name


def test_listing_leaves_out_hidden_files_and_folders(tmp_path):
    for path in ("a.html", ".hidden.txt", "x/.y/z.svg", "x/b.css", ".icons/i.svg"):
        os.makedirs(tmp_path / os.path.dirname(path), exist_ok=True)
        (tmp_path / path).write_text("t")
    assert VisibleTemplatesLoader(str(tmp_path)).list_templates() == ["a.html", "x/b.css"]


def test_wrapping_twice_changes_nothing(tmp_path):
    (tmp_path / "docs").mkdir()
    config = load_config(DEFAULT_CONFIG, docs_dir=str(tmp_path / "docs"), site_dir=str(tmp_path / "site"))
    list_visible_templates(config.theme)
    wrapped = config.theme.get_env
    list_visible_templates(config.theme)
    assert config.theme.get_env is wrapped
