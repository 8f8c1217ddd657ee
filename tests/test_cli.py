"""The staff workflow on the command line: `portal new`, `portal check` (text, github,
--changed, named files), one-line problems from `portal build`, drafts in build and serve."""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from http_polling import fetch_until, free_port

from portal_factory import FIXED_EPOCH, PortalTree, build
from site_builder import authoring, engine
from site_builder.cli import main
from site_builder.core.sourcefile import split_front_matter
from site_builder.core.yamltext import load_yaml

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A small portal in a temporary project folder (packaged mkdocs.yml), cwd at its root."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setattr(authoring, "git_user_name", lambda: None)
    return PortalTree(tmp_path)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def front_matter(path: Path):
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    return load_yaml(parts.front)


# --- portal new ------------------------------------------------------------------


def test_new_writes_a_post_that_passes_check(tree, capsys):
    code, out, _ = run(capsys, "new", "--unit", "tax/np", "--type", "news",
                       "--title", "Party Day: 主题党日活动", "--author", "张三")
    assert code == 0
    path = tree.content / "tax/np/2026/party-day.md"
    assert f"已新建文章：{os.path.join('content', 'tax', 'np', '2026', 'party-day.md')}" in out
    assert "预览地址：http://127.0.0.1:8000/tax/np/2026/party-day/" in out
    meta = front_matter(path)
    assert meta["title"] == "Party Day: 主题党日活动"
    assert meta["date"] == "2026-11-25 20:00"  # SOURCE_DATE_EPOCH 12:00 UTC in Asia/Shanghai
    assert meta["type"] == "news" and meta["author"] == "张三" and meta["tags"] == []
    assert "# category:" in path.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "check")
    assert code == 1 and "正文为空" in out  # nothing is published before the body is written
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n支部组织党员开展主题党日活动。\n")
    code, out, _ = run(capsys, "check")
    assert code == 0, out
    assert "检查通过：1 篇文章" in out


def test_new_slugs_are_ascii_and_unique(tree, capsys):
    for _ in range(3):
        assert run(capsys, "new", "--unit", "tax/np", "--type", "news", "--title", "全省ＡＩ培训")[0] == 0
    assert run(capsys, "new", "--unit", "tax/np", "--type", "experience", "--title", "第3次党课")[0] == 0
    assert run(capsys, "new", "--unit", "tax/np", "--type", "experience", "--title", "第3次党课")[0] == 0
    names = sorted(p.name for p in (tree.content / "tax/np/2026").iterdir())
    assert names == ["2026-11-25-experience-2.md", "2026-11-25-experience.md", "ai-2.md", "ai-3.md", "ai.md"]
    for name in names:
        with (tree.content / "tax/np/2026" / name).open("a", encoding="utf-8") as handle:
            handle.write("\n正文。\n")
    assert run(capsys, "check")[0] == 0


def test_new_qa_post_has_question_and_asker(tree, capsys):
    code, out, _ = run(capsys, "new", "--unit", "radio/np-jo", "--type", "qa", "--title", "周末能办理业务吗？",
                       "--asked-by", "市民王先生")
    assert code == 0
    meta = front_matter(tree.content / "radio/np-jo/2026/2026-11-25-qa.md")
    assert meta["question"] == "周末能办理业务吗？" and meta["asked_by"] == "市民王先生"
    assert "answered" not in meta
    assert run(capsys, "check")[0] == 0


@pytest.mark.parametrize("argv, message", [
    (["--unit", "tax/zz", "--type", "news", "--title", "标题"], "单位“tax/zz”不在 orgs.yml 中"),
    (["--unit", "np", "--type", "news", "--title", "标题"], "请写成 系统/单位"),
    (["--unit", "tax/np", "--type", "notice", "--title", "标题"], "栏目“notice”不存在"),
    (["--unit", "tax/np", "--type", "news", "--title", "**重要**通知"], "标题中含有 HTML/Markdown 标记"),
    (["--unit", "tax/np", "--type", "news", "--title", "长" * 121], "标题过长"),
])
def test_new_refuses_bad_requests_in_chinese_and_writes_nothing(tree, capsys, argv, message):
    code, out, err = run(capsys, "new", *argv)
    assert code == 2 and message in err and err.startswith("错误：")
    assert not list(tree.content.glob("*/*/*/*.md"))


