"""The XML gate: a <request> document POSTed to a script of /xml/ (/xml/ or /xml/index.php
sends, /xml/state.php reads statuses, /xml/balance.php the balance); every answer a
<response> with HTTP 200, errors as <response><error>TEXT</error></response>
(targetsms-json-xml.md, from the platform's own XML document, DOC).

The document is read through sms_mocks.asgi.xmlsafe: no DTD, entity, file or network, and
whatever it cannot read (malformed, not UTF-8 as declared, a DOCTYPE, too large) is DOC's
«Неправильный формат XML документа». <security> may come before or after the messages (WP
sends it last); the body is read whatever the method or content type (CI reads state.php with
a GET carrying the document, as text/plain).
"""

from __future__ import annotations

from functools import partial
from xml.sax.saxutils import escape

from lxml import etree

from sms_mocks.asgi import xmlsafe
from sms_mocks.core.accounts import Account
from sms_mocks.core.messages import Message
from sms_mocks.core.money import php_float
from sms_mocks.providers.targetsms import texts
from sms_mocks.providers.targetsms.documents import (
    MAX_DOCUMENT,
    SEND,
    Abonent,
    DocumentEndpoint,
    DocumentError,
    MessageSpec,
    Request,
    Row,
    read_document,
)
from sms_mocks.providers.targetsms.status import changed_at
from sms_mocks.seam.exchange import Reading

# Each script and what it does; the two send scripts are DOC's /xml/ and GR's and IK's
# /xml/index.php (the same script, as a web server serves a directory's index).
SCRIPTS = {"/xml/": "sms", "/xml/index.php": "sms", "/xml/state.php": "state",
           "/xml/balance.php": "balance"}
CONTENT_TYPE = b"text/xml; charset=utf-8"
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
_ABONENT = ("phone", "number_sms", "client_id_sms", "time_send", "validity_period")
_MESSAGE_TEXTS = ("sender", "text", "translite", "name_delivery", "url", "name", "email",
                  "position", "organization", "additional")
_CARD_ATTRIBUTES = {"phone": ("cell", "work", "fax"),
                    "address": ("post_office_box", "street", "city", "region", "postal_code",
                                "country")}
_ATTRIBUTE = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def parse(body: bytes) -> Request:
    """The request of a body, or DocumentError with DOC's format error."""
    try:
        root = xmlsafe.parse(body, MAX_DOCUMENT)
    except xmlsafe.Unreadable:
        raise DocumentError(texts.BAD_DOCUMENT) from None
    if root.tag != "request":
        raise DocumentError(texts.BAD_DOCUMENT)
    request = Request()
    for child in _children(root):
        tag = child.tag
        if tag == "security" and request.login is None and request.password is None:
            for part in _children(child):
                if part.tag == "login" and request.login is None:
                    request.login = part.get("value")
                elif part.tag == "password" and request.password is None:
                    request.password = part.get("value")
        elif tag == "message":
            request.messages.append(_message(child))
        elif tag == "get_state":
            request.ids += [text_of(i) for i in _children(child) if i.tag == "id_sms"]
    return request


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def text_of(element: etree._Element) -> str:
    """The element's own text, as PHP's (string) of a SimpleXMLElement reads it."""
    return (element.text or "") + "".join(child.tail or "" for child in element)


def _message(element: etree._Element) -> MessageSpec:
    spec = MessageSpec(type=element.get("type") or "")
    found: dict[str, str] = {}
    for child in _children(element):
        tag = child.tag
        if tag == "abonent":
            spec.abonents.append(Abonent(*(child.get(name) for name in _ABONENT)))
        elif tag in _MESSAGE_TEXTS:
            found.setdefault(tag, text_of(child))
        elif tag in _CARD_ATTRIBUTES:
            for name in _CARD_ATTRIBUTES[tag]:
                value = child.get(name)
                if value is not None:
                    found.setdefault(name, value)
    spec.sender, spec.text = found.pop("sender", None), found.pop("text", None)
    spec.translite = found.pop("translite", None)
    spec.name_delivery = found.pop("name_delivery", None)
    spec.card = found
    return spec


def _attribute(value: str) -> str:
    return escape(value, _ATTRIBUTE)


def _document(rows: list[str]) -> bytes:
    """DOC's layout: the declaration, <response>, one element a line."""
    return (DECLARATION + "<response>\n" + "".join(f"{row}\n" for row in rows)
            + "</response>\n").encode("utf-8")


def name(path: str, request: Request | None) -> str:
    """The call's name: the script, and what a send script does."""
    script = path.lstrip("/")
    return f"{script} (send)" if SCRIPTS.get(path) == "sms" else script


def read(path: str, body: bytes) -> Reading:
    return read_document(body, parse, partial(name, path))


class XmlEndpoint(DocumentEndpoint):
    content_type = CONTENT_TYPE

    parse = staticmethod(parse)
    name = staticmethod(name)

    def rows(self, rows: list[Row]) -> bytes:
        return _document([_information(row) for row in rows])

    def states(self, found: list[tuple[str, Message | None]]) -> bytes:
        return _document([_state(raw, message) for raw, message in found])

    def balance(self, account: Account) -> bytes:
        """DOC: the money with its currency, then the SMS left by direction (the account's
        prepaid packages, as sendsms.php's balance line gives them)."""
        rows = [f'<money currency="{_attribute(account.currency)}">'
                f"{php_float(account.balance)}</money>"]
        rows += [f'<sms area="{_attribute(area)}">{left}</sms>'
                 for area, left in account.packages.items()]
        return _document(rows)

    def error(self, text: str) -> bytes:
        return _document([f"<error>{escape(text)}</error>"])


def _information(row: Row) -> str:
    """DOC: number_sms, id_sms and parts, "send"; a refused SMS has the sentence, no id_sms."""
    attributes = "" if row.number_sms is None else f' number_sms="{_attribute(row.number_sms)}"'
    if row.message is not None and row.action == SEND:
        attributes += f' id_sms="{row.message.id}" parts="{row.message.parts}"'
    return f"<information{attributes}>{escape(row.action)}</information>"


def _state(raw: str, message: Message | None) -> str:
    """DOC: id_sms and the time of the change (empty while "send"); an id never accepted
    (PT's recorded answer) has the sentence in place of the status and an empty time."""
    if message is None:
        return f'<state id_sms="{_attribute(raw)}" time="">{texts.NOT_FOUND}</state>'
    state = texts.status(message)
    return f'<state id_sms="{message.id}" time="{changed_at(message, state)}">{state}</state>'
