"""/_mock/metrics: Prometheus metrics (mocks/observe/metrics.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sms_mocks.control.handlers import runtime_of
from sms_mocks.observe.metrics import CONTENT_TYPE, exposition


async def metrics(request: Request) -> Response:
    return Response(exposition(runtime_of(request)), media_type=CONTENT_TYPE)


paths: dict[str, Any] = {
    "/_mock/metrics": {"get": {
        "summary": "Prometheus metrics: requests by provider/endpoint/outcome, latency, "
                   "messages by state, balances, pending transitions, clock offset",
        "responses": {"200": {"description": "the text exposition format 0.0.4",
                              "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
}
routes = [Route("/_mock/metrics", metrics, methods=["GET"])]
