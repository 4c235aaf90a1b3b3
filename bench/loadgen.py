"""The fallback load generator, when wrk is not installed: plain asyncio on raw sockets.

Several HTTP/1.1 keep-alive connections, each with one request in flight at a time (no
pipelining); every request is request number n of a scenario (scenarios.py). Only the standard
library, so it runs wherever the emulator does. It costs more CPU per request than wrk, so on a
small machine it may be the bottleneck for the fast baseline: the ratio it reports then errs
on the optimistic side.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from common import PATH
from common import query as default_query

Accepted = Callable[[int, str], bool]


@dataclass
class Result:
    requests: int = 0  # completed inside the measured interval
    duration: float = 0.0
    bad_status: int = 0
    error_bodies: int = 0  # a 200 whose body the scenario does not accept
    socket_errors: int = 0
    samples: list[bytes] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, request written to answer

    @property
    def rate(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def dechunk(data: bytes, start: int) -> tuple[bytes, int] | None:
    """A chunked body that starts at `start`: (the body, where the message ends), or None
    while part of it has yet to arrive."""
    parts, at = [], start
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(data[at:line_end].split(b";", 1)[0], 16)
        at = line_end + 2
        if size == 0:  # no trailers from the servers measured here: just the final CRLF
            return (b"".join(parts), at + 2) if len(data) >= at + 2 else None
        if len(data) < at + size + 2:
            return None
        parts.append(data[at:at + size])
        at += size + 2


class _Connection(asyncio.Protocol):
    def __init__(self, run: _Run) -> None:
        self.run = run
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.number = 0  # of the request in flight
        self.sent_at = 0.0
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._next()

    def _next(self) -> None:
        assert self.transport is not None
        if self.run.stopping:
            self.transport.close()
            return
        self.number, data = self.run.request()
        self.sent_at = time.perf_counter()
        self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            if at >= 0:
                line_end = head.find(b"\r\n", at)
                length = int(head[at + 15:line_end if line_end >= 0 else len(head)])
                total = end + 4 + length
                if len(self.buffer) < total:
                    return
                body = self.buffer[end + 4:total]
            elif b"transfer-encoding: chunked" in head:  # WireMock's answers (bench/peers.py)
                found = dechunk(self.buffer, end + 4)
                if found is None:
                    return
                body, total = found
            else:
                self.run.result.socket_errors += 1
                assert self.transport is not None
                self.transport.close()
                return
            status = self.buffer[9:12]
            self.buffer = self.buffer[total:]
            self.run.completed(self.number, status, body, time.perf_counter() - self.sent_at)
            self._next()

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None or not self.run.stopping:
            self.run.result.socket_errors += 1
        if not self.closed.done():
            self.closed.set_result(None)


class _Run:
    def __init__(self, host: str, port: int, path: str, numbers: Iterator[int],
                 query: Callable[[int], str] | None, body: Callable[[int], str] | None,
                 accepted: Accepted | None) -> None:
        self.host = f"{host}:{port}"
        self.path = path
        self.query = query or default_query
        self.body = body
        self.accepted = accepted
        self.numbers = numbers
        self.stopping = False
        self.measuring = True
        self.result = Result()

    def request(self) -> tuple[int, bytes]:
        n = next(self.numbers)
        if self.body is None:
            line = f"GET {self.path}?{self.query(n)} HTTP/1.1\r\nHost: {self.host}\r\n\r\n"
            return n, line.encode()
        data = self.body(n).encode()
        head = (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Content-Type: text/xml\r\nContent-Length: {len(data)}\r\n\r\n")
        return n, head.encode() + data

    def completed(self, n: int, status: bytes, body: bytes, latency: float) -> None:
        if not self.measuring:
            return
        result = self.result
        result.requests += 1
        result.latencies.append(latency)
        if status != b"200":
            result.bad_status += 1
        # The baseline answers OK; the emulator what its scenario accepts.
        text = body.decode("utf-8", "replace")
        if body != b"OK" and self.accepted and not self.accepted(n, text):
            result.error_bodies += 1
        if len(result.samples) < 3:
            result.samples.append(body)


async def _load(url: str, connections: int, duration: float, offset: int,
                query: Callable[[int], str] | None, body: Callable[[int], str] | None,
                accepted: Accepted | None) -> Result:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    run = _Run(host, port, parts.path or PATH, itertools.count(offset), query, body,
               accepted)
    loop = asyncio.get_running_loop()
    conns = []
    start = time.perf_counter()  # connecting is part of the run, as in wrk
    for _ in range(connections):
        _, conn = await loop.create_connection(lambda: _Connection(run), host, port)
        conns.append(conn)
    await asyncio.sleep(duration)
    run.measuring = False
    run.result.duration = time.perf_counter() - start
    run.stopping = True
    await asyncio.wait_for(asyncio.gather(*(c.closed for c in conns)), timeout=10)
    return run.result


def load(url: str, *, connections: int, duration: float, offset: int,
         query: Callable[[int], str] | None = None, body: Callable[[int], str] | None = None,
         accepted: Accepted | None = None) -> Result:
    """Hammer `url` for `duration` seconds: GETs with query(n) (common.query by default), or
    POSTs of body(n); answers that `accepted` refuses are counted as errors."""
    return asyncio.run(_load(url, connections, duration, offset, query, body, accepted))
