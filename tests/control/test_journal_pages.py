"""/_mock/journal's reads cost their page (control/journal.py): the index by seq kept beside
the journal's deque gives the order sorting would, however requests overlapped, were
cleared or fell off; a read parses at most SCAN records for a filter and says where to go on."""

from __future__ import annotations

import asyncio
import random
from collections import deque
from typing import Any

import httpx
import pytest

from sms_mocks.app import build_app
from sms_mocks.config import load
from sms_mocks.control import journal
from sms_mocks.control.journal import Order, entries


def sorted_newest(records: deque[Any], before: int | None) -> list[int]:
    return sorted((r[0] for r in records if before is None or r[0] < before), reverse=True)


@pytest.mark.parametrize("seed", range(12))
def test_the_order_is_what_sorting_by_seq_gives(seed: int) -> None:
    """Requests arrive (take a seq) and are answered (appended) in a shuffled order, some
    held very long; the deque drops its oldest, is cleared now and then, and is read at
    random moments from random places."""
    rng = random.Random(seed)
    records: deque[tuple[int]] = deque(maxlen=rng.choice([1, 5, 50, 300]))
    order = Order()
    in_flight: list[int] = []
    seq = 0
    for _ in range(3000):
        roll = rng.random()
        if roll < 0.45:
            seq += 1
            in_flight.append(seq)
        elif roll < 0.9 and in_flight:
            # mostly the oldest in flight, sometimes any, a few stay for a long time
            index = 0 if rng.random() < 0.6 else rng.randrange(len(in_flight))
            if in_flight[index] % 17 == 0 and rng.random() < 0.95:
                continue
            records.append((in_flight.pop(index),))
        elif roll < 0.905:
            records.clear()
        else:
            before = rng.choice([None, None, rng.randint(0, seq + 2)])
            got = [raw[0] for raw in order.newest_first(records, before)]
            assert got == sorted_newest(records, before)
            taken = rng.randint(0, 5)  # a read may stop early: the rest is not looked at
            assert [raw[0] for raw in list(order.newest_first(records))[:taken]] == \
                sorted_newest(records, None)[:taken]


def test_a_long_run_keeps_the_index_as_small_as_the_journal() -> None:
    records: deque[tuple[int]] = deque(maxlen=100)
    order = Order()
    for seq in range(1, 50_001):
        records.append((seq,))
        if seq % 7 == 0:
            assert next(order.newest_first(records))[0] == seq
    assert len(order.seqs) - order.start <= 100 and len(order.seqs) <= 100 + 4096 + 100
    assert len(order.arrival) == 100 and not order.gone


# -- reads of a big journal, in process --------------------------------------------------------
async def _get(app: Any, path: str, params: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.get(path, params=params)


@pytest.fixture(scope="module")
def big() -> Any:
    """An emulator whose journal holds 20,000 SMSC balance requests of alex's, made by
    copying one real record under new seqs (the last one refused)."""
    app = build_app(load(clock="virtual", journal_size=20_000))
    asyncio.run(_get(app, "/sys/balance.php", {"login": "alex", "psw": "123"}))
    asyncio.run(_get(app, "/sys/balance.php", {"login": "alex", "psw": "wrong"}))
    records = app.runtime.journal.records
    accepted, refused = records[0], records[1]
    records.clear()
    records.extend((seq, *accepted[1:]) for seq in range(1, 20_000))
    records.append((20_000, *refused[1:]))
    return app


def test_a_filter_that_matches_little_parses_at_most_scan_records(big: Any) -> None:
    runtime = big.runtime
    found, more, parsed = entries(runtime, 10, {"account": "nobody"}, None)
    assert (found, parsed) == ([], journal.SCAN)
    assert more == 20_000 - journal.SCAN + 1
    found, more, parsed = entries(runtime, 10, {"account": "alex"}, True)
    assert [e["seq"] for e in found] == [20_000] and parsed == journal.SCAN
    found, more, parsed = entries(runtime, 5, {"account": "alex"}, False)
    assert [e["seq"] for e in found] == [19_999, 19_998, 19_997, 19_996, 19_995]
    assert (more, parsed) == (19_995, 6)


def test_the_provider_filter_alone_parses_nothing_it_does_not_show(big: Any) -> None:
    runtime = big.runtime
    found, more, parsed = entries(runtime, 10, {"provider": "smspager"}, None,
                                  examined=5000)
    assert (found, more, parsed) == ([], 20_000 - 5000 + 1, 0)
    found, more, _ = entries(runtime, 3, {"provider": "smsc"}, None)
    assert [e["seq"] for e in found] == [20_000, 19_999, 19_998] and more == 19_998


def test_pages_over_http_follow_next_to_the_oldest(big: Any) -> None:
    answer = asyncio.run(_get(big, "/_mock/journal", {"limit": "2"})).json()
    assert [e["seq"] for e in answer["entries"]] == [20_000, 19_999]
    assert answer["next"] == 19_999 and answer["size"] == 20_000
    answer = asyncio.run(_get(big, "/_mock/journal", {"before": "3"})).json()
    assert [e["seq"] for e in answer["entries"]] == [2, 1] and "next" not in answer
    answer = asyncio.run(_get(big, "/_mock/journal", {"limit": "5000"})).json()
    assert len(answer["entries"]) == journal.MAX_LIMIT and answer["next"] == 19_001
    response = asyncio.run(_get(big, "/_mock/journal", {"before": "x"}))
    assert (response.status_code, response.json()) == (
        400, {"error": "before is a seq, a whole number"})
