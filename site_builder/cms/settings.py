"""The `cms:` options of the portal plugin: which git server the online editor saves to."""

from __future__ import annotations

import re
from dataclasses import dataclass

BACKENDS = {"github": "GitHub", "gitlab": "GitLab", "gitea": "Gitea", "forgejo": "Forgejo"}
# Decap backend options a deployment may set; everything else is fixed by the portal.
PASSED_KEYS = ("branch", "api_root", "base_url", "auth_endpoint", "app_id", "auth_type", "site_domain")
REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")
URL_RE = re.compile(r"^https?://[^\s\"'<>\\]+$")


class CmsSettingsError(ValueError):
    """A wrong `cms:` option: `message` says what is wrong, `fix` how to fix it (in Chinese),
    `path` where below `cms:` it is."""

    def __init__(self, message: str, fix: str, path: tuple[str, ...] = ()):
        super().__init__(f"{message}。修改方法：{fix}")
        self.message, self.fix, self.path = message, fix, path


@dataclass(frozen=True)
class CmsSettings:
    """Where the online editor opens its pull requests."""

    backend: str
    repo: str
    branch: str = "main"
    options: tuple[tuple[str, str], ...] = ()  # further Decap backend options, in PASSED_KEYS order

    def backend_config(self) -> dict:
        """Decap's `backend:` block (editorial workflow: every save is a branch and a pull request)."""
        return {"name": self.backend, "repo": self.repo, "branch": self.branch, **dict(self.options)}


def read_cms_settings(options: dict | None) -> CmsSettings | None:
    """`CmsSettings` from the plugin's `cms:` mapping; None when the online editor is not set up."""
    if not options:
        return None
    if not isinstance(options, dict):
        raise CmsSettingsError("网页投稿设置必须是键值表", "写成 cms: {backend: github, repo: 组织/仓库}")
    unknown = sorted(set(options) - {"backend", "repo", *PASSED_KEYS})
    if unknown:
        raise CmsSettingsError(f"网页投稿设置中有未知选项“{'、'.join(map(str, unknown))}”",
                               f"只写 backend、repo、{'、'.join(PASSED_KEYS)}", (str(unknown[0]),))
    backend = options.get("backend")
    if backend not in BACKENDS:
        raise CmsSettingsError(f"网页投稿的代码托管平台“{backend}”不受支持",
                               f"写 {'、'.join(BACKENDS)} 之一", ("backend",))
    repo = options.get("repo")
    if not isinstance(repo, str) or not REPO_RE.match(repo):
        raise CmsSettingsError(f"网页投稿的仓库“{repo}”不是“组织/仓库”的形式",
                               "写成 repo: 组织名/仓库名，例如 repo: fujian-jggw/portal", ("repo",))
    passed = []
    for key in PASSED_KEYS:
        if key in options:
            passed.append((key, _option_text(key, options[key])))
    branch = dict(passed).pop("branch", "main")
    return CmsSettings(backend, repo, branch, tuple((k, v) for k, v in passed if k != "branch"))


def _option_text(key: str, value) -> str:
    if not isinstance(value, str) or not value.strip() or any(ch in value for ch in "\r\n\0"):
        raise CmsSettingsError(f"网页投稿的 {key} 必须是一行文字", f"写成 {key}: 值", (key,))
    if key in ("api_root", "base_url") and not URL_RE.match(value):
        raise CmsSettingsError(f"网页投稿的 {key}“{value}”不是 http(s) 地址",
                               f"写成 {key}: https://git.example.gov.cn/api/v1 这样的完整地址", (key,))
    return value.strip()
