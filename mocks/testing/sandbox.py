"""Helpers for tests that drive the emulator: a per-test sandbox of fresh accounts over the
control-API client (client.py). Standard library only, so the pytest plugin adds no dependency.

One vocabulary throughout: wherever an account is asked for, the account object or its login
will do; wherever an endpoint is, `send.php` or `/sys/send.php` will do (the server reads both)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sms_mocks.seam import registry
from sms_mocks.testing.client import ControlClient, ControlError, WaitTimeout, tls_context

if TYPE_CHECKING:  # the plugin imports this module before any server is wanted
    from sms_mocks.config import Settings
    from sms_mocks.serving.app import EmulatorApp

__all__ = ["ControlClient", "ControlError", "MockAccount", "Rule", "Sandbox", "SmsMocksServer",
           "WaitTimeout", "tls_context"]


def _hide(excinfo: Any) -> bool:
    """pytest's traceback filter: a control-plane error is shown from the test's own line."""
    return excinfo is None or excinfo.errisinstance(ControlError)


__tracebackhide__ = _hide  # read from every frame's globals: all of this module's frames

MAX_WAIT = 60.0  # the longest /_mock/messages/wait the server allows


@dataclass(frozen=True, slots=True)
class MockAccount:
    provider: str
    login: str
    password: str


AccountRef = MockAccount | str  # an account, or its login


class FirstAccount:
    """`sandbox.<provider>`: the sandbox's first account of the provider the attribute is
    named after, made on first use."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.provider = name

    def __get__(self, sandbox: Sandbox | None, owner: type) -> MockAccount:
        if sandbox is None:
            raise AttributeError(self.provider)
        return sandbox._first(self.provider)


@dataclass(frozen=True, eq=False)
class Rule:
    """A fault or outcome rule the sandbox made: its `id`, the server's view of it when made
    (`spec`), and `remove()`; the sandbox removes it when the test ends anyway."""

    kind: str  # "faults" or "outcomes", as in its /_mock/ path
    id: int
    spec: dict[str, Any]
    control: ControlClient = field(repr=False)

    def remove(self) -> bool:
        """Take the rule away now; False when it was gone already (a reset, or removed)."""
        try:
            self.control.call("DELETE", f"/_mock/{self.kind}/{self.id}")
        except ControlError as exc:
            if exc.status != 404:
                raise
            return False
        return True


