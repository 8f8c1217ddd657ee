"""The site's identity (site_info, footer) and the published address (site_url): a published
build refuses an address that names this machine and a lenient one says what to set."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from lxml import html as lxml_html

from portal_factory import FIXED_EPOCH, PortalTree, build
from site_builder.cli import main
from site_builder.identity import SiteInfoError, local_site_url, site_info_items
from site_builder.sitebuild import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parent.parent


# --- site_info ------------------------------------------------------------------------


def test_site_info_lines_follow_the_contract_order_and_omit_absent_keys():
    items = site_info_items({"police": "闽公网安备35010202000001号", "organizer": "中共福建省直属机关工作委员会",
                             "site_code": 3500000040, "contact": ""})
    assert [(i.key, i.label, i.text) for i in items] == [
        ("organizer", "主办单位", "中共福建省直属机关工作委员会"), ("site_code", "网站标识码", "3500000040"),
        ("police", "", "闽公网安备35010202000001号")]
    assert items[-1].link == "https://beian.mps.gov.cn/#/query/webSearch?code=35010202000001"
    assert site_info_items({"icp": "闽ICP备12345678号-1"})[0].link == "https://beian.miit.gov.cn/"
    assert site_info_items(None) == [] and site_info_items({}) == []


@pytest.mark.parametrize("value, words", [({"organiser": "x"}, "不认识的项“organiser”"),
                                          ({"contact": ["a", "b"]}, "应是一行文字"),
                                          ({"icp": True}, "应是一行文字")])
def test_a_wrong_site_info_is_explained_in_chinese(value, words):
    with pytest.raises(SiteInfoError) as error:
        site_info_items(value)
    assert words in error.value.message and error.value.fix


def config_with(tmp_path: Path, site_info: str = "", site_url: str = "https://dj.example.gov.cn/") -> str:
    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8")
    text = text.replace("site_url: http://127.0.0.1:8000/", f"site_url: {site_url}")
    text = text.replace("  - portal:\n", "  - portal:\n" + site_info)
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_only_the_keys_set_appear_in_every_footer(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/rally.md", "推进会", "2026-03-01")
    config = config_with(tmp_path, "      site_info:\n        organizer: 南平市直属机关工委\n        icp: 闽ICP备00000001号\n")
    ok, site = build(tree, strict=True, config=config, trial=False)
    assert ok
    for page in ("index.html", "tax/np/index.html", "tax/np/2026/rally/index.html", "stats/index.html"):
        (footer,) = lxml_html.fromstring((site / page).read_bytes()).xpath("//footer//ul[@class='portal-site-info']")
        assert [li.text_content() for li in footer] == ["主办单位：南平市直属机关工委", "闽ICP备00000001号"]


def test_without_site_info_the_footer_has_no_identity_list(tmp_path):
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/rally.md", "推进会", "2026-03-01")
    ok, site = build(tree, strict=True, config=DEFAULT_CONFIG)
    assert ok
    assert not lxml_html.fromstring((site / "index.html").read_bytes()).xpath("//*[@class='portal-site-info']")


def test_an_unknown_site_info_key_stops_the_build_with_the_fix(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    config = config_with(tmp_path, "      site_info:\n        phone: 0591-1\n")
    assert main(["--config", config, "build", "--content", str(tree.content), "--site", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml:25: portal 选项 site_info.phone：site_info 中有不认识的项“phone” 修改方法：只使用 organizer" in err
    assert not (tmp_path / "site").exists()


# --- site_url -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/", "http://localhost/", "https://LOCALHOST:8443/p/",
                                 "http://127.1.2.3/", "http://[::1]:8000/", "http://0.0.0.0/", "http://portal.localhost/",
                                 "", None, "   "])
def test_addresses_of_this_machine_are_local(url):
    assert local_site_url(url)


@pytest.mark.parametrize("url", ["https://dj.example.gov.cn/", "http://10.1.2.3/portal/", "http://intranet/",
                                 "https://example.github.io/portal/"])
def test_published_addresses_are_not_local(url):
    assert not local_site_url(url)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A small portal whose mkdocs.yml takes site_url from SITE_URL, as the sample's does."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.delenv("SITE_URL", raising=False)
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/rally.md", "推进会", "2026-03-01")
    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8").replace(
        "site_url: http://127.0.0.1:8000/", 'site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]')
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    return tree


def test_a_strict_build_refuses_the_local_address_and_keeps_the_old_site(project, capsys):
    site = project.root / "site"
    site.mkdir()
    (site / "index.html").write_text("旧网站", encoding="utf-8")
    assert main(["build", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "严格模式：site_url 是本机地址 http://127.0.0.1:8000/" in err
    assert "SITE_URL=https://dj.example.gov.cn/ portal build --strict" in err
    assert err.rstrip().endswith("构建失败，原有网站保持不变。")
    assert (site / "index.html").read_text(encoding="utf-8") == "旧网站"


def test_a_strict_build_with_site_url_set_publishes_its_address(project, capsys, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://dj.example.gov.cn/")
    assert main(["build", "--strict"]) == 0
    assert "本机地址" not in capsys.readouterr().err
    sitemap = (project.root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://dj.example.gov.cn/tax/np/2026/rally/</loc>" in sitemap


def test_a_lenient_build_says_loudly_what_to_set(project, capsys):
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    (warning,) = [line for line in err.splitlines() if "本机地址" in line]
    assert warning.startswith("警告：注意！site_url 是本机地址 http://127.0.0.1:8000/")
    assert "设置环境变量 SITE_URL" in warning
    assert err.rstrip().splitlines()[-1].startswith("网站已生成到 site")


def test_a_trial_build_may_keep_the_local_address(project, capsys):
    assert main(["build", "--strict", "--trial"]) == 0
    assert "本机地址" not in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_is_unaffected_even_with_strict_in_mkdocs_yml(project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("strict: false", "strict: true"), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        page = None
        for _ in range(240):  # up to a minute for the first build on a busy machine
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/tax/np/2026/rally/", timeout=2) as answer:
                    page = answer.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.25)
        assert page is not None, server.communicate()[1] if server.poll() is not None else "serve did not answer"
        assert "推进会" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
