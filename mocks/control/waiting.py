"""GET /_mock/messages/wait: long-poll until a matching message is accepted, then return it.

A matching message already there (newer than `after`) is returned at once, the oldest first,
so a client that passes the id it last saw as `after` gets every message in turn. Otherwise the
request subscribes to the event bus for as long as it waits (no polling, and no cost to anyone
while nobody waits) and answers when the gateway accepts one; after `timeout` seconds of wall
time it answers 408. Rejected messages (refused on acceptance) never match: they were not sent.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sms_mocks.control import params
from sms_mocks.control.handlers import BadRequest, guarded, runtime_of
from sms_mocks.control.openapi import ERROR, MESSAGE, PROVIDER_NAMES, json_response
from sms_mocks.control.views import message_view
from sms_mocks.core.events import StatusEvent
from sms_mocks.core.messages import Message, State
from sms_mocks.core.phones import parse

MAX_TIMEOUT = 60.0
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Wanted:
    """What the waiter waits for; also the event bus interest, so it must be cheap."""

    phone: str | None  # international digits
    provider: str | None
    accounts: frozenset[str] | None  # logins, any of them
    text: str | None  # lower case, a substring
    after: int

    def __call__(self, m: Message) -> bool:
        return (m.id > self.after
                and (self.phone is None or m.phone == self.phone)
                and (self.provider is None or m.provider == self.provider)
                and (self.accounts is None or m.account.login in self.accounts)
                and (self.text is None or self.text in m.text.lower()))


def _wanted(request: Request) -> Wanted:
    query = request.query_params
    phone = query.get("phone", "")
    digits = parse(phone).digits if phone else None
    if digits == "":
        raise BadRequest("phone: a phone number")
    text = query.get("text", "")
    return Wanted(digits, query.get("provider") or None, params.strings(query, "account"),
                  text.lower() if text else None,
                  params.integer(query, "after", 0, 0, 10**15))


async def wait(request: Request) -> JSONResponse:
    wanted = _wanted(request)
    timeout = params.number(request.query_params, "timeout", DEFAULT_TIMEOUT, 0, MAX_TIMEOUT)
    gateway = runtime_of(request).gateway
    for message in gateway.messages(wanted):
        if message.state is not State.REJECTED:
            return JSONResponse(message_view(message))
    # Nothing between the search above and the subscription below awaits, so no message can
    # be accepted unseen in between: the core runs on this one event loop.
    found: asyncio.Future[Message] = asyncio.get_running_loop().create_future()

    def accepted(event: StatusEvent) -> None:
        if event.state is State.QUEUED and not found.done():
            found.set_result(event.message)

    unsubscribe = gateway.events.subscribe(accepted, wanted)
    runtime = runtime_of(request)
    runtime.waiting += 1  # so a test knows its waiter blocked before it sends
    try:
        message = await asyncio.wait_for(found, timeout)
    except TimeoutError:
        raise BadRequest(f"no matching message within {timeout:g} s", 408) from None
    finally:
        runtime.waiting -= 1
        unsubscribe()
    return JSONResponse(message_view(message))


def _query(name: str, description: str, schema: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


paths: dict[str, Any] = {
    "/_mock/messages/wait": {"get": {
        "summary": "Wait until a matching message is accepted, and return it",
        "description": "The oldest matching message newer than `after` at once if there is "
                       "one; else the first accepted within `timeout` seconds; else 408.",
        "parameters": [
            _query("phone", "the recipient, in any form send.php takes (exact number)"),
            _query("provider", PROVIDER_NAMES),
            {**_query("account", "an account's login; repeat for any of several",
                      {"type": "array", "items": {"type": "string"}}),
             "style": "form", "explode": True},
            _query("text", "a substring of the text, any case"),
            _query("after", "only messages with a greater id",
                   {"type": "integer", "minimum": 0}),
            _query("timeout", f"seconds of wall time to wait (default {DEFAULT_TIMEOUT:g})",
                   {"type": "number", "minimum": 0, "maximum": MAX_TIMEOUT}),
        ],
        "responses": {"200": json_response("the message", MESSAGE), "400": ERROR,
                      "408": ERROR},
    }},
}

routes = [Route("/_mock/messages/wait", guarded(wait), methods=["GET"])]
