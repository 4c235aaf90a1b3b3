"""Recording provider requests as they pass: bounded raw bytes in a bounded deque.

This runs on every provider request, so it only copies what is cheap to copy: the first
MAX_BODY bytes of the body, the first MAX_ANSWER bytes of the answer, the status and a few
scope fields. Parsing and explaining wait until someone reads the journal (reading.py).
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
    body: bytearray  # at most MAX_BODY bytes
    body_size: int  # what the client sent, all of it
    status: int = 0
    answer: bytearray | None = None  # at most MAX_ANSWER bytes

    @property
    def client(self) -> str:
        return self.peer[0] if self.peer else ""

    @property
    def content_type(self) -> bytes:
        for key, value in self.headers:
            if key == b"content-type":
                return value  # type: ignore[no-any-return]
        return b""


class Journal:
    """The last `size` provider requests, oldest first; a size of 0 keeps nothing."""

    def __init__(self, size: int, now: Callable[[], float]) -> None:
        self.size = size
        self.now = now  # the emulator's clock
        self.records: deque[Record] = deque(maxlen=size)
        self._seq = 0

    def clear(self) -> None:
        """Forget every record; sequence numbers keep counting, so none is ever reused."""
        self.records.clear()

    async def around(self, app: App, scope: dict[str, Any], receive: Receive,
                     send: Send) -> None:
        """Run `app` on the request, keeping the bytes that went in and out."""
        self._seq += 1
        record = Record(self._seq, self.now(), time.time(), scope["method"], scope["path"],
                        scope.get("query_string", b""), scope.get("client"),
                        scope["headers"], bytearray(), 0)

        async def receiving() -> dict[str, Any]:
            message = await receive()
            chunk = message.get("body", b"")
            if chunk:
                record.body_size += len(chunk)
                room = MAX_BODY - len(record.body)
                if room > 0:
                    record.body += chunk[:room]
            return message

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            elif message["type"] == "http.response.body":
                if record.answer is None:
                    record.answer = bytearray()
                room = MAX_ANSWER - len(record.answer)
                if room > 0:
                    record.answer += message.get("body", b"")[:room]
            await send(message)

        self.records.append(record)  # in arrival order, even while it is being answered
        await app(scope, receiving, sending)
