"""The shipped CI files: the workflows run the real `portal` commands, and those commands
gate a pull request; the pre-commit hook checks staged posts; the PR template has the checklist."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from test_lint import tool

from portal_factory import FIXED_EPOCH, PortalTree
from site_builder.cli import parser

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(flow: dict) -> dict:
    return flow.get("on", flow.get(True))  # YAML 1.1 reads the key `on` as True


def steps(flow: dict, job: str) -> list[dict]:
    return flow["jobs"][job]["steps"]


def uses(job_steps: list[dict]) -> list[str]:
    return [s["uses"].split("@")[0] for s in job_steps if "uses" in s]


def commands(job_steps: list[dict]) -> list[str]:
    return [s["run"] for s in job_steps if "run" in s]


def portal_invocations(script: str) -> list[list[str]]:
    """Every `portal …` command of a run script, split as the shell would (before redirections)."""
    found = []
    for line in script.splitlines():
        line = line.strip()
        if line.startswith("portal "):
            words = shlex.split(line.split(">")[0])
            found.append(words[1:])
    return found


def test_pull_request_check_runs_install_check_and_strict_build():
    flow = workflow("pr-check.yml")
    assert "pull_request" in triggers(flow)
    job = steps(flow, "check")
    assert uses(job)[:2] == ["actions/checkout", "actions/setup-python"]
    assert job[0]["with"]["fetch-depth"] == 0
    runs = commands(job)
    assert runs[0] == "python -m pip install -e ."
    assert runs[1] == "portal check --format github"
    assert runs[2].startswith("portal build --strict")


def test_deploy_builds_strictly_and_publishes_the_built_folder():
    flow = workflow("deploy.yml")
    assert triggers(flow)["push"]["branches"] == ["main"]
    # least privilege: the job that installs packages and runs the build can write nothing;
    # the deploy job runs no project code and alone holds the publishing permissions
    assert flow["permissions"] == {"contents": "read"}
    assert flow["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert not [s for s in steps(flow, "deploy") if "run" in s]
    build_steps = steps(flow, "build")
    assert uses(build_steps) == ["actions/checkout", "actions/setup-python", "actions/cache", "actions/configure-pages",
                                 "actions/upload-pages-artifact"]
    # the build cache is kept between runs, at the folder the build uses by default
    from site_builder.plugin_config import PortalPluginConfig

    cache_step = next(s for s in build_steps if s.get("uses", "").startswith("actions/cache"))
    assert cache_step["with"]["path"] == dict(PortalPluginConfig._schema)["cache_dir"].default
    assert cache_step["with"]["restore-keys"] and "run_id" in cache_step["with"]["key"]
    build_command = next(s for s in build_steps if "run" in s and s["run"].startswith("portal build"))
    args = parser().parse_args(shlex.split(build_command["run"])[1:])
    assert args.strict and args.site == next(s for s in build_steps if "upload-pages" in s.get("uses", ""))["with"]["path"]
    assert "steps.pages.outputs.base_url" in build_command["env"]["SITE_URL"]
    assert flow["jobs"]["deploy"]["needs"] == "build"
    assert uses(steps(flow, "deploy")) == ["actions/deploy-pages"]


# --- the code workflow: tests on Linux, Windows and macOS, ruff and mypy ---------------------


README_TEST = "python -m pytest"


def test_code_workflow_runs_on_pull_requests_that_change_code():
    flow = workflow("tests.yml")
    for trigger in ("pull_request", "push"):
        paths = triggers(flow)[trigger]["paths"]
        assert {"site_builder/**", "tests/**", "pyproject.toml", ".github/workflows/**"} <= set(paths)
        assert not any(p.startswith("content") for p in paths)  # posts are pr-check.yml's
    assert flow["permissions"] == {"contents": "read"}


def test_code_workflow_lints_with_the_pyproject_settings():
    job = steps(workflow("tests.yml"), "lint")
    runs = commands(job)
    assert runs[0] == "python -m pip install -e '.[test]'"
    assert [shlex.split(r)[0] for r in runs[1:]] == ["ruff", "mypy"]
    assert shlex.split(runs[1])[:2] == ["ruff", "check"] and runs[2] == "mypy"  # files and rules: pyproject.toml


def test_code_workflow_tests_on_linux_with_debian_chromium():
    flow = workflow("tests.yml")
    job = flow["jobs"]["test-linux"]
    assert job["runs-on"] == "ubuntu-latest" and "bookworm" in job["container"]  # Debian
    runs = commands(job["steps"])
    assert any("apt-get install" in r and "chromium" in shlex.split(r) for r in runs)
    assert "python -m pip install -e '.[test]'" in runs and runs[-1] == README_TEST


def test_code_workflow_tests_on_windows_and_macos_too():
    flow = workflow("tests.yml")
    job = flow["jobs"]["test"]
    matrix = job["strategy"]["matrix"]
    assert "windows-latest" in matrix["os"] and "macos-latest" in matrix["os"]
    assert job["strategy"]["fail-fast"] is False
    assert "3.10" in matrix["python"]  # the oldest Python pyproject.toml allows
    assert job["defaults"]["run"]["shell"] == "bash"  # a failing command fails its step on Windows too
    assert job["env"]["CI"] == "false"  # browser tests skip there, and must not count as failures
    assert "CI" not in flow["jobs"]["test-linux"].get("env", {})  # on Linux every test must run
    runs = commands(job["steps"])
    assert README_TEST in runs
    portal = [argv for r in runs for argv in portal_invocations(r)]
    assert ["check"] in portal and any(argv[:2] == ["build", "--strict"] for argv in portal)


def test_readme_test_command_is_the_one_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && .venv/bin/python -m pytest" in readme
    assert "python -m pytest" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_action_is_pinned_to_a_major_version():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        flow = workflow(path.name)
        for name in flow["jobs"]:
            for step in steps(flow, name):
                if "uses" in step:
                    assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), (path.name, step["uses"])
                assert "run" in step or "uses" in step, (path.name, step)


@pytest.mark.parametrize("name", ["pr-check.yml", "deploy.yml", "tests.yml"])
def test_every_portal_command_in_the_workflows_is_a_real_one(name):
    flow = workflow(name)
    invocations = [i for job in flow["jobs"] for run in commands(steps(flow, job)) for i in portal_invocations(run)]
    assert invocations
    for argv in invocations:
        args = parser().parse_args(argv)  # SystemExit (test error) for an unknown command or option
        assert callable(args.func)


# --- the pull-request workflow, run for real on a small portal -----------------------


@pytest.fixture
def project(tmp_path):
    """A portal project in git (packaged mkdocs.yml), with its CODEOWNERS, and `portal` on PATH."""
    if os.name == "nt":
        pytest.skip("runs the workflow steps with a POSIX shell and a shell-script `portal`")
    root = tmp_path / "project"
    tree = PortalTree(root)
    tree.post("tax/np/2026/rally.md", "南平市局召开推进会", "2026-03-01")
    tree.post("tax/np-jo/2026/study.md", "建瓯市局专题学习", "2026-03-02", featured_by="[tax/np]")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "portal"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m site_builder "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "RUNNER_TEMP": str(runner_temp), "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    (root / ".github").mkdir()
    owners = subprocess.run(["portal", "codeowners"], cwd=root, env=env, capture_output=True, text=True, check=True)
    (root / ".github" / "CODEOWNERS").write_text(owners.stdout, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return tree, env


def run_step(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """One `run:` step as GitHub's default shell runs it (`bash -e -o pipefail`)."""
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def check_steps() -> list[str]:
    return [run for run in commands(steps(workflow("pr-check.yml"), "check")) if "pip install" not in run]


