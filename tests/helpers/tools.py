"""Outside programs a test needs (chromium, php, docker...): found, or the test is skipped
with the reason; in CI (CI set in the environment) a missing one fails the test instead, since
CI installs them all."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

import pytest

# Where each program may be, in order: an environment variable's path first, then names on
# PATH (Debian's chromium, Ubuntu's and macOS's other names).
CANDIDATES: dict[str, tuple[str, ...]] = {
    "chromium": ("chromium", "chromium-browser", "google-chrome", "chrome"),
}
OVERRIDES = {"chromium": "SMS_MOCKS_CHROMIUM"}


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing(reason: str) -> None:
    """Skip the test with `reason`, or fail it in CI."""
    __tracebackhide__ = True
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def find(tool: str) -> str | None:
    """The program's path, or None: the override variable's (when it names a program that
    is there), else the first of its names on PATH."""
    variable = OVERRIDES.get(tool)
    given = os.environ.get(variable) if variable else None
    if given:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    for name in CANDIDATES.get(tool, (tool,)):
        found = shutil.which(name)
        if found is not None:
            return found
    return None


@cache
def _extensions(php: str) -> frozenset[str]:
    done = subprocess.run([php, "-m"], capture_output=True, text=True, timeout=30)
    return frozenset(done.stdout.split())


def need(tool: str, *, extension: str | None = None) -> str:
    """The path of `tool` (with the PHP `extension`, when asked), else skip or, in CI, fail."""
    __tracebackhide__ = True
    path = find(tool)
    variable = OVERRIDES.get(tool)
    if path is None:
        where = f" (set {variable} to its path)" if variable else ""
        missing(f"{tool} is not installed{where}")
        raise AssertionError("unreachable")  # skip and fail raise
    if extension is not None and extension not in _extensions(path):
        missing(f"{tool} has no {extension} extension")
    return path
