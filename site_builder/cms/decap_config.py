"""Decap CMS `config.yml` from orgs.yml and the portal configuration (plain data, no MkDocs).

One collection per unit: its folder is the unit's folder, so a post saved in the editor lands
where the contract wants it (`<system>/<unit>/<year>/<name>.md`) and is reviewed by the same
CODEOWNERS rules as any other. Pictures go beside the post (`media_folder: ""`), and the
fields are the contract's front matter, so the file passes `portal check` as saved.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

import yaml

from ..config import PortalConfig
from ..core.orgs import Orgs, Unit
from ..core.posts import POST_KEYS
from .settings import CmsSettings

DATE_FORMAT = "YYYY-MM-DD HH:mm"  # what the contract's `date` accepts, in the browser's time zone
DAY_FORMAT = "YYYY-MM-DD"
# Keys a 信息员 does not set when writing: adoption is recorded by the unit above.
NOT_EDITED = {"featured_by"}
QA_HINT = "仅“有问必答”（栏目选 qa）填写；其他栏目请留空"


def collection_name(unit: Unit) -> str:
    """Decap collection name of a unit (`_` never occurs in ids, so the name is unambiguous)."""
    return f"{unit.system}__{unit.id}"


def decap_config(orgs: Orgs, config: PortalConfig, content_path: str, settings: CmsSettings | None,
                 local_url: str | None = None) -> dict:
    """The whole Decap configuration. `content_path` is the content folder relative to the
    repository root; `local_url` (for `portal serve`) points the editor at the local backend."""
    fields = post_fields(config, orgs)
    result: dict = {
        "locale": "zh_Hans",
        "site_url": config.site_url or None,
        "display_url": config.site_url or None,
        "media_folder": posixpath.join(content_path, "media"),
        "public_folder": "/media",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [unit_collection(unit, orgs, content_path, fields) for unit in orgs.units()],
    }
    if settings is not None:
        result["backend"] = settings.backend_config()
        result["publish_mode"] = "editorial_workflow"
    if local_url:
        # `portal serve`: the editor writes into the working tree (Decap's local backend).
        result["backend"] = {"name": "proxy", "proxy_url": local_url, "branch": "main"}
        result["local_backend"] = {"url": local_url}
        result.pop("publish_mode", None)
    return {key: value for key, value in result.items() if value is not None}


def unit_collection(unit: Unit, orgs: Orgs, content_path: str, fields: list[dict]) -> dict:
    """A folder collection for one unit's posts."""
    system = orgs.systems[unit.system]
    return {
        "name": collection_name(unit),
        "label": f"{unit.name}",
        "label_singular": "稿件",
        "description": f"{system.name} · {unit.level_name} · {unit.key}",
        "folder": posixpath.join(content_path, unit.system, unit.id),
        "path": "{{year}}/{{slug}}",
        "slug": "{{year}}-{{month}}-{{day}}-{{type}}",
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        "media_folder": "",
        "public_folder": "",
        "summary": "{{date}} · {{title}}",
        "sortable_fields": ["date", "title"],
        "fields": fields,  # the same list object for every unit: written once, then as YAML aliases
    }


def post_fields(config: PortalConfig, orgs: Orgs) -> list[dict]:
    """Editor fields for every front-matter key the contract lets a 信息员 write, then the body."""
    makers: dict[str, Callable[[], dict]] = {
        "title": lambda: {"label": "标题", "name": "title", "widget": "string"},
        "date": lambda: {"label": "日期", "name": "date", "widget": "datetime", "format": DATE_FORMAT,
                         "date_format": DAY_FORMAT, "time_format": "HH:mm", "picker_utc": False,
                         "default": "{{now}}"},
        "type": lambda: _select("栏目", "type", config.columns, default=next(iter(config.columns))),
        "category": lambda: _select("分类（五联）", "category", config.categories, required=False),
        "tags": lambda: {"label": "标签", "name": "tags", "widget": "list", "required": False,
                         "hint": "每个标签 20 字以内，用逗号分开"},
        "author": lambda: {"label": "信息员", "name": "author", "widget": "string", "required": False},
        "summary": lambda: {"label": "摘要", "name": "summary", "widget": "text", "required": False,
                            "hint": "不填则用正文第一段"},
        "draft": lambda: {"label": "草稿（不发布）", "name": "draft", "widget": "boolean", "required": False},
        "question": lambda: {"label": "问题内容", "name": "question", "widget": "text", "required": False,
                             "hint": QA_HINT},
        "asked_by": lambda: {"label": "提问人", "name": "asked_by", "widget": "string", "required": False,
                             "hint": QA_HINT},
        "answered": lambda: {"label": "答复日期", "name": "answered", "widget": "datetime",
                             "format": DAY_FORMAT, "date_format": DAY_FORMAT, "time_format": False,
                             "required": False, "hint": "答复后填写，并在正文写答复内容"},
    }
    fields = [makers[key]() for key in editable_keys() if key in makers]
    # optional: a pending question has no answer yet; every other column's empty body is named by `portal check`
    fields.append({"label": "正文", "name": "body", "widget": "markdown", "required": False,
                   "hint": "有问必答写答复内容（未答复可留空）。图片用“+”里的 Image 上传，会存放在文章旁边"})
    return fields


def editable_keys() -> list[str]:
    """Front-matter keys of the contract a 信息员 writes, in the contract's order."""
    return [key for key in POST_KEYS if key not in NOT_EDITED]


def _select(label: str, name: str, choices: dict[str, str], required: bool = True,
            default: str | None = None) -> dict:
    field: dict[str, object] = {"label": label, "name": name, "widget": "select",
             "options": [{"label": f"{title}（{key}）", "value": key} for key, title in choices.items()]}
    if not required:
        field["required"] = False
    if default is not None:
        field["default"] = default
    return field


def config_yaml(data: dict) -> str:
    """YAML text of a Decap configuration (shared field lists become anchors and aliases)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
