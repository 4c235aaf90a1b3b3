"""TargetSMS's requests as understood, and their error texts explained in the API's own
names: sendsms.php's parameters (user, pwd, sadr, dadr, text, link, smsid), and the JSON and
XML APIs' fields (security login and password, type, message sender and text, abonent phone,
get_state)."""

from __future__ import annotations

import json
from typing import Any

from sms_mocks.asgi import xmlsafe
from sms_mocks.asgi.http import BODY_SECONDS
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway, Item, SendRequest
from sms_mocks.core.messages import ERR_BAD_NUMBER, ERR_NO_ROUTE, ERR_NUMBER_FORBIDDEN
from sms_mocks.core.phones import PhoneProblem, parse
from sms_mocks.providers.targetsms import json_api, requests, texts
from sms_mocks.providers.targetsms.documents import (
    MAX_DOCUMENT,
    MAX_ROWS,
    SEND,
    Abonent,
    DocumentError,
    MessageSpec,
    Request,
    plan,
)
from sms_mocks.providers.targetsms.endpoint import (
    MAX_BODY,
    PROVIDER,
    TOO_LARGE_OUTCOME,
    TargetError,
)
from sms_mocks.providers.targetsms.send import LINK
from sms_mocks.seam.exchange import Reading, Record
from sms_mocks.seam.refusals import Words, recipient, replay

WORDS = Words(phone="dadr", sender="sadr", text="text")


def read(record: Record, gateway: Gateway) -> Reading:
    """A request no endpoint described (a fault rule took it first), read from the bytes the
    journal kept: the first and only reading of it."""
    scope = {"query_string": record.query, "method": record.method,
             "headers": [(b"content-type", record.content_type)]}
    reading = requests.read(record.path, scope, record.body)
    if reading.login:
        reading.account = gateway.accounts.get(PROVIDER, reading.login)
    return reading


def explain_record(record: Record, reading: Reading, gateway: Gateway) -> str | None:
    """Why a request was refused, or why some of a document's abonents were."""
    if reading.endpoint.startswith("sendsms.php"):
        if not isinstance(reading.code, str):
            return None
        return explain(reading.code, reading.params, reading.account, gateway)
    is_json = record.path == json_api.PATH
    request = reading.request
    if isinstance(request, tuple):  # a send some abonents of which were refused
        document, rows = request
        if reading.account is None:
            return None
        return _refused_rows(rows, document, reading.account, gateway)
    if not isinstance(reading.code, str):
        return None
    problem = request if isinstance(request, DocumentError) else None
    document = request if isinstance(request, Request) else None
    return _document_error(reading.code, record, is_json, document, problem, reading.account)


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
    if answer == TOO_LARGE_OUTCOME:
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


def _sender_problem(answer: str, field: str, sender: str, account: Account) -> str | None:
    """The sender sentences, explained in the words of the API's own field (sadr, sender)."""
    if answer == texts.NO_SENDER:
        return f"missing {field}"
    if answer == texts.SENDER_TOO_LONG:
        return f"{field} '{sender}' is {len(sender)} characters: at most 15 for digits, 11 " \
               "with letters"
    if answer == texts.UNKNOWN_SENDER:
        return f"{field} '{sender}' is not registered for this account"
    if answer == texts.SENDER_NOT_MODERATED:
        state = account.sender_state(sender)
        return f"{field} '{sender}' is not approved yet (it is " \
               f"{state.value if state else 'gone'})"
    return None


def _send(answer: str, p: dict[str, str], account: Account, gateway: Gateway) -> str | None:
    sender = p.get("sadr", "").strip()
    text = p.get("text", "")
    numbers = [n.strip() for n in p.get("dadr", "").split(",") if n.strip()]
    simple = {texts.NO_TEXT: "missing text",
              texts.NO_LINK: f"text has {LINK} but link is missing"}
    if answer in simple:
        return simple[answer]
    about_sender = _sender_problem(answer, "sadr", sender, account)
    if about_sender is not None:
        return about_sender
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


def _number_problem(raw: str, account: Account, words: Words = WORDS) -> str | None:
    phone = parse(raw)
    if phone.problem is PhoneProblem.FORMAT:
        return recipient(raw, ERR_BAD_NUMBER, account, words)
    if phone.problem is not None or phone.info is None:
        return recipient(raw, ERR_NO_ROUTE, account, words)
    if phone.digits in account.stop_list or account.closes(phone.info):
        return recipient(raw, ERR_NUMBER_FORBIDDEN, account, words)
    return None


# -- the JSON API and the XML gate ----------------------------------------------------------

DOCUMENT_WORDS = Words(phone="phone", sender="sender", text="text")
_TYPES = "sms, state or balance"
_JSON_NAMES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}
_SHOWN_ROWS = 3  # refused abonents explained one by one; the rest are counted


