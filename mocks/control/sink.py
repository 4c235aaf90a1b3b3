"""/_mock/sink/{name}: a receiver for callbacks, so tests and the sandbox need no server of
their own; /_mock/callbacks: what the emulator has POSTed, attempt by attempt.

An account's callback_url may point at {server}/_mock/sink/{name}; `?status=500` on that URL
makes the sink answer 500, to watch the retries. Anyone may post to it (control/access.py), so
what it keeps is bounded: each body at most MAX_BODY bytes, the last KEPT requests of each of
the last NAMES names, and at most `max_bytes` in all (the setting `[control] sink_mib`, 64 MiB
by default), the oldest request dropped first. Reading it back is a page at a time: at most
`limit` requests and about PAGE_BYTES of bodies, oldest first from `after`; a page that is not
the last says where the next one starts (`next`, to pass as `after`).
"""

from __future__ import annotations

import heapq
import sys
from bisect import bisect_right
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sms_mocks.asgi.http import BodyTooLarge, read_body
from sms_mocks.control import params
from sms_mocks.control.handlers import BadRequest, error, runtime_of
from sms_mocks.core.clock import iso
from sms_mocks.outbound.outbox import HISTORY

MAX_BODY = 64 * 1024
KEPT = 1000  # requests kept a name
NAMES = 100  # names kept; a new one past this drops the one written longest ago
MAX_BYTES = 64 * 1024 * 1024  # what the sink keeps in all, unless configured otherwise
OVERHEAD = 256  # bytes a kept request costs besides its body and content type
DEFAULT_LIMIT = 100  # requests a page holds unless `limit` says otherwise
MAX_LIMIT = KEPT
PAGE_BYTES = 1024 * 1024  # a page stops before the request that would take it past this
_SEQ = attrgetter("seq")


@dataclass(slots=True)
class Received:
    at: float
    method: str
    content_type: str
    body: str
    answered: int
    seq: int = 0  # in the order received, across names; never reused
    name: str = ""
    size: int = 0  # what it counts against the sink's bytes

    def view(self) -> dict[str, object]:
        return {"at": iso(self.at), "method": self.method, "content_type": self.content_type,
                "form": dict(parse_qsl(self.body, keep_blank_values=True)),
                "body": self.body, "answered": self.answered, "seq": self.seq}


