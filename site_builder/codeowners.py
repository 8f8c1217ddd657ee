"""`portal codeowners`: a CODEOWNERS file from the `reviewers` of orgs.yml (上级审核).

Each unit folder `content/<system>/<unit>/` is owned by the reviewers of the units above it,
nearest first (上级审核): with the branch rule "Require review from Code Owners", GitHub asks one
owner of every changed file to approve, and the last matching line of CODEOWNERS decides who
the owners are. A county's own reviewers are therefore not on its line: they may review and
comment (an optional extra), but only its city or province can approve its posts. A province
unit has nobody above it and is owned by its own reviewers. The registers of the 考核评比激励
work (assessments, closed bulletins, honours) are owned like orgs.yml.
"""

from __future__ import annotations

import os
import sys

from .core.content import ORGS_FILE
from .core.handles import FIX as HANDLE_FIX
from .core.handles import HANDLE, is_handle
from .core.intake import ASK_FILE, asked_owner_rows
from .core.interact import read_ask
from .core.orgs import Orgs, Unit, load_orgs
from .core.problems import Problem, format_problems
from .core.sourcefile import decode

REGISTER_FILES = ("honours.yml",)  # 考核评比激励 registers, approved like orgs.yml
REGISTER_FOLDERS = ("assessments", "bulletins")
OWNER_RE = HANDLE  # one handle, matched in full (`OWNER_RE.fullmatch`)
# Files of the project itself (beside the content folder), owned by the site admins.
PROJECT_FILES = ("mkdocs.yml", "pyproject.toml")
PROJECT_FOLDERS = ("site_builder/",)
TARGETS = {"github": ".github/CODEOWNERS", "gitea": ".gitea/CODEOWNERS"}
CI_FOLDERS = {"github": ("/.github/",), "gitea": (".gitea/", ".github/")}


def codeowners_command(args) -> int:
    """Print CODEOWNERS for the content folder; exit 1 (nothing printed) when orgs.yml has problems."""
    orgs, problems = read_registry(args.content)
    problems += owner_problems(orgs)
    ask, ask_problems = read_ask(args.content)
    problems += ask_problems
    if problems:
        print(format_problems(problems), file=sys.stderr)
        print(f"{ORGS_FILE} 有 {len(problems)} 个问题，请先修正，再生成 CODEOWNERS。", file=sys.stderr)
        return 1
    from .cli import shown_prefix

    print(codeowners_text(orgs, shown_prefix(args.content, "github"), getattr(args, "format", "github"), ask.admins), end="")
    if not ask.admins:
        print(f"提示：{ASK_FILE} 中没有 admins（平台管理员），mkdocs.yml、site_builder/、pyproject.toml、"
              f"CI 配置和网站自己的页面没有审核人；请在 {ASK_FILE} 中写 admins: [\"@管理员团队\"]。", file=sys.stderr)
    missing = [u.key for u in orgs.units() if not unit_owners(orgs, u)]
    if missing:
        print(f"提示：{len(missing)} 个单位及其上级都没有审核人（{'、'.join(missing)}），"
              f"请在 {ORGS_FILE} 中填写 reviewers。", file=sys.stderr)
    return 0


def read_registry(content: str) -> tuple[Orgs, list[Problem]]:
    """The registry of a content folder, with its problems (paths relative to the content folder)."""
    path = os.path.join(content, ORGS_FILE)
    if not os.path.exists(path):
        return Orgs(), [Problem(ORGS_FILE, 0, f"找不到 {path}", "在门户项目根目录运行，或用 --content 指定内容目录")]
    with open(path, "rb") as handle:
        text, problem = decode(handle.read(), ORGS_FILE)
    if problem:
        return Orgs(), [problem]
    return load_orgs(text, ORGS_FILE)


def owner_problems(orgs: Orgs) -> list[Problem]:
    """Reviewers GitHub would not accept as code owners."""
    return [Problem(ORGS_FILE, unit.line, f"单位“{unit.key}”的审核人“{owner}”写法不对", HANDLE_FIX)
            for unit in orgs.units() for owner in unit.reviewers if not is_handle(owner)]


def unit_owners(orgs: Orgs, unit: Unit) -> list[str]:
    """Who approves the unit's folder: the reviewers of each unit above it, nearest first, each
    once; a unit with nobody above it (a province) is approved by its own reviewers."""
    owners: list[str] = []
    for reviewer_unit in orgs.ancestors(unit) or [unit]:
        owners += [r for r in reviewer_unit.reviewers if r not in owners]
    return owners


def own_reviewers_line(orgs: Orgs, unit: Unit) -> list[str]:
    """A comment naming the unit's own reviewers who are not owners of its folder (they may review)."""
    extra = [r for r in unit.reviewers if r not in unit_owners(orgs, unit)]
    return [f"#   {unit.name}本单位审核人 {' '.join(extra)}：可以审核、提意见，须由上级审核人批准"] if extra else []


def registry_owners(orgs: Orgs) -> list[str]:
    """Reviewers of the province units of every system: they approve the registry and CI files."""
    owners: list[str] = []
    for system in orgs.systems.values():
        for unit in system.roots():
            owners += [r for r in unit.reviewers if r not in owners]
    return owners


