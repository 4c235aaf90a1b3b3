"""Reading a client's XML without trusting it: the one parser every XML dialect uses.

Nothing in a request can make the parser resolve an entity, load a DTD, read a file or reach the
network: the parser is built with every such feature off, and a document with a DOCTYPE is
refused. Each dialect turns the `Unreadable` reasons into its own errors.
"""

from __future__ import annotations

import enum

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=True,
                          remove_pis=True, collect_ids=False)

# A DOCTYPE or ENTITY declaration in any encoding a document may announce.
_DTD_MARKERS = tuple(word.encode(codec) for word in ("<!DOCTYPE", "<!ENTITY")
                     for codec in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


class Reason(enum.Enum):
    TOO_LARGE = "too large"
    DTD = "DTD or entity declaration"
    ENCODING = "bad encoding"
    MALFORMED = "not well-formed"


class Unreadable(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def parse(body: bytes, limit: int) -> etree._Element:
    """The root element of `body`, or Unreadable."""
    if len(body) > limit:
        raise Unreadable(Reason.TOO_LARGE)
    # A declaration needs "<!" (or, in UTF-16/32, NUL bytes): most documents skip the scan. A
    # marker may also sit in a CDATA section or a comment, so only the parse can say for sure.
    declares = (b"<!" in body or b"\x00" in body) and any(
        marker in body.upper() for marker in _DTD_MARKERS)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        if declares:  # a broken declaration (a stray <!ENTITY, say) is still a declaration
            raise Unreadable(Reason.DTD) from None
        message = str(exc).lower()
        if "encoding" in message or "utf-8" in message or "bytes:" in message:
            raise Unreadable(Reason.ENCODING) from None
        raise Unreadable(Reason.MALFORMED) from None
    except ValueError:  # e.g. a str with an encoding declaration, or an empty document
        raise Unreadable(Reason.MALFORMED) from None
    if root is None:
        raise Unreadable(Reason.MALFORMED)
    if root.getroottree().docinfo.doctype:  # one the byte check could not see
        raise Unreadable(Reason.DTD)
    return root
