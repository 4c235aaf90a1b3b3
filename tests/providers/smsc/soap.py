"""Helpers for the SOAP tests: raw envelopes as clients write them, and the golden WSDL."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

ROOT = Path(__file__).parents[3]
GOLDEN_WSDL = ROOT / "fixtures" / "golden" / "smsc" / "smsc-soap.wsdl"
NS = "http://smsc.ru/sys/soap.php"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}"'}


def envelope(operation: str, fields: dict[str, str], *, qualified: bool = False,
             namespace: str = NS) -> bytes:
    """A call as zeep writes it (unqualified children), or with every child qualified."""
    prefix = "ns0:" if qualified else ""
    children = "".join(f"<{prefix}{k}>{escape(v)}</{prefix}{k}>" for k, v in fields.items())
    return (f'<soap-env:Envelope xmlns:soap-env="{ENV}"><soap-env:Body>'
            f'<ns0:{operation} xmlns:ns0="{namespace}">{children}</ns0:{operation}>'
            "</soap-env:Body></soap-env:Envelope>").encode()


def canonical(document: bytes) -> bytes:
    """A WSDL with formatting gone, so two equal documents compare equal byte for byte."""
    parser = etree.XMLParser(remove_blank_text=True, remove_comments=True)
    return etree.tostring(etree.fromstring(document, parser), method="c14n")


def golden_wsdl(address: str, namespace: str = NS) -> bytes:
    """The real WSDL, its port moved to `address` and its namespace swapped for `namespace`."""
    text = GOLDEN_WSDL.read_bytes().decode("utf-8")
    text = text.replace('location="http://smsc.ru/sys/soap.php"', f'location="{address}"')
    return text.replace(NS, namespace).encode("utf-8")


def fault(code: str, text: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV='
            f'"{ENV}"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:{code}</faultcode>'
            f"<faultstring>{escape(text)}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body>"
            "</SOAP-ENV:Envelope>\n").encode()
