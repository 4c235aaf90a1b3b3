"""Reading a SOAP 1.1 envelope down to its call, as PHP's SoapServer reads it, with PHP's faults.

Both ways of answering a call (the direct path, direct.py, and spyne through protocol.py) read
the envelope here, so they cannot disagree on what a call is or which fault a bad one gets.
"""

from __future__ import annotations

from lxml import etree

from sms_mocks.asgi import xmlsafe
from sms_mocks.providers.smsc.soap import MAX_ENVELOPE, faults

ENVELOPE = f"{{{faults.SOAP_ENV}}}Envelope"
HEADER = f"{{{faults.SOAP_ENV}}}Header"
BODY = f"{{{faults.SOAP_ENV}}}Body"
# A call has at most nine children (send2); more is not a client of this WSDL, and spyne reading
# a 2 MiB envelope of repeated children would hold up every other request for most of a second.
MAX_CHILDREN = 64


class Refused(Exception):
    """The envelope gets `fault` (HTTP 500) and no operation runs."""

    def __init__(self, fault: faults.Fault) -> None:
        super().__init__(fault[1])
        self.fault = fault


def parse(body: bytes) -> etree._Element:
    """The document's root element, or Refused as PHP refuses a document it cannot read."""
    try:
        return xmlsafe.parse(body, MAX_ENVELOPE)
    except xmlsafe.Unreadable as exc:
        dtd = exc.reason is xmlsafe.Reason.DTD
        raise Refused(faults.DTD_REFUSED if dtd else faults.BAD_REQUEST) from None


def locate(envelope: etree._Element) -> tuple[etree._Element | None, etree._Element]:
    """(Header or None, the call: the Body's first element), or Refused with PHP's fault.

    As PHP's SoapServer reads a SOAP 1.1 envelope: an optional Header as the first element,
    then the Body as the next one; whatever follows the Body is ignored."""
    if envelope.tag != ENVELOPE:
        raise Refused(faults.WRONG_VERSION)
    children = envelope.iterchildren(tag=etree.Element)
    header = body = None
    child = next(children, None)
    if child is not None and child.tag == HEADER:
        header, child = child, next(children, None)
    if child is not None and child.tag == BODY:
        body = child
    if body is None:
        raise Refused(faults.NO_BODY)
    call = next(body.iterchildren(tag=etree.Element), None)
    if call is None:
        raise Refused(faults.NO_CALL)
    if len(call) > MAX_CHILDREN:
        raise Refused(faults.BAD_REQUEST)
    return header, call
