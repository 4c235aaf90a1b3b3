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
from typing import TypeVar

from starlette.types import Receive, Scope, Send

from sms_mocks.asgi.http import (
    Answer,
    BodyTooLarge,
    CommandApp,
    body_pairs,
    decode_pairs,
    form_pairs,
    header,
    posted_form,
    respond,
)
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smsc import codes, formats
from sms_mocks.seam.exchange import READING_KEY, Reading

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
    ids: tuple[str, ...] = ()  # the message ids the answer gives

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gateway: Gateway = self.gateway(scope)
        reading: Reading | None = scope.get(READING_KEY)  # read ahead by a fault rule
        if reading is not None:
            form: Form = reading.request
            pairs, codec, params = form.pairs, form.codec, form.params
        else:
            pairs = form_pairs(scope.get("query_string", b""))
            codec = _codec(pairs)
            params = decode_pairs(pairs, codec)
        fmt = _fmt(params)
        client = scope["client"][0] if scope.get("client") else ""
        account: Account | None = None
        entered = None
        error: SmscError | None = None
        try:
            if reading is None:  # the query is read; the body, if any, now
                if _has_credentials(pairs):
                    account, entered = _admit(gateway, params, client)
                try:
                    posted = await posted_form(scope, receive, MAX_BODY)
                except BodyTooLarge:
                    raise SmscError(codes.PARAMS) from None
                if posted:
                    pairs = pairs + posted
                    if _codec(pairs) == codec:  # the body's values join the query's
                        params = {**params, **decode_pairs(posted, codec)}
                    else:  # the body names another charset: the query is read again in it
                        codec = _codec(pairs)
                        params = decode_pairs(pairs, codec)
                    fmt = _fmt(params)
                reading = scope[READING_KEY] = _reading(scope["path"], params)
            if account is None:
                account, entered = _admit(gateway, params, client)
            call = Call(gateway, account, params, fmt, codec, pairs)
            answer = self.command(call)
            if call.ids:
                reading.ids = call.ids
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
        if reading is None:  # refused before its body was read: the query is all there is
            reading = scope[READING_KEY] = _reading(scope["path"], params)
        if error is not None:
            refused(reading, error)
        reading.account = account or named_account(gateway, reading.params)
        try:
            _record_for_block(gateway, client, account, _identity(reading.params), error)
        except Exception:
            self.internal_error(scope)
        await respond(send, answer.encode(codec, "replace"), _CONTENT_TYPES[(fmt, codec)])

    def injected_error(self, scope: Scope, body: bytes, code: int | str
                       ) -> Answer | None:
        """Error `code` in the request's fmt and charset; send.php echoes a client id."""
        reading = scope.get(READING_KEY) or read_form(scope["path"], scope, body)
        scope[READING_KEY] = reading
        form: Form = reading.request
        fmt = _fmt(form.params)
        ext_id = form.params.get("id", "") if self.__name__ == "send" else ""
        refused(reading, SmscError(int(code)))
        answer = formats.error(fmt, int(code), ext_id if _CLIENT_ID.match(ext_id) else None)
        return Answer(answer.encode(form.codec, "replace"), _CONTENT_TYPES[(fmt, form.codec)])


@dataclass(slots=True)
class Form:
    """An HTTP command's parameters: the pairs as sent, the codec `charset` names, decoded."""

    pairs: list[tuple[bytes, bytes]]
    codec: str
    params: dict[str, str]


def read_form(path: str, scope: Scope, body: bytes) -> Reading:
    """The one reading of an HTTP command's query and form body (SMSC's charset rules)."""
    pairs = form_pairs(scope.get("query_string", b"")) + body_pairs(
        scope["method"], header(scope, b"content-type"), body)
    codec = _codec(pairs)
    params = decode_pairs(pairs, codec)
    return _reading(path, params, Form(pairs, codec, params))


def named_account(gateway: Gateway, params: dict[str, str]) -> Account | None:
    """The account the credentials name, whether or not the password is right."""
    if params.get("apikey"):
        return gateway.by_api_key(PROVIDER, params["apikey"])
    if params.get("login"):
        return gateway.accounts.get(PROVIDER, params["login"])
    if params.get("psw"):
        return gateway.by_api_key(PROVIDER, params["psw"])
    return None


def _reading(path: str, params: dict[str, str], form: Form | None = None) -> Reading:
    """The request's Reading; `form` is kept for the endpoint when the fault matcher read it."""
    return Reading(PROVIDER, path.rsplit("/", 1)[-1], params, params.get("login") or None,
                   request=form)


def refused(reading: Reading, error: SmscError) -> None:
    """The reading's outcome for an error answered in SMSC's words."""
    text = error.description or codes.DESCRIPTIONS.get(error.code, "")
    reading.refuse(f"error {error.code}" + (f" ({text})" if text else ""))
    reading.code = error.code


_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,40}\Z")


def perform(gateway: Gateway, client: str, params: dict[str, str], fmt: int,
            work: Callable[[Call], T], reading: Reading | None = None) -> T:
    """One command for a caller whose parameters are all read (SOAP's case): admission, the
    concurrency slot and the IP block's bookkeeping, exactly as for an HTTP command. The ids
    the command gives go to `reading`."""
    account: Account | None = None
    entered = None
    error: SmscError | None = None
    try:
        account, entered = _admit(gateway, params, client)
        call = Call(gateway, account, params, fmt, "utf-8")
        result = work(call)
        if reading is not None and call.ids:
            reading.ids = call.ids
        return result
    except SmscError as exc:
        error = exc
        raise
    finally:
        if entered is not None:
            gateway.in_flight.leave(entered)
        if reading is not None:
            reading.account = account or named_account(gateway, params)
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
