"""The sharded deploy workflows (GitHub Actions, and the GitLab and Gitea examples in
docs/ci-examples/): their `portal` commands are real, and their steps, run for real on a small
portal as the CI would run them (one job per part, then the merge), give the site a
one-machine build gives."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from test_build_modes import same_tree
from test_workflows import (  # noqa: F401  (`project` is a fixture)
    REPO,
    commands,
    portal_invocations,
    project,
    run_step,
    steps,
    triggers,
    uses,
    workflow,
)

from site_builder.cli import parser

EXAMPLES = REPO / "docs" / "ci-examples"


def example(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


def github_expressions(script: str, part: int, total: int) -> str:
    """A run script with the matrix expressions GitHub fills in for one job."""
    return script.replace("${{ matrix.part }}", str(part)).replace("${{ strategy.job-total }}", str(total))


def test_sharded_deploy_builds_parts_merges_and_publishes():
    flow = workflow("deploy-sharded.yml")
    assert triggers(flow) == triggers(workflow("deploy.yml"))  # same events as the one-job workflow
    jobs = flow["jobs"]
    assert [jobs["build"]["needs"], jobs["merge"]["needs"], jobs["deploy"]["needs"]] == ["plan", "build", "merge"]
    # one of the two workflows publishes, chosen by the repository variable PORTAL_SHARDED
    assert jobs["plan"]["if"] == "vars.PORTAL_SHARDED == 'true'"
    assert workflow("deploy.yml")["jobs"]["build"]["if"] == "vars.PORTAL_SHARDED != 'true'"
    # a skipped deploy.yml run must not cancel a waiting sharded run (one pending run per group)
    assert flow["concurrency"]["group"] != workflow("deploy.yml")["concurrency"]["group"]
    # least privilege, as in deploy.yml: only the deploy job can publish, and it runs no code
    assert flow["permissions"] == {"contents": "read"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["merge"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert uses(steps(flow, "deploy")) == ["actions/deploy-pages"] and not commands(steps(flow, "deploy"))
    parts = jobs["build"]["strategy"]["matrix"]["part"]
    assert parts == list(range(1, len(parts) + 1)) and len(parts) >= 2
    build_steps = steps(flow, "build")
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["include-hidden-files"] is True  # the part's manifest is a dot file
    cache = next(s for s in build_steps if s.get("uses", "").startswith("actions/cache"))
    assert "matrix.part" in cache["with"]["key"] and "matrix.part" in cache["with"]["restore-keys"]
    build_step = next(s for s in build_steps if s.get("run", "").startswith("portal build"))
    assert build_step["env"]["SOURCE_DATE_EPOCH"] == "${{ needs.plan.outputs.epoch }}"
    for part in parts:
        (argv,) = portal_invocations(github_expressions(build_step["run"], part, len(parts)))
        args = parser().parse_args(argv)
        assert args.strict and args.shard == (part, len(parts)) and args.site == upload["with"]["path"]
    (merge_argv,) = [i for run in commands(steps(flow, "merge")) for i in portal_invocations(run)]
    assert parser().parse_args(merge_argv).command == "merge"


def test_gitlab_and_gitea_examples_use_real_commands():
    gitlab = example("gitlab-ci-sharded.yml")
    assert gitlab["build-part"]["parallel"] >= 2 and gitlab["pages"]["needs"] == ["build-part"]
    assert "CI_NODE_INDEX" in gitlab["build-part"]["cache"]["key"]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    gitea = example("gitea-deploy-sharded.yml")
    assert len(gitea["jobs"]["build"]["strategy"]["matrix"]["part"]) == int(gitea["env"]["PORTAL_PARTS"])
    scripts = gitlab["build-part"]["script"] + gitlab["pages"]["script"]
    scripts += [run for job in gitea["jobs"] for run in commands(gitea["jobs"][job]["steps"])]
    filled = {"${{ matrix.part }}": "1", "$CI_NODE_INDEX": "1", "$CI_NODE_TOTAL": "3", "$PORTAL_PARTS": "3"}
    for name, value in filled.items():
        scripts = [script.replace(name, value) for script in scripts]
    argvs = [argv for script in scripts for argv in portal_invocations(script)]
    assert {parser().parse_args(a).command for a in argvs} == {"build", "merge"}


@pytest.fixture
def ci_project(project):  # noqa: F811
    tree, env = project
    tree.post("radio/np/2026/meeting.md", "广电系统会议", "2026-03-05")
    tree.post("tax/np-jo/2026/visit.md", "走访", "2026-04-01", body="走访基层。")
    shutil.copy(REPO / "mkdocs.yml", tree.root / "mkdocs.yml")
    shutil.copytree(REPO / "theme", tree.root / "theme")
    return tree, {**env, "SITE_URL": "https://example.github.io/portal/"}


def one_machine(tree, env) -> Path:
    done = run_step("portal build --strict --site whole", tree.root, env)
    assert done.returncode == 0, done.stderr
    return tree.root / "whole"


def test_the_github_and_gitlab_jobs_give_the_one_machine_site(ci_project):
    """Each CI's jobs, one after another in one folder (a lock file beside each part, as a
    runner would not have), then its merge: the same site as one `portal build`."""
    tree, env = ci_project
    whole = one_machine(tree, env)
    flow = workflow("deploy-sharded.yml")
    build_step = next(s for s in steps(flow, "build") if s.get("run", "").startswith("portal build"))
    parts = flow["jobs"]["build"]["strategy"]["matrix"]["part"]
    for part in parts:  # each job's upload, downloaded as parts/part-K
        done = run_step(github_expressions(build_step["run"], part, len(parts)), tree.root, env)
        assert done.returncode == 0, done.stderr
        os.makedirs(tree.root / "parts", exist_ok=True)
        os.replace(tree.root / "part", tree.root / "parts" / f"part-{part}")
    (merge,) = [script for script in commands(steps(flow, "merge")) if script.startswith("portal merge")]
    done = run_step(merge, tree.root, env)
    assert done.returncode == 0, done.stderr
    assert same_tree(tree.root / "site", whole) == []
    sitemap = (tree.root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.github.io/portal/radio/np/2026/meeting/</loc>" in sitemap
    if not sys.platform.startswith("linux"):
        return  # the GitLab script uses GNU date
    gitlab = example("gitlab-ci-sharded.yml")
    total = gitlab["build-part"]["parallel"]
    created = "2026-11-25T12:00:00Z"  # FIXED_EPOCH, as GitLab writes a pipeline's creation time
    for index in range(1, total + 1):
        job_env = {**env, "CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(total), "CI_PIPELINE_CREATED_AT": created}
        job_env.pop("SOURCE_DATE_EPOCH")
        done = run_step("\n".join(gitlab["build-part"]["script"]), tree.root, job_env)
        assert done.returncode == 0, done.stderr
    done = run_step("\n".join(gitlab["pages"]["script"]), tree.root, env)
    assert done.returncode == 0, done.stderr
    assert same_tree(tree.root / "public", whole) == []
