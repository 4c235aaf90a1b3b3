"""`sms-mocks conformance` as a user runs it: against a running `sms-mocks serve`, and against
targets that do not conform."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mocks.conformance.scenario import all_scenarios
from tests.cli.test_serve import free_port, serving

ROW = re.compile(r"  (PASS|FAIL|SKIP)  ")
SMS_MOCKS = str(Path(sys.executable).parent / "sms-mocks")


def conformance(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SMS_MOCKS, "conformance", *args], capture_output=True, text=True,
                          timeout=300)


def test_a_running_serve_passes_every_scenario() -> None:
    port = free_port()
    with serving("--port", str(port)) as (_, line):  # the default: a real clock
        url = f"http://127.0.0.1:{port}"
        assert url in line
        done = conformance("--target", url)
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
def pretender() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pretender)
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


def test_no_server_at_all_fails_every_scenario_that_had_credentials() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = conformance("--target", url, "--provider", "smsc", "--login", "me",
                       "--password", "secret")
    assert done.returncode == 1
    assert "(not an emulator: no clock, own accounts)" in done.stdout.splitlines()[0]
    verdicts = {line.split()[0] for line in done.stdout.splitlines() if ROW.match(line)}
    assert verdicts == {"FAIL", "SKIP"}  # FAIL: no answer; SKIP: needs the emulator or spend
    assert "URLError" in done.stdout


def test_a_real_target_without_credentials_proves_nothing_and_says_so() -> None:
    url = f"http://127.0.0.1:{free_port()}"
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
