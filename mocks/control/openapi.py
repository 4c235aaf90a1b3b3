"""The OpenAPI document of the control API, kept next to the routes it describes."""

from __future__ import annotations

from typing import Any

# How a provider is named in a query or a body (the registry has the list).
PROVIDER_NAMES = "a provider's name, as its accounts carry it"

_ERROR = {"description": "error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": schema or {"type": "object"}}}}


_MESSAGE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "provider": {"type": "string"},
        "account": {"type": "string"}, "ext_id": {"type": "string"},
        "phone": {"type": "string"}, "sender": {"type": "string"},
        "text": {"type": "string"}, "comment": {"type": "string"},
        "code": {"type": "string", "nullable": True,
                 "description": "the one-time code in the text (4-8 digits), or null"},
        "channel": {"type": "string"}, "encoding": {"type": "string"},
        "parts": {"type": "integer"}, "cost": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "sent", "delivered", "undelivered",
                                              "expired", "cancelled", "rejected", "read"]},
        "err": {"type": "integer"}, "created_at": {"type": "string"},
        "send_at": {"type": "string"}, "valid_until": {"type": "string"},
        "status_at": {"type": "string"}, "timeline": {"type": "array", "items": {"type": "object"}},
        "decided_by": {"type": "string", "nullable": True,
                       "description": "what chose its fate when not the usual course: a magic "
                                      "number or mock: token, or an outcome rule; or null"},
        "text_hint": {"type": "string", "nullable": True,
                      "description": "a hint when the text looks like UTF-8 read as "
                                     "windows-1251, or null"},
    },
}

_ACCOUNT_IN = {
    "type": "object",
    "required": ["provider", "login"],
    "properties": {
        "provider": {"type": "string", "description": PROVIDER_NAMES},
        "login": {"type": "string"}, "password": {"type": "string"},
        "balance": {"type": "string", "example": "1000.00"}, "currency": {"type": "string"},
        "credit": {"type": "string"}, "api_keys": {"type": "array", "items": {"type": "string"}},
        "tariff": {"type": "object", "additionalProperties": {"type": "string"}},
        "senders": {"type": "object", "additionalProperties": {
            "type": "string", "enum": ["approved", "pending", "rejected"]}},
        "stop_list": {"type": "array", "items": {"type": "string"}},
        "groups": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}},
        "closed": {"type": "array", "items": {"type": "string"}},
        "banned_words": {"type": "array", "items": {"type": "string"}},
        "packages": {"type": "object", "additionalProperties": {"type": "integer"}},
        "blocked": {"type": "boolean"}, "tz": {"type": "integer"},
        "limits": {"type": "object"},
        "test_mode": {"type": "boolean", "description": "virtual sending: accepted, never sent"},
        "callback_url": {"type": "string"}, "callback_secret": {"type": "string"},
        "carrier": {"type": "string", "enum": ["healthy", "flaky", "slow", "dead", "throttling"],
                    "description": "delivery profile for messages accepted from now on"},
        "notify_groups": {"type": "object", "description": "ping.php notification job groups",
                          "additionalProperties": {"type": "object", "required": ["contacts"],
                                                   "properties": {
            "contacts": {"type": "array", "items": {"type": "string"}},
            "fail_text": {"type": "string"}, "ok_text": {"type": "string"},
            "sender": {"type": "string"},
            "channel": {"type": "string", "enum": ["sms", "mail"]}}}},
    },
}


# For the other control modules' path items.
ERROR = _ERROR
MESSAGE = _MESSAGE
json_response = _json


def _filter(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string"}}


def document(version: str, more_paths: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole document: these paths, and those each other control module describes."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "sms-gateway-mocks control API", "version": version},
        "paths": {**PATHS, **(more_paths or {})},
    }


def _base_paths() -> dict[str, Any]:
    return {
        "/_mock/health": {"get": {"summary": "Liveness and counters",
                                  "responses": {"200": _json("ok")}}},
        "/_mock/messages": {"get": {
            "summary": "Messages, oldest first: the newest page of those the filters match",
            "description": "A page ends after `limit` messages, or early once 20,000 have "
                           "been looked at for filters no index serves (status, text); "
                           "`next`, when present, is the id to pass as `before` for older "
                           "ones.",
            "parameters": [
                _filter("provider", PROVIDER_NAMES),
                _filter("account", "the account's login"),
                _filter("phone", "digits the number contains"),
                _filter("status", "queued, sent, delivered, undelivered, expired, "
                                  "cancelled or rejected"),
                _filter("text", "a substring of the text, any case"),
                _filter("limit", "at most this many, the newest (default and most 1000)"),
                {"name": "before", "in": "query", "required": False,
                 "description": "only messages with a smaller id: the `next` of the page "
                                "before", "schema": {"type": "integer", "minimum": 0}},
            ],
            "responses": {"200": _json("messages", {"type": "object", "properties": {
                "messages": {"type": "array", "items": _MESSAGE},
                "next": {"type": "integer"}}}), "400": _ERROR},
        }},
        "/_mock/messages/{id}": {"get": {
            "summary": "One message",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": _json("the message", _MESSAGE), "404": _ERROR},
        }},
        "/_mock/accounts": {
            "get": {"summary": "Every account", "responses": {"200": _json("accounts")}},
            "post": {
                "summary": "Create an account, or update the given fields of one",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ACCOUNT_IN}}},
                "responses": {"200": _json("updated"), "201": _json("created"),
                              "400": _ERROR},
            },
        },
        "/_mock/reset": {"post": {"summary": "Forget all messages; restore accounts",
                                  "responses": {"200": _json("ok")}}},
        "/_mock/openapi.json": {"get": {"summary": "This document",
                                        "responses": {"200": _json("OpenAPI 3")}}},
    }


PATHS = _base_paths()
