"""Reading the client's XML (through sms_mocks.asgi.xmlsafe); writing answers in SMS-Pager's
shape."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from lxml import etree

from sms_mocks.asgi import xmlsafe
from sms_mocks.providers.smspager import codes

MAX_DOCUMENT = 1024 * 1024

_CODES = {xmlsafe.Reason.TOO_LARGE: codes.XML_TOO_LARGE, xmlsafe.Reason.DTD: codes.XML_DTD,
          xmlsafe.Reason.ENCODING: codes.XML_ENCODING, xmlsafe.Reason.MALFORMED:
          codes.XML_MALFORMED}


class PagerError(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def parse(body: bytes) -> etree._Element:
    """The <data> root of a request, or PagerError with a 70x code."""
    try:
        root = xmlsafe.parse(body, MAX_DOCUMENT)
    except xmlsafe.Unreadable as exc:
        raise PagerError(_CODES[exc.reason]) from None
    if root.tag != "data":
        raise PagerError(codes.XML_ROOT)
    return root


def fields_of(root: etree._Element) -> dict[str, str]:
    """Each child's stripped text by its lowercased name (the first of a name wins). Names
    are matched in any case: the C# client sends <SMSID>."""
    fields: dict[str, str] = {}
    for child in root:
        tag = child.tag
        if isinstance(tag, str):
            fields.setdefault(tag.lower(), (child.text or "").strip())
    return fields


Field = tuple[str, object]

DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"


def element(name: str, value: object) -> str:
    text = str(value)
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    return f"<{name}>{text}</{name}>\n"


def answer(code: int, fields: Iterable[Field] = (), tail: str = "") -> bytes:
    """<data> with code, descr, the fields in order, then any pre-rendered blocks."""
    body = element("code", code) + element("descr", codes.description(code))
    body += "".join(element(k, v) for k, v in fields)
    return (DECLARATION + "<data>\n" + body + tail + "</data>\n").encode("utf-8")


def numbers_block(name: str, numbers: Iterable[str]) -> str:
    return f"<{name}>\n" + "".join(element("number", n) for n in numbers) + f"</{name}>\n"
