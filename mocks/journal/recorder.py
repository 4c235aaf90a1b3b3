"""Recording provider requests as they pass: bounded raw bytes in a bounded deque.

This runs on every provider request, so it does as little as it can: it keeps references to
the body chunks the endpoint reads and the messages it sends, and after the answer appends one
plain tuple (cheaper to build than any object) with the body cut to MAX_BODY bytes and the
answer to MAX_ANSWER. Parsing and explaining wait until someone reads the journal
(reading.py), which turns the tuples into Records.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_mocks.seam.exchange import FAULT_KEY, READING_KEY, Kept, Reading, Record

MAX_BODY = 4096
MAX_ANSWER = 1024

# (seq, at, wall, method, path, query, client, content_type, body, body_size, status, answer,
#  fault, reading)
Raw = tuple[int, float, float, str, str, bytes, str, bytes, bytes, int, int, bytes, str | None,
            Kept | None]
RAW_FAULT: Final = 12
RAW_READING: Final = 13


class Journal:
    """The last `size` provider requests; a size of 0 keeps nothing."""

    def __init__(self, size: int, now: Callable[[], float]) -> None:
        self.size = size
        self.now = now  # the emulator's clock
        self.records: deque[Raw] = deque(maxlen=size)  # in the order they were answered
        self._seq = 0
        # A reader's index of the records (control/journal.py's Order), kept here, as a
        # compiled journal takes no weak reference.
        self.index: object | None = None

    def clear(self) -> None:
        """Forget every record; sequence numbers keep counting, so none is ever reused."""
        self.records.clear()

    def newest_first(self) -> list[Record]:
        return [Record(*raw) for raw in sorted(self.records, key=_seq, reverse=True)]

    async def around(self, app: ASGIApp, scope: Scope, receive: Receive,
                     send: Send) -> None:
        """Run `app` on the request, keeping the bytes that went in and out."""
        self._seq += 1
        seq, at, wall = self._seq, self.now(), time.time()
        chunks: list[bytes] = []
        sent: list[Message] = []

        def sending(message: Message) -> Awaitable[None]:
            # A plain function handing back send's awaitable: no coroutine frame of its own.
            sent.append(message)
            return send(message)

        receiving = receive
        if scope["method"] == "POST":  # only a POST's body is read by the endpoints

            async def receiving() -> Message:
                message = await receive()
                chunks.append(message.get("body", b""))
                return message

        try:
            await app(scope, receiving, sending)
        finally:
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            status, answer = _answer(sent)
            client = scope.get("client")
            reading = scope.get(READING_KEY)
            kept = _kept(reading, len(body)) if reading is not None else None
            # Strings, bytes, numbers and the endpoint's one Reading of the request.
            self.records.append((
                seq, at, wall, scope["method"], scope["path"], scope.get("query_string", b""),
                client[0] if client else "", _content_type(scope["headers"]),
                body if len(body) <= MAX_BODY else body[:MAX_BODY], len(body), status, answer,
                scope.get(FAULT_KEY), kept))


def _kept(reading: Reading, size: int) -> Kept:
    """What the journal keeps of a reading: no more of the parameters than of the body."""
    if size > MAX_BODY:
        budget, params = MAX_BODY, {}
        for name, value in reading.params.items():
            if isinstance(value, str):
                value = value[:max(budget, 0)]
                budget -= len(value)
            params[name] = value
        return replace(reading, params=params, request=None).kept()
    return reading.kept()


def _content_type(headers: list[tuple[bytes, bytes]]) -> bytes:
    for key, value in headers:
        if key == b"content-type":
            return value
    return b""


def _answer(sent: list[Message]) -> tuple[int, bytes]:
    if len(sent) == 2:  # the usual start and one body
        body = sent[1].get("body", b"")
        return sent[0].get("status", 0), body if len(body) <= MAX_ANSWER else body[:MAX_ANSWER]
    status, answer = 0, b""
    for message in sent:
        if message["type"] == "http.response.start":
            status = message["status"]
        elif len(answer) < MAX_ANSWER:
            answer += message.get("body", b"")
    return status, answer[:MAX_ANSWER]


def _seq(raw: Raw) -> int:
    return raw[0]
