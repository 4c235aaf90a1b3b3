"""GET /_mock/messages/wait and the wait_for_sms fixture: a message is returned as soon as a
provider API accepts it, with its one-time code, over real HTTP and without polling."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.config import load
from sms_mocks.control.otp import one_time_code
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.helpers.polling import eventually

PHONE = "79161234567"


def _smsc(http: httpx.Client, account: MockAccount, phone: str, text: str) -> None:
    answer = http.get("/sys/send.php", params={"login": account.login, "psw": account.password,
                                               "phones": phone, "mes": text, "fmt": 3})
    assert "error" not in answer.json(), answer.text


def test_a_blocked_waiter_gets_the_message_within_a_second_of_the_send(
        sms_mocks: Sandbox, http: httpx.Client,
        wait_for_sms: Callable[..., dict[str, Any]]) -> None:
    account = sms_mocks.smsc
    got: list[tuple[float, dict[str, Any]]] = []
    blocked_before = sms_mocks.control.health()["waiting"]
    waiter = threading.Thread(target=lambda: got.append(
        (time.monotonic(), wait_for_sms(PHONE, timeout=10))))
    waiter.start()
    # the server says the waiter is blocked: the case being measured, not "already there"
    eventually(lambda: sms_mocks.control.health()["waiting"],
               lambda waiting: waiting > blocked_before, what="the waiter blocking")
    assert not got
    sent_at = time.monotonic()
    _smsc(http, account, "+7 (916) 123-45-67", "Ваш код: 4821. Никому не сообщайте")
    waiter.join(timeout=5)
    (returned_at, message), = got
    assert returned_at - sent_at < 1.0
    assert (message["phone"], message["account"], message["status"], message["code"]) == (
        PHONE, account.login, "queued", "4821")
    assert sms_mocks.control.health()["waiting"] == blocked_before


def test_a_message_already_there_is_returned_at_once_then_the_next_one(
        sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.smsc
    _smsc(http, account, PHONE, "code 1111")
    _smsc(http, account, PHONE, "code 2222")
    started = time.monotonic()
    assert sms_mocks.wait_for_sms(PHONE)["code"] == "1111"
    assert sms_mocks.wait_for_sms(PHONE)["code"] == "2222"
    assert time.monotonic() - started < 1.0
    with pytest.raises(TimeoutError):
        sms_mocks.wait_for_sms(PHONE, timeout=0.2)
    assert sms_mocks.wait_for_sms(PHONE, after=0)["code"] == "1111"


def test_filters_pick_the_message(sms_mocks: Sandbox, http: httpx.Client) -> None:
    mine = sms_mocks.account("smsc")
    other = sms_mocks.account("smsc")
    _smsc(http, other, PHONE, "from the other account")
    _smsc(http, mine, "79161234568", "wrong phone")
    _smsc(http, mine, PHONE, "Hello")
    _smsc(http, mine, PHONE, "Your PIN is 0042")
    answer = http.get("/_mock/messages/wait", params={
        "phone": "89161234567", "account": mine.login, "text": "pin", "timeout": 1})
    assert (answer.status_code, answer.json()["text"], answer.json()["code"]) == (
        200, "Your PIN is 0042", "0042")
    either = http.get("/_mock/messages/wait", params=[
        ("phone", PHONE), ("account", "nobody"), ("account", other.login), ("timeout", "1")])
    assert either.json()["text"] == "from the other account"


def test_other_providers_and_a_rejected_number(sms_mocks: Sandbox, http: httpx.Client) -> None:
    target = sms_mocks.account("targetsms", senders={"Shop": "approved"})
    http.get("/sendsms.php", params={"user": target.login, "pwd": target.password,
                                     "sadr": "Shop", "dadr": "74957271122", "text": "fixed"})
    http.get("/sendsms.php", params={"user": target.login, "pwd": target.password,
                                     "sadr": "Shop", "dadr": PHONE, "text": "code 777777"})
    message = sms_mocks.wait_for_sms(PHONE, timeout=1)
    assert (message["provider"], message["code"]) == ("targetsms", "777777")
    with pytest.raises(TimeoutError):  # the fixed line was refused, not sent
        sms_mocks.wait_for_sms("74957271122", timeout=0.1)


def test_a_timeout_is_a_408_after_the_time_asked(http: httpx.Client) -> None:
    started = time.monotonic()
    answer = http.get("/_mock/messages/wait", params={"phone": "79990000001",
                                                      "account": "nobody", "timeout": 0.3})
    assert (answer.status_code, answer.json()) == (
        408, {"error": "no matching message within 0.3 s"})
    assert 0.3 <= time.monotonic() - started < 1.0


@pytest.mark.parametrize(("params", "error"), [
    ({"timeout": "61"}, "timeout: a number from 0 to 60"),
    ({"timeout": "nan"}, "timeout: a number from 0 to 60"),
    ({"timeout": "-1"}, "timeout: a number from 0 to 60"),
    ({"after": "x"}, "after: a whole number from 0 to 1000000000000000"),
    ({"phone": "hello"}, "phone: a phone number"),
])
def test_bad_waits_are_a_400(http: httpx.Client, params: dict[str, str], error: str) -> None:
    answer = http.get("/_mock/messages/wait", params=params)
    assert (answer.status_code, answer.json()) == (400, {"error": error})


def test_a_waiter_listens_only_while_it_waits() -> None:
    """The event bus costs nothing when nobody listens: a wait subscribes, and unsubscribes
    whether it found its message or timed out."""
    with ServerThread(load(clock="virtual")) as server, httpx.Client(base_url=server.url) as http:
        events = server.app.runtime.gateway.events
        idle = len(events._listeners)  # the callbacks' listener
        waiter = threading.Thread(target=http.get, args=("/_mock/messages/wait",),
                                  kwargs={"params": {"phone": PHONE, "timeout": 5}})
        waiter.start()
        eventually(lambda: len(events._listeners), lambda n: n > idle,
                   what="the waiter subscribing")
        assert server.app.runtime.waiting == 1
        _smsc(http, MockAccount("smsc", "alex", "123"), PHONE, "hi")
        waiter.join(timeout=5)
        http.get("/_mock/messages/wait", params={"phone": "79161234568", "timeout": 0})
        assert len(events._listeners) == idle
        assert http.get("/_mock/health").json()["waiting"] == 0  # timed out: not counted


@pytest.mark.parametrize(("text", "code"), [
    ("Ваш код: 4821. Никому не сообщайте", "4821"),
    ("Order 77777 shipped. Your verification code is 654321", "654321"),
    ("5512 — ваш код для входа", "5512"),
    ("Пароль: 12345678, действует 5 минут", "12345678"),
    ("shipping 12345, code 5555", "5555"),
    ("Заказ 1234 оформлен", "1234"),
    ("Call 79991234567 or 123", None),
    ("A1234 and 123456789", None),
    ("Hello world!", None),
])
def test_the_one_time_code_rule(text: str, code: str | None) -> None:
    assert one_time_code(text) == code


@settings(max_examples=200, suppress_health_check=list(HealthCheck))
@given(st.text())
def test_a_code_is_always_4_to_8_digits_of_the_text(text: str) -> None:
    code = one_time_code(text)
    assert code is None or (code.isdigit() and 4 <= len(code) <= 8 and code in text)
