"""/_mock/journal as a control route: order, filters, bad filters, clearing, reset, its size
from the configuration, and switched off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sms_mocks.config import ConfigError, load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.clients import http_client
from tests.providers.smsc.client import Smsc

CREDS = {"login": "alex", "psw": "123"}


@pytest.fixture
def small() -> Iterator[httpx.Client]:
    """An emulator of its own whose journal keeps 3 requests."""
    with ServerThread(load(clock="virtual", journal_size=3)) as server, \
            http_client(server.url, timeout=10) as client:
        yield client


def balance(http: httpx.Client, n: int) -> None:
    for _ in range(n):
        http.get("/sys/balance.php", params={**CREDS, "cur": str(_)})


@pytest.mark.slow
def test_newest_first_and_bounded(small: httpx.Client) -> None:
    balance(small, 5)
    body = small.get("/_mock/journal").json()
    assert body["size"] == 3
    assert [e["seq"] for e in body["entries"]] == [5, 4, 3]
    assert [e["params"]["cur"] for e in body["entries"]] == ["4", "3", "2"]
    assert [e["seq"] for e in small.get("/_mock/journal?limit=2").json()["entries"]] == [5, 4]


@pytest.mark.slow
def test_delete_and_reset_clear_it_and_numbers_go_on(small: httpx.Client) -> None:
    balance(small, 2)
    assert small.delete("/_mock/journal").json() == {"cleared": 2}
    assert small.get("/_mock/journal").json()["entries"] == []
    balance(small, 1)
    assert small.post("/_mock/reset").status_code == 200
    assert small.get("/_mock/journal").json()["entries"] == []
    balance(small, 1)
    assert [e["seq"] for e in small.get("/_mock/journal").json()["entries"]] == [4]


@pytest.mark.slow
def test_control_requests_are_not_journaled(small: httpx.Client) -> None:
    small.get("/_mock/health")
    small.get("/_mock/messages")
    assert small.get("/_mock/journal").json()["entries"] == []


@pytest.mark.slow
def test_a_size_of_zero_keeps_nothing_and_answers_the_same() -> None:
    with ServerThread(load(clock="virtual", journal_size=0)) as server, \
            http_client(server.url) as http:
        # the request log's one-record stand-in, not the journal /_mock/journal reads
        assert server.app.recorder is not server.app.runtime.journal
        answer = http.get("/sys/balance.php", params=CREDS)
        assert answer.text == "1000.00"
        assert http.get("/_mock/journal").json() == {"size": 0, "entries": []}


def test_the_size_comes_from_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[journal]\nsize = 7\n")
    assert load(config).journal_size == 7
    config.write_text("[journal]\nsize = -1\n")
    with pytest.raises(ConfigError, match=r"\[journal\] size must be an integer"):
        load(config)
    config.write_text("[journal]\nlength = 1\n")
    with pytest.raises(ConfigError, match="unknown keys in"):
        load(config)


@pytest.mark.parametrize(("query", "error"), [
    ("limit=x", "limit is a whole number"),
    ("limit=-1", "limit is 0 or more"),
    ("provider=twilio", "provider is one of smsc, smspager, targetsms"),
    ("refused=maybe", "refused is true or false"),
])
def test_bad_filters_are_400(sms_mocks: Sandbox, http: httpx.Client, query: str,
                             error: str) -> None:
    response = http.get(f"/_mock/journal?{query}")
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_filters(sms_mocks: Sandbox, http: httpx.Client) -> None:
    smsc = sms_mocks.account("smsc")
    target = sms_mocks.account("targetsms")
    http.get("/sys/balance.php", params={"login": smsc.login, "psw": smsc.password})
    http.get("/sys/balance.php", params={"login": smsc.login, "psw": "no"})
    http.get("/sendsms.php", params={"user": target.login, "pwd": target.password,
                                     "balance": "1"})
    assert [e["provider"] for e in sms_mocks.journal()] == ["targetsms", "smsc", "smsc"]
    assert [e["outcome"] for e in sms_mocks.journal(provider="smsc", refused=True)] == [
        "error 2 (authorise error)"]
    assert len(sms_mocks.journal(refused=False)) == 2
    assert len(sms_mocks.journal(endpoint="/sys/balance.php")) == 2
    assert len(sms_mocks.journal(endpoint="balance.php")) == 2
    assert sms_mocks.journal(limit=1)[0]["provider"] == "targetsms"
    assert [e["endpoint"] for e in sms_mocks.control.journal(account=target.login)] == [
        "sendsms.php (balance)"]


def test_bodies_and_answers_are_kept_bounded(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("smsc")
    mes = "x" * 9000
    Smsc(http, account).post("send", phones="79991234567", mes=mes)
    entry = sms_mocks.journal()[0]
    assert entry["body_truncated"] is True
    assert len(entry["params"]["mes"]) < 4096
    # The request was still answered from all of it: mes over 1000 characters is error 1.
    assert entry["outcome"] == "error 1 (parameters error)"
    assert entry["explanation"].startswith("mes is ")
    assert entry["explanation"].endswith("; at most 1000 (read from the first 4096 bytes kept)")


@pytest.mark.slow
def test_reading_changes_nothing(sms_mocks: Sandbox, http: httpx.Client) -> None:
    """Explaining a refused send plans it again as a dry run: no charge, no message, no id."""
    account = sms_mocks.account("smsc", balance="1.00", limits={"smsc.duplicate_send": False})
    smsc = Smsc(http, account)
    assert smsc.send(phones="79991234567", mes="hi") == "ERROR = 3 (no money), ID - 1"
    for _ in range(3):
        assert sms_mocks.journal()[0]["explanation"] == "balance 1.00 is less than the cost 1.40"
    assert sms_mocks.balance(account) == "1.00"
    assert sms_mocks.messages() == []
    sms_mocks.update(account, balance="10.00")
    assert "explanation" not in sms_mocks.journal()[0]  # it would go through now
    assert smsc.send(phones="79991234567", mes="hi") == "OK - 1 SMS, ID - 2"
    assert sms_mocks.balance(account) == "8.60"
