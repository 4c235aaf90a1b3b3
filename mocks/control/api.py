"""/_mock/: health, messages, accounts and reset, as JSON (described in openapi.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks import __version__
from sms_mocks.control.handlers import BadRequest, guarded, json_body, runtime_of
from sms_mocks.control.openapi import PATHS
from sms_mocks.control.views import message_view, messages_answer
from sms_mocks.core.account_specs import Catalogue, SpecError, account_from_spec, spec_of
from sms_mocks.core.clock import iso
from sms_mocks.core.gateway import Gateway
from sms_mocks.seam import registry


async def health(request: Request) -> JSONResponse:
    runtime = runtime_of(request)
    gateway = runtime.gateway
    return JSONResponse({
        "status": "ok",
        "version": __version__,
        "now": iso(gateway.now()),
        "messages": len(gateway.store),
        "pending_transitions": len(gateway.engine),
        "requests_in_flight": gateway.in_flight.total,
        "internal_errors": runtime.internal_errors,
        "waiting": runtime.waiting,  # blocked /_mock/messages/wait requests
    })


async def list_messages(request: Request) -> JSONResponse:
    """Messages, oldest first, filtered by provider, account, phone, status and text: the
    newest `limit` (below the id `before`), and `next` when older ones may match too. What a
    page costs follows the page, not the store (views.message_page)."""
    gateway = runtime_of(request).gateway
    gateway.tick()
    return JSONResponse(messages_answer(gateway.store, request.query_params))


async def get_message(request: Request) -> JSONResponse:
    gateway = runtime_of(request).gateway
    gateway.tick()
    try:
        message = gateway.store.get(int(request.path_params["id"]))
    except ValueError:
        message = None
    if message is None:
        raise BadRequest("no such message", 404)
    return JSONResponse(message_view(message))


async def list_accounts(request: Request) -> JSONResponse:
    gateway = runtime_of(request).gateway
    return JSONResponse({"accounts": [spec_of(a) for a in gateway.accounts]})


_UPDATABLE = ("balance", "currency", "credit", "blocked", "tz", "test_mode", "callback_url",
              "callback_secret", "notify_groups", "carrier")


async def put_account(request: Request) -> JSONResponse:
    """Create an account, or update the fields given of an existing one."""
    body = await json_body(request)
    gateway = runtime_of(request).gateway
    try:
        fresh = account_from_spec(body, Catalogue.of(registry.providers()))
    except SpecError as exc:
        raise BadRequest(str(exc)) from None
    current = gateway.accounts.get(fresh.provider, fresh.login)
    if current is None:
        gateway.accounts.add(fresh)
        gateway.touched(fresh)
        return JSONResponse(spec_of(fresh), status_code=201)
    _update(gateway, current, fresh, body)
    gateway.touched(current)
    return JSONResponse(spec_of(current))


def _update(gateway: Gateway, current: Any, fresh: Any, body: dict[str, Any]) -> None:
    if "password" in body:
        current.set_password(fresh.password)
    for name in _UPDATABLE:
        if name in body:
            setattr(current, name, getattr(fresh, name))
    for name in ("tariff", "senders", "stop_list", "groups", "limits", "closed",
                 "banned_words", "packages"):
        if name in body:
            setattr(current, name, getattr(fresh, name))
    if "api_keys" in body:
        gateway.accounts.set_api_keys(current, fresh.api_keys)


async def delete_account(request: Request) -> JSONResponse:
    """Remove an account and its messages: what a test or a conformance run made, gone."""
    gateway = runtime_of(request).gateway
    account = gateway.accounts.get(request.path_params["provider"],
                                   request.path_params["login"])
    if account is None:
        raise BadRequest("no such account", 404)
    return JSONResponse({"removed": 1, "messages": gateway.remove_account(account)})


async def reset(request: Request) -> JSONResponse:
    """Forget every message, timer and counter, and restore the configured accounts."""
    runtime_of(request).reset()
    return JSONResponse({"status": "ok"})


routes = [
    Route("/_mock/health", guarded(health), methods=["GET"]),
    Route("/_mock/messages", guarded(list_messages), methods=["GET"]),
    Route("/_mock/messages/{id}", guarded(get_message), methods=["GET"]),
    Route("/_mock/accounts", guarded(list_accounts), methods=["GET"]),
    Route("/_mock/accounts", guarded(put_account), methods=["POST"]),
    Route("/_mock/accounts/{provider}/{login}", guarded(delete_account), methods=["DELETE"]),
    Route("/_mock/reset", guarded(reset), methods=["POST"]),
]
_ACCOUNT_KEY = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in ("provider", "login")]
paths: dict[str, Any] = {**PATHS, "/_mock/accounts/{provider}/{login}": {"delete": {
    "summary": "Remove an account and its messages (a configured one comes back on reset)",
    "parameters": _ACCOUNT_KEY,
    "responses": {
        "200": {"description": "removed", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"removed": {"type": "integer"},
                                             "messages": {"type": "integer"}}}}}},
        "404": {"description": "no such account", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}}}}}}
