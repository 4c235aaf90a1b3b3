"""/_mock/outcomes rules, carrier profiles and manual transitions, over real HTTP, read back
through the providers' own status APIs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.config import ConfigError, load
from sms_mocks.core import carriers
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, ControlError, MockAccount, Sandbox
from tests.helpers.clients import http_client
from tests.helpers.polling import at_least, eventually
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

PHONE = "79161234567"


@pytest.fixture
def smsc(sms_mocks: Sandbox, http: httpx.Client) -> Smsc:
    return Smsc(http, sms_mocks.account("smsc", balance="100.00"))


def send(smsc: Smsc, phone: str = PHONE, **params: Any) -> int:
    answer = json.loads(smsc.send(phones=phone, mes="hello", fmt=3, **params))
    assert "error" not in answer, answer
    return answer["id"]  # type: ignore[no-any-return]


def status(smsc: Smsc, ext_id: int, phone: str = PHONE) -> tuple[int, int]:
    answer = json.loads(smsc.status(id=ext_id, phone=phone, fmt=3))
    return answer["status"], answer.get("err", 0)


def message_id(sandbox: Sandbox, account: MockAccount) -> int:
    [message] = [m for m in sandbox.messages() if m["account"] == account.login][-1:]
    return message["id"]  # type: ignore[no-any-return]


# rules ------------------------------------------------------------------------------------
def test_a_rule_is_created_listed_and_deleted(http: httpx.Client, sms_mocks: Sandbox,
                                              smsc: Smsc) -> None:
    spec = {"provider": "smsc", "account": smsc.account.login, "phone": "+7 916 123-45-67",
            "outcome": "undelivered", "err": 13, "progression": {"after": "seconds", "n": 20}}
    created = http.post("/_mock/outcomes", json=spec)
    assert created.status_code == 201
    rule = created.json()
    assert rule == {"id": rule["id"], "provider": "smsc", "account": smsc.account.login,
                    "phone": PHONE, "outcome": "undelivered", "err": 13,
                    "progression": {"after": "seconds", "n": 20}}
    assert rule in http.get("/_mock/outcomes").json()["rules"]
    ext_id = send(smsc)
    sms_mocks.advance(19.5)
    assert status(smsc, ext_id) == (0, 0)
    sms_mocks.advance(0.5)
    assert status(smsc, ext_id) == (20, 13)
    assert http.delete(f"/_mock/outcomes/{rule['id']}").json() == {"deleted": 1}
    assert rule not in http.get("/_mock/outcomes").json()["rules"]
    again = http.delete(f"/_mock/outcomes/{rule['id']}")
    assert (again.status_code, again.json()) == (404, {"error": "no such outcome rule"})


@pytest.mark.parametrize(("body", "error"), [
    ({"outcome": "lost"}, "outcome is one of delivered, undelivered, expired, stuck, read"),
    ({"outcome": "undelivered"}, "an undelivered outcome needs err, a whole number 1..999"),
    ({"err": 3}, "err goes only with outcome \"undelivered\""),
    ({"provider": "x"}, "provider is one of smsc, smspager, targetsms"),
    ({"progression": {"after": "polls"}},
     "progression polls needs n, a whole number 1..1000000"),
    ({"when": 1}, "unknown keys: when"),
])
def test_bad_rules_are_a_clear_400(http: httpx.Client, body: dict[str, Any],
                                   error: str) -> None:
    response = http.post("/_mock/outcomes", json=body)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_the_sandbox_rule_is_scoped_to_its_account_and_removed_at_close(
        sms_mocks: Sandbox, http: httpx.Client, smsc: Smsc) -> None:
    other = Smsc(http, sms_mocks.account("smsc", balance="100.00"))
    rule = sms_mocks.outcome("stuck", account=smsc.account)
    mine, theirs = send(smsc), send(other)
    sms_mocks.advance(3600)
    assert (status(smsc, mine), status(other, theirs)) == ((0, 0), (1, 0))
    sms_mocks.close()
    assert all(r["id"] != rule.id for r in http.get("/_mock/outcomes").json()["rules"])


def test_polls_progression_counts_real_status_requests(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.outcome("read", account=smsc.account, after="polls", n=3)
    ext_id = send(smsc)
    sms_mocks.advance(600)
    assert [status(smsc, ext_id) for _ in range(4)] == [(0, 0), (0, 0), (2, 0), (2, 0)]


def test_immediate_progression_shows_the_outcome_in_the_first_read(
        sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("targetsms", senders={"Shop": "approved"})
    sms_mocks.outcome("undelivered", account=account, err=1, after="immediate")
    auth = {"user": account.login, "pwd": account.password}
    smsid = http.get("/sendsms.php", params={**auth, "sadr": "Shop", "dadr": PHONE,
                                             "text": "x"}).text
    assert http.get("/sendsms.php", params={**auth, "smsid": smsid}).text == "not_deliver"


def test_manual_progression_waits_for_the_api(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.outcome(account=smsc.account, after="manual")
    ext_id = send(smsc)
    sms_mocks.advance(3 * 24 * 3600)
    assert status(smsc, ext_id) == (0, 0)
    view = sms_mocks.deliver(message_id(sms_mocks, smsc.account))
    assert (view["status"], [s["status"] for s in view["timeline"]]) == (
        "delivered", ["queued", "sent", "delivered"])
    assert status(smsc, ext_id) == (1, 0)


# manual transitions -----------------------------------------------------------------------
def test_fail_moves_a_queued_message_and_its_callbacks_fire(sms_mocks: Sandbox,
                                                           smsc: Smsc) -> None:
    sink = f"{sms_mocks.url}/_mock/sink/{smsc.account.login}"
    sms_mocks.update(smsc.account, callback_url=sink, callback_secret="k")
    ext_id = send(smsc, id=7)
    view = sms_mocks.fail(message_id(sms_mocks, smsc.account), 13)
    assert (view["status"], view["err"]) == ("undelivered", 13)
    assert status(smsc, ext_id) == (20, 13)
    def sunk() -> list[dict[str, Any]]:
        sms_mocks.advance(0)  # the ticker posts what is due
        return sms_mocks.control.call("GET", f"/_mock/sink/{smsc.account.login}")["requests"]

    got = eventually(sunk, at_least(2))
    assert [(r["form"]["status"], r["form"]["err"]) for r in got] == [("0", "0"), ("20", "13")]


def test_read_after_delivery_and_409_once_ended(sms_mocks: Sandbox, smsc: Smsc,
                                                 http: httpx.Client) -> None:
    ext_id = send(smsc)
    sms_mocks.advance(10)
    mid = message_id(sms_mocks, smsc.account)
    assert sms_mocks.mark_read(mid)["status"] == "read"
    assert status(smsc, ext_id) == (2, 0)
    for action, body in (("deliver", None), ("read", None), ("expire", None),
                         ("fail", {"err": 1})):
        response = http.post(f"/_mock/messages/{mid}/{action}", json=body)
        assert (response.status_code, response.json()) == (
            409, {"error": "the message is already read"})


def test_expire_by_hand(sms_mocks: Sandbox, smsc: Smsc) -> None:
    ext_id = send(smsc)
    assert sms_mocks.expire(message_id(sms_mocks, smsc.account))["status"] == "expired"
    assert status(smsc, ext_id) == (3, 0)


def test_a_manual_failure_refunds_a_pay_on_delivery_message(sms_mocks: Sandbox,
                                                            http: httpx.Client) -> None:
    account = sms_mocks.account("smspager", balance="10.00", senders={"Magazin": "approved"})
    body = (f'<?xml version="1.0" encoding="UTF-8"?><data><login>{account.login}</login>'
            f'<password>{account.password}</password><text>x</text><source>Magazin</source>'
            f'<onlydelivery>1</onlydelivery><to number="{PHONE}"></to></data>')
    assert b"<code>1</code>" in http.post("/send.xml", content=body.encode()).content
    charged = sms_mocks.balance(account)
    assert charged != "10.00"
    sms_mocks.fail(message_id(sms_mocks, account), 6)
    assert sms_mocks.balance(account) == "10.00"


@pytest.mark.parametrize(("path", "body", "status_code", "error"), [
    ("/_mock/messages/999999999/deliver", None, 404, "no such message"),
    ("/_mock/messages/abc/read", None, 404, "no such message"),
    ("/_mock/messages/1/fail", {}, 400,
     "err: a whole number 1..999 (a delivery error code)"),
    ("/_mock/messages/1/fail", {"err": 1000}, 400,
     "err: a whole number 1..999 (a delivery error code)"),
])
def test_manual_transition_errors(http: httpx.Client, path: str, body: Any, status_code: int,
                                  error: str) -> None:
    response = http.post(path, json=body)
    assert (response.status_code, response.json()) == (status_code, {"error": error})


# carrier profiles -------------------------------------------------------------------------
def test_carrier_switches_while_running_for_later_messages(sms_mocks: Sandbox,
                                                           smsc: Smsc) -> None:
    assert sms_mocks.update(smsc.account, carrier="dead")["carrier"] == "dead"
    dead = send(smsc)
    assert sms_mocks.update(smsc.account, carrier="healthy")["carrier"] == "healthy"
    healthy = send(smsc, phone="79161234568")
    sms_mocks.advance(24 * 3600 + 60)
    assert (status(smsc, dead), status(smsc, healthy, "79161234568")) == ((3, 0), (1, 0))


def test_a_rule_beats_the_carrier_profile(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, carrier="dead")
    sms_mocks.outcome("delivered", account=smsc.account, phone=PHONE)
    ext_id = send(smsc)
    sms_mocks.advance(10)
    assert status(smsc, ext_id) == (1, 0)


def test_an_unknown_carrier_is_a_400(sms_mocks: Sandbox, smsc: Smsc) -> None:
    with pytest.raises(ControlError, match="carrier is one of healthy, flaky, slow, dead, "
                                           "throttling"):
        sms_mocks.update(smsc.account, carrier="fast")


# configuration ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlClient]:
    path = tmp_path_factory.mktemp("cfg") / "mocks.toml"
    path.write_text('[[outcomes]]\naccount = "alex"\noutcome = "undelivered"\nerr = 11\n'
                    '[[accounts]]\nprovider = "smsc"\nlogin = "bob"\npassword = "p"\n'
                    'carrier = "slow"\n', encoding="utf-8")
    with ServerThread(load(path, clock="virtual")) as server:
        client = ControlClient(server.url)
        yield client
        client.close()


def test_configured_rules_and_carriers_come_back_on_reset(configured: ControlClient) -> None:
    rules = configured.call("GET", "/_mock/outcomes")["rules"]
    assert rules == [{"id": 1, "provider": None, "account": "alex", "phone": None,
                      "outcome": "undelivered", "err": 11,
                      "progression": {"after": "default", "n": None}}]
    configured.call("POST", "/_mock/outcomes", {"outcome": "stuck"})
    assert configured.call("DELETE", "/_mock/outcomes") == {"deleted": 2}
    configured.call("POST", "/_mock/reset")
    assert configured.call("GET", "/_mock/outcomes")["rules"] == rules
    accounts = configured.call("GET", "/_mock/accounts")["accounts"]
    assert {a["login"]: a["carrier"] for a in accounts}["bob"] == "slow"
    with http_client(configured.url) as http:
        alex = Smsc(http, ALEX_ACCOUNT)
        alex.send(phones=PHONE, mes="x", id=5)
        configured.advance(10)
        answer = alex.get("status", id=5, phone=PHONE, fmt=3).json()
    assert (answer["status"], answer["err"]) == (20, 11)


def test_a_bad_configured_rule_fails_at_start(tmp_path: Any) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[outcomes]]\noutcome = "gone"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[\[outcomes\]\] #1: outcome is one of"):
        load(path)


# fuzzing ----------------------------------------------------------------------------------
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=8), children, max_size=3), max_leaves=8)
_specs = st.fixed_dictionaries({}, optional={
    "provider": st.sampled_from(["smsc", "smspager", "targetsms"]) | _json_values,
    "account": st.text(max_size=12) | _json_values,
    "phone": st.text(max_size=16) | _json_values,
    "outcome": st.sampled_from(["delivered", "undelivered", "expired", "stuck", "read"])
    | _json_values,
    "err": st.integers(-5, 1005) | _json_values,
    "progression": st.fixed_dictionaries({}, optional={
        "after": st.sampled_from(["default", "immediate", "seconds", "polls", "manual"])
        | _json_values,
        "n": st.integers(-2, 10**7) | st.floats(allow_nan=False, allow_infinity=False)
        | _json_values}) | _json_values,
}) | _json_values


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=_specs)
def test_any_rule_body_is_201_or_a_400(sms_mocks: Sandbox, http: httpx.Client,
                                       spec: Any) -> None:
    # Scoped to a login no account has, so no other test's messages can match it.
    if isinstance(spec, dict):
        spec = {**spec, "account": "fuzz-nobody"}
    response = http.post("/_mock/outcomes", content=json.dumps(spec),
                         headers={"content-type": "application/json"})
    assert response.status_code in (201, 400), response.text
    if response.status_code == 201:
        http.delete(f"/_mock/outcomes/{response.json()['id']}")
    else:
        assert set(response.json()) == {"error"}


def test_non_finite_seconds_are_a_400(http: httpx.Client) -> None:
    for raw in ("NaN", "Infinity", "-Infinity", "1e400"):
        body = '{"account": "nobody", "progression": {"after": "seconds", "n": ' + raw + "}}"
        response = http.post("/_mock/outcomes", content=body)
        assert response.status_code == 400, (raw, response.text)


def test_throttling_lets_one_message_a_second_out(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, carrier="throttling")
    phones = [f"7916123450{i}" for i in range(3)]
    ext_id = send(smsc, phone=",".join(phones))
    sms_mocks.advance(2)  # the first left at 1 s, the second at 2 s, the third waits
    assert [status(smsc, ext_id, p)[0] for p in phones] == [0, 0, -1]
    sms_mocks.advance(10)
    assert [status(smsc, ext_id, p)[0] for p in phones] == [1, 1, 1]


@pytest.mark.slow
def test_flaky_fails_the_messages_its_hash_picks(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, carrier="flaky")
    phones = [f"791612345{i:02}" for i in range(20)]
    send(smsc, phone=",".join(phones))
    sms_mocks.advance(10)
    got = {m["id"]: (m["status"], m["err"]) for m in sms_mocks.messages()}
    expected = {i: ("undelivered", o.err) if o.err else ("delivered", 0)
                for i in got for o in [carriers.outcome("flaky", i)]}
    assert got == expected
    assert ("delivered", 0) in got.values()
