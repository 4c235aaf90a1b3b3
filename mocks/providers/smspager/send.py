"""send.xml: send, or only check, a mailing (000, "ОТПРАВКА СМС")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sms_mocks.core.gateway import Item, Refusal, Rejected, SendRefused, SendRequest
from sms_mocks.core.messages import ERR_BAD_NUMBER, ERR_NO_ROUTE
from sms_mocks.core.money import ZERO, php_float
from sms_mocks.core.phones import parse
from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager.endpoint import DATETIME, Call
from sms_mocks.providers.smspager.xmlio import PagerError

MAX_SMSID = 21
# Numbers refused for their format never count as receivers (000: 74957271122 "не попадет в
# ALL_RECIEVERS"); numbers refused for other reasons count, as not sent.
_NOT_RECEIVERS = frozenset({ERR_BAD_NUMBER, ERR_NO_ROUTE})


def _recipients(call: Call) -> tuple[str | None, list[Item]]:
    text = call.field("text")
    main: list[str] = []
    items: list[Item] = []
    for child in call.root:
        if not isinstance(child.tag, str) or child.tag.lower() != "to":
            continue
        phone = (child.get("number") or "").strip()
        if not phone:
            continue
        alternative = (child.text or "").strip()
        if alternative:
            items.append(Item([phone], alternative))
        else:
            main.append(phone)
    if main:
        if not text:
            raise PagerError(codes.MISSING)
        items.insert(0, Item(main, text))
    if not items:
        raise PagerError(codes.MISSING)
    return text, items


def _send_at(call: Call) -> float | None:
    value = call.field("datetime")
    if not value:
        return None
    try:
        at = datetime.strptime(value, DATETIME).replace(tzinfo=call.local_zone()).timestamp()
    except (ValueError, OverflowError):
        raise PagerError(codes.BAD_DATETIME) from None
    if not 0 <= at <= 253402300799:
        raise PagerError(codes.BAD_DATETIME)
    return at


def _validity(call: Call) -> float | None:
    value = call.field("vp")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) == 0:
        raise PagerError(codes.MISSING)
    return float(int(value))


def _request(call: Call) -> SendRequest:
    smsid = call.field("smsid")
    if smsid is not None and len(smsid) > MAX_SMSID:
        raise PagerError(codes.SMSID_TOO_LONG)
    _, items = _recipients(call)
    source = call.field("source")
    for item in items:
        item.sender = source or None
    return SendRequest(
        items=items, ext_id=smsid or None, send_at=_send_at(call),
        valid_seconds=_validity(call), pay_on_delivery=call.field("onlydelivery") == "1",
        id_from_batch=True,
    )


def _price_of_one(call: Call, phones: list[str]) -> Decimal:
    for phone in phones:
        info = parse(phone).info
        if info is not None:
            return call.account.tariff.price(info)
    return call.account.tariff.price(None)


def send(call: Call) -> bytes:
    """Send (action=send, the default) or only price (action=check) a mailing."""
    action = (call.field("action") or "send").lower()
    if action not in ("send", "check"):
        raise PagerError(codes.MISSING)
    request = _request(call)
    gateway = call.gateway
    when = call.local_time(max(request.send_at or 0.0, gateway.now()))
    try:
        result = gateway.send(call.account, request, dry_run=action == "check")
    except SendRefused as refused:
        if refused.reason in (Refusal.SENDER_UNKNOWN, Refusal.SENDER_NOT_MODERATED):
            raise PagerError(codes.BAD_SOURCE) from None
        if refused.reason is Refusal.ACCOUNT_BLOCKED:
            raise PagerError(codes.AUTH) from None
        # Nothing can go (no money, or every number refused): still a processed request.
        return _nothing_sent(call, request, when, action, refused.ext_id,
                             refused.accepted, refused.rejected)
    if action == "check" and not gateway.ledger.can_pay(call.account, result.cost):
        # A check answers what the send would: with too little money, nothing goes.
        return _nothing_sent(call, request, when, action, result.ext_id, result.accepted,
                             result.rejected)
    sent = result.accepted
    refused_count = _receivers(result.rejected)
    if result.messages:  # what one SMS cost the first number
        first = result.messages[0]
        price = first.cost / first.parts if first.parts else ZERO
    else:
        price = _price_of_one(call, [p for item in request.items for p in item.phones])
    smsid = result.ext_id or request.ext_id or ""
    fields = _fields(smsid, when, action, sent + refused_count, sent, refused_count,
                     result.cost, result.parts, price)
    if sent and smsid:
        call.ids = (smsid,)
    return xmlio.answer(codes.OK, fields)


def _nothing_sent(call: Call, request: SendRequest, when: str, action: str,
                  smsid: str | None, accepted: int, rejected: list[Rejected]) -> bytes:
    call.nothing_sent = True
    receivers = accepted + _receivers(rejected)
    price = _price_of_one(call, [p for item in request.items for p in item.phones])
    fields = _fields(smsid or request.ext_id or "", when, action, receivers, 0, receivers,
                     ZERO, 0, price)
    return xmlio.answer(codes.OK, fields)


def _receivers(rejected: list[Rejected]) -> int:
    return sum(1 for r in rejected if r.err not in _NOT_RECEIVERS)


def _fields(smsid: str, when: str, action: str, all_receivers: int, sent: int, not_sent: int,
            cost: Decimal, parts: int, price: Decimal) -> list[xmlio.Field]:
    return [
        ("smsid", smsid),
        ("datetime", when),
        ("action", action),
        ("allRecivers", all_receivers),
        ("colSendAbonent", sent),
        ("colNonSendAbonent", not_sent),
        ("priceOfSending", php_float(cost)),
        ("colsmsOfSending", parts),
        ("price", php_float(price)),
    ]
