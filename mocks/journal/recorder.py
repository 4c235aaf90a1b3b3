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
from dataclasses import dataclass
from typing import Any

from mocks.http import Receive, Send

MAX_BODY = 4096
MAX_ANSWER = 1024

App = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]
# (seq, at, wall, method, path, query, peer, headers, body, body_size, status, answer)
Raw = tuple[int, float, float, str, str, bytes, Any, list[tuple[bytes, bytes]], bytes, int, int,
            bytes]


@dataclass(slots=True)
class Record:
    seq: int
    at: float  # the emulator's clock when the request arrived
    wall: float  # the host's clock, for matching with a client's own logs
    method: str
    path: str
    query: bytes
    peer: tuple[str, int] | None  # the scope's client
    headers: list[tuple[bytes, bytes]]  # the scope's own list, kept rather than copied
    body: bytes  # at most MAX_BODY bytes
    body_size: int  # what the client sent, all of it
    status: int  # 0 if the request was never answered
    answer: bytes  # at most MAX_ANSWER bytes

    @property
    def client(self) -> str:
        return self.peer[0] if self.peer else ""

    @property
    def content_type(self) -> bytes:
        for key, value in self.headers:
            if key == b"content-type":
                return value
        return b""


class Journal:
    """The last `size` provider requests; a size of 0 keeps nothing."""

    def __init__(self, size: int, now: Callable[[], float]) -> None:
        self.size = size
        self.now = now  # the emulator's clock
        self.records: deque[Raw] = deque(maxlen=size)  # in the order they were answered
        self._seq = 0

    def clear(self) -> None:
        """Forget every record; sequence numbers keep counting, so none is ever reused."""
        self.records.clear()

    def newest_first(self) -> list[Record]:
        return [Record(*raw) for raw in sorted(self.records, key=_seq, reverse=True)]

    async def around(self, app: App, scope: dict[str, Any], receive: Receive,
                     send: Send) -> None:
        """Run `app` on the request, keeping the bytes that went in and out."""
        self._seq += 1
        seq, at, wall = self._seq, self.now(), time.time()
        chunks: list[bytes] = []
        sent: list[dict[str, Any]] = []

        async def receiving() -> dict[str, Any]:
            message = await receive()
            chunks.append(message.get("body", b""))
            return message

        def sending(message: dict[str, Any]) -> Awaitable[None]:
            # A plain function handing back send's awaitable: no coroutine frame of its own.
            sent.append(message)
            return send(message)

        try:
            # Only a POST's body is read by the providers' endpoints.
            await app(scope, receiving if scope["method"] == "POST" else receive, sending)
        finally:
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            status, answer = _answer(sent)
            self.records.append((
                seq, at, wall, scope["method"], scope["path"], scope.get("query_string", b""),
                scope.get("client"), scope["headers"],
                body if len(body) <= MAX_BODY else body[:MAX_BODY], len(body), status, answer))


def _answer(sent: list[dict[str, Any]]) -> tuple[int, bytes]:
    status, answer = 0, b""
    for message in sent:
        if message["type"] == "http.response.start":
            status = message["status"]
        elif len(answer) < MAX_ANSWER:
            answer += message.get("body", b"")
    return status, answer[:MAX_ANSWER]


def _seq(raw: Raw) -> int:
    return raw[0]
