"""The outbox: due deliveries in order per URL, retries on the emulator's clock, a last try,
a reset that forgets even what is on its way, and a bounded queue."""

from __future__ import annotations

from itertools import pairwise

from sms_mocks.core.clock import Clock
from sms_mocks.outbound.outbox import BACKOFF, Delivery, Outbox


def forms(batches: list[list[Delivery]]) -> list[list[str]]:
    return sorted([d.form["n"] for d in batch] for batch in batches)


def test_a_failing_delivery_is_retried_on_the_backoff_then_given_up() -> None:
    clock = Clock.virtual(1_000_000.0)
    outbox = Outbox(clock)
    outbox.post("http://r/a", {"n": "1"})
    tried_at = []
    for _ in range(len(BACKOFF) + 1):
        [batch] = outbox.take_due()
        tried_at.append(clock.now())
        outbox.done(batch[0], 500)
        outbox.finished(batch)
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
    assert forms(batches) == [["0", "1", "2"], ["b"]]
    outbox.post("http://r/a", {"n": "3"})
    assert outbox.take_due() == []  # http://r/a is still busy
    for batch in batches:
        for delivery in batch:
            outbox.done(delivery, 200)
        outbox.finished(batch)
    assert forms(outbox.take_due()) == [["3"]]


def test_a_retry_goes_after_what_followed_it_then_back_in_id_order() -> None:
    clock = Clock.virtual(0.0)
    outbox = Outbox(clock)
    for n in range(3):
        outbox.post("http://r/a", {"n": str(n)})
    [batch] = outbox.take_due()
    for delivery, status in zip(batch, (200, 500, 200), strict=True):
        outbox.done(delivery, status)
    outbox.finished(batch)
    outbox.post("http://r/a", {"n": "3"})
    outbox.post("http://r/a", {"n": "4"})
    clock.advance(5)
    [early] = outbox.take_due()
    assert [d.form["n"] for d in early] == ["3", "4"]  # "1" waits for its retry
    outbox.post("http://r/a", {"n": "5"})
    outbox.finished(early)
    clock.advance(5)
    assert forms(outbox.take_due()) == [["1", "5"]]


def test_a_reset_forgets_what_is_on_its_way() -> None:
    outbox = Outbox(Clock.virtual(0.0))
    outbox.post("http://r/a", {"n": "old"})
    [batch] = outbox.take_due()
    outbox.clear()
    outbox.post("http://r/a", {"n": "new"})
    assert forms(outbox.take_due()) == [["new"]]  # the URL is not held by the old batch
    outbox.done(batch[0], 500)  # the old POST reports back after the reset
    outbox.finished(batch)
    assert outbox.pending == 0 and list(outbox.history) == []


def test_a_full_queue_drops_new_callbacks_and_counts_them() -> None:
    outbox = Outbox(Clock.virtual(0.0), limit=3)
    for n in range(5):
        outbox.post(f"http://r/{n % 2}", {"n": str(n)})
    assert (outbox.pending, outbox.dropped) == (3, 2)
    assert forms(outbox.take_due()) == [["0", "2"], ["1"]]
    assert outbox.pending == 0


def test_nothing_due_looks_through_nothing() -> None:
    clock = Clock.virtual(0.0)
    outbox = Outbox(clock)
    outbox.post("http://r/a", {"n": "0"})
    [batch] = outbox.take_due()
    outbox.done(batch[0], 500)
    outbox.finished(batch)
    # take_due reads each URL's earliest due time; a queue itself is read only once it is due
    outbox._queues["http://r/a"] = None  # type: ignore[assignment]
    assert outbox.take_due() == []
