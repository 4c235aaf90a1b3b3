"""The delivery engine: a timer queue on the clock that moves messages through their states.

queued ──▶ sent to operator ──▶ delivered
                          ├──▶ undelivered (err)
                          └──▶ expired, when validity runs out with no report

Each message holds only its next due transition, so advancing the clock costs the transitions
that fire, not the number of stored messages; the timers themselves are a TimerQueue, whose
fixed-delay lanes make the usual transition O(1). Transitions carry the time they were due, not the
time the clock was advanced, so timestamps do not depend on how a test steps the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mocks.core.events import EventBus
from mocks.core.messages import ERR_NONE, Message, State
from mocks.core.timers import TimerQueue


@dataclass(frozen=True, slots=True)
class Timings:
    queue_seconds: float = 1.0  # queued → sent to operator
    report_seconds: float = 5.0  # sent → delivery report
    validity_seconds: float = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the network will do with a message. `final` is DELIVERED, UNDELIVERED, or EXPIRED
    for a number that never answers (the report never comes)."""

    final: State = State.DELIVERED
    err: int = ERR_NONE
    report_seconds: float | None = None  # None: the engine's default

    def __post_init__(self) -> None:
        if self.final not in (State.DELIVERED, State.UNDELIVERED, State.EXPIRED):
            raise ValueError(f"an outcome ends delivered, undelivered or expired, not {self.final}")


DELIVER = Outcome()


class DeliveryEngine:
    def __init__(self, events: EventBus, timings: Timings | None = None,
                 on_final: Callable[[Message], None] | None = None) -> None:
        self.events = events
        self.timings = timings or Timings()
        self.on_final = on_final  # the gateway settles money when a message ends
        self._timers: TimerQueue[Message] = TimerQueue()

    def __len__(self) -> int:
        return len(self._timers)

    def submit(self, message: Message) -> None:
        message.state = State.QUEUED
        message.state_at = message.created_at
        if self.events.active:
            self.events.emit(message, State.QUEUED, message.created_at, ERR_NONE)
        delay = self.timings.queue_seconds
        leaves_at = max(message.send_at, message.created_at) + delay
        self._schedule(message, min(leaves_at, message.valid_until), lane=("queue", delay))

    def next_due(self) -> float | None:
        while True:
            entry = self._timers.peek()
            if entry is None:
                return None
            if entry[2].due == entry[0]:
                return entry[0]
            self._timers.pop()  # stale: the message moved some other way

    def run_due(self, now: float) -> int:
        fired = 0
        timers = self._timers
        while True:
            entry = timers.pop_due(now)
            if entry is None:
                break
            due, _, message = entry
            if message.due != due:
                continue
            message.due = None
            self._step(message, due)
            fired += 1
        return fired

    def cancel(self, message: Message, at: float) -> bool:
        """Stop a message that has not left yet (SMSC `-2`, SMS-Pager cancel)."""
        if message.state is not State.QUEUED:
            return False
        self.transition(message, State.CANCELLED, at)
        return True

    def transition(self, message: Message, state: State, at: float, err: int = ERR_NONE) -> None:
        """Move a message now (also used for manual transitions); drops its pending timer."""
        message.due = None
        self._set(message, state, at, err)
        if state is State.SENT:
            self._schedule_report(message, at)

    def clear(self) -> None:
        self._timers.clear()

    def _step(self, message: Message, at: float) -> None:
        if message.state is State.QUEUED:
            if at >= message.valid_until:
                self._set(message, State.EXPIRED, at, ERR_NONE)
                return
            self._set(message, State.SENT, at, ERR_NONE)
            self._schedule_report(message, at)
        elif message.state is State.SENT:
            outcome: Outcome = message.outcome or DELIVER  # type: ignore[assignment]
            report_at = at
            if outcome.final is State.EXPIRED or report_at >= message.valid_until:
                self._set(message, State.EXPIRED, at, ERR_NONE)
            else:
                self._set(message, outcome.final, at, outcome.err)

    def _schedule_report(self, message: Message, sent_at: float) -> None:
        outcome: Outcome = message.outcome or DELIVER  # type: ignore[assignment]
        if outcome.final is State.EXPIRED:
            self._schedule(message, message.valid_until)
            return
        delay = self.timings.report_seconds if outcome.report_seconds is None \
            else outcome.report_seconds
        self._schedule(message, min(sent_at + delay, message.valid_until),
                       lane=("report", delay))

    def _schedule(self, message: Message, due: float, lane: tuple[str, float] | None = None
                  ) -> None:
        message.due = due
        self._timers.push(due, message, lane)

    def _set(self, message: Message, state: State, at: float, err: int) -> None:
        message.state = state
        message.state_at = at
        message.err = err
        if state is State.SENT:
            message.sent_at = at
        elif state.final and self.on_final is not None:
            self.on_final(message)
        if self.events.active:
            self.events.emit(message, state, at, err)
