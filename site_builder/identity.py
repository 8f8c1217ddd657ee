"""The site's identity as government sites show it in every page's footer (`site_info` in
mkdocs.yml; contract: CONTENT.md "Site identity"), and the check of the published address.

No MkDocs import: the plugin hands the option's value here and the theme's
partials/portal-site-info.html draws what `footer_items` returns.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Footer order and Chinese names of the keys the contract names.
SITE_INFO_LABELS: dict[str, str] = {
    "organizer": "主办单位",
    "contact": "联系方式",
    "site_code": "网站标识码",
    "icp": "ICP备案号",
    "police": "公安机关备案号",
}
# Labels written before a value; contact and record numbers say what they are themselves
# ("电话：…", "闽ICP备…号", "闽公网安备…号"), as government sites show them.
SHOWN_LABELS = {"organizer": "主办单位", "site_code": "网站标识码"}
ICP_RECORD_SITE = "https://beian.miit.gov.cn/"
POLICE_RECORD_SITE = "https://beian.mps.gov.cn/#/query/webSearch?code="


class SiteInfoError(ValueError):
    """A `site_info` value staff must fix: what is wrong and how to fix it (Chinese), and the key."""

    def __init__(self, message: str, fix: str, key: str = ""):
        super().__init__(f"{message} 修改方法：{fix}")
        self.message, self.fix, self.key = message, fix, key


@dataclass(frozen=True)
class FooterItem:
    """One line of the footer: label (may be empty), text and, for a record number, the
    record site's page."""

    key: str
    label: str
    text: str
    link: str = ""


def site_info_items(site_info: dict | None) -> list[FooterItem]:
    """The footer lines for the `site_info` option, in the contract's order; keys that are
    absent or empty are omitted. Raises SiteInfoError for an unknown key or a value that is
    not a single line of text."""
    site_info = site_info or {}
    if not isinstance(site_info, dict):
        raise SiteInfoError(f"site_info 应写成“项: 内容”的几行，现在是“{site_info}”",
                            "每行写一项，例如 organizer: 中共××市直属机关工作委员会")
    unknown = [key for key in site_info if key not in SITE_INFO_LABELS]
    if unknown:
        raise SiteInfoError(f"site_info 中有不认识的项“{unknown[0]}”",
                            f"只使用 {'、'.join(SITE_INFO_LABELS)}（依次为 {'、'.join(SITE_INFO_LABELS.values())}），"
                            "不需要的项删去即可", str(unknown[0]))
    items = []
    for key in SITE_INFO_LABELS:
        text = _one_line(key, site_info.get(key))
        if text:
            items.append(FooterItem(key, SHOWN_LABELS.get(key, ""), text, _record_link(key, text)))
    return items


def _one_line(key: str, value) -> str:
    """The value as one line of text ("" when absent); numbers written without quotes are text too."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise SiteInfoError(f"site_info 的 {key} 应是一行文字，现在是“{value}”",
                            f"写成一行文字并加引号，例如 {key}: \"……\"", key)
    return " ".join(str(value).split())


def _record_link(key: str, text: str) -> str:
    """The record site where a reader can look the number up (a link, never fetched)."""
    if key == "icp":
        return ICP_RECORD_SITE
    if key == "police":
        digits = re.search(r"\d{6,}", text)
        return POLICE_RECORD_SITE + (digits.group(0) if digits else "")
    return ""


# -- the published address ------------------------------------------------------------

SITE_URL_HELP = ("设置环境变量 SITE_URL 为网站对外发布的正式地址后再构建，例如 "
                 "SITE_URL=https://dj.example.gov.cn/ portal build --strict"
                 "（或在 mkdocs.yml 中写 site_url: https://dj.example.gov.cn/）")


def local_site_url(site_url: str | None) -> bool:
    """Whether `site_url` is unset or names this machine (localhost, a loopback or
    unspecified address): a site published with it links its feeds, sitemap and canonical
    links to the reader's own computer."""
    host = (urlsplit((site_url or "").strip()).hostname or "").lower().rstrip(".")
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def local_site_url_message(site_url: str | None, strict: bool) -> str:
    """What a build says about a local `site_url`: refused in strict mode, warned otherwise."""
    shown = (site_url or "").strip() or "（未设置）"
    if strict:
        return (f"严格模式：site_url 是本机地址 {shown}，发布后订阅源、站点地图和规范链接都会指向读者自己的电脑，"
                f"未生成网站。修改方法：{SITE_URL_HELP}。只做检查、不发布的试构建请加 --trial")
    return (f"注意！site_url 是本机地址 {shown}：这样生成的网站只能在本机预览，"
            f"发布后订阅源、站点地图和规范链接都会指向读者自己的电脑。发布前请{SITE_URL_HELP}")
