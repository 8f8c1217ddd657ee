"""Columns a system keeps for itself (`columns` of a system in orgs.yml).

```yaml
systems:
  - id: tax
    columns: {tax-service: 便民办税}
```

Only that system's posts may use such a column; its listing is `/<system>/<column>/`, so its id
must differ from the system's unit ids and from the site's own paths and columns.
"""

from __future__ import annotations

import re

from .problems import Problem

COLUMN_ID = re.compile(r"^[a-z0-9-]+$")
NAME_UNSAFE = re.compile(r"[<>&\"`\x00-\x1f\x7f]")
ALWAYS_RESERVED = frozenset({"page", "news", "experience", "qa"})  # pagination and the default columns


def read_system_columns(entry, system, path: str, reserved: frozenset[str],
                        problems: list[Problem]) -> dict[str, str]:
    """The checked `columns` of one system entry of orgs.yml (column id → Chinese name)."""
    value = entry.get("columns")
    if value is None:
        return {}
    line = entry.line_of("columns")
    if not isinstance(value, dict):
        problems.append(Problem(path, line, f"系统“{system.id}”的 columns 必须是“栏目id: 栏目名称”的映射",
                                "写成 columns: {tax-service: 便民办税}"))
        return {}
    columns: dict[str, str] = {}
    for column, name in value.items():
        message = _column_problem(str(column), name, system, reserved | ALWAYS_RESERVED)
        if message:
            problems.append(Problem(path, line, message[0], message[1]))
        else:
            columns[str(column)] = str(name).strip()
    return columns


def _column_problem(column: str, name, system, reserved: frozenset[str]) -> tuple[str, str] | None:
    if not COLUMN_ID.match(column):
        return (f"系统“{system.id}”的栏目 id“{column}”无效", "栏目 id 只能用小写英文字母、数字和连字符")
    if column in system.units:
        return (f"系统“{system.id}”的栏目 id“{column}”与本系统的单位 id 相同（网址 /{system.id}/{column}/ 会冲突）",
                "给栏目换一个 id，例如加上 -col")
    if column in reserved:
        return (f"系统“{system.id}”的栏目 id“{column}”是全站栏目或网站保留路径",
                "换一个 id；全站都能用的栏目在 mkdocs.yml 的 portal 插件 columns 中配置")
    if not isinstance(name, (str, int)) or not str(name).strip() or NAME_UNSAFE.search(str(name)):
        return (f"系统“{system.id}”的栏目“{column}”名称不是一行纯文字", "写成 栏目id: 中文名称")
    return None
