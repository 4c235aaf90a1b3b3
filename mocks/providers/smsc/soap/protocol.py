"""SOAP 1.1 as PHP's SoapServer speaks it, which is what answers at smsc.ru/sys/soap.php.

spyne's Soap11 decodes the call and encodes the result; this subclass reads the envelope through
the project's safe XML parser, refuses what PHP refuses with PHP's faults, and writes the
prefixes (SOAP-ENV, ns1) and the declaration PHP writes, so answers match the live bytes.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from spyne.error import Fault as SpyneFault
from spyne.protocol.soap import Soap11

from sms_mocks import xmlsafe
from sms_mocks.providers.smsc.soap import MAX_ENVELOPE, faults

_ENVELOPE = f"{{{faults.SOAP_ENV}}}Envelope"
_HEADER = f"{{{faults.SOAP_ENV}}}Header"
_BODY = f"{{{faults.SOAP_ENV}}}Body"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
# A call has at most nine children (send2); more is not a client of this WSDL, and spyne reading
# a 2 MiB envelope of repeated children would hold up every other request for most of a second.
MAX_CHILDREN = 64


class PhpFault(SpyneFault):  # type: ignore[misc]
    def __init__(self, fault: faults.Fault) -> None:
        super().__init__(faultcode=fault[0], faultstring=fault[1])
        self.fault = fault


class SmscSoap11(Soap11):  # type: ignore[misc]
    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        body = b"".join(ctx.in_string)
        try:
            root = xmlsafe.parse(body, MAX_ENVELOPE)
        except xmlsafe.Unreadable as exc:
            dtd = exc.reason is xmlsafe.Reason.DTD
            raise PhpFault(faults.DTD_REFUSED if dtd else faults.BAD_REQUEST) from None
        if b"type" in body:
            # Every leaf is a string: an xsi:type would make spyne read a field as some other
            # model (an Error where a phone is due), which no command expects.
            for element in root.iter(etree.Element):
                element.attrib.pop(_XSI_TYPE, None)
        ctx.in_document = root

    def decompose_incoming_envelope(self, ctx: Any, message: Any = None) -> None:
        envelope = ctx.in_document
        if envelope.tag != _ENVELOPE:
            raise PhpFault(faults.WRONG_VERSION)
        # As PHP's SoapServer reads a SOAP 1.1 envelope: an optional Header as the first
        # element, then the Body as the next one; whatever follows the Body is ignored.
        children = envelope.iterchildren(tag=etree.Element)
        header = body = None
        child = next(children, None)
        if child is not None and child.tag == _HEADER:
            header, child = child, next(children, None)
        if child is not None and child.tag == _BODY:
            body = child
        if body is None:
            raise PhpFault(faults.NO_BODY)
        call = next(body.iterchildren(tag=etree.Element), None)
        if call is None:
            raise PhpFault(faults.NO_CALL)
        if len(call) > MAX_CHILDREN:
            raise PhpFault(faults.BAD_REQUEST)
        ctx.in_header_doc = header
        ctx.in_body_doc = call
        ctx.method_request_string = call.tag

    def serialize(self, ctx: Any, message: Any) -> None:
        super().serialize(ctx, message)
        envelope = etree.Element(_ENVELOPE, nsmap={"SOAP-ENV": faults.SOAP_ENV,
                                                   "ns1": self.app.tns})
        etree.SubElement(envelope, _BODY).extend(ctx.out_document[0])
        ctx.out_document = envelope

    def create_out_string(self, ctx: Any, charset: str | None = None) -> None:
        ctx.out_string = [faults.DECLARATION + etree.tostring(ctx.out_document) + b"\n"]
