"""GET /_mock/messages over HTTP (in process): pages through `before` and `next`, with the
filters and errors it always had, on the store's indexes (control/views.message_page)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx

from sms_mocks.app import build_app
from sms_mocks.config import load
from sms_mocks.core.messages import Message, State


async def _get(app: Any, params: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.get("/_mock/messages", params=params)


def get(app: Any, **params: str) -> httpx.Response:
    return asyncio.run(_get(app, params))


def test_pages_follow_next_and_filters_and_errors_are_as_before() -> None:
    app = build_app(load(clock="virtual"))
    gateway = app.runtime.gateway
    alex = gateway.accounts.get("smsc", "alex")
    demo = gateway.accounts.get("targetsms", "demo")
    for n in range(30):
        owner = alex if n % 3 else demo
        gateway.store.add(Message(
            id=gateway.store.new_id(), account=owner, ext_id=str(n), phone=f"7999000{n:04d}",
            text=f"text {n}", sender="SMSC", parts=1, cost=Decimal("1"), created_at=0.0,
            send_at=0.0, valid_until=0.0,
            state=State.DELIVERED if n % 2 else State.UNDELIVERED))
    everything = get(app).json()
    assert [m["id"] for m in everything["messages"]] == list(range(1, 31))
    assert "next" not in everything
    first = get(app, account="alex", limit="4").json()
    assert [m["id"] for m in first["messages"]] == [26, 27, 29, 30]
    assert first["next"] == 26
    rest = get(app, account="alex", before=str(first["next"])).json()
    assert len(rest["messages"]) == 20 - 4 and "next" not in rest
    assert [m["id"] for m in get(app, phone="+79990000021", status="delivered").json()[
        "messages"]] == [22]
    assert get(app, status="lost").json() == {"error": "unknown status 'lost'"}
    assert get(app, limit="x").json() == {"error": "limit is a number"}
    assert get(app, before="x").status_code == 400
    assert get(app, limit="0").json() == {"messages": []}
