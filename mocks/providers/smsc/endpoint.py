"""What every SMSC command shares: reading parameters in the request's charset, authenticating,
the per-login limits (concurrency, IP blocking), and answering errors in the requested format.

A command is a plain function from a `Call` to the answer text; it raises `SmscError` for any
documented error. Nothing a client sends can make this wrapper fail with a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.http import (
    Answer,
    BodyTooLarge,
    CommandApp,
    Receive,
    Send,
    body_pairs,
    decode_pairs,
    form_pairs,
    header,
    posted_form,
    respond,
)
from sms_mocks.providers.smsc import codes, formats

PROVIDER = "smsc"
MAX_BODY = 2 * 1024 * 1024

# `charset` values SMSC knows, and the codec and header name each answers with.
CHARSETS = {"windows-1251": "cp1251", "cp1251": "cp1251", "utf-8": "utf-8", "utf8": "utf-8",
            "koi8-r": "koi8-r"}
HEADER_NAMES = {"cp1251": "windows-1251", "utf-8": "utf-8", "koi8-r": "koi8-r"}


class SmscError(Exception):
    def __init__(self, code: int, ext_id: str | None = None, description: str | None = None):
        super().__init__(code)
        self.code = code
        self.ext_id = ext_id
        self.description = description


@dataclass(slots=True)
class Call:
    gateway: Gateway
    account: Account
    params: dict[str, str]
    fmt: int
    charset: str = "cp1251"  # the codec the parameters arrived in
    raw: list[tuple[bytes, bytes]] = field(default_factory=list)  # the undecoded pairs

    def raw_value(self, name: str) -> bytes | None:
        """A parameter's bytes as sent (bin=1 carries octets, not text); the last one wins."""
        wanted = name.encode()
        found = None
        for key, value in self.raw:
            if key == wanted:
                found = value
        return found


Command = Callable[[Call], str]
T = TypeVar("T")


PHP_INT_MAX = 2**63 - 1


def php_int(value: str | None, default: int = 0) -> int:
    """PHP's intval on a request value: leading digits, else the default; saturated at PHP's
    integer bounds, as intval is (and so a thousand-digit value costs nothing)."""
    if not value:
        return default
    text = value.strip()
    sign = -1 if text.startswith("-") else 1
    digits = text[1:] if text[:1] in ("+", "-") else text
    end = 0
    while end < len(digits) and "0" <= digits[end] <= "9":
        end += 1
    if not end:
        return default
    number = int(digits[:end]) if end <= 19 else PHP_INT_MAX + 1
    return max(min(sign * number, PHP_INT_MAX), -PHP_INT_MAX - 1)


def _codec(pairs: list[tuple[bytes, bytes]]) -> str:
    charset = b""
    for name, value in pairs:
        if name == b"charset":
            charset = value
    return CHARSETS.get(charset.decode("latin-1").strip().lower(), "cp1251")


def _has_credentials(pairs: list[tuple[bytes, bytes]]) -> bool:
    names = {name for name, _ in pairs}
    return b"apikey" in names or b"psw" in names


def request_key(call: Call) -> tuple[object, ...]:
    """What makes two requests identical for the limits: the same parameters, in any order,
    whatever fmt and charset."""
    params = call.params
    if "fmt" in params or "charset" in params:
        params = {k: v for k, v in params.items() if k != "fmt" and k != "charset"}
    return (call.account.key, hash(frozenset(params.items())))


def authenticate(gateway: Gateway, params: dict[str, str]) -> Account:
    apikey = params.get("apikey", "")
    login = params.get("login", "")
    psw = params.get("psw", "")
    if apikey:
        account = gateway.by_api_key(PROVIDER, apikey)
    elif not login and psw:  # SMSC v3.8+: an empty login makes psw an API key
        account = gateway.by_api_key(PROVIDER, psw)
    else:
        account = gateway.authenticate(PROVIDER, login, psw) if login else None
    if account is None:
        raise SmscError(codes.AUTH)
    return account


