"""YAML reading tuned for staff-written files.

- Dates stay strings (`2026-03-14` is validated by the post loader, not by YAML).
- Only `true`/`false` are booleans: `no`, `yes`, `on`, `off` stay text (the Norway problem).
- Every mapping remembers the line of each key, so problems can name the line.
- A key written twice is an error, not a silent overwrite.
- Aliases and anchors (`&a`, `*a`) are refused: a few hundred bytes of them expand to
  billions of nodes. So are tags (`!x`, `!!int`). Nesting is bounded, and a number too long
  to convert stays text.
- Every error says in Chinese what is wrong on which line (`_EXPLAINED`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # libyaml is several times faster; fall back to pure Python when absent
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class LinedDict(dict):
    """A mapping that also knows the (1-based) line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        """Line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class YamlError(ValueError):
    """A YAML syntax or structure error with its 1-based line."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


class _StaffLoader(_BaseLoader):
    pass


_StaffLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.copy().items()
}
_StaffLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


MAX_DEPTH = 32  # nested lists and mappings in one YAML document
MAX_NUMBER_DIGITS = 30  # a longer "number" is text (Python refuses to convert thousands of digits)


def _construct_int(loader: _StaffLoader, node: yaml.ScalarNode):
    value = loader.construct_scalar(node)
    return value if len(value) > MAX_NUMBER_DIGITS else loader.construct_yaml_int(node)


def _construct_float(loader: _StaffLoader, node: yaml.ScalarNode):
    value = loader.construct_scalar(node)
    return value if len(value) > MAX_NUMBER_DIGITS else loader.construct_yaml_float(node)


ALIAS_MESSAGE = "YAML 格式错误：不支持别名和锚点（& 与 *）"
TAG_MESSAGE = "YAML 格式错误：不支持以 ! 开头的 YAML 标记，请删除它或给整个值加引号"


def _check_graph(root: yaml.Node, lines: list[str]) -> None:
    """Refuse aliases (a node reached twice), anchors (`&a`), tags (`!x`, `!!int`) and nesting
    deeper than MAX_DEPTH, before any value is built: the composed graph is small even when its
    expansion is not, and no tag can make the constructor fail on a value (`!!int abc`)."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise YamlError(ALIAS_MESSAGE, line)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlError(f"YAML 格式错误：嵌套超过 {MAX_DEPTH} 层", line)
        # a node with properties starts with them: `&anchor` or `!tag` (no plain value starts so)
        start = lines[line - 1][node.start_mark.column:][:1] if line <= len(lines) else ""
        if start in ("&", "!"):
            raise YamlError(ALIAS_MESSAGE if start == "&" else TAG_MESSAGE, line)
        # children pushed last first, so the first problem in the file is the one reported
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in reversed(node.value) for child in reversed(pair))


def _load_document(text: str):
    """The one document of `text`, composed, checked (`_check_graph`), then constructed."""
    loader = _StaffLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, text.split("\n"))
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _construct_mapping(loader: _StaffLoader, node: yaml.MappingNode) -> LinedDict:
    result = LinedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise YamlError("键名必须是简单文字", key_node.start_mark.line + 1)
        key = str(key)
        if key in result:
            raise YamlError(f"键“{key}”重复出现", key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_StaffLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_StaffLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_StaffLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse `text`; line numbers are shifted so that the text starts at `first_line`.

    Raises YamlError with the line of the fault.
    """
    try:
        data = _load_document(text)
    except YamlError as err:
        raise YamlError(err.message, err.line + first_line - 1) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = (mark.line + 1) if mark else 1
        raise YamlError(_explain(err, text.split("\n")[line - 1: line]), line + first_line - 1) from None
    except yaml.reader.ReaderError as err:  # a character YAML refuses; its position counts UTF-8 bytes
        line = text.encode("utf-8")[: err.position].count(b"\n") + 1
        raise YamlError(f"YAML 格式错误：含有不允许的控制字符（U+{err.character:04X}），请删除它", line + first_line - 1) from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, LinedDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for value in data:
            _shift_lines(value, offset)


# What the parser says (libyaml's words) → what it means for a staff member, in Chinese.
_EXPLAINED = (
    ("mapping values are not allowed", "值里含有“: ”（冒号加空格），需要给整个值加引号"),
    ("tab character", "不能用 Tab 缩进，请改用空格"),
    ("could not find expected ':'", "缩进不一致或缺少冒号"),
    ("expected <block end>", "缩进不一致或缺少冒号"),
    ("did not find expected key", "缩进与上一行不一致，或值在引号之后还有文字（引号须包住整个值）"),
    ("did not find expected '-' indicator", "列表的各项缩进不一致（每项以“- ”开头，并上下对齐）"),
    ("expected ',' or ']'", "方括号 [ ] 或花括号 { } 没有配对；普通文字以 [ 或 { 开头时请给整个值加引号"),
    ("expected ',' or '}'", "方括号 [ ] 或花括号 { } 没有配对；普通文字以 [ 或 { 开头时请给整个值加引号"),
    ("did not find expected node content", "缺少值，或值以 ] } , 等符号开头；请给整个值加引号"),
    ("unexpected end of stream", "引号没有闭合（值以引号开始，就必须以同样的引号结束）"),
    ("hexdecimal", "双引号里的反斜杠 \\ 是转义符（如 \"C:\\dir\"）：改用单引号，或把 \\ 写成 \\\\"),
    ("escape", "双引号里的反斜杠 \\ 是转义符（如 \"C:\\dir\"）：改用单引号，或把 \\ 写成 \\\\"),
    ("comment or line break", "| 或 > 之后只能换行（正文写在下一行并缩进）；普通文字请给整个值加引号"),
    ("indentation indicator", "| 或 > 之后只能换行（正文写在下一行并缩进）；普通文字请给整个值加引号"),
    ("alphabetic or numeric character", "含有 YAML 特殊符号（* & ! { [），请给值加引号"),
    ("found undefined alias", "含有 YAML 特殊符号（* & ! { [），请给值加引号"),
    ("directive", "以 % 开头的行是 YAML 指令，请删除该行，或给值加引号"),
    ("incompatible YAML document", "以 % 开头的行是 YAML 指令，请删除该行，或给值加引号"),
    ("tag", "不支持以 ! 开头的 YAML 标记，请删除它或给整个值加引号"),
    ("'>'", "不支持以 ! 开头的 YAML 标记，请删除它或给整个值加引号"),
    ("another document", "一个文件只能有一段 YAML：删除多余的 --- 行"),
    ("<document start>", "一个文件只能有一段 YAML：删除多余的 ... 行及其后的内容"),
    ("cannot start any token", "值不能以 @ ` % 等符号开头，请给整个值加引号"),
)


def _explain(err: yaml.MarkedYAMLError, lines: list[str]) -> str:
    """The Chinese message for a parser error on `lines` (the line it names)."""
    problem = err.problem or ""
    if "cannot start any token" in problem and any("\t" in line for line in lines):
        return "YAML 格式错误：不能用 Tab 缩进，请改用空格"
    for words, meaning in _EXPLAINED:
        if words in problem:
            return f"YAML 格式错误：{meaning}"
    return f"YAML 格式错误：无法解析这一行（{problem}）"
