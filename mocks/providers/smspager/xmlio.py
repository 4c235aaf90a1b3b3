"""Reading the client's XML safely, and writing answers in SMS-Pager's shape.

Nothing in a request can make the parser resolve an entity, load a DTD, read a file or reach the
network: documents with a DOCTYPE are refused before parsing, and the parser itself is built
with every such feature off.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from lxml import etree

from mocks.providers.smspager import codes

MAX_DOCUMENT = 1024 * 1024

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=True,
                          remove_pis=True, collect_ids=False)


# A DOCTYPE or ENTITY declaration in any encoding a document may announce.
_DTD_MARKERS = tuple(word.encode(codec) for word in ("<!DOCTYPE", "<!ENTITY")
                     for codec in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


class PagerError(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def parse(body: bytes) -> etree._Element:
    """The <data> root of a request, or PagerError with a 70x code."""
    if len(body) > MAX_DOCUMENT:
        raise PagerError(codes.XML_TOO_LARGE)
    # A declaration needs "<!" (or, in UTF-16/32, NUL bytes): most documents skip the scan.
    if b"<!" in body or b"\x00" in body:
        upper = body.upper()
        if any(marker in upper for marker in _DTD_MARKERS):
            raise PagerError(codes.XML_DTD)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        message = str(exc).lower()
        if "encoding" in message or "utf-8" in message or "bytes:" in message:
            raise PagerError(codes.XML_ENCODING) from None
        raise PagerError(codes.XML_MALFORMED) from None
    except ValueError:  # e.g. a str with an encoding declaration, or an empty document
        raise PagerError(codes.XML_MALFORMED) from None
    if root is None:
        raise PagerError(codes.XML_MALFORMED)
    if root.getroottree().docinfo.doctype:  # one the byte check could not see
        raise PagerError(codes.XML_DTD)
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
