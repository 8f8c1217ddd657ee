"""`portal bulletin --close PERIOD`: freeze a period's 信息工作通报 into content/bulletins/PERIOD.yml."""

from __future__ import annotations

import os
import sys

from .core.bulletins import BulletinRefused, close_period
from .core.problems import format_problems


def bulletin_command(args) -> int:
    """Write the bulletin file of a finished period; refuse (exit 1, nothing written) a period
    that is malformed, not over, already closed, or content with problems."""
    from .cli import _content_path, shown_prefix
    from .sitebuild import check

    build = check(args.content, args.config)
    assert build.portal is not None  # loaded by check
    if build.problems:
        prefix = shown_prefix(args.content, "text")
        print(format_problems([_content_path(prefix, p) for p in build.problems]), file=sys.stderr)
        print(f"错误：内容中有 {len(build.problems)} 个问题（见上）。通报发布后数字不再改变，"
              "请先修正这些问题（portal check 通过后）再发布。", file=sys.stderr)
        return 1
    try:
        source, text = close_period(args.close, build.portal.orgs, build.portal.posts, build.config, build.now,
                                    build.incentives.bulletins)
    except BulletinRefused as refused:
        print(f"错误：{refused}", file=sys.stderr)
        return 1
    path = os.path.join(args.content, source)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(f"已生成通报：{path}")
    print("可在文件中填写 comment（表扬、通报批评，Markdown 格式），然后提交合并请求；"
          f"合并后网站的“通报存档”（/stats/archive/{args.close}/）显示这一期。", file=sys.stderr)
    return 0
