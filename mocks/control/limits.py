"""/_mock/accounts/{provider}/{login}/limits: an account's rate limits, as in force.

GET shows every documented rule with its effective values, the server's default and whether
the account overrides it. PATCH changes overrides, rule by rule: `true`/`false` switch a rule,
a table changes some of its numbers (merged into the account's current override), `null`
drops the override so the default applies again. Counters already kept go on counting.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.control.handlers import BadRequest, guarded, json_body, runtime_of
from sms_mocks.control.openapi import ERROR, json_response
from sms_mocks.core.account_specs import Catalogue, SpecError, limit_overrides
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.seam import registry

MAX_NUMBER = 1e9  # requests, seconds: past this a limit means nothing


def _catalogue() -> Catalogue:
    return Catalogue.of(registry.providers())  # live: a provider registered later counts


def _account(request: Request) -> tuple[Gateway, Account]:
    gateway = runtime_of(request).gateway
    account = gateway.accounts.get(request.path_params["provider"],
                                   request.path_params["login"])
    if account is None:
        raise BadRequest("no such account", 404)
    return gateway, account


def limits_view(gateway: Gateway, account: Account) -> dict[str, Any]:
    rules = {}
    for name in _catalogue().rules:
        default = gateway.limits.rule(name)
        rules[name] = {**asdict(gateway.rule(name, account)),
                       "overridden": name in account.limits,
                       "default": asdict(default)}
    return {"provider": account.provider, "login": account.login, "limits": rules}


def _checked(name: str, change: Any) -> dict[str, Any] | None:
    """A change as a table of fields (None: drop the override); BadRequest if it is wrong."""
    if change is None:
        return None
    try:
        limit_overrides({name: change}, _catalogue())
    except SpecError as exc:
        raise BadRequest(str(exc)) from None
    table = {"enabled": change} if isinstance(change, bool) else dict(change)
    for field, value in table.items():
        if field == "enabled":
            continue
        if not (math.isfinite(value) and 0 <= value <= MAX_NUMBER):
            raise BadRequest(f"limit {name!r}: {field} from 0 to {MAX_NUMBER:.0f}")
    return table


async def get_limits(request: Request) -> JSONResponse:
    gateway, account = _account(request)
    return JSONResponse(limits_view(gateway, account))


async def patch_limits(request: Request) -> JSONResponse:
    gateway, account = _account(request)
    changes = {name: _checked(name, change)
               for name, change in (await json_body(request)).items()}
    for name, table in changes.items():  # all checked first: a bad one changes nothing
        if table is None:
            account.limits.pop(name, None)
            continue
        current = account.limits.get(name, {})
        if isinstance(current, bool):
            current = {"enabled": current}
        account.limits[name] = {**current, **table}
    gateway.touched(account)
    return JSONResponse(limits_view(gateway, account))


_PATH = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
         for name in ("provider", "login")]
_RULE = {"type": "object", "properties": {
    "enabled": {"type": "boolean"}, "max": {"type": "integer", "minimum": 0},
    "window": {"type": "number", "minimum": 0}, "block": {"type": "number", "minimum": 0}}}
_CHANGE = {"nullable": True, "oneOf": [{"type": "boolean"}, _RULE]}

paths: dict[str, Any] = {
    "/_mock/accounts/{provider}/{login}/limits": {
        "get": {"summary": "The account's rate limits: effective, default, overridden",
                "parameters": _PATH,
                "responses": {"200": json_response("limits"), "404": ERROR}},
        "patch": {
            "summary": "Change the account's overrides: true/false, some numbers, or null",
            "parameters": _PATH,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {name: _CHANGE for name in _catalogue().rules},
                "additionalProperties": False}}}},
            "responses": {"200": json_response("limits"), "400": ERROR, "404": ERROR}},
    },
}

routes = [
    Route("/_mock/accounts/{provider}/{login}/limits", guarded(get_limits), methods=["GET"]),
    Route("/_mock/accounts/{provider}/{login}/limits", guarded(patch_limits),
          methods=["PATCH"]),
]
