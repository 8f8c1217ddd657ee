"""`portal`: the command staff, reviewers and CI run (see README for each command)."""

from __future__ import annotations

import argparse
import os
import sys

from .core.problems import Problem, format_problems


def _content_path(content: str, problem: Problem) -> Problem:
    """Problem paths as the user sees them from the project root (`content/tax/…`)."""
    prefix = os.path.relpath(content) if not os.path.isabs(content) else content
    path = problem.path if prefix in ("", ".") else f"{prefix.rstrip('/')}/{problem.path}"
    return Problem(path, problem.line, problem.message, problem.fix)


def cmd_check(args) -> int:
    from .sitebuild import check

    build = check(args.content, args.config)
    problems = [_content_path(args.content, p) for p in build.problems]
    if problems:
        print(format_problems(problems, args.format))
        if args.format == "text":
            print(f"共发现 {len(problems)} 个问题。", file=sys.stderr)
        return 1
    if args.format == "text":
        print(f"检查通过：{len(build.portal.posts)} 篇文章，{len(build.portal.orgs.units())} 个单位，没有发现问题。")
    return 0


def cmd_build(args) -> int:
    from .sitebuild import build_site

    ok = build_site(args.content, args.site, args.strict, args.cache_dir, args.config)
    if not ok:
        print("构建失败，原有网站保持不变。", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args) -> int:
    from .sitebuild import serve

    serve(args.content, args.dev_addr, args.config)
    return 0


def cmd_new(args) -> int:
    from .authoring import new_post_command

    return new_post_command(args)


def cmd_codeowners(args) -> int:
    from .codeowners import codeowners_command

    return codeowners_command(args)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="portal", description="三级联创网络互动平台：检查、构建、预览、投稿")
    root.add_argument("--config", default=None, help="mkdocs.yml 路径（默认当前目录的 mkdocs.yml）")
    sub = root.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="检查内容是否符合投稿规范")
    check.add_argument("--content", default="content")
    check.add_argument("--format", choices=("text", "github"), default="text")
    check.add_argument("--changed", metavar="REF", default=None, help="只检查自 REF 以来改动的文件")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="构建网站")
    build.add_argument("--content", default="content")
    build.add_argument("--site", default="site")
    build.add_argument("--strict", action="store_true", help="有任何问题即失败，保留原网站")
    build.add_argument("--cache-dir", default=None)
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="本地预览（显示草稿，保存即刷新）")
    serve.add_argument("--content", default="content")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    serve.set_defaults(func=cmd_serve)

    new = sub.add_parser("new", help="新建一篇文章")
    new.add_argument("--unit", help="系统/单位，例如 tax/np")
    new.add_argument("--type", help="栏目，例如 news")
    new.add_argument("--title", help="标题")
    new.add_argument("--content", default="content")
    new.set_defaults(func=cmd_new)

    owners = sub.add_parser("codeowners", help="根据 orgs.yml 生成 CODEOWNERS")
    owners.add_argument("--content", default="content")
    owners.set_defaults(func=cmd_codeowners)
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `portal` console script."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
