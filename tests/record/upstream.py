"""A stand-in for the real services: a second emulator, in-process on loopback, that differs
from the emulator on purpose, in one way per dialect; and a recording proxy in front of it.

The planted differences (what `sms-mocks diff` must find, and nothing else):
    SMSC HTTP   another error text: "authorise error" reads "wrong login or password"
                (a wrapper around the app rewrites the answer)
    SMSC SOAP   an extra field: get_balance's result gains <currency>RUR</currency> (the
                wrapper again)
    SMS-Pager   another status timing: delivered after 60 s, not 6 (an outcome rule)
    TargetSMS   another error: one number is refused with the no_funds text (a fault rule of
                action `error`)
The upstream's virtual clock stamps the recorded exchanges, so the recorded times are the
upstream's own, as a real service's are its wall clock.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from sms_mocks.config import load
from sms_mocks.record.proxy import RecordingProxy
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient

T0 = 1795324358.0  # 2026-11-22 08:12:38 Moscow time

SMSC_LOGIN, SMSC_PASSWORD, SMSC_KEY = "shop", "Sm5c-S3cret!pass", "K3y-0f-Sh0p-9f8e"
PAGER_LOGIN, PAGER_PASSWORD = "pager", "Pag3r&P@ss<w>"
TARGET_LOGIN, TARGET_PASSWORD = "target", "T4rget-pwd-77"
WRONG_PASSWORD = "not-the-Passw0rd"
SECRETS = (SMSC_PASSWORD, SMSC_KEY, PAGER_PASSWORD, TARGET_PASSWORD, WRONG_PASSWORD)
PHONE = "+7 (916) 555-12-34"  # listed for redaction; written in several ways below
PHONE_FORMS = ("79165551234", "89165551234", "9165551234", "+7 (916) 555-12-34",
               "+7(916)555-12-34", "%2B7+%28916%29+555-12-34")
REFUSED = "79165557788"  # TargetSMS's planted fault refuses this one

PLANTED = {
    # exchange number → the line's verdict (the session below, in order)
    4: 'ERROR: recorded "2 (wrong login or password)", emulator "2 (authorise error)"',
    7: 'Body/BalanceResponse/balanceresult/currency: recorded "RUR", emulator (absent)',
    10: 'sms/deliveredCol: recorded "0", emulator "1"',
    14: 'answer: recorded "Недостаточно средств для отправки SMS.',
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


@dataclass(slots=True)
class Seen:
    """A provider request as the upstream app got it and the answer as it sent it."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes
    status: int = 0
    answer_headers: list[tuple[str, str]] = field(default_factory=list)
    answer: bytes = b""


def _rewrite(path: str, answer: bytes) -> bytes:
    if path.startswith("/sys/") and path != "/sys/soap.php":
        return answer.replace(b"authorise error", b"wrong login or password")
    if path == "/sys/soap.php" and b"<balanceresult><balance>" in answer:
        return answer.replace(b"</balance>", b"</balance><currency>RUR</currency>")
    return answer


