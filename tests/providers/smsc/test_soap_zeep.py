"""zeep, a real SOAP stack, against the emulator: through the served WSDL and through the real
smsc-soap.wsdl with its address pointed here. Every operation, every result field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import zeep

from sms_mocks.testing.sandbox import ControlClient
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc
from tests.providers.smsc.soap import GOLDEN_WSDL, NS

STATUS_FIELDS = ["status", "last_date", "last_timestamp", "err", "error", "send_date",
                 "send_timestamp", "phone", "cost", "sender_id", "status_name", "message",
                 "operator", "region"]
ALEX = {"login": "alex", "psw": "123"}
PHONE = "79999999999"


@pytest.fixture
def server(doc_server: ControlClient) -> ControlClient:
    doc_server.call("POST", "/_mock/reset")
    return doc_server


def served(server: ControlClient) -> Any:
    return zeep.Client(f"{server.url}/sys/soap.php?wsdl").service


def from_the_real_wsdl(server: ControlClient) -> Any:
    client = zeep.Client(str(GOLDEN_WSDL))
    return client.create_service(f"{{{NS}}}ServiceSoap", f"{server.url}/sys/soap.php")


def fields(result: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(result, name) for name in names}


@pytest.fixture(params=[served, from_the_real_wsdl], ids=["served-wsdl", "real-wsdl"])
def soap(request: pytest.FixtureRequest, server: ControlClient) -> Any:
    return request.param(server)


def test_all_seven_operations(soap: Any, server: ControlClient, doc_http: httpx.Client) -> None:
    balance = soap.get_balance(**ALEX)
    assert fields(balance, ["balance", "error"]) == {"balance": "1000.00", "error": "0"}

    sent = soap.send_sms(**ALEX, phones=PHONE, mes="Hello world!", id="", sender="ivan",
                         time="0")
    assert fields(sent, ["id", "balance", "cost", "cnt", "error"]) == {
        "id": "1", "balance": "998.60", "cost": "1.40", "cnt": "1", "error": None}

    sent2 = soap.send_sms2(**ALEX, phones=f"{PHONE},12", mes="Привет", id="77",
                           sender="ivan", time="0", query="err=1&valid=01:00")
    assert fields(sent2, ["id", "balance", "cost", "cnt", "error"]) == {
        "id": "77", "balance": "997.20", "cost": "1.40", "cnt": "1", "error": None}
    assert [(e.phone, e.status) for e in sent2.errors] == [("12", "22")]

    cost = soap.get_sms_cost(**ALEX, phones=PHONE, mes="x" * 161)
    assert fields(cost, ["cost", "cnt", "error"]) == {"cost": "2.80", "cnt": "2",
                                                      "error": None}
    cost2 = soap.get_sms_cost2(**ALEX, phones=PHONE, mes="x" * 400, query="maxsms=2")
    assert fields(cost2, ["cost", "cnt", "error"]) == {"cost": "2.80", "cnt": "2",
                                                       "error": None}

    status = soap.get_status(**ALEX, phone=PHONE, id="1", all="0")
    assert fields(status, ["status", "err", "error", "phone", "message"]) == {
        "status": "-1", "err": "0", "error": None, "phone": None, "message": None}

    server.advance(60)
    full = soap.get_status2(**ALEX, phone=PHONE, id="1", all="", query="all=2")
    http_view = doc_http.get("/sys/status.php", params={**ALEX, "phone": PHONE, "id": "1",
                                                        "all": "2", "fmt": "3",
                                                        "charset": "utf-8"}).json()
    # an empty string is an empty element, which zeep reads as None
    expected = {name: (str(http_view[name]) or None if name in http_view else None)
                for name in STATUS_FIELDS}
    assert fields(full, STATUS_FIELDS) == expected
    assert full.status == "1" and full.message == "Hello world!" and full.sender_id == "ivan"
    assert full.operator  # all=2 adds the operator and region


def test_a_soap_message_delivered_after_an_advance_reads_1_in_both_apis(
        soap: Any, server: ControlClient, doc_http: httpx.Client) -> None:
    sent = soap.send_sms(**ALEX, phones=PHONE, mes="Hi", id="5001", sender="ivan", time="0")
    assert sent.error is None and sent.id == "5001"
    query = {**ALEX, "phone": PHONE, "id": "5001"}
    assert doc_http.get("/sys/status.php", params=query).text.startswith("Status = -1,")
    server.advance(30)
    assert soap.get_status(**ALEX, phone=PHONE, id="5001").status == "1"
    assert doc_http.get("/sys/status.php", params=query).text.startswith("Status = 1,")


def test_a_message_sent_over_http_is_seen_over_soap(soap: Any, doc_http: httpx.Client) -> None:
    answer = Smsc(doc_http, ALEX_ACCOUNT).get("send", phones=PHONE, mes="via http", id="h1",
                                              fmt="3").json()
    assert answer == {"id": "h1", "cnt": 1}
    status = soap.get_status(**ALEX, phone=PHONE, id="h1", all="1")
    assert (status.status, status.message) == ("-1", "via http")


def test_each_error_comes_back_in_band(soap: Any, server: ControlClient) -> None:
    server.put_account(provider="smsc", login="poor", password="p", balance="0")
    wrong_password = soap.send_sms(login="alex", psw="nope", phones=PHONE, mes="x")
    no_funds = soap.send_sms(login="poor", psw="p", phones=PHONE, mes="x", id="9")
    bad_number = soap.send_sms(**ALEX, phones="12", mes="x", id="10")
    bad_time = soap.send_sms(**ALEX, phones=PHONE, mes="x", time="32.13.26 10:00")
    assert [(r.error, r.id, r.cnt) for r in (wrong_password, no_funds, bad_number, bad_time)] \
        == [("2", None, None), ("3", "9", None), ("7", "10", None), ("5", None, None)]
    assert soap.get_balance(login="alex", psw="nope").error == "2"
    assert soap.get_sms_cost(login="alex", psw="nope", phones=PHONE, mes="x").error == "2"
    assert soap.get_status(**ALEX, phone=PHONE, id="404").error == "3"  # 003: not found
    assert soap.get_status(**ALEX, phone=PHONE, id="").error == "1"


def test_limits_are_counted_together_with_the_http_api(soap: Any, doc_http: httpx.Client) -> None:
    for _ in range(5):
        assert doc_http.get("/sys/balance.php", params=ALEX).status_code == 200
    for _ in range(5):
        assert soap.get_balance(**ALEX).error == "0"
    assert soap.get_balance(**ALEX).error == "9"  # 003: more than ten a minute
    assert doc_http.get("/sys/balance.php", params=ALEX).text == "ERROR = 9 (duplicate request, " \
                                                             "wait a minute)"


def test_a_non_empty_element_wins_over_the_query(soap: Any) -> None:
    sent = soap.send_sms2(**ALEX, phones=PHONE, mes="x", id="e1", sender="ivan", time="0",
                          query="id=q1&phones=79999999998")
    assert (sent.error, sent.id) == (None, "e1")
    assert soap.get_status(**ALEX, phone=PHONE, id="e1").status == "-1"
    assert soap.get_status(**ALEX, phone="79999999998", id="q1").error == "3"


def test_a_query_cost_1_only_prices(soap: Any, server: ControlClient) -> None:
    priced = soap.send_sms2(**ALEX, phones=PHONE, mes="x" * 161, query="cost=1")
    assert fields(priced, ["id", "balance", "cost", "cnt", "error"]) == {
        "id": None, "balance": None, "cost": "2.80", "cnt": "2", "error": None}
    assert server.messages() == []


def test_get_status_reads_one_message_only(soap: Any) -> None:
    soap.send_sms(**ALEX, phones=PHONE, mes="x", id="7")
    assert soap.get_status(**ALEX, phone=f"{PHONE},{PHONE}", id="7,7").error == "1"


def test_status_reads_are_limited_per_message_across_both_apis(soap: Any,
                                                               doc_http: httpx.Client) -> None:
    soap.send_sms(**ALEX, phones=PHONE, mes="x", id="s9")
    query = {**ALEX, "phone": PHONE, "id": "s9"}
    for _ in range(3):
        assert soap.get_status(**ALEX, phone=PHONE, id="s9").error is None
    for _ in range(2):
        assert doc_http.get("/sys/status.php", params=query).text.startswith("Status = ")
    assert soap.get_status(**ALEX, phone=PHONE, id="s9").error == "9"  # 003: over five
    assert doc_http.get("/sys/status.php", params=query).text.startswith("ERROR = 9")


def test_the_ip_block_counts_soap_and_http_together(soap: Any, doc_http: httpx.Client) -> None:
    for _ in range(30):
        assert soap.get_balance(login="alex", psw="wrong").error == "2"
    assert soap.get_balance(**ALEX).error == "4"
    assert doc_http.get("/sys/balance.php", params=ALEX).text == "ERROR = 4 (ip is blocked)"


def test_control_characters_stored_over_http_read_back_over_soap(soap: Any,
                                                                 doc_http: httpx.Client) -> None:
    Smsc(doc_http, ALEX_ACCOUNT).send(phones=PHONE, mes="a\x01b", id="c1")
    assert soap.get_status(**ALEX, phone=PHONE, id="c1", all="1").message == "a?b"
