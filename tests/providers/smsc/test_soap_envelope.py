"""POST /sys/soap.php at the byte level: what PHP's SoapServer answers, for good calls and for
every kind of bad envelope, and hostile input that must never crash or lose anything."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sms_mocks.testing.sandbox import ControlClient
from tests.providers.smsc.soap import ENV, HEADERS, NS, envelope, fault

ALEX = {"login": "alex", "psw": "123"}
BALANCE_ANSWER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV='
    b'"http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://smsc.ru/sys/soap.php">'
    b"<SOAP-ENV:Body><ns1:BalanceResponse><balanceresult><balance>1000.00</balance>"
    b"<error>0</error></balanceresult></ns1:BalanceResponse></SOAP-ENV:Body>"
    b"</SOAP-ENV:Envelope>\n")


@pytest.fixture
def soap_http(doc_http: httpx.Client) -> httpx.Client:
    """`doc_http` sending SOAP's headers."""
    doc_http.headers.update(HEADERS)
    return doc_http


def post(soap_http: httpx.Client, body: bytes) -> httpx.Response:
    return soap_http.post("/sys/soap.php", content=body)


@pytest.mark.parametrize("qualified", [False, True], ids=["unqualified", "qualified"])
def test_children_are_read_qualified_or_not(soap_http: httpx.Client, qualified: bool) -> None:
    response = post(soap_http, envelope("balance", ALEX, qualified=qualified))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content == BALANCE_ANSWER


def test_dispatch_is_on_the_body_not_the_soapaction(soap_http: httpx.Client) -> None:
    response = soap_http.post("/sys/soap.php", content=envelope("balance", ALEX),
                              headers={"SOAPAction": '"http://smsc.ru/sys/soap.php#send_sms"'})
    assert response.content == BALANCE_ANSWER


@pytest.mark.parametrize("after", [b"<x/>", f'<e:Header xmlns:e="{ENV}"/>'.encode(),
                                   f'<e:Body xmlns:e="{ENV}"/>'.encode()],
                         ids=["element", "header", "second-body"])
def test_what_follows_the_body_is_ignored_as_php_does(soap_http: httpx.Client,
                                                           after: bytes) -> None:
    # PHP's SoapServer takes an optional Header, then the Body, and reads no further (SOAP 1.1)
    body = envelope("balance", ALEX).replace(b"</soap-env:Envelope>",
                                             after + b"</soap-env:Envelope>")
    response = post(soap_http, body)
    assert (response.status_code, response.content) == (200, BALANCE_ANSWER)


def test_a_send_answers_in_phps_shape(soap_http: httpx.Client) -> None:
    body = envelope("send", {**ALEX, "phones": "79999999999", "mes": "Hello world!", "id": "",
                             "sender": "ivan", "time": "0"})
    assert post(soap_http, body).content == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV='
        f'"{ENV}" xmlns:ns1="{NS}"><SOAP-ENV:Body><ns1:SendResponse><sendresult><id>1</id>'
        "<balance>998.60</balance><cost>1.40</cost><cnt>1</cnt></sendresult>"
        "</ns1:SendResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>\n").encode()


def test_an_apikey_element_logs_in(soap_http: httpx.Client, doc_server: ControlClient) -> None:
    doc_server.put_account(provider="smsc", login="keyed", password="pw", api_keys=["K3Y"],
                           balance="5.00")
    body = envelope("balance", {"login": "", "psw": "", "apikey": "K3Y"})
    assert b"<balance>5.00</balance>" in post(soap_http, body).content


def test_an_error_is_in_band_with_http_200(soap_http: httpx.Client) -> None:
    response = post(soap_http, envelope("send", {"login": "alex", "psw": "bad", "phones": "7",
                                                 "mes": "x"}))
    assert response.status_code == 200
    assert b"<sendresult><error>2</error></sendresult>" in response.content


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        + envelope("balance", {"login": "&lol2;", "psw": "1"}))


@pytest.mark.parametrize(("body", "expected"), [
    (b"<x", ("Client", "Bad Request")),
    (b"", ("Client", "Bad Request")),
    (b"\xff\xfe<\x00", ("Client", "Bad Request")),
    (BOMB, ("Server", "DTD are not supported by SOAP")),
    (envelope("balance", ALEX).replace(b"&", b"&amp;").replace(b"alex", b"&undefined;"),
     ("Client", "Bad Request")),
    (b"<a/>", ("VersionMismatch", "Wrong Version")),
    (envelope("balance", ALEX).replace(ENV.encode(), b"http://www.w3.org/2003/05/soap-envelope"),
     ("VersionMismatch", "Wrong Version")),
    (f'<e:Envelope xmlns:e="{ENV}"><e:Body/></e:Envelope>'.encode(),
     ("Client", 'looks like we got "Body" without function call')),
    (f'<e:Envelope xmlns:e="{ENV}"/>'.encode(),
     ("Client", "Body must be present in a SOAP envelope")),
    (f'<e:Envelope xmlns:e="{ENV}"><e:Header/></e:Envelope>'.encode(),
     ("Client", "Body must be present in a SOAP envelope")),
    (envelope("balance", ALEX).replace(b"<soap-env:Body>", b"<x/><soap-env:Body>"),
     ("Client", "Body must be present in a SOAP envelope")),
    (envelope("nope", ALEX), ("Server", "Procedure 'nope' not present")),
    (envelope("balance", ALEX, namespace="http://example.com/"),
     ("Server", "Procedure 'balance' not present")),
    (b"<" * (2 * 1024 * 1024 + 1), ("Client", "Bad Request")),
], ids=["truncated", "empty", "utf16-junk", "entity-bomb", "undefined-entity", "not-soap",
        "soap-1.2", "empty-body", "no-body", "header-only", "element-before-body",
        "unknown-operation", "other-namespace", "huge"])
