"""TargetSMS's requests as understood, and their error texts explained in the API's own
names: sendsms.php's parameters (user, pwd, sadr, dadr, text, link, smsid), and the JSON and
XML APIs' fields (security login and password, type, message sender and text, abonent phone,
get_state)."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import unescape

from sms_mocks import xmlsafe
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway, Item, SendRequest
from sms_mocks.core.messages import ERR_BAD_NUMBER, ERR_NO_ROUTE, ERR_NUMBER_FORBIDDEN
from sms_mocks.core.phones import PhoneProblem, parse
from sms_mocks.http import BODY_SECONDS, decode_pairs, form_pairs, is_form
from sms_mocks.journal.reading import Reading, text_of
from sms_mocks.journal.recorder import Record
from sms_mocks.journal.refusals import Words, recipient, replay
from sms_mocks.providers.targetsms import json_api, texts, xml_api
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
from sms_mocks.providers.targetsms.endpoint import MAX_BODY, PROVIDER, TargetError
from sms_mocks.providers.targetsms.send import LINK

WORDS = Words(phone="dadr", sender="sadr", text="text")
_IDS = re.compile(r"^\d+(,\d+)*$")
_ERRORS = frozenset({*texts.ALL, texts.AUTH, texts.NOT_FOUND, texts.FAILURE})
_TOO_LARGE = f"{texts.TOO_LARGE_STATUS} Request Entity Too Large"  # nginx's words


def read(record: Record, gateway: Gateway, explain_refusal: bool = True,
         labels_only: bool = False) -> Reading:
    if record.path != "/sendsms.php":  # the JSON API or a script of the XML gate
        return read_document(record, gateway, explain_refusal, labels_only)
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
_JSON_ERROR = re.compile(r'^\{"error":("(?:[^"\\]|\\.)*")\}$')
_JSON_ROW = re.compile(r'\{(?:"number_sms":("(?:[^"\\]|\\.)*"),)?(?:"id_sms":"(\d+)",'
                       r'"parts":"\d+",)?"action":("(?:[^"\\]|\\.)*")\}')
_JSON_TYPE = re.compile(rb'"type"\s*:\s*"(\w+)"')
_XML_ERROR = re.compile(r"<error>(.*?)</error>", re.S)
_XML_ROW = re.compile(r"<information\b([^>]*)>(.*?)</information>", re.S)
_NUMBER_SMS = re.compile(r'\bnumber_sms="([^"]*)"')
_ID_SMS = re.compile(r'\bid_sms="(\d+)"')
_TYPES = "sms, state or balance"
_JSON_NAMES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}
_SHOWN_ROWS = 3  # refused abonents explained one by one; the rest are counted


def read_document(record: Record, gateway: Gateway, explain_refusal: bool = True,
                  labels_only: bool = False) -> Reading:
    """A sendsmsjson.php or /xml/ request: the endpoint (JSON's type, the XML script), the
    outcome from the answer (a whole-request error, or the sentence of every refused abonent
    when none went) and, unless only labels are wanted, the request and why it was refused."""
    is_json = record.path == json_api.PATH
    request: Request | None = None
    problem: DocumentError | None = None
    if record.body and (is_json or not labels_only):
        try:
            request = (json_api.parse if is_json else xml_api.parse)(record.body)
        except DocumentError as exc:
            problem = exc
    reading = Reading(PROVIDER, _endpoint(record, request))
    error, rows = _answer(record, is_json)
    if error is not None:
        reading.refused, reading.outcome = True, error
    elif rows and all(action != SEND for _, _, action in rows):
        reading.refused, reading.outcome = True, rows[0][2]
    if _command(record, request) == "sms":
        reading.ids = [sms_id for _, sms_id, action in rows if sms_id and action == SEND]
    if labels_only:
        return reading
    if request is not None:
        reading.params = request.view()
        reading.login = request.login or None
        if reading.login:
            reading.account = gateway.accounts.get(PROVIDER, reading.login)
    if explain_refusal:
        if error is not None:
            reading.explanation = _document_error(error, record, is_json, request, problem,
                                                  reading.account)
        elif request is not None and reading.account is not None:
            reading.explanation = _refused_rows(rows, request, reading.account, gateway)
    return reading


def _command(record: Record, request: Request | None) -> str | None:
    if record.path in xml_api.SCRIPTS:
        return xml_api.SCRIPTS[record.path]
    if request is not None:
        return request.command
    found = _JSON_TYPE.search(record.body)  # a body the journal kept only the start of
    return found[1].decode("ascii") if found else None


def _endpoint(record: Record, request: Request | None) -> str:
    command = _command(record, request)
    if record.path == json_api.PATH:
        return f"sendsmsjson.php ({command})" if command in json_api.COMMANDS else \
            "sendsmsjson.php"
    script = record.path.lstrip("/")
    return f"{script} (send)" if command == "sms" else script


def _answer(record: Record, is_json: bool) -> tuple[str | None, list[tuple[str, str, str]]]:
    """The whole-request error of an answer, if it is one; else its rows (number_sms, id_sms,
    action), as many as the journal kept of it."""
    answer = text_of(record.answer)
    if record.status != 200:
        return None, []
    if is_json:
        found = _JSON_ERROR.match(answer)
        if found:
            return _unquote(found[1]), []
        return None, [(_unquote(n) if n else "", sms_id or "", _unquote(action))
                      for n, sms_id, action in _JSON_ROW.findall(answer)]
    found = _XML_ERROR.search(answer)
    if found:
        return unescape(found[1]), []
    rows = []
    for attributes, action in _XML_ROW.findall(answer):
        number, sms_id = _NUMBER_SMS.search(attributes), _ID_SMS.search(attributes)
        rows.append((unescape(number[1]) if number else "", sms_id[1] if sms_id else "",
                     unescape(action)))
    return None, rows


def _unquote(quoted: str) -> str:
    try:
        value = json.loads(quoted)
    except ValueError:
        return quoted
    return value if isinstance(value, str) else quoted


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


def _refused_rows(rows: list[tuple[str, str, str]], request: Request, account: Account,
                  gateway: Gateway) -> str | None:
    """Why each refused abonent was refused (rows are the abonents, in order)."""
    abonents = [(spec, abonent) for spec in request.messages for abonent in spec.abonents]
    reasons = []
    for (number, _, action), (spec, abonent) in zip(rows, abonents, strict=False):
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
