"""The SOAP interface of smsc-soap.wsdl as data, and as spyne models built from it.

Every leaf is xsd:string and every child element is unqualified (the schema sets no
elementFormDefault), so the models give each member an empty namespace. The namespace of the
operations themselves is a setting: smsc.ru moved from http:// to https:// in 2018, and smsc.ua
serves its own (FACTS A.2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spyne import Application, ComplexModel, ServiceBase, Unicode, rpc

from mocks.providers.smsc.soap.protocol import SmscSoap11

UNBOUNDED = -1


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    min_occurs: int = 0
    max_occurs: int = 1
    type: str = "string"  # or the name of a complex type


@dataclass(frozen=True, slots=True)
class Operation:
    name: str  # get_balance
    request: str  # the body's root element: balance
    response: str  # BalanceResponse
    result: str  # its one child: balanceresult
    result_type: str  # BalanceResponseType

    @property
    def message(self) -> str:
        """The stem of the WSDL message names: BalanceIn, BalanceOut."""
        return self.response.removesuffix("Response")


def _required(*names: str) -> list[Member]:
    return [Member(n, 1) for n in names]


def _optional(*names: str) -> list[Member]:
    return [Member(n) for n in names]


_SEND = [*_required("login", "psw", "phones", "mes"), *_optional("id", "sender", "time")]
_COST = _required("login", "psw", "phones", "mes")
_STATUS = [*_required("login", "psw", "phone", "id"), *_optional("all")]

REQUESTS: dict[str, list[Member]] = {
    "balance": _required("login", "psw"),
    "send": _SEND,
    "send2": [*_SEND, *_optional("query")],
    "cost": _COST,
    "cost2": [*_COST, *_required("query")],
    "status": _STATUS,
    "status2": [*_STATUS, *_required("query")],
}

_STATUS_RESULT = _optional("status", "last_date", "last_timestamp", "err", "error", "send_date",
                           "send_timestamp", "phone", "cost", "sender_id", "status_name",
                           "message", "operator", "region")
_SEND_RESULT = _optional("id", "balance", "cost", "cnt", "error")
_COST_RESULT = _optional("cost", "cnt", "error")

# Named complex types, in the order the real schema declares them.
TYPES: dict[str, list[Member]] = {
    "BalanceResponseType": _optional("balance", "error"),
    "SendResponseType": _SEND_RESULT,
    "Error": _required("phone", "status"),
    "Send2ResponseType": [*_SEND_RESULT, Member("errors", 0, UNBOUNDED, "Error")],
    "CostResponseType": _COST_RESULT,
    "Cost2ResponseType": _COST_RESULT,
    "StatusResponseType": _STATUS_RESULT,
    "Status2ResponseType": _STATUS_RESULT,
}

OPERATIONS = (
    Operation("get_balance", "balance", "BalanceResponse", "balanceresult",
              "BalanceResponseType"),
    Operation("send_sms", "send", "SendResponse", "sendresult", "SendResponseType"),
    Operation("send_sms2", "send2", "Send2Response", "sendresult", "Send2ResponseType"),
    Operation("get_sms_cost", "cost", "CostResponse", "costresult", "CostResponseType"),
    Operation("get_sms_cost2", "cost2", "Cost2Response", "costresult", "Cost2ResponseType"),
    Operation("get_status", "status", "StatusResponse", "statusresult", "StatusResponseType"),
    Operation("get_status2", "status2", "Status2Response", "statusresult",
              "Status2ResponseType"),
)
BY_REQUEST = {op.request: op for op in OPERATIONS}

# An operation's work: the caller's context and the request's fields (None where absent) in,
# the result's fields out (a list of dicts for a repeated complex member).
Handler = Callable[[Any, dict[str, str | None]], dict[str, Any]]


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
        fields = {name: getattr(request, name, None) for name in names}
        out = work(ctx.udc, fields)
        for name, model in nested.items():
            if name in out:
                out[name] = [model(**row) for row in out[name]]
        return response(**{op.result: result(**out)})

    method.__name__ = op.name
    return method