def test_new_accepts_a_unit_id_only_one_system_has_and_a_column_name(tree, capsys):
    assert run(capsys, "new", "--unit", "sm-yx", "--type", "经验交流", "--title", "Tax Service Day")[0] == 0
    meta = front_matter(tree.content / "tax/sm-yx/2026/tax-service-day.md")
    assert meta["type"] == "experience"


def test_new_without_terminal_and_missing_arguments_fails_clearly(tree, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO()))
    code, _, err = run(capsys, "new", "--unit", "tax/np")
    assert code == 2
    assert "缺少参数 --type、--title" in err and "portal new --unit tax/np --type news" in err


class _Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_new_asks_for_missing_arguments(tree, capsys, monkeypatch):
    answers = iter(["tax/zz", "2", "9", "qa", "<b>坏标题</b>", "Open Day 开放日", "", "李四"])
    monkeypatch.setattr(sys, "stdin", _Terminal(io.BytesIO()))
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code, out, _ = run(capsys, "new")
    assert code == 0
    assert "2) tax/np" in out and "南平市税务局（市级）" in out  # units listed with numbers
    assert "qa           有问必答" in out  # columns listed
    assert "单位“tax/zz”不在 orgs.yml 中" in out and "标题中含有 HTML/Markdown 标记" in out  # asked again
    meta = front_matter(tree.content / "tax/np/2026/open-day.md")
    assert (meta["type"], meta["author"], meta["question"]) == ("qa", "李四", "Open Day 开放日")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_new_in_a_real_terminal(tmp_path):
    """Typed answers through a pseudo-terminal, as a staff member would."""
    tree = PortalTree(tmp_path)
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "PYTHONPATH": str(REPO)}
    main_fd, child_fd = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "new", "--type", "news"], cwd=tmp_path,
                               stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env)
    os.close(child_fd)
    os.write(main_fd, "radio/np\nVillage Radio 村村响\n\n".encode())
    output = _read_until_exit(main_fd, process)
    assert process.returncode == 0, output
    assert "请选择投稿单位" in output and "预览地址：http://127.0.0.1:8000/radio/np/2026/village-radio/" in output
    assert "author" not in front_matter(tree.content / "radio/np/2026/village-radio.md")


def _read_until_exit(fd: int, process: subprocess.Popen, limit: float = 60) -> str:
    chunks, deadline = [], time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    process.wait(timeout=10)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


# --- portal check --format github ---------------------------------------------------


def bad_fixtures(tree: PortalTree) -> None:
    tree.post("tax/np/2026/bad-type.md", "栏目写错", "2026-03-01", type_="notice")
    tree.post("tax/np/2026/bad-link.md", "图片缺失", "2026-03-02", body="第一段。\n\n第二段。\n\n![会场](rally.jpg)")
    tree.post("tax/np-jo/2026/bad-featured.md", "采用单位写错", "2026-03-03", featured_by="[tax/sm-yx]")
    tree.post("tax/np/2026/fine.md", "正常稿件", "2026-03-04")


EXPECTED_ANNOTATIONS = [
    ("content/tax/np-jo/2026/bad-featured.md", 5, "“tax/sm-yx”不是本单位在本系统中的上级单位"),
    ("content/tax/np/2026/bad-link.md", 11, "链接的文件“tax/np/2026/rally.jpg”不存在"),
    ("content/tax/np/2026/bad-type.md", 4, "栏目“notice”不存在"),
]
ANNOTATION = re.compile(r"^::error file=([^,]+),line=(\d+)::(.*)$")


def github_annotations(out: str) -> list[tuple[str, int, str]]:
    found = []
    for line in out.splitlines():
        match = ANNOTATION.match(line)
        assert match, f"not an annotation: {line}"
        found.append((match[1], int(match[2]), match[3]))
    return found


def test_check_github_annotations_name_file_and_line(tree, capsys):
    bad_fixtures(tree)
    code, out, err = run(capsys, "check", "--format", "github")
    assert code == 1 and err == ""
    found = github_annotations(out)
    assert [(f, n) for f, n, _ in found] == [(f, n) for f, n, _ in EXPECTED_ANNOTATIONS]
    for (_, _, text), (_, _, expected) in zip(found, EXPECTED_ANNOTATIONS):
        assert expected in text and "修改方法：" in text


