"""Status by smsid, plain or detailed (001, 3 and 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import phpserialize

from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.core.messages import Message
from sms_mocks.providers.targetsms import texts
from sms_mocks.providers.targetsms.endpoint import PROVIDER, Call, TargetError

MOSCOW = timezone(timedelta(hours=3))


def _message(call: Call) -> Message:
    message = find(call.gateway, call.account, call.params.get("smsid", ""))
    if message is None:
        raise TargetError(texts.NOT_FOUND)
    return message


def changed_at(message: Message, state: str) -> str:
    """When the status last changed, Moscow time; empty while it is "send" (001, 4; the XML
    gate's state.php says the same of its `time`)."""
    if state == texts.SEND:
        return ""
    return datetime.fromtimestamp(int(message.state_at), UTC).astimezone(MOSCOW).strftime(
        "%Y-%m-%d %H:%M:%S")


def find(gateway: Gateway, account: Account, raw: str) -> Message | None:
    """The account's TargetSMS message with this id (digits, as sent), else None."""
    raw = raw.strip()
    plain = raw.isascii() and raw.isdigit() and len(raw) < 19
    message = gateway.store.get(int(raw)) if plain else None
    if message is None or message.account is not account or message.provider != PROVIDER:
        return None
    return message


def detail(message: Message) -> str:
    """PHP serialize() of the document's array, keys in its order; the time of change is empty
    while the status is "send"."""
    state = texts.status(message)
    changed = changed_at(message, state)
    price = float(message.cost / message.parts) if message.parts else 0.0
    array = {"id_sms": message.id, "time_change_state": changed, "state_sms": state,
             "num_parts": message.parts, "price": price}
    serialized: bytes = phpserialize.dumps(array)  # phpserialize is untyped
    return serialized.decode("utf-8")


def status(call: Call) -> str:
    """The status word, or with detail=1 the serialized array."""
    message = _message(call)
    call.gateway.polled(message)
    if call.params.get("detail") == "1":
        return detail(message)
    return texts.status(message)
