"""balance.xml: the balance as a float (000, "ПРОВЕРКА БАЛАНСА")."""

from __future__ import annotations

from sms_mocks.core.money import php_float
from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager.endpoint import Call


def balance(call: Call) -> bytes:
    """The account's balance."""
    return xmlio.answer(codes.OK, [("account", php_float(call.account.balance))])
