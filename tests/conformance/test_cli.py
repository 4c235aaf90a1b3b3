"""`sms-mocks conformance` as a user runs it: against a running `sms-mocks serve`, and against
targets that do not conform."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sms_mocks.conformance.scenario import all_scenarios
from sms_mocks.testing.sandbox import ControlClient
from tests.addresses import non_loopback_ipv4
from tests.helpers.ports import free_port
from tests.helpers.serving import serving

pytestmark = pytest.mark.slow  # `sms-mocks conformance` and `serve` in processes

ROW = re.compile(r"  (PASS|FAIL|SKIP)  ")
SMS_MOCKS = str(Path(sys.executable).parent / "sms-mocks")


def conformance(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SMS_MOCKS, "conformance", *args], capture_output=True, text=True,
                          timeout=300)


def _state(control: ControlClient) -> tuple[float, list[dict[str, Any]], int]:
    """What a run must leave as it found it: the clock's lead over wall time, the accounts,
    and how many messages there are."""
    lead = control.call("GET", "/_mock/clock")["timestamp"] - time.time()
    return lead, control.call("GET", "/_mock/accounts")["accounts"], len(control.messages())


def test_a_shared_sandbox_is_left_as_it_was_found() -> None:
    """Issue 20: run against a sandbox (a real clock), conformance moved its clock by hours
    and left its accounts behind. Now the scenarios that move the clock are skipped, and
    every account a scenario makes is removed after it, with its messages."""
    port = free_port()
    with serving("--port", str(port), "--log-format", "off") as (_, ready):  # a real clock
        url = f"http://127.0.0.1:{port}"
        assert url in ready
        control = ControlClient(url)
        lead, accounts, messages = _state(control)
        done = conformance("--target", url)
        lead_after, accounts_after, messages_after = _state(control)
        control.close()
    assert done.returncode == 0, done.stdout + done.stderr
    assert abs(lead_after - lead) < 1.0  # the clock kept time, not moved
    assert (accounts_after, messages_after) == (accounts, messages)
    rows = [line.split(None, 2) for line in done.stdout.splitlines() if ROW.match(line)]
    skipped = [row for row in rows if row[0] == "SKIP"]
    assert skipped and {row[0] for row in rows} == {"PASS", "SKIP"}
    assert all(row[2].startswith("needs --allow-clock: it moves the clock, which runs real")
               for row in skipped), skipped


def test_allow_clock_runs_every_scenario_on_a_running_serve() -> None:
    port = free_port()
    with serving("--port", str(port)) as (_, line):  # the default: a real clock
        url = f"http://127.0.0.1:{port}"
        assert url in line
        control = ControlClient(url)
        _, accounts, _ = _state(control)
        done = conformance("--target", url, "--allow-clock")
        _, accounts_after, _ = _state(control)
        control.close()
    assert accounts_after == accounts  # its accounts removed all the same
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"conformance: {len(all_scenarios())} scenarios against {url} " \
                       "(the emulator)"
    for provider in ("smsc", "smspager", "targetsms"):
        count = len(all_scenarios((provider,)))
        assert f"{provider} at {url}: {count} passed, 0 failed, 0 skipped" in lines
    rows = [line.split()[:2] for line in lines if ROW.match(line)]
    assert rows == [["PASS", s.name] for s in all_scenarios()]
    # where the live service and its document differ, the table says which one was followed
    assert "      follows the live server's English error texts (002 lists Russian ones)" \
        in "\n".join(lines)


class _Pretender(BaseHTTPRequestHandler):
    """Claims to be the emulator (its health route answers) and answers OK to anything else."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"status": "ok", "internal_errors": 0}' if self.path == "/_mock/health" \
            else b"{}" if self.path.startswith("/_mock/") else b"OK"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def pretender(handler: type[BaseHTTPRequestHandler] = _Pretender) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_every_scenario_fails_against_a_target_that_answers_wrongly() -> None:
    with pretender() as url:
        done = conformance("--target", url)
    assert done.returncode == 1, done.stdout
    rows = [line.split()[:2] for line in done.stdout.splitlines() if ROW.match(line)]
    assert rows == [["FAIL", s.name] for s in all_scenarios()]
    names = [s.name for s in all_scenarios(("targetsms",))]
    assert f"targetsms at {url}: 0 passed, {len(names)} failed, 0 skipped" in done.stdout


class _Stranger(_Pretender):
    """A web server that is no emulator: everything is 404, /_mock/health included."""

    def _answer(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer


def test_a_real_target_without_credentials_proves_nothing_and_says_so() -> None:
    with pretender(_Stranger) as url:
        done = conformance("--target", url, "--provider", "smspager")
    assert done.returncode == 1
    assert "SKIP  check_counts_without_sending  no smspager credentials given" in done.stdout


def test_login_needs_a_password() -> None:
    done = conformance("--target", "http://127.0.0.1:9", "--login", "me")
    assert done.returncode == 2
    assert "--login and --password go together" in done.stderr


def test_k_chooses_scenarios_by_their_id() -> None:
    port = free_port()
    with serving("--port", str(port), "--clock", "virtual"):
        done = conformance("--target", f"http://127.0.0.1:{port}", "-k", "targetsms-detail")
    assert done.returncode == 0, done.stdout
    rows = [line.split()[:2] for line in done.stdout.splitlines() if ROW.match(line)]
    assert rows == [["PASS", "detail_read_by_php_unserialize"]]


def test_an_https_emulator_passes_with_its_ca(tmp_path: Path) -> None:
    """`serve --tls`: every client of the run (urllib, curl, httpx, zeep, PHP) trusts the CA
    given with --cacert, and checks the name (localhost is in the certificate)."""
    port = free_port()
    with serving("--port", str(port), "--tls", "--tls-dir", str(tmp_path), "--log-format",
                 "off") as (_, line):
        url = f"https://localhost:{port}"
        assert f"https://127.0.0.1:{port}" in line
        done = conformance("--target", url, "--cacert", str(tmp_path / "ca.pem"),
                           "--allow-clock")
        untrusted = conformance("--target", url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(all_scenarios())} scenarios against {url} (the emulator)" in done.stdout
    assert " FAIL " not in done.stdout and "  SKIP  " not in done.stdout
    assert untrusted.returncode == 1
    assert untrusted.stderr.startswith(f"sms-mocks: cannot reach {url}: ")
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr


def test_a_token_protected_emulator_is_used_with_its_token() -> None:
    address = non_loopback_ipv4()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    port = free_port()
    with serving("--host", "0.0.0.0", "--port", str(port), "--control-token", "tok",
                 "--log-format", "off"):
        url = f"http://{address}:{port}"
        done = conformance("--target", url, "--token", "tok", "-k", "smsc-send_status",
                           "--allow-clock")
        refused = conformance("--target", url, "-k", "smsc-send_status")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS  send_status_balance" in done.stdout
    assert refused.returncode == 1
    assert "POST /_mock/accounts: 401" in refused.stdout


def test_a_target_that_is_no_url_is_a_usage_error() -> None:
    for target in ("notaurl", "ftp://example.org"):
        done = conformance("--target", target)
        assert done.returncode == 2
        assert done.stderr == ("sms-mocks: --target must be an http:// or https:// URL, "
                               f"not {target!r}\n")


def test_nothing_listening_is_said_plainly() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = conformance("--target", url)
    assert done.returncode == 1
    assert done.stderr.startswith(f"sms-mocks: cannot reach {url}: ")
    assert "Traceback" not in done.stderr
