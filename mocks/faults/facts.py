"""What a provider request is about, for matching fault rules: the account it names, the phone
numbers and the texts. Read from the query, a form body, SMS-Pager's XML, a SOAP envelope or
/rest/send/'s JSON; bounded, and never raising: a request it cannot read has no facts."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from sms_mocks import xmlsafe
from sms_mocks.core.phones import parse as parse_phone
from sms_mocks.http import body_pairs, decode_pairs, form_pairs, header

MAX_BODY = 2 * 1024 * 1024  # the largest body any dialect reads
MAX_PHONES = 1000  # numbers looked at in one request
SMSC_CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "koi8-r": "koi8-r"}  # else windows-1251
_SPLIT = re.compile(r"[,;]")
log = logging.getLogger("sms_mocks.faults")


@dataclass(frozen=True, slots=True)
class Facts:
    account: str | None = None  # the login
    phones: frozenset[str] = frozenset()  # international digits
    texts: tuple[str, ...] = ()


def read(provider: str, path: str, scope: dict[str, Any], body: bytes,
         gateway: Any) -> Facts:
    try:
        if provider == "smspager":
            return _smspager(body)
        if provider == "targetsms":
            params = _form(scope, body, "utf-8")
            return _facts(params.get("user"), _SPLIT.split(params.get("dadr", "")),
                          [params.get("text", "")])
        if path == "/sys/soap.php":
            return _smsc(_soap(body), gateway)
        if path == "/rest/send/":
            return _smsc(_json(body), gateway)
        return _smsc(_form(scope, body, None), gateway)
    except Exception:  # unreadable in some way nobody foresaw: no facts, and no failure
        log.debug("no facts from a %s request", provider, exc_info=True)
        return Facts()


def _facts(account: str | None, phones: list[str], texts: list[str]) -> Facts:
    digits = set()
    for raw in phones[:MAX_PHONES]:
        raw = raw.strip()
        if raw:
            digits.add(parse_phone(raw).digits or raw)
    return Facts(account or None, frozenset(digits), tuple(t for t in texts if t))


def _smsc(params: dict[str, str], gateway: Any) -> Facts:
    login = params.get("login")
    key = params.get("apikey") or (params.get("psw") if not login else None)
    if not login and key:  # an API key names its account too
        account = gateway.by_api_key("smsc", key)
        login = account.login if account is not None else None
    return _facts(login, _SPLIT.split(params.get("phones", "")), [params.get("mes", "")])


def _form(scope: dict[str, Any], body: bytes, encoding: str | None) -> dict[str, str]:
    """Query and form body merged, the body winning; SMSC's charset when `encoding` is None."""
    pairs = form_pairs(scope.get("query_string", b"")) + body_pairs(
        scope["method"], header(scope, b"content-type"), body)
    if encoding is None:
        charset = next((v for k, v in reversed(pairs) if k == b"charset"), b"")
        encoding = SMSC_CHARSETS.get(charset.decode("latin-1").strip().lower(), "cp1251")
    return decode_pairs(pairs, encoding)


def _json(body: bytes) -> dict[str, str]:
    data = json.loads(body)
    if not isinstance(data, dict):
        return {}
    out = {}
    for key in ("login", "psw", "apikey", "mes", "phones"):
        value = data.get(key)
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if isinstance(value, str | int):
            out[key] = str(value)
    return out


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _soap(body: bytes) -> dict[str, str]:
    root = xmlsafe.parse(body, MAX_BODY)
    soap_body = next((child for child in root if _local(child.tag) == "Body"), None)
    call = next((child for child in soap_body if isinstance(child.tag, str)), None) \
        if soap_body is not None else None
    if call is None:
        return {}
    return {_local(child.tag): (child.text or "").strip() for child in call
            if isinstance(child.tag, str)}


def _smspager(body: bytes) -> Facts:
    root: etree._Element = xmlsafe.parse(body, MAX_BODY)
    login, phones, texts = None, [], []
    for child in root:
        name = _local(child.tag).lower()
        if name == "login" and login is None:
            login = (child.text or "").strip()
        elif name == "text":
            texts.append((child.text or "").strip())
        elif name == "to":
            phones.append(child.get("number") or "")
            texts.append((child.text or "").strip())
    return _facts(login, phones, texts)
