"""A data dir damaged by hand (or by a tool) is refused at start-up in one line naming the table
and the row, exit status 2, no traceback; `serve --repair` drops the damaged rows, naming
each, and serves the rest.

The data dir is made by a real run (`python -m sms_mocks serve`, one message over HTTP,
SIGTERM) and damaged with the sqlite3 module, as a user's tool would."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sms_mocks.config import Settings, account_from_spec
from sms_mocks.serving.runtime import Runtime
from sms_mocks.store import StoreError
from sms_mocks.store.database import FILE, LOCK
from sms_mocks.store.persistence import repair
from sms_mocks.testing.sandbox import MockAccount
from tests.helpers.clients import http_client
from tests.helpers.ports import free_port
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

pytestmark = pytest.mark.slow  # processes of their own, and a data dir per case

ACCOUNT = {"provider": "smsc", "login": "kept", "password": "pw"}  # made over the control API
HINT = "; start with --repair to drop the damaged rows"


def _environ() -> dict[str, str]:
    """This process's environment without SMS_MOCKS_ settings (a CI job's would change the
    server, or add warning lines)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SMS_MOCKS_")}


def _command(data_dir: Path, port: int, *args: str) -> list[str]:
    return [sys.executable, "-m", "sms_mocks", "serve", "--port", str(port), "--clock",
            "virtual", "--data-dir", str(data_dir), *args]


