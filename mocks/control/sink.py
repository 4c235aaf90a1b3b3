"""/_mock/sink/{name}: a receiver for callbacks, so tests and the sandbox need no server of
their own; /_mock/callbacks: what the emulator has POSTed, attempt by attempt.

An account's callback_url may point at {server}/_mock/sink/{name}; `?status=500` on that URL
makes the sink answer 500, to watch the retries.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from mocks.control.views import iso
from mocks.runtime import Runtime

MAX_BODY = 64 * 1024
KEPT = 1000  # requests kept a name


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


async def receive(request: Request) -> Response:
    runtime = _runtime(request)
    name = request.path_params["name"]
    raw = (await request.body())[:MAX_BODY]
    kept = runtime.sink.setdefault(name, [])
    if len(kept) >= KEPT:
        del kept[0]
    status = request.query_params.get("status", "200")
    answer = int(status) if status.isdigit() and 200 <= int(status) <= 599 else 200
    kept.append({
        "at": iso(runtime.gateway.now()),
        "method": request.method,
        "content_type": request.headers.get("content-type", ""),
        "form": dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)),
        "body": raw.decode("utf-8", "replace"),
        "answered": answer,
    })
    return PlainTextResponse("OK" if answer < 300 else "error", status_code=answer)


async def received(request: Request) -> JSONResponse:
    runtime = _runtime(request)
    name = request.path_params.get("name")
    if name is None:
        return JSONResponse({"sinks": runtime.sink})
    return JSONResponse({"requests": runtime.sink.get(name, [])})


async def callbacks(request: Request) -> JSONResponse:
    outbox = _runtime(request).outbox
    return JSONResponse({"pending": outbox.pending, "attempts": [
        {"delivery": a.delivery, "url": a.url, "form": a.form, "attempt": a.attempt,
         "at": iso(a.at), "status": a.status, "error": a.error,
         "retry_at": iso(a.retry_at) if a.retry_at is not None else None}
        for a in outbox.history]})


routes = [
    Route("/_mock/sink", received, methods=["GET"]),
    Route("/_mock/sink/{name}", receive, methods=["POST", "PUT"]),
    Route("/_mock/sink/{name}", received, methods=["GET"]),
    Route("/_mock/callbacks", callbacks, methods=["GET"]),
]
