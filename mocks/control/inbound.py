"""/_mock/inbound: inject a reply SMS from a number to an account, and list those injected.

An SMSC account with a callback_url has it POSTed there through the outbox (so with its
retries), as SMSC passes incoming messages on. The other providers' documents describe no way
to receive SMS, so for them it is only kept here (sms_mocks.core.inbound keeps the last 1000; a
reset forgets them).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.control.handlers import BadRequest, guarded, json_body, runtime_of
from sms_mocks.control.openapi import ERROR, PROVIDER_NAMES, json_response
from sms_mocks.core.clock import iso
from sms_mocks.core.inbound import Inbound
from sms_mocks.core.phones import parse
from sms_mocks.seam import registry

MAX_TEXT = 1000  # characters, as send.php's mes
MAX_TO = 32


def inbound_view(m: Inbound) -> dict[str, Any]:
    return {"id": m.id, "provider": m.provider, "login": m.login, "phone": m.phone,
            "to": m.to, "text": m.text, "at": iso(m.at), "callback_url": m.callback_url or None}


def _string(body: dict[str, Any], name: str, limit: int, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str) or len(value) > limit:
        raise BadRequest(f"{name}: a string of at most {limit} characters")
    return value


async def inject(request: Request) -> JSONResponse:
    body = await json_body(request)
    runtime = runtime_of(request)
    provider = _string(body, "provider", 32)
    login = _string(body, "login", 256)
    phone = parse(_string(body, "phone", 32)).digits
    if not phone:
        raise BadRequest("phone: the sender's number")
    text = _string(body, "text", MAX_TEXT)
    to = _string(body, "to", MAX_TO, "")
    account = runtime.gateway.accounts.get(provider, login)
    if account is None:
        raise BadRequest("no such account", 404)
    # an account of a provider that passes incoming SMS on, with a callback URL: POSTed there
    form = registry.get(provider).inbound_form
    url = account.callback_url if form is not None else ""
    if form is not None and url:
        runtime.outbox.post(url, form(phone, text, to, account.callback_secret))
    message = Inbound(runtime.inbound.new_id(), provider, login, phone, to, text,
                      runtime.gateway.now(), url)
    runtime.inbound.add(message)
    return JSONResponse(inbound_view(message), status_code=201)


async def listing(request: Request) -> JSONResponse:
    query = request.query_params
    provider, login = query.get("provider") or None, query.get("account") or None
    return JSONResponse({"inbound": [
        inbound_view(m) for m in runtime_of(request).inbound.kept
        if (provider is None or m.provider == provider) and (login is None or m.login == login)]})


_INBOUND = {"type": "object", "properties": {
    "id": {"type": "integer"}, "provider": {"type": "string"}, "login": {"type": "string"},
    "phone": {"type": "string"}, "to": {"type": "string"}, "text": {"type": "string"},
    "at": {"type": "string"}, "callback_url": {"type": "string", "nullable": True}}}


def _filter(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string"}}


paths: dict[str, Any] = {
    "/_mock/inbound": {
        "get": {"summary": "Injected incoming SMS, oldest first (the last 1000)",
                "parameters": [_filter("provider", PROVIDER_NAMES),
                               _filter("account", "the account's login")],
                "responses": {"200": json_response("{inbound: [...]}", {
                    "type": "object",
                    "properties": {"inbound": {"type": "array", "items": _INBOUND}}})}},
        "post": {
            "summary": "An SMS from `phone` to an account; a provider that passes incoming SMS on "
                       "POSTs it to the account's callback_url",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["provider", "login", "phone", "text"],
                "properties": {
                    "provider": {"type": "string", "description": PROVIDER_NAMES},
                    "login": {"type": "string"},
                    "phone": {"type": "string", "description": "the sender",
                              "example": "79991234567"},
                    "text": {"type": "string", "maxLength": MAX_TEXT},
                    "to": {"type": "string", "maxLength": MAX_TO,
                           "description": "the number it was sent to (default empty)"}}}}}},
            "responses": {"201": json_response("stored (and posted)", _INBOUND),
                          "400": ERROR, "404": ERROR}},
    },
}

routes = [
    Route("/_mock/inbound", guarded(listing), methods=["GET"]),
    Route("/_mock/inbound", guarded(inject), methods=["POST"]),
]
