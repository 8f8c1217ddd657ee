"""`portal`: the command staff, reviewers and CI run (see README for each command)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field

from .core.problems import Problem, format_problems

ORGS_FILE = "orgs.yml"


# --- where problems are shown ---------------------------------------------------


def git_toplevel(folder: str) -> str | None:
    """The root of the git work tree holding `folder`, or None outside git."""
    out = git_output(["rev-parse", "--show-toplevel"], folder)
    return os.path.realpath(out.strip()) if out else None


def shown_prefix(content: str, style: str) -> str:
    """How the content folder is written in problem lines.

    Text output is relative to the current folder (what the user typed);
    GitHub annotations must be relative to the repository root.
    """
    if style == "github":
        top = git_toplevel(content) if os.path.isdir(content) else None
        if top:
            return os.path.relpath(os.path.realpath(content), top).replace(os.sep, "/")
    return os.path.relpath(content).replace(os.sep, "/") if not os.path.isabs(content) else content


def _content_path(prefix: str, problem: Problem) -> Problem:
    """Problem paths as the user sees them (`content/tax/…`), on one line."""
    path = problem.path if prefix in ("", ".") else f"{prefix.rstrip('/')}/{problem.path}"
    return Problem(path, problem.line, _one_line(problem.message), _one_line(problem.fix))


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip() if text else text


class ProblemLogHandler(logging.StreamHandler):
    """Prints MkDocs' log of a build one line per record; portal problems like `portal check`."""

    LABELS = {logging.WARNING: "警告：", logging.ERROR: "错误：", logging.CRITICAL: "错误："}

    def __init__(self, prefix: str, stream=None):
        super().__init__(stream or sys.stderr)
        self.prefix = prefix
        self.problems = 0
        self.addFilter(self.wanted)

    NOISE = ("Aborted with",  # said in Chinese after the build
             "The following pages exist in the docs directory, but are not included",  # posts are never in nav
             "The following pages are being built only for the preview")

    @classmethod
    def wanted(cls, record: logging.LogRecord) -> bool:
        """Drop MkDocs lines that only confuse staff (each is a list of every post)."""
        return not record.getMessage().startswith(cls.NOISE)

    def format(self, record: logging.LogRecord) -> str:
        problem = getattr(record, "problem", None)
        if isinstance(problem, Problem):
            self.problems += 1
            return _content_path(self.prefix, problem).text()
        label = self.LABELS.get(record.levelno, "")
        return label + _one_line(record.getMessage())


@contextlib.contextmanager
def problem_log(content: str, level: int):
    """Route the `mkdocs` logger (and the portal plugin's) through a ProblemLogHandler while a
    command runs; the logger is left as it was afterwards."""
    logger = logging.getLogger("mkdocs")
    handler = ProblemLogHandler(shown_prefix(content, "text"))
    handler.setLevel(level)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level, logging.INFO))
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


# --- which files a check covers ----------------------------------------------------


@dataclass
class Selection:
    """The content files one check covers; `everything` names why the whole tree is checked."""

    files: set[str] = field(default_factory=set)  # relative to the content folder
    everything: str | None = None

    def posts_to_render(self, content: str) -> set[str]:
        """Changed Markdown files, and every post of a unit whose images or attachments changed."""
        found = {f for f in self.files if f.endswith(".md")}
        for unit_folder in {"/".join(f.split("/")[:2]) for f in self.files if not f.endswith(".md") and f.count("/") >= 2}:
            root = os.path.join(content, unit_folder)
            for folder, _, names in os.walk(root):
                rel = os.path.relpath(folder, content).replace(os.sep, "/")
                found |= {f"{rel}/{n}" for n in names if n.endswith(".md")}
        return found

    def covers(self, problem: Problem, checked: set[str]) -> bool:
        """A problem of a checked file, or one that names a changed file (a clash with it)."""
        return problem.path in checked or any(f"“{f}”" in problem.message for f in self.files)


def git_output(arguments: list[str], cwd: str) -> str | None:
    """Standard output of `git ARGUMENTS` run in `cwd`, or None when git fails."""
    try:
        done = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


class SelectionError(Exception):
    """`--changed` cannot be answered (not a git work tree, unknown REF); message in Chinese."""


def changed_since(content: str, ref: str, config_path: str) -> Selection:
    """Files changed since the merge base of REF and HEAD: committed, staged, unstaged, untracked."""
    top = git_toplevel(content)
    if top is None:
        raise SelectionError(f"“{content}”不在 git 仓库中，无法使用 --changed。请去掉 --changed 检查全部内容")
    if git_output(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top) is None:
        raise SelectionError(f"找不到提交“{ref}”。请检查名称（例如 origin/main、HEAD~1），"
                             "在 CI 中请先完整拉取历史（actions/checkout 的 fetch-depth: 0）")
    base = (git_output(["merge-base", ref, "HEAD"], top) or "").strip() or ref
    diff = git_output(["diff", "--name-status", "--no-renames", "-z", base, "--"], top)
    if diff is None:
        raise SelectionError(f"无法比较“{ref}”与当前文件（git diff 失败）。请去掉 --changed 检查全部内容")
    untracked = git_output(["ls-files", "--others", "--exclude-standard", "-z"], top) or ""
    entries = _name_status(diff) + [("A", p) for p in untracked.split("\0") if p]
    return _selection(content, top, entries, config_path)


