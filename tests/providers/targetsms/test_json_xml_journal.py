"""The JSON API's and the XML gate's requests in the journal (/_mock/journal), the request log
and /_mock/metrics: the endpoint, the account, the outcome (a whole-request error, or the
sentence when no abonent went), the ids sent, and why, in the API's own field names."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient, Sandbox
from tests.helpers.clients import http_client
from tests.providers.targetsms.gate import (
    BAD_DOCUMENT,
    NO_POST,
    PHONE,
    WRONG_LOGIN,
    JsonGate,
    XmlGate,
    abonent,
    message,
)

SENDERS = {"Shop": "approved", "Later": "pending"}


@pytest.fixture
def pair(sms_mocks: Sandbox, http: httpx.Client) -> tuple[JsonGate, XmlGate]:
    account = sms_mocks.account("targetsms", balance="100", senders=SENDERS,
                                stop_list=["79990000001"])
    return JsonGate(http, account), XmlGate(http, account)


def _last(sms_mocks: Sandbox) -> dict[str, Any]:
    """The newest request on the session's emulator (one that names no account too: the
    sandbox's own journal() keeps to its accounts)."""
    return sms_mocks.control.journal(limit=1)[0]


def test_a_json_send(pair: tuple[JsonGate, XmlGate], sms_mocks: Sandbox) -> None:
    gate, _ = pair
    rows = gate.send({"sender": "Shop", "text": "hi", "abonent": [
        {"phone": PHONE, "number_sms": 1}, {"phone": "79990000001", "number_sms": 2},
        {"phone": "79011234567", "number_sms": 3}]})
    entry = _last(sms_mocks)
    login = gate.account.login
    assert (entry["provider"], entry["endpoint"], entry["path"], entry["account"],
            entry["outcome"], entry["refused"]) == (
        "targetsms", "sendsmsjson.php (sms)", "/sendsmsjson.php", login, "ok", False)
    assert entry["ids"] == [rows[0]["id_sms"], rows[2]["id_sms"]]
    assert entry["params"] == {"login": login, "password": "***", "type": "sms", "message": [
        {"sender": "Shop", "text": "hi", "abonent": [
            {"phone": PHONE, "number_sms": "1"}, {"phone": "79990000001", "number_sms": "2"},
            {"phone": "79011234567", "number_sms": "3"}]}]}
    assert entry["explanation"] == "number_sms 2: phone '79990000001' is in the account's stop-list"


@pytest.mark.parametrize(("message_", "outcome", "explanation"), [
    ({"sender": "Ghost"}, "Такого отправителя Нет.",
     "number_sms 1: sender 'Ghost' is not registered for this account"),
    ({"sender": "Later"}, "Отправитель не прошел модерацию.",
     "number_sms 1: sender 'Later' is not approved yet (it is pending)"),
    ({"sender": None}, "Нет отправителя.", "number_sms 1: missing sender"),
    ({"text": ""}, "Нет текста сообщения.", "number_sms 1: missing text"),
    ({"type": "wappush"}, "Нет ссылки.", "number_sms 1: a wappush message needs its url"),
    ({"phone": "12"}, "Укажите номер телефона.", "number_sms 1: phone must be 7XXXXXXXXXX or "
     "another country's international number (got '12')"),
    ({"phone": None}, "Укажите номер телефона.", "number_sms 1: missing phone"),
    ({"phone": "74957271122"}, "Данное направление закрыто.",
     "number_sms 1: phone '74957271122' is a fixed line, which cannot take SMS"),
    ({"text": "mock:9005"}, "Недостаточно средств для отправки SMS. SMS будет отправлена как "
     "только вы пополните счет по данному направлению.",
     "number_sms 1: the text's mock:9005 (the whole send refused): no funds"),
])
def test_a_refused_json_send_is_explained(pair: tuple[JsonGate, XmlGate], sms_mocks: Sandbox,
                                          message_: dict[str, Any], outcome: str,
                                          explanation: str | None) -> None:
    gate, _ = pair
    spec = {"type": "sms", "sender": "Shop", "text": "hi", **message_}
    phone = spec.pop("phone", PHONE)
    spec["abonent"] = [{"number_sms": 1, **({"phone": phone} if phone else {})}]
    gate.send({k: v for k, v in spec.items() if v is not None})
    entry = _last(sms_mocks)
    assert (entry["outcome"], entry["refused"]) == (outcome, True)
    assert entry.get("explanation") == explanation


