"""/_mock/clock: freeze, speed, and jumps to an absolute time, over real HTTP."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.clients import http_client
from tests.helpers.polling import eventually
from tests.providers.smsc.client import ALEX_ACCOUNT, Smsc


def _send(http: httpx.Client, sms_mocks: Sandbox, **params: str) -> None:
    Smsc(http, sms_mocks.smsc).send(phones="79991234567", mes="tick", **params)


def test_a_running_clock_delivers_on_its_own_and_close_freezes_it_again(
        sms_mocks: Sandbox, http: httpx.Client) -> None:
    answer = sms_mocks.set_clock_speed(1000)
    assert (answer["mode"], answer["speed"]) == ("accelerated", 1000)
    _send(http, sms_mocks)
    # the ticker moves it at 1000x, not the test
    eventually(sms_mocks.messages, lambda found: found[0]["status"] == "delivered", timeout=5)
    sms_mocks.close()
    assert (sms_mocks.clock()["mode"], sms_mocks.clock()["speed"]) == ("virtual", 0)


def test_freeze_stops_the_reading(sms_mocks: Sandbox, http: httpx.Client) -> None:
    sms_mocks.set_clock_speed(50)
    frozen = sms_mocks.freeze_clock()
    assert (frozen["mode"], frozen["speed"]) == ("virtual", 0)
    time.sleep(0.05)
    assert http.get("/_mock/clock").json()["timestamp"] == frozen["timestamp"]


def test_set_jumps_forward_and_fires_what_fell_due(sms_mocks: Sandbox,
                                                   http: httpx.Client) -> None:
    _send(http, sms_mocks)
    now = sms_mocks.clock()["timestamp"]
    answer = sms_mocks.set_clock(now + 3600)
    assert (answer["timestamp"], answer["fired"] >= 2) == (now + 3600, True)
    assert sms_mocks.messages()[0]["status"] == "delivered"
    later = datetime.fromtimestamp(int(now) + 7200, timezone(timedelta(hours=3))).isoformat()
    moscow = http.post("/_mock/clock/set", json={"at": later}).json()
    assert (later[-6:], moscow["timestamp"], moscow["fired"]) == ("+03:00", int(now) + 7200, 0)


@pytest.mark.parametrize(("path", "body", "error"), [
    ("/_mock/clock/speed", {"speed": -1}, "speed: a number from 0 to 10000"),
    ("/_mock/clock/speed", {"speed": 10001}, "speed: a number from 0 to 10000"),
    ("/_mock/clock/speed", {"speed": "2"}, "speed: a number from 0 to 10000"),
    ("/_mock/clock/speed", {}, "speed: a number from 0 to 10000"),
    ("/_mock/clock/set", {"at": 0}, "the clock only moves forward, and not past the year 9999"),
    ("/_mock/clock/set", {"at": "2030-01-01T00:00:00"},
     "at: a Unix timestamp or an ISO 8601 time with an offset"),
    ("/_mock/clock/set", {"at": "soon"},
     "at: a Unix timestamp or an ISO 8601 time with an offset"),
    ("/_mock/clock/set", {"at": 1e300},
     "the clock only moves forward, and not past the year 9999"),
])
def test_bad_clock_requests_are_a_400(http: httpx.Client, path: str, body: dict[str, object],
                                      error: str) -> None:
    response = http.post(path, json=body)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_a_fast_clock_near_the_end_of_time_stops_there() -> None:
    from sms_mocks.core.clock import LATEST, Clock
    clock = Clock(speed=1e9, start=LATEST - 1)
    time.sleep(0.01)
    assert clock.now() == LATEST


@pytest.mark.slow
def test_messages_near_the_end_of_time_still_read() -> None:
    """A message due after the year 9999 (set there, then sent) is shown at its last second,
    not a 500."""
    with ServerThread(load(clock="virtual")) as server, http_client(server.url) as http:
        assert http.post("/_mock/clock/set", json={"at": "9999-12-31T23:00:00Z"}).is_success
        Smsc(http, ALEX_ACCOUNT).send(phones="79991234567", mes="late")
        [message] = http.get("/_mock/messages").json()["messages"]
        assert (message["created_at"], message["valid_until"]) == (
            "9999-12-31T23:00:00Z", "9999-12-31T23:59:59Z")
        assert http.get("/_mock/messages/wait", params={"timeout": 0}).json() == message
