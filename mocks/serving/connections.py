"""Connections a client opens and then abuses: bounded in time, in head size, and in what running
out of file descriptors costs.

- A request head must be complete within HEAD_SECONDS of the connection's start (or, on a kept
  connection, of its first byte), else the connection is closed. uvicorn's keep-alive timeout
  (KEEP_ALIVE_SECONDS) closes a connection that says nothing after an answer; it does not cover
  one that has sent half a head, nor a fresh one that never speaks. A TLS handshake gets the
  same HEAD_SECONDS (asyncio's default is 60 s).
- A head over MAX_HEAD_BYTES is answered 431 and the connection closed, counted as its bytes
  arrive: the parser holds at most the limit and one read (256 KiB), never the whole head.
- Out of file descriptors, a listening socket closes the connections it cannot keep at once
  (a spare descriptor lets it accept them), so clients are told instead of left waiting, the
  loop does not spin, and one line a second at most reaches the log; it serves again the moment
  descriptors free up.

The deadlines cost no timer per request: a connection keeps its due time in an attribute and the
server's 100 ms tick (server._Server.tick) closes the overdue ones (expire), and gives one to
a connection nothing else watches.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from sms_mocks.asgi.uvicorn_glue import Protocol, status_line
from sms_mocks.serving.one_write import OneWriteTransport

HEAD_SECONDS = 10.0  # a request head (and a TLS handshake) must be in within this
KEEP_ALIVE_SECONDS = 5.0  # uvicorn's default: an idle kept connection is closed after this
MAX_HEAD_BYTES = 64 * 1024  # request line and header fields; past it, 431
LOG_SECONDS = 1.0  # at most one "out of file descriptors" line this often

log = logging.getLogger("sms_mocks.serving.connections")


@dataclass(frozen=True)
class Limits:
    head_seconds: float = HEAD_SECONDS
    keep_alive_seconds: float = KEEP_ALIVE_SECONDS
    head_bytes: int = MAX_HEAD_BYTES


def current_limits() -> Limits:
    """The module's limits as they are now (a test may have shortened them)."""
    return Limits(HEAD_SECONDS, KEEP_ALIVE_SECONDS, MAX_HEAD_BYTES)


class HeadTooLarge(Exception):
    """Raised inside the parser's callback to stop it; answered 431."""


IDLE, HEAD, BODY = 0, 1, 2  # between requests, reading a head, reading a body

TOO_LARGE_BODY = b"Request Header Fields Too Large"
TOO_LARGE = b"".join([status_line(431), b"content-type: text/plain; charset=utf-8\r\n",
                      b"content-length: ", str(len(TOO_LARGE_BODY)).encode(), b"\r\n",
                      b"connection: close\r\n\r\n", TOO_LARGE_BODY])