class Planted:
    """The upstream's app: the emulator's, each provider answer captured, two rewritten."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app
        self.seen: list[Seen] = []

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_mock"):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        query = scope["query_string"].decode("latin-1")
        seen = Seen(scope["method"], scope["raw_path"].decode("latin-1")
                    + (f"?{query}" if query else ""),
                    [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
                    body)
        given = False

        async def replay() -> Message:
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, replay, capture)
        answer = _rewrite(scope["path"], b"".join(chunks))
        headers = [(k, str(len(answer)).encode() if k.lower() == b"content-length" else v)
                   for k, v in start["headers"]]
        seen.status, seen.answer = start["status"], answer
        seen.answer_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]
        self.seen.append(seen)
        await send({"type": "http.response.start", "status": start["status"],
                    "headers": headers})
        await send({"type": "http.response.body", "body": answer})


@dataclass
class Upstream:
    server: ServerThread
    planted: Planted
    control: ControlClient

    @property
    def url(self) -> str:
        return self.server.url

    def now(self) -> float:
        return float(self.server.app.runtime.gateway.clock.now())


def upstream_settings() -> Any:
    settings = load(clock="virtual", clock_start=T0)
    settings.accounts += [
        {"provider": "smsc", "login": SMSC_LOGIN, "password": SMSC_PASSWORD,
         "balance": "500.00", "api_keys": [SMSC_KEY]},
        {"provider": "smspager", "login": PAGER_LOGIN, "password": PAGER_PASSWORD,
         "balance": "500.00", "senders": {"Shop": "approved"}},
        {"provider": "targetsms", "login": TARGET_LOGIN, "password": TARGET_PASSWORD,
         "balance": "500.00", "senders": {"Shop": "approved"}},
    ]
    settings.outcomes = [{"provider": "smspager", "outcome": "delivered",
                          "progression": {"after": "seconds", "n": 60}}]
    settings.faults = [{"provider": "targetsms", "phone": REFUSED, "action": "error",
                        "code": "no_funds", "times": 1}]
    return settings


@dataclass
class Recording:
    proxy: RecordingProxy
    path: Path
    lines: list[str]

    @property
    def url(self) -> str:
        return self.proxy.url


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


def send(url: str, method: str, path: str, body: bytes = b"",
         headers: dict[str, str] | None = None) -> Answer:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.reason,
                      [(str(k), str(v)) for k, v in response.getheaders()], response.read())
    finally:
        conn.close()


def soap(operation: str, fields: dict[str, str]) -> bytes:
    from tests.providers.smsc.soap import envelope

    return envelope(operation, fields)


SOAP_HEADERS = {"Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": '"http://smsc.ru/sys/soap.php"'}
XML = {"Content-Type": "text/xml"}


def pager(action: str, password: str, inner: str) -> bytes:
    escaped = password.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f"<?xml version='1.0' encoding='UTF-8'?><data><login>{PAGER_LOGIN}</login>"
            f"<password>{escaped}</password>{inner}</data>").encode()


def session(url: str, advance: Callable[[float], object]) -> list[Answer]:
    """One client session through `url` in all four dialects: sends, status reads after the
    clock moves, balances, a wrong password, an API key; each planted difference met once."""
    psw, key = quote(SMSC_PASSWORD, safe=""), quote(SMSC_KEY, safe="")
    tpwd = quote(TARGET_PASSWORD, safe="")
    out = [
        # SMSC HTTP: a send to the listed number, written as a form would
        send(url, "GET", f"/sys/send.php?login={SMSC_LOGIN}&psw={psw}"
                         f"&phones={PHONE_FORMS[5]}&mes=Hello&fmt=3&cost=3"),
    ]
    first = json.loads(out[0].body)["id"]
    out += [
        send(url, "POST", "/sys/send.php", f"login={SMSC_LOGIN}&psw={psw}&phones=79991112233"
                                           f"&mes=Second&fmt=0".encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    advance(10)
    out += [
        send(url, "GET", f"/sys/status.php?login={SMSC_LOGIN}&psw={psw}&phone={PHONE_FORMS[1]}"
                         f"&id={first}&fmt=3&all=1"),
        send(url, "GET", f"/sys/balance.php?login={SMSC_LOGIN}&psw={WRONG_PASSWORD}&fmt=0"),
        send(url, "GET", f"/sys/balance.php?apikey={key}&fmt=2"),
        # SMSC SOAP
        send(url, "POST", "/sys/soap.php", soap("send", {
            "login": SMSC_LOGIN, "psw": SMSC_PASSWORD, "phones": "79991112244", "mes": "Soap",
            "id": "", "sender": "", "time": ""}), SOAP_HEADERS),
        send(url, "POST", "/sys/soap.php", soap("balance", {
            "login": SMSC_LOGIN, "psw": SMSC_PASSWORD}), SOAP_HEADERS),
        send(url, "POST", "/sys/soap.php", soap("balance", {
            "login": SMSC_LOGIN, "psw": WRONG_PASSWORD}), SOAP_HEADERS),
        # SMS-Pager
        send(url, "POST", "/send.xml", pager("send", PAGER_PASSWORD,
             "<action>send</action><text>Pager</text><source>Shop</source>"
             f"<to number='{PHONE_FORMS[4]}'></to>"), XML),
    ]
    smsid = re.findall(rb"<smsid>(\d+)</smsid>", out[-1].body)[0].decode()
    advance(10)
    out += [
        send(url, "POST", "/report.xml", pager("report", PAGER_PASSWORD,
                                               f"<smsid>{smsid}</smsid>"), XML),
        send(url, "POST", "/balance.xml", pager("balance", PAGER_PASSWORD, ""), XML),
        send(url, "POST", "/balance.xml", pager("balance", WRONG_PASSWORD, ""), XML),
        # TargetSMS
        send(url, "GET", f"/sendsms.php?user={TARGET_LOGIN}&pwd={tpwd}&sadr=Shop"
                         f"&dadr={PHONE_FORMS[1]}&text=Target"),
        send(url, "GET", f"/sendsms.php?user={TARGET_LOGIN}&pwd={tpwd}&sadr=Shop"
                         f"&dadr={REFUSED}&text=Refused"),
    ]
    sent = out[-2].body.decode()
    advance(10)
    out += [
        send(url, "GET", f"/sendsms.php?user={TARGET_LOGIN}&pwd={tpwd}&smsid={sent}"),
        send(url, "GET", f"/sendsms.php?user={TARGET_LOGIN}&pwd={tpwd}&balance=1"),
        send(url, "GET", f"/sendsms.php?user={TARGET_LOGIN}&pwd={WRONG_PASSWORD}&balance=1"),
    ]
    return out
