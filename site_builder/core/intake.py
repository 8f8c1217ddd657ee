"""Questions asked on line (网上提问): an issue form's body becomes a pending `qa` post of the
unit asked, in that unit's `asked/` folder, which the platform's administrators review
(`content/ask.yml`: `admins`, and a contact per system for people without an account).

```yaml
# content/ask.yml
admins: ["@portal-admins"]          # review content/<system>/<unit>/asked/ (CODEOWNERS)
contacts:                           # per system: how to ask without an account
  tax: 省税务局机关党委办公室 0591-87000001
```
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from .handles import is_handle
from .problems import Problem
from .yamltext import LinedDict, YamlError, load_yaml

ASK_FILE = "ask.yml"
ASK_KEYS = ("admins", "contacts")
ASKED_FOLDER = "asked"  # content/<system>/<unit>/asked/<year>/issue-<n>.md
# The issue form's fields (.github/ISSUE_TEMPLATE/question.yml): label → meaning
FORM_LABELS = {"答复单位": "unit", "类型": "kind", "问题内容": "question", "提问人": "asked_by"}
KIND_LABELS = {"问题": "question", "意见建议": "suggestion", "意见和建议": "suggestion", "建议": "suggestion"}
NO_RESPONSE = {"_no response_", "无", ""}
UNIT_RE = re.compile(r"\b([a-z0-9-]+)/([a-z0-9-]+)\b")
TITLE_JUNK = re.compile(r"^\s*[\[【](提问|意见建议|建议|问题)[\]】]\s*")
TITLE_UNSAFE = re.compile(r"[<>`*_\[\]()&{}#|\\\x00-\x1f\x7f]")
TITLE_LENGTH = 40
PLACEHOLDER = re.compile(r"^（[^（）]*）$")  # a template's hint left in place, e.g. （可不填）


@dataclass(frozen=True)
class AskSettings:
    """`content/ask.yml`: who reviews questions asked on line, and a contact per system."""

    admins: tuple[str, ...] = ()
    contacts: tuple[tuple[str, str], ...] = ()  # (system id, contact text), file order

    def contact(self, system_id: str) -> str | None:
        return dict(self.contacts).get(system_id)


def load_ask(text: str, systems, path: str = ASK_FILE) -> tuple[AskSettings, list[Problem]]:
    """Parse and check `ask.yml` against the registry's system ids."""
    try:
        data = load_yaml(text)
    except YamlError as err:
        return AskSettings(), [Problem(path, err.line, err.message, "按 YAML 格式修正该行")]
    if data is None:
        return AskSettings(), []
    if not isinstance(data, LinedDict):
        return AskSettings(), [Problem(path, 1, "ask.yml 必须是“键: 值”的形式", "写 admins 和 contacts 两项")]
    problems = [Problem(path, data.line_of(k), f"未知的键“{k}”", "只允许 admins（平台管理员）和 contacts（各系统联系方式）")
                for k in data if k not in ASK_KEYS]
    admins = data.get("admins", [])
    admins = [admins] if isinstance(admins, str) else admins
    if not isinstance(admins, list) or not all(is_handle(a) for a in admins):  # one handle each, in full
        problems.append(Problem(path, data.line_of("admins"), "admins 必须是 @用户名、@组织/团队 或邮箱地址的列表",
                                '写成 admins: ["@portal-admins"]'))
        admins = []
    contacts = data.get("contacts", {})
    if not isinstance(contacts, dict):
        problems.append(Problem(path, data.line_of("contacts"), "contacts 必须是“系统id: 联系方式”的映射",
                                "写成 contacts: {tax: 省税务局机关党委办公室 0591-87000001}"))
        contacts = {}
    found = []
    for system_id, contact in contacts.items():
        if system_id not in systems:
            problems.append(Problem(path, data.line_of("contacts"), f"contacts 中的系统“{system_id}”不在 orgs.yml 中",
                                    f"改用已登记的系统 id：{'、'.join(systems)}"))
        elif not isinstance(contact, (str, int)) or "\n" in str(contact).strip() or not str(contact).strip():
            problems.append(Problem(path, data.line_of("contacts"), f"系统“{system_id}”的联系方式不是一行文字",
                                    "写成 系统id: 单位名称 电话 邮箱"))
        else:
            found.append((system_id, str(contact).strip()))
    return AskSettings(tuple(admins), tuple(found)), problems


# -- issue bodies -------------------------------------------------------------------------------