def _document_error(error: str, record: Record, is_json: bool, request: Request | None,
                    problem: DocumentError | None, account: Account | None) -> str | None:
    if error == texts.NO_POST:
        return f"the body is empty ({record.method} without a document)"
    if error == texts.BAD_DOCUMENT:
        return _bad_document(record, is_json, request, problem)
    if request is None:
        return None
    if error == texts.WRONG_LOGIN:
        login = request.login
        if login is None:
            return ("missing security login and password" if not is_json else
                    "missing security (login, password), and no account has the Bearer token "
                    "if one was sent (the journal does not keep headers)")
        if account is None:
            return f"no account with login '{login}'"
        if request.password is None:
            return "missing security password"
        return f"wrong password for login '{login}'" \
            if account.password != request.password else None
    if error == texts.ACCOUNT_BLOCKED and account is not None:
        return f"account '{account.login}' is blocked"
    return None


def _bad_document(record: Record, is_json: bool, request: Request | None,
                  problem: DocumentError | None) -> str | None:
    if record.body_size > MAX_DOCUMENT:
        return (f"the body is over {MAX_DOCUMENT} bytes (or took over {BODY_SECONDS:g} s to "
                "arrive)")
    if record.body_size > len(record.body):
        return None  # what the journal kept is cut short: it cannot be parsed again
    if problem is not None:
        return _json_problem(record.body) if is_json else _xml_problem(record.body)
    if request is not None and request.size() > MAX_ROWS:
        return f"more than {MAX_ROWS} abonents and ids in one document"
    if is_json and request is not None:
        return f"type must be {_TYPES} (got {request.command!r})" if request.command \
            is not None else f"missing type ({_TYPES})"
    return None


def _json_problem(body: bytes) -> str:
    if body.startswith(json_api.BOM):
        body = body[len(json_api.BOM):]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the body is not UTF-8 (byte {exc.start})"
    try:
        data: Any = json.loads(text, parse_constant=json_api.refuse_constant,
                               parse_int=json_api.big_int)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        return "not JSON the service reads: nested too deeply"
    except ValueError as exc:  # NaN or Infinity
        return f"not JSON: {exc}"[:200]
    if not isinstance(data, dict):
        return f"the body is a JSON {_JSON_NAMES.get(type(data), 'value')}, not an object"
    return "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which UTF-8 cannot carry"


_XML_REASONS = {
    xmlsafe.Reason.TOO_LARGE: f"the document is over {MAX_DOCUMENT} bytes",
    xmlsafe.Reason.DTD: "the document has a DOCTYPE or an entity declaration (never read)",
    xmlsafe.Reason.ENCODING: "the bytes are not in the encoding the document declares "
                             "(UTF-8 when it declares none)",
    xmlsafe.Reason.MALFORMED: "not well-formed XML",
}


def _xml_problem(body: bytes) -> str | None:
    try:
        root = xmlsafe.parse(body, MAX_DOCUMENT)
    except xmlsafe.Unreadable as exc:
        return _XML_REASONS[exc.reason]
    return f"the root element is <{root.tag}>, not <request>" if isinstance(root.tag, str) \
        else None


def _refused_rows(rows: list[tuple[str, str]], request: Request, account: Account,
                  gateway: Gateway) -> str | None:
    """Why each refused abonent was refused (rows are the abonents, in order)."""
    abonents = [(spec, abonent) for spec in request.messages for abonent in spec.abonents]
    reasons = []
    for (number, action), (spec, abonent) in zip(rows, abonents, strict=False):
        if action == SEND:
            continue
        why = _abonent_problem(action, spec, abonent, account, gateway)
        if why is not None:
            reasons.append(f"number_sms {number}: {why}" if number else why)
    if not reasons:
        return None
    more = len(reasons) - _SHOWN_ROWS
    return "; ".join(reasons[:_SHOWN_ROWS]) + (f" (and {more} more)" if more > 0 else "")


def _abonent_problem(action: str, spec: MessageSpec, abonent: Abonent, account: Account,
                     gateway: Gateway) -> str | None:
    sender = (spec.sender or "").strip()
    phone = (abonent.phone or "").strip()
    simple = {
        texts.NO_TEXT: "missing text",
        texts.NO_LINK: "a wappush message needs its url",
        texts.NO_VCARD: "a vcard message needs name and at least one more field of the card",
    }
    if action in simple:
        return simple[action]
    about_sender = _sender_problem(action, "sender", sender, account)
    if about_sender is not None:
        return about_sender
    if action == texts.NUMBER_TOO_LONG:
        return f"phone '{phone}' is {len(phone)} characters: at most 14"
    if not phone:
        return "missing phone"
    refused = _number_problem(phone, account, DOCUMENT_WORDS)
    if refused is not None:
        return refused
    try:
        request = plan(account, spec, abonent, gateway.now())
    except TargetError:
        return None
    return replay(gateway, account, request, DOCUMENT_WORDS)

