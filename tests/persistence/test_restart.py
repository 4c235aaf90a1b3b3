"""`sms-mocks serve --data-dir` as a user runs it: a real process, stopped or killed, and
started again on the same dir."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from sms_mocks.store.database import FILE
from sms_mocks.testing.sandbox import MockAccount
from tests.helpers.clients import http_client
from tests.helpers.ports import free_port
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

pytestmark = pytest.mark.slow  # each test runs `sms-mocks serve` processes and restarts them

SMSC = {"login": "alex", "psw": "123", "charset": "utf-8"}


class Server:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        self.http = http_client(url, timeout=10)

    def smsc(self, path: str, **params: object) -> str:
        command = path.removesuffix(".php")
        return Smsc(self.http, ALEX_ACCOUNT).get(command, charset="utf-8", **params).text

    def messages(self, **query: str) -> list[dict[str, object]]:
        found = self.http.get("/_mock/messages", params={"limit": "100000", **query})
        return found.json()["messages"]  # type: ignore[no-any-return]

    def advance(self, seconds: float) -> None:
        self.http.post("/_mock/clock/advance", json={"seconds": seconds}).raise_for_status()


@contextmanager
def serving(data_dir: Path, *args: str, stop: signal.Signals = signal.SIGTERM
            ) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_mocks", "serve", "--port", str(port), "--clock", "virtual",
         "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = None
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"127.0.0.1:{port}" in line, line + process.communicate(timeout=10)[1]
        server = Server(process, f"http://127.0.0.1:{port}")
        yield server
    finally:
        if server is not None:
            server.http.close()
        if process.poll() is None:
            process.send_signal(stop)
        _, err = process.communicate(timeout=15)
        if stop is signal.SIGTERM:
            assert "Traceback" not in err, err


def test_messages_balance_ids_and_templates_survive_a_restart(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        first = json.loads(server.smsc("send.php", phones="79991234567", mes="Привет",
                                       fmt=3))
        template = json.loads(server.smsc("templates.php", add=1, name="otp",
                                          msg="Код {code}", fmt=3))
        server.advance(60)  # delivered
        second = json.loads(server.smsc("send.php", phones="79991234568", mes="pending",
                                        fmt=3))
        balance = server.smsc("balance.php")
        stored = server.messages(account="alex")
    assert balance == "997.20"
    with serving(tmp_path) as server:
        assert server.smsc("balance.php") == balance
        assert server.messages(account="alex") == stored
        assert server.smsc("status.php", phone="79991234567", id=first["id"], fmt=3) \
            .startswith('{"status":1,')
        assert server.smsc("status.php", phone="79991234568", id=second["id"], fmt=3) \
            .startswith('{"status":-1,')  # still queued: the clock has not moved since
        third = json.loads(server.smsc("send.php", phones="79991234569", mes="after", fmt=3))
        assert third["id"] == second["id"] + 1
        assert server.messages(account="alex")[-1]["id"] == stored[-1]["id"] + 1
        assert json.loads(server.smsc("templates.php", get=1, fmt=3)) == [
            {"id": template["id"], "name": "otp", "format": "", "sender": "", "flag": 0,
             "message": "Код {code}"}]
        assert json.loads(server.smsc("templates.php", add=1, name="two", msg="x", fmt=3)) \
            == {"id": template["id"] + 1}


def test_pending_messages_are_delivered_when_the_clock_moves_after_a_restart(
        tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        server.smsc("send.php", phones="79991234567,79000001006,79000000003", mes="x")
        server.advance(1)  # at the operator; reports due 5 s later
        before = server.http.get("/_mock/clock").json()["timestamp"]
    with serving(tmp_path) as server:
        assert server.http.get("/_mock/clock").json()["timestamp"] == before
        assert server.http.get("/_mock/health").json()["pending_transitions"] == 3
        assert {m["status"] for m in server.messages()} == {"sent"}
        server.advance(5)
        assert [(m["phone"], m["status"], m["err"]) for m in server.messages()] == [
            ("79991234567", "delivered", 0), ("79000001006", "undelivered", 6),
            ("79000000003", "delivered", 0)]
        server.advance(10)
        assert server.messages(phone="79000000003")[0]["status"] == "read"


def test_reset_resets_the_store(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        server.http.post("/_mock/accounts", json={"provider": "smsc", "login": "temp",
                                                  "password": "pw"}).raise_for_status()
        server.smsc("send.php", phones="79991234567", mes="x")
        server.http.post("/_mock/reset").raise_for_status()
    with serving(tmp_path) as server:
        assert server.messages() == []
        assert server.smsc("balance.php") == "1000.00"
        logins = {a["login"] for a in server.http.get("/_mock/accounts").json()["accounts"]}
        assert logins == {"alex", "test", "demo"}


# the kill -----------------------------------------------------------------------------------
LOAD_THREADS = 4
LOAD_SECONDS = 1.5
START_BALANCE = Decimal("100000.00")
LONG = "Сообщение под нагрузкой, длиннее семидесяти знаков: две части в UCS-2. "  # 2 parts


def _load(port: int, worker: int, acked: list[tuple[str, str, str, Decimal]],
          stop: threading.Event) -> None:
    """Send as fast as one keep-alive connection can; keep what was answered in full."""
    with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=5)) as conn:
        _send_until_killed(conn, worker, acked, stop)


def _send_until_killed(conn: http.client.HTTPConnection, worker: int,
                       acked: list[tuple[str, str, str, Decimal]], stop: threading.Event
                       ) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        phone = f"7999{worker:02d}{n:05d}"
        text = f"{LONG if n % 3 == 0 else 'load'} {worker}/{n}"
        cost = Decimal("2.80") if n % 3 == 0 else Decimal("1.40")
        query = urlencode({"login": "load", "psw": "pw", "phones": phone, "mes": text,
                           "fmt": 3, "charset": "utf-8"})
        try:
            conn.request("GET", f"/sys/send.php?{query}")
            body = conn.getresponse().read()
            answer = json.loads(body)
        except (OSError, http.client.HTTPException, ValueError):
            return  # killed: this one and the rest are unacknowledged
        assert "error" not in answer, answer
        acked.append((str(answer["id"]), phone, text, cost))


def test_every_acknowledged_send_survives_a_sigkill_under_load(tmp_path: Path) -> None:
    acked: list[tuple[str, str, str, Decimal]] = []
    stop = threading.Event()
    with serving(tmp_path, stop=signal.SIGKILL) as server:
        server.http.post("/_mock/accounts", json={
            "provider": "smsc", "login": "load", "password": "pw",
            "balance": str(START_BALANCE), "limits": {"smsc.concurrent": False}},
        ).raise_for_status()
        port = int(server.url.rsplit(":", 1)[1])
        threads = [threading.Thread(target=_load, args=(port, w, acked, stop))
                   for w in range(LOAD_THREADS)]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)
        os.kill(server.process.pid, signal.SIGKILL)  # mid-load, no chance to finish
        for thread in threads:
            thread.join(timeout=10)
        stop.set()
    assert len(acked) > 50, "the load never got going"
    with serving(tmp_path) as server:
        stored = {m["ext_id"]: m for m in server.messages(account="load")}
        for ext_id, phone, text, cost in acked:
            message = stored.get(ext_id)
            assert message is not None, f"acknowledged send {ext_id} is lost"
            assert (message["phone"], message["text"], Decimal(message["cost"])) == \
                (phone, text, cost)
        accounts = server.http.get("/_mock/accounts").json()["accounts"]
        balance = next(Decimal(a["balance"]) for a in accounts if a["login"] == "load")
        assert balance == START_BALANCE - sum(Decimal(m["cost"]) for m in stored.values())
        assert len(stored) - len(acked) <= LOAD_THREADS  # at most one in flight a thread
        # ids go on after the highest stored one
        after = json.loads(Smsc(server.http, MockAccount("smsc", "load", "pw")).send(
            phones="79990000001", mes="after", fmt=3))
        assert after["id"] == max(int(i) for i in stored) + 1


# refusals on the command line -----------------------------------------------------------------
def _serve_fails(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "sms_mocks", "serve", "--port", str(free_port()), *args],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    return result


def test_a_corrupt_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / FILE).write_bytes(b"garbage " * 512)
    result = _serve_fails("--data-dir", str(tmp_path))
    assert result.stderr.startswith(f"sms-mocks: data dir {tmp_path}: {FILE} cannot be used")


def test_an_unusable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a dir")
    result = _serve_fails("--data-dir", str(tmp_path / "file"))
    assert result.stderr.startswith(f"sms-mocks: data dir {tmp_path / 'file'}: ")


def test_a_data_dir_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with serving(tmp_path):
        result = _serve_fails("--data-dir", str(tmp_path))
    assert "is in use by another sms-mocks" in result.stderr


@pytest.mark.parametrize("data_dir", [False, True])
def test_without_a_data_dir_a_restart_forgets(tmp_path: Path, data_dir: bool) -> None:
    args = ["--data-dir", str(tmp_path)] if data_dir else []
    for expected in ("1000.00", "998.60" if data_dir else "1000.00"):
        port = free_port()
        with subprocess.Popen([sys.executable, "-m", "sms_mocks", "serve", "--port", str(port),
                               "--clock", "virtual", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as process:
            assert process.stdout is not None
            process.stdout.readline()
            url = f"http://127.0.0.1:{port}/sys"
            assert httpx.get(f"{url}/balance.php", params=SMSC).text == expected
            httpx.get(f"{url}/send.php", params={**SMSC, "phones": "79991234567",
                                                 "mes": "x"})
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=15)
    assert (tmp_path / FILE).exists() is data_dir


def test_each_answer_leaves_after_its_message_is_committed(tmp_path: Path) -> None:
    """Read the data dir from outside the moment each answer arrives: the message and the
    balance it paid are already there (the ticker's commit every 50 ms cannot explain 20 in
    a row)."""
    from sms_mocks.config import load
    from sms_mocks.serving.server import ServerThread

    with ServerThread(load(clock="virtual", data_dir=str(tmp_path))) as server, \
            http_client(server.url) as client, \
            closing(sqlite3.connect(f"file:{tmp_path / FILE}?mode=ro", uri=True)) as db:
        for n in range(1, 21):
            answer = Smsc(client, ALEX_ACCOUNT).get(
                "send", charset="utf-8", phones=f"7999123{n:04d}", mes=f"hi {n}", fmt=3).json()
            row = db.execute("SELECT text FROM messages WHERE ext_id = ? AND login = 'alex'",
                             (str(answer["id"]),)).fetchone()
            assert row == (f"hi {n}",)
            spec = db.execute("SELECT spec FROM accounts WHERE login = 'alex'").fetchone()
            assert json.loads(spec[0])["balance"] == str(Decimal("1000.00") - n * Decimal("1.40"))


def test_a_failing_disk_acknowledges_nothing_and_keeps_nothing_of_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sms_mocks.config import load
    from sms_mocks.serving.server import ServerThread

    with ServerThread(load(clock="virtual", data_dir=str(tmp_path))) as server, \
            http_client(server.url) as client:
        persistence = server.app.runtime.persistence
        working = persistence.db.transaction

        @contextmanager
        def broken() -> Iterator[sqlite3.Connection]:
            raise sqlite3.OperationalError("disk I/O error")
            yield  # pragma: no cover

        monkeypatch.setattr(persistence.db, "transaction", broken)
        answer = Smsc(client, ALEX_ACCOUNT).get("send", charset="utf-8", phones="79991234567",
                                                mes="while broken", fmt=3)
        assert (answer.status_code, answer.text) == (500, "Internal Server Error")
        monkeypatch.setattr(persistence.db, "transaction", working)
        assert client.get("/_mock/health").status_code == 200  # committed before answering
        with closing(sqlite3.connect(tmp_path / FILE)) as db:  # answered 500: rolled back
            assert db.execute("SELECT text FROM messages").fetchall() == []


def test_a_resumed_clock_is_the_one_the_ready_line_names(tmp_path: Path) -> None:
    """The stored clock keeps its speed over a restart; the ready line says which clock runs,
    and a note says it differs from the configured one."""
    with serving(tmp_path) as server:  # virtual
        server.http.post("/_mock/clock/advance", json={"seconds": 60})
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sms_mocks", "serve", "--port", str(port), "--clock", "real",
         "--data-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "clock: virtual)" in line
        speed = httpx.get(f"http://127.0.0.1:{port}/_mock/clock").json()["speed"]
        assert speed == 0
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
    assert f"sms-mocks: note: the clock resumed from {tmp_path} keeps its own speed, not the " \
           "configured real; change it with POST /_mock/clock/speed" in err
