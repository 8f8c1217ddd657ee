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
# 上级审核：每个单位文件夹由其各级上级单位的审核人批准（任何一位即可），本单位审核人可以审核、提意见，
# 但不能单独批准本单位的稿件；省级单位没有上级，由本单位审核人批准。
# 须在仓库设置的分支保护规则中勾选“Require review from Code Owners”（需要代码所有者审核）才生效。
# 修改审核人：编辑 content/orgs.yml 中单位的 reviewers，然后运行
#   portal codeowners > .github/CODEOWNERS

# 组织登记表与 CI 配置：由各系统省级单位的审核人审核
/content/orgs.yml     @tax-prov
/.github/             @tax-prov
# 考核、表彰、通报存档：同上
/content/honours.yml  @tax-prov
/content/assessments/ @tax-prov
/content/bulletins/   @tax-prov

# 税务系统（tax）
/content/tax/prov/    @tax-prov
#   南平市税务局本单位审核人 @tax-np：可以审核、提意见，须由上级审核人批准
/content/tax/np/      @tax-prov
#   建瓯市税务局本单位审核人 @tax-np-jo：可以审核、提意见，须由上级审核人批准
/content/tax/np-jo/   @tax-np @tax-prov
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
    assert ["/portal/content/tax/np-jo/", "@tax-np", "@tax-prov"] in [line.split() for line in out.splitlines()]
    assert "根据 portal/content/orgs.yml 生成" in out


def test_codeowners_refuses_reviewers_github_would_reject(tmp_path, capsys, monkeypatch):
    tree = PortalTree(tmp_path)
    text = (tree.content / "orgs.yml").read_text(encoding="utf-8")
    tree.write("orgs.yml", text.replace('reviewers: ["@tax-np"]', 'reviewers: ["南平 党办"]'))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "codeowners")
    assert code == 1 and out == ""
    assert "orgs.yml:14: 单位“tax/np”的审核人“南平 党办”写法不对" in err  # the line of its reviewers


def test_codeowners_refuses_a_broken_registry(tmp_path, capsys, monkeypatch):
    tree = PortalTree(tmp_path)
    tree.write("orgs.yml", "systems:\n  - id: tax\n    name: 税务\n    units:\n      - id: np\n        name: 南平\n        level: city\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "codeowners")
    assert code == 1 and out == "" and "缺少 parent" in err


def test_owner_syntax():
    assert all(OWNER_RE.fullmatch(o) for o in ["@user", "@org/team-name", "@org/team.x", "name@example.gov.cn"])
    assert not any(OWNER_RE.fullmatch(o) for o in ["user", "@", "@org/", "@a b", "南平党办", "@user\n", "@a\n/x @b"])


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
    assert out.splitlines()[5] == "#   portal codeowners --format gitea > .gitea/CODEOWNERS"
    rules = gitea_rules(out)
    assert owners_of(rules, "content/tax/np-jo/2026/rally.md") == ["@tax-np", "@tax-prov"]  # 上级审核
    assert owners_of(rules, "content/tax/np/2026/photos/a.jpg") == ["@tax-prov"]
    assert owners_of(rules, "content/assessments/2026.yml") == ["@tax-prov"]
    assert owners_of(rules, "content/orgs.yml") == ["@tax-prov"]
    assert owners_of(rules, "content/orgsXyml") == []
    assert owners_of(rules, ".gitea/workflows/pr-check.yml") == ["@tax-prov"]
    assert owners_of(rules, "content/radio/np/2026/a.md") == []


def github_owners(codeowners: str, path: str) -> list[str]:
    """The owners GitHub asks for a file: those of the LAST line whose pattern matches (the
    patterns the generator writes: `/folder/`, `/file`, and a catch-all `*`)."""
    owners: list[str] = []
    for line in codeowners.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pattern, *names = line.split()
        if pattern == "*" or ("/" + path).startswith(pattern) if pattern.endswith("/") else "/" + path == pattern:
            owners = names
    return owners


def test_no_unit_reviewer_alone_can_approve_its_own_folder(tmp_path, capsys, monkeypatch):
    """Three levels, every unit with reviewers of its own: a county's folder needs its city or its
    province, a city's its province; only a province approves its own (nobody is above it)."""
    tree = PortalTree(tmp_path)
    text = (tree.content / "orgs.yml").read_text(encoding="utf-8")
    text = text.replace("        name: 武夷山市税务局\n", '        name: 武夷山市税务局\n        reviewers: ["@wys-a", "@wys-b"]\n')
    tree.write("orgs.yml", text)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "codeowners")
    assert code == 0
    from site_builder.core.orgs import load_orgs

    orgs = load_orgs(text)[0]
    for unit in orgs.units():
        owners = github_owners(out, f"content/{unit.system}/{unit.id}/2026/post.md")
        if unit.level == "county":
            assert not set(unit.reviewers) & set(owners), (unit.key, owners)
            assert owners or unit.system == "radio"  # radio has no reviewers at all
            assert set(owners) <= {r for above in orgs.ancestors(unit) for r in above.reviewers}
        if unit.parent is None:
            assert owners == list(unit.reviewers)
    assert github_owners(out, "content/tax/np-jo/2026/post.md") == ["@tax-np", "@tax-prov"]
    assert github_owners(out, "content/tax/np-wys/a/b.md") == ["@tax-np", "@tax-prov"]
    assert github_owners(out, "content/tax/np/x.md") == ["@tax-prov"]
    assert "本单位审核人 @wys-a @wys-b：可以审核" in out  # optional extra reviewers, named
    assert github_owners(out, "content/assessments/2026.yml") == ["@tax-prov"]
