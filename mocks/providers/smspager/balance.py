"""balance.xml: the balance as a float (000, "ПРОВЕРКА БАЛАНСА")."""

from __future__ import annotations

from mocks.providers.smspager import codes, xmlio
from mocks.providers.smspager.endpoint import Call
from mocks.providers.smspager.send import number


def balance(call: Call) -> bytes:
    """The account's balance."""
    return xmlio.answer(codes.OK, [("account", number(call.account.balance))])
