"""A request a fault rule took counts as what the client got (an nginx status page, a closed or
reset connection, a held one, a cut or garbled answer), in /_mock/metrics, in the request log
and in /_mock/journal; never as "ok". Real HTTP over loopback, rules made through
/_mock/faults as a test makes them."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from tests.helpers.clients import http_client
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

SMSC = {"phones": "79991234567", "fmt": "1"}
PAGER = ("<?xml version='1.0' encoding='UTF-8'?><data><login>test</login>"
         "<password>123456</password><text>{text}</text><source>Magazin</source>"
         "<to number='79991234567'></to></data>")
TARGET = {"user": "demo", "pwd": "demo", "sadr": "Shop", "dadr": "79991234567"}
_texts = itertools.count()  # each send its own text: no duplicate-request rule refuses one
# action spec, what the client meets, the outcome counted
ACTIONS: list[tuple[dict[str, Any], type[Exception] | None, str]] = [
    ({"action": "status", "status": 503}, None, "http 503"),
    ({"action": "status", "status": 429, "retry_after": 1}, None, "http 429"),
    ({"action": "close"}, httpx.RemoteProtocolError, "closed"),
    ({"action": "reset"}, httpx.ReadError, "reset"),
    ({"action": "hold", "seconds": 0.2}, httpx.RemoteProtocolError, "no answer"),
    ({"action": "truncate", "keep": 1}, httpx.RemoteProtocolError, "truncated"),
    ({"action": "garble", "ratio": 1.0}, None, "garbled"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[ServerThread, io.StringIO]]:
    stream = io.StringIO()
    with ServerThread(load(clock="virtual", log_format="json")) as running:
        running.app.runtime.requests.stream = stream
        yield running, stream


@pytest.fixture
def own_http(server: tuple[ServerThread, io.StringIO]) -> Iterator[httpx.Client]:
    with http_client(server[0].url, timeout=10) as client:
        client.delete("/_mock/faults").raise_for_status()
        client.delete("/_mock/journal").raise_for_status()
        yield client


def fault(own_http: httpx.Client, **spec: Any) -> int:
    made = own_http.post("/_mock/faults", json={"times": 1, **spec})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def send(own_http: httpx.Client, provider: str) -> httpx.Response:
    text = f"hello {next(_texts)}"
    if provider == "smsc":
        return Smsc(own_http, ALEX_ACCOUNT).get("send", **SMSC, mes=text)
    if provider == "smspager":
        return own_http.post("/send.xml", content=PAGER.format(text=text),
                             headers={"Content-Type": "text/xml"})
    return own_http.get("/sendsms.php", params={**TARGET, "text": text})


def counts(own_http: httpx.Client) -> dict[tuple[str, str, str], float]:
    found: dict[tuple[str, str, str], float] = {}
    for family in text_string_to_metric_families(own_http.get("/_mock/metrics").text):
        for sample in family.samples:
            if sample.name == "sms_mocks_requests_total":
                labels = sample.labels
                found[labels["provider"], labels["endpoint"], labels["outcome"]] = sample.value
    return found


def journal(own_http: httpx.Client) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = own_http.get("/_mock/journal").json()["entries"]
    return entries


ENDPOINTS = {"smsc": "send.php", "smspager": "send.xml", "targetsms": "sendsms.php (send)"}


@pytest.mark.slow
@pytest.mark.parametrize("provider", ["smsc", "smspager", "targetsms"])
@pytest.mark.parametrize(("spec", "error", "outcome"), ACTIONS,
                         ids=[f"{spec['action']}-{outcome}" for spec, _, outcome in ACTIONS])
def test_a_faulted_request_counts_as_what_the_client_got(
        own_http: httpx.Client, provider: str, spec: dict[str, Any],
        error: type[Exception] | None, outcome: str) -> None:
    key = (provider, ENDPOINTS[provider], outcome)
    before = counts(own_http)
    rule = fault(own_http, provider=provider, **spec)
    if error is None:
        got = send(own_http, provider)
        if spec["action"] == "status":
            assert got.status_code == spec["status"]
    else:
        with pytest.raises(error):
            send(own_http, provider)
    after = counts(own_http)
    assert after.get(key, 0) == before.get(key, 0) + 1, after
    ok = (provider, ENDPOINTS[provider], "ok")
    assert after.get(ok, 0) == before.get(ok, 0)  # not a success
    entry = journal(own_http)[0]
    assert (entry["outcome"], entry["fault"]) == (outcome, f"{rule} ({spec['action']})")
    if spec["action"] in ("close", "reset", "hold"):
        assert entry["status"] == 0  # never answered
    # the next request is the endpoint's own again, and counted so
    assert send(own_http, provider).status_code == 200
    assert journal(own_http)[0]["outcome"] == "ok"


def test_the_endpoints_own_answers_keep_the_dialects_words(own_http: httpx.Client) -> None:
    """error, delay and dribble give the endpoint's answer (its own error, or the real
    answer late or slowly): the dialect's reading of it stands."""
    fault(own_http, provider="smsc", action="error", code=7)
    assert send(own_http, "smsc").text == "0,-7"
    fault(own_http, provider="smsc", action="delay", seconds=0.05)
    assert send(own_http, "smsc").text.endswith(",1")
    fault(own_http, provider="smsc", action="dribble", chunk=2, interval=0.01)
    assert send(own_http, "smsc").text.endswith(",1")
    outcomes = [(e["outcome"], e["fault"].split(" ", 1)[1]) for e in journal(own_http)]
    assert outcomes == [("ok", "(dribble)"), ("ok", "(delay)"),
                        ("error 7 (invalid number)", "(error)")]


@pytest.mark.slow
def test_a_soap_call_and_the_log_line_say_it_too(
        server: tuple[ServerThread, io.StringIO], own_http: httpx.Client) -> None:
    soap = ('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
            '<n:balance xmlns:n="http://smsc.ru/sys/soap.php"><login>alex</login>'
            "<psw>123</psw></n:balance></e:Body></e:Envelope>")
    stream = server[1]
    fault(own_http, endpoint="/sys/soap.php", action="status", status=502)
    fault(own_http, endpoint="/sys/balance.php", action="reset")
    assert own_http.post("/sys/soap.php", content=soap,
                         headers={"Content-Type": "text/xml"}).status_code == 502
    with pytest.raises(httpx.ReadError):
        own_http.get("/sys/balance.php", params={"login": "alex", "psw": "123"})
    assert [e["outcome"] for e in journal(own_http)] == ["reset", "http 502"]
    own_http.get("/_mock/metrics")  # flushes the log
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    last = [(line["path"], line["outcome"], line["status"], line["fault"].split(" ")[1])
            for line in lines[-2:]]
    assert sorted(last) == [("/sys/balance.php", "reset", 0, "(reset)"),
                            ("/sys/soap.php", "http 502", 502, "(status)")]
