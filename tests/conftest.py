import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def running_in_ci() -> bool:
    """CI=true (GitHub Actions sets it; .ci/run exports it): everything the tests need is installed."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skipped test fails: CI installs Chromium, pre-commit and Pagefind (.ci/run), so a
    browser test that skips there would let a broken page through unseen."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and running_in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI ({reason}); CI must run every test: install what it needs"