def test_the_pull_request_steps_pass_on_a_clean_portal(project):
    tree, env = project
    for script in check_steps():
        done = run_step(script, tree.root, env)
        assert done.returncode == 0, (script, done.stdout, done.stderr)


def test_the_pull_request_steps_stop_a_bad_post_with_an_annotation(project):
    tree, env = project
    tree.post("tax/np/2026/bad.md", "栏目写错", "2026-03-03", type_="notice")
    check, build, _ = check_steps()
    done = run_step(check, tree.root, env)
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=content/tax/np/2026/bad.md,line=4::栏目“notice”不存在")
    assert run_step(build, tree.root, env).returncode == 1


def test_the_pull_request_steps_notice_stale_codeowners(project):
    tree, env = project
    orgs = tree.content / "orgs.yml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace('["@tax-np"]', '["@tax-np", "@tax-np-new"]'), encoding="utf-8")
    done = run_step(check_steps()[2], tree.root, env)
    assert done.returncode == 1
    assert "::error file=.github/CODEOWNERS::" in done.stdout and "@tax-np-new" in done.stdout


def test_the_deploy_build_step_uses_the_published_address(project):
    tree, env = project
    shutil.copy(REPO / "mkdocs.yml", tree.root / "mkdocs.yml")
    shutil.copytree(REPO / "theme", tree.root / "theme")  # the sample's logo (mkdocs.yml: custom_dir)
    step = next(s for s in steps(workflow("deploy.yml"), "build") if s.get("run", "").startswith("portal build"))
    env = {**env, "SITE_URL": "https://example.github.io/portal/"}
    done = run_step(step["run"], tree.root, env)
    assert done.returncode == 0, done.stderr
    sitemap = (tree.root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.github.io/portal/tax/np/2026/rally/</loc>" in sitemap


# --- pre-commit -----------------------------------------------------------------------


def hook(name: str = "portal-check") -> dict:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (found,) = [h for h in repo["hooks"] if h["id"] == name]
    return found


def test_pre_commit_runs_ruff_on_python_files_only(tmp_path):
    spec = hook("ruff")
    assert spec["language"] == "system" and spec["types_or"] == ["python", "pyi"] and "files" not in spec
    argv = shlex.split(spec["entry"])
    assert argv[:2] == ["ruff", "check"]
    planted = tmp_path / "planted.py"
    planted.write_text("import os\n", encoding="utf-8")
    done = subprocess.run([tool("ruff"), *argv[1:], "--config", str(REPO / "pyproject.toml"), str(planted)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "F401" in done.stdout


def test_pre_commit_hook_checks_staged_posts(project):
    tree, env = project
    spec = hook()
    assert spec["language"] == "system" and spec["pass_filenames"] is True
    files = re.compile(spec["files"])
    assert files.search("content/tax/np/2026/rally.md") and not files.search("README.md")
    tree.post("tax/np/2026/staged.md", "暂存的稿件", "2026-03-05", body="[推进会](rally.md)")
    argv = shlex.split(spec["entry"])
    done = subprocess.run([*argv, "content/tax/np/2026/staged.md"], cwd=tree.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    tree.post("tax/np/2026/staged.md", "暂存的稿件", "2026-03-05", body="[推进会](rallies.md)")
    done = subprocess.run([*argv, "content/tax/np/2026/staged.md"], cwd=tree.root, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout.startswith("content/tax/np/2026/staged.md:7: 链接的文章")


def pre_commit_program() -> str | None:
    """pre-commit as installed with the test extra: beside this interpreter (a venv that is not
    activated is not on PATH), else on PATH."""
    beside = os.pathsep.join({sysconfig.get_path("scripts"), os.path.dirname(sys.executable)})
    return shutil.which("pre-commit", path=beside) or shutil.which("pre-commit")


def test_pre_commit_runs_the_hook_on_a_commit(project):
    program = pre_commit_program()
    if program is None:
        pytest.skip("pre-commit is not installed")
    tree, env = project
    shutil.copy(REPO / ".pre-commit-config.yaml", tree.root / ".pre-commit-config.yaml")
    env = {**env, "PRE_COMMIT_HOME": str(tree.root.parent / "pre-commit-home")}
    tree.post("tax/np/2026/bad.md", "栏目写错", "2026-03-03", type_="notice")
    subprocess.run(["git", "add", "."], cwd=tree.root, check=True)
    done = subprocess.run([program, "run"], cwd=tree.root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "content/tax/np/2026/bad.md:4: 栏目“notice”不存在" in done.stdout


# --- pull-request template --------------------------------------------------------------


def test_pull_request_template_has_the_submission_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert "信息报送要求" in text
    checklist = re.findall(r"^- \[ \] \*\*(.+?)\*\*", text, re.M)
    assert {"真实", "及时", "准确", "简明", "图片", "审核"} <= set(checklist)
    assert "portal check" in text and "上级审核" in text
