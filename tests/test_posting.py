"""Callback POSTs against real loopback receivers: an answer, a refusal, a receiver that never
finishes its answer (cut at the deadline), and shutdown while one is on its way."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from sms_mocks.outbound import posting


@pytest.fixture
def trickler() -> Iterator[str]:
    """A receiver that answers one header byte a second, well inside any per-read timeout."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                while not stop.is_set():
                    try:
                        connection.sendall(b"H")
                    except OSError:
                        break
                    stop.wait(1.0)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/slow"
    stop.set()
    thread.join(5)
    server.close()


@pytest.mark.slow
def test_a_trickling_receiver_is_cut_at_the_deadline(trickler: str) -> None:
    started = time.monotonic()
    status, error = asyncio.run(posting.post(trickler, {"id": "1"}, deadline=0.5))
    assert (status, error) == (None, "no answer within 0.5 s")
    assert time.monotonic() - started < 3  # not the 5 s read timeout, nor the trickle's end


@pytest.mark.slow
def test_cancelling_a_post_ends_it_at_once(trickler: str) -> None:
    async def cancel_soon() -> float:
        task = asyncio.create_task(posting.post(trickler, {"id": "1"}))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - started

    assert asyncio.run(cancel_soon()) < 1


def test_an_unreachable_receiver_and_a_bad_url_are_errors_not_exceptions() -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    status, error = asyncio.run(posting.post(f"http://127.0.0.1:{port}/", {}))
    assert (status, error) == (None, "connection failed")  # generic, not the OS's words
    assert asyncio.run(posting.post("ftp://x/", {})) == (None, "not an http(s) URL")
