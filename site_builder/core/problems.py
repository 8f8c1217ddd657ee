"""A Problem is one thing wrong in the content, told to the person who wrote it."""

from __future__ import annotations

from dataclasses import dataclass

from .textcheck import visible


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: which file, which line, what is wrong, how to fix it (in Chinese)."""

    path: str
    line: int
    message: str
    fix: str = ""

    def text(self) -> str:
        """One line for people: `path:line: message。修改方法：fix` (controls, bidi and invisible
        characters shown as `<U+XXXX>`, so none reaches the terminal raw)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        fix = f" 修改方法：{self.fix}" if self.fix else ""
        return visible(f"{where}: {self.message}{fix}")

    def github(self) -> str:
        """One GitHub Actions annotation line (`::error file=…,line=…::…`)."""
        text = visible(f"{self.message} 修改方法：{self.fix}" if self.fix else self.message, keep="\r\n")
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        line = f",line={self.line}" if self.line else ""
        path = _escape_property(visible(self.path, keep="\r\n"))
        return f"::error file={path}{line}::{text}"


def _escape_property(value: str) -> str:
    return (
        value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        .replace(":", "%3A").replace(",", "%2C")
    )


def format_problems(problems: list[Problem], style: str = "text") -> str:
    """All problems, sorted by file and line, one per line."""
    lines = [p.github() if style == "github" else p.text() for p in sorted(problems)]
    return "\n".join(lines)
