"""Status changes, published to whoever listens (live UI, callbacks, waiters).

Publishing costs nothing when nobody listens, which is the case on the hot path of a benchmark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sms_mocks.core.messages import Message, State


@dataclass(frozen=True, slots=True)
class StatusEvent:
    message: Message
    state: State
    at: float
    err: int


Listener = Callable[[StatusEvent], None]
Interest = Callable[[Message], bool]


class EventBus:
    """Listeners, each with an optional interest: a cheap test on the message, so a listener
    that cares about a few accounts costs the others nothing (no event is even built)."""

    def __init__(self) -> None:
        # A tuple, replaced on change, so publishing iterates without copying.
        self._listeners: tuple[tuple[Listener, Interest | None], ...] = ()
        # A weak reference to what the bus's callbacks wait for (outbound/outbox.py's
        # set_barrier); kept here, as a compiled bus takes no weak reference itself.
        self.barrier: object | None = None

    def subscribe(self, listener: Listener, interest: Interest | None = None
                  ) -> Callable[[], None]:
        entry = (listener, interest)
        self._listeners += (entry,)

        def unsubscribe() -> None:
            # by its members: compiled code may rebuild a tuple, so `is` on it can miss
            self._listeners = tuple(e for e in self._listeners
                                    if e[0] is not listener or e[1] is not interest)

        return unsubscribe

    def publish(self, event: StatusEvent) -> None:
        for listener, interest in self._listeners:
            if interest is None or interest(event.message):
                listener(event)

    def emit(self, message: Message, state: State, at: float, err: int) -> None:
        """Publish a status change, building its event only if some listener wants it."""
        event = None
        for listener, interest in self._listeners:
            if interest is None or interest(message):
                if event is None:
                    event = StatusEvent(message, state, at, err)
                listener(event)

    @property
    def active(self) -> bool:
        return bool(self._listeners)
