"""report.xml: the list of mailings in a period, or the detail of one (000, "ПРОВЕРКА
СТАТУСА")."""

from __future__ import annotations

from datetime import datetime, timedelta

from sms_mocks.core.messages import Message
from sms_mocks.core.money import php_float
from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager.endpoint import DATETIME, Call
from sms_mocks.providers.smspager.mailings import (
    ALWAYS_SHOWN,
    DETAIL_ORDER,
    Mailing,
    detail,
    mailings,
)
from sms_mocks.providers.smspager.xmlio import PagerError

_DATE_FORMATS = (DATETIME, "%Y-%m-%d")


def _sms_block(call: Call, mailing: Mailing) -> str:
    first = mailing.first
    fields = [
        ("smsid", mailing.batch),
        ("datetime", call.local_time(first.send_at)),
        ("text", first.text),
        ("source", first.sender),
        ("allCol", len(mailing.messages)),
        ("deliveredCol", mailing.count("delivered")),
        ("notDeliveredCol", mailing.count("notDelivered")),
        ("waitingCol", mailing.count("waiting")),
        ("enqueuedCol", mailing.count("enqueued")),
        ("payment", php_float(mailing.payment())),
    ]
    return "<sms>\n" + "".join(xmlio.element(k, v) for k, v in fields) + "</sms>\n"


_ZERO_DATES = frozenset(("0000-00-00", "0000-00-00 00:00:00"))


def _bound(call: Call, name: str, *, end: bool) -> float | None:
    value = call.field(name)
    if not value or value in _ZERO_DATES:
        return None  # the platform's own Transport class sends MySQL's zero date for "not given"
    for fmt in _DATE_FORMATS:
        try:
            moment = datetime.strptime(value, fmt).replace(tzinfo=call.local_zone())
        except ValueError:
            continue
        if end and fmt == "%Y-%m-%d":
            moment += timedelta(days=1)  # a stop date includes that whole day
        return moment.timestamp()
    raise PagerError(codes.BAD_DATETIME)


def report(call: Call) -> bytes:
    """Detail of one mailing when <smsid> is given, else every mailing from start to stop."""
    smsid = call.field("smsid")
    own = call.gateway.store.of_account(call.account)
    if smsid:
        return _detail(call, smsid, own)
    start = _bound(call, "start", end=False)
    stop = _bound(call, "stop", end=True)
    chosen = [m for m in mailings(own)
              if (start is None or m.first.send_at >= start)
              and (stop is None or m.first.send_at < stop)]
    for mailing in chosen:  # a listed mailing's counts read each of its messages' status
        for message in mailing.messages:
            call.gateway.polled(message)
    return xmlio.answer(codes.OK, tail="".join(_sms_block(call, m) for m in chosen))


def _detail(call: Call, smsid: str, own: list[Message]) -> bytes:
    """A system smsid (a mailing's number) shows its <sms> block too; a client smsid gathers
    every mailing sent under it, without the block, as the document describes."""
    system = [m for m in mailings(own) if str(m.batch) == smsid]
    if system:
        chosen = system[0].messages
    else:
        chosen = [m for mailing in mailings(own) for m in mailing.messages if m.ext_id == smsid]
    for message in chosen:  # each reported message's status was read
        call.gateway.polled(message)
    head = _sms_block(call, system[0]) if system else ""
    groups = detail(chosen)
    blocks = "".join(xmlio.numbers_block(name, groups[name]) for name in DETAIL_ORDER
                     if name in ALWAYS_SHOWN or groups[name])
    return xmlio.answer(codes.OK, tail=head + f"<detail>\n{blocks}</detail>\n")
