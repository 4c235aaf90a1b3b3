"""Start-up: the time from spawning `sms-mocks serve` to its first good answer of
/sys/balance.php (the built-in SMSC account), polled as fast as a client would retry."""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from servers import ROOT, Broken

TIMEOUT = 30.0
POLL = 0.002  # seconds between attempts while nothing listens yet
QUERY = "/sys/balance.php?login=alex&psw=123&fmt=3"  # config.DEFAULT_ACCOUNTS


def command(port: int) -> list[str]:
    """The console script next to this Python (as a user runs it), else `python -m sms_mocks`."""
    script = Path(sys.executable).with_name("sms-mocks")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "sms_mocks"]
    return [*head, "serve", "--host", "127.0.0.1", "--port", str(port)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def once() -> float:
    """Seconds from spawning the server to a balance answer, which is read and checked."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{QUERY}"
    started = time.perf_counter()
    proc = subprocess.Popen(command(port), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    body = answer.read()
                elapsed = time.perf_counter() - started
                if "balance" not in json.loads(body):
                    raise Broken(f"start-up: the first answer was {body!r}")
                return elapsed
            except (ConnectionError, urllib.error.URLError):
                if proc.poll() is not None:
                    raise Broken(f"start-up: sms-mocks exited with {proc.returncode}: "
                                 f"{proc.stderr.read() if proc.stderr else ''}") from None
                if time.perf_counter() - started > TIMEOUT:
                    raise Broken(f"start-up: no answer within {TIMEOUT:g} s") from None
                time.sleep(POLL)
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)  # also closes the stderr pipe
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def run(runs: int) -> dict[str, object]:
    times = [once() for _ in range(runs)]
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "runs": runs, "command": " ".join(Path(c).name for c in command(0)[:-5])}
