"""The processes a benchmark starts: one serve_target.py each, read through its stdout."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
START_TIMEOUT = 60.0  # a status.php emulator stores its prefill before it listens


class Broken(Exception):
    """The benchmark cannot be trusted: a server or an answer misbehaved."""


def read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The process's next stdout line, or "" if none comes within `timeout` seconds."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().strip() if ready else ""


@dataclass
class Server:
    """One serve_target.py process: the baseline, the raw ASGI floor or the emulator."""

    target: str
    uvicorn_loop: bool = False
    prefill: int = 0
    stub_send: bool = False
    proc: subprocess.Popen[str] | None = None
    url: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def expected(self) -> str | None:
        """The constant every answer must be; None: the scenario judges each answer."""
        return None if self.target == "emulator" else "OK"

    def start(self, path: str) -> Server:
        extra = ["--uvicorn-loop"] if self.uvicorn_loop else []
        if self.prefill and self.target == "emulator":
            extra += ["--prefill", str(self.prefill)]
        if self.stub_send and self.target == "emulator":
            extra.append("--stub-send")
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "serve_target.py"), "--target", self.target, *extra],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        line = read_line(self.proc, START_TIMEOUT)
        if not line.startswith("READY "):
            self.stop()
            raise Broken(f"{self.target} server did not start: {line!r}")
        self.url = line.split()[1] + path
        return self

    def stop(self) -> dict[str, Any]:
        """SIGTERM, then the STATS line it prints on the way out."""
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return self.stats
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        for line in out.splitlines():
            if line.startswith("STATS "):
                self.stats = json.loads(line[6:])
        return self.stats
