"""Every kind of fault, as a real httpx client meets it, on each provider's send command."""

from __future__ import annotations

import contextlib
import re
import time

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.faults.gates import Gate, make_gate
from tests.providers.smsc.client import Smsc
from tests.providers.smsc.soap import HEADERS, envelope


def fault_on(sms_mocks: Sandbox, gate: Gate, **spec: object) -> int:
    """A rule for this test's account only, so nothing else on the server meets it."""
    return sms_mocks.fault(account=gate.account.login, **spec)


PAGER_504 = ("<?xml version='1.0' encoding='UTF-8'?>\n<data>\n<code>504</code>\n"
             "<descr>Недопустимое значение Адреса отправителя</descr>\n</data>\n")


@pytest.mark.parametrize(("provider", "code", "content_type", "body"), [
    ("smsc", 7, "text/plain; charset=utf-8", "0,-7"),
    ("smsc", 2, "text/plain; charset=utf-8", "0,-2"),
    ("smspager", 504, "text/xml; charset=UTF-8", PAGER_504),
    ("targetsms", "stop_list", "text/plain; charset=utf-8",
     "Номер телефона присутствует в стоп-листе."),
])
def test_an_error_is_the_dialects_own_answer_and_runs_nothing(
        sms_mocks: Sandbox, http: httpx.Client, provider: str, code: object,
        content_type: str, body: str) -> None:
    gate = make_gate(sms_mocks, http, provider)
    fault_on(sms_mocks, gate, provider=provider, action="error", code=code)
    response = gate.send()
    assert (response.status_code, response.headers["content-type"]) == (200, content_type)
    assert response.content.decode("utf-8") == body
    assert sms_mocks.messages() == []
    assert sms_mocks.balance(gate.account) == "1000"


@pytest.mark.parametrize(("fmt", "body"), [
    ("0", "ERROR = 8 (can't to deliver), ID - 42"),
    ("1", "42,-8"),
    ("2", "<result>\n<error>can't to deliver</error>\n<error_code>8</error_code>\n<id>42</id>\n"
          "</result>"),
    ("3", '{"error":"can\'t to deliver","error_code":8,"id":42}'),
])
def test_smsc_errors_follow_fmt_and_echo_the_id(sms_mocks: Sandbox, smsc_gate: Gate,
                                                fmt: str, body: str) -> None:
    fault_on(sms_mocks, smsc_gate, endpoint="/sys/send.php", action="error", code=8)
    response = Smsc(smsc_gate.http, smsc_gate.account).post(
        "send", phones="79991234567", mes="hi", id="42", fmt=fmt)
    assert response.text == body


def test_smsc_soap_errors_are_in_band(sms_mocks: Sandbox, smsc_gate: Gate) -> None:
    fault_on(sms_mocks, smsc_gate, endpoint="/sys/soap.php", action="error", code=3)
    login = {"login": smsc_gate.account.login, "psw": smsc_gate.account.password}
    send = smsc_gate.http.post("/sys/soap.php", headers=HEADERS, content=envelope(
        "send", {**login, "phones": "79991234567", "mes": "hi", "id": "42"}))
    balance = smsc_gate.http.post("/sys/soap.php", headers=HEADERS,
                                  content=envelope("balance", login))
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV='
            '"http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://smsc.ru/sys/soap.php">'
            "<SOAP-ENV:Body>")
    tail = "</SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
    assert (send.status_code, send.text) == (200, head + "<ns1:SendResponse><sendresult><id>42"
                                             "</id><error>3</error></sendresult>"
                                             "</ns1:SendResponse>" + tail)
    assert balance.text == (head + "<ns1:BalanceResponse><balanceresult><error>3</error>"
                            "</balanceresult></ns1:BalanceResponse>" + tail)
    wsdl = smsc_gate.http.get("/sys/soap.php?wsdl")  # the WSDL has no place for an error
    assert wsdl.status_code == 200 and b"<wsdl:definitions" in wsdl.content
    assert sms_mocks.messages() == []


