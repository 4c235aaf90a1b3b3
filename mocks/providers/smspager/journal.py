"""SMS-Pager's XML requests as understood (the <data> fields and the <to> numbers), and their
refusals explained in its element names (login, password, to number, text, source, smsid...)."""

from __future__ import annotations

from lxml import etree

from sms_mocks.core.gateway import Gateway, SendRequest
from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager import send as pager_send
from sms_mocks.providers.smspager.endpoint import PROVIDER, Call, _authenticate, read_document
from sms_mocks.providers.smspager.xmlio import PagerError
from sms_mocks.seam.exchange import Reading, Record
from sms_mocks.seam.refusals import Words, replay

WORDS = Words(phone="to number", sender="source", text="text")


def read(record: Record, gateway: Gateway) -> Reading:
    """A request no endpoint described (a fault rule took it first), read from the bytes the
    journal kept: the first and only reading of it."""
    reading = read_document(record.path, record.body)
    if reading.login:
        reading.account = gateway.accounts.get(PROVIDER, reading.login)
    return reading


def explain_record(record: Record, reading: Reading, gateway: Gateway) -> str | None:
    """Why a request was refused, or why a send answered OK sent nothing."""
    request = reading.request
    if isinstance(request, PagerError):
        return _unreadable(request.code, record)
    if request is None or not isinstance(reading.code, int):
        return None
    root, fields = request
    if reading.refused:
        return explain(reading.code, reading.endpoint, fields, root, gateway)
    if reading.code == codes.OK and reading.endpoint == "send.xml":
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

