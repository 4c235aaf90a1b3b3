"""/_mock/inbound: a reply SMS injected for an account; SMSC passes it to the callback URL
with phone, mes, to and md5 = md5("phone:mes:to:secret") (FACTS B.5)."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.clients import http_client
from tests.helpers.polling import at_least, eventually


def _sink(sms_mocks: Sandbox, name: str, count: int) -> list[dict[str, object]]:
    """What the built-in sink got: the emulator's POST is real I/O, so wait for it."""
    return eventually(lambda: sms_mocks.control.call("GET", f"/_mock/sink/{name}")["requests"],
                      at_least(count), what=f"{count} POSTs to the sink {name}")


def test_an_smsc_reply_is_posted_to_the_callback_url_signed(sms_mocks: Sandbox) -> None:
    name = f"in-{time.monotonic_ns()}"
    account = sms_mocks.account("smsc", callback_url=f"{sms_mocks.url}/_mock/sink/{name}",
                                callback_secret="s3cret")
    stored = sms_mocks.inbound(account, "+7 (999) 123-45-67", "Да, подтверждаю", "79001112233")
    assert {k: v for k, v in stored.items() if k not in ("id", "at")} == {
        "provider": "smsc", "login": account.login, "phone": "79991234567",
        "to": "79001112233", "text": "Да, подтверждаю",
        "callback_url": f"{sms_mocks.url}/_mock/sink/{name}"}
    [request] = _sink(sms_mocks, name, 1)
    signed = "79991234567:Да, подтверждаю:79001112233:s3cret"
    assert request["form"] == {"phone": "79991234567", "mes": "Да, подтверждаю",
                               "to": "79001112233",
                               "md5": hashlib.md5(signed.encode()).hexdigest()}
    assert request["content_type"] == "application/x-www-form-urlencoded"


def test_replies_are_listed_and_other_providers_only_keep_them(sms_mocks: Sandbox,
                                                               http: httpx.Client) -> None:
    smsc = sms_mocks.account("smsc")  # no callback_url: kept, posted nowhere
    pager = sms_mocks.account("smspager")
    first = sms_mocks.inbound(smsc, "79991234567", "one")
    second = sms_mocks.inbound(pager, "79991234568", "two")
    assert (first["callback_url"], first["to"], second["callback_url"]) == (None, "", None)
    listed = http.get("/_mock/inbound", params={"account": pager.login}).json()["inbound"]
    assert listed == [second]
    both = http.get("/_mock/inbound").json()["inbound"]
    assert [m for m in both if m["login"] in (smsc.login, pager.login)] == [first, second]
    assert http.get("/_mock/inbound", params={"provider": "targetsms",
                                              "account": smsc.login}).json() == {"inbound": []}


@pytest.mark.parametrize(("body", "status", "error"), [
    ({"provider": "smsc", "login": "nobody-here", "phone": "79991234567", "text": "x"}, 404,
     "no such account"),
    ({"login": "x", "phone": "79991234567", "text": "x"}, 400,
     "provider: a string of at most 32 characters"),
    ({"provider": "smsc", "login": "x", "phone": "me", "text": "x"}, 400,
     "phone: the sender's number"),
    ({"provider": "smsc", "login": "x", "phone": "79991234567"}, 400,
     "text: a string of at most 1000 characters"),
    ({"provider": "smsc", "login": "x", "phone": "79991234567", "text": "x" * 1001}, 400,
     "text: a string of at most 1000 characters"),
    ({"provider": "smsc", "login": "x", "phone": "79991234567", "text": "x", "to": 7}, 400,
     "to: a string of at most 32 characters"),
])
def test_bad_injections_are_refused_clearly(http: httpx.Client, body: dict[str, object],
                                            status: int, error: str) -> None:
    answer = http.post("/_mock/inbound", json=body)
    assert (answer.status_code, answer.json()) == (status, {"error": error})


@pytest.mark.slow
def test_a_reset_forgets_replies(doc_server) -> None:  # type: ignore[no-untyped-def]
    with http_client(doc_server.url) as http:
        http.post("/_mock/inbound", json={"provider": "smsc", "login": "alex",
                                          "phone": "79991234567", "text": "hi"})
        assert len(http.get("/_mock/inbound").json()["inbound"]) == 1
        http.post("/_mock/reset")
        assert http.get("/_mock/inbound").json() == {"inbound": []}


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(["provider", "login", "phone", "text", "to", "x"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=40),
                                 st.sampled_from(["smsc", "alex", "79991234567"]))))
def test_any_injection_is_answered_without_a_server_error(http: httpx.Client,
                                                          body: dict[str, object]) -> None:
    answer = http.post("/_mock/inbound", json=body)
    assert answer.status_code in (201, 400, 404), answer.text
    assert set(answer.json()) == ({"error"} if answer.status_code >= 400 else {
        "id", "provider", "login", "phone", "to", "text", "at", "callback_url"})