@pytest.mark.parametrize(("body", "outcome", "explanation"), [
    (b"", NO_POST, "the body is empty (POST without a document)"),
    (b'{"type": ', BAD_DOCUMENT, "not JSON: Expecting value (line 1, column 10)"),
    (b"[]", BAD_DOCUMENT, "the body is a JSON array, not an object"),
    (b"\xff{}", BAD_DOCUMENT, "the body is not UTF-8 (byte 0)"),
    (b'{"type": "balance"}', WRONG_LOGIN, "missing security (login, password), and no account "
     "has the Bearer token if one was sent (the journal does not keep headers)"),
])
def test_a_json_request_error_is_explained(pair: tuple[JsonGate, XmlGate], sms_mocks: Sandbox,
                                           body: bytes, outcome: str, explanation: str) -> None:
    gate, _ = pair
    gate.raw(body)
    entry = _last(sms_mocks)
    assert (entry["outcome"], entry["refused"], entry["explanation"]) == (
        outcome, True, explanation)


def test_json_login_errors_name_the_account(pair: tuple[JsonGate, XmlGate],
                                            sms_mocks: Sandbox) -> None:
    gate, _ = pair
    login = gate.account.login
    gate.post({"security": {"login": login, "password": "bad"}, "type": "balance"})
    assert (_last(sms_mocks)["account"], _last(sms_mocks)["explanation"]) == (
        login, f"wrong password for login '{login}'")
    gate.post({"security": {"login": "ghost", "password": "x"}, "type": "state"})
    assert _last(sms_mocks)["explanation"] == "no account with login 'ghost'"
    gate.post({"security": gate.security(), "type": "originator"})
    entry = _last(sms_mocks)
    assert (entry["endpoint"], entry["outcome"], entry["explanation"]) == (
        "sendsmsjson.php", BAD_DOCUMENT, "type must be sms, state or balance (got 'originator')")


def test_json_state_and_balance(pair: tuple[JsonGate, XmlGate], sms_mocks: Sandbox) -> None:
    gate, _ = pair
    gate.state(1, "2")
    entry = _last(sms_mocks)
    assert (entry["endpoint"], entry["outcome"], entry["params"]["get_state"]) == (
        "sendsmsjson.php (state)", "ok", ["1", "2"])
    assert "ids" not in entry
    gate("balance")
    assert (_last(sms_mocks)["endpoint"], _last(sms_mocks)["outcome"]) == (
        "sendsmsjson.php (balance)", "ok")


def test_xml_requests(pair: tuple[JsonGate, XmlGate], sms_mocks: Sandbox) -> None:
    _, xml = pair
    login = xml.account.login
    [row] = xml.send(message("Shop", "hi", [abonent(PHONE, 4)]), path="/xml/index.php")
    entry = _last(sms_mocks)
    assert (entry["endpoint"], entry["account"], entry["outcome"], entry["ids"]) == (
        "xml/index.php (send)", login, "ok", [row.get("id_sms")])
    assert entry["params"] == {"login": login, "password": "***", "message": [
        {"type": "sms", "sender": "Shop", "text": "hi",
         "abonent": [{"phone": PHONE, "number_sms": "4"}]}]}
    xml.send(message("Shop", "hi", [abonent("79990000001", 1)]))
    entry = _last(sms_mocks)
    assert (entry["endpoint"], entry["outcome"], entry["explanation"]) == (
        "xml/ (send)", "Номер телефона присутствует в стоп-листе.",
        "number_sms 1: phone '79990000001' is in the account's stop-list")
    xml.state(1)
    assert (_last(sms_mocks)["endpoint"], _last(sms_mocks)["outcome"]) == ("xml/state.php", "ok")
    xml.raw("/xml/balance.php", '<?xml version="1.0"?>\n<!DOCTYPE r []><request/>')
    entry = _last(sms_mocks)
    assert (entry["endpoint"], entry["outcome"], entry["explanation"]) == (
        "xml/balance.php", BAD_DOCUMENT,
        "the document has a DOCTYPE or an entity declaration (never read)")
    xml.raw("/xml/balance.php", "<data/>")
    assert _last(sms_mocks)["explanation"] == "the root element is <data>, not <request>"
    xml.raw("/xml/balance.php", f'<request><security><login value="{login}"/>'
                                '<password value="x"/></security></request>')
    assert _last(sms_mocks)["explanation"] == f"wrong password for login '{login}'"