def test_check_github_paths_are_relative_to_the_repository(tree, capsys, monkeypatch):
    bad_fixtures(tree)
    _git(tree.root, "init", "-q")
    elsewhere = tree.root / "tools"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = run(capsys, "check", "--content", "../content", "--format", "github")
    assert code == 1
    assert [f for f, _, _ in github_annotations(out)] == [f for f, _, _ in EXPECTED_ANNOTATIONS]
    code, out, _ = run(capsys, "check", "--content", "../content")
    assert out.splitlines()[0].startswith("../content/tax/np-jo/2026/bad-featured.md:5: ")


def test_check_text_is_one_line_per_problem(tree, capsys):
    bad_fixtures(tree)
    code, out, err = run(capsys, "check")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 3 and "共发现 3 个问题" in err
    assert lines[2].startswith("content/tax/np/2026/bad-type.md:4: 栏目“notice”不存在 修改方法：type 可选：")


# --- portal check --changed / named files ---------------------------------------------


def _git(root: Path, *argv: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def repo(tree):
    """The tree committed to git, with one post that already had a problem."""
    for number in range(6):
        tree.post(f"tax/np/2026/old-{number}.md", f"旧稿件{number}", "2026-02-01")
    tree.post("tax/sm/2026/old-bad.md", "旧的问题稿件", "2026-02-02", body="![缺图](gone.jpg)")
    _git(tree.root, "init", "-q")
    _git(tree.root, "add", ".")
    _git(tree.root, "commit", "-qm", "start")
    return tree


@pytest.fixture
def rendered(monkeypatch):
    """Records which posts each check rendered."""
    seen: list[str] = []
    real = engine.render_all

    def spy(jobs, *args, **kwargs):
        seen.extend(job[0] for job in jobs)
        return real(jobs, *args, **kwargs)

    monkeypatch.setattr(engine, "render_all", spy)
    return seen


def test_check_changed_checks_only_changed_files_but_validates_references(repo, capsys, rendered):
    repo.post("tax/np/2026/old-1.md", "改过的旧稿件", "2026-02-01", body="[另一篇](old-2.md) [不存在](old-9.md)")
    repo.post("tax/np-jo/2026/new.md", "新稿件", "2026-11-20", featured_by="[tax/np]", body="[上级稿件](../../np/2026/old-3.md)")
    repo.post("tax/np-jo/2026/new-bad.md", "新问题稿件", "2026-11-20", featured_by="[tax/nowhere]")
    code, out, _ = run(capsys, "check", "--changed", "HEAD", "--format", "github")
    assert code == 1
    assert [(f, n) for f, n, _ in github_annotations(out)] == [
        ("content/tax/np-jo/2026/new-bad.md", 5), ("content/tax/np/2026/old-1.md", 7)]
    assert "featured_by 中的单位“tax/nowhere”不存在" in out and "old-9.md" in out
    assert "old-bad.md" not in out  # an old problem in an unchanged file is not this change's
    assert sorted(rendered) == ["tax/np-jo/2026/new.md", "tax/np/2026/old-1.md"]  # only changed posts rendered


def test_check_changed_includes_commits_since_the_branch_point(repo, capsys, rendered):
    _git(repo.root, "checkout", "-qb", "submission")
    repo.post("tax/np/2026/committed.md", "已提交的稿件", "2026-11-01")
    _git(repo.root, "add", ".")
    _git(repo.root, "commit", "-qm", "post")
    base = _git(repo.root, "rev-parse", "HEAD~1").strip()
    code, out, err = run(capsys, "check", "--changed", base)
    assert code == 0 and "检查通过：1 个改动的文件没有发现问题" in out
    assert rendered == ["tax/np/2026/committed.md"]


def test_check_changed_with_nothing_changed(repo, capsys, rendered):
    code, _, err = run(capsys, "check", "--changed", "HEAD")
    assert code == 0 and "没有改动的内容文件" in err and rendered == []


@pytest.mark.parametrize("change", ["orgs", "delete"])
def test_check_changed_checks_everything_when_the_registry_changes_or_a_file_is_deleted(repo, capsys, rendered, change):
    if change == "orgs":
        path = repo.content / "orgs.yml"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        (repo.content / "tax/np/2026/old-0.md").unlink()
    code, out, err = run(capsys, "check", "--changed", "HEAD")
    assert code == 1 and "检查全部内容" in err and "old-bad.md" in out
    assert len(rendered) >= 6


def test_check_changed_reports_an_unknown_ref(repo, capsys):
    code, _, err = run(capsys, "check", "--changed", "no-such-branch")
    assert code == 2 and "找不到提交“no-such-branch”" in err and "fetch-depth: 0" in err


def test_check_named_files_as_pre_commit_passes_them(repo, capsys, rendered):
    repo.post("tax/np/2026/staged.md", "暂存的稿件", "2026-11-01", body="[链接](old-4.md)")
    code, out, _ = run(capsys, "check", "content/tax/np/2026/staged.md")
    assert code == 0 and "检查通过：1 个改动的文件没有发现问题" in out and rendered == ["tax/np/2026/staged.md"]
    code, out, _ = run(capsys, "check", "content/tax/sm/2026/old-bad.md")
    assert code == 1 and out.startswith("content/tax/sm/2026/old-bad.md:7: 链接的文件“tax/sm/2026/gone.jpg”不存在")


# --- portal build: problems one line each, drafts never published --------------------


def test_build_prints_each_problem_on_one_line_also_in_strict_mode(tree, capsys):
    bad_fixtures(tree)
    code, _, err = run(capsys, "build")
    assert code == 0
    lines = err.splitlines()
    assert lines[:3] == [line for line in lines[:3] if line.startswith("content/tax/")]
    assert "content/tax/np/2026/bad-type.md:4: 栏目“notice”不存在" in err
    assert re.fullmatch(r"网站已生成到 site（用时 [0-9.]+ 秒）；发现 3 个问题（见上），有问题的文章未发布。", lines[-1])
    code, _, err = run(capsys, "build", "--strict", "--trial")
    assert code == 1
    assert "content/tax/np/2026/bad-link.md:11: 链接的文件“tax/np/2026/rally.jpg”不存在" in err
    assert "严格模式：发现 3 个问题" in err and err.rstrip().endswith("构建失败，原有网站保持不变。")
    assert "Aborted" not in err


def draft_tree(tree: PortalTree) -> None:
    tree.post("tax/np/2026/published.md", "已发布稿件", "2026-03-01")
    tree.post("tax/np/2026/secret-draft.md", "未完成的草稿", "2026-03-02", draft="true")


def test_draft_posts_never_reach_the_published_site(tree):
    draft_tree(tree)
    ok, site = build(tree, strict=True)
    assert ok
    assert (site / "tax/np/2026/published/index.html").exists()
    assert not (site / "tax/np/2026/secret-draft").exists()
    leaked = [p for p in site.rglob("*") if p.is_file() and "未完成的草稿".encode() in p.read_bytes()]
    assert leaked == []


def test_serve_shows_drafts_and_rebuilds_on_save(tmp_path):
    tree = PortalTree(tmp_path)
    draft_tree(tree)
    port = free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                               cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dead = tmp_path / ".cache" / "portal" / "serve" / "999999999"  # left by a killed session
    dead.mkdir(parents=True)
    try:
        page = fetch_until(f"http://127.0.0.1:{port}/tax/np/2026/secret-draft/", "未完成的草稿")
        assert "livereload" in page
        # served from the session's folder inside the cache folder (kept between saves: preview.py)
        served = list((tmp_path / ".cache" / "portal" / "serve" / str(process.pid)).glob("site/index.html"))
        assert len(served) == 1 and not dead.exists()
        tree.post("tax/np/2026/secret-draft.md", "修改后的草稿标题", "2026-03-02", draft="true")
        fetch_until(f"http://127.0.0.1:{port}/tax/np/2026/secret-draft/", "修改后的草稿标题")
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "预览地址：http://127.0.0.1:" in err.decode("utf-8")


def test_the_console_script_keeps_exit_codes_and_output(tmp_path):
    """`run()` leaves without tearing the interpreter down: codes and printed text still arrive."""
    command = [sys.executable, "-m", "site_builder"]
    usage = subprocess.run([*command, "nosuch"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "invalid choice" in usage.stderr
    helped = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "portal" in helped.stdout
    checked = subprocess.run([*command, "check", "--content", str(tmp_path / "missing")], capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode != 0 and checked.stderr.strip()
