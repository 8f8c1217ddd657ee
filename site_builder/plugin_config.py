"""The `plugins: - portal:` options of mkdocs.yml: typed, checked, and turned into `PortalConfig`.

The one place that reads the portal's settings from mkdocs.yml: the plugin, `portal check`,
`portal build` and `portal new` all go through `PortalPluginConfig` and `portal_config`.
Options are MkDocs `Config` options (as in material/plugins/*/config.py), each with a check
whose message is for staff: a wrong value, or a name MkDocs would only warn about, stops the
build with `file:line: what is wrong 修改方法：how to fix it` instead of a traceback.
"""

from __future__ import annotations

import os
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError
from mkdocs.exceptions import ConfigurationError

from .cms.settings import CmsSettings, CmsSettingsError, read_cms_settings
from .config import DEFAULT_CATEGORIES, DEFAULT_COLUMNS, LEVELS, PortalConfig, score_weights
from .core.problems import Problem
from .identity import SiteInfoError, site_info_items

PLUGIN = "portal"


class OptionError(ValidationError):
    """A wrong option value: `message` says what is wrong, `fix` how to fix it, and `path`
    where below the option it is (`("column", "news")` for `score: column: news:`)."""

    def __init__(self, message: str, fix: str, path: tuple[str, ...] = ()):
        super().__init__(message)
        self.message, self.fix, self.path = message, fix, path


