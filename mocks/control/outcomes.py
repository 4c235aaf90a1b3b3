"""/_mock/outcomes: rules that decide how messages end; /_mock/messages/{id}/deliver, fail,
read and expire: ending one message by hand, with the same events, callbacks and refunds as
the engine's own transitions.

A rule matches by provider, account login and phone (each optional; all given must match) and
gives the messages accepted after it an outcome and a progression. The newest matching rule
wins; magic numbers and "mock:ABBB" tokens beat every rule; rules beat carrier profiles.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.control.handlers import BadRequest, guarded, json_body, runtime_of
from sms_mocks.control.views import message_view
from sms_mocks.core.messages import Message, State
from sms_mocks.core.outcomes import MAX_POLLS, MAX_SECONDS, OUTCOMES, PROGRESSIONS, rule_from_spec
from sms_mocks.seam import registry

MAX_RULES = 10_000  # a runaway test cannot make every send scan a million rules



def _next_rule_id(request: Request) -> int:
    """Ids are never reused while the server runs, so a late DELETE cannot hit a newer rule."""
    rules = runtime_of(request).gateway.outcome_rules
    last = max(getattr(request.app.state, "last_outcome_rule", 0),
               max((r.id for r in rules), default=0))
    request.app.state.last_outcome_rule = last + 1
    return last + 1


async def list_rules(request: Request) -> JSONResponse:
    rules = runtime_of(request).gateway.outcome_rules
    return JSONResponse({"rules": [rule.spec for rule in rules]})


async def add_rule(request: Request) -> JSONResponse:
    """Add a rule; it applies to messages accepted from now on."""
    body = await json_body(request)
    rules = runtime_of(request).gateway.outcome_rules
    if len(rules) >= MAX_RULES:
        raise BadRequest(f"at most {MAX_RULES} outcome rules", 409)
    try:
        rule = rule_from_spec(body, _next_rule_id(request), registry.names())
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    rules.append(rule)
    return JSONResponse(rule.spec, status_code=201)


async def delete_rules(request: Request) -> JSONResponse:
    """Remove every rule, the configured ones too (POST /_mock/reset brings those back)."""
    rules = runtime_of(request).gateway.outcome_rules
    count = len(rules)
    rules.clear()
    return JSONResponse({"deleted": count})


async def delete_rule(request: Request) -> JSONResponse:
    rules = runtime_of(request).gateway.outcome_rules
    raw = request.path_params["id"]
    for index, rule in enumerate(rules):
        if str(rule.id) == raw:
            del rules[index]
            return JSONResponse({"deleted": 1})
    raise BadRequest("no such outcome rule", 404)


# manual transitions -------------------------------------------------------------------------
def _message(request: Request) -> Message:
    gateway = runtime_of(request).gateway
    gateway.tick()
    raw = request.path_params["id"]
    message = gateway.store.get(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 19 \
        else None
    if message is None:
        raise BadRequest("no such message", 404)
    return message


def _end(request: Request, message: Message, state: State, err: int = 0) -> JSONResponse:
    if message.state.final and not (state is State.READ and message.state is State.DELIVERED):
        raise BadRequest(f"the message is already {message.state.label}", 409)
    runtime_of(request).gateway.finish(message, state, err)
    return JSONResponse(message_view(message))


async def deliver(request: Request) -> JSONResponse:
    return _end(request, _message(request), State.DELIVERED)


async def read(request: Request) -> JSONResponse:
    return _end(request, _message(request), State.READ)


async def expire(request: Request) -> JSONResponse:
    return _end(request, _message(request), State.EXPIRED)


async def fail(request: Request) -> JSONResponse:
    body = await json_body(request)
    err = body.get("err")
    if isinstance(err, bool) or not isinstance(err, int) or not 1 <= err <= 999:
        raise BadRequest("err: a whole number 1..999 (a delivery error code)")
    return _end(request, _message(request), State.UNDELIVERED, err)


# OpenAPI ------------------------------------------------------------------------------------
def _json(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"type": "object"}}}}


_ERROR = {"description": "error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}
_RULE_IN = {
    "type": "object",
    "properties": {
        "provider": {"type": "string", "enum": list(registry.names())},
        "account": {"type": "string", "description": "a login"},
        "phone": {"type": "string"},
        "outcome": {"type": "string", "enum": list(OUTCOMES), "default": "delivered"},
        "err": {"type": "integer", "minimum": 1, "maximum": 999,
                "description": "with outcome undelivered only, and then required"},
        "progression": {"type": "object", "properties": {
            "after": {"type": "string", "enum": list(PROGRESSIONS), "default": "default"},
            "n": {"type": "number", "minimum": 0, "maximum": max(MAX_SECONDS, MAX_POLLS),
                  "description": "seconds (after=seconds) or status reads (after=polls)"}}},
    },
}
_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]


def _transition(summary: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"summary": summary, "parameters": _ID,
                            "responses": {"200": _json("the message, moved"),
                                          "404": _ERROR, "409": _ERROR}}
    if body is not None:
        item["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": body}}}
        item["responses"]["400"] = _ERROR
    return {"post": item}


paths: dict[str, Any] = {
    "/_mock/outcomes": {
        "get": {"summary": "Outcome rules, oldest first",
                "responses": {"200": _json("{rules: [rule]}")}},
        "post": {"summary": "Add an outcome rule for messages accepted from now on",
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": _RULE_IN}}},
                 "responses": {"201": _json("the rule, with its id"), "400": _ERROR,
                               "409": _ERROR}},
        "delete": {"summary": "Remove every outcome rule",
                   "responses": {"200": _json("{deleted: N}")}},
    },
    "/_mock/outcomes/{id}": {
        "delete": {"summary": "Remove one outcome rule", "parameters": _ID,
                   "responses": {"200": _json("{deleted: 1}"), "404": _ERROR}},
    },
    "/_mock/messages/{id}/deliver": _transition("Deliver a message that has not ended"),
    "/_mock/messages/{id}/read": _transition("Deliver (if need be) and read a message"),
    "/_mock/messages/{id}/expire": _transition("Expire a message that has not ended"),
    "/_mock/messages/{id}/fail": _transition(
        "Make a message that has not ended undelivered with err",
        {"type": "object", "required": ["err"], "properties": {
            "err": {"type": "integer", "minimum": 1, "maximum": 999}}}),
}

routes = [
    Route("/_mock/outcomes", guarded(list_rules), methods=["GET"]),
    Route("/_mock/outcomes", guarded(add_rule), methods=["POST"]),
    Route("/_mock/outcomes", guarded(delete_rules), methods=["DELETE"]),
    Route("/_mock/outcomes/{id}", guarded(delete_rule), methods=["DELETE"]),
    Route("/_mock/messages/{id}/deliver", guarded(deliver), methods=["POST"]),
    Route("/_mock/messages/{id}/read", guarded(read), methods=["POST"]),
    Route("/_mock/messages/{id}/expire", guarded(expire), methods=["POST"]),
    Route("/_mock/messages/{id}/fail", guarded(fail), methods=["POST"]),
]
