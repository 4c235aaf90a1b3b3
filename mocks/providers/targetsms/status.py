"""Status by smsid, plain or detailed (001, 3 and 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import phpserialize

from sms_mocks.core.messages import Message
from sms_mocks.providers.targetsms import texts
from sms_mocks.providers.targetsms.endpoint import PROVIDER, Call, TargetError

MOSCOW = timezone(timedelta(hours=3))


def _message(call: Call) -> Message:
    raw = call.params.get("smsid", "").strip()
    plain = raw.isascii() and raw.isdigit() and len(raw) < 19
    message = call.gateway.store.get(int(raw)) if plain else None
    if message is None or message.account is not call.account or message.provider != PROVIDER:
        raise TargetError(texts.NOT_FOUND)
    return message


def detail(message: Message) -> str:
    """PHP serialize() of the document's array, keys in its order; the time of change is empty
    while the status is "send"."""
    state = texts.status(message)
    changed = "" if state == texts.SEND else datetime.fromtimestamp(
        int(message.state_at), UTC).astimezone(MOSCOW).strftime("%Y-%m-%d %H:%M:%S")
    price = float(message.cost / message.parts) if message.parts else 0.0
    array = {"id_sms": message.id, "time_change_state": changed, "state_sms": state,
             "num_parts": message.parts, "price": price}
    return phpserialize.dumps(array).decode("utf-8")


def status(call: Call) -> str:
    """The status word, or with detail=1 the serialized array."""
    message = _message(call)
    call.gateway.polled(message)
    if call.params.get("detail") == "1":
        return detail(message)
    return texts.status(message)