def codeowners_text(orgs: Orgs, content_prefix: str = "content", style: str = "github",
                    admins: tuple[str, ...] = ()) -> str:
    """The whole CODEOWNERS file, deterministic: registry order, one line per unit.

    `github` patterns (also GitLab's) are folder paths from the repository root;
    `gitea` patterns are Go regular expressions over the file path.
    """
    folder = _folder_pattern(style)
    base = content_prefix.strip("/") if content_prefix.strip("/.") else ""
    rows: list[tuple[str, list[str]] | str] = []
    top = registry_owners(orgs)
    if admins:  # the platform's administrators (ask.yml): the catch-all owner
        rows += _admin_rows(style, base, list(admins))
        keepers = top + [a for a in admins if a not in top]
        rows += ["", "# 组织登记表：由各系统省级单位的审核人和网站管理员审核", (_file_pattern(style, base, ORGS_FILE), keepers)]
        rows += ["# 考核、表彰、通报存档：同上", *[(_file_pattern(style, base, name), keepers) for name in REGISTER_FILES],
                 *[(folder(base, name), keepers) for name in REGISTER_FOLDERS]]
    elif top:  # no admins named: the province reviewers keep the registry and CI files
        rows += ["", "# 组织登记表与 CI 配置：由各系统省级单位的审核人审核", (_file_pattern(style, base, ORGS_FILE), top)]
        rows += [(_ci_pattern(style, ci), top) for ci in CI_FOLDERS[style]]
        rows += ["# 考核、表彰、通报存档：同上", *[(_file_pattern(style, base, name), top) for name in REGISTER_FILES],
                 *[(folder(base, name), top) for name in REGISTER_FOLDERS]]
    for system in orgs.systems.values():
        rows += ["", f"# {system.name}（{system.id}）"]
        for unit in system.units.values():
            rows += [*own_reviewers_line(orgs, unit), (folder(base, f"{unit.system}/{unit.id}"), unit_owners(orgs, unit))]
    rows += asked_owner_rows(style, base, admins)  # questions asked on line: the platform's administrators
    return "\n".join(_header(content_prefix, style) + _aligned(rows)) + "\n"


def _admin_rows(style: str, base: str, admins: list[str]) -> list:
    """The catch-all owner first (later lines override it), then the project's own files
    named again: the configuration, the builder, CI, and the site's own pages."""
    project = base.rpartition("/")[0] if "/" in base else ""
    rows: list = ["", f"# 平台管理员（{ASK_FILE} 的 admins）：其余所有文件，包括网站配置、构建代码、CI 配置和网站自己的页面",
                  (".*" if style == "gitea" else "*", admins)]
    rows += [(_file_pattern(style, project, name), admins) for name in PROJECT_FILES]
    rows += [(_folder_pattern(style)(project, folder.rstrip("/")), admins) for folder in PROJECT_FOLDERS]
    rows += [(_ci_pattern(style, ci), admins) for ci in CI_FOLDERS[style]]
    rows += [(_folder_pattern(style)("", base) if base else (".*" if style == "gitea" else "/"), admins)]
    return rows


def _folder_pattern(style: str):
    if style == "gitea":
        return lambda base, rel: f"{base}/{rel}/.*" if base else f"{rel}/.*"
    return lambda base, rel: f"/{base}/{rel}/" if base else f"/{rel}/"


def _file_pattern(style: str, base: str, name: str) -> str:
    if style == "gitea":
        return (f"{base}/{name}" if base else name).replace(".", "\\\\.")
    return f"/{base}/{name}" if base else f"/{name}"


def _ci_pattern(style: str, folder: str) -> str:
    return folder.replace(".", "\\\\.") + ".*" if style == "gitea" else folder


def _header(content_prefix: str, style: str) -> list[str]:
    registry = f"{content_prefix.strip('/') or '.'}/{ORGS_FILE}"
    option = " --format gitea" if style == "gitea" else ""
    return [
        f"# CODEOWNERS：由 `portal codeowners{option}` 根据 {registry} 生成，请勿手工修改。",
        "# 上级审核：每个单位文件夹由其各级上级单位的审核人批准（任何一位即可），本单位审核人可以审核、提意见，",
        "# 但不能单独批准本单位的稿件；省级单位没有上级，由本单位审核人批准。",
        "# 须在仓库设置的分支保护规则中勾选“Require review from Code Owners”（需要代码所有者审核）才生效。",
        f"# 修改审核人：编辑 {registry} 中单位的 reviewers，然后运行",
        f"#   portal codeowners{option} > {TARGETS[style]}",
    ]


def _aligned(rows: list) -> list[str]:
    width = max((len(r[0]) for r in rows if isinstance(r, tuple)), default=0)
    lines = []
    for row in rows:
        if isinstance(row, str):
            lines.append(row)
        elif row[1]:
            lines.append(f"{row[0]:<{width}} {' '.join(row[1])}")
        else:
            lines.append(f"# {row[0]:<{width}} 无审核人：请在 {ORGS_FILE} 中为该单位或其上级单位填写 reviewers")
    return lines