class GuardedHttpToolsProtocol(Protocol):
    """uvicorn's httptools protocol (what http="auto" picks; reached through asgi/uvicorn_glue),
    plus the head's deadline and size limit. The per-request cost is a few attribute writes;
    no timer is armed per request."""

    head_seconds: float = HEAD_SECONDS
    head_bytes: int = MAX_HEAD_BYTES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phase = IDLE
        self.head_size = 0  # bytes of the head being read, this chunk's included (see below)
        self.chunk = 0  # bytes in the chunk being parsed
        self.head_due = 0.0  # loop time the head being read must be complete by; 0.0: none
        self.too_large = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # each answer of a provider in one write (one_write.py)
        self.writer = OneWriteTransport(transport)
        super().connection_made(self.writer)  # type: ignore[arg-type]
        self.head_due = self.now() + self.head_seconds

    def on_response_complete(self) -> None:
        self.writer.done()  # nothing of this answer is held past it, nor for the next one
        _response_complete(self)

    # head_size counts whole chunks: one that begins inside a head, or with one, belongs to it
    # up to its end, so while a head is still open after a chunk the count is exact. A head that
    # begins in the middle of a chunk (after the previous request's last bytes) is not charged
    # that chunk: the count never exceeds the truth, so no head within the limit is refused.
    # on_headers_complete counts exactly when the limit may have been passed.

    def data_received(self, data: bytes) -> None:
        size = len(data)
        self.chunk = size
        phase = self.phase
        if phase == HEAD:
            self.head_size += size
        elif phase == IDLE:  # the next head starts this chunk
            self.head_size = size
        _data_received(self, data)
        if self.phase == HEAD and not self.transport.is_closing():  # a head is still open
            if self.head_size > self.head_bytes:
                self.refuse()
            elif not self.head_due:
                self.head_due = self.now() + self.head_seconds

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers a parser error 400; one raised by on_headers_complete for a head over
        # the limit is a 431
        if self.too_large:
            self.refuse()
        else:
            super().send_400_response(msg)

    def refuse(self) -> None:
        self.head_due = 0.0
        if not self.transport.is_closing():
            self.transport.write(TOO_LARGE)
            self.transport.close()

    def on_message_begin(self) -> None:
        _begin(self)
        self.phase = HEAD

    def on_headers_complete(self) -> None:
        # head_size + chunk bounds the head from above however it fell into chunks
        if self.head_size + self.chunk > self.head_bytes and \
                self.parsed_head_bytes() > self.head_bytes:
            self.too_large = True
            raise HeadTooLarge
        self.phase = BODY
        self.head_due = 0.0
        _headers_complete(self)

    def on_message_complete(self) -> None:
        self.phase = IDLE
        self.head_size = 0  # a head that starts in this chunk, after this request, is not counted
        _message_complete(self)


# the overridden methods, called directly: cheaper than super() on every request
_data_received = Protocol.data_received
_begin = Protocol.on_message_begin
_headers_complete = Protocol.on_headers_complete
_message_complete = Protocol.on_message_complete
_response_complete = Protocol.on_response_complete


def protocol_class(limits: Limits) -> type[GuardedHttpToolsProtocol]:
    """The protocol class for uvicorn.Config(http=...) with these limits."""
    if (limits.head_seconds, limits.head_bytes) == (GuardedHttpToolsProtocol.head_seconds,
                                                    GuardedHttpToolsProtocol.head_bytes):
        return GuardedHttpToolsProtocol
    return type("GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,),
                {"head_seconds": limits.head_seconds, "head_bytes": limits.head_bytes,
                 "__module__": __name__})


def expire(connections: Iterable[object], now: float) -> int:
    """Close the connections whose deadline has passed and that have no request in progress
    (one the app is reading or answering); the number closed. A TLS one is aborted: a polite
    close would wait up to 30 s more for a close_notify from a client that sends nothing.

    A connection with no request in progress, no deadline and no keep-alive timer is watched
    by nothing: uvicorn's timer stops at any byte, so a client that sends the rest of a body
    it was answered before, or blank lines, would hold it for ever. It gets a deadline here,
    the head's, a tick late at most."""
    late = []
    for connection in connections:
        if not isinstance(connection, GuardedHttpToolsProtocol):  # not one of ours (a WebSocket)
            continue
        due = connection.head_due
        if connection.in_request():
            continue
        if not due:
            if not connection.keep_alive_armed() and not connection.transport.is_closing():
                connection.head_due = now + connection.head_seconds
        elif due <= now:
            late.append(connection)
    for connection in late:
        connection.head_due = 0.0
        transport = connection.transport
        if transport.is_closing():
            continue
        if transport.get_extra_info("sslcontext") is not None:
            transport.abort()
        else:
            transport.close()
    return len(late)


# -- running out of file descriptors --------------------------------------------------------

RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
ACCEPT_MESSAGE = "socket.accept() out of system resource"  # asyncio's words


