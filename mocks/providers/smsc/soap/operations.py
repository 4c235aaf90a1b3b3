"""The seven operations, on the same steps as the HTTP commands: a message sent here is seen
by status.php, limits are counted together, and errors carry the HTTP API's codes in-band in
<error>, as the live service answers (FACTS A.2; 003's error tables)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sms_mocks.asgi.http import decode_pairs, form_pairs
from sms_mocks.core.gateway import Gateway, SendResult
from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import Call, SmscError, perform, php_int
from sms_mocks.providers.smsc.send import cost_mode_of, submit
from sms_mocks.providers.smsc.soap.interface import TYPES, Handler, Operation
from sms_mocks.providers.smsc.status import message_fields
from sms_mocks.seam.exchange import Reading

# get_status's error 3 (003: "Повідомлення не знайдене"); status.php answers status -3 instead.
MESSAGE_NOT_FOUND = 3
_STATUS_FIELDS = [m.name for m in TYPES["StatusResponseType"]]

Result = dict[str, Any]


class OperationFailed(Exception):
    """An operation raised: a bug of ours, which the endpoint counts."""


@dataclass(slots=True)
class Caller:
    """Who is calling, through which core, and the request's elements the WSDL does not
    declare but 003 documents for every operation (apikey)."""

    gateway: Gateway
    client: str
    extra: dict[str, str] = field(default_factory=dict)
    fault: int | None = None  # a fault rule's error: answered in-band, nothing else is run
    reading: Reading | None = None  # the request's, which the call fills in (seam/exchange.py)


def params_of(caller: Caller, fields: dict[str, str | None]) -> dict[str, str]:
    """The HTTP-style parameters of a call: `query` ("valid=01:00&maxsms=3") first, then the
    non-empty elements, which win over a query naming the same parameter (an empty <all/> from
    a client that sends every key leaves the query's all=2 alone). Everything is UTF-8 (003)."""
    params: dict[str, str] = {}
    query = fields.get("query")
    if query:
        params.update(decode_pairs(form_pairs(query.encode("utf-8", "replace")), "utf-8"))
    params.update(caller.extra)
    params.update({k: v for k, v in fields.items() if v and k != "query"})
    return params


def _run(caller: Caller, fields: dict[str, str | None], work: Callable[[Call], Result],
         echo_id: bool = False) -> Result:
    params = params_of(caller, fields)
    reading = caller.reading
    if reading is not None:
        reading.params, reading.login = params, params.get("login") or None
    try:
        if caller.fault is not None:
            raise SmscError(caller.fault, fields.get("id") or None)
        return perform(caller.gateway, caller.client, params, formats.JSON, work, reading)
    except SmscError as exc:
        if reading is not None:  # in-band, as SOAP answers it: the code alone
            reading.refuse(f"error {exc.code}")
            reading.code = exc.code
        out: Result = {"error": str(exc.code)}
        if echo_id and exc.ext_id is not None and exc.code in codes.ECHO_ID:
            out = {"id": exc.ext_id, **out}
        return out


def _errors(call: Call, result: SendResult) -> list[dict[str, str]]:
    """send_sms2's <errors>: the refused numbers, when the query asks with err=1 or op=1."""
    if php_int(call.params.get("err")) != 1 and php_int(call.params.get("op")) != 1:
        return []
    return [{"phone": r.phone or r.raw, "status": str(codes.rejected_status(r.err))}
            for r in result.rejected]


def send_sms(caller: Caller, fields: dict[str, str | None]) -> Result:
    def work(call: Call) -> Result:
        cost_mode = cost_mode_of(call.params)
        result = submit(call, cost_mode)
        if cost_mode == 1:  # a cost query through send_sms2's query
            return {"cost": formats.money(result.cost), "cnt": str(result.parts)}
        if result.ext_id:
            call.ids = (result.ext_id,)
        out: Result = {"id": result.ext_id, "balance": formats.money(result.balance),
                       "cost": formats.money(result.cost), "cnt": str(result.parts)}
        errors = _errors(call, result)
        if errors:
            out["errors"] = errors
        return out

    return _run(caller, fields, work, echo_id=True)


def get_sms_cost(caller: Caller, fields: dict[str, str | None]) -> Result:
    def work(call: Call) -> Result:
        result = submit(call, 1)
        return {"cost": formats.money(result.cost), "cnt": str(result.parts)}

    return _run(caller, fields, work)


def get_status(caller: Caller, fields: dict[str, str | None]) -> Result:
    def work(call: Call) -> Result:
        p, gateway, account = call.params, call.gateway, call.account
        ext_id, phone = p.get("id", "").strip(), p.get("phone", "").strip()
        if not ext_id or not phone or "," in ext_id:
            raise SmscError(codes.PARAMS)
        if not gateway.allow("smsc.status_per_message", account, (account.key, ext_id, phone)):
            raise SmscError(codes.TOO_MANY)
        message = gateway.find(account, ext_id, phone)
        if message is None:
            raise SmscError(MESSAGE_NOT_FOUND)
        gateway.polled(message)
        detail = php_int(p.get("all"), 0)
        found = dict(message_fields(message, detail if detail in (0, 1, 2) else 0))
        return {name: str(found[name]) for name in _STATUS_FIELDS if name in found}

    return _run(caller, fields, work)


def get_balance(caller: Caller, fields: dict[str, str | None]) -> Result:
    def work(call: Call) -> Result:
        account = call.account
        if not call.gateway.allow("smsc.balance_requests", account, account.key):
            raise SmscError(codes.TOO_MANY)
        return {"balance": formats.money(account.balance), "error": "0"}  # 003: 0, no error

    return _run(caller, fields, work)


_HANDLERS: dict[str, Handler] = {
    "get_balance": get_balance,
    "send_sms": send_sms,
    "send_sms2": send_sms,
    "get_sms_cost": get_sms_cost,
    "get_sms_cost2": get_sms_cost,
    "get_status": get_status,
    "get_status2": get_status,
}


def handler(op: Operation) -> Handler:
    return _HANDLERS[op.name]
