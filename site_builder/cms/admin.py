"""`/admin/`: the page that loads the vendored Decap CMS, its generated `config.yml`, and the
unit finder. Reader pages never load any of it."""

from __future__ import annotations

import html
import json
import os
import shutil

from ..config import PortalConfig
from ..core.orgs import Orgs
from .decap_config import collection_name, config_yaml, decap_config
from .settings import CmsSettings

DECAP_VERSION = "3.16.3"
HERE = os.path.dirname(os.path.abspath(__file__))
VENDOR_DIR = os.path.join(HERE, "vendor", "decap-cms")
STATIC_DIR = os.path.join(HERE, "static")
ADMIN_FOLDER = "admin"


def admin_page(site_name: str, units: list[dict]) -> str:
    """The HTML of `/admin/` (Decap reads `config.yml` beside it)."""
    data = json.dumps(units, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>网页投稿 · {html.escape(site_name)}</title>
<link rel="stylesheet" href="portal-cms.css">
</head>
<body>
<noscript>网页投稿需要启用浏览器的 JavaScript。也可以按投稿指南用 portal new 在本机写稿。</noscript>
<script id="portal-units" type="application/json">{data}</script>
<script src="decap/decap-cms.js?v={DECAP_VERSION}"></script>
<script src="portal-cms.js"></script>
</body>
</html>
"""


def finder_units(orgs: Orgs) -> list[dict]:
    """What the unit finder searches: every unit with its system, level and collection."""
    return [{"name": unit.name, "key": unit.key, "system": orgs.systems[unit.system].name,
             "level": unit.level_name, "collection": collection_name(unit)} for unit in orgs.units()]


def write_admin(site_dir: str, orgs: Orgs, config: PortalConfig, content_path: str,
                settings: CmsSettings | None, local_url: str | None = None) -> bool:
    """Write `/admin/` into a built site when there is something to edit against: a configured
    git server, or the local backend of `portal serve`. Returns whether it was written."""
    if settings is None and not local_url:
        return False
    folder = os.path.join(site_dir, ADMIN_FOLDER)
    os.makedirs(folder, exist_ok=True)
    data = decap_config(orgs, config, content_path, settings, local_url)
    _write_text(os.path.join(folder, "config.yml"), config_yaml(data))
    _write_text(os.path.join(folder, "index.html"), admin_page(config.site_name, finder_units(orgs)))
    for name in sorted(os.listdir(STATIC_DIR)):
        shutil.copyfile(os.path.join(STATIC_DIR, name), os.path.join(folder, name))
    _copy_vendor(os.path.join(folder, "decap"))
    return True


def repository_root(content_dir: str, fallback: str) -> str:
    """The folder holding `.git` above the content folder (paths in the editor's configuration
    are relative to it); `fallback` (the folder of mkdocs.yml) outside a repository."""
    folder = os.path.abspath(content_dir)
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.abspath(fallback)
        folder = parent
    return folder


def _copy_vendor(target: str) -> None:
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(VENDOR_DIR)):
        if name.endswith(".js") or name in ("LICENSE", "decap-cms.js.LICENSE.txt"):
            shutil.copyfile(os.path.join(VENDOR_DIR, name), os.path.join(target, name))


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
