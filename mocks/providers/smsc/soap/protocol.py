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

from mocks import xmlsafe
from mocks.providers.smsc.soap import MAX_ENVELOPE, faults

_ENVELOPE = f"{{{faults.SOAP_ENV}}}Envelope"
_HEADER = f"{{{faults.SOAP_ENV}}}Header"
_BODY = f"{{{faults.SOAP_ENV}}}Body"


class PhpFault(SpyneFault):  # type: ignore[misc]
    def __init__(self, fault: faults.Fault) -> None:
        super().__init__(faultcode=fault[0], faultstring=fault[1])
        self.fault = fault


class SmscSoap11(Soap11):  # type: ignore[misc]
    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        try:
            ctx.in_document = xmlsafe.parse(b"".join(ctx.in_string), MAX_ENVELOPE)
        except xmlsafe.Unreadable as exc:
            dtd = exc.reason is xmlsafe.Reason.DTD
            raise PhpFault(faults.DTD_REFUSED if dtd else faults.BAD_REQUEST) from None

    def decompose_incoming_envelope(self, ctx: Any, message: Any = None) -> None:
        envelope = ctx.in_document
        if envelope.tag != _ENVELOPE:
            raise PhpFault(faults.WRONG_VERSION)
        header = body = None
        for child in envelope.iterchildren(tag=etree.Element):
            if child.tag == _HEADER and header is None and body is None:
                header = child
            elif child.tag == _BODY and body is None:
                body = child
            else:
                raise PhpFault(faults.BAD_REQUEST)
        if body is None:
            raise PhpFault(faults.BAD_REQUEST)
        call = next(body.iterchildren(tag=etree.Element), None)
        if call is None:
            raise PhpFault(faults.NO_CALL)
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
