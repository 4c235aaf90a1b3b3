"""sendsms.php: one path for every command, told apart by its parameters (001).

Parameters come as GET or a POST form, in UTF-8; answers are UTF-8 plain text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send

from sms_mocks.asgi.http import (
    Answer,
    BodyTooLarge,
    CommandApp,
    decode_pairs,
    form_pairs,
    form_params,
    nginx_page,
    posted_form,
    respond,
)
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.targetsms import texts
from sms_mocks.seam.exchange import READING_KEY, Reading

PROVIDER = "targetsms"
CONTENT_TYPE = b"text/plain; charset=utf-8"
MAX_BODY = 256 * 1024
# What nginx in front of PHP answers for a body over its client_max_body_size.
TOO_LARGE = nginx_page(texts.TOO_LARGE_STATUS)


class TargetError(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(slots=True)
class Call:
    gateway: Gateway
    account: Account
    params: dict[str, str]


Command = Callable[[Call], str]


class Endpoint(CommandApp[Callable[[Call], str]]):
    """sendsms.php: balance=1 reads the balance, smsid reads a status, anything else sends."""

    log = logging.getLogger("sms_mocks.targetsms")

    def __init__(self, send: Command, status: Command, balance: Command) -> None:
        super().__init__(send)
        self.status, self.balance = status, balance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gateway: Gateway = self.gateway(scope)
        reading: Reading | None = scope.get(READING_KEY)  # read ahead by a fault rule
        try:
            if reading is None:
                pairs = form_pairs(scope.get("query_string", b""))
                try:
                    pairs += await posted_form(scope, receive, MAX_BODY)
                except BodyTooLarge:
                    reading = scope[READING_KEY] = Reading(PROVIDER, "sendsms.php (send)")
                    reading.refuse(TOO_LARGE_OUTCOME)
                    reading.code = TOO_LARGE_OUTCOME
                    await respond(send, TOO_LARGE, b"text/html", texts.TOO_LARGE_STATUS)
                    return
                reading = scope[READING_KEY] = _reading(decode_pairs(pairs, "utf-8"))
            params = reading.params
            reading.account = gateway.accounts.get(PROVIDER, params.get("user", ""))
            call = Call(gateway, _authenticate(gateway, params), params)
            rule_key = (call.account.key, hash(frozenset(params.items())))
            if not gateway.allow("targetsms.duplicate", call.account, rule_key):
                raise TargetError(texts.DUPLICATE)
            if params.get("balance") == "1":
                answer = self.balance(call)
            elif "smsid" in params:
                answer = self.status(call)
            else:
                answer = self.command(call)
                reading.ids = tuple(answer.split(","))
        except TargetError as exc:
            answer = exc.text
            _refused(scope, answer)
        except Exception:
            self.internal_error(scope)
            answer = texts.FAILURE
            _refused(scope, answer)
        await respond(send, answer.encode("utf-8"), CONTENT_TYPE)

    def injected_error(self, scope: Scope, body: bytes, code: int | str
                       ) -> Answer | None:
        """A documented error text, by its name in texts.CODES."""
        if READING_KEY not in scope:
            scope[READING_KEY] = _reading(form_params(scope, body, UTF8, "utf-8"))
        _refused(scope, texts.CODES[str(code)])
        return Answer(texts.CODES[str(code)].encode("utf-8"), CONTENT_TYPE)


UTF8 = {"utf-8": "utf-8"}
TOO_LARGE_OUTCOME = f"{texts.TOO_LARGE_STATUS} Request Entity Too Large"  # nginx's words


def read_form(scope: Scope, body: bytes) -> Reading:
    """The one reading of sendsms.php's query and form body, in UTF-8."""
    return _reading(form_params(scope, body, UTF8, "utf-8"))


def _reading(params: dict[str, str]) -> Reading:
    command = "balance" if params.get("balance") == "1" else \
        "status" if "smsid" in params else "send"
    return Reading(PROVIDER, f"sendsms.php ({command})", params, params.get("user") or None)


def _refused(scope: Scope, text: str) -> None:
    reading = scope.get(READING_KEY)
    if reading is None:
        reading = scope[READING_KEY] = _reading(
            decode_pairs(form_pairs(scope.get("query_string", b"")), "utf-8"))
    reading.refuse(text)
    reading.code = text
    reading.ids = ()


def _authenticate(gateway: Gateway, params: dict[str, str]) -> Account:
    account = gateway.accounts.get(PROVIDER, params.get("user", ""))
    if account is None or account.password != params.get("pwd"):
        raise TargetError(texts.AUTH)
    if account.blocked:
        raise TargetError(texts.BLOCKED)
    return account