def _name_status(output: str) -> list[tuple[str, str]]:
    fields = [f for f in output.split("\0") if f]
    return [(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]


def _selection(content: str, top: str, entries: list[tuple[str, str]], config_path: str) -> Selection:
    root = os.path.realpath(content)
    config = os.path.realpath(config_path) if config_path else None
    selection = Selection()
    for status, path in entries:
        full = os.path.realpath(os.path.join(top, path))
        if config and full == config:
            selection.everything = f"{os.path.basename(config)} 有改动"
        rel = os.path.relpath(full, root).replace(os.sep, "/")
        if rel.startswith("../") or rel == "..":
            continue
        if rel == ORGS_FILE:
            selection.everything = f"{ORGS_FILE} 有改动"
        elif status == "D":
            selection.everything = f"删除了 {rel}（其他文章可能链接它）"
        selection.files.add(rel)
    return selection


def named_files(content: str, paths: list[str]) -> Selection:
    """The files named on the command line (as pre-commit passes staged files)."""
    root = os.path.realpath(content)
    selection = Selection()
    for path in paths:
        rel = os.path.relpath(os.path.realpath(path), root).replace(os.sep, "/")
        if rel.startswith("../") or rel == "..":
            continue
        if rel == ORGS_FILE:
            selection.everything = f"{ORGS_FILE} 有改动"
        selection.files.add(rel)
    return selection


# --- commands ------------------------------------------------------------------------


def cmd_check(args) -> int:
    from .sitebuild import check, config_file

    try:
        selection = _requested_selection(args, config_file(args.config))
    except SelectionError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    if selection is not None and not selection.files:
        _say(args, "没有改动的内容文件，无需检查。")
        return 0
    partial = selection is not None and selection.everything is None
    if selection is not None and selection.everything:
        _say(args, f"{selection.everything}，检查全部内容。")
    render = selection.posts_to_render(args.content) if partial else None
    build = check(args.content, args.config, render_only=render)
    problems, warnings = build.problems, [*build.incentives.warnings, *_punctuation(args.content, selection)]
    if partial:
        problems = [p for p in problems if selection.covers(p, selection.files | render)]
        warnings = [w for w in warnings if selection.covers(w, selection.files | render)]
    return _report(args, build, problems, len(selection.files) if partial else None, warnings)


def _punctuation(content: str, selection: Selection | None) -> list[Problem]:
    """Half-width punctuation inside Chinese sentences (core/punctuation.py): warnings only."""
    from .core.content import list_sources
    from .core.punctuation import punctuation_warnings

    files = sorted(selection.files) if selection is not None and selection.everything is None else list_sources(content)[0]
    return punctuation_warnings(content, files)


def _requested_selection(args, config_path: str) -> Selection | None:
    if getattr(args, "paths", None):
        return named_files(args.content, args.paths)
    if getattr(args, "changed", None):
        return changed_since(args.content, args.changed, config_path)
    return None


def _say(args, text: str) -> None:
    if args.format == "text":
        print(text, file=sys.stderr)


def _report(args, build, problems: list[Problem], changed: int | None,
            warnings: list[Problem] | None = None) -> int:
    prefix = shown_prefix(args.content, args.format)
    _warn(args, [_content_path(prefix, w) for w in warnings or []])
    if problems:
        print(format_problems([_content_path(prefix, p) for p in problems], args.format))
        _say(args, f"共发现 {len(problems)} 个问题。")
        return 1
    if args.format == "text":
        posts, units = len(build.portal.posts), len(build.portal.orgs.units())
        if changed is None:
            print(f"检查通过：{posts} 篇文章，{units} 个单位，没有发现问题。")
        else:
            print(f"检查通过：{changed} 个改动的文件没有发现问题（引用已对照全站 {posts} 篇文章、{units} 个单位核对）。")
    return 0


def _warn(args, warnings: list[Problem]) -> None:
    """Warnings (posts dated into a closed bulletin, punctuation): shown, never a failure; by
    file and line, and in their own order within a line (punctuation: by column)."""
    for warning in sorted(warnings, key=lambda w: (w.path, w.line)):
        print(warning.github().replace("::error", "::warning", 1) if args.format == "github" else f"警告：{warning.text()}")


def cmd_build(args) -> int:
    from .sitebuild import build_site

    if args.shard and not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        print("错误：分片构建（--shard）须设置环境变量 SOURCE_DATE_EPOCH，且各份使用同一个值，合并后的网站才与一次构建相同。"
              "修改方法：在每个构建作业中设置同一个值，例如先运行 export SOURCE_DATE_EPOCH=1767225600"
              "（CI 中取本次运行开始的时间，见 docs/sharding.md）", file=sys.stderr)
        return 2
    started = time.monotonic()
    with _build_status(), problem_log(args.content, logging.WARNING) as log:
        ok = build_site(args.content, args.site, args.strict, args.cache_dir, args.config,
                        cache=not args.no_cache, jobs=args.jobs, trial=args.trial, shard=args.shard)
    if not ok:
        print("构建失败，原有网站保持不变。", file=sys.stderr)
        return 1
    skipped = f"；发现 {log.problems} 个问题（见上），有问题的文章未发布" if log.problems else ""
    what = f"第 {args.shard[0]}/{args.shard[1]} 份分片" if args.shard else "网站"
    print(f"{what}已生成到 {args.site}（用时 {time.monotonic() - started:.1f} 秒）{skipped}。", file=sys.stderr)
    return 0


def cmd_merge(args) -> int:
    from .merge import MergeError, merge

    started = time.monotonic()
    try:
        count = merge(args.parts, args.site)
    except MergeError as err:
        for line in err.lines:
            print(f"错误：{line}", file=sys.stderr)
        print("合并失败，原有网站保持不变。", file=sys.stderr)
        return 1
    print(f"已把 {len(args.parts)} 份分片（{count} 个文件）合并到 {args.site}"
          f"（用时 {time.monotonic() - started:.1f} 秒）。", file=sys.stderr)
    return 0


def _build_status():
    """A spinner on the terminal while a long build runs (nothing when output is not a terminal)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()  # without importing rich (a tenth of a warm rebuild's start)
    from rich.console import Console

    # The spinner's thread writes to stderr while the build forks workers: a forked child
    # gets stream objects of its own, since the parent's may have been locked at the fork.
    os.register_at_fork(after_in_child=_fresh_standard_streams)

    console = Console(stderr=True)
    if not console.is_terminal:
        return contextlib.nullcontext()
    return console.status("正在构建网站（文章多时需要几分钟；再次构建会复用缓存）…")


def _fresh_standard_streams() -> None:
    for name, descriptor in (("stdout", 1), ("stderr", 2)):
        try:
            # The new stream replaces sys.stdout/stderr for the rest of the process.
            setattr(sys, name, open(descriptor, "w", encoding="utf-8", errors="backslashreplace", closefd=False))  # noqa: SIM115
        except OSError:
            pass


def cmd_serve(args) -> int:
    from .sitebuild import serve

    print(f"预览地址：http://{args.dev_addr}/（显示草稿；保存文件后页面自动刷新；按 Ctrl+C 停止）", file=sys.stderr)
    if args.cms_port:
        print(f"网页投稿：http://{args.dev_addr}/admin/（稿件直接保存到本机的 content 文件夹）", file=sys.stderr)
    try:
        with problem_log(args.content, logging.INFO):
            serve(args.content, args.dev_addr, args.config, args.cms_port)
    except OSError as err:
        if err.errno != errno.EADDRINUSE:
            raise
        host = args.dev_addr.rpartition(":")[0] or "127.0.0.1"
        print(f"错误：地址 {args.dev_addr} 已被占用（可能已有一个 portal serve 在运行）。"
              f"请先关闭它，或换一个端口，例如：portal serve --dev-addr {host}:8001", file=sys.stderr)
        return 1
    return 0


def cmd_new(args) -> int:
    from .authoring import new_post_command

    return new_post_command(args)


def cmd_bulletin(args) -> int:
    from .bulletin_command import bulletin_command

    return bulletin_command(args)


def cmd_codeowners(args) -> int:
    from .codeowners import codeowners_command

    return codeowners_command(args)


def _jobs(text: str) -> int:
    """`--jobs N`: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效的进程数：请写 1 或更大的整数，例如 --jobs 2")
    return value


def _shard(text: str) -> tuple[int, int]:
    """`--shard K/N`: part K of N (core/shards.py says what is wrong, in Chinese)."""
    from .core.shards import ShardError, parse_shard

    try:
        return parse_shard(text)
    except ShardError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="portal", description="三级联创网络互动平台：检查、构建、预览、投稿")
    root.add_argument("--config", default=None, help="mkdocs.yml 路径（默认当前目录的 mkdocs.yml）")
    sub = root.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="检查内容是否符合投稿规范")
    check.add_argument("paths", nargs="*", metavar="FILE", help="只检查这些文件（其引用仍对照全站核对）")
    check.add_argument("--content", default="content")
    check.add_argument("--format", choices=("text", "github"), default="text")
    check.add_argument("--changed", metavar="REF", default=None,
                       help="只检查自 REF 以来改动的文件（含未提交和未跟踪的文件），例如 origin/main")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="构建网站")
    build.add_argument("--content", default="content")
    build.add_argument("--site", default="site")
    build.add_argument("--strict", action="store_true", help="有任何问题即失败，保留原网站")
    build.add_argument("--cache-dir", default=None)
    build.add_argument("--no-cache", dest="no_cache", action="store_true", help="不读也不写任何缓存（网站内容相同）")
    build.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                       help="每组并行任务最多 N 个工作进程；1 表示不启动任何进程（网站内容相同）")
    build.add_argument("--trial", action="store_true",
                       help="试构建：只检查能否生成、不发布（允许 site_url 是本机地址）")
    build.add_argument("--shard", type=_shard, default=None, metavar="K/N",
                       help="只构建 N 份中的第 K 份（CI 中 N 个任务各建一份，再用 portal merge 合并）")
    build.set_defaults(func=cmd_build)

    merge = sub.add_parser("merge", help="把 portal build --shard 的各份合并成完整网站")
    merge.add_argument("parts", nargs="+", metavar="PART", help="各分片的文件夹（portal build --shard K/N 的 --site）")
    merge.add_argument("--site", default="site")
    merge.set_defaults(func=cmd_merge)

    serve = sub.add_parser("serve", help="本地预览（显示草稿，保存即刷新）")
    serve.add_argument("--content", default="content")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    serve.add_argument("--cms-port", type=int, default=8081,
                       help="网页投稿编辑器（/admin/）的本机保存服务端口，0 表示不启动")
    serve.set_defaults(func=cmd_serve)

    new = sub.add_parser("new", help="新建一篇文章（缺少的参数会在终端中逐项提示）")
    new.add_argument("--unit", help="系统/单位，例如 tax/np")
    new.add_argument("--type", help="栏目，例如 news")
    new.add_argument("--title", help="标题")
    new.add_argument("--author", help="信息员姓名（默认取 git 的 user.name）")
    new.add_argument("--question", help="有问必答：群众提问的完整内容（默认与标题相同）")
    new.add_argument("--asked-by", dest="asked_by", help="有问必答：提问人")
    new.add_argument("--content", default="content")
    new.set_defaults(func=cmd_new)

    owners = sub.add_parser("codeowners", help="根据 orgs.yml 生成 CODEOWNERS")
    owners.add_argument("--content", default="content")
    owners.add_argument("--format", choices=("github", "gitea"), default="github",
                        help="github：GitHub/GitLab 的写法（默认）；gitea：Gitea 的正则写法（放在 .gitea/CODEOWNERS）")
    owners.set_defaults(func=cmd_codeowners)
    from .intake import add_parser as add_intake_parser

    add_intake_parser(sub)

    bulletin = sub.add_parser("bulletin", help="发布（冻结）某一期信息工作通报")
    bulletin.add_argument("--close", required=True, metavar="PERIOD",
                          help="统计期：2026-11（月）、2026-Q3（季度）或 2026（年），须已结束")
    bulletin.add_argument("--content", default="content")
    bulletin.set_defaults(func=cmd_bulletin)
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `portal` console script."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as error:
        return _configuration_error(args, error)


