"""An operation's result as the bytes of its SOAP answer, written as text: exactly what spyne and
protocol.py produce for it (PHP's prefixes and declaration, the members in the schema's order,
absent ones left out, lxml's escaping with non-ASCII as decimal character references), without
spyne's per-call models and tree. tests/providers/smsc/test_soap_direct.py compares the two.
"""

from __future__ import annotations

import re
from typing import Any

from sms_mocks.providers.smsc.soap import faults
from sms_mocks.providers.smsc.soap.interface import TYPES, Member, Operation

# What XML 1.0 cannot carry. A text sent as mes=a%01b over HTTP is stored as is, and must not
# break a SOAP answer that shows it: such characters read back as "?".
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What lxml escapes in text (it writes a carriage return as a reference, else it would read
# back as a newline).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def xml_text(value: str) -> str:
    return _NOT_XML.sub("?", value) if not value.isascii() or not value.isprintable() else value


def _escaped(value: str) -> str:
    value = xml_text(value)
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _members(members: list[Member], values: dict[str, Any]) -> str:
    parts = []
    for m in members:
        value = values.get(m.name)
        if value is None:
            continue
        if m.type == "string":
            parts.append(f"<{m.name}>{_escaped(value)}</{m.name}>")
        else:
            parts += [_element(m.name, _members(TYPES[m.type], row)) for row in value]
    return "".join(parts)


def _element(name: str, inner: str) -> str:
    return f"<{name}>{inner}</{name}>" if inner else f"<{name}/>"


class Writer:
    """The answers of one namespace."""

    def __init__(self, namespace: str) -> None:
        self.head = (f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{faults.SOAP_ENV}" '
                     f'xmlns:ns1="{namespace}"><SOAP-ENV:Body>')

    def answer(self, op: Operation, result: dict[str, Any]) -> bytes:
        inner = _element(op.result, _members(TYPES[op.result_type], result))
        text = (f"{self.head}<ns1:{op.response}>{inner}</ns1:{op.response}>"
                "</SOAP-ENV:Body></SOAP-ENV:Envelope>\n")
        # lxml's default output is ASCII: everything else as a decimal character reference
        return faults.DECLARATION + text.encode("ascii", "xmlcharrefreplace")