def test_the_journal_filters_them_as_targetsms(pair: tuple[JsonGate, XmlGate],
                                               sms_mocks: Sandbox) -> None:
    gate, xml = pair
    gate("balance")
    xml.balance()
    entries = sms_mocks.control.journal(provider="targetsms", account=gate.account.login)
    assert [e["endpoint"] for e in entries[:2]] == ["xml/balance.php",
                                                    "sendsmsjson.php (balance)"]


@pytest.fixture
def logged() -> Iterator[tuple[httpx.Client, io.StringIO]]:
    stream = io.StringIO()
    with ServerThread(load(clock="virtual", log_format="json")) as server, \
            http_client(server.url) as http:
        server.app.runtime.requests.stream = stream
        yield http, stream
        control = ControlClient(server.url)
        assert control.health()["internal_errors"] == 0
        control.close()


@pytest.mark.slow
def test_the_request_log_and_the_metrics_count_them(
        logged: tuple[httpx.Client, io.StringIO]) -> None:
    http, stream = logged
    demo = {"login": "demo", "password": "demo"}
    sent = http.post("/sendsmsjson.php", json={"security": demo, "type": "sms", "message": [
        {"sender": "TargetSMS", "text": "hi", "abonent": [{"phone": PHONE}]}]}).json()
    http.post("/sendsmsjson.php", json={"security": {**demo, "password": "x"}, "type": "state"})
    http.post("/xml/", content='<request><security><login value="demo"/><password value="demo"/>'
                               '</security><message><text>hi</text><abonent phone="79161234567"/>'
                               "</message></request>")
    http.post("/xml/balance.php", content=b"")
    metrics = http.get("/_mock/metrics").text
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(x["endpoint"], x["account"], x["outcome"], x["ids"]) for x in lines] == [
        ("sendsmsjson.php (sms)", "demo", "ok", [sent["sms"][0]["id_sms"]]),
        ("sendsmsjson.php (state)", "demo", WRONG_LOGIN, []),
        ("xml/ (send)", "demo", "Нет отправителя.", []),
        ("xml/balance.php", None, NO_POST, [])]
    counted = {(s.labels["endpoint"], s.labels["outcome"]): s.value
               for family in text_string_to_metric_families(metrics)
               for s in family.samples if s.name == "sms_mocks_requests_total"
               and s.labels["provider"] == "targetsms"}
    assert counted == {("sendsmsjson.php (sms)", "ok"): 1,
                       ("sendsmsjson.php (state)", WRONG_LOGIN): 1,
                       ("xml/ (send)", "Нет отправителя."): 1,
                       ("xml/balance.php", NO_POST): 1}


BODIES = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda t, inner: json.dumps({"security": {"login": "demo", "password": "demo"},
                                           "type": t, **inner}).encode(),
              st.sampled_from(["sms", "state", "balance", "x"]),
              st.sampled_from([{}, {"message": [{"sender": "TargetSMS", "text": "a",
                                                  "abonent": [{"phone": "79161234567"}]}]},
                               {"message": [{"abonent": [{"phone": "12"}, {}]}]},
                               {"get_state": [1, "x", None]}, {"message": "x"}])),
    st.sampled_from([
        b'<request><security><login value="demo"/><password value="demo"/></security>'
        b'<message><sender>TargetSMS</sender><text>a</text><abonent phone="79161234567"/>'
        b"</message><get_state><id_sms>1</id_sms></get_state></request>",
        b"<request><message><abonent/></message></request>", b"<request>", b""]),
)


@pytest.mark.slow
@given(path=st.sampled_from(["/sendsmsjson.php", "/xml/", "/xml/index.php", "/xml/state.php",
                             "/xml/balance.php"]),
       body=BODIES, method=st.sampled_from(["GET", "POST"]))
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_request_reads_back_from_the_journal_and_the_log(
        logged: tuple[httpx.Client, io.StringIO], path: str, body: bytes, method: str) -> None:
    http, stream = logged
    assert http.request(method, path, content=body or None).status_code == 200
    [entry] = http.get("/_mock/journal", params={"limit": 1}).json()["entries"]
    assert entry["provider"] == "targetsms" and entry["path"] == path
    assert entry["refused"] == (entry["outcome"] != "ok")
    assert http.get("/_mock/health").json()["internal_errors"] == 0
    http.get("/_mock/metrics")  # flushes the request log
    assert json.loads(stream.getvalue().splitlines()[-1])["path"] == path
