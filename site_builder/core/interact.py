"""The registers of the 网络互动平台 read before the posts: the working-day calendar
(`calendar.yml`), the topics (`topics/<id>/index.md`) and who reviews questions asked on line
(`ask.yml`).

They enter the portal's settings (`PortalConfig.calendar`, `PortalConfig.topics`), so every
cache key made from the settings covers them, and every page and count reads them from there.
"""

from __future__ import annotations

import dataclasses
import os

from ..config import PortalConfig
from .calendar import CALENDAR_FILE, load_calendar
from .intake import ASK_FILE, AskSettings, load_ask
from .orgs import load_orgs
from .problems import Problem
from .sourcefile import decode
from .topics import TOPICS_FOLDER, load_topic, topic_id


def is_register_source(source: str) -> bool:
    """Files of the content tree this module reads (kept out of the ordinary pages)."""
    return source in (CALENDAR_FILE, ASK_FILE) or topic_id(source) is not None


def with_registers(content_dir: str, config: PortalConfig) -> tuple[PortalConfig, list[Problem]]:
    """`config` with the calendar and the topics of the content tree, and the problems of their files."""
    problems: list[Problem] = []
    calendar = config.calendar
    data = _read_bytes(content_dir, CALENDAR_FILE)
    if data is not None:
        text, problem = decode(data, CALENDAR_FILE)
        if problem or text is None:
            problems += [problem] if problem else []
        else:
            calendar, found = load_calendar(text)
            problems.extend(found)
    topics = []
    assets = topic_files(content_dir)
    for source in sorted(s for s in assets if topic_id(s)):
        topic, found = load_topic(source, _read_bytes(content_dir, source) or b"", set(assets))
        problems += found
        if topic is not None:
            topics.append(topic)
    ask, found = read_ask(content_dir)
    problems += found
    return dataclasses.replace(config, calendar=calendar, topics=tuple(topics), ask=ask), problems


def read_ask(content_dir: str) -> tuple[AskSettings, list[Problem]]:
    """`ask.yml`, its contacts checked against the system ids of orgs.yml."""
    data = _read_bytes(content_dir, ASK_FILE)
    if data is None:
        return AskSettings(), []
    text, problem = decode(data, ASK_FILE)
    if problem or text is None:
        return AskSettings(), [problem] if problem else []
    orgs_text, _ = decode(_read_bytes(content_dir, "orgs.yml") or b"", "orgs.yml")
    systems = load_orgs(orgs_text or "")[0].systems
    return load_ask(text, systems)


def topic_files(content_dir: str) -> dict[str, int]:
    """Every regular file below `topics/` (content-relative path → size); links and hidden files left out."""
    found: dict[str, int] = {}
    root = os.path.join(content_dir, TOPICS_FOLDER)
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # os.walk does not descend into linked folders
        rel = os.path.relpath(folder, content_dir).replace(os.sep, "/")
        for name in sorted(names):
            path = os.path.join(folder, name)
            if not name.startswith(".") and os.path.isfile(path) and not os.path.islink(path):
                found[f"{rel}/{name}"] = os.path.getsize(path)
    return found


def _read_bytes(content_dir: str, rel: str) -> bytes | None:
    path = os.path.join(content_dir, rel)
    if not os.path.isfile(path) or os.path.islink(path):
        return None
    with open(path, "rb") as handle:
        return handle.read()
