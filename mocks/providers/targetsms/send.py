"""Sending: user, pwd, sadr, dadr (a comma list), text, name_delivery (001, 2)."""

from __future__ import annotations

from sms_mocks.core.accounts import Account, SenderState
from sms_mocks.core.gateway import Item, Refusal, SendRefused, SendRequest
from sms_mocks.core.phones import PhoneProblem, parse
from sms_mocks.providers.targetsms import texts
from sms_mocks.providers.targetsms.endpoint import Call, TargetError

LINK = "{link}"


def _sender(call: Call) -> str:
    return check_sender(call.account, call.params.get("sadr", ""))


def check_sender(account: Account, given: str) -> str:
    """The sender, stripped, or the text that refuses it (sendsms.php, JSON and XML alike)."""
    sender = given.strip()
    if not sender:
        raise TargetError(texts.NO_SENDER)
    if len(sender) > (15 if sender.isdigit() else 11):
        raise TargetError(texts.SENDER_TOO_LONG)
    state = account.sender_state(sender)
    if state is None:
        raise TargetError(texts.UNKNOWN_SENDER)
    if state is not SenderState.APPROVED:
        raise TargetError(texts.SENDER_NOT_MODERATED)
    return sender


def _text(call: Call) -> str:
    text = call.params.get("text", "")
    if not text.strip():
        raise TargetError(texts.NO_TEXT)
    if LINK in text:  # a text built around a link needs the link to put in
        link = call.params.get("link", "").strip()
        if not link:
            raise TargetError(texts.NO_LINK)
        text = text.replace(LINK, link)
    return text


def _numbers(call: Call) -> list[str]:
    numbers = [n.strip() for n in call.params.get("dadr", "").split(",") if n.strip()]
    if not numbers:
        raise TargetError(texts.NO_NUMBER)
    for raw in numbers:
        check_length(raw)
    return numbers


def check_length(raw: str) -> None:
    """A number is counted as sent, separators included."""
    if len(raw) >= 15:
        raise TargetError(texts.NUMBER_TOO_LONG)


def _check_numbers(call: Call, numbers: list[str]) -> None:
    """Refuse the whole request for its first undeliverable number, as the one-text answer
    can only tell one error (the core would send to the others), in TargetSMS's words."""
    for raw in numbers:
        check_number(call.account, raw)


def check_number(account: Account, raw: str) -> None:
    """The text that refuses this number for this account, if one does."""
    phone = parse(raw)
    if phone.problem is PhoneProblem.FORMAT:
        raise TargetError(texts.NO_NUMBER)
    if phone.problem is not None or phone.info is None:
        raise TargetError(texts.CLOSED)
    if phone.digits in account.stop_list:
        raise TargetError(texts.STOP_LIST)
    if account.closes(phone.info):
        raise TargetError(texts.CLOSED_FOR_YOU)


# The core's refusals of a send, in TargetSMS's words (the JSON and XML APIs use them too).
REFUSALS = {
    Refusal.ACCOUNT_BLOCKED: texts.BLOCKED,
    Refusal.SENDER_UNKNOWN: texts.UNKNOWN_SENDER,
    Refusal.SENDER_NOT_MODERATED: texts.SENDER_NOT_MODERATED,
    Refusal.TEXT_REJECTED: texts.TEXT_REJECTED,
    Refusal.NO_FUNDS: texts.NO_FUNDS,
    Refusal.NO_PACKAGE: texts.PLATFORM_OUT,
    Refusal.PACKAGE_USED_UP: texts.PACKAGE_OUT,
    Refusal.BAD_NUMBERS: texts.NO_NUMBER,
    Refusal.UNDELIVERABLE: texts.CLOSED,
}


def send(call: Call) -> str:
    """One message per number; the answer is their ids, comma-separated."""
    text = _text(call)
    numbers = _numbers(call)
    sender = _sender(call)
    _check_numbers(call, numbers)
    item = Item(numbers, text, sender, call.params.get("name_delivery", ""))
    try:
        result = call.gateway.send(call.account, SendRequest([item], id_from_batch=True))
    except SendRefused as refused:
        raise TargetError(REFUSALS[refused.reason]) from None
    return ",".join(str(m.id) for m in result.messages)
