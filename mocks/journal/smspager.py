"""SMS-Pager's XML requests as understood (the <data> fields and the <to> numbers), and their
refusals explained in its element names (login, password, to number, text, source, smsid...)."""

from __future__ import annotations

import re

from lxml import etree

from sms_mocks.core.gateway import Gateway, SendRequest
from sms_mocks.journal.reading import Reading, text_of
from sms_mocks.journal.recorder import Record
from sms_mocks.journal.refusals import Words, replay
from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager import send as pager_send
from sms_mocks.providers.smspager.endpoint import PROVIDER, Call, _authenticate
from sms_mocks.providers.smspager.xmlio import PagerError

WORDS = Words(phone="to number", sender="source", text="text")
_CODE = re.compile(r"<code>(-?\d+)</code>")
_DESCR = re.compile(r"<descr>(.*?)</descr>", re.S)
_SMSID = re.compile(r"<smsid>([^<]*)</smsid>")
_NOT_SENT = re.compile(r"<colSendAbonent>0</colSendAbonent>")


def read(record: Record, gateway: Gateway, explain_refusal: bool = True,
         labels_only: bool = False) -> Reading:
    """`labels_only`: the endpoint and outcome, from the answer alone (the metrics' need),
    without parsing the request's XML."""
    endpoint = record.path.lstrip("/")
    reading = Reading(PROVIDER, endpoint)
    answer = text_of(record.answer)
    match = _CODE.search(answer)
    code = int(match[1]) if match else None
    descr = _DESCR.search(answer)
    if code is not None and code != codes.OK:
        reading.refused = True
        reading.outcome = f"{code}" + (f" ({descr[1]})" if descr else "")
    if labels_only:
        return reading
    try:
        root = xmlio.parse(record.body)
    except PagerError as exc:
        if reading.refused and explain_refusal:
            reading.explanation = _unreadable(exc.code, record)
        return reading
    fields = xmlio.fields_of(root)
    numbers = [(child.get("number") or "").strip() for child in root
               if isinstance(child.tag, str) and child.tag.lower() == "to"]
    reading.params = {**fields, **({"to": numbers} if numbers else {})}
    reading.login = fields.get("login") or None
    if reading.login:
        reading.account = gateway.accounts.get(PROVIDER, reading.login)
    if code == codes.OK and endpoint == "send.xml":
        smsid = _SMSID.search(answer)
        if smsid and smsid[1] and not _NOT_SENT.search(answer):
            reading.ids = [smsid[1]]
    if explain_refusal:
        reading.explanation = _why(code, endpoint, answer, fields, root, gateway, reading)
    return reading


def _why(code: int | None, endpoint: str, answer: str, fields: dict[str, str],
         root: etree._Element, gateway: Gateway, reading: Reading) -> str | None:
    if reading.refused and code is not None:
        return explain(code, endpoint, fields, root, gateway)
    if code == codes.OK and endpoint == "send.xml" and _NOT_SENT.search(answer):
        # 000 answers a send that nothing could go to with code 1: say why nothing went
        return _send_refusal(fields, root, gateway)
    return None


def _unreadable(code: int, record: Record) -> str | None:
    if code == codes.XML_TOO_LARGE:
        return f"the document is over {xmlio.MAX_DOCUMENT} bytes"
    if record.body_size > len(record.body):
        return None  # what the journal kept is cut short: it cannot be parsed again
    if code in codes.PARSER_DETAILS:
        return codes.PARSER_DETAILS[code]
    return None


def explain(code: int, endpoint: str, fields: dict[str, str], root: etree._Element,
            gateway: Gateway) -> str | None:
    if code == codes.AUTH:
        return _auth(fields, gateway)
    if code == codes.MISSING:
        return _missing(endpoint, fields, root)
    if code == codes.SMSID_TOO_LONG:
        smsid = fields.get("smsid", "")
        return f"smsid is {len(smsid)} characters; at most {pager_send.MAX_SMSID}"
    if code == codes.BAD_DATETIME:
        names = ("datetime",) if endpoint == "send.xml" else ("start", "stop")
        given = ", ".join(f"{n} '{fields[n]}'" for n in names if fields.get(n))
        if endpoint == "send.xml":
            return f"datetime: expected yyyy-mm-dd HH:MM:SS in the account's time (got {given})"
        return f"start and stop: expected yyyy-mm-dd or yyyy-mm-dd HH:MM:SS (got {given})"
    if code == codes.BAD_SOURCE:
        return _send_refusal(fields, root, gateway)
    return None


def _auth(fields: dict[str, str], gateway: Gateway) -> str:
    login = fields.get("login", "")
    account = gateway.accounts.get(PROVIDER, login)
    if account is None:
        return f"no account with login '{login}'"
    if account.blocked:
        return f"account '{login}' is blocked"
    if account.password != fields.get("password"):
        return f"wrong password for login '{login}'"
    return f"login '{login}' and password are right now; they were not when this request came"


def _missing(endpoint: str, fields: dict[str, str], root: etree._Element) -> str | None:
    if not fields.get("login"):
        return "missing login"
    if fields.get("password") is None:
        return "missing password"
    action = (fields.get("action") or "").lower()
    if endpoint == "send.xml":
        if action and action not in ("send", "check"):
            return f"action must be send or check (got '{fields['action']}')"
        numbers = [child for child in root
                   if isinstance(child.tag, str) and child.tag.lower() == "to"
                   and (child.get("number") or "").strip()]
        if not numbers:
            return "missing <to number=\"...\">"
        if not fields.get("text") and any(not (n.text or "").strip() for n in numbers):
            return "missing text (a <to> without its own text needs one)"
        vp = fields.get("vp")
        if vp and not (vp.isascii() and vp.isdigit() and len(vp) <= 9 and int(vp)):
            return f"vp must be a number of seconds above 0 (got '{vp}')"
    if endpoint == "cancel.xml":
        if action and action not in ("make", "check"):
            return f"action must be make or check (got '{fields['action']}')"
        if not fields.get("smsid"):
            return "missing smsid"
    return None


def _send_refusal(fields: dict[str, str], root: etree._Element,
                  gateway: Gateway) -> str | None:
    """Replay the send as a dry run with the dialect's own reading of the document."""
    try:
        call = Call(gateway, _authenticate(gateway, fields), root, fields)
        request: SendRequest = pager_send._request(call)
    except PagerError:
        return None
    return replay(gateway, call.account, request, WORDS)
