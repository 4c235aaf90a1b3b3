"""What every control route shares: its runtime, a JSON body read with bounds, and bad input
answered as 4xx `{"error": ...}` instead of a 500."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sms_mocks.control.params import BadRequest as BadRequest  # what the routes raise
from sms_mocks.control.params import json_object

if TYPE_CHECKING:  # runtime imports the sink, which uses these helpers
    from sms_mocks.serving.runtime import Runtime

Handler = Callable[[Request], Awaitable[JSONResponse]]


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.runtime  # Starlette's app attribute is untyped
    return runtime


def error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def json_body(request: Request) -> dict[str, Any]:
    return await json_object(request)


def guarded(handler: Handler) -> Handler:
    async def run(request: Request) -> JSONResponse:
        try:
            return await handler(request)
        except BadRequest as exc:
            return error(str(exc), exc.status)

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
