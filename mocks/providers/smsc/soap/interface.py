"""The SOAP interface of smsc-soap.wsdl as data: its operations, their request elements and
result types. The spyne models (models.py) and the WSDL (wsdl.py) are both built from it, so
they cannot disagree. Every leaf is xsd:string; child elements are unqualified (FACTS A.2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

# An operation's work: the caller's context and the request's fields (None where absent) in,
# the result's fields out (a list of dicts for a repeated complex member).
Handler = Callable[[Any, dict[str, str | None]], dict[str, Any]]
