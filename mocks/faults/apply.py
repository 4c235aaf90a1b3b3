"""Carrying fault rules out, at the ASGI level, around a provider endpoint.

`handle` is what EmulatorApp calls for a provider path while any rule is in force. Matching on
account, phone or text needs the request's body before the endpoint reads it: it is read once,
bounded, and replayed to the endpoint. Closing or resetting the connection needs its
transport, which the request's scope carries under uvicorn (asgi/uvicorn_glue.transport_of);
without it (another ASGI server) a hang-up falls back to an answer that promises a byte and
never sends it, which a server ends by closing the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import struct
from dataclasses import dataclass, field

from starlette.types import Message, Receive, Scope, Send

from sms_mocks.asgi.http import ProviderApp, header, nginx_page, respond
from sms_mocks.asgi.uvicorn_glue import transport_of
from sms_mocks.faults import facts
from sms_mocks.faults.rules import Book, Rule
from sms_mocks.seam.exchange import FAULT_KEY, fault_label

DRAIN_SECONDS = 10.0  # reading the rest of a body before hanging up, at most
GONE_SECONDS = 5.0  # waiting for the server to see a connection we closed
log = logging.getLogger("sms_mocks.faults")

Endpoint = ProviderApp  # an error rule has it answer in its own words (injected_error)


class Incoming:
    """The request side of one exchange: a body read ahead is replayed to the endpoint, and
    whether the body is all in, and whether the client is gone, is known."""

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self._receive = receive
        self._ahead: bytes | None = None
        self._replayed = False
        self.complete = False
        self.gone = False

    async def peek(self, limit: int = facts.MAX_BODY) -> bytes:
        """The body, read ahead and kept for the endpoint; past `limit` bytes only what has
        arrived (the rest stays unread), and nothing when Content-Length says it is larger."""
        if self._ahead is not None:
            return self._ahead
        declared = header(self.scope, b"content-length")
        chunks: list[bytes] = []
        if not (declared is not None and declared.isdigit()
                and (len(declared) > 18 or int(declared) > limit)):
            size = 0
            while not self.complete and size <= limit:
                message = await self._next()
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
        self._ahead = b"".join(chunks)
        return self._ahead

    async def receive(self) -> Message:
        if self._ahead is not None and not self._replayed:
            self._replayed = True
            return {"type": "http.request", "body": self._ahead, "more_body": not self.complete}
        return await self._next()

    async def _next(self) -> Message:
        message = await self._receive()
        if message["type"] != "http.request":
            self.complete = self.gone = True
        elif not message.get("more_body", False):
            self.complete = True
        return message

    async def drain(self, seconds: float = DRAIN_SECONDS) -> None:
        """Read the rest of the body: closing a socket with unread bytes sends a reset."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not self.complete:
                    await self._next()

    async def until_gone(self, seconds: float) -> bool:
        """Wait up to `seconds` for the client to go away; whether it did."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not self.gone:
                    await self._next()
        return self.gone


@dataclass(slots=True)
class Captured:
    """The endpoint's answer, held back."""

    start: Message = field(default_factory=dict)
    body: bytes = b""


async def handle(book: Book, endpoint: Endpoint, scope: Scope, receive: Receive,
                 send: Send) -> None:
    path = scope["path"]
    candidates = book.candidates(path)
    if not candidates:
        await endpoint(scope, receive, send)
        return
    incoming = Incoming(scope, receive)
    about = None
    if any(rule.match.needs_request for rule in candidates):
        body = await incoming.peek()
        about = facts.read(path, scope, body, scope["app"].runtime.gateway, incoming.complete)
    rule = book.choose(candidates, about)
    if rule is None:
        await endpoint(scope, incoming.receive, send)
        return
    scope[FAULT_KEY] = fault_label(rule.id, rule.action.kind)  # journal, metrics, log
    try:
        await carry_out(rule, endpoint, scope, incoming, send)
    except Exception:  # a bug of ours: counted, so the test that met it fails
        log.exception("fault rule %s failed", rule.id)
        scope["app"].runtime.internal_errors += 1
        await hang_up(incoming, send, reset=False)


