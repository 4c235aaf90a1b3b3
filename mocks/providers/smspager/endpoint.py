"""What every SMS-Pager command shares: read the POSTed XML (any content type), log in, answer
in <data> with a result code. Nothing a client sends produces a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from lxml import etree
from starlette.types import Receive, Scope, Send

from sms_mocks.asgi.http import Answer, BodyTooLarge, CommandApp, read_body, respond
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager.xmlio import PagerError
from sms_mocks.seam.exchange import READING_KEY, Reading

PROVIDER = "smspager"
CONTENT_TYPE = b"text/xml; charset=UTF-8"
DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(slots=True)
class Call:
    gateway: Gateway
    account: Account
    root: etree._Element
    fields: dict[str, str]  # the root's children by lowercased name
    ids: tuple[str, ...] = ()  # the message ids the answer gives
    nothing_sent: bool = False  # a send answered OK with nothing sent (000's code 1)

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gateway: Gateway = self.gateway(scope)
        reading: Reading | None = scope.get(READING_KEY)  # read ahead by a fault rule
        try:
            if reading is None:
                try:
                    body = await read_body(scope, receive, xmlio.MAX_DOCUMENT)
                except BodyTooLarge:
                    reading = Reading(PROVIDER, _name(scope["path"]), request=PagerError(
                        codes.XML_TOO_LARGE))
                else:
                    reading = read_document(scope["path"], body)
                scope[READING_KEY] = reading
            if isinstance(reading.request, PagerError):
                raise reading.request  # the document could not be read
            root, fields = reading.request
            account = _authenticate(gateway, fields)
            reading.account = account
            call = Call(gateway, account, root, fields)
            answer = self.command(call)
            reading.ids = call.ids
            if call.nothing_sent:
                reading.code = codes.OK  # explained: why nothing could go
        except PagerError as exc:
            answer = xmlio.answer(exc.code)
            _refused(scope, gateway, exc.code)
        except Exception:
            self.internal_error(scope)
            answer = xmlio.answer(codes.MISSING)
            _refused(scope, gateway, codes.MISSING)
        await respond(send, answer, CONTENT_TYPE)

    def injected_error(self, scope: Scope, body: bytes, code: int | str
                       ) -> Answer | None:
        if READING_KEY not in scope:
            scope[READING_KEY] = read_document(scope["path"], body)
        _refused(scope, self.gateway(scope), int(code))
        return Answer(xmlio.answer(int(code)), CONTENT_TYPE)


def read_document(path: str, body: bytes) -> Reading:
    """The one reading of a document: its fields and <to> numbers, or the PagerError the
    parser gives kept as the reading's request."""
    try:
        root = xmlio.parse(body)
    except PagerError as exc:
        return Reading(PROVIDER, _name(path), request=exc)
    fields = xmlio.fields_of(root)
    numbers = [(child.get("number") or "").strip() for child in root
               if isinstance(child.tag, str) and child.tag.lower() == "to"]
    return Reading(PROVIDER, _name(path), {**fields, **({"to": numbers} if numbers else {})},
                   fields.get("login") or None, request=(root, fields))


def _name(path: str) -> str:
    return path.lstrip("/")


def _refused(scope: Scope, gateway: Gateway, code: int) -> None:
    reading = scope.get(READING_KEY)
    if reading is None:
        reading = scope[READING_KEY] = Reading(PROVIDER, _name(scope["path"]))
    reading.refuse(f"{code} ({codes.description(code)})")
    reading.code = code
    if reading.login and reading.account is None:
        reading.account = gateway.accounts.get(PROVIDER, reading.login)


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
