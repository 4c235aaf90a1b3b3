"""Outgoing HTTP the emulator sends on its own (status callbacks), with retries.

Each URL has its own queue, sent one POST at a time in the order the callbacks were made. A
POST that fails (a connection error, a timeout, or a status other than 2xx) is tried again
after BACKOFF[attempt] seconds of the emulator's clock, so a test advances the clock rather
than wait; after the last, it is given up. Meanwhile the URL's later callbacks go on, so a
retried one arrives after them. The sending itself is mocks/posting.py's job.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sms_mocks.core.clock import Clock

BACKOFF = (10.0, 60.0, 300.0, 900.0, 3600.0)  # seconds before each retry
HISTORY = 1000  # attempts kept for /_mock/callbacks
MAX_WAITING = 100_000  # callbacks queued at once; past it new ones are dropped and counted


@dataclass(slots=True)
class Delivery:
    id: int
    url: str
    form: dict[str, str]
    due: float
    generation: int  # the outbox's generation when posted: a reset forgets older ones
    attempts: int = 0


@dataclass(slots=True)
class Attempt:
    delivery: int
    url: str
    form: dict[str, str]
    attempt: int
    at: float
    status: int | None  # the HTTP status, or None when no answer came
    error: str = ""
    retry_at: float | None = None  # when it is tried again; None: delivered or given up


@dataclass
class Outbox:
    clock: Clock
    backoff: tuple[float, ...] = BACKOFF
    limit: int = MAX_WAITING
    history: deque[Attempt] = field(default_factory=lambda: deque(maxlen=HISTORY))
    dropped: int = 0  # posted while the queue was full
    _queues: dict[str, list[Delivery]] = field(default_factory=dict)  # by URL, in id order
    _earliest: dict[str, float] = field(default_factory=dict)  # each queue's first due time
    _waiting: int = 0
    _busy: set[str] = field(default_factory=set)  # URLs with a batch on its way
    _generation: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def post(self, url: str, form: dict[str, str]) -> None:
        if self._waiting >= self.limit:
            self.dropped += 1
            return
        delivery = Delivery(next(self._ids), url, form, self.clock.now(), self._generation)
        self._queue(delivery)

    def _queue(self, delivery: Delivery) -> None:
        queue = self._queues.setdefault(delivery.url, [])
        if queue and queue[-1].id > delivery.id:  # a retry goes back to its place
            index = next(i for i, d in enumerate(queue) if d.id > delivery.id)
            queue.insert(index, delivery)
        else:
            queue.append(delivery)
        self._earliest[delivery.url] = min(self._earliest.get(delivery.url, delivery.due),
                                           delivery.due)
        self._waiting += 1

    def take_due(self) -> list[list[Delivery]]:
        """What is due by now, one batch a URL in the order it was posted, for a sender to send
        one after the other (a receiver sees "sent" before "delivered"). A URL with a batch
        still on its way waits for the next call. Taken deliveries leave the queue until done.
        Only a URL with something due is looked through."""
        now = self.clock.now()
        due_urls = [url for url, at in self._earliest.items()
                    if at <= now and url not in self._busy]
        batches = []
        for url in due_urls:
            queue = self._queues[url]
            batch = [d for d in queue if d.due <= now]
            kept = [d for d in queue if d.due > now]
            if kept:
                self._queues[url] = kept
                self._earliest[url] = min(d.due for d in kept)
            else:
                del self._queues[url], self._earliest[url]
            self._waiting -= len(batch)
            self._busy.add(url)
            batches.append(batch)
        return batches

    def finished(self, batch: list[Delivery]) -> None:
        """The sender is through a batch (or gave up on it)."""
        if batch and batch[0].generation == self._generation:
            self._busy.discard(batch[0].url)

    def done(self, delivery: Delivery, status: int | None, error: str = "") -> None:
        if delivery.generation != self._generation:
            return  # posted before a reset: forgotten
        now = self.clock.now()
        delivery.attempts += 1
        ok = status is not None and 200 <= status < 300
        retry_at = None
        if not ok and delivery.attempts <= len(self.backoff):
            retry_at = now + self.backoff[delivery.attempts - 1]
            delivery.due = retry_at
            self._queue(delivery)
        self.history.append(Attempt(delivery.id, delivery.url, delivery.form,
                                    delivery.attempts, now, status, error, retry_at))

    @property
    def pending(self) -> int:
        return self._waiting

    def clear(self) -> None:
        """Forget everything, including batches on their way: what they report is ignored."""
        self._generation += 1
        self._queues.clear()
        self._earliest.clear()
        self._busy.clear()
        self._waiting = 0
        self.dropped = 0
        self.history.clear()
