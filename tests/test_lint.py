"""The repository checks itself: ruff and mypy, configured in pyproject.toml, report nothing.

Both run from the environment running the tests (`pip install -e '.[test]'` installs them), so
the README's one test command covers them; a finding fails the test with the tool's own report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def tool(name: str) -> str:
    """The tool's executable beside this Python (the venv's bin/ or Scripts/ folder)."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    pytest.fail(f"{name} is not installed beside {sys.executable}: run pip install -e '.[test]'")


def run(*command: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, NO_COLOR="1", MYPY_FORCE_COLOR="0")
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=environment)


def test_ruff_reports_nothing():
    result = run(tool("ruff"), "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_reports_nothing():
    # Files and options come from [tool.mypy] in pyproject.toml.
    result = run(tool("mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_and_mypy_catch_a_planted_finding(tmp_path):
    """The configuration checks something: an unused import and a wrong type are reported."""
    planted = tmp_path / "planted.py"
    planted.write_text('import os\n\ncount: int = "three"\n', encoding="utf-8")
    config = str(REPO / "pyproject.toml")
    ruff = run(tool("ruff"), "check", "--no-cache", "--config", config, str(planted))
    assert ruff.returncode == 1 and "F401" in ruff.stdout, ruff.stdout + ruff.stderr
    mypy = run(tool("mypy"), "--config-file", config, "--cache-dir", str(tmp_path / "cache"), str(planted))
    assert mypy.returncode == 1 and "[assignment]" in mypy.stdout, mypy.stdout + mypy.stderr
