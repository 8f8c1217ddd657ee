"""Where every cache key's shared part is made: what, besides an entry's own inputs, decides it.

Each cache names its entries by a digest of its *settings* (made here) and of the entry's own
inputs (a post's bytes, a page's parts; made beside the cache, from the values the output is
drawn from). The settings come from what the code reads, not from lists kept by hand:

- code: the source of the modules that produce the output **and every portal module they
  import** (`code_files` follows the imports, so `core/posts.py` reading `config.LEVEL_ORDER`
  puts `config.py` in the parsed-post key);
- templates: every theme folder, wherever it is installed, except those of the installed
  MkDocs and Material packages, which their versions stand for;
- libraries: the versions of the packages that produce the output;
- data every entry shares: orgs.yml, the configuration, mkdocs.yml.

The render cache records more: which link targets a post's render looked up (cache.py).
"""

from __future__ import annotations

import ast
import os
import sys
from functools import lru_cache

from .cache import digest, file_bytes, package_versions, stable_repr

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "site_builder"


def module_file(name: str, root: str) -> str | None:
    """The source file of portal module `name` (`site_builder.core.posts`) below `root`."""
    parts = name.split(".")[1:]
    base = os.path.join(root, *parts)
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _module_name(path: str, root: str) -> str:
    relative = os.path.relpath(path, root)[: -len(".py")].replace(os.sep, ".")
    name = PACKAGE + ("" if relative == "__init__" else "." + relative)
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def imported_modules(path: str, root: str) -> set[str]:
    """Portal modules a source file imports (relative or absolute), with the packages on the way."""
    name = _module_name(path, root)
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    try:
        tree = ast.parse(file_bytes(path))
    except SyntaxError:
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                pieces = target.split(".")
                found.update(".".join(pieces[:i]) for i in range(1, len(pieces) + 1))
    return found


def code_files(modules: tuple[str, ...], root: str | None = None) -> list[str]:
    """Source files of `modules` (a package stands for all its modules) and of every portal
    module they import, directly or not."""
    root = root or PACKAGE_DIR
    todo, seen, files = list(modules), set(), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name, root)
        if path is None:
            continue
        files.add(path)
        if path.endswith("__init__.py") and name in modules:  # a package named whole: all its modules
            todo.extend(_package_modules(os.path.dirname(path), root))
        todo.extend(imported_modules(path, root))
    return sorted(files)


def _package_modules(folder: str, root: str) -> list[str]:
    found = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [_module_name(os.path.join(current, n), root) for n in sorted(names) if n.endswith(".py")]
    return found


@lru_cache(maxsize=32)
def _code_digest(modules: tuple[str, ...], root: str) -> str:
    return digest(*(part for path in code_files(modules, root)
                    for part in (os.path.relpath(path, root), file_bytes(path))))


def code_digest(*modules: str) -> str:
    """Digest of the source of `modules` and of the portal modules they import (see `code_files`)."""
    return _code_digest(tuple(sorted(modules)), PACKAGE_DIR)


def tree_digest(folders: list[str]) -> str:
    """Digest of every file (path and bytes) below `folders`; `__pycache__` left out."""
    parts = []
    for folder in folders:
        for current, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                path = os.path.join(current, name)
                parts += [os.path.relpath(path, folder), digest(file_bytes(path))]
    return digest(*parts)


def _installed_theme_roots() -> list[str]:
    """Folders of the packages whose versions stand for their templates (MkDocs, Material)."""
    roots = []
    for name in ("mkdocs", "material"):
        file = getattr(sys.modules.get(name), "__file__", None)
        if file:
            roots.append(os.path.dirname(os.path.abspath(file)) + os.sep)
    return roots


def theme_digest(theme_dirs: list[str]) -> str:
    """Digest of every theme folder's files, except folders of MkDocs and Material themselves
    (their versions are in the key; Material's folder holds 14,000 icons). The portal's own
    theme counts wherever it is installed, `site-packages` included."""
    covered = _installed_theme_roots()
    return tree_digest([d for d in theme_dirs if not any(os.path.abspath(d).startswith(r) for r in covered)])


# ---------------------------------------------------------------- the settings of each cache


def parse_settings(build) -> str:
    """What besides a post's own file decides the parsed post: the checking code (the core and
    what it imports, e.g. config.py), the YAML library, time-zone data and Python, orgs.yml and
    the configuration. Part of every key that stands for a post by its `identity()`."""
    from .core.urls import reserved_ids

    orgs_bytes = file_bytes(os.path.join(build.content_dir, "orgs.yml"))
    settings = (package_versions("site-builder", "pyyaml", "tzdata"), sys.version, code_digest("site_builder.core"),
                digest(orgs_bytes), repr(build.config), stable_repr(reserved_ids(build.config.columns)))
    return digest(stable_repr(settings))


def render_settings(build) -> str:
    """What besides a post's text decides its rendered body: the renderer's code and libraries,
    the Markdown extensions and their options, the attachment rules."""
    markdown = build.markdown
    return stable_repr((package_versions("site-builder", "markdown", "pymdown-extensions", "nh3"),
                        code_digest("site_builder.core.render"),
                        stable_repr(markdown.extensions), stable_repr(sorted(markdown.configs.items())),
                        markdown.source, build.config.attachment_types, build.config.max_attachment_bytes))


def page_settings(config, nav) -> str:
    """What every page's HTML depends on besides its own parts: versions, mkdocs.yml, every
    theme folder (see `theme_digest`), the site URL, theme options, extra and the navigation."""
    from .page_writer import nav_outline

    config_bytes = file_bytes(config.config_file_path) if config.config_file_path else b""
    return digest(package_versions("site-builder", "mkdocs", "mkdocs-material", "jinja2"), config_bytes,
                  theme_digest(list(config.theme.dirs)), config.site_url or "", stable_repr(dict(config.theme)),
                  stable_repr(config.extra), config.use_directory_urls, nav_outline(nav.items),
                  code_digest("site_builder.page_writer", "site_builder.plugin"))


def page_inputs_settings(build) -> str:
    """What every post page's and plain listing's inputs share (the page cache keys such pages
    by their inputs, without drawing them): the portal's code and `parse_settings`."""
    return digest(code_digest("site_builder"), build.parse_settings())


def feed_settings(build, modules: tuple[str, ...]) -> str:
    """What every feed depends on besides its posts: the feed code and its libraries, and what
    decides a parsed post (posts stand in a feed's key by their identity)."""
    return digest(package_versions("site-builder", "feedgen", "lxml"), code_digest(*modules), build.parse_settings())


def search_settings(build, cache_format: str, pagefind: str) -> str:
    """What every search shard depends on besides its records: the record and index-file code,
    the Pagefind version, and what decides a parsed post."""
    return digest(cache_format, pagefind, build.parse_settings(), code_digest("site_builder.search"))
