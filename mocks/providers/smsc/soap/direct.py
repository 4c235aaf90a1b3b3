"""The direct path: a call answered without spyne's per-call work, which costs five times the
operation itself (a method context copied, models built, a tree written and read back).

It reads only what it can read exactly as spyne would: a known call element without attributes
whose members are plain text leaves, matched by local name (qualified or not, the last of a
repeated one winning, an empty one ""; other elements skipped), and writes the answer as
answer.py does. Anything else (an unknown operation, xsi:nil or xsi:type, an attribute on the
call, a member with children) it does not guess at: it hands the envelope to spyne, which still
defines the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smsc.soap import faults
from sms_mocks.providers.smsc.soap.answer import Writer
from sms_mocks.providers.smsc.soap.envelope import Refused, locate, parse
from sms_mocks.providers.smsc.soap.interface import OPERATIONS, REQUESTS, Handler, Operation
from sms_mocks.providers.smsc.soap.operations import Caller, OperationFailed, handler
from sms_mocks.seam.exchange import Reading


@dataclass(frozen=True, slots=True)
class _Route:
    op: Operation
    work: Handler
    names: tuple[str, ...]  # the request's members, in the schema's order


Call = tuple[_Route, dict[str, str | None], dict[str, str]]


class Direct:
    """The seven operations of one namespace."""

    def __init__(self, namespace: str) -> None:
        # The handlers are looked up now, as models.build does, so both paths run the same ones.
        self.routes = {f"{{{namespace}}}{op.request}": _Route(
            op, handler(op), tuple(m.name for m in REQUESTS[op.request])) for op in OPERATIONS}
        self.writer = Writer(namespace)

    def read(self, body: bytes, envelope: etree._Element | None = None) -> Call | None:
        """The call's route, its fields and its undeclared apikey; None when spyne must read it;
        Refused when the envelope gets a fault. `envelope`: the body, parsed already."""
        _, call = locate(parse(body) if envelope is None else envelope)
        route = self.routes.get(call.tag) if isinstance(call.tag, str) else None
        if route is None or call.attrib:
            return None
        fields: dict[str, str | None] = dict.fromkeys(route.names)
        extra: dict[str, str] = {}
        for child in call:
            tag = child.tag
            if not isinstance(tag, str):
                return None
            name = tag.rpartition("}")[2]
            if name in fields:
                if child.attrib or len(child):
                    return None
                fields[name] = child.text or ""
            elif name == "apikey" and not extra:  # 003 documents it, the WSDL does not
                extra["apikey"] = (child.text or "").strip()
            # any other element is not the WSDL's: spyne skips it, and so do we
        return route, fields, extra

    def call(self, gateway: Gateway, client: str, body: bytes, fault: int | None = None,
             reading: Reading | None = None) -> bytes | faults.Fault | None:
        """The answer's bytes, or a fault; None: not recognised, nothing was run. `reading`
        gets the operation, its parameters and its outcome."""
        envelope = reading.request if reading is not None else None
        try:
            found = self.read(body, envelope if isinstance(envelope, etree._Element) else None)
        except Refused as exc:
            return exc.fault
        if found is None:
            return None
        route, fields, extra = found
        if reading is not None:
            reading.endpoint = route.op.name
        try:
            result = route.work(Caller(gateway, client, extra, fault, reading), fields)
            return self.writer.answer(route.op, result)
        except Exception as error:  # a bug of ours, as spyne reports it: the endpoint counts it
            # (a name of its own: compiled, `exc` would keep the type of the first except's)
            raise OperationFailed(repr(error)) from error
