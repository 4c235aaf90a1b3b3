"""Helpers for tests that drive the emulator: a small control-API client and a per-test
sandbox of fresh accounts. Standard library only, so the pytest plugin adds no dependency."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

MAX_WAIT = 60.0  # the longest /_mock/messages/wait the server allows

PAGE = 1000  # the most /_mock/messages answers at once


class ControlError(RuntimeError):
    pass


class ControlClient:
    """JSON calls to /_mock/ over one keep-alive connection per thread."""

    def __init__(self, url: str, timeout: float = 10.0, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        # an emulator beyond loopback (a container) answers /_mock/ only with its token
        self.token = token
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
        parts = urlsplit(self.url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._timeout = timeout
        self._local = threading.local()
        self._opened: list[http.client.HTTPConnection] = []

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
            self._local.conn = conn
            self._opened.append(conn)
        return conn

    def close(self) -> None:
        for conn in self._opened:
            conn.close()
        self._opened.clear()
        self._local = threading.local()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             query: dict[str, Any] | None = None) -> Any:
        target = path + ("?" + urlencode(query) if query else "")
        payload = json.dumps(body).encode() if body is not None else None
        # every change says JSON, a body or not (the control plane refuses other types)
        headers = {"Content-Type": "application/json"} if method != "GET" else {}
        headers.update(self._auth)
        for attempt in (1, 2):  # a kept-alive connection the server closed is retried once
            conn = self._connection()
            try:
                conn.request(method, target, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        result = json.loads(data) if data else None
        if response.status >= 400:
            raise ControlError(f"{method} {path}: {response.status} {result}")
        return result

    def health(self) -> dict[str, Any]:
        return self.call("GET", "/_mock/health")  # type: ignore[no-any-return]

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.call("POST", "/_mock/clock/advance", {"seconds": seconds})  # type: ignore[no-any-return]

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        """The newest `limit` matching messages (all of them without one), oldest first,
        following the server's pages (at most 1000 each)."""
        wanted = filters.pop("limit", None)
        pages: list[list[dict[str, Any]]] = []
        count = 0
        query = dict(filters)
        while wanted is None or count < int(wanted):
            if wanted is not None:
                query["limit"] = min(PAGE, int(wanted) - count)
            answer = self.call("GET", "/_mock/messages", query=query)
            pages.append(answer["messages"])
            count += len(answer["messages"])
            if "next" not in answer:
                break
            query["before"] = answer["next"]
        return [m for page in reversed(pages) for m in page]

    def put_account(self, **spec: Any) -> dict[str, Any]:
        return self.call("POST", "/_mock/accounts", spec)  # type: ignore[no-any-return]

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Provider requests, newest first (filters: provider, account, endpoint, refused,
        limit)."""
        query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in filters.items()}
        return self.call("GET", "/_mock/journal", query=query)["entries"]  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class MockAccount:
    provider: str
    login: str
    password: str


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
        """Undo what this sandbox changed on the server beyond its own accounts."""
        while self.cleanups:
            self.cleanups.pop()()

    @property
    def url(self) -> str:
        return self.control.url

    def account(self, provider: str = "smsc", **spec: Any) -> MockAccount:
        """A fresh account no other test can see; spec keys as in the config file."""
        login = spec.pop("login", None) or f"t{uuid.uuid4().hex[:12]}"
        password = spec.pop("password", None) or uuid.uuid4().hex[:10]
        self.control.put_account(provider=provider, login=login, password=password, **spec)
        account = MockAccount(provider, login, password)
        self.accounts.append(account)
        return account

    @property
    def smsc(self) -> MockAccount:
        return self._first("smsc")

    def _first(self, provider: str) -> MockAccount:
        for account in self.accounts:
            if account.provider == provider:
                return account
        return self.account(provider)

    def update(self, account: MockAccount, **fields: Any) -> dict[str, Any]:
        return self.control.put_account(provider=account.provider, login=account.login,
                                        **fields)

    def balance(self, account: MockAccount) -> str:
        for row in self.control.call("GET", "/_mock/accounts")["accounts"]:
            if row["provider"] == account.provider and row["login"] == account.login:
                return row["balance"]  # type: ignore[no-any-return]
        raise ControlError(f"no account {account.login}")

    def fault(self, **spec: Any) -> int:
        """A fault rule (README "Faults") in force until the test ends; its id."""
        rule_id: int = self.control.call("POST", "/_mock/faults", spec)["id"]
        self.cleanups.append(lambda: self._forget_fault(rule_id))
        return rule_id

    def _forget_fault(self, rule_id: int) -> None:
        with contextlib.suppress(ControlError):  # gone already: deleted by the test, or a reset
            self.control.call("DELETE", f"/_mock/faults/{rule_id}")

    def faults(self) -> list[dict[str, Any]]:
        """Every fault rule on the server, with hits, fired and remaining."""
        return self.control.call("GET", "/_mock/faults")["faults"]  # type: ignore[no-any-return]

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the emulator's clock; every delivery that falls due happens, in order."""
        return self.control.advance(seconds)

    # delivery outcomes ------------------------------------------------------------------
    def outcome(self, outcome: str = "delivered", *, account: MockAccount | None = None,
                phone: str | None = None, err: int | None = None, after: str = "default",
                n: float | None = None) -> dict[str, Any]:
        """An outcome rule for messages accepted from now on, removed when the test ends.
        It is scoped to `account` (default: this sandbox's first SMSC account, so parallel
        tests never see it) and, if given, to `phone`."""
        owner = account or self.smsc
        spec: dict[str, Any] = {"provider": owner.provider, "account": owner.login,
                                "outcome": outcome, "progression": {"after": after}}
        if phone is not None:
            spec["phone"] = phone
        if err is not None:
            spec["err"] = err
        if n is not None:
            spec["progression"]["n"] = n
        rule = self.control.call("POST", "/_mock/outcomes", spec)
        self.cleanups.append(lambda: self._forget_rule(rule["id"]))
        return rule  # type: ignore[no-any-return]

    def _forget_rule(self, rule_id: int) -> None:
        with contextlib.suppress(ControlError):  # already gone (the test, or a reset)
            self.control.call("DELETE", f"/_mock/outcomes/{rule_id}")

    def deliver(self, message_id: int) -> dict[str, Any]:
        """Deliver a message that has not ended, now; its events and callbacks fire."""
        return self.control.call("POST", f"/_mock/messages/{message_id}/deliver")  # type: ignore[no-any-return]

    def fail(self, message_id: int, err: int) -> dict[str, Any]:
        """Make a message that has not ended undelivered with `err` (SMSC's codes)."""
        return self.control.call("POST", f"/_mock/messages/{message_id}/fail",  # type: ignore[no-any-return]
                                 {"err": err})

    def read(self, message_id: int) -> dict[str, Any]:
        """Deliver (if need be) and read a message."""
        return self.control.call("POST", f"/_mock/messages/{message_id}/read")  # type: ignore[no-any-return]

    def expire(self, message_id: int) -> dict[str, Any]:
        return self.control.call("POST", f"/_mock/messages/{message_id}/expire")  # type: ignore[no-any-return]
    def limits(self, account: MockAccount) -> dict[str, Any]:
        """The account's rate limits by rule name: effective values, `default`, `overridden`."""
        path = f"/_mock/accounts/{account.provider}/{account.login}/limits"
        return self.control.call("GET", path)["limits"]  # type: ignore[no-any-return]

    def set_limits(self, account: MockAccount, changes: dict[str, Any]) -> dict[str, Any]:
        """Change the account's limits, e.g. {"smsc.duplicate_send": False} or
        {"smsc.balance_requests": {"max": 2}}; None drops an override."""
        path = f"/_mock/accounts/{account.provider}/{account.login}/limits"
        return self.control.call("PATCH", path, changes)["limits"]  # type: ignore[no-any-return]

    def inbound(self, account: MockAccount, phone: str, text: str, to: str = ""
                ) -> dict[str, Any]:
        """An SMS from `phone` to the account (SMSC: POSTed to its callback_url)."""
        return self.control.call("POST", "/_mock/inbound", {  # type: ignore[no-any-return]
            "provider": account.provider, "login": account.login, "phone": phone,
            "text": text, "to": to})

    def clock(self) -> dict[str, Any]:
        return self.control.call("GET", "/_mock/clock")  # type: ignore[no-any-return]

    def set_clock_speed(self, speed: float) -> dict[str, Any]:
        """Run the shared clock at `speed` times wall time (0 freezes it) for this test;
        close() puts the previous speed back."""
        before = self.clock()["speed"]
        self.cleanups.append(lambda: self.control.call("POST", "/_mock/clock/speed",
                                                       {"speed": before}))
        return self.control.call("POST", "/_mock/clock/speed", {"speed": speed})  # type: ignore[no-any-return]

    def freeze_clock(self) -> dict[str, Any]:
        """Stop the clock for this test (it then moves only by advance); undone by close()."""
        return self.set_clock_speed(0)

    def set_clock(self, at: float | str) -> dict[str, Any]:
        """Jump forward to `at` (a Unix timestamp or ISO 8601 with an offset). Not undone:
        the clock never goes back."""
        return self.control.call("POST", "/_mock/clock/set", {"at": at})  # type: ignore[no-any-return]

    def wait_for_sms(self, phone: str | None = None, timeout: float = 10.0, *,
                     text: str | None = None, after: int | None = None) -> dict[str, Any]:
        """The next message accepted for `phone` from this sandbox's accounts, as soon as the
        emulator accepts it (a long-poll: no polling here); its `code` is the one-time code in
        the text. Each call returns a newer message than the last one it returned for that
        phone, unless `after` (a message id) says otherwise. Raises TimeoutError after
        `timeout` seconds (at most 60). A sandbox with no accounts of its own waits for any
        account's message."""
        query = [("timeout", timeout)]
        query += [("account", a.login) for a in self.accounts]
        if phone is not None:
            query.append(("phone", phone))
        if text is not None:
            query.append(("text", text))
        query.append(("after", after if after is not None else self._seen.get(phone or "", 0)))
        if self._waiter is None:  # its own connection, with a socket timeout past any wait
            self._waiter = ControlClient(self.url, timeout=MAX_WAIT + 10,
                                         token=self.control.token)
            self.cleanups.append(self._waiter.close)
        try:
            message = self._waiter.call("GET", "/_mock/messages/wait?" + urlencode(query))
        except ControlError as exc:
            if ": 408 " in str(exc):
                raise TimeoutError(f"no SMS to {phone or 'anyone'} within {timeout} s") from None
            raise
        self._seen[phone or ""] = message["id"]
        return message  # type: ignore[no-any-return]

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        """This test's messages, oldest first (filters: phone, status, text, provider)."""
        found: list[dict[str, Any]] = []
        provider = filters.pop("provider", None)
        for account in self.accounts:
            if provider is None or account.provider == provider:
                found += self.control.messages(provider=account.provider,
                                               account=account.login, **filters)
        return sorted(found, key=lambda m: m["id"])

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """This test's provider requests, newest first, each with what the emulator understood
        of it and, when refused, an `explanation` (filters: provider, endpoint, refused,
        limit). Requests that named none of the sandbox's accounts are not included."""
        limit = int(filters.pop("limit", 1000))
        provider = filters.pop("provider", None)
        found: dict[int, dict[str, Any]] = {}
        for account in self.accounts:
            if provider is None or account.provider == provider:
                for entry in self.control.journal(provider=account.provider,
                                                  account=account.login, limit=limit,
                                                  **filters):
                    found[entry["seq"]] = entry
        return [found[seq] for seq in sorted(found, reverse=True)][:limit]
