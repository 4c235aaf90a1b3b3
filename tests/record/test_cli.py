"""The two subcommands as a person runs them: `sms-mocks record` in a process of its own
(stopped by a signal), `sms-mocks diff` on what it wrote."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_mocks.cli import main
from sms_mocks.record import cassette as cassettes
from tests.record.upstream import SMSC_LOGIN, SMSC_PASSWORD, Upstream, send

pytestmark = pytest.mark.slow  # an upstream emulator and a recording proxy per test

ROOT = Path(__file__).parents[2]


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sms_mocks", "record", "--port", "0", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _ready(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    """The proxy's URL from its first line."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readable, _, _ = select.select([proc.stdout], [], [], 0.2)
        if readable:
            line = proc.stdout.readline()
            found = re.search(r"proxy at (http://\S+)", line)
            if found:
                return found.group(1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"no ready line: {proc.communicate()}")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:  # only ours, by their own handles
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str, str]:
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err


def test_record_refuses_to_start_without_an_upstream(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record"]) == 2
    assert "--upstream URL is required" in capsys.readouterr().err


@pytest.mark.parametrize("upstream", ["smsc.ru", "ftp://smsc.ru"])
def test_record_refuses_an_upstream_that_is_no_http_url(
        upstream: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record", "--upstream", upstream]) == 2
    assert "http:// or https://" in capsys.readouterr().err


def test_record_warns_plainly_and_records_until_stopped(upstream: Upstream, tmp_path: Path,
                                                        processes: list) -> None:
    path = tmp_path / "real.json"
    proc = _start("--upstream", upstream.url, "--cassette", str(path), "--phone", "79991112233")
    processes.append(proc)
    url = _ready(proc)
    answer = send(url, "GET", f"/sys/send.php?login={SMSC_LOGIN}&psw={SMSC_PASSWORD}"
                              "&phones=79991112233&mes=hi")
    assert answer.body == b"OK - 1 SMS, ID - 1"
    code, out, err = _stop(proc, signal.SIGINT)
    assert code == 0, err
    assert "real messages will be sent to real phones and charged" in err
    assert "#1 GET /sys/send.php → 200" in out and "1 exchange(s) in" in out
    recorded = cassettes.load(path)
    assert not recorded.dry and recorded.upstream == upstream.url
    assert recorded.redaction["phones"].startswith("1 listed")
    text = path.read_text("utf-8")
    assert SMSC_PASSWORD not in text and "79991112233" not in text


def test_a_dry_recording_needs_no_network_and_diffs_clean(tmp_path: Path, processes: list,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    path = tmp_path / "dry.json"
    # (not the built-in demo/demo: a password that is also the login takes the login out too)
    config = tmp_path / "sandbox.toml"
    config.write_text('[[accounts]]\nprovider = "targetsms"\nlogin = "shop"\n'
                      'password = "TargetPw-1"\nbalance = "445.6"\n')
    proc = _start("--dry", "--cassette", str(path), "--config", str(config))
    processes.append(proc)
    url = _ready(proc)
    send(url, "GET", "/sys/send.php?login=alex&psw=123&phones=79999999999&mes=dry&fmt=3")
    send(url, "GET", "/sys/balance.php?login=alex&psw=bad&fmt=1")
    send(url, "POST", "/balance.xml", b"<?xml version='1.0' encoding='UTF-8'?><data>"
                                      b"<login>test</login><password>123456</password></data>",
         {"Content-Type": "text/xml"})
    send(url, "GET", "/sendsms.php?user=shop&pwd=TargetPw-1&balance=1")
    code, _, err = _stop(proc)
    assert code == 0, err
    assert "nothing is sent" in err and "charged" not in err
    recorded = cassettes.load(path)
    assert recorded.dry and len(recorded.exchanges) == 4
    assert main(["diff", str(path), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "recorded from the emulator itself (--dry)" in out and "4 match, 0 differ" in out


def test_a_cassette_is_never_overwritten(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kept.json"
    path.write_text("mine")
    assert main(["record", "--upstream", "http://127.0.0.1:9", "--cassette", str(path)]) == 1
    assert "never overwritten" in capsys.readouterr().err and path.read_text() == "mine"


def test_config_is_for_the_dry_emulator_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record", "--upstream", "https://smsc.ru", "--config", "x.toml"]) == 2
    assert "--dry emulator only" in capsys.readouterr().err
