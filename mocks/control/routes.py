"""Every control module's routes and OpenAPI paths, gathered; and the document itself."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks import __version__
from sms_mocks.control import (
    api,
    clock,
    events,
    faults,
    inbound,
    journal,
    limits,
    metrics,
    outcomes,
    sink,
    waiting,
)
from sms_mocks.control.openapi import document

# Each module has `routes` (Starlette routes) and `paths` (their OpenAPI path items).
# waiting comes before api, so /_mock/messages/wait is not taken for a message {id}.
MODULES = (waiting, api, sink, outcomes, faults, journal, clock, events, limits, inbound,
           metrics)

PATHS: dict[str, Any] = {path: item for module in MODULES for path, item in module.paths.items()}


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document(__version__, PATHS))


ROUTES = [*(route for module in MODULES for route in module.routes),
          Route("/_mock/openapi.json", openapi, methods=["GET"])]