def test_a_bad_envelope_gets_phps_fault_with_500(soap_http: httpx.Client, body: bytes,
                                                      expected: tuple[str, str]) -> None:
    response = post(soap_http, body)
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content == fault(*expected)


def test_nothing_accepted_is_lost_to_garbage(soap_http: httpx.Client,
                                                  doc_server: ControlClient) -> None:
    post(soap_http, envelope("send", {**ALEX, "phones": "79999999999", "mes": "keep me"}))
    for junk in (b"<x", BOMB, b"\x00" * 100, envelope("send", {"login": "alex"})):
        post(soap_http, junk)
    kept = [m["text"] for m in doc_server.messages()]
    assert kept == ["keep me"]
    assert doc_server.health()["internal_errors"] == 0


LEAVES = st.one_of(st.text(max_size=30), st.sampled_from(["alex", "123", "79999999999", "0",
                                                          "1", "2", "-1", "+5", "9-21"]))
OPERATIONS = ["balance", "send", "send2", "cost", "cost2", "status", "status2", "other"]
NAMES = ["login", "psw", "phones", "mes", "id", "sender", "time", "query", "phone", "all",
         "apikey", "x"]


def _xml_text(value: str) -> str:
    """Only the characters XML 1.0 allows: everything else is the parser's business."""
    return "".join(c for c in value if c in "\t\n\r" or " " <= c <= "\ud7ff"
                   or "\ue000" <= c <= "\ufffd")


@st.composite
def calls(draw: st.DrawFn) -> bytes:
    fields = draw(st.dictionaries(st.sampled_from(NAMES), LEAVES.map(_xml_text), max_size=8))
    body = envelope(draw(st.sampled_from(OPERATIONS)), fields,
                    qualified=draw(st.booleans()))
    cut = draw(st.integers(min_value=0, max_value=len(body)))
    return body if draw(st.booleans()) else body[:cut] + draw(st.binary(max_size=20))


@pytest.mark.slow
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=calls())
def test_any_envelope_gets_an_answer_or_a_fault(soap_http: httpx.Client, doc_server: ControlClient,
                                                     body: bytes) -> None:
    response = post(soap_http, body)
    assert response.status_code in (200, 500)
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{ENV}}}Envelope"
    is_fault = root.find(f"{{{ENV}}}Body/{{{ENV}}}Fault") is not None
    assert is_fault == (response.status_code == 500)
    if is_fault:
        assert root.findtext(f"{{{ENV}}}Body/{{{ENV}}}Fault/faultstring") != \
            "Internal Server Error"
    assert doc_server.health()["internal_errors"] == 0


def test_xsi_type_cannot_turn_a_field_into_another_model(soap_http: httpx.Client,
                                                              doc_server: ControlClient) -> None:
    body = envelope("send", {**ALEX, "phones": "79999999999", "mes": "typed"}).replace(
        b"<phones>", b'<phones xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                     b'xmlns:n="http://smsc.ru/sys/soap.php" xsi:type="n:Error">')
    response = post(soap_http, body)
    assert response.status_code == 200
    assert b"<cnt>1</cnt>" in response.content
    assert doc_server.health()["internal_errors"] == 0


def test_a_doctype_inside_cdata_is_text_not_a_dtd(soap_http: httpx.Client,
                                                       doc_server: ControlClient) -> None:
    body = envelope("send", {**ALEX, "phones": "79999999999", "mes": "MARK"}).replace(
        b"MARK", b"<![CDATA[<!DOCTYPE html> & <b>]]>")
    assert b"<cnt>1</cnt>" in post(soap_http, body).content
    assert [m["text"] for m in doc_server.messages()] == ["<!DOCTYPE html> & <b>"]


@pytest.mark.slow
def test_a_call_with_thousands_of_children_is_refused(soap_http: httpx.Client) -> None:
    body = envelope("balance", ALEX).replace(b"<psw>", b"<x/>" * 5000 + b"<psw>")
    response = post(soap_http, body)
    assert (response.status_code, response.content) == (500, fault("Client", "Bad Request"))
