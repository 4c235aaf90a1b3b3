"""balance=1: the balance with its currency, then what is left of each package (001, 5)."""

from __future__ import annotations

from sms_mocks.core.money import php_float
from sms_mocks.providers.targetsms.endpoint import Call


def balance(call: Call) -> str:
    account = call.account
    first = f"{php_float(account.balance)} {account.currency}"
    if not account.packages:
        return first
    return first + "\n" + ",".join(f"{k}:{v}" for k, v in account.packages.items())
