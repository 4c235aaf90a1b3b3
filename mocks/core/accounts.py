"""Accounts: credentials, balance, tariff, senders, stop-list and per-account switches.

Accounts live in one namespace per provider: an SMSC `alex` and a TargetSMS `alex` are two
different customers of two different companies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from sms_mocks.core.money import ZERO, to_money
from sms_mocks.core.numbering import NumberInfo


class SenderState(Enum):
    APPROVED = "approved"
    PENDING = "pending"  # sent to moderation, not usable yet
    REJECTED = "rejected"


# Sender names that every account of a provider may use without registering them (casefolded),
# by provider: each provider declares its own, and the registry puts them here.
SHARED_SENDERS: dict[str, frozenset[str]] = {}

@dataclass(slots=True)
class Tariff:
    """Price of one SMS part. Keys, most specific first: a channel other than SMS ("hlr",
    "mail", "viber", ...), mcc+mnc ("25001"), country ("RU"), and "default"."""

    prices: dict[str, Decimal] = field(default_factory=lambda: {"default": Decimal("1.40")})

    def price(self, info: NumberInfo | None, channel: str = "sms") -> Decimal:
        if channel != "sms":
            found = self.prices.get(channel)
            if found is not None:
                return found
        if info is not None:
            for key in (info.mccmnc, info.country):
                found = self.prices.get(key)
                if found is not None:
                    return found
        return self.prices.get("default", ZERO)


@dataclass(slots=True)
class NotifyGroup:
    """A notification job group (SMSC ping.php): who is told, and in which words. The texts
    may hold the macros {NAME}, {HOST} and {INFO}."""

    contacts: list[str]
    fail_text: str = "{NAME} ({HOST}) is down. {INFO}"
    ok_text: str = "{NAME} ({HOST}) is up again. {INFO}"
    sender: str = ""
    channel: str = "sms"  # "sms" or "mail"


@dataclass(slots=True, eq=False)
class Account:
    provider: str
    login: str
    password: str
    balance: Decimal = Decimal("1000.00")
    currency: str = "RUR"
    credit: Decimal = ZERO  # how far the balance may go below zero
    api_keys: set[str] = field(default_factory=set)
    tariff: Tariff = field(default_factory=Tariff)
    senders: dict[str, SenderState] = field(default_factory=dict)
    stop_list: set[str] = field(default_factory=set)
    groups: dict[str, list[str]] = field(default_factory=dict)  # contact groups by number
    closed: set[str] = field(default_factory=set)  # directions closed to this account
    banned_words: set[str] = field(default_factory=set)  # texts with these are rejected
    packages: dict[str, int] = field(default_factory=dict)  # prepaid SMS left, by direction
    blocked: bool = False
    tz: int = 0  # hours relative to Moscow, as SMSC counts `tz`
    limits: dict[str, dict[str, object]] = field(default_factory=dict)
    test_mode: bool = False  # virtual sending: everything is delivered, nothing is charged
    callback_url: str = ""  # where status changes are POSTed (SMSC's "обработчик")
    callback_secret: str = ""  # signs them
    notify_groups: dict[str, NotifyGroup] = field(default_factory=dict)  # SMSC ping.php jobs
    carrier: str = "healthy"  # a carriers.CARRIERS profile for messages without a rule
    _password_md5: str = ""
    ids_issued: int = 0  # ext ids next_id() has handed out (a plain int, so it can be stored)

    def __post_init__(self) -> None:
        self.balance = to_money(self.balance)
        self.credit = to_money(self.credit)
        self.set_password(self.password)

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider, self.login)

    def set_password(self, password: str) -> None:
        self.password = password
        self._password_md5 = hashlib.md5(password.encode("utf-8")).hexdigest()

    def check_password(self, given: str) -> bool:
        """The plain password, or its lowercase MD5 hex (SMSC, FACTS B.1)."""
        return given == self.password or given == self._password_md5

    def next_id(self) -> int:
        self.ids_issued += 1
        return self.ids_issued

    def default_sender(self) -> str:
        for name, state in self.senders.items():
            if state is SenderState.APPROVED:
                return name
        return ""

    def sender_state(self, name: str) -> SenderState | None:
        if name.casefold() in SHARED_SENDERS.get(self.provider, ()):
            return SenderState.APPROVED  # open to every account of the provider, in any case
        return self.senders.get(name)

    def closes(self, info: NumberInfo) -> bool:
        """Is this number's direction closed to the account (by country, mcc+mnc or operator)?"""
        return bool(self.closed) and bool(
            {info.country, info.mccmnc, info.operator} & self.closed)

    def packages_for(self, info: NumberInfo | None) -> list[str]:
        """The prepaid packages that may pay for this number, most specific first: its
        operator's, its country's, then "Остальные" (the rest)."""
        keys = [info.operator, info.country_name] if info is not None else []
        return [k for k in (*keys, "Остальные") if k in self.packages]


class AccountRegistry:
    def __init__(self) -> None:
        self._accounts: dict[tuple[str, str], Account] = {}
        self._by_api_key: dict[tuple[str, str], Account] = {}

    def __iter__(self) -> Iterator[Account]:
        return iter(list(self._accounts.values()))

    def __len__(self) -> int:
        return len(self._accounts)

    def get(self, provider: str, login: str) -> Account | None:
        return self._accounts.get((provider, login))

    def by_api_key(self, provider: str, key: str) -> Account | None:
        return self._by_api_key.get((provider, key))

    def add(self, account: Account) -> Account:
        old = self._accounts.get(account.key)
        if old is not None:
            self._forget_keys(old)
        self._accounts[account.key] = account
        for key in account.api_keys:
            self._by_api_key[(account.provider, key)] = account
        return account

    def set_api_keys(self, account: Account, keys: Iterable[str]) -> None:
        self._forget_keys(account)
        account.api_keys = set(keys)
        for key in account.api_keys:
            self._by_api_key[(account.provider, key)] = account

    def remove(self, account: Account) -> None:
        self._forget_keys(account)
        self._accounts.pop(account.key, None)

    def _forget_keys(self, account: Account) -> None:
        for key in account.api_keys:
            self._by_api_key.pop((account.provider, key), None)
