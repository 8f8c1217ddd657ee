"""The registers of the 网络互动平台 read before the posts: the working-day calendar
(`calendar.yml`) and the topics (`topics/<id>/index.md`).

They enter the portal's settings (`PortalConfig.calendar`, `PortalConfig.topics`), so every
cache key made from the settings covers them, and every page and count reads them from there.
"""

from __future__ import annotations

import dataclasses
import os

from ..config import PortalConfig
from .calendar import CALENDAR_FILE, load_calendar
from .problems import Problem
from .sourcefile import decode


def is_register_source(source: str) -> bool:
    """Files of the content tree this module reads (kept out of the ordinary pages)."""
    return source == CALENDAR_FILE


def with_registers(content_dir: str, config: PortalConfig, read=None) -> tuple[PortalConfig, list[Problem]]:
    """`config` with the calendar of the content tree, and the problems of that file."""
    read = read or (lambda rel: _read_bytes(content_dir, rel))
    problems: list[Problem] = []
    calendar = config.calendar
    data = read(CALENDAR_FILE)
    if data is not None:
        text, problem = decode(data, CALENDAR_FILE)
        if problem:
            problems.append(problem)
        else:
            calendar, found = load_calendar(text, CALENDAR_FILE)
            problems += found
    return dataclasses.replace(config, calendar=calendar), problems


def _read_bytes(content_dir: str, rel: str) -> bytes | None:
    path = os.path.join(content_dir, rel)
    if not os.path.isfile(path) or os.path.islink(path):
        return None
    with open(path, "rb") as handle:
        return handle.read()
