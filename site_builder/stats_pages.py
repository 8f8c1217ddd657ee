"""Feature module (work in progress in this session)."""

from __future__ import annotations


def pages(build) -> list:
    return []


def write(build, site_dir: str) -> None:
    return None
