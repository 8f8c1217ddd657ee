"""Characters that make text lie: controls, bidi overrides, invisible and line-breaking ones.

A title with U+202E (right-to-left override) shows its words reversed, a zero-width space
makes two equal-looking unit names differ, a CR rewrites a terminal line. One-line fields
(titles, authors, tags, names of units and systems …) refuse them all, and say where.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and newline, DEL and C1 controls, the Arabic letter mark, the Mongolian
# vowel separator, zero-width and directional marks, line/paragraph separators, bidi embeddings,
# overrides and isolates, invisible operators, deprecated format characters, BOM inside text,
# interlinear annotation characters.
_DISALLOWED = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e"
               "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb")
DISALLOWED = re.compile(f"[{_DISALLOWED}]")
DISALLOWED_ONE_LINE = re.compile(f"[{_DISALLOWED}\t]")  # a newline: the field's own "one line" check
# Everything above plus tab and newline, as shown in messages.
INVISIBLE = re.compile(f"[{_DISALLOWED}\t\n]")


def kind_of(char: str) -> str:
    """What a disallowed character is, in the staff's words."""
    code = ord(char)
    if char in "\r\n\u2028\u2029\x85":
        return "换行符"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or char in "\u200e\u200f\u061c":
        return "文字方向控制符"
    if 0x200B <= code <= 0x200D or char in "\ufeff\u2060\u180e":
        return "零宽字符"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "控制字符"
    return "不可见的格式字符"


def disallowed_char(text: str, one_line: bool = True) -> tuple[int, str] | None:
    """(1-based position, character) of the first character `text` must not hold, or None.
    Multi-line fields (`one_line=False`) may hold newlines and tabs."""
    match = (DISALLOWED_ONE_LINE if one_line else DISALLOWED).search(text)
    return (match.start() + 1, match.group()) if match else None


def describe(field: str, text: str, one_line: bool = True) -> str | None:
    """A Chinese message naming the first disallowed character of `text` and its position."""
    found = disallowed_char(text, one_line)
    if found is None:
        return None
    position, char = found
    name = unicodedata.name(char, "")
    label = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    return f"{field}第 {position} 个字符是不允许的{kind_of(char)}（{label}）"


FIX = "删除该字符（它通常看不见，多来自复制粘贴）：在编辑器中把光标移到该位置删除，或重新输入这段文字"


def visible(text: str, keep: str = "") -> str:
    """`text` with every disallowed or line-breaking character (but those in `keep`, which the
    caller escapes its own way) written as `<U+XXXX>`, so a message never carries one raw to a
    terminal or a CI log."""
    return INVISIBLE.sub(lambda m: m.group() if m.group() in keep else f"<U+{ord(m.group()):04X}>", text)