class Endpoint(CommandApp[Command]):
    """An SMSC command over HTTP."""

    log = logging.getLogger("sms_mocks.smsc")

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        gateway: Gateway = self.gateway(scope)
        query = form_pairs(scope.get("query_string", b""))
        fmt, codec = formats.TEXT, _codec(query)
        client = scope["client"][0] if scope.get("client") else ""
        account: Account | None = None
        login = ""  # the identity the request claims, which the IP block is kept for
        entered = None
        error: SmscError | None = None
        try:
            pairs = query
            params = decode_pairs(pairs, codec)
            fmt, login = _fmt(params), _identity(params)
            if _has_credentials(query):
                account, entered = _admit(gateway, params, client)
            try:
                posted = await posted_form(scope, receive, MAX_BODY)
            except BodyTooLarge:
                raise SmscError(codes.PARAMS) from None
            if posted:
                pairs = query + posted
                codec = _codec(pairs)
                params = decode_pairs(pairs, codec)
                fmt, login = _fmt(params), _identity(params)
            if account is None:
                account, entered = _admit(gateway, params, client)
            answer = self.command(Call(gateway, account, params, fmt, codec, pairs))
        except SmscError as exc:
            error = exc
            answer = formats.error(fmt, exc.code, exc.ext_id, exc.description)
        except Exception:
            self.internal_error(scope)
            error = SmscError(codes.PARAMS)
            answer = formats.error(fmt, codes.PARAMS)
        finally:
            if entered is not None:
                gateway.in_flight.leave(entered)
        try:
            _record_for_block(gateway, client, account, login, error)
        except Exception:
            self.internal_error(scope)
        await respond(send, answer.encode(codec, "replace"), _CONTENT_TYPES[(fmt, codec)])


    def injected_error(self, scope: dict[str, Any], body: bytes, code: int | str
                       ) -> Answer | None:
        """Error `code` in the request's fmt and charset; send.php echoes a client id."""
        pairs = form_pairs(scope.get("query_string", b"")) + body_pairs(
            scope["method"], header(scope, b"content-type"), body)
        codec = _codec(pairs)
        params = decode_pairs(pairs, codec)
        fmt = _fmt(params)
        ext_id = params.get("id", "") if self.__name__ == "send" else ""
        answer = formats.error(fmt, int(code), ext_id if _CLIENT_ID.match(ext_id) else None)
        return Answer(answer.encode(codec, "replace"), _CONTENT_TYPES[(fmt, codec)])


_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,40}\Z")


def perform(gateway: Gateway, client: str, params: dict[str, str], fmt: int,
            work: Callable[[Call], T]) -> T:
    """One command for a caller whose parameters are all read (SOAP's case): admission, the
    concurrency slot and the IP block's bookkeeping, exactly as for an HTTP command."""
    account: Account | None = None
    entered = None
    error: SmscError | None = None
    try:
        account, entered = _admit(gateway, params, client)
        return work(Call(gateway, account, params, fmt, "utf-8"))
    except SmscError as exc:
        error = exc
        raise
    finally:
        if entered is not None:
            gateway.in_flight.leave(entered)
        _record_for_block(gateway, client, account, _identity(params), error)


_CONTENT_TYPES = {(fmt, codec): f"{formats.media_type(fmt)}; charset={name}".encode()
                  for fmt in range(4) for codec, name in HEADER_NAMES.items()}


def _identity(params: dict[str, str]) -> str:
    """Who a request claims to be: the login, else the API key (given either way)."""
    return params.get("login") or params.get("apikey") or params.get("psw", "")


def _fmt(params: dict[str, str]) -> int:
    fmt = php_int(params.get("fmt"), 0)
    return fmt if 0 <= fmt <= 3 else formats.TEXT


def _admit(gateway: Gateway, params: dict[str, str],
           client: str) -> tuple[Account, tuple[str, str] | None]:
    """Check the IP block, authenticate, and take a concurrency slot for the login."""
    if gateway.blocker.blocked((client, _identity(params))):
        raise SmscError(codes.IP_BLOCKED)
    account = authenticate(gateway, params)
    rule = gateway.rule("smsc.concurrent", account)
    if not rule.enabled:
        return account, None
    if not gateway.in_flight.enter(account.key, rule):
        raise SmscError(codes.TOO_MANY, description=codes.CONCURRENT)
    return account, account.key


def _record_for_block(gateway: Gateway, client: str, account: Account | None, identity: str,
                      error: SmscError | None) -> None:
    if account is None:  # a wrong password still counts against that login's settings
        account = gateway.accounts.get(PROVIDER, identity)
    rule = gateway.rule("smsc.error_block", account)
    if not rule.enabled:
        return
    key = (client, identity)
    erroneous = error is not None and error.code in codes.COUNTS_TOWARDS_BLOCK
    gateway.blocker.record(key, erroneous, rule)
