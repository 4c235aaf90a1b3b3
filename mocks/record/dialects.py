"""The four dialects as a recording sees them: which one a path is, and what a (redacted)
request says: its parameters, its login, the password markers it logged in with, the senders
it names. Read with regular expressions and the standard library: a cassette may hold
anything a client sent, and reading it must never fail."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from sms_mocks.record.cassette import Request, charset_of, header

SMSC, SOAP, PAGER, TARGET = "smsc", "smsc-soap", "smspager", "targetsms"
DIALECTS = (SMSC, SOAP, PAGER, TARGET)
# Whose accounts a dialect's requests use: SOAP logs in to SMSC accounts.
ACCOUNT_PROVIDER = {SMSC: "smsc", SOAP: "smsc", PAGER: "smspager", TARGET: "targetsms"}
PAGER_PATHS = ("/send.xml", "/report.xml", "/balance.xml", "/cancel.xml")
SMSC_CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "koi8-r": "koi8-r"}  # else windows-1251

_LEAF = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)(?:\s[^<>]*)?>([^<>]*)</(?:[\w.-]+:)?\1\s*>")
_ATTRIBUTE = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)\s([^<>]*?)/?>")
_SOAP_CALL = re.compile(r"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)", re.S)


def provider_of(path: str) -> str:
    bare = path.split("?", 1)[0]
    if bare == "/sys/soap.php":
        return SOAP
    if bare.startswith("/sys/") or bare.startswith("/rest/send"):
        return SMSC
    if bare in PAGER_PATHS:
        return PAGER
    if bare in ("/sendsms.php", "/sendsmsjson.php") or bare.startswith("/xml/"):
        return TARGET
    return ""


@dataclass(slots=True)
class Facts:
    """What a request says, in its dialect's words."""

    provider: str
    command: str  # send.php, status.php, send (SOAP's body element), send.xml, sendsms.php
    params: dict[str, str] = field(default_factory=dict)
    elements: list[str] = field(default_factory=list)  # SMS-Pager's, in order
    login: str = ""
    passwords: list[str] = field(default_factory=list)  # psw / password / pwd values
    api_keys: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)


def _form(text: str, encoding: str) -> dict[str, str]:
    # Read as latin-1 so that no byte is lost, then decode each value in the dialect's charset.
    out: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, encoding="latin-1"):
        raw = value.encode("latin-1")
        try:
            out[key] = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            out[key] = raw.decode("latin-1")
    return out


def _is_form(request: Request) -> bool:
    kind = (header(request.headers, "content-type") or "").lower()
    return request.method != "GET" and (
        "x-www-form-urlencoded" in kind or (not kind and "=" in request.body.text
                                           and not request.body.text.lstrip().startswith("<")))


def _smsc_params(request: Request) -> dict[str, str]:
    query = request.path.partition("?")[2]
    body = request.body.text if _is_form(request) else ""
    # SMSC's `charset` parameter says how to read the others (windows-1251 if absent)
    charset = {**_form(query, "latin-1"), **_form(body, "latin-1")}.get("charset", "")
    encoding = SMSC_CHARSETS.get(charset.strip().lower(), "windows-1251")
    params = _form(query, encoding)
    params.update(_form(body, encoding))
    if request.path.startswith("/rest/send"):
        params.update(_json_params(request.body.text))
    return params


def _json_params(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): ",".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in data.items() if isinstance(v, str | int | float | list)}


def xml_leaves(text: str) -> list[tuple[str, str]]:
    """(local name, unescaped text) of each element holding only text, in order, and each
    attribute as (element@attribute, value)."""
    leaves = [(m.group(1), html.unescape(m.group(2)).strip()) for m in _LEAF.finditer(text)]
    for tag in _ATTRIBUTE.finditer(text):
        for name, _, value in re.findall(r"([\w.:-]+)\s*=\s*(['\"])(.*?)\2", tag.group(2)):
            if not name.startswith("xmlns"):
                leaves.append((f"{tag.group(1)}@{name}", html.unescape(value)))
    return leaves


def read(provider: str, request: Request) -> Facts:
    """The request's facts; an unreadable request has few, never an exception."""
    path = request.path.split("?", 1)[0]
    if provider == SOAP:
        call = _SOAP_CALL.search(request.body.text)
        params = dict(xml_leaves(request.body.text))
        facts = Facts(provider, call.group(1) if call else ("wsdl" if request.method == "GET"
                                                             else ""), params)
        return _credentials(facts, "login", ("psw",), "sender")
    if provider == PAGER:
        leaves = xml_leaves(request.body.text)
        facts = Facts(provider, path.lstrip("/"), dict(leaves), [n for n, _ in leaves])
        return _credentials(facts, "login", ("password",), "source")
    if provider == TARGET:
        return _target(request, path)
    if provider == SMSC:
        command = "/rest/send/" if path.startswith("/rest/send") else path.rsplit("/", 1)[-1]
        return _credentials(Facts(provider, command, _smsc_params(request)), "login",
                            ("psw", "password"), "sender")
    return Facts(provider, path)


def _target(request: Request, path: str) -> Facts:
    """sendsms.php's parameters, or the JSON API's and the XML gate's documents, in
    sendsms.php's names; a Bearer token is an API key."""
    query = request.path.partition("?")[2]
    params = _form(query, "utf-8")
    if path == "/sendsmsjson.php":
        params = _target_json(request.body.text)
    elif path.startswith("/xml"):
        leaves = xml_leaves(request.body.text)
        found = dict(leaves)
        params = {"user": found.get("login@value", ""), "pwd": found.get("password@value", ""),
                  "sadr": found.get("sender", "")}
    elif _is_form(request):
        params.update(_form(request.body.text, "utf-8"))
    facts = _credentials(Facts(TARGET, path.lstrip("/"), params), "user", ("pwd",), "sadr")
    bearer = re.match(r"Bearer +(\S+)", header(request.headers, "authorization") or "", re.I)
    if bearer:
        facts.api_keys.append(bearer.group(1))
    return facts


def _target_json(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    security = data.get("security") if isinstance(data.get("security"), dict) else {}
    messages = data.get("message") if isinstance(data.get("message"), list) else []
    sender = next((str(m["sender"]) for m in messages if isinstance(m, dict) and m.get("sender")),
                  "")
    return {"user": str(security.get("login", "")), "pwd": str(security.get("password", "")),
            "sadr": sender, "type": str(data.get("type", ""))}


def _credentials(facts: Facts, login: str, passwords: tuple[str, ...], sender: str) -> Facts:
    params = facts.params
    facts.login = params.get(login, "").strip()
    facts.passwords = [params[p] for p in passwords if params.get(p)]
    facts.api_keys = [params["apikey"]] if params.get("apikey") else []
    if facts.provider == SMSC and not facts.login and facts.passwords:
        facts.api_keys += facts.passwords  # SMSC: a psw without a login is an API key
        facts.passwords = []
    facts.senders = [s for s in [params.get(sender, "").strip()] if s]
    return facts


# Answers that say the credentials were wrong, dialect by dialect.
_AUTH_FAILED = {
    SMSC: re.compile(r"^ERROR = 2 \(|^0,-2$|<error_code>2</error_code>|\"error_code\":\s*2\b"),
    SOAP: re.compile(r"<error>2</error>"),
    PAGER: re.compile(r"<code>50[01]</code>"),
    TARGET: re.compile(r"Неправильный логин или пароль"),
}


def auth_failed(provider: str, answer: str) -> bool:
    pattern = _AUTH_FAILED.get(provider)
    return bool(pattern and pattern.search(answer))


def request_charsets(provider: str, content_type: str | None) -> list[str | None]:
    """The charsets a request body may be in, most likely first: the declared one, UTF-8,
    then SMSC's default."""
    return [charset_of(content_type), "utf-8", "windows-1251" if provider == SMSC else None]