@dataclass
class Sandbox:
    """One test's view of the emulator: its own accounts, and only their messages."""

    control: ControlClient
    accounts: list[MockAccount] = field(default_factory=list)
    # Undo steps for what the test changed on the shared server (fault rules, the clock...),
    # run in reverse order by close().
    cleanups: list[Callable[[], object]] = field(default_factory=list)
    # wait_for_sms: the id last returned for each phone, so the next call waits for a newer one
    _seen: dict[str, int] = field(default_factory=dict)
    _waiter: ControlClient | None = None

    def close(self) -> None:
        """Undo what this sandbox changed on the server beyond its own accounts. Every step
        runs even when one fails (a fault rule left behind would hit every later test); then
        the first failure is raised."""
        first: BaseException | None = None
        while self.cleanups:
            try:
                self.cleanups.pop()()
            except Exception as exc:
                first = first or exc
        if first is not None:
            raise first

    @property
    def url(self) -> str:
        return self.control.url

    # accounts ----------------------------------------------------------------------------
    def account(self, provider: str | None = None, **spec: Any) -> MockAccount:
        """A fresh account no other test can see, of `provider` (the first one served, SMSC,
        when not given); spec keys as in the config file."""
        names = registry.names()
        provider = provider or names[0]
        if provider not in names:
            raise ValueError(f"provider is one of {', '.join(names)}, not {provider!r}")
        login = spec.pop("login", None) or f"t{uuid.uuid4().hex[:12]}"
        password = spec.pop("password", None) or uuid.uuid4().hex[:10]
        self.control.put_account(provider=provider, login=login, password=password, **spec)
        account = MockAccount(provider, login, password)
        self.accounts.append(account)
        return account

    # This test's account of each provider, made on first use; the attribute's name is the
    # provider's.
    smsc = FirstAccount()
    smspager = FirstAccount()
    targetsms = FirstAccount()

    def _first(self, provider: str) -> MockAccount:
        for account in self.accounts:
            if account.provider == provider:
                return account
        return self.account(provider)

    def resolve(self, account: AccountRef, provider: str | None = None) -> MockAccount:
        """The account a login names: this sandbox's first, then the server's (where
        `provider` picks one when several providers have that login)."""
        if isinstance(account, MockAccount):
            return account
        mine = [a for a in self.accounts if a.login == account
                and (provider is None or a.provider == provider)]
        if mine:
            return mine[0]
        rows = [row for row in self.control.call_object("GET", "/_mock/accounts")["accounts"]
                if row["login"] == account and (provider is None or row["provider"] == provider)]
        if len(rows) != 1:
            why = "no" if not rows else "more than one"
            raise ControlError(f"{why} account with the login {account!r}"
                               + (f" at {provider}" if provider else "")
                               + ("; pass the account object or provider=" if rows else ""))
        return MockAccount(rows[0]["provider"], account, "")

    def update(self, account: AccountRef, **fields: Any) -> dict[str, Any]:
        found = self.resolve(account, fields.pop("provider", None))
        return self.control.put_account(provider=found.provider, login=found.login, **fields)

    def balance(self, account: AccountRef) -> str:
        found = self.resolve(account)
        for row in self.control.call_object("GET", "/_mock/accounts")["accounts"]:
            if row["provider"] == found.provider and row["login"] == found.login:
                balance: str = row["balance"]
                return balance
        raise ControlError(f"no account {found.login}", 404)

    def limits(self, account: AccountRef) -> dict[str, Any]:
        """The account's rate limits by rule name: effective values, `default`, `overridden`."""
        limits: dict[str, Any] = self.control.call_object("GET", self._limits_path(account)
                                                          )["limits"]
        return limits

    def set_limits(self, account: AccountRef, changes: dict[str, Any]) -> dict[str, Any]:
        """Change the account's limits, e.g. {"smsc.duplicate_send": False} or
        {"smsc.balance_requests": {"max": 2}}; None drops an override."""
        limits: dict[str, Any] = self.control.call_object(
            "PATCH", self._limits_path(account), changes)["limits"]
        return limits

    def _limits_path(self, account: AccountRef) -> str:
        found = self.resolve(account)
        return f"/_mock/accounts/{found.provider}/{found.login}/limits"

    def inbound(self, account: AccountRef, phone: str, text: str, to: str = ""
                ) -> dict[str, Any]:
        """An SMS from `phone` to the account (SMSC: POSTed to its callback_url)."""
        found = self.resolve(account)
        return self.control.call_object("POST", "/_mock/inbound", {
            "provider": found.provider, "login": found.login, "phone": phone,
            "text": text, "to": to})

    # rules ---------------------------------------------------------------------------------
    def fault(self, *, account: AccountRef | None = None, **spec: Any) -> Rule:
        """A fault rule (docs: Faults) in force until the test ends. `account` is an account
        or a login; `endpoint` a path or its last part (send.php)."""
        if account is not None:
            spec["account"] = account if isinstance(account, str) else account.login
            if not isinstance(account, str) and "endpoint" not in spec:
                spec.setdefault("provider", account.provider)
        return self._rule("faults", self.control.call_object("POST", "/_mock/faults", spec))

    def faults(self) -> list[dict[str, Any]]:
        """Every fault rule on the server, with hits, fired and remaining."""
        rules: list[dict[str, Any]] = self.control.call_object("GET", "/_mock/faults")["faults"]
        return rules

    def outcome(self, outcome: str = "delivered", *, account: AccountRef | None = None,
                phone: str | None = None, err: int | None = None, after: str = "default",
                n: float | None = None) -> Rule:
        """An outcome rule for messages accepted from now on, removed when the test ends.
        It is scoped to `account` (an account or a login; default: this sandbox's SMSC
        account, so parallel tests never see it) and, if given, to `phone`."""
        owner = self.resolve(account) if account is not None else self.smsc
        spec: dict[str, Any] = {"provider": owner.provider, "account": owner.login,
                                "outcome": outcome, "progression": {"after": after}}
        if phone is not None:
            spec["phone"] = phone
        if err is not None:
            spec["err"] = err
        if n is not None:
            spec["progression"]["n"] = n
        return self._rule("outcomes", self.control.call_object("POST", "/_mock/outcomes", spec))

    def _rule(self, kind: str, view: dict[str, Any]) -> Rule:
        rule = Rule(kind, view["id"], view, self.control)
        self.cleanups.append(rule.remove)
        return rule

    # one message by hand -------------------------------------------------------------------
    def deliver(self, message_id: int) -> dict[str, Any]:
        """Deliver a message that has not ended, now; its events and callbacks fire."""
        return self._end(message_id, "deliver")

    def fail(self, message_id: int, err: int) -> dict[str, Any]:
        """Make a message that has not ended undelivered with `err` (SMSC's codes)."""
        return self._end(message_id, "fail", {"err": err})

    def mark_read(self, message_id: int) -> dict[str, Any]:
        """Mark a message read by its recipient (delivering it first if need be)."""
        return self._end(message_id, "read")

    def expire(self, message_id: int) -> dict[str, Any]:
        """Make a message that has not ended expired (its validity ran out)."""
        return self._end(message_id, "expire")

    def _end(self, message_id: int, how: str, body: dict[str, Any] | None = None
             ) -> dict[str, Any]:
        return self.control.call_object("POST", f"/_mock/messages/{message_id}/{how}", body)

    # the clock ---------------------------------------------------------------------------
    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the emulator's clock; every delivery that falls due happens, in order."""
        return self.control.advance(seconds)

    def clock(self) -> dict[str, Any]:
        return self.control.call_object("GET", "/_mock/clock")

    def set_clock_speed(self, speed: float) -> dict[str, Any]:
        """Run the shared clock at `speed` times wall time (0 freezes it) for this test;
        close() puts the previous speed back."""
        before = self.clock()["speed"]
        self.cleanups.append(lambda: self.control.call("POST", "/_mock/clock/speed",
                                                       {"speed": before}))
        return self.control.call_object("POST", "/_mock/clock/speed", {"speed": speed})

    def freeze_clock(self) -> dict[str, Any]:
        """Stop the clock for this test (it then moves only by advance); undone by close()."""
        return self.set_clock_speed(0)

    def set_clock(self, at: float | str) -> dict[str, Any]:
        """Jump forward to `at` (a Unix timestamp or ISO 8601 with an offset). Not undone:
        the clock never goes back."""
        return self.control.call_object("POST", "/_mock/clock/set", {"at": at})

    # what happened -------------------------------------------------------------------------
    def wait_for_sms(self, phone: str | None = None, timeout: float = 10.0, *,
                     text: str | None = None, after: int | None = None) -> dict[str, Any]:
        """The next message accepted for `phone` from this sandbox's accounts, as soon as the
        emulator accepts it (a long-poll: no polling here); its `code` is the one-time code in
        the text. Each call returns a newer message than the last one it returned for that
        phone, unless `after` (a message id) says otherwise. Raises WaitTimeout (a
        TimeoutError) after `timeout` seconds (at most 60). A sandbox with no accounts of its
        own waits for any account's message."""
        query: list[tuple[str, Any]] = [("timeout", timeout)]
        query += [("account", a.login) for a in self.accounts]
        if phone is not None:
            query.append(("phone", phone))
        if text is not None:
            query.append(("text", text))
        query.append(("after", after if after is not None else self._seen.get(phone or "", 0)))
        if self._waiter is None:  # its own connection, with a socket timeout past any wait
            self._waiter = self.control.with_timeout(MAX_WAIT + 10)
            self.cleanups.append(self._waiter.close)
        try:
            message = self._waiter.call_object("GET", "/_mock/messages/wait", query=query)
        except WaitTimeout as exc:  # known by its status, 408
            raise WaitTimeout(f"no SMS to {phone or 'anyone'} within {timeout} s", exc.status,
                              exc.method, exc.path) from None
        self._seen[phone or ""] = message["id"]
        return message

    def messages(self, *, account: AccountRef | None = None, **filters: Any
                 ) -> list[dict[str, Any]]:
        """This test's messages, oldest first (filters: account, phone, status, text,
        provider)."""
        found: list[dict[str, Any]] = []
        for owner in self._owners(account, filters.pop("provider", None)):
            found += self.control.messages(provider=owner.provider, account=owner.login,
                                           **filters)
        return sorted(found, key=lambda m: m["id"])

    def journal(self, *, account: AccountRef | None = None, **filters: Any
                ) -> list[dict[str, Any]]:
        """This test's provider requests, newest first, each with what the emulator understood
        of it and, when refused, an `explanation` (filters: account, provider, endpoint
        (send.php or /sys/send.php), refused, limit). Requests that named none of the
        sandbox's accounts are not included."""
        limit = int(filters.pop("limit", 1000))
        found: dict[int, dict[str, Any]] = {}
        for owner in self._owners(account, filters.pop("provider", None)):
            for entry in self.control.journal(provider=owner.provider, account=owner.login,
                                              limit=limit, **filters):
                found[entry["seq"]] = entry
        return [found[seq] for seq in sorted(found, reverse=True)][:limit]

    def _owners(self, account: AccountRef | None, provider: str | None) -> list[MockAccount]:
        if account is not None:
            return [self.resolve(account, provider)]
        return [a for a in self.accounts if provider is None or a.provider == provider]



@dataclass
class SmsMocksServer:
    """The session's emulator, as the `sms_mocks_server` fixture yields it: its `url`, the
    `control` client, and, when this session started it, its `settings` and ASGI `app`."""

    url: str
    control: ControlClient
    settings: Settings | None = None  # None for an emulator given by URL
    app: EmulatorApp | None = None  # the running app (in-process only)

    @property
    def external(self) -> bool:
        """Whether the emulator was given (--sms-mocks-url) rather than started here."""
        return self.app is None

    def health(self) -> dict[str, Any]:
        return self.control.health()

    def sandbox(self) -> Sandbox:
        """A sandbox of its own (close() it); the `sms_mocks` fixture makes one per test."""
        return Sandbox(self.control)
