"""The theme's Jinja environment as the portal sets it up (MkDocs creates it; these
functions adjust it). Imports no MkDocs module, only Jinja."""

from __future__ import annotations

import os

import jinja2


class VisibleTemplatesLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader whose listing leaves out hidden files and folders.

    MkDocs lists every file of the theme to copy its static files, then drops the hidden
    ones (its patterns `.*` and `*/.*`). Material keeps some 14,000 icons under `.icons/`,
    so the walk and the filter cost a twentieth of a warm rebuild for nothing; here they are
    never walked. Loading a template by name (icons included) is unchanged."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                relative = os.path.relpath(folder, searchpath)
                prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
                found.update(prefix + name for name in names if not name.startswith("."))
        return sorted(found)


def list_visible_templates(theme) -> None:
    """Make `theme.get_env()` (called by MkDocs once per build) list only visible files."""
    if getattr(theme, "portal_visible_templates", False):
        return
    make_env = theme.get_env

    def get_env():
        env = make_env()
        if type(env.loader) is jinja2.FileSystemLoader:
            loader = env.loader
            env.loader = VisibleTemplatesLoader(loader.searchpath, loader.encoding, loader.followlinks)
        return env

    theme.get_env = get_env
    theme.portal_visible_templates = True


def reach_material(env, config) -> None:
    """Let templates name Material's own files as `material/…` (the portal's partials
    nav.html and tabs.html wrap Material's partials of the same name)."""
    material = next((d for d in config.theme.dirs if os.path.isfile(os.path.join(d, "partials", "nav-item.html"))
                     and os.path.basename(os.path.dirname(d)) == "material"), None)
    if material is not None and not getattr(env.loader, "portal_reaches_material", False):
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({"material": jinja2.FileSystemLoader(material)})])
        env.loader.portal_reaches_material = True
