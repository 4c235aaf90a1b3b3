"""What TargetSMS's JSON API (sendsmsjson.php) and XML API (/xml/) share
(targetsms-json-xml.md): the request both carry, read into one shape; logging in; sending
abonent by abonent; reading statuses; and the endpoint that reads a bounded document and answers
every error in-band, HTTP 200, in the API's own form.

Both APIs sit on the same accounts, messages, ledger and clock as sendsms.php: an id one of
them answers is read by the other two.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from starlette.types import Receive, Scope, Send

from sms_mocks.asgi.http import Answer, BodyTooLarge, ProviderApp, read_body, respond
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway, Item, SendRefused, SendRequest
from sms_mocks.core.messages import Message
from sms_mocks.core.money import php_float
from sms_mocks.providers.targetsms import texts
from sms_mocks.providers.targetsms.endpoint import PROVIDER, TargetError
from sms_mocks.providers.targetsms.send import REFUSALS, check_length, check_number, check_sender
from sms_mocks.providers.targetsms.status import MOSCOW, find
from sms_mocks.seam.exchange import READING_KEY, Reading

# A document over this is refused whole (the XML gate's format error): no source names a
# limit; 1 MiB is nginx's default client_max_body_size, and holds some 10,000 abonents.
MAX_DOCUMENT = 1024 * 1024
# Abonents and ids one document may carry, so a body of tiny abonents cannot hold the event
# loop for long; a document with more is refused whole, as one over MAX_DOCUMENT is.
MAX_ROWS = 20_000
SEND = "send"  # the action of an abonent whose SMS went (the XML gate's <information> word)

# The message types of the XML gate (DOC): each one's core channel. A message without a type,
# or with a type the gate does not list, is an ordinary SMS (GR and IK send one untyped).
CHANNELS = {"sms": "sms", "flashsms": "flash", "wappush": "push", "vcard": "vcard"}
# The fields of a vCard besides its name (DOC): one of them must be there.
CARD_FIELDS = ("cell", "work", "fax", "email", "position", "organization", "post_office_box",
               "street", "city", "region", "postal_code", "country", "additional", "url")
# time_send and validity_period: "YYYY-MM-DD hh:mm" (DOC), Moscow time as everywhere on the
# platform; seconds are accepted too.
_TIME = re.compile(r"^\s*(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?\s*$")
# Each account's client_id_sms → the id of the message sent with it. Kept in the gateway's
# dialect_state (so a reset forgets it) but never stored: it is rebuilt from the messages'
# extra, where each such message keeps its client_id_sms.
CLIENT_IDS = "targetsms.client_id_sms"


class DocumentError(Exception):
    """An error for the whole request: {"error": TEXT} or <response><error>TEXT</error>."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(slots=True)
class Abonent:
    phone: str | None = None
    number_sms: str | None = None  # the client's own number for the row, echoed as given
    client_id_sms: str | None = None
    time_send: str | None = None
    validity_period: str | None = None


@dataclass(slots=True)
class MessageSpec:
    """One <message> (one item of "message"): one text to its abonents."""

    type: str = ""
    sender: str | None = None
    text: str | None = None
    translite: str | None = None
    name_delivery: str | None = None
    card: dict[str, str] = field(default_factory=dict)  # url, and a vCard's name and fields
    abonents: list[Abonent] = field(default_factory=list)


@dataclass(slots=True)
class Request:
    command: str | None = None  # JSON's "type"; the XML gate's script names it instead
    login: str | None = None
    password: str | None = None
    messages: list[MessageSpec] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # get_state

    def size(self) -> int:
        return len(self.ids) + sum(len(m.abonents) for m in self.messages)

    def view(self) -> dict[str, Any]:
        """The request as the journal shows it (the password is masked there)."""
        shown: dict[str, Any] = {}
        for name, value in (("login", self.login), ("password", self.password),
                            ("type", self.command)):
            if value is not None:
                shown[name] = value
        if self.messages:
            shown["message"] = [_drop_empty({
                "type": m.type or None, "sender": m.sender, "text": m.text,
                "translite": m.translite, "name_delivery": m.name_delivery, **m.card,
                "abonent": [_drop_empty({"phone": a.phone, "number_sms": a.number_sms,
                                         "client_id_sms": a.client_id_sms,
                                         "time_send": a.time_send,
                                         "validity_period": a.validity_period})
                            for a in m.abonents]}) for m in self.messages]
        if self.ids:
            shown["get_state"] = list(self.ids)
        return shown


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != []}


