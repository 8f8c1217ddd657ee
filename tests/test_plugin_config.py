"""The portal options of mkdocs.yml: a wrong value or an unknown name is a Chinese message naming
mkdocs.yml, its line and the option (never a traceback) in `portal check`, `portal build`,
`portal new` and `mkdocs build`; right values reach the core's `PortalConfig` typed."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal_factory import FIXED_EPOCH, PortalTree
from site_builder import authoring
from site_builder.cli import main
from site_builder.config import DEFAULT_CATEGORIES, ScoreWeights
from site_builder.sitebuild import DEFAULT_CONFIG, mkdocs_config

REPO = Path(__file__).resolve().parents[1]
PACKAGED = Path(DEFAULT_CONFIG).read_text(encoding="utf-8")


def with_options(*lines: str, replace: tuple[str, str] | None = None) -> str:
    """The packaged mkdocs.yml with `lines` added under `- portal:` (and one text replaced)."""
    text = PACKAGED.replace(*replace) if replace else PACKAGED
    added = "".join(f"      {line}\n" for line in lines)
    return text.replace("  - portal:\n", "  - portal:\n" + added, 1)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A portal project folder with one post, cwd at its root; write mkdocs.yml to it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setattr(authoring, "git_user_name", lambda: None)
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/rally.md", "推进会", "2026-03-01")
    return tmp_path


# (what to write, the option named in the message, the fragment of the line it is on)
WRONG = {
    "non-number weight": (with_options(replace=("answered: 1", "answered: 很多")), "score.answered", "answered:"),
    "weight of a column that does not exist": (
        with_options(replace=("qa: 1}", "qa: 1, polcy: 2}")), "score.column", "column:"),
    "adoption weight of no level": (
        with_options(replace=("county: 1}", "county: 1, town: 1}")), "score.adoption.town", "adoption:"),
    "unknown option": (with_options("pagesize: 10"), "pagesize", "pagesize:"),
    "negative page size": (with_options(replace=("page_size: 20", "page_size: -5")), "page_size", "page_size:"),
    "page size as text": (with_options(replace=("page_size: 20", "page_size: 二十")), "page_size", "page_size:"),
    "feed length true": (with_options(replace=("feed_length: 20", "feed_length: true")), "feed_length", "feed_length:"),
    "unknown time zone": (with_options("timezone: Asia/Beijing"), "timezone", "timezone:"),
    "column id with capitals": (with_options("columns: {Policy: 政策解读}"), "columns.Policy", "columns:"),
    "attachment types as text": (with_options("attachment_types: pdf"), "attachment_types", "attachment_types:"),
}


def assert_told(text: str, config: str, option: str, fragment: str) -> None:
    assert f"mkdocs.yml:{line_of(config, fragment)}: portal" in text, text
    assert option in text and "修改方法：" in text, text
    assert "Traceback" not in text


@pytest.mark.parametrize("case", sorted(WRONG))
def test_portal_check_names_file_line_and_option(project, capsys, case):
    config, option, fragment = WRONG[case]
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    code = main(["check"])
    out, err = capsys.readouterr()
    assert code == 1
    assert_told(out, config, option, fragment)


def test_portal_check_github_annotates_the_line(project, capsys):
    config, _, fragment = WRONG["negative page size"]
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert main(["check", "--format", "github"]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"::error file=mkdocs.yml,line={line_of(config, fragment)}::portal 选项 page_size")


def test_every_wrong_option_is_told_at_once(project, capsys):
    config = with_options("pagesize: 10", "timezone: Mars/Olympus", replace=("page_size: 20", "page_size: 0"))
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert main(["check"]) == 1
    out, _ = capsys.readouterr()
    assert [line.split(": ")[1].split("：")[0] for line in out.splitlines()] == [  # in the order of the lines
        "portal 插件没有“pagesize”这个选项 修改方法", "portal 选项 timezone", "portal 选项 page_size"]


def test_portal_build_stops_before_building(project, capsys):
    config, option, fragment = WRONG["non-number weight"]
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert main(["build", "--cache-dir", str(project / ".cache")]) == 1
    _, err = capsys.readouterr()
    assert_told(err, config, option, fragment)
    assert not (project / "site").exists()


def test_portal_new_tells_the_same(project, capsys):
    config, option, fragment = WRONG["unknown option"]
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    code = main(["new", "--unit", "tax/np", "--type", "news", "--title", "标题", "--author", "张三"])
    _, err = capsys.readouterr()
    assert code == 1
    assert_told(err, config, option, fragment)


def test_mkdocs_build_tells_the_same(project):
    config, option, fragment = WRONG["non-number weight"]
    config = config.replace("use_directory_urls", "docs_dir: content\nuse_directory_urls")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert_told(done.stderr, config, option, fragment)
    assert not (project / "site").exists()


def test_right_options_reach_the_core_typed(project):
    config = with_options("columns: {policy: 政策解读}", "categories: {youth: 青年工作}", "attachment_types: [PDF, .ofd]",
                          "timezone: Asia/Urumqi", "feed_full_content: false",
                          replace=("qa: 1}", "qa: 1, policy: 0.5}"))
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    settings = authoring.load_workspace("content", None).config
    assert settings.columns["policy"] == "政策解读" and settings.columns["news"] == "工作动态"
    assert settings.categories == {**DEFAULT_CATEGORIES, "youth": "青年工作"}
    assert settings.attachment_types == ("pdf", "ofd")
    assert settings.timezone == "Asia/Urumqi" and settings.feed_full_content is False
    assert settings.score.column["policy"] == 0.5 and isinstance(settings.score.answered, float)
    assert settings.score.adoption == ScoreWeights().adoption


def test_the_packaged_and_sample_configurations_pass(project):
    for path in (DEFAULT_CONFIG, str(REPO / "mkdocs.yml")):
        config = mkdocs_config("content", path=path)
        assert config.plugins["portal"].config.page_size == 20


def test_authoring_reads_settings_without_the_plugin():
    tree = ast.parse((REPO / "site_builder" / "authoring.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "plugin" not in imported and "site_builder.plugin" not in imported
    assert "plugin_config" in imported


def test_a_broken_mkdocs_yml_is_told_without_a_traceback(project, capsys):
    text = with_options("columns: [policy: 政策解读")  # an unclosed bracket
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert main(["check"]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("错误：mkdocs.yml 有误：") and "修改方法：" in err and "Traceback" not in err
    assert f"line {line_of(text, 'columns:')}" in err  # YAML's own position
