"""A thin TargetSMS client for the tests: sendsms.php as a client calls it, real HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from sms_mocks.testing.sandbox import MockAccount


class Target:
    """sendsms.php as a client calls it, logged in as one account."""

    def __init__(self, http: httpx.Client, account: MockAccount) -> None:
        self.http = http
        self.account = account

    def raw(self, **params: Any) -> httpx.Response:
        query = {"user": self.account.login, "pwd": self.account.password}
        query.update({k: v for k, v in params.items() if v is not None})
        return self.http.get("/sendsms.php", params=query)

    def __call__(self, **params: Any) -> str:
        response = self.raw(**params)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        return response.content.decode("utf-8")

    def send(self, dadr: str = "79161234567", text: str = "Привет", sadr: str = "Shop",
             **params: Any) -> str:
        return self(sadr=sadr, dadr=dadr, text=text, **params)
