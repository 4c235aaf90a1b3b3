"""SOAP faults as PHP's SoapServer (what answers at smsc.ru/sys/soap.php) writes them: the codes,
strings and bytes below were taken from a PHP 8.2 SoapServer serving smsc-soap.wsdl."""

from __future__ import annotations

from xml.sax.saxutils import escape

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

Fault = tuple[str, str]  # faultcode (without its prefix), faultstring

BAD_REQUEST: Fault = ("Client", "Bad Request")
DTD_REFUSED: Fault = ("Server", "DTD are not supported by SOAP")
WRONG_VERSION: Fault = ("VersionMismatch", "Wrong Version")
NO_CALL: Fault = ("Client", 'looks like we got "Body" without function call')
NO_BODY: Fault = ("Client", "Body must be present in a SOAP envelope")
NO_POST_DATA: Fault = ("Server", "Bad Request. Can't find HTTP_RAW_POST_DATA")
INTERNAL: Fault = ("Server", "Internal Server Error")


def not_present(name: str) -> Fault:
    return "Server", f"Procedure '{name}' not present"


def envelope(fault: Fault) -> bytes:
    code, text = fault
    return (DECLARATION + f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP_ENV}"><SOAP-ENV:Body>'
            f"<SOAP-ENV:Fault><faultcode>SOAP-ENV:{code}</faultcode><faultstring>"
            f"{escape(text)}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body>"
            "</SOAP-ENV:Envelope>\n".encode())
