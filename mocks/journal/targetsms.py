"""TargetSMS's sendsms.php requests as understood, and its error texts explained in its
parameter names (user, pwd, sadr, dadr, text, link, smsid)."""

from __future__ import annotations

import re

from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway, Item, SendRequest
from sms_mocks.core.messages import ERR_BAD_NUMBER, ERR_NO_ROUTE, ERR_NUMBER_FORBIDDEN
from sms_mocks.core.phones import PhoneProblem, parse
from sms_mocks.http import BODY_SECONDS, decode_pairs, form_pairs, is_form
from sms_mocks.journal.reading import Reading, text_of
from sms_mocks.journal.recorder import Record
from sms_mocks.journal.refusals import Words, recipient, replay
from sms_mocks.providers.targetsms import texts
from sms_mocks.providers.targetsms.endpoint import MAX_BODY, PROVIDER
from sms_mocks.providers.targetsms.send import LINK

WORDS = Words(phone="dadr", sender="sadr", text="text")
_IDS = re.compile(r"^\d+(,\d+)*$")
_ERRORS = frozenset({*texts.ALL, texts.AUTH, texts.NOT_FOUND, texts.FAILURE})
_TOO_LARGE = f"{texts.TOO_LARGE_STATUS} Request Entity Too Large"  # nginx's words


def read(record: Record, gateway: Gateway, explain_refusal: bool = True,
         labels_only: bool = False) -> Reading:
    if labels_only:  # the metrics' labels: the command and the answer, no form decoding
        return _labels(record)
    params = _params(record)
    command = "balance" if params.get("balance") == "1" else \
        "status" if "smsid" in params else "send"
    reading = Reading(PROVIDER, f"sendsms.php ({command})", params,
                      login=params.get("user") or None)
    reading.account = gateway.accounts.get(PROVIDER, params.get("user", ""))
    answer = _outcome(reading, record)
    if reading.refused:
        if explain_refusal:
            reading.explanation = explain(answer, params, reading.account, gateway)
    elif command == "send" and _IDS.match(answer):
        reading.ids = answer.split(",")
    return reading


_BALANCE = re.compile(rb"(?:^|&)balance=1(?:&|$)")
_SMSID = re.compile(rb"(?:^|&)smsid=")


def _labels(record: Record) -> Reading:
    data = record.query
    if record.method == "POST":
        data += b"&" + record.body
    command = "balance" if _BALANCE.search(data) else "status" if _SMSID.search(data) else \
        "send"
    reading = Reading(PROVIDER, f"sendsms.php ({command})")
    _outcome(reading, record)
    return reading


def _outcome(reading: Reading, record: Record) -> str:
    """The answer's text; an error text is the reading's outcome, and marks it refused."""
    answer = text_of(record.answer)
    if record.status == texts.TOO_LARGE_STATUS:  # nginx's page, not PHP's words
        reading.refused = True
        reading.outcome = _TOO_LARGE
        return _TOO_LARGE
    if answer in _ERRORS or answer.startswith("error"):
        reading.refused = True
        reading.outcome = answer
    return answer


def _params(record: Record) -> dict[str, str]:
    pairs = form_pairs(record.query)
    if record.method == "POST" and (not record.content_type or is_form(
            {"headers": [(b"content-type", record.content_type)]})):
        pairs += form_pairs(record.body)
    return decode_pairs(pairs, "utf-8")


def explain(answer: str, p: dict[str, str], account: Account | None,
            gateway: Gateway) -> str | None:
    user = p.get("user", "")
    if answer == texts.AUTH:
        if not user:
            return "missing user"
        if account is None:
            return f"no account with user '{user}'"
        if "pwd" not in p:
            return "missing pwd"
        return f"wrong pwd for user '{user}'" if account.password != p["pwd"] else None
    if answer == _TOO_LARGE:
        return f"the request is over {MAX_BODY} bytes (or took over {BODY_SECONDS:g} s to arrive)"
    if account is None:
        return None
    if answer == texts.BLOCKED:
        return f"account '{user}' is blocked"
    if answer == texts.DUPLICATE:
        rule = gateway.rule("targetsms.duplicate", account)
        return (f"the same parameters at most {rule.max} times in {rule.window:g} s "
                "(targetsms.duplicate)")
    if answer == texts.NOT_FOUND:
        return f"no message with smsid '{p.get('smsid', '')}' for this account"
    return _send(answer, p, account, gateway)


def _send(answer: str, p: dict[str, str], account: Account, gateway: Gateway) -> str | None:
    sender = p.get("sadr", "").strip()
    text = p.get("text", "")
    numbers = [n.strip() for n in p.get("dadr", "").split(",") if n.strip()]
    simple = {
        texts.NO_TEXT: "missing text",
        texts.NO_LINK: f"text has {LINK} but link is missing",
        texts.NO_SENDER: "missing sadr",
        texts.SENDER_TOO_LONG: f"sadr '{sender}' is {len(sender)} characters: at most 15 for "
                               "digits, 11 with letters",
        texts.UNKNOWN_SENDER: f"sadr '{sender}' is not registered for this account",
    }
    if answer in simple:
        return simple[answer]
    if answer == texts.SENDER_NOT_MODERATED:
        state = account.sender_state(sender)
        return f"sadr '{sender}' is not approved yet (it is {state.value if state else 'gone'})"
    if answer == texts.NUMBER_TOO_LONG:
        long = next((n for n in numbers if len(n) >= 15), "")
        return f"dadr '{long}' is {len(long)} characters: at most 14"
    if not numbers:
        return "missing dadr"
    for raw in numbers:  # the dialect refuses for the first number that cannot go
        refused = _number_problem(raw, account)
        if refused is not None:
            return refused
    text = text.replace(LINK, p.get("link", "").strip())
    request = SendRequest([Item(numbers, text, sender or None)], id_from_batch=True)
    return replay(gateway, account, request, WORDS)


def _number_problem(raw: str, account: Account) -> str | None:
    phone = parse(raw)
    if phone.problem is PhoneProblem.FORMAT:
        return recipient(raw, ERR_BAD_NUMBER, account, WORDS)
    if phone.problem is not None or phone.info is None:
        return recipient(raw, ERR_NO_ROUTE, account, WORDS)
    if phone.digits in account.stop_list or account.closes(phone.info):
        return recipient(raw, ERR_NUMBER_FORBIDDEN, account, WORDS)
    return None
