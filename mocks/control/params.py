"""Query parameters of the control routes, checked: bad ones are a BadRequest (a 400)."""

from __future__ import annotations

import math

from starlette.datastructures import QueryParams

from sms_mocks.control.handlers import BadRequest


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
