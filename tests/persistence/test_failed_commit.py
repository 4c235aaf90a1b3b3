"""A commit that fails (a full disk) before an answer: the request is answered 500 and leaves
no trace, neither a message nor a charge, in memory or on disk; what was acknowledged before
and after is kept. The full disk is SQLite's own "database or disk is full", raised by the
data dir's connection for the writes while the disk is "full" (reads still work, as on a
real full disk); a second test fills the database for real with max_page_count."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_mocks.config import Settings, load
from sms_mocks.core.gateway import Item, SendRequest
from sms_mocks.core.messages import State
from sms_mocks.serving.runtime import Runtime
from sms_mocks.serving.server import ServerThread
from sms_mocks.store.database import FILE
from sms_mocks.store.persistence import RolledBack
from tests.helpers.clients import http_client
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

pytestmark = pytest.mark.slow  # emulators of their own on a data dir, a full disk

SMSC = {"login": "alex", "psw": "123", "charset": "utf-8", "fmt": "3"}
PRICE = Decimal("1.40")  # alex's price of one SMS to 7999...
FULL = "database or disk is full"


class Disk:
    """The data dir's connection, with a switch that makes its writes fail as a full disk
    does: at the first row written ("rows") or at COMMIT ("commit")."""

    def __init__(self, connection: sqlite3.Connection, where: str = "rows") -> None:
        self.connection = connection
        self.where = where
        self.full = False
        self.failed = 0

    def _check(self, statement: str) -> None:
        words = statement.lstrip().upper()
        if self.full and (words.startswith(("INSERT", "DELETE", "UPDATE")) if self.where == "rows"
                          else words.startswith("COMMIT")):
            self.failed += 1
            raise sqlite3.OperationalError(FULL)

    def execute(self, statement: str, *args: Any) -> sqlite3.Cursor:
        self._check(statement)
        return self.connection.execute(statement, *args)

    def executemany(self, statement: str, *args: Any) -> sqlite3.Cursor:
        self._check(statement)
        return self.connection.executemany(statement, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)


@contextmanager
def serving(data_dir: Path, where: str = "rows") -> Iterator[tuple[httpx.Client, Disk]]:
    with ServerThread(load(clock="virtual", data_dir=str(data_dir))) as server, \
            http_client(server.url, timeout=10) as client:
        db = server.app.runtime.persistence.db
        disk = Disk(db.connection, where)
        db.connection = disk  # type: ignore[assignment]
        try:
            yield client, disk
        finally:
            disk.full = False
            db.connection = disk.connection


def send(client: httpx.Client, text: str, phone: str = "79991234567", **extra: str
         ) -> httpx.Response:
    params = {"charset": "utf-8", "fmt": "3", "phones": phone, "mes": text, **extra}
    return Smsc(client, ALEX_ACCOUNT).get("send", **params)


def balance(client: httpx.Client) -> Decimal:
    return Decimal(client.get("/sys/balance.php", params=SMSC).json()["balance"])


def texts(client: httpx.Client) -> list[str]:
    found = client.get("/_mock/messages", params={"account": "alex", "limit": "1000"})
    return [m["text"] for m in found.json()["messages"]]


def on_disk(data_dir: Path) -> tuple[list[str], Decimal]:
    with closing(sqlite3.connect(f"file:{data_dir / FILE}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT text FROM messages WHERE login = 'alex' ORDER BY id")
        found = [text for (text,) in rows]
        spec = db.execute("SELECT spec FROM accounts WHERE login = 'alex'").fetchone()[0]
    return found, Decimal(json.loads(spec)["balance"])


@pytest.mark.parametrize("where", ["rows", "commit"])
def test_a_send_answered_500_leaves_no_message_and_no_charge(tmp_path: Path, where: str) -> None:
    with serving(tmp_path, where) as (client, disk):
        start = balance(client)
        first = send(client, "before", id="7")
        assert first.status_code == 200 and first.json()["id"] == 7
        disk.full = True
        failed = send(client, "while full")
        assert (failed.status_code, failed.text) == (500, "Internal Server Error")
        assert disk.failed >= 1
        disk.full = False  # the disk has room again
        assert texts(client) == ["before"]  # live: nothing of the failed send
        assert balance(client) == start - PRICE  # charged once
        again = send(client, "after")
        assert again.status_code == 200
        assert texts(client) == ["before", "after"]
        assert balance(client) == start - 2 * PRICE
        assert on_disk(tmp_path) == (["before", "after"], start - 2 * PRICE)
    with ServerThread(load(clock="virtual", data_dir=str(tmp_path))) as server, \
            http_client(server.url, timeout=10) as client:  # a restart
        assert texts(client) == ["before", "after"]
        assert balance(client) == start - 2 * PRICE


def test_fifty_one_sends_on_a_full_disk_store_and_charge_nothing(tmp_path: Path) -> None:
    """The issue's run: 51 sends while the disk is full, some at once (sharing a commit),
    all answered 500; none is stored or charged, then or after a restart."""
    with serving(tmp_path) as (client, disk):
        start = balance(client)
        assert send(client, "kept").status_code == 200
        disk.full = True
        url = str(client.base_url)

        def one(n: int) -> int:
            with http_client(url, timeout=10) as own:
                return send(own, f"lost {n}", phone=f"7999123{n:04d}").status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(one, range(51)))
        assert statuses == [500] * 51
        disk.full = False
        assert texts(client) == ["kept"]
        assert balance(client) == start - PRICE
        assert send(client, "retried").status_code == 200  # a client's retry goes through
        assert texts(client) == ["kept", "retried"]
        # the very same request again: the duplicate rule did not count the one answered 500
        retry = send(client, "lost 7", phone="79991230007")
        assert retry.status_code == 200 and "error" not in retry.text, retry.text
        assert texts(client) == ["kept", "retried", "lost 7"]
    assert on_disk(tmp_path) == (["kept", "retried", "lost 7"], start - 3 * PRICE)
    with ServerThread(load(clock="virtual", data_dir=str(tmp_path))) as server, \
            http_client(server.url, timeout=10) as client:
        assert texts(client) == ["kept", "retried", "lost 7"]
        assert balance(client) == start - 3 * PRICE
        ids = [m["id"] for m in client.get("/_mock/messages").json()["messages"]]
        assert len(ids) == len(set(ids))


def test_a_database_that_is_really_full(tmp_path: Path) -> None:
    """SQLite's own SQLITE_FULL: the database may not grow past its pages; sends go on until
    one needs a page, which is answered 500 and kept nowhere."""
    with ServerThread(load(clock="virtual", data_dir=str(tmp_path))) as server, \
            http_client(server.url, timeout=10) as client:
        conn = server.app.runtime.persistence.db.connection
        start = balance(client)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        answered: list[str] = []
        for n in range(200):
            response = send(client, f"text {n} " + "x" * 500, phone=f"7999123{n:04d}")
            if response.status_code == 500:
                break
            assert response.status_code == 200
            answered.append(f"text {n} " + "x" * 500)
        else:
            pytest.fail("the database never filled up")
        conn.execute("PRAGMA max_page_count = 1073741823")
        assert answered  # some went in before it filled up
        assert texts(client) == answered
        expected = start - len(answered) * 4 * PRICE  # four parts each
        assert balance(client) == expected
        assert send(client, "after").status_code == 200
    assert on_disk(tmp_path) == ([*answered, "after"], expected - PRICE)


def test_other_changes_answered_500_are_rolled_back_too(tmp_path: Path) -> None:
    """An account changed by the control API, a deleted message and a reset: each answered
    500 on a full disk, and each left as it was."""
    with serving(tmp_path) as (client, disk):
        start = balance(client)
        assert send(client, "one").json()["id"] == 1
        disk.full = True
        update = client.post("/_mock/accounts", json={"provider": "smsc", "login": "alex",
                                                      "balance": "5.00"})
        created = client.post("/_mock/accounts", json={"provider": "smsc", "login": "newbie",
                                                       "password": "x"})
        deleted = client.get("/sys/status.php", params={**SMSC, "id": "1",
                                                        "phone": "79991234567", "del": "1"})
        reset = client.post("/_mock/reset")
        assert [r.status_code for r in (update, created, deleted, reset)] == [500] * 4
        disk.full = False
        assert balance(client) == start - PRICE
        assert texts(client) == ["one"]
        logins = [a["login"] for a in client.get("/_mock/accounts").json()["accounts"]]
        assert "newbie" not in logins and "alex" in logins
        again = send(client, "two")  # the per-account ids go on from the kept ones
        assert again.status_code == 200 and again.json()["id"] == 2
    assert on_disk(tmp_path) == (["one", "two"], start - 2 * PRICE)


def test_a_callback_waits_for_the_commit_and_goes_nowhere_if_it_fails(tmp_path: Path) -> None:
    """A refused recipient's callback is made with the send; it is posted once the send is
    committed, and never for a send answered 500."""
    with serving(tmp_path) as (client, disk):
        sink = str(client.base_url).rstrip("/") + "/_mock/sink/cb"
        assert client.post("/_mock/accounts", json={
            "provider": "smsc", "login": "alex", "callback_url": sink}).status_code == 200
        disk.full = True
        # 79991234100: refused at once (magic 8100: no route), a callback made in the send
        assert send(client, "lost", phone="79991234567,79991234100").status_code == 500
        disk.full = False
        assert send(client, "kept", phone="79991234568,79991238100").status_code == 200
        client.post("/_mock/clock/advance", json={"seconds": 1}).raise_for_status()
        got: list[dict[str, Any]] = []
        for _ in range(500):
            got = client.get("/_mock/sink/cb").json()["requests"]
            if len(got) >= 2:
                break
            threading.Event().wait(0.02)
        threading.Event().wait(0.2)  # anything more would have arrived by now
        got = client.get("/_mock/sink/cb").json()["requests"]
        phones = sorted(r["form"]["phone"] for r in got)
        assert phones == ["79991234568", "79991238100"]  # the kept send's, none of the lost
        attempts = client.get("/_mock/callbacks").json()["attempts"]
        assert "79991234100" not in str(attempts) and "79991234567" not in str(attempts)


# the store alone: which requests a rollback takes back ---------------------------------------
def _runtime(tmp_path: Path) -> Runtime:
    return Runtime(Settings(clock="virtual", clock_start=1_800_000_000.0,
                            data_dir=str(tmp_path)))


def test_a_request_whose_change_was_rolled_back_is_not_acknowledged(tmp_path: Path) -> None:
    """Request A sends, then waits (its answer not started); request B sends and its commit
    fails: both sends are taken back, B fails at once and A fails when its answer starts, so
    neither is acknowledged. C, after the disk recovers, is kept."""
    rt = _runtime(tmp_path)
    persistence, gateway = rt.persistence, rt.gateway
    assert persistence is not None
    alex = gateway.accounts.get("smsc", "alex")
    assert alex is not None
    start = alex.balance
    disk = Disk(persistence.db.connection)
    persistence.db.connection = disk  # type: ignore[assignment]
    started: list[str] = []

    async def request(text: str, go: asyncio.Event | None = None) -> str:
        async def answer(message: dict[str, Any]) -> None:
            started.append(text)

        send_answer = persistence.committing(answer)  # as the app does, in the request's task
        gateway.send(alex, SendRequest([Item(["79991234567"], text)]))
        if go is not None:
            await go.wait()
        try:
            await send_answer({"type": "http.response.start", "status": 200, "headers": []})
        except sqlite3.OperationalError:
            return "500 (commit failed)"
        except RolledBack:
            return "500 (rolled back)"
        return "200"

    async def scenario() -> list[str]:
        go = asyncio.Event()
        a = asyncio.create_task(request("a", go))
        await asyncio.sleep(0)  # A has sent; its answer waits
        disk.full = True
        b = await request("b")
        disk.full = False
        go.set()
        return [await a, b, await request("c")]

    try:
        assert asyncio.run(scenario()) == ["500 (rolled back)", "500 (commit failed)", "200"]
        assert started == ["c"]
        assert [m.text for m in gateway.store] == ["c"]
        assert alex.balance == start - PRICE
        assert alex.ids_issued == 1  # a's and b's ids were handed out again
        assert [m.state for m in gateway.store] == [State.QUEUED]
        assert len(gateway.engine) >= 1
    finally:
        persistence.db.connection = disk.connection
        persistence.close()
    assert on_disk(tmp_path) == (["c"], start - PRICE)


def test_what_timers_did_while_the_disk_was_full_is_kept_and_written_later(
        tmp_path: Path) -> None:
    """No request answered 500 for it: a transition by a timer whose commit (the ticker's)
    fails stays, and the next commit that works writes it."""
    rt = _runtime(tmp_path)
    persistence, gateway = rt.persistence, rt.gateway
    assert persistence is not None
    alex = gateway.accounts.get("smsc", "alex")
    assert alex is not None
    [message] = gateway.send(alex, SendRequest([Item(["79991234567"], "t")])).messages
    persistence.commit()
    disk = Disk(persistence.db.connection)
    persistence.db.connection = disk  # type: ignore[assignment]
    try:
        disk.full = True
        gateway.advance(60)
        with pytest.raises(sqlite3.OperationalError):
            persistence.commit()
        assert message.state is State.DELIVERED and persistence.pending
        disk.full = False
        persistence.commit()
    finally:
        persistence.db.connection = disk.connection
        persistence.close()
    with closing(sqlite3.connect(tmp_path / FILE)) as db:
        assert db.execute("SELECT state FROM messages").fetchall() == [(int(State.DELIVERED),)]


def test_a_template_added_on_a_full_disk_is_rolled_back(tmp_path: Path) -> None:
    """A dialect's own state (SMSC's templates) is rolled back with the rest: the template
    answered 500 is gone, the one kept before stays."""
    with serving(tmp_path) as (client, disk):
        templates = {**SMSC, "name": "Code", "msg": "Code %d"}
        kept = client.get("/sys/templates.php", params={**templates, "add": "1"})
        assert kept.status_code == 200 and "id" in kept.json()
        disk.full = True
        lost = client.get("/sys/templates.php", params={**templates, "add": "1",
                                                         "name": "Lost"})
        assert lost.status_code == 500
        disk.full = False
        listed = client.get("/sys/templates.php", params={**SMSC, "get": "1"}).json()
        assert [t["name"] for t in listed] == ["Code"]
