"""`sms-mocks serve` as a user runs it: a real process, a ready line, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers.ports import free_port
from tests.helpers.serving import serving


@pytest.mark.slow
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


@pytest.mark.slow
def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "sms-mocks"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                            timeout=30)
    assert result.stdout.strip() == "sms-mocks 0.2.0"


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_bad_config_is_reported_not_raised(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[limits]\nsmsc.nonsense = false\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sms_mocks", "serve", "--config", str(config)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
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


@pytest.mark.parametrize("speed", ["nan", "inf", "1e9", "-1"])
def test_a_clock_speed_that_is_not_finite_or_over_the_cap_is_refused(
        speed: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sms_mocks.cli import serve_parser

    with pytest.raises(SystemExit) as exit_:
        serve_parser().parse_args(["--clock-speed", speed])
    assert exit_.value.code == 2
    assert "--clock-speed: must be a finite number ≥ 0 and ≤ 10000" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("toml", ["accounts = [1]\n", "[delivery]\nqueue_seconds = nan\n",
                                  "[clock]\nspeed = nan\n"])
def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path, toml: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sms_mocks", "serve", "--port", "0",
                             "--config", str(config)],
                            capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("sms-mocks: configuration error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert toml.split(" ", 1)[0].split("\n")[-1] in result.stderr


@pytest.mark.slow
def test_a_real_clock_that_never_moves_is_refused() -> None:
    result = subprocess.run([sys.executable, "-m", "sms_mocks", "serve", "--port", "0",
                             "--clock-speed", "0"], capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert "a real clock's speed ([clock] speed, --clock-speed) must be > 0" in result.stderr