def _shown(value: object) -> str:
    return "空值" if value is None else f"“{value}”"


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Whole(c.BaseConfigOption[int]):
    """A whole number of at least `minimum`."""

    def __init__(self, default: int, minimum: int = 1, meaning: str = ""):
        super().__init__()
        self.default, self.minimum, self.meaning = default, minimum, meaning

    def run_validation(self, value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < self.minimum:
            raise OptionError(f"{self.meaning}必须是不小于 {self.minimum} 的整数，现在是{_shown(value)}",
                              f"写一个整数，例如 {self.default}")
        return value


class OptionalWhole(c.BaseConfigOption[int | None]):
    """A whole number of at least `minimum`, or nothing (the option left out)."""

    def __init__(self, minimum: int = 1, meaning: str = "", example: int = 2):
        super().__init__()
        self.default, self.whole = None, Whole(example, minimum, meaning)

    def run_validation(self, value: object) -> int | None:
        return None if value is None else self.whole.run_validation(value)


class Flag(c.BaseConfigOption[bool]):
    """true or false."""

    def __init__(self, default: bool, meaning: str = ""):
        super().__init__()
        self.default, self.meaning = default, meaning

    def run_validation(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise OptionError(f"{self.meaning}只能是 true 或 false，现在是{_shown(value)}", "写 true 或 false")
        return value


class Text(c.BaseConfigOption[str]):
    """A piece of text."""

    def __init__(self, default: str, meaning: str = ""):
        super().__init__()
        self.default, self.meaning = default, meaning

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise OptionError(f"{self.meaning}必须是文字，现在是{_shown(value)}", "用引号把值括起来")
        return value


class TimeZone(Text):
    """An IANA time zone name, such as Asia/Shanghai."""

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise OptionError(f"时区“{name}”不存在", "写 IANA 时区名，例如 Asia/Shanghai") from None
        return name


ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class Names(c.BaseConfigOption[dict]):
    """Ids (lower-case letters, digits, - and _) with their Chinese names."""

    def __init__(self, what: str, example: str):
        super().__init__()
        self.default, self.what, self.example = {}, what, example

    def run_validation(self, value: object) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise OptionError(f"{self.what}必须写成“编号: 中文名称”的列表，现在是{_shown(value)}",
                              f"每行写一个，例如 {self.example}")
        for key, name in value.items():
            if not isinstance(key, str) or not ID.match(key):
                raise OptionError(f"{self.what}编号{_shown(key)}不合规：只能用小写英文字母、数字、- 和 _",
                                  f"改成例如 {self.example.split(':')[0]}", (str(key),))
            if not isinstance(name, str) or not name.strip():
                raise OptionError(f"{self.what}“{key}”的名称必须是文字，现在是{_shown(name)}",
                                  f"写成例如 {self.example}", (key,))
        return dict(value)


class Extensions(c.BaseConfigOption[list]):
    """File name extensions, such as [pdf, docx]."""

    def __init__(self):
        super().__init__()
        self.default = []

    def run_validation(self, value: object) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip(".") for v in value):
            raise OptionError(f"附件类型必须是扩展名列表，现在是{_shown(value)}", "写成例如 [pdf, docx, jpg]")
        return [v.lower().lstrip(".") for v in value]


def _weight(value: object, path: tuple[str, ...]) -> float:
    if not _number(value) or value < 0:  # type: ignore[operator]
        raise OptionError(f"计分权重必须是不小于 0 的数字，现在是{_shown(value)}", "写一个数字，例如 1 或 1.5", path)
    return float(value)  # type: ignore[arg-type]


def _weights(value: object, name: str, allowed: dict[str, str] | None) -> dict[str, float]:
    if not isinstance(value, dict):
        raise OptionError(f"score.{name} 必须写成“名称: 分数”，现在是{_shown(value)}",
                          "写成例如 {news: 1, experience: 2}", (name,))
    weights = {}
    for key, weight in value.items():
        if allowed is not None and key not in allowed:
            raise OptionError(f"score.{name} 中的“{key}”不是{'、'.join(allowed)}之一",
                              f"只能写 {'、'.join(allowed)}", (name, str(key)))
        weights[str(key)] = _weight(weight, (name, str(key)))
    return weights


class Score(c.BaseConfigOption[dict]):
    """Weights of the 信息工作通报 score: `column`, `adoption`, `answered`, `overdue`."""

    KEYS = ("column", "adoption", "answered", "answered_late", "overdue", "systems")

    def __init__(self):
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise OptionError(f"计分规则必须是 {'、'.join(self.KEYS)} 几项，现在是{_shown(value)}",
                              "参照 README 中 score 的写法")
        score = _score_weights(value, self.KEYS, ())
        systems = value.get("systems") or {}
        if not isinstance(systems, dict) or not all(isinstance(v, dict) for v in systems.values()):
            raise OptionError(f"score.systems 必须写成“系统id: 权重”，现在是{_shown(systems)}",
                              "写成例如 systems: {tax: {column: {news: 2}}}", ("systems",))
        if systems:
            score["systems"] = {str(k): _score_weights(v, self.KEYS[:-1], ("systems", str(k))) for k, v in systems.items()}
        return score


def _score_weights(value: dict, keys: tuple[str, ...], where: tuple[str, ...]) -> dict[str, Any]:
    """The weights of one `score` mapping (the site's, or one system's under `systems`)."""
    for key in value:
        if key not in keys:
            raise OptionError(f"计分规则中没有“{key}”这一项", f"只能写 {'、'.join(keys)}", (*where, str(key)))
    score: dict[str, Any] = {}
    if "column" in value:
        score["column"] = _weights(value["column"], "column", None)
    if "adoption" in value:
        score["adoption"] = _weights(value["adoption"], "adoption", LEVELS)
    for key in ("answered", "answered_late", "overdue"):
        if key in value:
            score[key] = _weight(value[key], (*where, key))
    return score


class Cms(c.BaseConfigOption["CmsSettings | None"]):
    """网页投稿: the git server the online editor saves to (site_builder/cms/settings.py)."""

    def __init__(self):
        super().__init__()
        self.default = None

    def run_validation(self, value: object) -> CmsSettings | None:
        try:
            return read_cms_settings(value)  # type: ignore[arg-type]
        except CmsSettingsError as err:
            raise OptionError(err.message, err.fix, err.path) from None
class SiteInfo(c.BaseConfigOption[dict]):
    """The site's identity shown in every footer (identity.py: organizer, contact, site_code, icp, police)."""

    def __init__(self):
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> dict[str, Any]:
        try:
            site_info_items(value)  # type: ignore[arg-type]
        except SiteInfoError as error:
            raise OptionError(error.message, error.fix, (error.key,) if error.key else ()) from None
        return dict(value or {})  # type: ignore[call-overload]


class PortalPluginConfig(Config):
    """Options under `plugins: - portal:` in mkdocs.yml."""

    columns = Names("栏目", "policy: 政策解读")
    categories = Names("分类", "center: 中心工作与业务工作")
    timezone = TimeZone("Asia/Shanghai", "时区")
    page_size = Whole(20, meaning="每页文章数")
    feed_length = Whole(20, meaning="订阅源的文章数")
    feed_full_content = Flag(True, "订阅源是否含全文")
    qa_overdue_workdays = Whole(5, meaning="有问必答的答复期限（工作日）")
    max_post_kb = Whole(512, meaning="文章大小上限（KB）")
    max_attachment_mb = Whole(20, meaning="附件大小上限（MB）")
    attachment_types = Extensions()
    score = Score()
    cache_dir = Text(".cache/portal", "缓存目录")
    cache = Flag(True, "是否使用缓存")  # false: no cache is read or written (`portal build --no-cache`)
    jobs = OptionalWhole(meaning="并行进程数")  # at most this many worker processes per pool; 1: none (`--jobs N`)
    cms = Cms()  # 网页投稿 (/admin/): {backend, repo, branch, …}; absent: no online editor
    site_info = SiteInfo()  # footer identity (CONTENT.md "Site identity")


def portal_config(options: PortalPluginConfig, site_url: str | None, site_name: str, drafts: bool) -> PortalConfig:
    """Typed core settings from checked plugin options (the defaults merged with additions)."""
    weights = score_weights(options.score)
    extra: dict[str, Any] = {}
    if options.attachment_types:
        extra["attachment_types"] = tuple(options.attachment_types)
    return PortalConfig(
        columns={**DEFAULT_COLUMNS, **options.columns}, categories={**DEFAULT_CATEGORIES, **options.categories},
        timezone=options.timezone, site_url=site_url or "", site_name=site_name, page_size=options.page_size,
        feed_length=options.feed_length, feed_full_content=options.feed_full_content,
        qa_overdue_workdays=options.qa_overdue_workdays, max_post_bytes=options.max_post_kb * 1024,
        max_attachment_bytes=options.max_attachment_mb * 1048576, score=weights, show_drafts=drafts, **extra)


def settings_of(mkdocs_config, drafts: bool = False) -> PortalConfig:
    """The core settings of a loaded mkdocs.yml (its portal options already checked)."""
    options = mkdocs_config.plugins[PLUGIN].config
    return portal_config(options, mkdocs_config.site_url, mkdocs_config.site_name, drafts)


# --- telling staff what is wrong ---------------------------------------------------------


class PortalOptionsError(ConfigurationError):
    """The portal options of mkdocs.yml are wrong: one `Problem` per wrong option."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems


def check_options(options: PortalPluginConfig, errors: list, warnings: list, config_file: str | None) -> None:
    """Raise `PortalOptionsError` for what MkDocs' validation of the options found (unknown
    names included, which MkDocs only warns about) and for weights of columns that do not exist."""
    path = _shown_path(config_file)
    lines = _text_lines(config_file)
    if errors:  # MkDocs stops at the first wrong option: check each, to tell all at once
        errors = _all_errors(options)
    problems = [_problem(path, lines, key, error) for key, error in errors]
    for key, _ in warnings:
        if key not in dict(PortalPluginConfig._schema):
            known = "、".join(k for k, _ in PortalPluginConfig._schema)
            problems.append(Problem(path, _line_of(lines, (key,)), f"portal 插件没有“{key}”这个选项",
                                    f"检查拼写；可用的选项有 {known}"))
    if not errors:
        columns = {**DEFAULT_COLUMNS, **options.columns}
        for column in options.score.get("column", {}):
            if column not in columns:
                problems.append(Problem(path, _line_of(lines, ("score", "column", column)),
                                        f"portal 选项 score.column 中的“{column}”不是栏目",
                                        f"改成已有栏目（{'、'.join(columns)}），或先在 columns 中添加这个栏目"))
    if problems:
        raise PortalOptionsError(problems)


def _all_errors(options: PortalPluginConfig) -> list[tuple[str, ValidationError]]:
    errors = []
    for key, option in PortalPluginConfig._schema:
        try:
            option.validate(options.get(key, option.default))
        except ValidationError as error:
            errors.append((key, error))
    return errors


def _problem(path: str, lines: list[str], key: str, error: Exception) -> Problem:
    where = (key, *getattr(error, "path", ()))
    name = ".".join(where)
    if isinstance(error, OptionError):
        return Problem(path, _line_of(lines, where), f"portal 选项 {name}：{error.message}", error.fix)
    return Problem(path, _line_of(lines, where), f"portal 选项 {name} 的值不对：{error}", "参照 README 改正这个选项")


def _shown_path(config_file: str | None) -> str:
    if not config_file:
        return "mkdocs.yml"
    relative = os.path.relpath(config_file)
    return relative if not relative.startswith("..") else config_file


def _text_lines(config_file: str | None) -> list[str]:
    try:
        with open(config_file or "", encoding="utf-8") as handle:
            return handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: list[str], where: tuple[str, ...]) -> int:
    """The line (1-based) of `where` under `plugins: - portal:`, as near as the text tells;
    0 when the file does not show it."""
    start = next((i for i, line in enumerate(lines) if re.match(rf"^\s*-\s*{PLUGIN}\s*:", line)), None)
    if start is None:
        return 0
    found = start
    for name in where:
        key = re.compile(rf"(^\s*|[{{,]\s*){re.escape(name)}\s*:")
        at = next((i for i in range(found, len(lines)) if key.search(lines[i])), None)
        if at is None:
            break
        found = at
    return found + 1