@contextmanager
def serving(data_dir: Path, *args: str) -> Iterator[tuple[httpx.Client, list[str]]]:
    """A server on `data_dir` (its client, and the stderr lines it wrote before it was
    ready, once it stops); stopped with SIGTERM, which must end it cleanly."""
    port = free_port()
    process = subprocess.Popen(_command(data_dir, port, *args), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=_environ())
    said: list[str] = []
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"127.0.0.1:{port}" in line, line + process.communicate(timeout=10)[1]
        with http_client(f"http://127.0.0.1:{port}", timeout=10) as http:
            yield http, said
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
        said += err.splitlines()
        assert process.returncode == 0, err
        assert "Traceback" not in err, err


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir as a real run leaves it: one account made over the control API, one
    message it sent (queued: its timer is due later), a clean stop."""
    data_dir = tmp_path_factory.mktemp("made")
    with serving(data_dir) as (http, _):
        http.post("/_mock/accounts", json=ACCOUNT).raise_for_status()
        answer = Smsc(http, MockAccount("smsc", "kept", "pw")).get(
            "send", phones="79991234567", mes="hi", fmt=3)
        assert answer.json() == {"id": 1, "cnt": 1}
    return data_dir


@pytest.fixture
def data_dir(made: Path, tmp_path: Path) -> Path:
    """A copy of the made data dir, for this test to damage."""
    copy = tmp_path / "data"
    shutil.copytree(made, copy, ignore=shutil.ignore_patterns(LOCK))
    return copy


def damage(data_dir: Path, statement: str) -> None:
    with sqlite3.connect(data_dir / FILE) as conn:
        assert conn.execute(statement).rowcount == 1
    conn.close()


# (the damage, the row named, what is wrong with it, the rows --repair drops)
DAMAGES = {
    "due": ("UPDATE messages SET due = 'abc'", "table messages, row id 1",
            "due is 'abc', not a time", ["table messages, row id 1: due is 'abc', not a time"]),
    "ids_issued": ("UPDATE accounts SET ids_issued = 'x' WHERE login = 'kept'",
                   "table accounts, row smsc/kept", "ids_issued is 'x', not a count (0 or more)",
                   ["table accounts, row smsc/kept: ids_issued is 'x', not a count (0 or more)",
                    # its message goes with it: it would have no account
                    "table messages, row id 1: its account smsc/kept is not in table accounts"]),
    "no account": ("DELETE FROM accounts WHERE login = 'kept'", "table messages, row id 1",
                   "its account smsc/kept is not in table accounts",
                   ["table messages, row id 1: its account smsc/kept is not in table accounts"]),
}


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_a_damaged_row_is_one_line_and_exit_status_2(data_dir: Path, kind: str) -> None:
    statement, row, problem, _ = DAMAGES[kind]
    damage(data_dir, statement)
    result = subprocess.run(_command(data_dir, free_port()), capture_output=True, text=True,
                            timeout=30, env=_environ())
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"sms-mocks: data dir {data_dir}: {row}: {problem}"
                                          f"{HINT}"]
    assert result.stdout == ""


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_repair_drops_the_damaged_rows_names_them_and_serves(data_dir: Path,
                                                             kind: str) -> None:
    statement, _, _, dropped = DAMAGES[kind]
    damage(data_dir, statement)
    with serving(data_dir, "--repair") as (http, said):
        assert http.get("/_mock/health").status_code == 200
        assert http.get("/_mock/messages").json()["messages"] == []  # the one message went
        accounts = {a["login"] for a in http.get("/_mock/accounts").json()["accounts"]}
        assert ("kept" in accounts) is (kind == "due")
        sent = Smsc(http, ALEX_ACCOUNT).get("send", phones="79991234568", mes="hi", fmt=3)
        assert sent.json() == {"id": 1, "cnt": 1}  # alex's first (SMSC ids are per account)
        # the emulator's own ids go on: the dropped message's is not handed out again
        assert [m["id"] for m in http.get("/_mock/messages").json()["messages"]] == [2]
    assert said[:len(dropped)] == [f"sms-mocks: --repair dropped {d}" for d in dropped]
    # what --repair left starts without it, with the message sent since
    with serving(data_dir) as (http, said):
        assert [m["id"] for m in http.get("/_mock/messages").json()["messages"]] == [2]
    assert not any("dropped" in line for line in said)


def test_repair_of_a_sound_data_dir_says_so(data_dir: Path) -> None:
    with serving(data_dir, "--repair") as (http, said):
        assert len(http.get("/_mock/messages").json()["messages"]) == 1
    assert said[0] == f"sms-mocks: --repair: data dir {data_dir} has no damaged rows"


def test_repair_needs_a_data_dir() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sms_mocks", "serve", "--port", str(free_port()), "--repair"],
        capture_output=True, text=True, timeout=30, env=_environ())
    assert (result.returncode, result.stderr) == (2, "sms-mocks: --repair needs --data-dir\n")


# every column, without a process: the loader and repair() share one reading ------------------
def _runtime(data_dir: Path) -> Runtime:
    return Runtime(Settings(clock="virtual", data_dir=str(data_dir)))


BAD_COLUMNS = [
    ("messages", "created_at = 'yesterday'", "created_at is 'yesterday', not a time"),
    ("messages", "state_at = x'00'", "state_at is b'\\x00', not a time"),
    ("messages", "sent_at = 'soon'", "sent_at is 'soon', not a time"),
    ("messages", "cost = 'free'", "cost is 'free', not an amount"),
    ("messages", "cost = 'NaN'", "cost is 'NaN', not an amount"),
    ("messages", "state = 42", "state is 42, not a state (0-7)"),
    ("messages", "parts = 'two'", "parts is 'two', not a whole number"),
    ("messages", "batch = -1", "batch is -1, not a whole number (0 or more)"),
    ("messages", "err = 1.5", "err is 1.5, not a whole number"),
    ("messages", "text = x'ff'", "text is b'\\xff', not a text"),
    ("messages", "pay_on_delivery = 7", "pay_on_delivery is 7, not 0 or 1"),
    ("messages", "outcome = '[9, 0, null, null, 0]'", "outcome is '[9, 0, null, null, 0]', "
                                                       "not an outcome"),
    ("messages", "outcome = '{'", "outcome is '{', not an outcome"),
    ("messages", "extra = '[1]'", "extra is '[1]', not a JSON object of texts"),
    ("accounts", "spec = '[]'", "the stored account cannot be read (not a JSON object)"),
    ("accounts", "ids_issued = -3", "ids_issued is -3, not a count (0 or more)"),
]


@pytest.mark.parametrize(("table", "change", "problem"), BAD_COLUMNS,
                         ids=[change for _, change, _ in BAD_COLUMNS])
def test_every_column_is_checked_and_repair_takes_what_start_up_refuses(
        data_dir: Path, table: str, change: str, problem: str) -> None:
    where = "id = 1" if table == "messages" else "login = 'kept'"
    damage(data_dir, f"UPDATE {table} SET {change} WHERE {where}")
    with pytest.raises(StoreError) as refused:
        _runtime(data_dir)
    row = "row id 1" if table == "messages" else "row smsc/kept"
    assert str(refused.value).startswith(f"data dir {data_dir}: table {table}, {row}: "
                                         f"{problem}")
    assert "\n" not in str(refused.value)
    configured = [account_from_spec(spec) for spec in Settings().accounts]
    dropped = [str(d) for d in repair(data_dir, configured)]
    assert dropped[0].startswith(f"table {table}, {row}: {problem}")
    assert repair(data_dir, configured) == []  # nothing left to drop
    rt = _runtime(data_dir)
    try:
        assert len(rt.gateway.store) == 0
    finally:
        assert rt.persistence is not None
        rt.persistence.close()


def test_damaged_templates_are_named_by_their_state(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / FILE) as conn:
        conn.execute("INSERT INTO dialect_state VALUES ('smsc.templates', ?)",
                     (json.dumps({"issued": "many"}),))
    conn.close()
    with pytest.raises(StoreError, match=r"table dialect_state, row smsc\.templates: the "
                                         r"stored smsc\.templates cannot be read"):
        _runtime(data_dir)
    assert [d.table for d in repair(data_dir, [])] == ["dialect_state"]


def test_a_message_of_a_configured_account_needs_no_stored_row(data_dir: Path) -> None:
    """alex is built in: its stored row gone, its messages load onto the configured one."""
    damage(data_dir, "UPDATE messages SET login = 'alex' WHERE id = 1")
    damage(data_dir, "DELETE FROM accounts WHERE login = 'alex'")
    configured = [account_from_spec(spec) for spec in Settings().accounts]
    assert repair(data_dir, configured) == []
    rt = _runtime(data_dir)
    try:
        message = rt.gateway.store.get(1)
        assert message is not None and message.account.login == "alex"
    finally:
        assert rt.persistence is not None
        rt.persistence.close()
