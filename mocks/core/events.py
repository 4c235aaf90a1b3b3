"""Status changes, published to whoever listens (live UI, callbacks, waiters).

Publishing costs nothing when nobody listens, which is the case on the hot path of a benchmark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mocks.core.messages import Message, State


@dataclass(frozen=True, slots=True)
class StatusEvent:
    message: Message
    state: State
    at: float
    err: int


Listener = Callable[[StatusEvent], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, event: StatusEvent) -> None:
        for listener in tuple(self._listeners):
            listener(event)

    @property
    def active(self) -> bool:
        return bool(self._listeners)
