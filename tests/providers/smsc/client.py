"""A thin SMSC client for the tests: real HTTP, the account's credentials filled in."""

from __future__ import annotations

from typing import Any

import httpx

from sms_mocks.testing.sandbox import MockAccount

ALEX_ACCOUNT = MockAccount("smsc", "alex", "123")  # SMSC's documented customer, in every emulator


class Smsc:
    """Calls SMSC paths as a client would, logged in as one account."""

    def __init__(self, http: httpx.Client, account: MockAccount) -> None:
        self.http = http
        self.account = account

    def get(self, command: str, **params: Any) -> httpx.Response:
        query = {"login": self.account.login, "psw": self.account.password}
        query.update({k: v for k, v in params.items() if v is not None})
        return self.http.get(f"/sys/{command}.php", params=query)

    def post(self, command: str, **params: Any) -> httpx.Response:
        """The same call as a form POST, as clients do for long phone lists and texts."""
        form = {"login": self.account.login, "psw": self.account.password}
        form.update({k: v for k, v in params.items() if v is not None})
        return self.http.post(f"/sys/{command}.php", data=form)

    def text(self, command: str, **params: Any) -> str:
        response = self.get(command, **params)
        assert response.status_code == 200
        return response.content.decode(response.charset_encoding or "cp1251")

    def send(self, **params: Any) -> str:
        return self.text("send", **params)

    def status(self, **params: Any) -> str:
        return self.text("status", **params)

    def balance(self, **params: Any) -> str:
        return self.text("balance", **params)
