"""GET /_mock/events: message and status changes as server-sent events, live.

Each client has its own bounded queue fed by the event bus, subscribed only while the stream
is open and only to the accounts it filters on. A client that falls more than QUEUE events
behind loses the newest ones; an `event: dropped` in their place says how many. A comment
line every `heartbeat` seconds keeps proxies from closing a quiet stream. The stream ends
after `timeout` seconds or `limit` events; EventSource reconnects by itself.

    event: accepted                  the message was accepted (status queued)
    event: status                    every later change, and a refusal on acceptance
    data: {"id": 7, "ext_id": "1", "provider": "smsc", "account": "alex",
           "phone": "79991234567", "status": "delivered", "err": 0, "at": "...Z"}

    event: inbound                   a reply injected through /_mock/inbound
    data: {"id": 3, "provider": "smsc", "login": "alex", "phone": "79991234567", ...}
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from sms_mocks.control import params
from sms_mocks.control.handlers import BadRequest, error, runtime_of
from sms_mocks.control.inbound import inbound_view
from sms_mocks.control.openapi import ERROR, PROVIDER_NAMES
from sms_mocks.core.clock import iso
from sms_mocks.core.events import StatusEvent
from sms_mocks.core.inbound import Inbound
from sms_mocks.core.messages import Message, State

QUEUE = 1000  # events a client may fall behind before the newest are dropped
MAX_TIMEOUT = 3600.0
DEFAULT_TIMEOUT = 300.0
MAX_LIMIT = 1_000_000
DEFAULT_HEARTBEAT = 15.0


def event_data(event: StatusEvent) -> dict[str, Any]:
    m = event.message
    return {"id": m.id, "ext_id": m.ext_id, "provider": m.provider, "account": m.account.login,
            "phone": m.phone, "status": event.state.label, "err": event.err, "at": iso(event.at)}


def sse(event: StatusEvent | Inbound) -> str:
    if isinstance(event, Inbound):
        name, data = "inbound", inbound_view(event)
    else:
        name = "accepted" if event.state is State.QUEUED else "status"
        data = event_data(event)
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def dropped_note(count: int) -> str:
    return f'event: dropped\ndata: {{"dropped": {count}}}\n\n'


@dataclass(frozen=True, slots=True)
class Interest:
    provider: str | None
    accounts: frozenset[str] | None

    def __call__(self, m: Message) -> bool:
        return ((self.provider is None or m.provider == self.provider)
                and (self.accounts is None or m.account.login in self.accounts))

    def wants(self, reply: Inbound) -> bool:
        return ((self.provider is None or reply.provider == self.provider)
                and (self.accounts is None or reply.login in self.accounts))


@dataclass
class Feed:
    """One client's queue: events, and in place of a run of dropped ones, their count."""

    size: int = QUEUE
    items: deque[StatusEvent | Inbound | int] = field(default_factory=deque)
    dropped: int = 0  # dropped since the last event that fitted
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def push(self, event: StatusEvent | Inbound) -> None:
        if len(self.items) >= self.size:
            self.dropped += 1
            return
        if self.dropped:
            self.items.append(self.dropped)
            self.dropped = 0
        self.items.append(event)
        self.ready.set()

    def take(self) -> StatusEvent | Inbound | int | None:
        """The next event, or a count of dropped ones, or None when there is nothing."""
        if self.items:
            return self.items.popleft()
        dropped, self.dropped = self.dropped, 0  # the newest were lost: say so now
        return dropped or None


async def _stream(request: Request, interest: Interest, timeout: float, limit: int,
                  heartbeat: float) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    feed = Feed()
    runtime = runtime_of(request)
    unsubscribe = runtime.gateway.events.subscribe(feed.push, interest)
    unsubscribe_inbound = runtime.inbound.subscribe(
        lambda reply: feed.push(reply) if interest.wants(reply) else None)
    try:
        yield ": open\n\n"  # subscribed: what happens from here on is streamed
        sent = 0
        while sent < limit:
            while sent < limit and (item := feed.take()) is not None:
                if isinstance(item, int):
                    yield dropped_note(item)
                else:
                    yield sse(item)
                    sent += 1
            remaining = deadline - loop.time()
            if sent >= limit or remaining <= 0:
                break
            feed.ready.clear()
            try:
                await asyncio.wait_for(feed.ready.wait(), min(heartbeat, remaining))
            except TimeoutError:
                if loop.time() < deadline:
                    yield ": heartbeat\n\n"
    finally:
        unsubscribe()
        unsubscribe_inbound()


async def events(request: Request) -> Response:
    query = request.query_params
    try:
        interest = Interest(query.get("provider") or None, params.strings(query, "account"))
        timeout = params.number(query, "timeout", DEFAULT_TIMEOUT, 0, MAX_TIMEOUT)
        limit = params.integer(query, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        heartbeat = params.number(query, "heartbeat", DEFAULT_HEARTBEAT, 0.05, 60)
    except BadRequest as exc:
        return error(str(exc), exc.status)
    return StreamingResponse(_stream(request, interest, timeout, limit, heartbeat),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


paths: dict[str, Any] = {
    "/_mock/events": {"get": {
        "summary": "Message and status changes as server-sent events",
        "description": "`accepted` and `status` events with JSON data (id, ext_id, provider, "
                       "account, phone, status, err, at); `inbound` for an injected reply "
                       "(as /_mock/inbound lists it); `dropped` when the client fell "
                       "behind; a comment as heartbeat. Ends after `timeout` s or `limit` "
                       "events.",
        "parameters": [
            _query("provider", PROVIDER_NAMES, {"type": "string"}),
            {**_query("account", "an account's login; repeat for any of several",
                      {"type": "array", "items": {"type": "string"}}),
             "style": "form", "explode": True},
            _query("timeout", f"seconds until the stream ends (default {DEFAULT_TIMEOUT:g})",
                   {"type": "number", "minimum": 0, "maximum": MAX_TIMEOUT}),
            _query("limit", "events until the stream ends",
                   {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
            _query("heartbeat", f"seconds between heartbeats (default {DEFAULT_HEARTBEAT:g})",
                   {"type": "number", "minimum": 0.05, "maximum": 60}),
        ],
        "responses": {"200": {"description": "the stream",
                              "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                      "400": ERROR},
    }},
}

routes = [Route("/_mock/events", events, methods=["GET"])]
