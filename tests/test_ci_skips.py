"""Under CI no test may skip: the conftest hook turns a skip (a browser test without Chromium)
into a failure when CI is set, and leaves skips alone on a developer's machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SKIPPING_TEST = '''
import pytest

def test_needs_a_browser():
    pytest.skip("Chromium is not installed at /usr/bin/chromium")

def test_plain():
    assert True
'''


@pytest.mark.parametrize("ci, code, words", [("true", 1, "skipped under CI"), ("", 0, "1 skipped"),
                                             ("false", 0, "1 skipped")])
def test_a_skip_fails_only_under_ci(tmp_path: Path, ci: str, code: int, words: str):
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_browser.py").write_text(SKIPPING_TEST, encoding="utf-8")
    env = {**os.environ, "CI": ci}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == code, done.stdout + done.stderr
    assert words in done.stdout
    if code:
        assert "1 failed, 1 passed" in done.stdout and "Chromium is not installed" in done.stdout
