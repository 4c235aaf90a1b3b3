"""Checked input of the control routes: query parameters, and JSON bodies read with bounds.
Bad input is a BadRequest (a 400; a body too large, a 413)."""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from sms_mocks.asgi.http import BODY_SECONDS, BodyTooLarge, read_body

MAX_JSON = 1024 * 1024  # bytes of a control JSON body
MAX_DEPTH = 64  # arrays and objects inside one another; json.loads recurses once a level


class BadRequest(Exception):
    """Bad input to a control route: answered as `{"error": message}` with `status`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def number(query: QueryParams, name: str, default: float, low: float, high: float) -> float:
    """A number of `name` in [low, high], or `default` when absent or empty."""
    raw = query.get(name, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not low <= value <= high:  # NaN fails too
        raise BadRequest(f"{name}: a number from {low:g} to {high:g}")
    return value


def integer(query: QueryParams, name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18 and low <= int(raw) <= high):
        raise BadRequest(f"{name}: a whole number from {low} to {high}")
    return int(raw)


def strings(query: QueryParams, name: str) -> frozenset[str] | None:
    """Every non-empty value of a repeatable parameter; None when there is none."""
    values = frozenset(v for v in query.getlist(name) if v != "")
    return values or None


async def json_object(request: Request) -> dict[str, Any]:
    """The request's body as a JSON object ({} when empty). Past MAX_JSON bytes it is a 413,
    refused from Content-Length before any of it is read, and a chunked one once MAX_JSON
    bytes have come; nested deeper than MAX_DEPTH it is a 400 before json.loads sees it."""
    try:
        raw = await read_body(request.scope, request.receive, MAX_JSON)
    except BodyTooLarge:
        raise BadRequest(f"the body is too large: at most {MAX_JSON} bytes, sent within "
                         f"{BODY_SECONDS:g} seconds", 413) from None
    if not raw.strip():
        return {}
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")  # as json.loads does
    except UnicodeDecodeError:
        raise BadRequest("the body is not JSON") from None
    if too_deep(text, MAX_DEPTH):
        raise BadRequest(f"the body nests arrays and objects deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: a thread with a smaller stack
        raise BadRequest("the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data


# A string, or an unterminated one to the end: each quote is tried once (with the closing quote
# required, every escaped quote of an unclosed string would start a scan to the end again).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def too_deep(text: str, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit`, by counting
    brackets outside strings: linear, and in C but for one addition a bracket. For text that
    is not JSON the answer may be either (the parser refuses it next)."""
    if text.count("[") + text.count("{") <= limit:  # too few to be too deep: the usual case
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit
