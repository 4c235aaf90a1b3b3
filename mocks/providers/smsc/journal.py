"""SMSC's requests (HTTP, /rest/send/ and SOAP) as understood, and their refusals explained in
SMSC's parameter names (login, psw, apikey, phones, mes, sender, time, id...)."""

from __future__ import annotations

import re

from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smsc import codes, ping, rest, send, templates, timeparse
from sms_mocks.providers.smsc.endpoint import Call, SmscError, named_account, php_int, read_form
from sms_mocks.providers.smsc.soap.endpoint import PATH as SOAP_PATH
from sms_mocks.providers.smsc.soap.operations import MESSAGE_NOT_FOUND
from sms_mocks.providers.smsc.soap.reading import read_envelope
from sms_mocks.seam.exchange import Reading, Record
from sms_mocks.seam.refusals import Words, replay

PROVIDER = "smsc"
WORDS = Words(phone="phones", sender="sender", text="mes")
# A ping.php notification's messages take their numbers, sender and text from the job group.
GROUP_WORDS = Words(phone="group contacts", sender="group sender", text="group text")
# SOAP operations by the HTTP command they run, and by the body element that calls them.
SOAP_COMMANDS = {"get_balance": "balance.php", "send_sms": "send.php", "send_sms2": "send.php",
                 "get_sms_cost": "send.php", "get_sms_cost2": "send.php",
                 "get_status": "status.php", "get_status2": "status.php"}
_NUMERIC_ID = re.compile(r"^[0-9]{1,10}$")
_TEXT_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


def read(record: Record, gateway: Gateway) -> Reading:
    """A request no endpoint described (a fault rule took it first), read from the bytes the
    journal kept: the first and only reading of it."""
    if record.path == SOAP_PATH:
        reading = read_envelope(record.method, record.query, record.body)
        reading.request = None  # the endpoint never saw it
    elif record.path == rest.PATH:
        reading = rest.read_json({}, record.body)
    else:
        scope = {"query_string": record.query, "method": record.method,
                 "headers": [(b"content-type", record.content_type)]}
        reading = read_form(record.path, scope, record.body)
    reading.login = reading.params.get("login") or None  # never an API key: a secret
    reading.account = named_account(gateway, reading.params)
    return reading


def explain_record(record: Record, reading: Reading, gateway: Gateway) -> str | None:
    """Why a refused request was refused, in SMSC's parameter names."""
    if not isinstance(reading.code, int):
        return None
    return explain(reading.code, _command(reading), reading.params, gateway, record.client)


def _command(reading: Reading) -> str:
    if reading.endpoint == "rest/send":
        return "send.php"
    return SOAP_COMMANDS.get(reading.endpoint, reading.endpoint)


def explain(code: int, command: str, params: dict[str, str], gateway: Gateway,
            client: str) -> str | None:
    if code == codes.AUTH:
        return _auth(params, gateway)
    if code == codes.IP_BLOCKED:
        identity = params.get("login") or params.get("apikey") or params.get("psw", "")
        rule = gateway.rule("smsc.error_block", gateway.accounts.get(PROVIDER, identity))
        return (f"requests from {client} for '{identity}' are blocked for {rule.block:g} s "
                f"after {rule.max} erroneous ones in a row (smsc.error_block)")
    account = _authenticated(gateway, params)
    if account is None:  # the credentials no longer work: nothing more can be told
        return None
    if command == "send.php":
        return _send(code, params, gateway, account)
    if command == "status.php":
        return _status(code, params)
    if command == "balance.php" and code == codes.TOO_MANY:
        return _duplicate(gateway, account, "smsc.balance_requests", "balance requests")
    if command == "templates.php":
        return _templates(code, params, gateway, account)
    if command == "op_templates.php":
        return _op_templates(code, params, gateway, account)
    if command == "ping.php":
        return _ping(code, params, gateway, account)
    if command == "senders.php" and code == codes.PARAMS:
        return "only get=1 (the list of sender names) is served"
    return None


def _auth(params: dict[str, str], gateway: Gateway) -> str:
    login, psw, apikey = params.get("login", ""), params.get("psw", ""), params.get("apikey", "")
    if apikey:
        return "no account with this apikey"
    if not login and not psw:
        return "missing login and psw (or apikey)"
    if not login:
        return "no account with this API key (psw with an empty login is an API key)"
    if "psw" not in params:
        return "missing psw"
    account = gateway.accounts.get(PROVIDER, login)
    if account is None:
        return f"no account with login '{login}'"
    if not account.check_password(psw):
        return f"wrong psw for login '{login}'"
    return f"login '{login}' and psw are right now; they were not when this request came"


def _authenticated(gateway: Gateway, params: dict[str, str]) -> Account | None:
    if params.get("apikey"):
        return gateway.by_api_key(PROVIDER, params["apikey"])
    if params.get("login"):
        return gateway.authenticate(PROVIDER, params["login"], params.get("psw", ""))
    return gateway.by_api_key(PROVIDER, params.get("psw", ""))


def _duplicate(gateway: Gateway, account: Account, rule_name: str, what: str) -> str:
    rule = gateway.rule(rule_name, account)
    return (f"too many {what}: at most {rule.max} in {rule.window:g} s ({rule_name}), "
            f"or {gateway.rule('smsc.concurrent', account).max + 1} requests at once")


def _send(code: int, p: dict[str, str], gateway: Gateway, account: Account) -> str | None:
    if code == codes.TOO_MANY:
        cost = php_int(p.get("cost")) == 1
        return _duplicate(gateway, account, "smsc.duplicate_cost" if cost else
                          "smsc.duplicate_send", "identical requests")
    if code == codes.PARAMS:
        return _send_params(p)
    if code == codes.DATE_FORMAT:
        tz = php_int(p.get("tz"), account.tz)
        if not -12 <= tz <= 12:
            return f"tz must be -12..12 hours from Moscow (got '{p.get('tz', '')}')"
        return ("time: expected DDMMYYhhmm, DD.MM.YY hh:mm, h1-h2, 0ts or +m "
                f"(got '{p.get('time', '')}')")
    try:
        request = send.parse_request(Call(gateway, account, p, 0))
    except SmscError:
        return None
    return replay(gateway, account, request, WORDS, "smsc.per_number_flood")


def _send_params(p: dict[str, str]) -> str | None:
    mes = p.get("mes")
    channel, text = send.channel_of(p, mes or "")
    if not p.get("list"):
        if not p.get("phones"):
            return "missing phones"
        if mes is None and channel not in ("hlr", "ping") and not (
                channel == "call" and p.get("fileurl")):
            return "missing mes"
        if channel == "mail" and not (p.get("subj") and p.get("sender") and mes):
            return "mail=1 needs subj, sender and mes"
        if channel == "tg" and not re.match(r"^\d{4,8}$", mes or ""):
            return f"tg=1 sends only a code of 4 to 8 digits (got '{mes}')"
        body, _ = send.split_comment(text)
        if len(body) > send.MAX_TEXT:
            return f"mes is {len(body)} characters; at most {send.MAX_TEXT}"
    elif channel in ("bin", "call"):
        return f"list cannot be used with {channel}"
    ext_id = p.get("id", "")
    if ext_id.isascii() and ext_id.isdigit() and int(ext_id) == 0:
        ext_id = ""  # no id, as send.php reads it
    if ext_id and not ((_NUMERIC_ID.match(ext_id) and 1 <= int(ext_id) <= 2147483647)
                       or (not ext_id.isdigit() and _TEXT_ID_RE.match(ext_id))):
        return f"id must be 1..2147483647 or up to 40 of A-Za-z0-9._- (got '{ext_id}')"
    valid = p.get("valid", "")
    try:
        timeparse.validity(valid)
    except ValueError:
        return f"valid: expected hours 1..24 or hh:mm (got '{valid}')"
    return None


def _status(code: int, p: dict[str, str]) -> str | None:
    ids, phones = p.get("id", ""), p.get("phone", "")
    if code == codes.PARAMS:
        if not ids.strip():
            return "missing id"
        if not phones.strip():
            return "missing phone"
        n_ids = len([i for i in ids.split(",") if i.strip()])
        n_phones = len(send.split_phones(phones))
        return f"id and phone must name as many messages (got {n_ids} id, {n_phones} phone)"
    if code == 5:
        return f"del=1: no message with id '{ids}' and phone '{phones}' for this account"
    if code == MESSAGE_NOT_FOUND:
        return f"no message with id '{ids}' and phone '{phones}' for this account"
    if code == codes.TOO_MANY:
        if "," in ids:
            return "the same status request for several messages twice within a minute " \
                "(smsc.duplicate_status_multi)"
        return f"too many status requests for message '{ids}' (smsc.status_per_message)"
    return None


def _templates(code: int, p: dict[str, str], gateway: Gateway,
               account: Account) -> str | None:
    chosen = [c for c in ("add", "chg", "del", "get") if php_int(p.get(c)) == 1]
    if code == codes.PARAMS:
        if len(chosen) != 1:
            return f"exactly one of add, chg, del, get must be 1 (got {len(chosen)})"
        if chosen[0] == "add" and not (p.get("name", "").strip() and p.get("msg")):
            return "add=1 needs name and msg"
        if chosen[0] != "get" and "id" not in p and chosen[0] != "add":
            return f"{chosen[0]}=1 needs id"
        if (p.get("format") or "").strip().lower() not in templates.FORMATS:
            return f"unknown format '{p.get('format')}'"
        return None
    if code == templates.NOT_FOUND:
        if chosen == ["get"]:
            return "this account has no templates"
        return f"no template with id '{p.get('id', '')}' for this account"
    if code == templates.NOT_SAVED:
        return f"an account keeps at most {templates.MAX_TEMPLATES} templates"
    if code == codes.TOO_MANY:
        return _duplicate(gateway, account, "smsc.templates_identical", "identical requests")
    return None


def _op_templates(code: int, p: dict[str, str], gateway: Gateway,
                  account: Account) -> str | None:
    if code == codes.PARAMS:
        adding, getting = php_int(p.get("add")) == 1, php_int(p.get("get")) == 1
        if adding == getting:
            return "exactly one of add and get must be 1"
        if not p.get("sender", "").strip():
            return "missing sender"
        if not p.get("msg"):
            return "missing msg"
        return "add=1 needs at least one operator key (mts_srv, mega_adv, ...) set to 1"
    if code == codes.TOO_MANY:
        return _duplicate(gateway, account, "smsc.op_templates_identical",
                          "identical requests")
    return None


def _ping(code: int, p: dict[str, str], gateway: Gateway, account: Account) -> str | None:
    group_id = p.get("id", "").strip()
    if code == codes.PARAMS and not group_id:
        return "missing id (the notification group)"
    group = account.notify_groups.get(group_id)
    if code == codes.PARAMS and group is not None:
        request = ping.notification(group, p)
        if len(request.items[0].text) > send.MAX_TEXT:
            return f"the notification text is longer than {send.MAX_TEXT} characters"
        why = replay(gateway, account, request, GROUP_WORDS)
        return f"the notification's messages were refused: {why}" if why else None
    if code == 3:
        return f"no notification group '{group_id}' for this account"
    if code == codes.TOO_MANY:
        return _duplicate(gateway, account, "smsc.ping_identical", "identical requests")
    return None

