"""The 考核评比激励 registers of one content tree, read once per build: closed bulletins
(通报存档), assessments (考核) and honours (表彰). Plain data; no MkDocs import."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from ..config import PortalConfig
from .assessment import Assessment, load_assessments
from .bulletins import ClosedBulletin, late_posts, load_bulletins
from .honours import Honour, load_honours
from .problems import Problem


@dataclass
class Incentives:
    """What the registers hold; `warnings` do not stop a build (posts that came too late)."""

    bulletins: list[ClosedBulletin] = field(default_factory=list)  # newest first
    assessments: dict[int, Assessment] = field(default_factory=dict)  # year → assessment, newest first
    honours: list[Honour] = field(default_factory=list)  # newest year first
    warnings: list[Problem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # what they were read from (see `read_files`)


FOLDERS = ("assessments", "bulletins")  # content/<folder>/<name>.yml
FILES = ("honours.yml",)


def read_files(content_dir: str) -> dict[str, bytes]:
    """The register files of these registers (path under the content folder → bytes)."""
    found = {}
    names = list(FILES)
    for folder in FOLDERS:
        path = os.path.join(content_dir, folder)
        if os.path.isdir(path):
            names += [f"{folder}/{n}" for n in sorted(os.listdir(path)) if n.endswith(".yml") and not n.startswith(".")]
    for name in names:
        path = os.path.join(content_dir, name)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                found[name] = handle.read()
    return found


def load_incentives(content_dir: str, portal, config: PortalConfig, now: datetime) -> Incentives:
    """Read the register files of the content folder; their problems join those of `portal`
    (core.content.Portal), and posts dated into closed bulletins become warnings."""
    files = read_files(content_dir)
    bulletins, problems = load_bulletins(files)
    assessments, more = load_assessments(files, portal.orgs)
    problems += more
    honours, more = load_honours(files, portal.orgs)
    problems += more
    portal.problems.extend(problems)
    return Incentives(bulletins, assessments, honours, late_posts(bulletins, portal.posts), files)
