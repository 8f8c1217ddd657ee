"""网页投稿 without a browser: the generated Decap configuration read as YAML, the `cms:`
options, and the local backend's limits (what it refuses to read or write, and for whom)."""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from portal_factory import ORGS_YML, PortalTree, build
from site_builder.cms.decap_config import config_yaml, decap_config, editable_keys
from site_builder.cms.local_backend import LocalRepository, RefusedPath, answer, start_local_backend
from site_builder.cms.settings import CmsSettingsError, read_cms_settings
from site_builder.config import PortalConfig
from site_builder.core.orgs import load_orgs
from site_builder.plugin_config import PortalOptionsError

CMS_CONFIG = """\
site_name: 测试门户
site_url: https://portal.example.gov.cn/
docs_dir: content
theme:
  name: material
  language: zh
plugins:
  - portal:
      columns: {policy: 政策解读}
      cms:
        backend: gitea
        repo: jggw/portal
        branch: main
        api_root: https://git.example.gov.cn/api/v1
        base_url: https://git.example.gov.cn
"""
CONTRACT_REQUIRED = {"title", "date", "type"}
QA_REQUIRED = {"question"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("cms")
    tree = PortalTree(root)
    tree.post("tax/np-jo/2026/first.md", "建瓯市局召开党建联席会", "2026-03-02")
    config = root / "mkdocs.yml"
    config.write_text(CMS_CONFIG, encoding="utf-8")
    ok, site = build(tree, config=str(config))
    assert ok
    return tree, site


def test_admin_config_reaches_every_unit_and_column(built):
    tree, site = built
    config = yaml.safe_load((site / "admin/config.yml").read_text(encoding="utf-8"))
    orgs, _ = load_orgs(ORGS_YML)
    by_folder = {c["folder"]: c for c in config["collections"]}
    for unit in orgs.units():  # every unit can be written for, in its own folder
        collection = by_folder[f"content/{unit.system}/{unit.id}"]
        assert collection["create"] is True and collection["name"] == f"{unit.system}__{unit.id}"
        assert collection["path"] == "{{year}}/{{slug}}"
        assert collection["media_folder"] == "" and collection["public_folder"] == ""  # pictures beside the post
        names = {field["name"] for field in collection["fields"]}
        assert names >= CONTRACT_REQUIRED | QA_REQUIRED
        assert "featured_by" not in names  # adoption is recorded by the unit above
        columns = next(f for f in collection["fields"] if f["name"] == "type")
        assert {o["value"] for o in columns["options"]} == {"news", "experience", "qa", "policy", "project"}
        categories = next(f for f in collection["fields"] if f["name"] == "category")
        assert {o["value"] for o in categories["options"]} == {"center", "integrity", "quality", "civility", "grassroots"}
    assert len(config["collections"]) == len(orgs.units())
    assert config["backend"] == {"name": "gitea", "repo": "jggw/portal", "branch": "main",
                                 "api_root": "https://git.example.gov.cn/api/v1",
                                 "base_url": "https://git.example.gov.cn"}
    assert config["publish_mode"] == "editorial_workflow"
    assert config["locale"] == "zh_Hans"
    assert "local_backend" not in config  # a published site never points at a local backend


def test_required_fields_are_required_in_the_editor(built):
    _, site = built
    config = yaml.safe_load((site / "admin/config.yml").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in config["collections"][0]["fields"]}
    for name in CONTRACT_REQUIRED:
        assert fields[name].get("required", True) is True
    assert fields["date"]["format"] == "YYYY-MM-DD HH:mm"  # a form the contract's date accepts


def test_admin_page_is_served_from_the_site_only(built):
    _, site = built
    page = (site / "admin/index.html").read_text(encoding="utf-8")
    assert 'src="decap/decap-cms.js' in page and "http" not in page.replace('name="viewport"', "")
    assert (site / "admin/decap/decap-cms.js").stat().st_size > 1_000_000
    assert (site / "admin/decap/LICENSE").exists()
    units = json.loads(page.split('type="application/json">', 1)[1].split("</script>", 1)[0])
    assert {u["key"] for u in units} >= {"tax/np-jo", "radio/np"}


def test_reader_pages_load_nothing_of_the_editor(built):
    _, site = built
    for page in site.rglob("*.html"):
        if "admin" in page.relative_to(site).parts:
            continue
        text = page.read_text(encoding="utf-8")
        assert "decap" not in text.lower() and "admin/" not in text, page


def test_no_admin_without_a_git_server(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/a.md", "标题", "2026-03-02")
    config = tmp_path / "mkdocs.yml"
    config.write_text(CMS_CONFIG.split("      cms:")[0], encoding="utf-8")
    ok, site = build(tree, config=str(config))
    assert ok and (site / "index.html").exists() and not (site / "admin").exists()


def test_same_objects_become_yaml_aliases():
    orgs, _ = load_orgs(ORGS_YML)
    text = config_yaml(decap_config(orgs, PortalConfig(), "content", None, "http://127.0.0.1:8081/api/v1"))
    assert text.count("label: 标题") == len(orgs.systems)  # the field list is written once per system
    data = yaml.safe_load(text)
    assert data["local_backend"] == {"url": "http://127.0.0.1:8081/api/v1"}
    assert data["backend"]["name"] == "proxy"


def test_a_systems_own_columns_only_in_its_units():
    orgs_text = ORGS_YML.replace("    kind: vertical\n", "    kind: vertical\n    columns: {tax-service: 便民办税}\n", 1)
    orgs, problems = load_orgs(orgs_text)
    assert not problems
    data = yaml.safe_load(config_yaml(decap_config(orgs, PortalConfig(), "content", None, None)))
    offered = {c["name"]: {o["value"] for f in c["fields"] if f["name"] == "type" for o in f["options"]}
               for c in data["collections"]}
    assert "tax-service" in offered["tax__np-jo"] and "tax-service" in offered["tax__prov"]
    assert "tax-service" not in offered["radio__np-jo"]


def test_every_key_a_post_may_carry_has_a_field():
    from site_builder.core.posts import POST_KEYS

    orgs, _ = load_orgs(ORGS_YML)
    data = yaml.safe_load(config_yaml(decap_config(orgs, PortalConfig(), "content", None, None)))
    names = {f["name"] for f in data["collections"][0]["fields"]}
    assert set(POST_KEYS) - {"featured_by"} <= names  # adoption is set by the unit above, not the author


def test_editable_keys_follow_the_contract():
    assert editable_keys()[:3] == ["title", "date", "type"]


@pytest.mark.parametrize("options, fragment", [
    ({"backend": "svn", "repo": "a/b"}, "代码托管平台“svn”"),
    ({"backend": "github"}, "仓库“None”"),
    ({"backend": "github", "repo": "no-owner"}, "仓库“no-owner”"),
    ({"backend": "github", "repo": "a/b", "api_root": "javascript:alert(1)"}, "api_root"),
    ({"backend": "github", "repo": "a/b", "branch": "main\nx"}, "branch"),
    ({"backend": "github", "repo": "a/b", "proxy_url": "http://x"}, "未知选项"),
    ("github", "键值表"),
])
def test_bad_cms_options_are_named(options, fragment):
    with pytest.raises(CmsSettingsError) as error:
        read_cms_settings(options)
    assert fragment in str(error.value) and "修改方法" in str(error.value)


def test_bad_cms_option_stops_the_build_with_a_message(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/a.md", "标题", "2026-03-02")
    config = tmp_path / "mkdocs.yml"
    config.write_text(CMS_CONFIG.replace("backend: gitea", "backend: svn"), encoding="utf-8")
    with pytest.raises(PortalOptionsError) as stopped:
        build(tree, config=str(config))
    assert f"{config}:11:" in str(stopped.value) and "cms.backend" in str(stopped.value)
    assert "修改方法" in str(stopped.value) and not (tmp_path / "site").exists()


@pytest.fixture()
def repository(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/a.md", "标题", "2026-03-02")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    return LocalRepository(str(tmp_path), str(tree.content), ("jpg", "png", "pdf"))


def test_local_backend_lists_reads_and_writes_inside_content(repository):
    entries = answer(repository, "entriesByFolder", {"folder": "content/tax/np", "extension": "md", "depth": 2})
    assert [e["file"]["path"] for e in entries] == ["content/tax/np/2026/a.md"]
    assert entries[0]["data"].startswith("---\ntitle: 标题")
    picture = {"path": "content/tax/np/2026/p.png", "content": base64.b64encode(b"png").decode(), "encoding": "base64"}
    answer(repository, "persistEntry", {"dataFiles": [{"path": "content/tax/np/2026/b.md", "raw": "---\n"}],
                                        "assets": [picture]})
    assert Path(repository.content, "tax/np/2026/b.md").read_text() == "---\n"
    assert Path(repository.content, "tax/np/2026/p.png").read_bytes() == b"png"
    assert answer(repository, "getMediaFile", {"path": "content/tax/np/2026/p.png"})["content"] == picture["content"]


@pytest.mark.parametrize("path", [
    "mkdocs.yml", ".github/CODEOWNERS", "content/../mkdocs.yml", "/etc/passwd", "content\\tax\\x.md",
    "content/tax/./x.md", "content//x.md", "content/tax/np/x.html", "content/tax/np/x.js", "content/x.md\0.png",
    "site_builder/plugin.py", "content/tax/np/2026/a.md/../../../../mkdocs.yml",
])
def test_local_backend_refuses_paths_outside_content_or_of_other_types(repository, path):
    with pytest.raises(RefusedPath):
        answer(repository, "persistEntry", {"dataFiles": [{"path": path, "raw": "x"}], "assets": []})
    assert Path(repository.root, "mkdocs.yml").read_text() == "site_name: x\n"


def test_local_backend_refuses_symbolic_links(repository, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, Path(repository.content, "tax/np/linked"))
    with pytest.raises(RefusedPath):
        answer(repository, "persistEntry", {"dataFiles": [{"path": "content/tax/np/linked/x.md", "raw": "x"}],
                                            "assets": []})
    assert not list(outside.iterdir())


def test_local_backend_answers_only_pages_of_this_machine(repository):
    server = start_local_backend(repository, 0)
    url = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    body = json.dumps({"action": "persistEntry", "params": {
        "dataFiles": [{"path": "content/tax/np/2026/c.md", "raw": "x"}], "assets": []}}).encode()
    try:
        for origin in ("https://evil.example", None, "http://127.0.0.1.evil.example"):
            request = urllib.request.Request(url, body, {"Content-Type": "application/json", **({"Origin": origin} if origin else {})})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 403
        assert not Path(repository.content, "tax/np/2026/c.md").exists()
        request = urllib.request.Request(url, body, {"Content-Type": "application/json", "Origin": "http://127.0.0.1:8000"})
        with urllib.request.urlopen(request, timeout=10) as answered:
            assert answered.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
        assert Path(repository.content, "tax/np/2026/c.md").read_text() == "x"
    finally:
        server.shutdown()
        server.server_close()
