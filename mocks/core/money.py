"""Money is Decimal, parsed strictly and never through float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

ZERO = Decimal("0")
LIMIT = Decimal("1e15")
SMALLEST = Decimal("0.000001")


def to_money(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"an amount must be a string or an integer, not {value!r}")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    if abs(amount) >= LIMIT or amount != amount.quantize(SMALLEST):
        raise ValueError(f"an amount must be below {LIMIT} with at most 6 decimals: {value!r}")
    return amount


def php_float(amount: Decimal) -> str:
    """An amount as PHP prints a float: no trailing zeros, no exponent ("4.2", "995.8", "0")."""
    if not amount:
        return "0"
    return f"{amount.normalize():f}"