@dataclass
class Sink:
    max_bytes: int = MAX_BYTES
    names: dict[str, deque[Received]] = field(default_factory=dict)  # last written last
    bytes: int = 0  # what the kept requests count
    dropped: int = 0  # requests dropped to stay within the bounds, or never kept
    _order: OrderedDict[int, Received] = field(default_factory=OrderedDict)  # by seq
    _seq: int = 0

    def keep(self, name: str, received: Received, max_bytes: int | None = None) -> None:
        """Keep a request under `name`, dropping the oldest ones (of the name past KEPT, of
        the sink past `max_bytes`); one larger than `max_bytes` alone is not kept."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        self._seq += 1
        received.seq, received.name = self._seq, name
        received.size = (sys.getsizeof(received.body) + sys.getsizeof(received.content_type)
                         + OVERHEAD)
        if received.size > limit:
            self.dropped += 1
            return
        kept = self.names.pop(name, None)
        if kept is None:
            kept = deque()
            while len(self.names) >= NAMES:
                self._forget(next(iter(self.names)))
        self.names[name] = kept
        if len(kept) >= KEPT:
            self._unkeep(kept.popleft())
        kept.append(received)
        self._order[received.seq] = received
        self.bytes += received.size
        while self.bytes > limit:  # never reaches the one just kept: it fits alone
            _, oldest = self._order.popitem(last=False)
            of_name = self.names[oldest.name]
            of_name.popleft()  # a name's oldest is the first of its deque
            self.bytes -= oldest.size
            self.dropped += 1
            if not of_name:
                del self.names[oldest.name]

    def _unkeep(self, received: Received) -> None:
        del self._order[received.seq]
        self.bytes -= received.size
        self.dropped += 1

    def _forget(self, name: str) -> None:
        for received in self.names.pop(name):
            self._unkeep(received)

    def __len__(self) -> int:
        return len(self._order)

    def page(self, name: str | None, after: int = 0, limit: int = DEFAULT_LIMIT,
             page_bytes: int = PAGE_BYTES) -> tuple[list[Received], int | None]:
        """Requests with a seq above `after`, oldest first, of one name or of all: at most
        `limit`, and no more than `page_bytes` unless the first alone is; and the seq to pass
        as `after` for the rest, or None when there is no rest. Costs what the page holds."""
        if name is not None:
            source: Iterable[Received] = _after(self.names.get(name, deque()), after)
        else:
            source = heapq.merge(*(_after(kept, after) for kept in self.names.values()),
                                 key=_SEQ)
        found: list[Received] = []
        size = 0
        for received in source:
            if len(found) >= limit or (found and size + received.size > page_bytes):
                return found, found[-1].seq
            found.append(received)
            size += received.size
        return found, None

    def clear(self) -> None:
        self.names.clear()
        self._order.clear()
        self.bytes = 0


def _after(kept: deque[Received], after: int) -> Iterator[Received]:
    start = bisect_right(kept, after, key=_SEQ)
    return (kept[index] for index in range(start, len(kept)))


def _answer_status(value: str | None) -> int:
    """`?status=N` for N in 200..599, else 200."""
    if value and value.isascii() and value.isdigit() and len(value) == 3:
        return int(value) if 200 <= int(value) <= 599 else 200
    return 200


async def receive(request: Request) -> Response:
    runtime = runtime_of(request)
    try:
        raw = await read_body(request.scope, request.receive, MAX_BODY)
    except BodyTooLarge:
        return PlainTextResponse(f"a body of at most {MAX_BODY} bytes", status_code=413)
    answer = _answer_status(request.query_params.get("status"))
    runtime.sink.keep(request.path_params["name"], Received(
        runtime.gateway.now(), request.method, request.headers.get("content-type", ""),
        raw.decode("utf-8", "replace"), answer), runtime.settings.sink_bytes)
    return PlainTextResponse("OK" if answer < 300 else "error", status_code=answer)


def _paging(request: Request) -> tuple[int, int]:
    query = request.query_params
    return (params.integer(query, "after", 0, 0, 10**18),
            params.integer(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT))


async def received(request: Request) -> JSONResponse:
    sink = runtime_of(request).sink
    name = request.path_params.get("name")
    try:
        after, limit = _paging(request)
    except BadRequest as exc:
        return error(str(exc), exc.status)
    found, more = sink.page(name, after, limit)
    answer: dict[str, Any]
    if name is not None:
        answer = {"requests": [r.view() for r in found]}
    else:
        by_name: dict[str, list[dict[str, object]]] = {}
        for r in found:
            by_name.setdefault(r.name, []).append(r.view())
        # in the sink's order of names, the one written longest ago first
        answer = {"sinks": {n: by_name[n] for n in sink.names if n in by_name}}
    if more is not None:
        answer["next"] = more
    return JSONResponse(answer)


async def callbacks(request: Request) -> JSONResponse:
    try:
        limit = params.integer(request.query_params, "limit", HISTORY, 0, HISTORY)
    except BadRequest as exc:
        return error(str(exc), exc.status)
    outbox = runtime_of(request).outbox
    newest = list(islice(reversed(outbox.history), limit))
    return JSONResponse({"pending": outbox.pending, "dropped": outbox.dropped, "attempts": [
        {"delivery": a.delivery, "url": a.url, "form": a.form, "attempt": a.attempt,
         "at": iso(a.at), "status": a.status, "error": a.error,
         "retry_at": iso(a.retry_at) if a.retry_at is not None else None}
        for a in reversed(newest)]})


def _json(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"type": "object"}}}}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


_NAME = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
_PAGING = [
    _query("after", "only requests with a greater seq: the `next` of the page before",
           {"type": "integer", "minimum": 0}),
    _query("limit", f"at most this many requests (default {DEFAULT_LIMIT}); a page also "
                    f"stops at about {PAGE_BYTES // 1024} KiB of bodies",
           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
]
_RECEIVE = {"summary": "Receive a callback; ?status=N answers N (200..599)",
            "parameters": [*_NAME, {"name": "status", "in": "query", "required": False,
                                    "schema": {"type": "string"}}],
            "requestBody": {"required": False, "content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "OK"},
                          "413": {"description": "body over 64 KiB"}}}
_BAD = {"description": "a bad after or limit: {error}", "content": {"application/json": {
    "schema": {"type": "object"}}}}
paths: dict[str, Any] = {
    "/_mock/sink": {"get": {
        "summary": "What the sink received, every name, oldest first, a page at a time",
        "parameters": _PAGING,
        "responses": {"200": _json("{sinks: {name: [request]}, next?: seq}"), "400": _BAD}}},
    "/_mock/sink/{name}": {
        "get": {"summary": "What the sink received under this name, oldest first, a page at "
                           "a time",
                "parameters": [*_NAME, *_PAGING],
                "responses": {"200": _json("{requests: [...], next?: seq}"), "400": _BAD}},
        "post": _RECEIVE, "put": _RECEIVE,
    },
    "/_mock/callbacks": {"get": {
        "summary": "The last callback attempts, pending and dropped",
        "parameters": [_query("limit", f"only the newest this many (default and most "
                                       f"{HISTORY})",
                              {"type": "integer", "minimum": 0, "maximum": HISTORY})],
        "responses": {"200": _json("attempts"), "400": _BAD}}},
}

routes = [
    Route("/_mock/sink", received, methods=["GET"]),
    Route("/_mock/sink/{name}", receive, methods=["POST", "PUT"]),
    Route("/_mock/sink/{name}", received, methods=["GET"]),
    Route("/_mock/callbacks", callbacks, methods=["GET"]),
]
