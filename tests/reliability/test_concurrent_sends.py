"""64 clients at once, 500 messages each, on one account: money and messages add up exactly.

The emulator runs in a process of its own, as a container would, so the clients' work in this
process does not slow it down.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from sms_mocks.testing.sandbox import ControlClient, Sandbox
from tests.helpers.ports import free_port

pytestmark = pytest.mark.slow  # many clients against a process of its own

CLIENTS = 64
EACH = 500


def _client(port: int, login: str, password: str, n: int) -> list[dict[str, str]]:
    """One client on its own keep-alive connection (http.client: light enough that 64 of them
    in threads keep the server busy)."""
    acknowledged = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for k in range(EACH):
            phone = f"7916{n:03d}{k:04d}"
            query = urlencode({"login": login, "psw": password, "phones": phone,
                               "mes": f"m{n}-{k}", "fmt": 3, "cost": 3})
            connection.request("GET", f"/sys/send.php?{query}")
            body = json.loads(connection.getresponse().read())
            assert "error" not in body, body
            acknowledged.append({"id": str(body["id"]), "cost": body["cost"], "phone": phone})
    finally:
        connection.close()
    return acknowledged


@pytest.fixture
def own_process() -> Iterator[Sandbox]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sms_mocks", "serve", "--port", str(port),
                                "--clock", "virtual"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and "http://" in process.stdout.readline()
        control = ControlClient(f"http://127.0.0.1:{port}", timeout=60)
        yield Sandbox(control)
        control.close()
    finally:
        process.kill()
        process.communicate(timeout=10)


def test_concurrent_clients_leave_no_money_or_message_unaccounted(own_process: Sandbox) -> None:
    sms_mocks = own_process
    account = sms_mocks.account("smsc", balance="1000000.00",
                                limits={"smsc.concurrent": False})

    port = int(sms_mocks.url.rsplit(":", 1)[1])
    with ThreadPoolExecutor(CLIENTS) as pool:
        batches = list(pool.map(lambda n: _client(port, account.login, account.password, n),
                                range(CLIENTS)))
    acknowledged = [a for batch in batches for a in batch]
    assert len(acknowledged) == CLIENTS * EACH
    ids = [a["id"] for a in acknowledged]
    assert len(set(ids)) == len(ids)
    spent = sum((Decimal(a["cost"]) for a in acknowledged), Decimal(0))
    assert Decimal(sms_mocks.balance(account)) == Decimal("1000000.00") - spent
    stored = sms_mocks.messages(limit=CLIENTS * EACH + 1)
    assert sorted(m["phone"] for m in stored) == sorted(a["phone"] for a in acknowledged)
    assert sorted(m["ext_id"] for m in stored) == sorted(ids)