@dataclass(slots=True)
class Row:
    """One abonent's answer: its SMS, or the sentence that refused it."""

    number_sms: str | None
    action: str  # SEND, or a refusal sentence
    message: Message | None = None


# -- logging in -----------------------------------------------------------------------------

def authenticate(gateway: Gateway, request: Request, token: str | None) -> Account:
    """`security`'s login and password; without them, a Bearer token (an API key of the
    account, JSON only). A blocked account is refused for every request."""
    if request.login is None and token:
        account = gateway.by_api_key(PROVIDER, token)
    else:
        account = gateway.accounts.get(PROVIDER, request.login or "")
        if account is not None and (request.password is None
                                    or account.password != request.password):
            account = None
    if account is None:
        raise DocumentError(texts.WRONG_LOGIN)
    if account.blocked:
        raise DocumentError(texts.ACCOUNT_BLOCKED)
    return account


# -- sending --------------------------------------------------------------------------------

def send(gateway: Gateway, account: Account, messages: list[MessageSpec]) -> list[Row]:
    """One row an abonent, in the document's order; each abonent is its own send, so each is
    accepted or refused on its own (and charged when accepted)."""
    rows = []
    for spec in messages:
        for abonent in spec.abonents:
            action, message = _send_one(gateway, account, spec, abonent)
            rows.append(Row(abonent.number_sms, action, message))
    return rows


def _send_one(gateway: Gateway, account: Account, spec: MessageSpec,
              abonent: Abonent) -> tuple[str, Message | None]:
    client_id = (abonent.client_id_sms or "").strip()
    earlier = _earlier(gateway, account, client_id)
    if earlier is not None:  # DOC: not sent again; the earlier SMS's number comes back
        return SEND, earlier
    try:
        request = plan(account, spec, abonent, gateway.now())
        result = gateway.send(account, request)
    except TargetError as exc:
        return exc.text, None
    except SendRefused as refused:
        return REFUSALS[refused.reason], None
    message = result.messages[0]
    if client_id:
        client_ids(gateway).setdefault(account.key, {})[client_id] = message.id
    return SEND, message


def plan(account: Account, spec: MessageSpec, abonent: Abonent, now: float) -> SendRequest:
    """The core's send for one abonent, or TargetError with the sentence that refuses it, in
    sendsms.php's order: the text, the number as written, the sender, the number's direction."""
    text, channel = content(spec)
    phone = (abonent.phone or "").strip()
    if not phone:
        raise TargetError(texts.NO_NUMBER)
    check_length(phone)
    sender = check_sender(account, spec.sender or "")
    check_number(account, phone)
    send_at = moscow_time(abonent.time_send)
    valid_until = moscow_time(abonent.validity_period)
    valid_seconds = None
    if valid_until is not None:  # one already past leaves the message a second to live
        valid_seconds = max(valid_until - max(now, send_at or now), 1.0)
    client_id = (abonent.client_id_sms or "").strip()
    return SendRequest([Item([phone], text, sender, spec.name_delivery or "")],
                       id_from_batch=True, translit=1 if spec.translite == "1" else 0,
                       channel=channel, send_at=send_at, valid_seconds=valid_seconds,
                       extra={"client_id_sms": client_id} if client_id else None)


