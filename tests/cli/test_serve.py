"""`sms-mocks serve` as a user runs it: a real process, a ready line, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen([sys.executable, "-m", "sms_mocks", "serve", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline()
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_its_url_answers_and_stops_cleanly(sig: signal.Signals) -> None:
    port = free_port()
    with serving("--port", str(port), "--clock", "virtual") as (process, line):
        url = f"http://127.0.0.1:{port}"
        assert url in line
        assert httpx.get(f"{url}/_mock/health").json()["status"] == "ok"
        assert httpx.get(f"{url}/sys/balance.php?login=alex&psw=123").text == "1000.00"
        process.send_signal(sig)
        assert process.wait(timeout=10) == 0


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "sms-mocks"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                            timeout=30)
    assert result.stdout.strip() == "sms-mocks 0.1.0"


def test_config_file_accounts_and_clock(tmp_path: Path) -> None:
    config = tmp_path / "mocks.toml"
    config.write_text(
        '[clock]\nmode = "virtual"\nstart = "2030-01-01T12:00:00+03:00"\n\n'
        '[limits]\nsmsc.balance_requests = { max = 1 }\n\n'
        '[[accounts]]\nprovider = "smsc"\nlogin = "shop"\npassword = "pw"\n'
        'balance = "12.34"\n', encoding="utf-8")
    port = free_port()
    with serving("--port", str(port), "--config", str(config)) as (_, line):
        assert "clock: virtual" in line
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/sys/balance.php?login=shop&psw=pw").text == "12.34"
        assert httpx.get(f"{base}/sys/balance.php?login=shop&psw=pw&fmt=1").text == "0,-9"
        assert httpx.get(f"{base}/_mock/clock").json()["now"] == "2030-01-01T09:00:00Z"


def test_a_bad_config_is_reported_not_raised(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[limits]\nsmsc.nonsense = false\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sms_mocks", "serve", "--config", str(config)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_port_is_reported_not_raised() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "sms_mocks", "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=30,
                                env={**os.environ})
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
