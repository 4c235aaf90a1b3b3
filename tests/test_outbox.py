"""The outbox: due deliveries in order per URL, retries on the emulator's clock, a last try."""

from __future__ import annotations

from itertools import pairwise

from mocks.core.clock import Clock
from mocks.outbox import BACKOFF, Outbox


def test_a_failing_delivery_is_retried_on_the_backoff_then_given_up() -> None:
    clock = Clock.virtual(1_000_000.0)
    outbox = Outbox(clock)
    outbox.post("http://r/a", {"n": "1"})
    tried_at = []
    for _ in range(len(BACKOFF) + 1):
        [[delivery]] = outbox.take_due()
        tried_at.append(clock.now())
        outbox.done(delivery, 500)
        outbox.finished(delivery.url)
        assert outbox.take_due() == []  # not before its time
        clock.advance(3600)
    assert [round(b - a) for a, b in pairwise(tried_at)] == [3600] * 5
    assert [a.retry_at is None for a in outbox.history] == [False] * 5 + [True]
    assert outbox.pending == 0
    gaps = [round(a.retry_at - a.at) for a in outbox.history if a.retry_at is not None]
    assert gaps == [int(b) for b in BACKOFF]


def test_one_url_gets_its_deliveries_in_order_one_batch_at_a_time() -> None:
    outbox = Outbox(Clock.virtual(0.0))
    for n in range(3):
        outbox.post("http://r/a", {"n": str(n)})
    outbox.post("http://r/b", {"n": "b"})
    batches = outbox.take_due()
    assert sorted([d.form["n"] for d in batch] for batch in batches) == [["0", "1", "2"],
                                                                         ["b"]]
    outbox.post("http://r/a", {"n": "3"})
    assert outbox.take_due() == []  # http://r/a is still busy
    for batch in batches:
        for delivery in batch:
            outbox.done(delivery, 200)
        outbox.finished(batch[0].url)
    assert [[d.form["n"] for d in batch] for batch in outbox.take_due()] == [["3"]]