@dataclass
class AskedQuestion:
    """What an issue form says: the unit asked, the kind, the text, who asked."""

    unit: str | None = None
    kind: str = "question"
    question: str = ""
    asked_by: str | None = None
    problems: list[str] = field(default_factory=list)  # in Chinese, for the person who asked


def form_fields(body: str) -> dict[str, str]:
    """The `### label` sections of an issue form's Markdown body (label → text)."""
    fields: dict[str, str] = {}
    label: str | None = None
    lines: list[str] = []
    for line in body.replace("\r\n", "\n").split("\n"):
        heading = re.match(r"^###\s+(.+?)\s*$", line)
        if heading:
            if label is not None:
                fields[label] = "\n".join(lines).strip()
            label, lines = heading.group(1), []
        elif label is not None:
            lines.append(line)
    if label is not None:
        fields[label] = "\n".join(lines).strip()
    return fields


def read_issue(body: str) -> AskedQuestion:
    """The question an issue form's body holds (problems listed when something is missing)."""
    fields = {FORM_LABELS[k]: v for k, v in form_fields(body).items() if k in FORM_LABELS}
    asked = AskedQuestion()
    unit = UNIT_RE.search(_clean(fields.get("unit", "")))
    if unit:
        asked.unit = f"{unit.group(1)}/{unit.group(2)}"
    else:
        asked.problems.append("没有写答复单位（系统/单位编号，例如 tax/np）")
    asked.kind = KIND_LABELS.get(_clean(fields.get("kind", "")), "question")
    text = _clean(fields.get("question", ""))
    if text.lower() in NO_RESPONSE:
        asked.problems.append("问题内容是空的")
    asked.question = text
    who = _clean(fields.get("asked_by", "")).replace("\n", " ")
    asked.asked_by = None if who.lower() in NO_RESPONSE else who[:60]
    return asked


def _clean(text: str) -> str:
    """Text without control characters (newlines kept), HTML comments and a template's
    `（…）` placeholder, trimmed."""
    text = re.sub(r"<!--.*?(-->|$)", "", text, flags=re.S)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text).strip()
    return "" if PLACEHOLDER.match(text) else text


def question_title(issue_title: str, question: str) -> str:
    """A one-line title: the issue's title without its `[提问]` prefix, else the question's start."""
    title = TITLE_UNSAFE.sub("", TITLE_JUNK.sub("", issue_title or "")).strip()
    if not title:
        title = TITLE_UNSAFE.sub("", question.split("\n", 1)[0]).strip()
    return title[:TITLE_LENGTH] or "网上提问"


def asked_path(unit_key: str, asked_at: datetime, number: int | None) -> str:
    """Content-relative path of the post: `<system>/<unit>/asked/<year>/issue-<n>.md`."""
    name = f"issue-{number}" if number else f"{asked_at:%Y%m%d-%H%M%S}"
    return f"{unit_key}/{ASKED_FOLDER}/{asked_at:%Y}/{name}.md"


def post_text(asked: AskedQuestion, title: str, asked_at: datetime, source: str = "") -> str:
    """The pending `qa` post: front matter only (the answer comes later, from the unit)."""
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", f'date: "{asked_at:%Y-%m-%d %H:%M}"',
             "type: qa"]
    if asked.kind != "question":
        lines.append(f"kind: {asked.kind}")
    lines.append(f"question: {json.dumps(asked.question, ensure_ascii=False)}")
    if asked.asked_by:
        lines.append(f"asked_by: {json.dumps(asked.asked_by, ensure_ascii=False)}")
    if source:
        lines.append(f"# 网上提问入库：{_clean(source).replace(chr(10), ' ')}")
    lines.append("# 答复单位答复时：加一行 answered: 答复日期，并在下面的 --- 之后写答复内容")
    lines.append("---")
    return "\n".join(lines) + "\n"


def asked_owner_rows(style: str, base: str, admins: tuple[str, ...]) -> list:
    """CODEOWNERS rows (for codeowners.py) giving every unit's `asked/` folder to the platform's
    administrators. They come after the unit rules: GitHub and GitLab take the last matching rule."""
    if not admins:
        return []
    if style == "gitea":
        pattern = f"{base}/[^/]+/[^/]+/{ASKED_FOLDER}/.*" if base else f"[^/]+/[^/]+/{ASKED_FOLDER}/.*"
    else:
        pattern = f"/{base}/*/*/{ASKED_FOLDER}/" if base else f"/*/*/{ASKED_FOLDER}/"
    return ["", f"# 网上提问（asked/ 文件夹）：由平台管理员审核（{ASK_FILE} 的 admins），不由被提问单位审核",
            (pattern, list(admins))]