def _configuration_error(args, error: Exception) -> int:
    """Exit code 1 and, instead of a traceback, what is wrong in mkdocs.yml; other errors are raised again."""
    from mkdocs.exceptions import Abort, ConfigurationError

    from .plugin_config import PortalOptionsError
    from .sitebuild import config_file

    if isinstance(error, PortalOptionsError):
        stream = sys.stdout if args.command == "check" else sys.stderr  # where each command reports problems
        print(format_problems(error.problems, getattr(args, "format", "text")), file=stream)
        print("mkdocs.yml 中 portal 插件的选项有误，请按上面的提示修改后再运行。", file=sys.stderr)
        return 1
    if isinstance(error, (ConfigurationError, Abort)):
        print(f"错误：{config_file(args.config)} 有误：{error}\n修改方法：按上面的提示改正这个文件"
              "（缩进用空格，含冒号等符号的值加引号）", file=sys.stderr)
        return 1
    raise error


def run() -> None:
    """The `portal` console script: `main`, then exit without tearing the interpreter down.
    Everything is written and closed by then; freeing a build's millions of objects one by
    one would only make the command return later (measured 0.1–0.2 s at 2,000 posts)."""
    try:
        code = main()
    except SystemExit as stop:  # argparse's --help and usage errors
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if stop.code is not None and not isinstance(stop.code, int):
            print(stop.code, file=sys.stderr)
    try:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # `portal check | head`: the reader left
        pass
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
