"""A test that needs a program this machine lacks (chromium here, as on macOS or a snap-based
Ubuntu) is skipped with the reason; in CI, where every program is installed, it fails
(issue 20). Shown on the real browser tests, with chromium made missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import tools

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TESTS = "tests/ui/test_browser.py"


def _run_browser_tests(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("PYTEST_")}
    env["SMS_MOCKS_CHROMIUM"] = "/nonexistent/chromium"
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-n0", "-p", "no:randomly",
                           "-p", "no:cacheprovider", "-rs", BROWSER_TESTS],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_browser_tests_skip_without_chromium_outside_ci() -> None:
    done = _run_browser_tests(ci=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " skipped" in done.stdout and " error" not in done.stdout, done.stdout
    assert "chromium is not installed (set SMS_MOCKS_CHROMIUM to its path)" in done.stdout


@pytest.mark.slow
def test_the_browser_tests_fail_without_chromium_in_ci() -> None:
    done = _run_browser_tests(ci=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "CI is set, so this is a failure, not a skip" in done.stdout
    assert " skipped" not in done.stdout


def test_need_finds_a_program_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMS_MOCKS_CHROMIUM", raising=False)
    monkeypatch.setattr(tools.shutil, "which",
                        lambda name: "/opt/bin/chromium-browser" if name == "chromium-browser"
                        else None)
    assert tools.need("chromium") == "/opt/bin/chromium-browser"


def test_need_skips_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tools.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="php is not installed"):
        tools.need("php")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="php is not installed"):
        tools.need("php")
