"""Code owners as orgs.yml names them: single GitHub handles, checked strictly.

A reviewer is written into CODEOWNERS as it stands, so a value holding a newline or a space
would let one unit's staff add lines for other units' folders. Only one token of a known
shape passes: `@user`, `@org/team` or an e-mail address, matched in full.
"""

from __future__ import annotations

import re

from .problems import Problem

# GitHub: a user or organisation name is letters, digits and single hyphens (at most 39, not at
# either end); a team slug letters, digits, `_`, `.` and `-`.
_USER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
HANDLE = re.compile(rf"@{_USER}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{{0,99}})?|[A-Za-z0-9._%+-]{{1,64}}@[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}})+")
FIX = '写成 @用户名、@组织/团队 或邮箱地址，每项一个，不要有空格或换行，例如 reviewers: ["@np-party-office"]'


def is_handle(value: object) -> bool:
    """Whether `value` is exactly one code-owner handle."""
    return isinstance(value, str) and HANDLE.fullmatch(value) is not None


def read_handles(value: object, where: str, path: str, line: int, problems: list[Problem],
                 key: str = "reviewers") -> tuple[str, ...]:
    """The handles of a `reviewers:` or `admins:` value (a list, or one text); each bad one is a
    problem naming `where`, and is left out."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        problems.append(Problem(path, line, f"{key} 必须是文字列表", f'写成 {key}: ["@团队名"]'))
        return ()
    good = []
    for item in items:
        if is_handle(item):
            good.append(item)
        else:
            problems.append(Problem(path, line, f"{where}的审核人“{item}”写法不对（须是一个 GitHub 账号、团队或邮箱）", FIX))
    return tuple(dict.fromkeys(good))
