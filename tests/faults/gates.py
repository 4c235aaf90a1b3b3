"""A sending client for each provider, so one fault test runs against all three dialects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import httpx

from sms_mocks.testing.sandbox import MockAccount, Sandbox

PROVIDERS = ("smsc", "smspager", "targetsms")
ENDPOINTS = {"smsc": "/sys/send.php", "smspager": "/send.xml", "targetsms": "/sendsms.php"}


@dataclass
class Gate:
    """One provider's send command, as its clients call it, for one fresh account."""

    provider: str
    account: MockAccount
    http: httpx.Client

    @property
    def endpoint(self) -> str:
        return ENDPOINTS[self.provider]

    def request(self, phone: str = "79991234567", text: str = "hello",
                timeout: float | None = None) -> httpx.Request:
        login, password = self.account.login, self.account.password
        options: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        if self.provider == "smsc":
            return self.http.build_request("GET", self.endpoint, params={
                "login": login, "psw": password, "phones": phone, "mes": text, "fmt": 1,
                "charset": "utf-8"},
                **options)
        if self.provider == "smspager":
            xml = (f"<?xml version='1.0' encoding='UTF-8'?><data><login>{login}</login>"
                   f"<password>{password}</password><text>{escape(text)}</text>"
                   f"<to number='{phone}'></to></data>")
            return self.http.build_request("POST", self.endpoint, content=xml.encode(),
                                           **options)
        return self.http.build_request("GET", self.endpoint, params={
            "user": login, "pwd": password, "sadr": "Shop", "dadr": phone, "text": text},
            **options)

    def send(self, phone: str = "79991234567", text: str = "hello",
             timeout: float | None = None) -> httpx.Response:
        return self.http.send(self.request(phone, text, timeout))

    def balance_request(self) -> httpx.Request:
        """The balance command, whose answer is the same every time."""
        login, password = self.account.login, self.account.password
        if self.provider == "smsc":
            return self.http.build_request("GET", "/sys/balance.php",
                                           params={"login": login, "psw": password})
        if self.provider == "smspager":
            return self.http.build_request("POST", "/balance.xml", content=(
                f"<data><login>{login}</login><password>{password}</password></data>"))
        return self.http.build_request("GET", "/sendsms.php", params={
            "user": login, "pwd": password, "balance": 1})

    def balance(self) -> httpx.Response:
        return self.http.send(self.balance_request())

    def accepted(self, response: httpx.Response) -> bool:
        """Whether an answer is this dialect's success for one message."""
        body = response.text
        if self.provider == "smsc":
            return body.endswith(",1")
        if self.provider == "smspager":
            return "<code>1</code>" in body and "<colSendAbonent>1</colSendAbonent>" in body
        return body.isdigit()


def make_gate(sandbox: Sandbox, http: httpx.Client, provider: str) -> Gate:
    """A fresh account that may send the same request again and again."""
    spec: dict[str, Any] = {"balance": "1000"}
    if provider == "smsc":
        spec["limits"] = {"smsc.duplicate_send": False, "smsc.balance_requests": False}
    if provider == "targetsms":
        spec.update(senders={"Shop": "approved"}, limits={"targetsms.duplicate": False})
    return Gate(provider, sandbox.account(provider, **spec), http)