def content(spec: MessageSpec) -> tuple[str, str]:
    """(the text to store, the channel) of a message, or the sentence its type refuses it
    with: a WAP-Push needs its url (DOC's «Нет ссылки.»), a vCard its name and one more
    field, every other type a text."""
    kind = spec.type.strip()
    channel = CHANNELS.get(kind, "sms")
    text = spec.text or ""
    if channel == "push":
        url = spec.card.get("url", "").strip()
        if not url:
            raise TargetError(texts.NO_LINK)
        return (f"{text.strip()} {url}".strip(), channel)
    if channel == "vcard":
        name = spec.card.get("name", "").strip()
        given = [k for k in CARD_FIELDS if spec.card.get(k, "").strip()]
        if not name or not given:
            raise TargetError(texts.NO_VCARD)
        lines = ["BEGIN:VCARD", f"N:{name}", *(f"{k.upper()}:{spec.card[k].strip()}"
                                                for k in given), "END:VCARD"]
        return "\n".join(lines), channel
    if not text.strip():
        raise TargetError(texts.NO_TEXT)
    return text, channel


def moscow_time(value: str | None) -> float | None:
    """A "YYYY-MM-DD hh:mm" Moscow time as a timestamp; None for an empty or unreadable one
    (WP always sends time_send="", which DOC reads as "now")."""
    match = _TIME.match(value or "")
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=MOSCOW).timestamp()
    except ValueError:  # no such day or hour
        return None


def client_ids(gateway: Gateway) -> dict[tuple[str, str], dict[str, int]]:
    index: dict[tuple[str, str], dict[str, int]] | None = gateway.dialect_state.get(CLIENT_IDS)
    if index is None:
        index = {}
        for message in gateway.store.newest_of_provider(PROVIDER):
            client_id = (message.extra or {}).get("client_id_sms")
            if client_id:
                index.setdefault(message.account.key, {}).setdefault(client_id, message.id)
        gateway.dialect_state[CLIENT_IDS] = index
    return index


def _earlier(gateway: Gateway, account: Account, client_id: str) -> Message | None:
    if not client_id:
        return None
    found = client_ids(gateway).get(account.key, {}).get(client_id)
    message = gateway.store.get(found) if found is not None else None
    if message is None or message.account is not account:  # deleted, or another account's
        return None
    return message


# -- statuses -------------------------------------------------------------------------------

def states(gateway: Gateway, account: Account, ids: list[str]) -> list[tuple[str, Message | None]]:
    """Each id as asked, with the account's message of that id (None: never accepted here).
    Each read counts towards an outcome that waits for status reads, as sendsms.php's does."""
    found = []
    for raw in ids:
        message = find(gateway, account, raw)
        gateway.polled(message)
        found.append((raw, message))
    return found


def price_of_part(message: Message) -> str:
    """The price of one part, as PHP prints a float (sendsms.php's detail=1 gives the same)."""
    return php_float(message.cost / message.parts) if message.parts else "0"


# -- the endpoint ---------------------------------------------------------------------------

