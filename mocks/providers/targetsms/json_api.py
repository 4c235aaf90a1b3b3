"""sendsmsjson.php: one JSON object POSTed, its `type` the command (sms, state, balance);
every answer a JSON object with HTTP 200, errors as {"error": TEXT} (targetsms-json-xml.md).

Values come as JSON strings or numbers alike (number_sms 1 or "1", get_state ids as numbers
from BX's array_keys()); answers give every value as a string, as KP's recorded answers do.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

from starlette.types import Scope

from sms_mocks.asgi.http import header
from sms_mocks.core.accounts import Account
from sms_mocks.core.messages import Message
from sms_mocks.core.money import php_float
from sms_mocks.providers.targetsms import texts
from sms_mocks.providers.targetsms.documents import (
    SEND,
    Abonent,
    DocumentEndpoint,
    DocumentError,
    MessageSpec,
    Request,
    Row,
    price_of_part,
    read_document,
)
from sms_mocks.seam.exchange import Reading

PATH = "/sendsmsjson.php"
CONTENT_TYPE = b"application/json; charset=utf-8"
BOM = b"\xef\xbb\xbf"  # 1C writes one before the JSON
COMMANDS = ("sms", "state", "balance")
# A \u escape of a UTF-16 surrogate: only then can the parsed text hold a lone one, which PHP's
# json_decode refuses (JSON_ERROR_UTF16) and UTF-8 cannot carry.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_MESSAGE_FIELDS = ("sender", "text", "translite", "name_delivery")
_CARD_FIELDS = ("url", "name", "cell", "work", "fax", "email", "position", "organization",
                "post_office_box", "street", "city", "region", "postal_code", "country",
                "additional")


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python reads them, PHP does not


def big_int(digits: str) -> int | float:
    """An integer as PHP's json_decode reads it: one past Python's digit limit is a float, as
    PHP makes any integer past PHP_INT_MAX (not an error)."""
    return int(digits) if len(digits) < 4000 else float(digits)


def parse(body: bytes) -> Request:
    """The request of a body, or DocumentError: the body must be one JSON object in UTF-8
    (a UTF-8 BOM before it is allowed)."""
    if body.startswith(BOM):
        body = body[len(BOM):]
    try:
        text = body.decode("utf-8")
        data = json.loads(text, parse_constant=refuse_constant, parse_int=big_int)
        if _SURROGATE.search(text):
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # raises on a lone one
    except (ValueError, RecursionError):  # UnicodeError is a ValueError
        raise DocumentError(texts.BAD_DOCUMENT) from None
    if not isinstance(data, dict):
        raise DocumentError(texts.BAD_DOCUMENT)
    request = Request(command=scalar(data.get("type")))
    security = data.get("security")
    if isinstance(security, dict):
        request.login = scalar(security.get("login"))
        request.password = scalar(security.get("password"))
    request.messages = [_message(m) for m in _objects(data.get("message"))]
    state = data.get("get_state")
    ids = state if isinstance(state, list) else [state] if state is not None else []
    request.ids = [found for found in map(scalar, ids) if found is not None]
    return request


def _objects(value: Any) -> list[dict[str, Any]]:
    """A list of objects (one object alone counts as a list of one); anything else, none."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _message(data: dict[str, Any]) -> MessageSpec:
    sender, text, translite, name_delivery = (scalar(data.get(k)) for k in _MESSAGE_FIELDS)
    card = {k: v for k in _CARD_FIELDS if (v := scalar(data.get(k))) is not None}
    abonents = [Abonent(*(scalar(a.get(k)) for k in (
        "phone", "number_sms", "client_id_sms", "time_send", "validity_period")))
        for a in _objects(data.get("abonent"))]
    return MessageSpec(scalar(data.get("type")) or "", sender, text, translite, name_delivery,
                       card, abonents)


def scalar(value: Any) -> str | None:
    """A JSON string or number as the text PHP would read; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    return None


def _dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def name(path: str, request: Request | None) -> str:
    """The call's name: the script and, when it is one this API serves, the request's type."""
    command = request.command if request is not None else None
    return f"sendsmsjson.php ({command})" if command in COMMANDS else "sendsmsjson.php"


def read(path: str, body: bytes) -> Reading:
    return read_document(body, parse, partial(name, path))


class JsonEndpoint(DocumentEndpoint):
    content_type = CONTENT_TYPE

    parse = staticmethod(parse)
    name = staticmethod(name)

    def token(self, scope: Scope) -> str | None:
        """KP's and PR's `Authorization: Bearer <token>`."""
        value = header(scope, b"authorization")
        if value is None:
            return None
        scheme, _, token = value.decode("latin-1").strip().partition(" ")
        return (token.strip() or None) if scheme.lower() == "bearer" else None

    def rows(self, rows: list[Row]) -> bytes:
        return _dump({"sms": [_row(row) for row in rows]})

    def states(self, found: list[tuple[str, Message | None]]) -> bytes:
        return _dump({"state": [_state(raw, message) for raw, message in found]})

    def balance(self, account: Account) -> bytes:
        return _dump({"money": {"currency": account.currency,
                                "value": php_float(account.balance)}})

    def error(self, text: str) -> bytes:
        return _dump({"error": text})


def _row(row: Row) -> dict[str, str]:
    """KP's two shapes: number_sms, id_sms, parts, action "send"; or number_sms and the
    refusal sentence in action, no id_sms."""
    out = {} if row.number_sms is None else {"number_sms": row.number_sms}
    if row.message is not None and row.action == SEND:
        out["id_sms"] = str(row.message.id)
        out["parts"] = str(row.message.parts)
    out["action"] = row.action
    return out


def _state(raw: str, message: Message | None) -> dict[str, str]:
    """KP's rows: a delivered message with num_parts and price (of one part), any other just
    id_sms and state; an id never accepted has the XML gate's sentence for its state."""
    if message is None:
        return {"id_sms": raw, "state": texts.NOT_FOUND}
    state = texts.status(message)
    out = {"id_sms": str(message.id), "state": state}
    if state == texts.DELIVER:
        out["num_parts"] = str(message.parts)
        out["price"] = price_of_part(message)
    return out
