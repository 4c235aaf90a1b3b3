"""SOAP 1.1 as PHP's SoapServer speaks it, which is what answers at smsc.ru/sys/soap.php.

spyne's Soap11 decodes the call and encodes the result; this subclass reads the envelope as
envelope.py does (the project's safe XML parser; what PHP refuses, with PHP's faults), and writes
the prefixes (SOAP-ENV, ns1) and the declaration PHP writes, so answers match the live bytes.
Most calls never get here: direct.py answers them, byte for byte the same, and hands spyne only
what it does not recognise.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from spyne.error import Fault as SpyneFault
from spyne.protocol.soap import Soap11

from sms_mocks.providers.smsc.soap import faults
from sms_mocks.providers.smsc.soap.envelope import BODY, ENVELOPE, Refused, locate, parse

_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


class PhpFault(SpyneFault):  # type: ignore[misc]  # spyne is untyped: its classes are Any
    def __init__(self, fault: faults.Fault) -> None:
        super().__init__(faultcode=fault[0], faultstring=fault[1])
        self.fault = fault


class SmscSoap11(Soap11):  # type: ignore[misc]  # spyne is untyped: its classes are Any
    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        body = b"".join(ctx.in_string)
        try:
            root = parse(body)
        except Refused as exc:
            raise PhpFault(exc.fault) from None
        if b"type" in body:
            # Every leaf is a string: an xsi:type would make spyne read a field as some other
            # model (an Error where a phone is due), which no command expects.
            for element in root.iter(etree.Element):
                element.attrib.pop(_XSI_TYPE, None)
        ctx.in_document = root

    def decompose_incoming_envelope(self, ctx: Any, message: Any = None) -> None:
        try:
            header, call = locate(ctx.in_document)
        except Refused as exc:
            raise PhpFault(exc.fault) from None
        for child in call:
            # spyne reads an unqualified attribute named like a member (<phones mes="x">) as
            # that member and crashes on it; PHP ignores such attributes, and so do we.
            for name in [n for n in child.attrib if not n.startswith("{")]:
                del child.attrib[name]
        ctx.in_header_doc = header
        ctx.in_body_doc = call
        ctx.method_request_string = call.tag

    def serialize(self, ctx: Any, message: Any) -> None:
        super().serialize(ctx, message)
        envelope = etree.Element(ENVELOPE, nsmap={"SOAP-ENV": faults.SOAP_ENV,
                                                  "ns1": self.app.tns})
        etree.SubElement(envelope, BODY).extend(ctx.out_document[0])
        ctx.out_document = envelope

    def create_out_string(self, ctx: Any, charset: str | None = None) -> None:
        ctx.out_string = [faults.DECLARATION + etree.tostring(ctx.out_document) + b"\n"]