async def carry_out(rule: Rule, endpoint: Endpoint, scope: Scope, incoming: Incoming,
                    send: Send) -> None:
    action = rule.action
    # The rule's draws are made before anything waits, so they follow the order of requests.
    pause = action.delay(rule.effects) if action.kind == "delay" else 0.0
    noise = random.Random(rule.effects.getrandbits(64)) if action.kind == "garble" else None
    kind = action.kind
    if kind == "error":
        assert action.code is not None
        injected = endpoint.injected_error(scope, await incoming.peek(), action.code)
        if injected is None:
            await endpoint(scope, incoming.receive, send)
        else:
            await respond(send, injected.body, injected.content_type, injected.status)
    elif kind == "status":
        await respond_status(send, action.status, action.retry_after)
    elif kind in ("close", "reset"):
        await hang_up(incoming, send, reset=kind == "reset")
    elif kind == "hold":
        await incoming.drain()
        if not await incoming.until_gone(action.seconds):
            await hang_up(incoming, send, reset=False)
    else:
        answer = await answer_of(endpoint, scope, incoming)
        if kind == "delay":
            await asyncio.sleep(pause)
            await emit(send, answer.start, answer.body)
        elif kind == "garble":
            assert noise is not None
            await emit(send, answer.start, garble(answer.body, action.ratio, noise))
        elif kind == "truncate":
            await truncate(incoming, send, answer, action.keep)
        else:
            await dribble(incoming, send, answer, action.chunk, action.interval)


async def answer_of(endpoint: Endpoint, scope: Scope, incoming: Incoming) -> Captured:
    captured = Captured()
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            captured.start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await endpoint(scope, incoming.receive, keep)
    captured.body = b"".join(chunks)
    return captured


async def emit(send: Send, start: Message, body: bytes) -> None:
    await send(start)
    await send({"type": "http.response.body", "body": body})


def front_page(status: int) -> bytes:
    """The error page nginx, in front of a gateway, answers with."""
    return nginx_page(status)


async def respond_status(send: Send, status: int, retry_after: int | None) -> None:
    body = front_page(status)
    headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def garble(body: bytes, ratio: float, noise: random.Random) -> bytes:
    """The body with a share of its bytes (at least one) changed, each to a different byte."""
    if not body:
        return body
    out = bytearray(body)
    count = min(len(out), max(1, round(len(out) * ratio)))
    for position in noise.sample(range(len(out)), count):
        out[position] = (out[position] + noise.randrange(1, 256)) % 256
    return bytes(out)


async def truncate(incoming: Incoming, send: Send, answer: Captured, keep: int | None) -> None:
    """The headers as they were (Content-Length promising the whole body), part of the body,
    then the connection closed."""
    body = answer.body
    kept = len(body) // 2 if keep is None else keep
    kept = max(0, min(kept, len(body) - 1))
    await send(answer.start)
    await send({"type": "http.response.body", "body": body[:kept], "more_body": True})
    await hang_up(incoming, send, reset=False, answered=True)


async def dribble(incoming: Incoming, send: Send, answer: Captured, chunk: int,
                  interval: float) -> None:
    """The whole answer, `chunk` bytes at a time with a pause between, until the client goes."""
    body = answer.body
    transport = transport_of(incoming.scope)
    await send(answer.start)
    for at in range(0, max(len(body), 1), chunk):
        if at:
            await asyncio.sleep(interval)
            if transport is not None and transport.is_closing():
                return
        await send({"type": "http.response.body", "body": body[at:at + chunk],
                    "more_body": at + chunk < len(body)})


async def hang_up(incoming: Incoming, send: Send, *, reset: bool,
                  answered: bool = False) -> None:
    """Close the connection (FIN) or reset it (RST), whatever has been said on it so far."""
    await incoming.drain()
    transport = transport_of(incoming.scope)
    if transport is None:
        if not answered:
            await send({"type": "http.response.start", "status": 502,
                        "headers": [(b"content-length", b"1"), (b"connection", b"close")]})
        return
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # linger 0: close() sends RST, not FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    # Until the server has seen the connection go, it would add an answer of its own.
    await incoming.until_gone(GONE_SECONDS)
