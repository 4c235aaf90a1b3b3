"""Clients of TargetSMS's JSON API and XML gate, as the integrations in
targetsms-json-xml.md call them, for one account."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import httpx
from lxml import etree

from sms_mocks.testing.sandbox import MockAccount

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
PHONE = "79161234567"

# Every whole-request error of the two APIs (the XML gate's document, DOC).
BAD_DOCUMENT = "Неправильный формат XML документа"
ACCOUNT_BLOCKED = "Ваш аккаунт заблокирован"
WRONG_LOGIN = "Неправильный логин или пароль"
NO_POST = "POST данные отсутствуют"
NOT_FOUND = "Сообщение с таким ID не принималось"


class JsonGate:
    """sendsmsjson.php, logged in with `security` (or a Bearer token)."""

    def __init__(self, http: httpx.Client, account: MockAccount) -> None:
        self.http = http
        self.account = account

    def security(self) -> dict[str, str]:
        return {"login": self.account.login, "password": self.account.password}

    def raw(self, body: bytes | str | None, headers: dict[str, str] | None = None,
            method: str = "POST") -> httpx.Response:
        content = body.encode("utf-8") if isinstance(body, str) else body
        return self.http.request(method, "/sendsmsjson.php", content=content, headers={
            "Content-Type": "application/json; charset=utf-8", **(headers or {})})

    def post(self, data: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = self.raw(json.dumps(data, ensure_ascii=False), headers)
        return answer_of(response)

    def __call__(self, type_: str, **fields: Any) -> dict[str, Any]:
        return self.post({"security": self.security(), "type": type_, **fields})

    def send(self, *messages: dict[str, Any]) -> list[dict[str, str]]:
        return self("sms", message=list(messages))["sms"]  # type: ignore[no-any-return]

    def send_one(self, phone: str = PHONE, text: str = "Привет", sender: str = "Shop",
                 **message: Any) -> dict[str, str]:
        [row] = self.send({"type": "sms", "sender": sender, "text": text,
                           "abonent": [{"phone": phone, "number_sms": 1}], **message})
        return row

    def state(self, *ids: str | int) -> list[dict[str, str]]:
        return self("state", get_state=list(ids))["state"]  # type: ignore[no-any-return]


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """Every answer, errors included, is HTTP 200 with one JSON object."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_TYPE
    data = json.loads(response.content)
    assert isinstance(data, dict)
    return data


class XmlGate:
    """The XML gate's scripts, logged in with <security>."""

    def __init__(self, http: httpx.Client, account: MockAccount) -> None:
        self.http = http
        self.account = account

    def security(self) -> str:
        return (f"<security><login value={quoteattr(self.account.login)}/>"
                f"<password value={quoteattr(self.account.password)}/></security>")

    def raw(self, path: str, body: bytes | str | None, method: str = "POST",
            content_type: str = "text/xml; charset=utf-8") -> httpx.Response:
        content = body.encode("utf-8") if isinstance(body, str) else body
        return self.http.request(method, path, content=content,
                                 headers={"Content-Type": content_type})

    def post(self, path: str, inner: str, **options: Any) -> etree._Element:
        body = f"{DECLARATION}<request>{self.security()}{inner}</request>"
        return root_of(self.raw(path, body, **options))

    def send(self, *messages: str, path: str = "/xml/") -> list[etree._Element]:
        return list(self.post(path, "".join(messages)))

    def send_one(self, phone: str = PHONE, text: str = "Привет", sender: str = "Shop",
                 kind: str = "sms", extra: str = "") -> etree._Element:
        [row] = self.send(message(sender, text, [abonent(phone, 1)], kind, extra))
        return row

    def state(self, *ids: str | int) -> list[etree._Element]:
        inner = "".join(f"<id_sms>{i}</id_sms>" for i in ids)
        return list(self.post("/xml/state.php", f"<get_state>{inner}</get_state>"))

    def balance(self) -> etree._Element:
        return self.post("/xml/balance.php", "")


def message(sender: str | None, text: str | None, abonents: list[str], kind: str | None = "sms",
            extra: str = "") -> str:
    kind_attribute = f" type={quoteattr(kind)}" if kind is not None else ""
    parts = "" if sender is None else f"<sender>{escape(sender)}</sender>"
    parts += "" if text is None else f"<text>{escape(text)}</text>"
    return f"<message{kind_attribute}>{parts}{extra}{''.join(abonents)}</message>"


def abonent(phone: str | None, number: int | str | None = None, **attributes: str) -> str:
    given = {"phone": phone, "number_sms": None if number is None else str(number),
             **attributes}
    return "<abonent" + "".join(f" {k}={quoteattr(v)}" for k, v in given.items()
                                if v is not None) + "/>"


def root_of(response: httpx.Response) -> etree._Element:
    """Every answer, errors included, is HTTP 200 with one <response> in UTF-8."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XML_TYPE
    assert response.content.startswith(DECLARATION.encode())
    root = etree.fromstring(response.content)
    assert root.tag == "response"
    return root


def error_of(root: etree._Element) -> str | None:
    found = root.find("error")
    return None if found is None else found.text
