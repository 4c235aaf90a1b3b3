"""The ASGI steps of apply.py that a real server cannot show: the fallback when the server
gives no way to the connection, and a body read ahead being replayed whole."""

from __future__ import annotations

import asyncio
from typing import Any

from sms_mocks.faults.apply import Incoming, hang_up, transport_of


def _receiver(messages: list[dict[str, Any]]) -> Any:
    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}
    return receive


def test_without_a_transport_a_hang_up_promises_a_byte_it_never_sends() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:  # a plain function: no transport
        sent.append(message)

    scope = {"type": "http", "method": "GET", "headers": []}
    incoming = Incoming(scope, _receiver([{"type": "http.request", "body": b""}]))
    assert transport_of(scope) is None
    asyncio.run(hang_up(incoming, send, reset=True))
    assert sent == [{"type": "http.response.start", "status": 502,
                     "headers": [(b"content-length", b"1"), (b"connection", b"close")]}]


def test_a_body_read_ahead_is_replayed_then_the_rest_follows() -> None:
    scope = {"type": "http", "method": "POST", "headers": []}
    incoming = Incoming(scope, _receiver([
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": False}]))

    async def run() -> list[dict[str, Any]]:
        assert await incoming.peek(limit=1) == b"ab"  # past the limit: what has arrived
        return [await incoming.receive(), await incoming.receive()]

    first, second = asyncio.run(run())
    assert first == {"type": "http.request", "body": b"ab", "more_body": True}
    assert second == {"type": "http.request", "body": b"cd", "more_body": False}
    assert incoming.complete


def test_a_body_declared_too_large_is_not_read_ahead() -> None:
    scope = {"type": "http", "method": "POST", "headers": [(b"content-length", b"99999999")]}
    incoming = Incoming(scope, _receiver([{"type": "http.request", "body": b"x"}]))
    assert asyncio.run(incoming.peek(limit=10)) == b""
    assert asyncio.run(incoming.receive()) == {"type": "http.request", "body": b"",
                                               "more_body": True}
