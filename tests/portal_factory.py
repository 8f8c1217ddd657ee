"""Small content trees written on the fly, and real builds of them, for tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import textwrap
import threading
from pathlib import Path

# 2026-11-25 12:00 UTC: every fixture date is before it.
FIXED_EPOCH = "1795608000"

ORGS_YML = """\
systems:
  - id: tax
    name: 税务系统
    kind: vertical
    units:
      - id: prov
        name: 省税务局
        level: province
        reviewers: ["@tax-prov"]
      - id: np
        name: 南平市税务局
        level: city
        parent: prov
        reviewers: ["@tax-np"]
      - id: np-jo
        name: 建瓯市税务局
        level: county
        parent: np
        reviewers: ["@tax-np-jo"]
      - id: np-wys
        name: 武夷山市税务局
        level: county
        parent: np
      - id: sm
        name: 三明市税务局
        level: city
        parent: prov
      - id: sm-yx
        name: 永安市税务局
        level: county
        parent: sm
  - id: radio
    name: 广播电视系统
    kind: local
    units:
      - id: prov
        name: 省广播电视局
        level: province
      - id: np
        name: 南平市文旅局
        level: city
        parent: prov
      - id: np-jo
        name: 建瓯市融媒体中心
        level: county
        parent: np
"""


def post_text(title: str, date: str, type_: str = "news", body: str = "正文第一段。", **extra) -> str:
    """Front matter plus body, as a staff member would write it."""
    lines = ["---", f"title: {title}", f"date: {date}", f"type: {type_}"]
    for key, value in extra.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + textwrap.dedent(body).strip() + "\n"


class PortalTree:
    """A content folder under a temporary directory."""

    def __init__(self, root: Path, orgs: str = ORGS_YML):
        self.root = root
        self.content = root / "content"
        self.content.mkdir(parents=True, exist_ok=True)
        self.write("orgs.yml", orgs)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def post(self, rel: str, title: str, date: str, type_: str = "news", body: str = "正文第一段。", **extra) -> Path:
        return self.write(rel, post_text(title, date, type_, body, **extra))


def build(tree: PortalTree, site: Path | None = None, strict: bool = False, config: str | None = None,
          cache_dir: Path | None = None, epoch: str = FIXED_EPOCH, trial: bool = True) -> tuple[bool, Path]:
    """Run a real `portal build` of the tree (in-process) at the reference time `epoch`
    (SOURCE_DATE_EPOCH) and return (ok, site folder).

    A trial build by default (`portal build --trial`: not published, so the local site_url
    of the default configuration is allowed); `trial=False` builds as a publication would."""
    from site_builder.sitebuild import build_site

    os.environ["SOURCE_DATE_EPOCH"] = epoch
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site = site or tree.root / "site"
    cache_dir = cache_dir or tree.root / ".cache"  # never the repository's own cache
    ok = build_site(str(tree.content), str(site), strict=strict, path=config, cache_dir=str(cache_dir), trial=trial)
    return ok, site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path):
    """A built site served on 127.0.0.1 (a free port) for a browser; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
