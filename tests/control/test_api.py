"""The control API under /_mock/: health, messages and filters, accounts, clock, reset."""

from __future__ import annotations

import httpx
import pytest

from sms_mocks.control.routes import ROUTES
from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.helpers.clients import http_client
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc


@pytest.fixture
def sent(sms_mocks: Sandbox, http: httpx.Client) -> Sandbox:
    smsc = Smsc(http, sms_mocks.account("smsc"))
    for phone, text in (("79991234567", "alpha"), ("79000001006", "Beta"),
                        ("79161234567", "gamma")):
        smsc.send(phones=phone, mes=text)
    sms_mocks.advance(60)
    return sms_mocks


def test_health(http: httpx.Client) -> None:
    body = http.get("/_mock/health").json()
    assert body["status"] == "ok"
    assert set(body) >= {"version", "now", "messages", "pending_transitions",
                         "internal_errors"}


def test_messages_carry_the_whole_story(sent: Sandbox) -> None:
    first = sent.messages()[0]
    assert {k: first[k] for k in ("provider", "phone", "text", "encoding", "parts", "cost",
                                  "status", "err", "ext_id")} == {
        "provider": "smsc", "phone": "79991234567", "text": "alpha", "encoding": "GSM-7",
        "parts": 1, "cost": "1.40", "status": "delivered", "err": 0, "ext_id": "1"}
    assert [step["status"] for step in first["timeline"]] == ["queued", "sent", "delivered"]


@pytest.mark.parametrize(("filters", "texts"), [
    ({"status": "undelivered"}, ["Beta"]),
    ({"phone": "+7916"}, ["gamma"]),
    ({"text": "BETA"}, ["Beta"]),
    ({"provider": "smsc", "status": "delivered"}, ["alpha", "gamma"]),
    ({"provider": "targetsms"}, []),
])
def test_message_filters(sent: Sandbox, filters: dict[str, str], texts: list[str]) -> None:
    assert [m["text"] for m in sent.messages(**filters)] == texts


def test_one_message_by_id(sent: Sandbox, http: httpx.Client) -> None:
    message = sent.messages()[1]
    assert http.get(f"/_mock/messages/{message['id']}").json() == message
    assert http.get("/_mock/messages/999999999").status_code == 404
    assert http.get("/_mock/messages/abc").status_code == 404


def test_unknown_status_filter_is_a_clear_400(http: httpx.Client) -> None:
    response = http.get("/_mock/messages", params={"status": "lost"})
    assert (response.status_code, response.json()) == (400, {"error": "unknown status 'lost'"})


def test_accounts_are_created_then_updated(http: httpx.Client) -> None:
    created = http.post("/_mock/accounts", json={"provider": "smsc", "login": "api-acc",
                                                 "password": "p", "balance": "5.5"})
    assert (created.status_code, created.json()["balance"]) == (201, "5.5")
    updated = http.post("/_mock/accounts", json={"provider": "smsc", "login": "api-acc",
                                                 "balance": "7", "blocked": True})
    assert updated.status_code == 200
    assert (updated.json()["balance"], updated.json()["blocked"]) == ("7", True)
    blocked = Smsc(http, MockAccount("smsc", "api-acc", "p"))
    assert blocked.send(phones="79991234567", mes="x", fmt=1) == "1,-6"


@pytest.mark.parametrize(("body", "error"), [
    ({"provider": "nope", "login": "x"}, "unknown provider 'nope'"),
    ({"provider": "smsc"}, "an account needs 'login'"),
    ({"provider": "smsc", "login": "x", "balance": "lots"}, "account smsc/x: not an amount"),
    ({"provider": "smsc", "login": "x", "colour": "red"}, "unknown account keys: colour"),
])
def test_bad_account_bodies_are_refused_clearly(http: httpx.Client, body: dict[str, str],
                                                error: str) -> None:
    response = http.post("/_mock/accounts", json=body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)


def test_non_json_bodies_are_a_400(http: httpx.Client) -> None:
    assert http.post("/_mock/accounts", content=b"{nope").status_code == 400
    assert http.post("/_mock/clock/advance", json=[1]).status_code == 400


@pytest.mark.parametrize("seconds", [-1, "10", None, True])
def test_advance_wants_a_non_negative_number(http: httpx.Client, seconds: object) -> None:
    response = http.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 400


def test_advance_moves_the_clock_and_reports_fired_transitions(sms_mocks: Sandbox,
                                                               http: httpx.Client) -> None:
    Smsc(http, sms_mocks.account("smsc")).send(phones="79991234567", mes="x")
    before = http.get("/_mock/clock").json()
    after = sms_mocks.advance(90)
    assert after["timestamp"] - before["timestamp"] == 90
    assert after["fired"] >= 2
    assert after["mode"] == "virtual"


def test_reset_forgets_messages_and_restores_configured_accounts(doc_server) -> None:
    with http_client(doc_server.url) as http:
        Smsc(http, ALEX_ACCOUNT).send(phones="79991234567", mes="x")
        http.post("/_mock/accounts", json={"provider": "smsc", "login": "temp"})
        assert http.get("/_mock/health").json()["messages"] == 1
        assert http.post("/_mock/reset").json() == {"status": "ok"}
        assert http.get("/_mock/health").json()["messages"] == 0
        logins = [a["login"] for a in http.get("/_mock/accounts").json()["accounts"]]
        assert logins == ["alex", "test", "demo"]
        assert http.get("/sys/balance.php", params={"login": "alex", "psw": "123"}).text == \
            "1000.00"


def test_openapi_describes_every_control_route(http: httpx.Client) -> None:
    document = http.get("/_mock/openapi.json").json()
    assert document["openapi"].startswith("3.")
    served = {(route.path, method.lower()) for route in ROUTES
              for method in route.methods or () if method != "HEAD"}
    described = {(path, method) for path, item in document["paths"].items()
                 for method in item}
    assert served == described
    assert {"/_mock/health", "/_mock/messages", "/_mock/sink/{name}"} <= set(document["paths"])


def test_an_absurd_advance_is_refused_and_the_clock_keeps_working(http: httpx.Client) -> None:
    response = http.post("/_mock/clock/advance", content=b'{"seconds": 1e308}')
    assert response.status_code == 400
    assert "at most" in response.json()["error"]
    assert http.post("/_mock/clock/advance", json={"seconds": 1}).status_code == 200


@pytest.mark.parametrize("balance", ["1e999999", "0.0000001", "1000000000000000"])
def test_absurd_amounts_are_refused(http: httpx.Client, balance: str) -> None:
    response = http.post("/_mock/accounts", json={"provider": "smsc", "login": "rich",
                                                  "balance": balance})
    assert response.status_code == 400
    assert "an amount must be below" in response.json()["error"]
