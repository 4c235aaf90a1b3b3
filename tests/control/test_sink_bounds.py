"""/_mock/sink keeps a bounded number of bytes, the oldest request dropped first, and is read
back a page at a time; /_mock/callbacks reads only the newest `limit` attempts."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_mocks.app import build_app
from sms_mocks.config import ConfigError, load
from sms_mocks.control import sink as sink_module
from sms_mocks.control.sink import MAX_BYTES, PAGE_BYTES, Received, Sink
from sms_mocks.outbound.outbox import HISTORY, Attempt

BODY = "x" * (64 * 1024)


def received(body: str = "a=1") -> Received:
    return Received(0.0, "POST", "application/x-www-form-urlencoded", body, 200)


def test_many_big_posts_stay_under_the_byte_bound_oldest_dropped_first() -> None:
    sink = Sink()
    for n in range(2000):  # the attack: 2,000 bodies of 64 KiB, 125 MiB in all
        sink.keep(f"name{n % 7}", received(BODY))
    assert sink.bytes <= MAX_BYTES
    assert sum(r.size for kept in sink.names.values() for r in kept) == sink.bytes
    kept = sorted(r.seq for kept in sink.names.values() for r in kept)
    assert kept == list(range(2001 - len(kept), 2001))  # the newest, without a gap
    assert sink.dropped == 2000 - len(kept) and len(sink) == len(kept)
    assert len(kept) * (len(BODY) + sink_module.OVERHEAD) > MAX_BYTES * 0.95


def test_the_other_bounds_still_hold_and_free_their_bytes() -> None:
    sink = Sink(max_bytes=10**9)
    for _ in range(sink_module.KEPT + 10):
        sink.keep("one", received())
    for n in range(sink_module.NAMES + 3):
        sink.keep(f"n{n}", received())
    assert len(sink.names) == sink_module.NAMES and "one" not in sink.names
    assert sink.bytes == sum(r.size for kept in sink.names.values() for r in kept)
    assert len(sink) == sink_module.NAMES


def test_a_request_larger_than_the_bound_is_not_kept_and_drops_nothing() -> None:
    sink = Sink(max_bytes=4096)
    sink.keep("a", received())
    sink.keep("a", received("y" * 8000))
    assert [r.body for r in sink.names["a"]] == ["a=1"] and sink.dropped == 1
    nothing = Sink(max_bytes=0)
    nothing.keep("a", received())
    assert nothing.names == {} and nothing.bytes == 0


def test_pages_come_back_in_order_from_the_cursor() -> None:
    sink = Sink()
    for n in range(250):
        sink.keep("a" if n % 2 else "b", received(f"n={n}"))
    seen: list[int] = []
    after, pages = 0, 0
    while True:
        found, more = sink.page("a", after, limit=40)
        seen += [r.seq for r in found]
        pages += 1
        if more is None:
            break
        after = more
    assert seen == list(range(2, 251, 2)) and pages == 4
    everything, more = sink.page(None, 0, limit=1000)
    assert [r.seq for r in everything] == list(range(1, 251)) and more is None
    found, more = sink.page(None, 100, limit=3)
    assert [r.seq for r in found] == [101, 102, 103] and more == 103
    assert sink.page("missing", 0) == ([], None)


def test_a_page_of_a_full_sink_is_bounded_in_bytes_and_time() -> None:
    sink = Sink()
    for n in range(1200):
        sink.keep(f"name{n % 3}", received(BODY))
    assert sink.bytes > MAX_BYTES * 0.9  # full
    started = time.perf_counter()
    found, more = sink.page(None, 0, limit=sink_module.MAX_LIMIT)
    views = [r.view() for r in found]
    spent = time.perf_counter() - started
    assert sum(r.size for r in found) <= PAGE_BYTES and more == found[-1].seq
    assert sum(len(v["body"]) for v in views) <= PAGE_BYTES  # type: ignore[arg-type]
    assert spent < 1.0  # generous: about a millisecond; the whole sink took seconds before


# -- over HTTP, in process ------------------------------------------------------------------
async def _call(app: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.request(method, path, **kwargs)


def call(app: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return asyncio.run(_call(app, method, path, **kwargs))


def test_the_configured_bound_holds_over_http_and_pages_say_next(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[control]\nsink_mib = 1\n")
    app = build_app(load(config, clock="virtual"))

    async def post_many() -> None:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport,
                                     base_url="http://127.0.0.1") as client:
            for n in range(40):
                response = await client.post(f"/_mock/sink/s{n % 2}", content=BODY.encode())
                assert response.text == "OK"

    asyncio.run(post_many())
    sink = app.runtime.sink
    assert 0.5 * 1024 * 1024 < sink.bytes <= 1024 * 1024
    first = call(app, "GET", "/_mock/sink/s1", params={"limit": "3"}).json()
    assert [r["seq"] for r in first["requests"]] == sorted(r["seq"] for r in first["requests"])
    assert len(first["requests"]) == 3 and first["next"] == first["requests"][-1]["seq"]
    rest = call(app, "GET", "/_mock/sink/s1", params={"after": str(first["next"])}).json()
    assert "next" not in rest and rest["requests"][-1]["seq"] == 40
    whole = call(app, "GET", "/_mock/sink").json()
    assert list(whole["sinks"]) == ["s0", "s1"] and "next" not in whole
    bad = call(app, "GET", "/_mock/sink/s1", params={"limit": "0"})
    assert bad.status_code == 400 and "limit" in bad.json()["error"]


def test_callbacks_read_the_newest_limit_attempts() -> None:
    app = build_app(load(clock="virtual"))
    history = app.runtime.outbox.history
    for n in range(HISTORY + 5):
        history.append(Attempt(n, "http://127.0.0.1:9/x", {"n": str(n)}, 1, 0.0, 200))
    attempts = call(app, "GET", "/_mock/callbacks").json()["attempts"]
    assert [a["delivery"] for a in attempts] == list(range(5, HISTORY + 5))
    attempts = call(app, "GET", "/_mock/callbacks", params={"limit": "2"}).json()["attempts"]
    assert [a["delivery"] for a in attempts] == [HISTORY + 3, HISTORY + 4]
    assert call(app, "GET", "/_mock/callbacks", params={"limit": "1001"}).status_code == 400


@pytest.mark.parametrize(("text", "expected"), [
    ("", MAX_BYTES), ("[control]\nsink_mib = 0\n", 0),
    ("[control]\nsink_mib = 512\n", 512 * 1024 * 1024)])
def test_the_bound_comes_from_the_configuration(tmp_path: Path, text: str,
                                                expected: int) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text)
    assert load(config).sink_bytes == expected


@pytest.mark.parametrize("value", ["-1", "1.5", "true", '"64"', "65537"])
def test_a_bad_bound_is_refused(tmp_path: Path, value: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[control]\nsink_mib = {value}\n")
    with pytest.raises(ConfigError, match=r"\[control\] sink_mib must be an integer"):
        load(config)


def test_the_bound_comes_from_the_environment() -> None:
    assert load(environ={"SMS_MOCKS_CONTROL_SINK_MIB": "3"}).sink_bytes == 3 * 1024 * 1024


def test_a_body_is_counted_as_the_memory_it_takes() -> None:
    sink = Sink()
    wide = "я" * 1000  # two bytes a character in memory
    sink.keep("a", received(wide))
    assert sink.bytes >= sys.getsizeof(wide) >= 2000
