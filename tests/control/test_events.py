"""GET /_mock/events: a real streaming client sees messages accepted and every status change,
filtered, with heartbeats, a note when it falls behind, and an end."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.control.events import Feed
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.helpers.clients import http_client
from tests.helpers.polling import eventually
from tests.providers.smsc.client import Smsc

PHONE = "79161234567"


def _events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event name, data) per event, and ("comment", text) per comment line, as they come."""
    name, data = "message", ""
    for line in lines:
        if line.startswith(":"):
            yield "comment", line[1:].strip()
        elif line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "" and data:
            yield name, data
            name, data = "message", ""


def _send(http: httpx.Client, account: MockAccount, phone: str = PHONE) -> None:
    Smsc(http, account).send(phones=phone, mes="hi")


def test_a_message_streams_from_acceptance_to_delivery(sms_mocks: Sandbox,
                                                       http: httpx.Client) -> None:
    mine, other = sms_mocks.account("smsc"), sms_mocks.account("smsc")
    seen: list[tuple[str, dict[str, object]]] = []
    with http.stream("GET", "/_mock/events", params={"account": mine.login, "limit": 4,
                                                     "timeout": 10}) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for name, data in _events(stream.iter_lines()):
            if name == "comment":
                if data == "open":  # subscribed: now make things happen
                    _send(http, other)
                    _send(http, mine, f"{PHONE},74957271122")  # a fixed line is refused
                    sms_mocks.advance(60)
                continue
            seen.append((name, json.loads(data)))
    ids = [m["id"] for m in sms_mocks.control.messages(account=mine.login)]
    at = sms_mocks.control.messages(account=mine.login)[0]["created_at"]
    first = {"id": ids[0], "ext_id": "1", "provider": "smsc", "account": mine.login,
             "phone": PHONE, "status": "queued", "err": 0, "at": at}
    assert seen[0] == ("accepted", first)
    assert [(name, data["id"], data["status"], data["err"]) for name, data in seen] == [
        ("accepted", ids[0], "queued", 0), ("status", ids[1], "rejected", 248),
        ("status", ids[0], "sent", 0), ("status", ids[0], "delivered", 0)]


@pytest.mark.slow
def test_the_stream_ends_at_its_timeout_with_heartbeats_on_the_way(http: httpx.Client) -> None:
    started = time.monotonic()
    with http.stream("GET", "/_mock/events", params={
            "account": "nobody", "timeout": 0.5, "heartbeat": 0.1}) as stream:
        body = stream.read().decode()
    assert 0.5 <= time.monotonic() - started < 2
    assert body.startswith(": open\n\n: heartbeat\n\n")
    assert set(body.split("\n\n")) == {": open", ": heartbeat", ""}


@pytest.mark.parametrize(("params", "error"), [
    ({"timeout": "3601"}, "timeout: a number from 0 to 3600"),
    ({"limit": "0"}, "limit: a whole number from 1 to 1000000"),
    ({"heartbeat": "0"}, "heartbeat: a number from 0.05 to 60"),
])
def test_bad_parameters_are_a_400(http: httpx.Client, params: dict[str, str],
                                  error: str) -> None:
    answer = http.get("/_mock/events", params=params)
    assert (answer.status_code, answer.json()) == (400, {"error": error})


def test_a_client_that_falls_behind_is_told_how_many_it_lost() -> None:
    feed = Feed(size=2)
    for n in range(5):
        feed.push(n)  # type: ignore[arg-type]  # the feed does not look inside events
    assert feed.take() == 0
    feed.push(5)  # type: ignore[arg-type]
    feed.push(6)  # type: ignore[arg-type]
    # event 1, then "3 dropped" where they would have been, then event 5; 6 is lost too
    assert [feed.take() for _ in range(5)] == [1, 3, 5, 1, None]


@pytest.mark.slow
def test_a_slow_client_over_http_gets_a_dropped_note(sms_mocks: Sandbox) -> None:
    """Over a thousand events at once (one send to 1100 numbers) before the client can read
    any: the newest are dropped, and the stream says so where they would have been."""
    with ServerThread(load(clock="virtual")) as server, \
            http_client(server.url, timeout=10) as http, \
            http.stream("GET", "/_mock/events", params={"timeout": 3}) as stream:
        lines = stream.iter_lines()
        assert next(lines) == ": open"
        http.post("/_mock/accounts", json={"provider": "smsc", "login": "bulk",
                                           "password": "p", "balance": "10000"})
        phones = ",".join(f"7916{n:07d}" for n in range(1100))
        Smsc(http, MockAccount("smsc", "bulk", "p")).post("send", phones=phones, mes="bulk")
        events: list[tuple[str, str]] = []
        for name, data in _events(lines):
            if name != "comment":
                events.append((name, data))
            if name == "dropped":
                break
    assert [name for name, _ in events] == ["accepted"] * 1000 + ["dropped"]
    assert events[-1][1] == '{"dropped": 100}'


@pytest.mark.slow
def test_the_bus_listens_only_while_a_stream_is_open() -> None:
    with ServerThread(load(clock="virtual")) as server, \
            http_client(server.url, timeout=10) as http:
        bus = server.app.runtime.gateway.events
        idle = len(bus._listeners)
        with http.stream("GET", "/_mock/events", params={"heartbeat": 0.05}) as stream:
            lines = stream.iter_lines()
            assert next(lines) == ": open"
            assert len(bus._listeners) == idle + 1
            assert next(lines) == ""
        # a closed client is noticed at the next heartbeat
        eventually(lambda: len(bus._listeners), lambda count: count == idle, timeout=2,
                   what="the stream stopped listening")


@pytest.mark.slow
def test_many_streams_at_once(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.smsc
    got: list[int] = []
    subscribed = threading.Barrier(6, timeout=5)

    def listen() -> None:
        with http_client(sms_mocks.url, timeout=10) as own, own.stream(
                "GET", "/_mock/events", params={"account": account.login, "limit": 1,
                                                "timeout": 5}) as stream:
            for name, data in _events(stream.iter_lines()):
                if data == "open":
                    subscribed.wait()
                got.extend([1] if name == "accepted" else [])

    threads = [threading.Thread(target=listen) for _ in range(5)]
    for thread in threads:
        thread.start()
    subscribed.wait()
    _send(http, account)
    for thread in threads:
        thread.join(timeout=5)
    assert got == [1] * 5


def test_an_injected_reply_streams_as_an_inbound_event(sms_mocks: Sandbox,
                                                       http: httpx.Client) -> None:
    mine, other = sms_mocks.account("smsc"), sms_mocks.account("smsc")
    seen: list[tuple[str, dict[str, object]]] = []
    with http.stream("GET", "/_mock/events", params={"account": mine.login, "limit": 1,
                                                     "timeout": 10}) as stream:
        for name, data in _events(stream.iter_lines()):
            if name == "comment":
                if data == "open":
                    for account in (other, mine):  # only mine passes the filter
                        answer = http.post("/_mock/inbound", json={
                            "provider": "smsc", "login": account.login, "phone": PHONE,
                            "text": f"hi {account.login}"})
                        assert answer.status_code == 201
                continue
            seen.append((name, json.loads(data)))
    [(name, data)] = seen
    assert name == "inbound"
    assert {k: data[k] for k in ("provider", "login", "phone", "text")} == {
        "provider": "smsc", "login": mine.login, "phone": PHONE, "text": f"hi {mine.login}"}
