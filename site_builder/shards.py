"""One part of a sharded build (`portal build --shard K/N`): what it writes, and its manifest.

The split itself is plain data (`core/shards.py`): a system's files go to the part the system
is given, everything else to part 1. Every part reads the whole tree and renders every post
(listings need every post's summary and picture); it draws and writes only its own pages and
search shards (`Part.owns`), and before its folder is published the files of other parts that
MkDocs and the feeds writer made anyway are removed (`finish_part`). The manifest
(`.portal-part.json`, read and left out by `portal merge`) says which tree the part was
built from, so that `merge` refuses parts that do not belong together:

- `settings`: mkdocs.yml, the portal's code, the theme, the library versions;
- `epoch`: SOURCE_DATE_EPOCH; `plan`: the part of every system;
- `shared`: every content file outside the system folders (orgs.yml, registers, pages), and
  what other parts read of the system folders: every post's front matter and fields, its
  summary, picture and anchors, the size of every other file;
- `systems`: the digest of every system folder's files.

A part other than part 1 depends only on `shared` and on its own systems' folders; part 1
depends on everything. So parts fit together when they agree on `settings`, `epoch`, `plan`
and `shared`, and each system's owner saw the same system folder as part 1: after an edit in
one system, that system's part and part 1 are rebuilt, the other parts are kept.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass

from .cache import digest, stable_repr
from .core.shards import owner, plan_parts
from .core.sourcefile import split_front_matter

MANIFEST = ".portal-part.json"  # a dot file: never a page of the site, and merge leaves it out
FORMAT = "portal-part-1"


@dataclass(frozen=True)
class Part:
    """Part `number` of `parts`, and the part of every system."""

    number: int
    parts: int
    plan: dict

    def owns(self, path: str) -> bool:
        """Whether this part writes the site file or page URL `path` (relative to the site)."""
        return owner(path, self.plan) == self.number

    def systems(self) -> list[str]:
        """The systems whose files this part writes."""
        return sorted(s for s, part in self.plan.items() if part == self.number)


def plan_part(build, number: int, parts: int) -> Part:
    """Part `number` of `parts` of this build: systems split by their loaded posts (the same
    in every job of the same tree)."""
    counts = dict.fromkeys(build.portal.orgs.systems, 0)
    for post in build.portal.posts:
        counts[post.system] = counts.get(post.system, 0) + 1
    return Part(number, parts, plan_parts(counts, parts))


def owned(part: Part | None, items: list, url=lambda item: item.url) -> list:
    """The items (pages, URLs) whose files `part` writes; all of them without a part."""
    return items if part is None else [item for item in items if part.owns(url(item))]


def finish_part(site_dir: str, build, config) -> dict:
    """Remove from a part's folder the files other parts write, remove the folders left empty,
    and write the part's manifest; returns the manifest."""
    part: Part = build.part
    files = []
    for current, _dirs, names in os.walk(site_dir, topdown=False):
        rel_dir = os.path.relpath(current, site_dir).replace(os.sep, "/")
        for name in names:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if part.owns(rel):
                files.append(rel)
            else:
                os.unlink(os.path.join(current, name))
        if rel_dir != "." and not os.listdir(current):
            os.rmdir(current)
    manifest = {"format": FORMAT, "part": part.number, "parts": part.parts, "plan": part.plan,
                "epoch": os.environ.get("SOURCE_DATE_EPOCH"), "settings": settings_digest(build, config),
                **content_digests(build), "files": sorted(files)}
    with open(os.path.join(site_dir, MANIFEST), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=1, sort_keys=True)
    return manifest


def settings_digest(build, config) -> str:
    """mkdocs.yml, the portal's code, the theme folders and the library versions."""
    from .keys import code_digest, file_bytes, package_versions, theme_digest

    config_bytes = file_bytes(config.config_file_path) if config.config_file_path else b""
    return digest(package_versions("site-builder", "mkdocs", "mkdocs-material", "pagefind"), config_bytes,
                  theme_digest(list(config.theme.dirs)), code_digest("site_builder"), stable_repr(build.config))


def content_digests(build) -> dict:
    """`shared` and `systems`: see the module's docstring."""
    systems = build.portal.orgs.systems
    shared: list = []
    folders: dict[str, list] = {s: [] for s in systems}
    root = build.content_dir
    for current, dirs, names in os.walk(root):
        dirs.sort()
        rel_dir = os.path.relpath(current, root).replace(os.sep, "/")
        for name in sorted(names):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            with open(os.path.join(current, name), "rb") as handle:
                data = handle.read()
            top = rel.split("/", 1)[0]
            if "/" not in rel or top not in folders:
                shared.append((rel, digest(data)))
                continue
            folders[top].append((rel, digest(data)))
            shared.append((rel, _seen_elsewhere(rel, data)))
    for post in build.portal.posts:  # what other parts' pages show of a post, as the build read it
        rendered = build.rendered.get(post.source)
        fields = dataclasses.replace(post, body="", body_line=0, digest="")
        seen = (rendered.summary, rendered.image, sorted(rendered.anchors)) if rendered else None
        shared.append((post.source, stable_repr(fields), stable_repr(seen)))
    return {"shared": digest(stable_repr(shared)),
            "systems": {s: digest(stable_repr(entries)) for s, entries in folders.items()}}


def _seen_elsewhere(rel: str, data: bytes) -> str:
    """What pages outside a system read of one of its files: a post's front matter (titles,
    dates, tags in listings), any other file's size (links to it are checked against it)."""
    if not rel.endswith(".md"):
        return f"size {len(data)}"
    return digest(split_front_matter(data.decode("utf-8", "replace")).front or "")
