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

from sms_mocks.http import Receive, Send

MAX_BODY = 4096
MAX_ANSWER = 1024

App = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]
# (seq, at, wall, method, path, query, client, content_type, body, body_size, status, answer,
#  fault)
Raw = tuple[int, float, float, str, str, bytes, str, bytes, bytes, int, int, bytes, str | None]
FAULT_KEY = "sms_mocks.fault"  # set in the scope by sms_mocks.faults when a rule fires
# What the client got of a request a fault rule took, by the rule's action, when that is not
# an answer a dialect's reader can word (error, delay and dribble give the endpoint's own).
# A connection that ended with no answer has no status, so these name how it ended.
FAULT_OUTCOMES = {"close": "closed", "reset": "reset", "hold": "no answer",
                  "truncate": "truncated", "garble": "garbled"}


@dataclass(slots=True)
class Record:
    seq: int
    at: float  # the emulator's clock when the request arrived
    wall: float  # the host's clock, for matching with a client's own logs
    method: str
    path: str
    query: bytes
    client: str
    content_type: bytes
    body: bytes  # at most MAX_BODY bytes
    body_size: int  # what the client sent, all of it
    status: int  # 0 if the request was never answered
    answer: bytes  # at most MAX_ANSWER bytes
    fault: str | None  # the fault rule that took the request, if one did


def fault_label(rule_id: int, kind: str) -> str:
    """How a record names the fault rule that took its request: `3 (close)`."""
    return f"{rule_id} ({kind})"


def fault_kind(fault: str) -> str:
    """The action of a record's fault label."""
    return fault.rpartition(" (")[2].removesuffix(")")


def fault_outcome(record: Record) -> str | None:
    """The outcome a request a fault rule took counts as, when the rule (not the endpoint)
    made what the client got: `http 503` for a status page, `closed`, `reset`, `no answer`
    (held until someone hung up), `truncated`, `garbled`. None when the answer is the
    endpoint's own (an `error` in the dialect's words, a `delay`, a `dribble`), which the
    dialect's reader words, or when no rule took the request."""
    if record.fault is None:
        return None
    kind = fault_kind(record.fault)
    if kind == "status" and record.status:
        return f"http {record.status}"
    if kind in FAULT_OUTCOMES:
        return FAULT_OUTCOMES[kind]
    if record.status == 0:  # never answered: the rule failed (a bug, counted) or the client left
        return FAULT_OUTCOMES["close"]
    return None


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

        def sending(message: dict[str, Any]) -> Awaitable[None]:
            # A plain function handing back send's awaitable: no coroutine frame of its own.
            sent.append(message)
            return send(message)

        sending.__wrapped__ = send  # type: ignore[attr-defined]  # the server's, for faults

        receiving = receive
        if scope["method"] == "POST":  # only a POST's body is read by the endpoints

            async def receiving() -> dict[str, Any]:
                message = await receive()
                chunks.append(message.get("body", b""))
                return message

        try:
            await app(scope, receiving, sending)
        finally:
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            status, answer = _answer(sent)
            client = scope.get("client")
            # Only strings, bytes and numbers: nothing the garbage collector has to follow.
            self.records.append((
                seq, at, wall, scope["method"], scope["path"], scope.get("query_string", b""),
                client[0] if client else "", _content_type(scope["headers"]),
                body if len(body) <= MAX_BODY else body[:MAX_BODY], len(body), status, answer,
                scope.get(FAULT_KEY)))


def _content_type(headers: list[tuple[bytes, bytes]]) -> bytes:
    for key, value in headers:
        if key == b"content-type":
            return value
    return b""


def _answer(sent: list[dict[str, Any]]) -> tuple[int, bytes]:
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
