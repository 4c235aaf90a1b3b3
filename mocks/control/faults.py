"""/_mock/faults: fault rules made, listed and deleted over the control API (docs/faults.md)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.asgi.http import BodyTooLarge, read_body
from sms_mocks.control.handlers import error, runtime_of
from sms_mocks.core.endpoints import names as endpoint_names
from sms_mocks.faults.rules import (
    ACTIONS,
    DISTRIBUTIONS,
    MAX_SECONDS,
    STATUSES,
    Book,
    FaultSpecError,
)
from sms_mocks.faults.targets import PATHS, PROVIDERS

MAX_SPEC = 64 * 1024


def _book(request: Request) -> Book:
    return runtime_of(request).faults



async def create(request: Request) -> JSONResponse:
    try:
        raw = await read_body(request.scope, request.receive, MAX_SPEC)
    except BodyTooLarge:
        return error(f"a rule of at most {MAX_SPEC} bytes", 413)
    try:
        spec = json.loads(raw)
    except (ValueError, RecursionError):
        return error("the body is not JSON")
    try:
        rule = _book(request).add(spec)
    except FaultSpecError as exc:
        return error(str(exc))
    return JSONResponse(rule.view(), status_code=201)


async def listing(request: Request) -> JSONResponse:
    return JSONResponse({"faults": [rule.view() for rule in _book(request).rules]})


def _id(request: Request) -> int | None:
    raw = request.path_params["id"]
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


async def one(request: Request) -> JSONResponse:
    rule_id = _id(request)
    rule = _book(request).get(rule_id) if rule_id is not None else None
    if rule is None:
        return error("no such fault rule", 404)
    return JSONResponse(rule.view())


async def remove(request: Request) -> JSONResponse:
    rule_id = _id(request)
    if rule_id is None or not _book(request).remove(rule_id):
        return error("no such fault rule", 404)
    return JSONResponse({"removed": 1})


async def remove_all(request: Request) -> JSONResponse:
    return JSONResponse({"removed": _book(request).clear()})


_NUMBER = {"type": "number", "minimum": 0, "maximum": MAX_SECONDS}
_SPEC = {
    "type": "object",
    "required": ["action"],
    "properties": {
        "action": {"type": "string", "enum": list(ACTIONS)},
        "provider": {"type": "string", "enum": list(PROVIDERS)},
        "endpoint": {"type": "string", "enum": endpoint_names(PATHS),
                     "description": "a provider path, or its last part where that is "
                                    "unambiguous (send.php)"},
        "account": {"type": "string", "description": "the login"},
        "phone": {"type": "string", "description": "a number the request sends to"},
        "text": {"type": "string", "description": "a substring of a text it sends, any case"},
        "times": {"type": "integer", "minimum": 1, "description": "fire for the next N"},
        "probability": {"type": "number", "minimum": 0, "maximum": 1},
        "seed": {"type": "integer"},
        "code": {"oneOf": [{"type": "integer"}, {"type": "string"}],
                 "description": "error: a documented code (or the short name of a text)"},
        "status": {"type": "integer", "enum": list(STATUSES)},
        "retry_after": {"type": "integer", "minimum": 0},
        "distribution": {"type": "string", "enum": list(DISTRIBUTIONS)},
        "seconds": _NUMBER, "min": _NUMBER, "max": _NUMBER,
        "mu": {"type": "number"}, "sigma": {"type": "number", "minimum": 0},
        "keep": {"type": "integer", "minimum": 0},
        "ratio": {"type": "number", "minimum": 0, "maximum": 1},
        "chunk": {"type": "integer", "minimum": 1},
        "interval": {"type": "number", "minimum": 0, "maximum": 10},
    },
}
_RULE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "hits": {"type": "integer"}, "fired": {"type": "integer"},
    "remaining": {"type": "integer", "nullable": True}}}
_ERROR = {"description": "error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}
_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


paths: dict[str, Any] = {
    "/_mock/faults": {
        "get": {"summary": "The fault rules, with their hits, fires and what remains",
                "responses": {"200": _json("rules", {"type": "object", "properties": {
                    "faults": {"type": "array", "items": _RULE}}})}},
        "post": {"summary": "Make a fault rule",
                 "requestBody": {"required": True,
                                 "content": {"application/json": {"schema": _SPEC}}},
                 "responses": {"201": _json("the rule", _RULE), "400": _ERROR,
                               "413": _ERROR}},
        "delete": {"summary": "Delete every fault rule",
                   "responses": {"200": _json("how many", {"type": "object"})}},
    },
    "/_mock/faults/{id}": {
        "get": {"summary": "One fault rule", "parameters": _ID,
                "responses": {"200": _json("the rule", _RULE), "404": _ERROR}},
        "delete": {"summary": "Delete one fault rule", "parameters": _ID,
                   "responses": {"200": _json("deleted", {"type": "object"}), "404": _ERROR}},
    },
}

routes = [
    Route("/_mock/faults", listing, methods=["GET"]),
    Route("/_mock/faults", create, methods=["POST"]),
    Route("/_mock/faults", remove_all, methods=["DELETE"]),
    Route("/_mock/faults/{id}", one, methods=["GET"]),
    Route("/_mock/faults/{id}", remove, methods=["DELETE"]),
]
