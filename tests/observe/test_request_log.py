"""One line per provider request, in JSON or text, naming the provider, endpoint, account,
outcome, status, latency and ids, and agreeing with the journal's reading of the same
request (the log reads SMSC HTTP its own quick way, everything else the journal's way)."""

from __future__ import annotations

import calendar
import io
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from tests.helpers.clients import http_client
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc

pytestmark = pytest.mark.slow  # emulators of their own with a log each

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_BALANCE = (f'<e:Envelope xmlns:e="{ENV}"><e:Body><n:balance '
                'xmlns:n="http://smsc.ru/sys/soap.php"><login>alex</login><psw>123</psw>'
                "</n:balance></e:Body></e:Envelope>")
PAGER_SEND = ("<?xml version='1.0' encoding='UTF-8'?><data><login>test</login>"
              "<password>123456</password><text>Hi</text><source>Magazin</source>"
              "<to number='79991234567'></to></data>")


@contextmanager
def logging_server(log_format: str) -> Iterator[tuple[httpx.Client, io.StringIO]]:
    stream = io.StringIO()
    with ServerThread(load(clock="virtual", log_format=log_format)) as server, \
            http_client(server.url) as http:
        server.app.runtime.requests.stream = stream
        yield http, stream


def flushed(http: httpx.Client) -> None:
    http.get("/_mock/metrics")  # flushes the log on the server's own loop


def every_kind_of_request(http: httpx.Client) -> None:
    smsc = {"login": "alex", "psw": "123", "phones": "79991234567", "mes": "hi"}
    http.get("/sys/send.php", params={**smsc, "fmt": "3"})  # quick path, ok
    http.get("/sys/send.php", params={**smsc, "psw": "wrong"})  # quick path, error 2
    http.post("/sys/send.php", data={**smsc, "fmt": "1", "phones": "79991234568"})  # POST form
    http.get("/sys/balance.php", params={"login": "alex", "psw": "123", "charset": "utf-8"})
    http.get("/sys/status.php", params={"login": "nobody", "psw": "x", "phone": "7", "id": "1"})
    http.post("/sys/soap.php", content=SOAP_BALANCE, headers={"Content-Type": "text/xml"})
    http.post("/send.xml", content=PAGER_SEND, headers={"Content-Type": "text/xml"})
    http.get("/sendsms.php", params={"user": "demo", "pwd": "demo", "balance": "1"})
    http.get("/sendsms.php", params={"user": "demo", "pwd": "bad", "balance": "1"})
    for fmt in ("0", "2", "3"):  # the quick reading's own successes, and one it hands on
        http.get("/sys/send.php", params={**smsc, "fmt": fmt, "phones": f"7999123000{fmt}"})
    http.get("/sys/send.php", params={**smsc, "fmt": "3", "psw": "bad"})


def test_a_json_line_per_request_that_agrees_with_the_journal() -> None:
    started = time.time()
    with logging_server("json") as (http, stream):
        every_kind_of_request(http)
        flushed(http)
        entries = list(reversed(http.get("/_mock/journal").json()["entries"]))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == len(entries) == 13
    for line, entry in zip(lines, entries, strict=True):
        expected = {"provider": entry["provider"], "endpoint": entry["endpoint"],
                    "account": entry["account"] or entry["login"], "outcome": entry["outcome"],
                    "status": entry["status"], "ids": entry.get("ids", []),
                    "method": entry["method"], "path": entry["path"], "client": "127.0.0.1"}
        assert {k: line[k] for k in expected} == expected
        assert 0 < line["latency_ms"] < 5000
        stamp = calendar.timegm(time.strptime(line["ts"], "%Y-%m-%dT%H:%M:%S.%fZ"))
        assert started - 1 < stamp < time.time() + 1
    summary = [(x["provider"], x["endpoint"], x["account"], x["outcome"]) for x in lines]
    assert summary[:3] == [("smsc", "send.php", "alex", "ok"),
                           ("smsc", "send.php", "alex", summary[1][3]),
                           ("smsc", "send.php", "alex", "ok")]
    assert summary[1][3] != "ok" and lines[0]["ids"] == ["1"]
    assert summary[4][2] == "nobody"  # the login claimed, though no such account exists
    assert [x["provider"] for x in lines[5:9]] == ["smsc", "smspager", "targetsms", "targetsms"]
    assert [(x["outcome"], len(x["ids"])) for x in lines[9:]] == [
        ("ok", 1), ("ok", 1), ("ok", 1), ("error 2 (authorise error)", 0)]  # fmt=2's id too
    assert (lines[5]["endpoint"], lines[5]["outcome"], lines[5]["status"]) == (
        "get_balance", "ok", 200)


def test_text_lines_are_one_per_request_too() -> None:
    with logging_server("text") as (http, stream):
        Smsc(http, ALEX_ACCOUNT).send(phones="79991234567", mes="hi")
        flushed(http)
    [line] = stream.getvalue().splitlines()
    assert line.endswith("smsc send.php account=alex outcome='ok' status=200 "
                         f"latency_ms={line.split('latency_ms=')[1].split()[0]} ids=1")


def test_off_writes_nothing_but_still_counts() -> None:
    with logging_server("off") as (http, stream):
        http.get("/sys/balance.php", params={"login": "alex", "psw": "123"})
        metrics = http.get("/_mock/metrics").text
    assert stream.getvalue() == ""
    assert ('sms_mocks_requests_total{provider="smsc",endpoint="balance.php",outcome="ok"} 1'
            in metrics)
