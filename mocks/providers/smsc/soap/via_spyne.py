"""One namespace's SOAP service through spyne: an envelope in, the answer's bytes (or a fault)
out. The dispatcher sends here only what the direct path (direct.py) does not recognise."""

from __future__ import annotations

from typing import Any

from spyne import MethodContext
from spyne.error import ResourceNotFoundError
from spyne.server import ServerBase

from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smsc.soap import faults, models, operations
from sms_mocks.providers.smsc.soap.protocol import PhpFault
from sms_mocks.seam.exchange import Reading


class SpyneDispatcher:
    def __init__(self, namespace: str) -> None:
        self.server = ServerBase(models.build(namespace, operations.handler))

    def call(self, gateway: Gateway, client: str, body: bytes,
             fault: int | None = None, reading: Reading | None = None) -> bytes | faults.Fault:
        server = self.server
        ctx = MethodContext(server, MethodContext.SERVER)
        ctx.in_string = [body]
        ctx = server.generate_contexts(ctx)[0]
        if ctx.in_error is not None:
            return _refusal(ctx)
        ctx.udc = operations.Caller(gateway, client, _undeclared(ctx.in_body_doc), fault,
                                    reading)
        server.get_in_object(ctx)
        if ctx.in_error is not None:
            return _refusal(ctx)
        if reading is not None and ctx.descriptor is not None:
            reading.endpoint = ctx.descriptor.name
        server.get_out_object(ctx)
        if ctx.out_error is not None:  # spyne caught it; the endpoint counts it
            raise operations.OperationFailed(repr(ctx.out_error))
        server.get_out_string(ctx)
        return b"".join(ctx.out_string)


def _undeclared(call: Any) -> dict[str, str]:
    """apikey: 003 documents it for every operation, though the WSDL declares no element."""
    for child in call:
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "apikey":
            return {"apikey": (child.text or "").strip()}
    return {}


def _refusal(ctx: Any) -> faults.Fault:
    error = ctx.in_error
    if isinstance(error, PhpFault):
        return error.fault
    if isinstance(error, ResourceNotFoundError) and ctx.in_body_doc is not None:
        return faults.not_present(str(ctx.in_body_doc.tag).rsplit("}", 1)[-1])
    return faults.BAD_REQUEST
