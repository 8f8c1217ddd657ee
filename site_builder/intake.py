"""`portal intake --issue-body FILE`: a question asked through the issue form becomes a pending
`qa` post of the unit asked (`content/<system>/<unit>/asked/<year>/issue-<n>.md`), at once,
with its clock running from when it was asked. The intake workflow
(.github/workflows/intake.yml) runs it and opens a pull request that the platform's
administrators review (their CODEOWNERS rule for `asked/` folders), not the unit asked."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from .codeowners import read_registry
from .core.clock import reference_time
from .core.intake import asked_path, post_text, question_title, read_issue
from .core.sourcefile import decode

DEFAULT_ZONE = "Asia/Shanghai"


def intake_command(args) -> int:
    """Write the post and print its path; exit 1 with the reasons (in Chinese) when the issue
    names no known unit or holds no question."""
    with open(args.issue_body, "rb") as handle:
        body, problem = decode(handle.read(), args.issue_body)
    if problem or body is None:
        print(f"错误：{problem.message if problem else '无法读取'}", file=sys.stderr)
        return 1
    orgs, problems = read_registry(args.content)
    if problems:
        print("错误：orgs.yml 有问题，无法确定答复单位。请先运行 portal check 修正。", file=sys.stderr)
        return 1
    asked = read_issue(body)
    if asked.unit and orgs.unit(asked.unit) is None:
        asked.problems.append(f"答复单位“{asked.unit}”不在组织登记表中（单位编号见网站“如何提问”页面）")
    if asked.problems or asked.unit is None:
        print("无法入库：" + "；".join(asked.problems) + "。请编辑 Issue 改正后重新提交。", file=sys.stderr)
        return 1
    moment = asked_moment(args.asked_at)
    rel = asked_path(asked.unit, moment, args.number)
    target = os.path.join(args.content, rel)
    if os.path.exists(target):
        print(f"错误：{target} 已经存在（这个 Issue 已经入库）", file=sys.stderr)
        return 1
    source = f"Issue #{args.number}" if args.number else "网上提问"
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(post_text(asked, question_title(args.title or "", asked.question), moment, source))
    print(target)
    return 0


def asked_moment(text: str | None, zone: str = DEFAULT_ZONE) -> datetime:
    """When the question was asked, in the site time zone: the issue's `created_at`
    (ISO 8601, e.g. `2026-11-24T01:02:03Z`) or else now (SOURCE_DATE_EPOCH when set)."""
    if not text:
        return reference_time(zone)
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(ZoneInfo(zone))


def add_parser(sub) -> None:
    """The `intake` sub-command."""
    intake = sub.add_parser("intake", help="把网上提问（Issue 表单）写成待答复的有问必答文章")
    intake.add_argument("--issue-body", required=True, metavar="FILE", help="Issue 正文（表单生成的 Markdown）")
    intake.add_argument("--title", default="", help="Issue 标题（去掉“[提问]”后作为文章标题）")
    intake.add_argument("--number", type=int, default=None, help="Issue 编号（用作文件名）")
    intake.add_argument("--asked-at", dest="asked_at", default=None,
                        help="提问时间（Issue 的 created_at，ISO 8601）；不写则用当前时间")
    intake.add_argument("--content", default="content")
    intake.set_defaults(func=intake_command)
