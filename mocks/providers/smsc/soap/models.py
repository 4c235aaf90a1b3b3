"""The spyne models and service of the interface, for one namespace.

Each member gets an empty namespace, so spyne writes children unqualified as the schema says
(it sets no elementFormDefault). The namespace of the operations themselves is a setting:
smsc.ru moved from http:// to https:// in 2018, and smsc.ua serves its own (FACTS A.2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spyne import Application, ComplexModel, ServiceBase, Unicode, rpc

from sms_mocks.providers.smsc.soap.answer import xml_text
from sms_mocks.providers.smsc.soap.interface import (
    OPERATIONS,
    REQUESTS,
    TYPES,
    Handler,
    Member,
    Operation,
)
from sms_mocks.providers.smsc.soap.protocol import SmscSoap11


def _text_or_none(value: object) -> str | None:
    """A field as text: protocol.py strips xsi:type, so nothing else should arrive; if spyne
    ever hands over another object, the field counts as absent rather than crash a command."""
    return value if isinstance(value, str) else None


def _model(name: str, namespace: str, members: list[Member],
           types: dict[str, type[ComplexModel]]) -> type[ComplexModel]:
    fields = []
    for m in members:
        base = Unicode if m.type == "string" else types[m.type]
        fields.append((m.name, base.customize(min_occurs=m.min_occurs, sub_ns="",
                                              max_occurs="unbounded" if m.max_occurs < 0
                                              else m.max_occurs)))
    return type(name, (ComplexModel,), {"__namespace__": namespace, "_type_info": fields})


def build(namespace: str, handler: Callable[[Operation], Handler]) -> Application:
    """A spyne application serving the seven operations in `namespace`."""
    types: dict[str, type[ComplexModel]] = {}
    for name, members in TYPES.items():
        types[name] = _model(name, namespace, members, types)
    methods: dict[str, Any] = {}
    for op in OPERATIONS:
        request = _model(op.request, namespace, REQUESTS[op.request], types)
        response = _model(op.response, namespace, [Member(op.result, 1, 1, op.result_type)],
                          types)
        methods[op.name] = rpc(request, _body_style="bare", _returns=response,
                               _operation_name=op.name, _in_message_name=op.request,
                               _out_message_name=op.response)(
            _method(op, handler(op), response, types[op.result_type], types))
    service = type("Service", (ServiceBase,), methods)
    return Application([service], tns=namespace, name="Service",
                       in_protocol=SmscSoap11(), out_protocol=SmscSoap11())


def _method(op: Operation, work: Handler, response: type[ComplexModel],
            result: type[ComplexModel], types: dict[str, type[ComplexModel]]
            ) -> Callable[..., ComplexModel]:
    names = [m.name for m in REQUESTS[op.request]]
    nested = {m.name: types[m.type] for m in TYPES[op.result_type] if m.type != "string"}

    def method(ctx: Any, request: ComplexModel) -> ComplexModel:
        fields = {name: _text_or_none(getattr(request, name, None)) for name in names}
        out: dict[str, Any] = {}
        for key, value in work(ctx.udc, fields).items():
            model = nested.get(key)
            out[key] = xml_text(value) if model is None else [
                model(**{k: xml_text(v) for k, v in row.items()}) for row in value]
        return response(**{op.result: result(**out)})

    method.__name__ = op.name
    return method
