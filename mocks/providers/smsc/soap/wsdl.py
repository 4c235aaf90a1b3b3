"""The WSDL served at /sys/soap.php?wsdl, written from the interface in `interface`.

It reproduces smsc-soap.wsdl element for element: anonymous request and response elements,
named result types, explicit minOccurs/maxOccurs, no elementFormDefault (so children are
unqualified), message parts named "parameters", one soapAction for every operation (the
namespace), the binding and port "ServiceSoap" in the service "Service". spyne's own WSDL
differs in each of these, and clients generated from the live WSDL depend on them.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from sms_mocks.providers.smsc.soap.interface import OPERATIONS, REQUESTS, TYPES, Member, Operation

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
_OTHER_PREFIXES = {"soapenc": "http://schemas.xmlsoap.org/soap/encoding/",
                   "mime": "http://schemas.xmlsoap.org/wsdl/mime/",
                   "http": "http://schemas.xmlsoap.org/wsdl/http/"}
TRANSPORT = "http://schemas.xmlsoap.org/soap/http"


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _sequence(parent: etree._Element, members: list[Member]) -> None:
    sequence = etree.SubElement(parent, _q(XSD, "sequence"))
    for m in members:
        etree.SubElement(sequence, _q(XSD, "element"), {
            "minOccurs": str(m.min_occurs),
            "maxOccurs": "unbounded" if m.max_occurs < 0 else str(m.max_occurs),
            "name": m.name,
            "type": "xsd:string" if m.type == "string" else f"tns:{m.type}",
        })


def _element(schema: etree._Element, name: str, members: list[Member]) -> None:
    element = etree.SubElement(schema, _q(XSD, "element"), name=name)
    _sequence(etree.SubElement(element, _q(XSD, "complexType")), members)


def _complex_type(schema: etree._Element, name: str, written: set[str]) -> None:
    for m in TYPES[name]:
        if m.type != "string" and m.type not in written:
            _complex_type(schema, m.type, written)
    if name not in written:
        _sequence(etree.SubElement(schema, _q(XSD, "complexType"), name=name), TYPES[name])
        written.add(name)


def _body(parent: etree._Element) -> None:
    etree.SubElement(parent, _q(SOAP, "body"), use="literal")


def _types(root: etree._Element, namespace: str) -> None:
    schema = etree.SubElement(etree.SubElement(root, _q(WSDL, "types")), _q(XSD, "schema"),
                              targetNamespace=namespace)
    written: set[str] = set()
    for op in OPERATIONS:
        _element(schema, op.request, REQUESTS[op.request])
        _complex_type(schema, op.result_type, written)
        _element(schema, op.response, [Member(op.result, 1, 1, op.result_type)])


def _messages(root: etree._Element, op: Operation) -> None:
    for suffix, element in (("In", op.request), ("Out", op.response)):
        message = etree.SubElement(root, _q(WSDL, "message"), name=op.message + suffix)
        etree.SubElement(message, _q(WSDL, "part"), name="parameters", element=f"tns:{element}")


@lru_cache(maxsize=16)
def document(namespace: str, address: str) -> bytes:
    """The WSDL for `namespace`, its port at `address`."""
    nsmap = {"soap": SOAP, **_OTHER_PREFIXES, "tns": namespace, "xsd": XSD, "wsdl": WSDL}
    root = etree.Element(_q(WSDL, "definitions"), nsmap=nsmap, targetNamespace=namespace)
    _types(root, namespace)
    for op in OPERATIONS:
        _messages(root, op)
    port_type = etree.SubElement(root, _q(WSDL, "portType"), name="ServiceSoap")
    for op in OPERATIONS:
        operation = etree.SubElement(port_type, _q(WSDL, "operation"), name=op.name)
        etree.SubElement(operation, _q(WSDL, "input"), message=f"tns:{op.message}In")
        etree.SubElement(operation, _q(WSDL, "output"), message=f"tns:{op.message}Out")
    binding = etree.SubElement(root, _q(WSDL, "binding"), name="ServiceSoap",
                               type="tns:ServiceSoap")
    etree.SubElement(binding, _q(SOAP, "binding"), transport=TRANSPORT)
    for op in OPERATIONS:
        operation = etree.SubElement(binding, _q(WSDL, "operation"), name=op.name)
        etree.SubElement(operation, _q(SOAP, "operation"), soapAction=namespace,
                         style="document")
        _body(etree.SubElement(operation, _q(WSDL, "input")))
        _body(etree.SubElement(operation, _q(WSDL, "output")))
    service = etree.SubElement(root, _q(WSDL, "service"), name="Service")
    port = etree.SubElement(service, _q(WSDL, "port"), name="ServiceSoap",
                            binding="tns:ServiceSoap")
    etree.SubElement(port, _q(SOAP, "address"), location=address)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
