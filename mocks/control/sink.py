"""/_mock/sink/{name}: a receiver for callbacks, so tests and the sandbox need no server of
their own; /_mock/callbacks: what the emulator has POSTed, attempt by attempt.

An account's callback_url may point at {server}/_mock/sink/{name}; `?status=500` on that URL
makes the sink answer 500, to watch the retries. What it keeps is bounded: the last KEPT
requests of each of the last NAMES names, each body at most MAX_BODY bytes.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sms_mocks.control.handlers import runtime_of
from sms_mocks.control.views import iso
from sms_mocks.http import BodyTooLarge, read_body

MAX_BODY = 64 * 1024
KEPT = 1000  # requests kept a name
NAMES = 100  # names kept; a new one past this drops the one written longest ago


@dataclass(slots=True)
class Received:
    at: float
    method: str
    content_type: str
    body: str
    answered: int

    def view(self) -> dict[str, object]:
        return {"at": iso(self.at), "method": self.method, "content_type": self.content_type,
                "form": dict(parse_qsl(self.body, keep_blank_values=True)),
                "body": self.body, "answered": self.answered}


@dataclass
class Sink:
    names: dict[str, deque[Received]] = field(default_factory=dict)

    def keep(self, name: str, received: Received) -> None:
        kept = self.names.pop(name, None)
        if kept is None:
            kept = deque(maxlen=KEPT)
            while len(self.names) >= NAMES:
                del self.names[next(iter(self.names))]
        self.names[name] = kept  # last written is last in order
        kept.append(received)

    def view(self, name: str) -> list[dict[str, object]]:
        return [received.view() for received in self.names.get(name, ())]

    def clear(self) -> None:
        self.names.clear()



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
        raw.decode("utf-8", "replace"), answer))
    return PlainTextResponse("OK" if answer < 300 else "error", status_code=answer)


async def received(request: Request) -> JSONResponse:
    sink = runtime_of(request).sink
    name = request.path_params.get("name")
    if name is None:
        return JSONResponse({"sinks": {name: sink.view(name) for name in sink.names}})
    return JSONResponse({"requests": sink.view(name)})


async def callbacks(request: Request) -> JSONResponse:
    outbox = runtime_of(request).outbox
    return JSONResponse({"pending": outbox.pending, "dropped": outbox.dropped, "attempts": [
        {"delivery": a.delivery, "url": a.url, "form": a.form, "attempt": a.attempt,
         "at": iso(a.at), "status": a.status, "error": a.error,
         "retry_at": iso(a.retry_at) if a.retry_at is not None else None}
        for a in outbox.history]})


def _json(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"type": "object"}}}}


_NAME = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
_RECEIVE = {"summary": "Receive a callback; ?status=N answers N (200..599)",
            "parameters": [*_NAME, {"name": "status", "in": "query", "required": False,
                                    "schema": {"type": "string"}}],
            "requestBody": {"required": False, "content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "OK"},
                          "413": {"description": "body over 64 KiB"}}}
paths: dict[str, Any] = {
    "/_mock/sink": {"get": {"summary": "What every sink name received",
                            "responses": {"200": _json("{sinks: {name: [request]}}")}}},
    "/_mock/sink/{name}": {
        "get": {"summary": "What the sink received under this name", "parameters": _NAME,
                "responses": {"200": _json("{requests: [...]}")}},
        "post": _RECEIVE, "put": _RECEIVE,
    },
    "/_mock/callbacks": {"get": {"summary": "The last callback attempts, pending and dropped",
                                 "responses": {"200": _json("attempts")}}},
}

routes = [
    Route("/_mock/sink", received, methods=["GET"]),
    Route("/_mock/sink/{name}", receive, methods=["POST", "PUT"]),
    Route("/_mock/sink/{name}", received, methods=["GET"]),
    Route("/_mock/callbacks", callbacks, methods=["GET"]),
]
