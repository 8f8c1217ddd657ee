"""Decap CMS `config.yml` from orgs.yml and the portal configuration (plain data, no MkDocs).

One collection per unit: its folder is the unit's folder, so a post saved in the editor lands
where the contract wants it (`<system>/<unit>/<year>/<name>.md`) and is reviewed by the same
CODEOWNERS rules as any other. Pictures go beside the post (`media_folder: ""`), and the
fields are the contract's front matter, so the file passes `portal check` as saved.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable

import yaml

from ..config import REGISTER_TYPES, PortalConfig
from ..core.orgs import Orgs, Unit
from ..core.posts import POST_KEYS
from ..core.qa_keys import QA_KINDS
from ..core.registers.projects import STATUSES
from .settings import CmsSettings

DATE_FORMAT = "YYYY-MM-DD HH:mm"  # what the contract's `date` accepts, in the browser's time zone
DAY_FORMAT = "YYYY-MM-DD"
# Keys a 信息员 does not set when writing: adoption is recorded by the unit above.
NOT_EDITED = {"featured_by"}
QA_HINT = "仅“有问必答”（栏目选 qa）填写；其他栏目请留空"
PROJECT_HINT = "仅“联创项目”（栏目选 project）填写；其他栏目请留空"


def collection_name(unit: Unit) -> str:
    """Decap collection name of a unit (`_` never occurs in ids, so the name is unambiguous)."""
    return f"{unit.system}__{unit.id}"


def decap_config(orgs: Orgs, config: PortalConfig, content_path: str, settings: CmsSettings | None,
                 local_url: str | None = None) -> dict:
    """The whole Decap configuration. `content_path` is the content folder relative to the
    repository root; `local_url` (for `portal serve`) points the editor at the local backend."""
    fields = {system: post_fields(config, orgs, system) for system in orgs.systems}
    result: dict = {
        "locale": "zh_Hans",
        "site_url": config.site_url or None,
        "display_url": config.site_url or None,
        "media_folder": posixpath.join(content_path, "media"),
        "public_folder": "/media",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [unit_collection(unit, orgs, content_path, fields[unit.system]) for unit in orgs.units()],
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
        "fields": fields,  # the same list object for every unit of a system: written once, then as YAML aliases
    }


def post_fields(config: PortalConfig, orgs: Orgs, system: str) -> list[dict]:
    """Editor fields for every front-matter key the contract lets a 信息员 of `system` write, then the body."""
    columns = {**config.columns, **REGISTER_TYPES, **orgs.systems[system].columns}
    makers: dict[str, Callable[[], dict]] = {**_register_fields(), **_interaction_fields()}
    makers |= {
        "title": lambda: {"label": "标题", "name": "title", "widget": "string"},
        "date": lambda: {"label": "日期", "name": "date", "widget": "datetime", "format": DATE_FORMAT,
                         "date_format": DAY_FORMAT, "time_format": "HH:mm", "picker_utc": False,
                         "default": "{{now}}"},
        "type": lambda: _select("栏目", "type", columns, default=next(iter(columns))),
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


def _day(label: str, name: str, hint: str) -> dict:
    return {"label": label, "name": name, "widget": "datetime", "format": DAY_FORMAT, "date_format": DAY_FORMAT,
            "time_format": False, "required": False, "hint": hint}


def _optional(label: str, name: str, widget: str, hint: str, **more) -> dict:
    return {"label": label, "name": name, "widget": widget, "required": False, "hint": hint, **more}


def _register_fields() -> dict[str, Callable[[], dict]]:
    """The 联创项目 keys (`type: project`) and a progress post's `project:`."""
    return {
        "goal": lambda: _optional("工作要求", "goal", "text", PROJECT_HINT + "（必填）"),
        "due": lambda: _day("完成期限", "due", PROJECT_HINT + "（必填）"),
        "lead": lambda: _optional("责任领导", "lead", "string", PROJECT_HINT),
        "partners": lambda: _optional("参与单位", "partners", "list", PROJECT_HINT + "；写 系统/单位，例如 fda/np-jo"),
        "measure": lambda: _optional("成果检验", "measure", "text", PROJECT_HINT),
        "status": lambda: {**_select("项目状态", "status", STATUSES, required=False), "hint": PROJECT_HINT},
        "finished": lambda: _day("完成日期", "finished", PROJECT_HINT + "；状态为已完成时必填"),
        "milestones": lambda: _optional("节点", "milestones", "list", PROJECT_HINT, fields=[
            {"label": "日期", "name": "date", "widget": "datetime", "format": DAY_FORMAT, "date_format": DAY_FORMAT,
             "time_format": False},
            {"label": "内容", "name": "title", "widget": "string"},
            {"label": "达成日期", "name": "done", "widget": "datetime", "format": DAY_FORMAT,
             "date_format": DAY_FORMAT, "time_format": False, "required": False}]),
        "project": lambda: _optional("所属联创项目", "project", "string",
                                     "报送项目进展时填写项目文件的路径，例如 tax/prov/2026/smart-branch"),
    }


def _interaction_fields() -> dict[str, Callable[[], dict]]:
    """Q&A kinds and 转办, and topics (专题)."""
    return {
        "kind": lambda: {**_select("问题类型", "kind", QA_KINDS, required=False), "hint": QA_HINT},
        "transferred_from": lambda: _optional("转办自", "transferred_from", "string",
                                              QA_HINT + "；由其他单位转来时写 系统/单位"),
        "transferred_on": lambda: _day("转办日期", "transferred_on", QA_HINT + "；与“转办自”一起填写"),
        "topics": lambda: _optional("专题", "topics", "list", "参加专题时写专题编号，例如 zhuti-2026"),
    }


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
    """YAML text of a Decap configuration (shared field lists become anchors and aliases);
    the last one is remembered: `portal serve` writes the same one after every save."""
    key = json.dumps(data, ensure_ascii=False, default=repr)
    if _LAST_YAML[0] != key:
        _LAST_YAML[:] = [key, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)]
    return _LAST_YAML[1]


_LAST_YAML = ["", ""]  # (the configuration as JSON, its YAML text)
