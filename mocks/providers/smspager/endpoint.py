"""What every SMS-Pager command shares: read the POSTed XML (any content type), log in, answer
in <data> with a result code. Nothing a client sends produces a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from lxml import etree

from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.http import Answer, BodyTooLarge, CommandApp, Receive, Send, read_body, respond
from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager.xmlio import PagerError

PROVIDER = "smspager"
CONTENT_TYPE = b"text/xml; charset=UTF-8"
DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(slots=True)
class Call:
    gateway: Gateway
    account: Account
    root: etree._Element
    fields: dict[str, str]  # the root's children by lowercased name

    def field(self, name: str) -> str | None:
        return self.fields.get(name)

    def local_zone(self) -> timezone:
        """The account's local time: SMS-Pager takes and gives times in the customer's own
        zone; `tz` counts hours from Moscow, as everywhere in the emulator."""
        return _zone(self.account.tz)

    def local_time(self, ts: float) -> str:
        return _local_time(int(ts), self.account.tz)


@lru_cache(maxsize=64)
def _zone(tz: int) -> timezone:
    return timezone(timedelta(hours=3 + tz))


@lru_cache(maxsize=1024)
def _local_time(ts: int, tz: int) -> str:
    # Every answer names the current second: formatting it once a second is enough.
    return datetime.fromtimestamp(ts, UTC).astimezone(_zone(tz)).strftime(DATETIME)


Command = Callable[[Call], bytes]


class Endpoint(CommandApp[Command]):
    """An SMS-Pager command over HTTP."""

    log = logging.getLogger("sms_mocks.smspager")

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        gateway: Gateway = self.gateway(scope)
        try:
            try:
                body = await read_body(scope, receive, xmlio.MAX_DOCUMENT)
            except BodyTooLarge:
                raise PagerError(codes.XML_TOO_LARGE) from None
            root = xmlio.parse(body)
            fields = xmlio.fields_of(root)
            account = _authenticate(gateway, fields)
            answer = self.command(Call(gateway, account, root, fields))
        except PagerError as exc:
            answer = xmlio.answer(exc.code)
        except Exception:
            self.internal_error(scope)
            answer = xmlio.answer(codes.MISSING)
        await respond(send, answer, CONTENT_TYPE)

    def injected_error(self, scope: dict[str, Any], body: bytes, code: int | str
                       ) -> Answer | None:
        return Answer(xmlio.answer(int(code)), CONTENT_TYPE)


def _authenticate(gateway: Gateway, fields: dict[str, str]) -> Account:
    login = fields.get("login")
    password = fields.get("password")
    if not login or password is None:
        raise PagerError(codes.MISSING)
    account = gateway.accounts.get(PROVIDER, login)
    # SMS-Pager documents a plain password only: no MD5 form, no API keys.
    if account is None or account.password != password or account.blocked:
        raise PagerError(codes.AUTH)
    return account
