"""bench/ keeps working: its memory probe runs a small batch and accounts for every message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_memory_probe_stores_every_message() -> None:
    result = subprocess.run([sys.executable, "bench/memory.py", "--messages", "500"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("MEMORY "))
    report = json.loads(line.removeprefix("MEMORY "))
    assert (report["stored"], report["bad_answers"], report["internal_errors"]) == (500, 0, 0)
    assert report["settled_per_message"] > 0
