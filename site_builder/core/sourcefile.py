"""Reading a staff-written text file: size, BOM, encoding, front matter split."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .problems import Problem
from .yamltext import YamlError, load_yaml

BOM = "\ufeff"


@dataclass
class SourceText:
    """A decoded Markdown file split into front matter and body."""

    front: str | None  # YAML text between the `---` lines, None when absent
    body: str
    body_line: int  # 1-based line where the body starts
    closed: bool = True  # False when the opening `---` has no closing one


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text of `data` (BOM dropped), or a problem naming the likely encoding."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, Problem(path, line, f"文件不是 UTF-8 编码（看起来是 {_guess_encoding(data)}）",
                             f"用编辑器“另存为 UTF-8”，或运行：iconv -f {_iconv_name(data)} -t UTF-8 原文件 > 新文件")
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def load_yaml_file(data: bytes, path: str, yaml_fix: str) -> tuple[Any, Problem | None]:
    """The YAML value of a register file (decoded as `decode` does), or the problem that stops
    reading it: a wrong encoding, or the YAML error's line with `yaml_fix` as the fix."""
    text, problem = decode(data, path)
    if problem or text is None:
        return None, problem or Problem(path, 0, "无法读取文件", "把文件存为 UTF-8 编码")
    try:
        return load_yaml(text), None
    except YamlError as err:
        return None, Problem(path, err.line, err.message, yaml_fix)


def _guess_encoding(data: bytes) -> str:
    """Name the likely encoding; Chinese legacy encodings are tried first, since
    short Chinese texts are easily mistaken for Korean or Japanese by detectors."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    for name, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= len(text) // 10:
            return label
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    name = best.encoding if best else "未知编码"
    return {"gb2312": "GBK/GB2312", "gbk": "GBK", "gb18030": "GB18030", "big5": "Big5"}.get(name, name.upper())


def _iconv_name(data: bytes) -> str:
    guess = _guess_encoding(data)
    if guess.startswith("GB"):
        return "GB18030"
    if guess == "UTF-16":
        return "UTF-16"
    return guess if guess != "未知编码" else "GB18030"


def split_front_matter(text: str) -> SourceText:
    """Split `---` front matter from the body; body_line counts from 1."""
    if not text.startswith("---\n") and text.strip() != "---":
        return SourceText(None, text, 1)
    end = _closing_fence(text)
    if end is None:
        return SourceText(text[4:], "", text.count("\n") + 2, closed=False)
    front = text[4:end]
    rest_start = text.find("\n", end + 1)
    body = text[rest_start + 1:] if rest_start != -1 else ""
    return SourceText(front, body, front.count("\n") + 3)


def _closing_fence(text: str) -> int | None:
    pos = 3
    while True:
        pos = text.find("\n", pos)
        if pos == -1:
            return None
        line_end = text.find("\n", pos + 1)
        line = text[pos + 1: line_end if line_end != -1 else len(text)]
        if line.rstrip() in ("---", "..."):
            return pos + 1
        pos += 1
