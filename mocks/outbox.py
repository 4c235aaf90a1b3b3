"""Outgoing HTTP the emulator sends on its own (status callbacks), with retries.

A POST that fails (a connection error, a timeout, or a status other than 2xx) is tried again
after BACKOFF[attempt] seconds of the emulator's clock, so a test advances the clock rather
than wait; after the last, it is given up. The sending itself is real HTTP, done off the event
loop by the app's ticker (app.py), a few at a time.
"""

from __future__ import annotations

import itertools
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from mocks.core.clock import Clock

BACKOFF = (10.0, 60.0, 300.0, 900.0, 3600.0)  # seconds before each retry
TIMEOUT = 5.0
HISTORY = 1000  # attempts kept for /_mock/callbacks


@dataclass(slots=True)
class Delivery:
    id: int
    url: str
    form: dict[str, str]
    due: float
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
    _waiting: list[Delivery] = field(default_factory=list)
    history: deque[Attempt] = field(default_factory=lambda: deque(maxlen=HISTORY))
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _busy: set[str] = field(default_factory=set)  # URLs with a batch on its way

    def post(self, url: str, form: dict[str, str]) -> None:
        self._waiting.append(Delivery(next(self._ids), url, form, self.clock.now()))

    def take_due(self) -> list[list[Delivery]]:
        """What is due by now, one batch a URL in the order it was posted, for a sender to send
        one after the other (a receiver sees "sent" before "delivered"). A URL with a batch
        still on its way waits for the next call. Taken deliveries leave the queue until done."""
        if not self._waiting:
            return []
        now = self.clock.now()
        batches: dict[str, list[Delivery]] = {}
        kept = []
        for delivery in self._waiting:
            if delivery.due <= now and delivery.url not in self._busy:
                batches.setdefault(delivery.url, []).append(delivery)
            else:
                kept.append(delivery)
        if batches:
            self._waiting = kept
            self._busy.update(batches)
        return [sorted(batch, key=lambda d: d.id) for batch in batches.values()]

    def finished(self, url: str) -> None:
        """The sender is through a URL's batch."""
        self._busy.discard(url)

    def done(self, delivery: Delivery, status: int | None, error: str = "") -> None:
        now = self.clock.now()
        delivery.attempts += 1
        ok = status is not None and 200 <= status < 300
        retry_at = None
        if not ok and delivery.attempts <= len(self.backoff):
            retry_at = now + self.backoff[delivery.attempts - 1]
            delivery.due = retry_at
            self._waiting.append(delivery)
        self.history.append(Attempt(delivery.id, delivery.url, delivery.form,
                                    delivery.attempts, now, status, error, retry_at))

    @property
    def pending(self) -> int:
        return len(self._waiting)

    def clear(self) -> None:
        self._waiting.clear()
        self.history.clear()


# No proxy from the environment: a callback goes where the account says, loopback included.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post_form(url: str, form: dict[str, str], timeout: float = TIMEOUT) -> tuple[int | None, str]:
    """(status, error): one form-encoded POST, blocking; run it off the event loop."""
    data = urllib.parse.urlencode(form).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "sms-mocks"})
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            answer.read(65536)
            return answer.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
