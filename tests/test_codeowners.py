"""`portal codeowners`: CODEOWNERS from the reviewers of orgs.yml (上级审核)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from portal_factory import PortalTree
from site_builder.cli import main
from site_builder.codeowners import OWNER_RE

REPO = Path(__file__).resolve().parents[1]

# The factory registry: tax prov › np › np-jo have reviewers; radio has none anywhere.
EXPECTED = """\
# CODEOWNERS：由 `portal codeowners` 根据 content/orgs.yml 生成，请勿手工修改。
# 每个单位文件夹由本单位及其各级上级单位的审核人审核（上级审核），其中任何一位批准即可合并。
# 修改审核人：编辑 content/orgs.yml 中单位的 reviewers，然后运行
#   portal codeowners > .github/CODEOWNERS

# 组织登记表与 CI 配置：由各系统省级单位的审核人审核
/content/orgs.yml     @tax-prov
/.github/             @tax-prov

# 税务系统（tax）
/content/tax/prov/    @tax-prov
/content/tax/np/      @tax-np @tax-prov
/content/tax/np-jo/   @tax-np-jo @tax-np @tax-prov
/content/tax/np-wys/  @tax-np @tax-prov
/content/tax/sm/      @tax-prov
/content/tax/sm-yx/   @tax-prov

# 广播电视系统（radio）
# /content/radio/prov/  无审核人：请在 orgs.yml 中为该单位或其上级单位填写 reviewers
# /content/radio/np/    无审核人：请在 orgs.yml 中为该单位或其上级单位填写 reviewers
# /content/radio/np-jo/ 无审核人：请在 orgs.yml 中为该单位或其上级单位填写 reviewers
"""


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_codeowners_for_the_fixture_registry(tmp_path, capsys, monkeypatch):
    PortalTree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "codeowners")
    assert code == 0
    assert out == EXPECTED
    assert "3 个单位及其上级都没有审核人（radio/prov、radio/np、radio/np-jo）" in err
    assert run(capsys, "codeowners")[1] == out  # deterministic


def test_codeowners_paths_are_relative_to_the_repository(tmp_path, capsys, monkeypatch):
    tree = PortalTree(tmp_path / "portal")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tree.content)
    code, out, _ = run(capsys, "codeowners", "--content", ".")
    assert code == 0
    assert ["/portal/content/tax/np-jo/", "@tax-np-jo", "@tax-np", "@tax-prov"] in [line.split() for line in out.splitlines()]
    assert "根据 portal/content/orgs.yml 生成" in out


def test_codeowners_refuses_reviewers_github_would_reject(tmp_path, capsys, monkeypatch):
    tree = PortalTree(tmp_path)
    text = (tree.content / "orgs.yml").read_text(encoding="utf-8")
    tree.write("orgs.yml", text.replace('reviewers: ["@tax-np"]', 'reviewers: ["南平 党办"]'))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "codeowners")
    assert code == 1 and out == ""
    assert "orgs.yml:10: 单位“tax/np”的审核人“南平 党办”写法不对" in err


def test_codeowners_refuses_a_broken_registry(tmp_path, capsys, monkeypatch):
    tree = PortalTree(tmp_path)
    tree.write("orgs.yml", "systems:\n  - id: tax\n    name: 税务\n    units:\n      - id: np\n        name: 南平\n        level: city\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "codeowners")
    assert code == 1 and out == "" and "缺少 parent" in err


def test_owner_syntax():
    assert all(OWNER_RE.match(o) for o in ["@user", "@org/team-name", "@org/team.x", "name@example.gov.cn"])
    assert not any(OWNER_RE.match(o) for o in ["user", "@", "@org/", "@a b", "南平党办"])


def test_the_committed_codeowners_matches_the_sample_registry(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "codeowners")
    assert code == 0
    assert (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8") == out


def gitea_rules(text: str) -> list[tuple[re.Pattern, list[str]]]:
    """Rules as Gitea reads them: `\\\\` unescaped, the pattern anchored at both ends."""
    rules = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *owners = line.split()
            rules.append((re.compile(f"^{pattern.replace(chr(92) * 2, chr(92))}$"), owners))
    return rules


def owners_of(rules, path: str) -> list[str]:
    matching = [owners for pattern, owners in rules if pattern.match(path)]
    return matching[-1] if matching else []


def test_codeowners_for_gitea_are_anchored_regular_expressions(tmp_path, capsys, monkeypatch):
    PortalTree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "codeowners", "--format", "gitea")
    assert code == 0
    assert out.splitlines()[3] == "#   portal codeowners --format gitea > .gitea/CODEOWNERS"
    rules = gitea_rules(out)
    assert owners_of(rules, "content/tax/np-jo/2026/rally.md") == ["@tax-np-jo", "@tax-np", "@tax-prov"]
    assert owners_of(rules, "content/tax/np/2026/photos/a.jpg") == ["@tax-np", "@tax-prov"]
    assert owners_of(rules, "content/orgs.yml") == ["@tax-prov"]
    assert owners_of(rules, "content/orgsXyml") == []
    assert owners_of(rules, ".gitea/workflows/pr-check.yml") == ["@tax-prov"]
    assert owners_of(rules, "content/radio/np/2026/a.md") == []
