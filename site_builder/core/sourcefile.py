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
    if text is None:  # not UTF-8: `decode` says so
        return None, problem
    try:
        return load_yaml(text), None
    except YamlError as err:
        return None, Problem(path, err.line, err.message, yaml_fix)


# Characters Chinese text is made of: CJK ideographs (extension A, the unified block, the
# compatibility block, the supplementary planes), CJK and full-width punctuation, curly quotes,
# dashes, ellipses and the middle dot.
_CHINESE = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F), (0x3000, 0x303F),
            (0xFF01, 0xFF5E), (0x2014, 0x2026), (0xB7, 0xB7))
CHINESE_SHARE = 0.8  # of the non-ASCII characters, for a Chinese legacy encoding to be named


def _guess_encoding(data: bytes) -> str:
    """Name the likely encoding. Chinese legacy encodings are tried first, since short Chinese
    texts are easily mistaken for Korean or Japanese by detectors: GBK/GB18030 when it reads the
    non-ASCII characters as Chinese, else Big5 when that does, else charset-normalizer's guess."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    for encoding, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        if _chinese_share(data, encoding) >= CHINESE_SHARE:
            return label
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best.encoding.upper() if best else "未知编码"


def _chinese_share(data: bytes, encoding: str) -> float:
    """Share of Chinese characters among the non-ASCII ones of `data` read as `encoding`
    (0 when it cannot be read so). `data` is not UTF-8, so it holds a byte above 0x7F, which
    both encodings read as part of a non-ASCII character: there is at least one."""
    try:
        wide = [ord(ch) for ch in data.decode(encoding) if ch > "\x7f"]
    except UnicodeDecodeError:
        return 0.0
    return sum(any(low <= code <= high for low, high in _CHINESE) for code in wide) / len(wide)


def _iconv_name(data: bytes) -> str:
    """The `iconv -f` name of the likely encoding (GB18030, a superset of GBK and GB2312, when unsure)."""
    guess = _guess_encoding(data)
    return "GB18030" if guess.startswith("GB") or guess == "未知编码" else guess


def split_front_matter(text: str) -> SourceText:
    """Split `---` front matter from the body; body_line counts from 1. The front matter ends at
    the first later line that is `---` or `...` (trailing spaces allowed)."""
    if not text.startswith("---\n") and text.strip() != "---":
        return SourceText(None, text, 1)
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "".join(line + "\n" for line in lines[1:index])
            return SourceText(front, "\n".join(lines[index + 1:]), index + 2)
    return SourceText(text[4:], "", len(lines) + 1, closed=False)
