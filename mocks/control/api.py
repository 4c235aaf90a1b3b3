"""/_mock/: health, messages, accounts and reset, as JSON (described in openapi.py)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mocks import __version__
from mocks.config import ConfigError, account_from_spec
from mocks.control.openapi import PATHS
from mocks.control.views import account_view, iso, message_view
from mocks.core.gateway import Gateway
from mocks.core.messages import Message, State
from mocks.runtime import Runtime

MAX_JSON = 1024 * 1024


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_JSON:
        raise BadRequest("body too large", 413)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data


def _guarded(handler):  # type: ignore[no-untyped-def]
    async def run(request: Request) -> JSONResponse:
        try:
            return await handler(request)
        except BadRequest as exc:
            return _error(str(exc), exc.status)

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


async def health(request: Request) -> JSONResponse:
    runtime = _runtime(request)
    gateway = runtime.gateway
    return JSONResponse({
        "status": "ok",
        "version": __version__,
        "now": iso(gateway.now()),
        "messages": len(gateway.store),
        "pending_transitions": len(gateway.engine),
        "requests_in_flight": gateway.in_flight.total,
        "internal_errors": runtime.internal_errors,
    })


def _matches(m: Message, q: dict[str, str]) -> bool:
    if "provider" in q and m.provider != q["provider"]:
        return False
    if "account" in q and m.account.login != q["account"]:
        return False
    if "phone" in q and q["phone"].lstrip("+") not in m.phone:
        return False
    if "status" in q and m.state.label != q["status"]:
        return False
    return not ("text" in q and q["text"].lower() not in m.text.lower())


async def list_messages(request: Request) -> JSONResponse:
    """Messages, oldest first, filtered by provider, account, phone, status and text."""
    gateway = _runtime(request).gateway
    gateway.tick()
    q = {k: v for k, v in request.query_params.items() if v != ""}
    if "status" in q and q["status"] not in {s.label for s in State}:
        raise BadRequest(f"unknown status {q['status']!r}")
    try:
        limit = int(q.get("limit", "1000"))
    except ValueError:
        raise BadRequest("limit is a number") from None
    found = [message_view(m) for m in gateway.messages(lambda m: _matches(m, q))]
    return JSONResponse({"messages": found[-limit:] if limit > 0 else []})


async def get_message(request: Request) -> JSONResponse:
    gateway = _runtime(request).gateway
    gateway.tick()
    try:
        message = gateway.store.get(int(request.path_params["id"]))
    except ValueError:
        message = None
    if message is None:
        raise BadRequest("no such message", 404)
    return JSONResponse(message_view(message))


async def list_accounts(request: Request) -> JSONResponse:
    gateway = _runtime(request).gateway
    return JSONResponse({"accounts": [account_view(a) for a in gateway.accounts]})


_UPDATABLE = ("balance", "currency", "credit", "blocked", "tz", "test_mode", "callback_url",
              "callback_secret", "notify_groups", "carrier")


async def put_account(request: Request) -> JSONResponse:
    """Create an account, or update the fields given of an existing one."""
    body = await _json_body(request)
    gateway = _runtime(request).gateway
    try:
        fresh = account_from_spec(body)
    except ConfigError as exc:
        raise BadRequest(str(exc)) from None
    current = gateway.accounts.get(fresh.provider, fresh.login)
    if current is None:
        gateway.accounts.add(fresh)
        return JSONResponse(account_view(fresh), status_code=201)
    _update(gateway, current, fresh, body)
    return JSONResponse(account_view(current))


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


async def reset(request: Request) -> JSONResponse:
    """Forget every message, timer and counter, and restore the configured accounts."""
    _runtime(request).reset()
    return JSONResponse({"status": "ok"})


routes = [
    Route("/_mock/health", _guarded(health), methods=["GET"]),
    Route("/_mock/messages", _guarded(list_messages), methods=["GET"]),
    Route("/_mock/messages/{id}", _guarded(get_message), methods=["GET"]),
    Route("/_mock/accounts", _guarded(list_accounts), methods=["GET"]),
    Route("/_mock/accounts", _guarded(put_account), methods=["POST"]),
    Route("/_mock/reset", _guarded(reset), methods=["POST"]),
]
paths = PATHS