def test_a_status_is_the_front_servers_page(sms_mocks: Sandbox, gate: Gate) -> None:
    fault_on(sms_mocks, gate, action="status", status=503, retry_after=30, times=1)
    sms_mocks.fault(account=gate.account.login, action="status", status=429, times=1)
    unavailable, limited = gate.send(), gate.send()
    assert unavailable.status_code == 503
    assert unavailable.headers["retry-after"] == "30"
    assert unavailable.headers["content-type"] == "text/html"
    assert unavailable.text == (
        "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
        "<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    assert limited.status_code == 429 and "retry-after" not in limited.headers
    assert "<title>429 Too Many Requests</title>" in limited.text
    assert gate.accepted(gate.send())


@pytest.mark.slow
@pytest.mark.parametrize("spec", [
    {"seconds": 0.3},
    {"distribution": "uniform", "min": 0.3, "max": 0.4},
    {"distribution": "lognormal", "mu": 5, "sigma": 0.1, "max": 0.3},  # e^5 s, capped
])
def test_a_delay_answers_late_but_whole(sms_mocks: Sandbox, gate: Gate,
                                        spec: dict[str, object]) -> None:
    fault_on(sms_mocks, gate, action="delay", **spec)
    started = time.monotonic()
    response = gate.send()
    elapsed = time.monotonic() - started
    assert gate.accepted(response)
    assert 0.3 <= elapsed < 2


@pytest.mark.slow
def test_a_delay_past_the_clients_timeout_still_sends(sms_mocks: Sandbox, gate: Gate) -> None:
    """The gateway was slow, not broken: a client that gave up has still sent the message."""
    fault_on(sms_mocks, gate, action="delay", seconds=1)
    with pytest.raises(httpx.ReadTimeout):
        gate.send(timeout=0.2)
    assert len(sms_mocks.messages()) == 1


def test_close_is_a_disconnect_without_an_answer(sms_mocks: Sandbox, gate: Gate) -> None:
    fault_on(sms_mocks, gate, action="close", times=1)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        gate.send()
    assert gate.accepted(gate.send())  # the next connection is answered


def test_reset_is_a_connection_reset(sms_mocks: Sandbox, gate: Gate) -> None:
    fault_on(sms_mocks, gate, action="reset", times=1)
    with pytest.raises(httpx.ReadError, match="reset"):
        gate.send()
    assert gate.accepted(gate.send())


@pytest.mark.slow
def test_truncate_sends_less_than_content_length_promises(sms_mocks: Sandbox,
                                                          gate: Gate) -> None:
    fault_on(sms_mocks, gate, action="truncate", times=1)
    with pytest.raises(httpx.RemoteProtocolError) as raised:
        gate.send()
    received, expected = map(int, re.findall(r"received (\d+) bytes, expected (\d+)",
                                             str(raised.value))[0])
    assert received == expected // 2
    assert len(sms_mocks.messages()) == 1  # the gateway took it; its answer was lost


def test_garble_corrupts_the_real_answer_the_same_way_for_a_seed(sms_mocks: Sandbox,
                                                                  gate: Gate) -> None:
    clean = gate.balance().content

    def garbled(seed: int) -> httpx.Response:
        rule = fault_on(sms_mocks, gate, action="garble", ratio=0.5, seed=seed, times=1)
        response = gate.balance()
        sms_mocks.control.call("DELETE", f"/_mock/faults/{rule.id}")
        return response

    first, again, other = garbled(3), garbled(3), garbled(4)
    assert first.status_code == 200
    assert len(first.content) == len(clean)
    changed = sum(a != b for a, b in zip(first.content, clean, strict=True))
    assert changed == max(1, round(len(clean) * 0.5))
    assert again.content == first.content
    assert other.content != first.content
    assert gate.balance().content == clean


@pytest.mark.slow
def test_dribble_sends_the_whole_answer_slowly(sms_mocks: Sandbox, gate: Gate) -> None:
    whole = gate.balance().content
    chunk = max(1, len(whole) // 5)  # five pieces or so, 50 ms apart
    fault_on(sms_mocks, gate, action="dribble", chunk=chunk, interval=0.05)
    started = time.monotonic()
    arrivals: list[float] = []
    body = b""
    response = gate.http.send(gate.balance_request(), stream=True)
    try:
        for piece in response.iter_raw():
            arrivals.append(time.monotonic() - started)
            body += piece
    finally:
        response.close()
    assert body == whole
    pieces = -(-len(whole) // chunk)
    assert len(arrivals) > 1
    assert arrivals[-1] >= 0.05 * (pieces - 1) * 0.9


@pytest.mark.slow
def test_hold_keeps_the_request_until_the_client_gives_up(sms_mocks: Sandbox,
                                                          gate: Gate) -> None:
    fault_on(sms_mocks, gate, action="hold", seconds=30, times=1)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        gate.send(timeout=0.3)
    assert time.monotonic() - started < 5
    assert sms_mocks.messages() == []  # a held request is never carried out
    assert gate.accepted(gate.send())


@pytest.mark.slow
def test_a_hold_ends_in_a_hang_up_at_its_limit(sms_mocks: Sandbox, gate: Gate) -> None:
    fault_on(sms_mocks, gate, action="hold", seconds=0.2, times=1)
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        gate.send()
    assert 0.2 <= time.monotonic() - started < 5


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "spec", "stored"), [
    ("error", {"code": None}, 0),
    ("status", {"status": 502}, 0),
    ("close", {}, 0),
    ("reset", {}, 0),
    ("hold", {"seconds": 0.1}, 0),
    ("delay", {"seconds": 0.01}, 1),
    ("truncate", {}, 1),
    ("garble", {}, 1),
    ("dribble", {"chunk": 64, "interval": 0}, 1),
])
def test_nothing_accepted_is_lost(sms_mocks: Sandbox, gate: Gate, kind: str,
                                  spec: dict[str, object], stored: int) -> None:
    """A message sent before a fault is still there and is delivered; a faulted request is
    carried out exactly when the fault happens on its way back (delay, truncate, garble,
    dribble) and never when it happens on its way in."""
    assert gate.accepted(gate.send(text="before"))
    if kind == "error":
        spec = {"code": {"smsc": 1, "smspager": 500, "targetsms": "no_text"}[gate.provider],
                "provider": gate.provider}
    fault_on(sms_mocks, gate, action=kind, times=1, **spec)
    with contextlib.suppress(httpx.HTTPError):
        gate.send(text="during")
    sms_mocks.advance(60)
    texts = [m["text"] for m in sms_mocks.messages()]
    assert texts == ["before"] + ["during"] * stored
    assert sms_mocks.messages()[0]["status"] == "delivered"


def test_rest_send_is_matched_in_its_json_and_errs_in_json(sms_mocks: Sandbox,
                                                           smsc_gate: Gate) -> None:
    fault_on(sms_mocks, smsc_gate, endpoint="/rest/send/", phone="79991234567",
             action="error", code=3)
    body = {"login": smsc_gate.account.login, "psw": smsc_gate.account.password,
            "phones": ["79991234567"], "mes": "hi", "id": 17}
    refused = smsc_gate.http.post("/rest/send/", json=body)
    assert refused.text == '{"error":"no money","error_code":3,"id":17}'
    sent = smsc_gate.http.post("/rest/send/", json={**body, "phones": ["79161234567"]})
    assert sent.json()["cnt"] == 1
    assert [m["phone"] for m in sms_mocks.messages()] == ["79161234567"]
