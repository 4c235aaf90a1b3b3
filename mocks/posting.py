"""Sends the outbox's callbacks: real HTTP POSTs, each in a worker thread so a slow receiver
never holds up a request, and each with an overall deadline. A receiver that trickles its
answer a byte at a time would outlast any per-read timeout, so at the deadline the socket is
shut from outside, which ends the worker's blocking read at once (and so does shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import socket
import threading
import urllib.parse

from sms_mocks.outbox import Delivery, Outbox

READ_TIMEOUT = 5.0  # seconds for the connection and for each read
DEADLINE = 10.0  # seconds for the whole POST
ANSWER_READ = 65536  # bytes of an answer read before it is dropped


class Post:
    """One form-encoded POST that another thread may cut short with abort()."""

    def __init__(self, url: str, form: dict[str, str]) -> None:
        self.url = url
        self.body = urllib.parse.urlencode(form).encode("utf-8")
        self._connection: http.client.HTTPConnection | None = None
        self._aborted = threading.Event()

    def run(self) -> tuple[int | None, str]:
        """(status, error), blocking. No proxy from the environment: a callback goes where the
        account says, loopback included."""
        try:
            parts = urllib.parse.urlsplit(self.url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return None, f"not an http(s) URL: {self.url!r}"
            kind = (http.client.HTTPSConnection if parts.scheme == "https"
                    else http.client.HTTPConnection)
            self._connection = connection = kind(parts.hostname, parts.port,
                                                 timeout=READ_TIMEOUT)
            connection.connect()
            if self._aborted.is_set():  # abort() may have come while there was no socket
                raise TimeoutError
            path = parts.path or "/"
            connection.request("POST", f"{path}?{parts.query}" if parts.query else path,
                               self.body, {"Content-Type": "application/x-www-form-urlencoded",
                                           "User-Agent": "sms-mocks"})
            answer = connection.getresponse()
            answer.read(ANSWER_READ)
            return answer.status, ""
        except (OSError, ValueError, http.client.HTTPException) as exc:
            return None, "aborted" if self._aborted.is_set() else f"{type(exc).__name__}: {exc}"
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


async def post(url: str, form: dict[str, str], deadline: float = DEADLINE
               ) -> tuple[int | None, str]:
    """One POST off the event loop, given up at the deadline or when cancelled. The worker is
    a daemon thread, not the loop's executor, so one stuck where a socket cannot reach it (a
    slow DNS lookup) never holds up shutdown."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[tuple[int | None, str]] = loop.create_future()
    attempt = Post(url, form)

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
    """One URL's due callbacks, in order."""
    try:
        async with sending:
            for delivery in batch:
                status, error = await post(delivery.url, delivery.form)
                outbox.done(delivery, status, error)
    finally:
        outbox.finished(batch)
