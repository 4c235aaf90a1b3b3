"""/_mock/clock: read the emulator's clock, move it forward, freeze it, set its speed, or jump
to an absolute time. A moving clock (speed > 0) has app.py's ticker fire due transitions on its
own; a frozen one (speed 0, "virtual") moves only when told to."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.control.handlers import BadRequest, guarded, json_body, runtime_of
from sms_mocks.control.openapi import ERROR, json_response
from sms_mocks.core.clock import MAX_SPEED, iso
from sms_mocks.core.gateway import Gateway


def clock_view(gateway: Gateway) -> dict[str, Any]:
    now = gateway.now()
    return {"now": iso(now), "timestamp": now, "mode": gateway.clock.mode,
            "speed": gateway.clock.speed}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


async def clock(request: Request) -> JSONResponse:
    return JSONResponse(clock_view(runtime_of(request).gateway))


async def advance(request: Request) -> JSONResponse:
    """Move the clock forward by `seconds`, firing every transition that falls due."""
    seconds = _number((await json_body(request)).get("seconds"))
    if seconds is None or seconds < 0:
        raise BadRequest("seconds: a number >= 0")
    gateway = runtime_of(request).gateway
    try:
        fired = gateway.advance(seconds)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return JSONResponse({**clock_view(gateway), "fired": fired})


async def freeze(request: Request) -> JSONResponse:
    """Stop the clock where it reads now: speed 0."""
    gateway = runtime_of(request).gateway
    gateway.tick()  # what fell due while it moved happens before it stops
    gateway.clock.set_speed(0.0)
    return JSONResponse(clock_view(gateway))


async def speed(request: Request) -> JSONResponse:
    """Run the clock at `speed` times wall time (0 freezes it); the reading is kept."""
    value = _number((await json_body(request)).get("speed"))
    if value is None or not 0 <= value <= MAX_SPEED:
        raise BadRequest(f"speed: a number from 0 to {MAX_SPEED:g}")
    gateway = runtime_of(request).gateway
    gateway.tick()
    gateway.clock.set_speed(value)
    return JSONResponse(clock_view(gateway))


def _instant(value: Any) -> float | None:
    """A Unix timestamp, or an ISO 8601 time with its offset."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed.timestamp() if parsed.tzinfo is not None else None
    return _number(value)


async def set_time(request: Request) -> JSONResponse:
    """Jump forward to the time `at`, firing every transition due by then, in order."""
    at = _instant((await json_body(request)).get("at"))
    if at is None:
        raise BadRequest("at: a Unix timestamp or an ISO 8601 time with an offset")
    gateway = runtime_of(request).gateway
    try:
        gateway.clock.set_time(at)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    fired = gateway.tick()
    return JSONResponse({**clock_view(gateway), "fired": fired})


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


_CLOCK = json_response("the clock", {"type": "object", "properties": {
    "now": {"type": "string"}, "timestamp": {"type": "number"},
    "mode": {"type": "string", "enum": ["virtual", "real", "accelerated"]},
    "speed": {"type": "number"}, "fired": {"type": "integer"}}})

paths: dict[str, Any] = {
    "/_mock/clock": {"get": {"summary": "The clock's reading, mode and speed",
                             "responses": {"200": _CLOCK}}},
    "/_mock/clock/advance": {"post": {
        "summary": "Move the clock forward, firing due transitions",
        "requestBody": _body({"seconds": {"type": "number", "minimum": 0}}, ["seconds"]),
        "responses": {"200": _CLOCK, "400": ERROR}}},
    "/_mock/clock/freeze": {"post": {
        "summary": "Stop the clock (speed 0); it then moves only when advanced",
        "responses": {"200": _CLOCK}}},
    "/_mock/clock/speed": {"post": {
        "summary": "Run the clock at this many times wall time; 0 freezes it",
        "requestBody": _body({"speed": {"type": "number", "minimum": 0,
                                        "maximum": MAX_SPEED}}, ["speed"]),
        "responses": {"200": _CLOCK, "400": ERROR}}},
    "/_mock/clock/set": {"post": {
        "summary": "Jump forward to an absolute time, firing due transitions",
        "requestBody": _body({"at": {"oneOf": [
            {"type": "number", "description": "Unix timestamp"},
            {"type": "string", "description": "ISO 8601 with an offset",
             "example": "2030-01-01T12:00:00+03:00"}]}}, ["at"]),
        "responses": {"200": _CLOCK, "400": ERROR}}},
}

routes = [
    Route("/_mock/clock", guarded(clock), methods=["GET"]),
    Route("/_mock/clock/advance", guarded(advance), methods=["POST"]),
    Route("/_mock/clock/freeze", guarded(freeze), methods=["POST"]),
    Route("/_mock/clock/speed", guarded(speed), methods=["POST"]),
    Route("/_mock/clock/set", guarded(set_time), methods=["POST"]),
]