class DocumentEndpoint(ProviderApp):
    """A JSON or XML script: a bounded body, parsed, logged in, run; every error HTTP 200 with
    the API's error document, never a traceback."""

    log = logging.getLogger("sms_mocks.targetsms")
    content_type = b"text/plain; charset=utf-8"

    def __init__(self, command: str | None = None) -> None:
        self.command = command  # fixed by the script (XML), or None: the request's (JSON)

    # what each API says in its own form
    def parse(self, body: bytes) -> Request:
        raise NotImplementedError

    def token(self, scope: Scope) -> str | None:
        return None

    def rows(self, rows: list[Row]) -> bytes:
        raise NotImplementedError

    def states(self, found: list[tuple[str, Message | None]]) -> bytes:
        raise NotImplementedError

    def balance(self, account: Account) -> bytes:
        raise NotImplementedError

    def error(self, text: str) -> bytes:
        raise NotImplementedError

    def name(self, path: str, request: Request | None) -> str:
        """The journal's and the metrics' name for the call."""
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gateway: Gateway = self.gateway(scope)
        path = scope["path"]
        reading: Reading | None = scope.get(READING_KEY)  # read ahead by a fault rule
        try:
            if reading is None:
                try:
                    body = await read_body(scope, receive, MAX_DOCUMENT)
                except BodyTooLarge:
                    reading = Reading(PROVIDER, self.name(path, None),
                                      request=DocumentError(texts.BAD_DOCUMENT))
                else:
                    reading = read_document(body, self.parse, partial(self.name, path))
                scope[READING_KEY] = reading
            if isinstance(reading.request, DocumentError):
                raise reading.request
            request: Request = reading.request
            if reading.login:
                reading.account = gateway.accounts.get(PROVIDER, reading.login)
            account = authenticate(gateway, request, self.token(scope))
            answer = self.run(gateway, account, request, reading)
        except DocumentError as exc:
            answer = self.error(exc.text)
            self._refused(scope, exc.text)
        except Exception:
            self.internal_error(scope)
            answer = self.error(texts.DOCUMENT_FAILURE)
            self._refused(scope, texts.DOCUMENT_FAILURE)
        await respond(send, answer, self.content_type)

    def _refused(self, scope: Scope, text: str) -> None:
        reading = scope.get(READING_KEY)
        if reading is None:
            reading = scope[READING_KEY] = Reading(PROVIDER, self.name(scope["path"], None))
        reading.refuse(text)
        reading.code = text
        reading.ids = ()

    def run(self, gateway: Gateway, account: Account, request: Request,
            reading: Reading) -> bytes:
        command = self.command or request.command
        if command == "sms":
            rows = send(gateway, account, request.messages)
            served(reading, request, rows)
            return self.rows(rows)
        if command == "state":
            return self.states(states(gateway, account, request.ids))
        if command == "balance":
            return self.balance(account)
        raise DocumentError(texts.BAD_DOCUMENT)  # a JSON type this API does not serve

    def injected_error(self, scope: Scope, body: bytes, code: int | str
                       ) -> Answer | None:
        """A fault rule's documented text: on a send, each abonent's row refused with it (as
        the APIs answer a refused message); otherwise, and for the duplicate rule's
        whole-request text, the API's error document."""
        text = texts.CODES[str(code)]
        reading = scope.get(READING_KEY) or read_document(
            body, self.parse, partial(self.name, scope["path"]))
        scope[READING_KEY] = reading
        request = reading.request if isinstance(reading.request, Request) else None
        if request is not None and (self.command or request.command) == "sms" and \
                str(code) != "duplicate":
            rows = [Row(a.number_sms, text) for m in request.messages for a in m.abonents]
            if rows:
                served(reading, request, rows)
                return Answer(self.rows(rows), self.content_type)
        self._refused(scope, text)
        return Answer(self.error(text), self.content_type)


def read_document(body: bytes, parse: Callable[[bytes], Request],
                  name: Callable[[Request | None], str]) -> Reading:
    """The one reading of a JSON or XML document: the request, or the DocumentError it earns
    kept as the reading's request. No body at all is DOC's «POST данные отсутствуют»."""
    try:
        if not body:
            raise DocumentError(texts.NO_POST)
        request = parse(body)
        if request.size() > MAX_ROWS:
            raise DocumentError(texts.BAD_DOCUMENT)
    except DocumentError as exc:
        return Reading(PROVIDER, name(None), request=exc)
    return Reading(PROVIDER, name(request), request.view(), request.login or None,
                   request=request)


def served(reading: Reading, request: Request, rows: list[Row]) -> None:
    """A send's outcome: the ids of the SMS that went; refused when none did, with the first
    row's sentence. The rows stay beside the request, for the journal's explanation."""
    reading.ids = tuple(str(row.message.id) for row in rows
                        if row.action == SEND and row.message is not None)
    if rows and all(row.action != SEND for row in rows):
        reading.refuse(rows[0].action)
    if any(row.action != SEND for row in rows):
        reading.code = "rows"
        reading.request = (request, [(row.number_sms or "", row.action) for row in rows])
