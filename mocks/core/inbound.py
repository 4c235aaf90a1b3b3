"""Incoming SMS: replies sent from a phone to an account, kept newest last, bounded."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

KEPT = 1000


@dataclass(frozen=True, slots=True)
class Inbound:
    id: int
    provider: str
    login: str
    phone: str  # the sender, international digits
    to: str  # the number it was sent to, as given
    text: str
    at: float
    callback_url: str  # where it was passed on; "" when nowhere


@dataclass
class InboundStore:
    kept: deque[Inbound] = field(default_factory=lambda: deque(maxlen=KEPT))
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _listeners: list[Callable[[Inbound], None]] = field(default_factory=list)

    def new_id(self) -> int:
        return next(self._ids)

    def add(self, message: Inbound) -> None:
        self.kept.append(message)  # past KEPT the oldest goes
        for listener in list(self._listeners):
            listener(message)

    def subscribe(self, listener: Callable[[Inbound], None]) -> Callable[[], None]:
        """Call `listener` with every message added from now on; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def clear(self) -> None:
        self.kept.clear()