class _Exhaustion:
    """One log line a LOG_SECONDS at most, with how many went unsaid since the last."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.said_at = -LOG_SECONDS
        self.unsaid = 0
        self.shed = 0

    def note(self, exc: BaseException | None, shed: int = 0) -> None:
        now = time.monotonic()
        with self.lock:
            self.shed += shed
            if now - self.said_at < LOG_SECONDS:
                self.unsaid += 1
                return
            unsaid, shed_count = self.unsaid, self.shed
            self.said_at, self.unsaid, self.shed = now, 0, 0
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else repr(exc)
        log.warning("cannot accept connections: %s; %s (%d more times since the last line)",
                    reason, f"closed {shed_count} new connection(s) at once" if shed_count
                    else "retrying within 1 s", unsaid)


exhaustion = _Exhaustion()

# One descriptor held in reserve for the whole process: with none left, it is closed to accept
# a waiting connection and close it, then taken again (libuv and nginx do the same).
_spare_lock = threading.Lock()
_spare: int | None = None


def _take_spare() -> None:
    global _spare
    if _spare is None:
        with contextlib.suppress(OSError):  # none to spare: tried again after an accept
            _spare = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)


class ListeningSocket(socket.socket):
    """A listening socket whose accept() copes with running out of descriptors.

    asyncio's accept loop (3.11), on EMFILE, logs a traceback, drops its reader and schedules
    a retry in 1 s, but does not stop: it goes on round its loop, up to the backlog (2048 here)
    times, a traceback and another retry each time, and every retry wakes it again. So here an
    exhausted accept() sheds the waiting connections (accepted with the spare descriptor and
    closed) and says BlockingIOError, which ends asyncio's loop quietly; without a spare, the
    first error of a burst goes to asyncio (its retry in 1 s, and the loop's exception handler,
    see install, says one line) and the rest of the burst is BlockingIOError."""

    failed_at = -1.0  # monotonic time of the last error handed to asyncio

    def accept(self) -> tuple[socket.socket, Any]:
        try:
            accepted = super().accept()
        except OSError as exc:
            if exc.errno not in RESOURCE_ERRNOS:
                raise
            self._exhausted(exc)
        if _spare is None:
            with _spare_lock:
                _take_spare()
        return accepted

    def _exhausted(self, exc: OSError) -> NoReturn:
        shed = self._shed() if exc.errno in (errno.EMFILE, errno.ENFILE) else None
        if shed is not None:
            exhaustion.note(exc, shed)
            raise BlockingIOError(errno.EAGAIN, "connections shed") from None
        now = time.monotonic()
        if now - self.failed_at < 0.5:  # the rest of the burst asyncio is looping through
            raise BlockingIOError(errno.EAGAIN, "out of system resource") from None
        self.failed_at = now
        raise exc

    def _shed(self) -> int | None:
        """Accept and close what is waiting, using the spare descriptor: how many; None without
        a spare."""
        global _spare
        shed = 0
        with _spare_lock:
            if _spare is None:
                return None
            os.close(_spare)
            _spare = None
            try:
                while shed < 64:
                    try:
                        conn, _ = super().accept()
                    except OSError:
                        break
                    conn.close()
                    shed += 1
            finally:
                _take_spare()
        return shed


def listening_socket(family: socket.AddressFamily) -> ListeningSocket:
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY only on such sockets, and without
    # it every answer waits out the client's delayed ACK (~40 ms).
    sock = ListeningSocket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    with _spare_lock:
        _take_spare()
    return sock


# -- the event loop -------------------------------------------------------------------------

# The TLS handshake timeout for the server starting in this task (leader and companion start in
# tasks of their own, so each sees its own).
handshake_seconds: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "handshake_seconds", default=None)


def install(loop: asyncio.AbstractEventLoop) -> None:
    """Once per loop: asyncio's accept errors become one rate-limited line, not a traceback
    each, and create_server gives TLS listeners the handshake timeout of handshake_seconds."""
    if getattr(loop, "_sms_mocks_connections", False):
        return
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == ACCEPT_MESSAGE:
            exhaustion.note(context.get("exception"))
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    create_server = loop.create_server

    async def create_server_with_handshake_timeout(*args: Any, **kwargs: Any) -> Any:
        seconds = handshake_seconds.get()
        if seconds is not None and kwargs.get("ssl") is not None:
            kwargs.setdefault("ssl_handshake_timeout", seconds)
        return await create_server(*args, **kwargs)

    loop.create_server = create_server_with_handshake_timeout  # type: ignore[method-assign]
    loop._sms_mocks_connections = True  # type: ignore[attr-defined]
