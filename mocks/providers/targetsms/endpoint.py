"""sendsms.php: one path for every command, told apart by its parameters (001).

Parameters come as GET or a POST form, in UTF-8; answers are UTF-8 plain text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.http import (
    Answer,
    BodyTooLarge,
    CommandApp,
    Receive,
    Send,
    decode_pairs,
    form_pairs,
    nginx_page,
    posted_form,
    respond,
)
from sms_mocks.providers.targetsms import texts

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

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        gateway: Gateway = self.gateway(scope)
        try:
            pairs = form_pairs(scope.get("query_string", b""))
            try:
                pairs += await posted_form(scope, receive, MAX_BODY)
            except BodyTooLarge:
                await respond(send, TOO_LARGE, b"text/html", texts.TOO_LARGE_STATUS)
                return
            params = decode_pairs(pairs, "utf-8")
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
        except TargetError as exc:
            answer = exc.text
        except Exception:
            self.internal_error(scope)
            answer = texts.FAILURE
        await respond(send, answer.encode("utf-8"), CONTENT_TYPE)

    def injected_error(self, scope: dict[str, Any], body: bytes, code: int | str
                       ) -> Answer | None:
        """A documented error text, by its name in texts.CODES."""
        return Answer(texts.CODES[str(code)].encode("utf-8"), CONTENT_TYPE)


def _authenticate(gateway: Gateway, params: dict[str, str]) -> Account:
    account = gateway.accounts.get(PROVIDER, params.get("user", ""))
    if account is None or account.password != params.get("pwd"):
        raise TargetError(texts.AUTH)
    if account.blocked:
        raise TargetError(texts.BLOCKED)
    return account
