"""Sends the outbox's callbacks: real HTTP POSTs, each in a worker thread so a slow receiver
never holds up a request, and each with an overall deadline. A receiver that trickles its
answer a byte at a time would outlast any per-read timeout, so at the deadline the socket is
shut from outside, which ends the worker's blocking read at once (and so does shutdown).

A callback goes only where `callback_allow` lets it (CallbackAllow): the URL's host is
resolved once, each address is checked, and the connection goes to a checked address, never
to a second lookup's answer (DNS rebinding). Link-local and cloud metadata addresses are
refused unless an entry names them; the emulator's control API (/_mock/, but for the sink)
is never a target. What an attempt reports is a short generic phrase (REFUSED, CONNECTION,
"HTTP 500"), never the receiver's own text or an exception's, so the attempts in
/_mock/callbacks cannot be used to map a network.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import ipaddress
import posixpath
import re
import socket
import threading
import urllib.parse
from collections.abc import Callable

from sms_mocks.outbound.outbox import CallbackAllow, Delivery, Outbox

READ_TIMEOUT = 5.0  # seconds for the connection and for each read
DEADLINE = 10.0  # seconds for the whole POST
ANSWER_READ = 65536  # bytes of an answer read before it is dropped

# What an attempt reports: generic phrases, never the receiver's words or an exception's.
REFUSED = "refused by callback_allow"
CONTROL_API = "refused: the emulator's control API is not a callback target"
NOT_HTTP = "not an http(s) URL"
NOT_FOUND = "host not found"
CONNECTION = "connection failed"
ABORTED = "aborted"
# Refusals that trying again cannot change: the outbox gives up on them at once.
PERMANENT = frozenset({REFUSED, CONTROL_API, NOT_HTTP})

DEFAULT_ALLOW = CallbackAllow()



def control_path(path: str) -> bool:
    """Is this a path of the emulator's control API (under /_mock/), however it is spelled?
    The sink (/_mock/sink/{name}) is a callback receiver and stays a target."""
    for _ in range(4):  # %255F: decoded until it no longer changes
        decoded = urllib.parse.unquote(path)
        if decoded == path:
            break
        path = decoded
    path = re.sub(r"[/\\]+", "/", "/" + path)
    path = posixpath.normpath(path).lower()
    return (path == "/_mock" or path.startswith("/_mock/")) and not path.startswith(
        "/_mock/sink/")


def _resolve(host: str, port: int) -> list[tuple[int, str]]:
    """(family, address) of every stream address `host` has: one lookup."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    seen: list[tuple[int, str]] = []
    for family, _, _, _, sockaddr in found:
        pair = (int(family), str(sockaddr[0]))
        if pair not in seen:
            seen.append(pair)
    return seen


def checked_addresses(allow: CallbackAllow, host: str, port: int) -> list[str] | None:
    """The addresses of `host` a callback may connect to ([] if none); None if the host
    does not resolve."""
    try:
        found = _resolve(host, port)
    except (OSError, UnicodeError, ValueError):
        return None
    permitted = []
    for _, text in found:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if allow.permits(host, port, address):
            permitted.append(text)
    return permitted


class Post:
    """One form-encoded POST that another thread may cut short with abort()."""

    def __init__(self, url: str, form: dict[str, str],
                 allow: CallbackAllow = DEFAULT_ALLOW) -> None:
        self.url = url
        self.allow = allow
        self.body = urllib.parse.urlencode(form).encode("utf-8")
        self._connection: http.client.HTTPConnection | None = None
        self._aborted = threading.Event()

    def run(self) -> tuple[int | None, str]:
        """(status, error), blocking; error is "" for a 2xx answer, else a generic phrase.
        No proxy from the environment: a callback goes where the account says, if
        callback_allow lets it, and to the address that was checked."""
        try:
            parts = urllib.parse.urlsplit(self.url)
            host = parts.hostname
            if parts.scheme not in ("http", "https") or not host:
                return None, NOT_HTTP
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:  # a port out of range, a malformed IPv6 host
            return None, NOT_HTTP
        if control_path(parts.path):
            return None, CONTROL_API
        addresses = checked_addresses(self.allow, host, port)
        if addresses is None:
            return None, NOT_FOUND
        if not addresses:
            return None, REFUSED
        try:
            kind = (http.client.HTTPSConnection if parts.scheme == "https"
                    else http.client.HTTPConnection)
            # The host stays the URL's (the Host header, TLS's name and its check); the
            # socket goes to the addresses just checked, with no second lookup.
            self._connection = connection = kind(host, port, timeout=READ_TIMEOUT)
            # a private hook of http.client, not in its stubs: connect() calls it
            connection._create_connection = _connector(addresses, port)  # type: ignore[attr-defined]
            connection.connect()
            if self._aborted.is_set():  # abort() may have come while there was no socket
                raise TimeoutError
            path = parts.path or "/"
            connection.request("POST", f"{path}?{parts.query}" if parts.query else path,
                               self.body, {"Content-Type": "application/x-www-form-urlencoded",
                                           "User-Agent": "sms-mocks"})
            answer = connection.getresponse()
            answer.read(ANSWER_READ)
            status = answer.status
            return status, "" if 200 <= status < 300 else f"HTTP {status}"
        except (OSError, ValueError, http.client.HTTPException):
            return None, ABORTED if self._aborted.is_set() else CONNECTION
        finally:
            self.close()

    def abort(self) -> None:
        self._aborted.set()
        connection = self._connection
        if connection is not None and connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def _connector(addresses: list[str], port: int) -> Callable[..., socket.socket]:
    """http.client's socket maker, bound to the checked addresses: each tried in turn."""
    def connect(_address: object, timeout: float | None = None,
                source_address: tuple[str, int] | None = None) -> socket.socket:
        failure: OSError | None = None
        for address in addresses:
            try:
                return socket.create_connection((address, port), timeout, source_address)
            except OSError as exc:
                failure = exc
        assert failure is not None
        raise failure

    return connect


async def post(url: str, form: dict[str, str], deadline: float = DEADLINE,
               allow: CallbackAllow = DEFAULT_ALLOW) -> tuple[int | None, str]:
    """One POST off the event loop, given up at the deadline or when cancelled. The worker is
    a daemon thread, not the loop's executor, so one stuck where a socket cannot reach it (a
    slow DNS lookup) never holds up shutdown."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[tuple[int | None, str]] = loop.create_future()
    attempt = Post(url, form, allow)

    def work() -> None:
        result = attempt.run()
        with contextlib.suppress(RuntimeError):  # the loop may be gone by now
            loop.call_soon_threadsafe(_settle, answer, result)

    threading.Thread(target=work, name="callback", daemon=True).start()
    try:
        return await asyncio.wait_for(asyncio.shield(answer), deadline)
    except TimeoutError:
        attempt.abort()
        return None, f"no answer within {deadline:g} s"
    except asyncio.CancelledError:
        attempt.abort()
        raise


def _settle(future: asyncio.Future[tuple[int | None, str]],
            result: tuple[int | None, str]) -> None:
    if not future.done():
        future.set_result(result)


async def deliver(outbox: Outbox, batch: list[Delivery], sending: asyncio.Semaphore) -> None:
    """One URL's due callbacks, in order. A refusal is not tried again."""
    allow = outbox.allow if isinstance(outbox.allow, CallbackAllow) else CallbackAllow(
        outbox.allow)
    try:
        async with sending:
            for delivery in batch:
                status, error = await post(delivery.url, delivery.form, allow=allow)
                outbox.done(delivery, status, error, retry=error not in PERMANENT)
    finally:
        outbox.finished(batch)
