"""The ledger: every charge and refund goes through here, exactly, in Decimal."""

from __future__ import annotations

from decimal import Decimal

from sms_mocks.core.accounts import Account


class InsufficientFunds(Exception):
    pass


class Ledger:
    def can_pay(self, account: Account, amount: Decimal) -> bool:
        return account.balance - amount >= -account.credit

    def charge(self, account: Account, amount: Decimal) -> Decimal:
        if amount < 0:
            raise ValueError("a charge is never negative")
        if not self.can_pay(account, amount):
            raise InsufficientFunds(f"{account.login}: {account.balance} < {amount}")
        account.balance -= amount
        return account.balance

    def refund(self, account: Account, amount: Decimal) -> Decimal:
        if amount < 0:
            raise ValueError("a refund is never negative")
        account.balance += amount
        return account.balance

    def set_balance(self, account: Account, amount: Decimal) -> None:
        account.balance = amount
