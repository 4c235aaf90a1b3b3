"""What the request log asks of a request: nothing is read or written while it is answered;
the lines go out later, in one write a batch; hostile input neither breaks a line nor grows
the metrics without bound."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from sms_mocks.app import build_app
from sms_mocks.config import load
from sms_mocks.observe import requests


class CountingStream:
    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def run(app: Any, *calls: tuple[str, str, dict[str, Any]]) -> None:
    async def go() -> None:
        transport = httpx.ASGITransport(app=app)  # no lifespan: no ticker flushes behind us
        async with httpx.AsyncClient(transport=transport, base_url="http://m") as http:
            for method, path, kwargs in calls:
                await http.request(method, path, **kwargs)

    asyncio.run(go())


def test_requests_only_queue_and_a_flush_writes_once() -> None:
    app = build_app(load(clock="virtual", log_format="json"))
    stream = CountingStream()
    log = app.runtime.requests
    log.stream = stream
    balance = ("GET", "/sys/balance.php", {"params": {"login": "alex", "psw": "123"}})
    run(app, balance, balance, balance)
    assert stream.writes == [] and len(log.pending) == 3 and log.requests == {}
    log.flush()
    assert len(stream.writes) == 1 and stream.writes[0].count("\n") == 3
    assert log.pending == [] and sum(log.requests.values()) == 3


def test_hostile_requests_still_make_one_valid_line_each() -> None:
    app = build_app(load(clock="virtual", log_format="json"))
    stream = CountingStream()
    app.runtime.requests.stream = stream
    run(app,
        ("GET", "/sys/send.php?login=%FF%00%22&psw=1&mes=x&phones=7", {}),
        ("GET", "/sys/send.php?login=a&login=b&apikey=&fmt=9&charset=koi8-r", {}),
        ("POST", "/sys/send.php", {"content": b"\xff\xfe<>", "headers": {
            "content-type": "multipart/form-data; boundary=x"}}),
        ("POST", "/sys/soap.php", {"content": b"<not xml"}),
        ("POST", "/send.xml", {"content": b"<data><login>\"\\\n</login></data>"}),
        ("GET", "/sendsms.php?user=%D0%AF&pwd=%7F", {}))
    app.runtime.requests.flush()
    lines = "".join(stream.writes).splitlines()
    assert len(lines) == 6
    for line in lines:
        entry = json.loads(line)
        assert entry["provider"] in ("smsc", "smspager", "targetsms")
    assert json.loads(lines[0])["account"] == "я\x00\""  # SMSC's default charset: cp1251
    assert app.runtime.internal_errors == 0


def test_label_sets_stop_growing_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "MAX_SERIES", 3)
    app = build_app(load(clock="virtual"))
    run(app, *[("POST", "/sys/soap.php", {"content": (
        '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
        f'<op{n}/></e:Body></e:Envelope>').encode()}) for n in range(10)])
    log = app.runtime.requests
    log.flush()
    assert len(log.requests) <= 4 and len(log.latency) <= 4  # three, and "other"
    assert sum(log.requests.values()) == 10
    assert ("smsc", "other", "other") in log.requests


def test_a_text_line_stays_one_line_whatever_the_login() -> None:
    app = build_app(load(clock="virtual", log_format="text"))
    stream = CountingStream()
    app.runtime.requests.stream = stream
    run(app,
        ("GET", "/sys/send.php?login=ev%0Afake%20line&psw=1&mes=x&phones=7", {}),
        ("GET", "/sys/send.php?login=al%1b%5B31mex&psw=1&mes=x&phones=7", {}),
        ("GET", "/sys/balance.php?login=alex&psw=123", {}))
    app.runtime.requests.flush()
    lines = "".join(stream.writes).splitlines()
    assert len(lines) == 3
    assert " account='ev\\nfake line' " in lines[0]
    assert " account='al\\x1b[31mex' " in lines[1] and "\x1b" not in lines[1]
    assert " account=alex " in lines[2]


def test_the_metrics_count_the_same_with_the_log_off() -> None:
    """With no log lines to write, SMS-Pager's requests are not parsed again for the metrics;
    their labels are the same as when the log reads them whole."""
    requests = (
        ("POST", "/send.xml", {"content": (
            b"<?xml version='1.0' encoding='UTF-8'?><data><login>test</login><password>123456"
            b"</password><text>hi</text><to number='79991234567'></to></data>")}),
        ("POST", "/send.xml", {"content": b"<data><login>test</login></data>"}),
        ("POST", "/balance.xml", {"content": b"<not xml"}),
        ("GET", "/sendsms.php?user=demo&pwd=demo&balance=1", {}),
        ("GET", "/sendsms.php?user=demo&pwd=bad&balance=1", {}),
        ("GET", "/sys/send.php?login=alex&psw=123&phones=79991234567&mes=x&fmt=3", {}))
    counts = []
    for log_format in ("off", "json"):
        app = build_app(load(clock="virtual", log_format=log_format))
        app.runtime.requests.stream = CountingStream()
        run(app, *requests)
        app.runtime.requests.flush()
        counts.append(app.runtime.requests.requests)
    assert counts[0] == counts[1]
    assert ("smspager", "send.xml", "ok") in counts[0]
    assert sum(counts[0].values()) == len(requests)
