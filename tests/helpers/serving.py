"""`sms-mocks serve` as a user runs it: a real process, its ready line, killed if still up."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m sms_mocks serve ARGS` in a process; yields it and its first stdout line."""
    process = subprocess.Popen([sys.executable, "-m", "sms_mocks", "serve", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline()
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)
