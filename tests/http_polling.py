"""Reading a local preview server from tests: a free port to serve on, and a page fetched again
and again until it shows a text (a rebuild after a save takes a moment)."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_until(url: str, until: str, limit: float = 120) -> str:
    """The page at `url` once it holds `until`; fails the test after `limit` seconds."""
    deadline, last = time.monotonic() + limit, ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
            if until in last:
                return last
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {until!r}")
