"""Helpers for tests that drive the emulator: a small control-API client and a per-test
sandbox of fresh accounts. Standard library only, so the pytest plugin adds no dependency."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit


class ControlError(RuntimeError):
    pass


class ControlClient:
    """JSON calls to /_mock/ over one keep-alive connection per thread."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
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
        headers = {"Content-Type": "application/json"} if payload is not None else {}
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
        return self.call("GET", "/_mock/messages", query=filters)["messages"]  # type: ignore[no-any-return]

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

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the emulator's clock; every delivery that falls due happens, in order."""
        return self.control.advance(seconds)

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
