"""The delivery engine: a timer queue on the clock that moves messages through their states.

queued ──▶ sent to operator ──▶ delivered ──▶ read
                          ├──▶ undelivered (err)
                          └──▶ expired, when validity runs out with no report

An outcome may also hold a message at "sent to operator" (stuck, or until moved by hand), or
until its N-th status read; those have no timer and never expire.

Each message holds only its next due transition, so advancing the clock costs the transitions
that fire, not the number of stored messages; the timers themselves are a TimerQueue, whose
fixed-delay lanes make the usual transition O(1). Transitions carry the time they were due, not the
time the clock was advanced, so timestamps do not depend on how a test steps the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sms_mocks.core.events import EventBus
from sms_mocks.core.messages import ERR_NONE, Message, State
from sms_mocks.core.timers import TimerQueue


@dataclass(frozen=True, slots=True)
class Timings:
    queue_seconds: float = 1.0  # queued → sent to operator
    report_seconds: float = 5.0  # sent → delivery report
    validity_seconds: float = 24 * 3600.0


READ_SECONDS = 10.0  # delivered → read, on the default timing

# What an outcome may end in: SENT is "stuck at the operator", held until moved by hand.
_ENDINGS = (State.DELIVERED, State.UNDELIVERED, State.EXPIRED, State.READ, State.SENT)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the network will do with a message, and when.

    `final` is DELIVERED, UNDELIVERED (with `err`), READ (delivered, then read), EXPIRED for a
    number that never answers, or SENT: held at the operator until moved through the control
    API, never expiring ("stuck", or manual progression). The report comes `report_seconds`
    after the message reached the operator, which it does `queue_seconds` after acceptance
    (None: the engine's defaults); with `polls`, it comes instead on the message's polls-th
    status read, and never by itself."""

    final: State = State.DELIVERED
    err: int = ERR_NONE
    report_seconds: float | None = None
    queue_seconds: float | None = None
    polls: int = 0
    # Who chose it, so a surprising fate can say why (core/outcomes.py: BY_NUMBER, BY_TOKEN,
    # BY_RULE; 0 for the usual course) and `source`, its magic code or rule id. Outcomes are
    # shared between messages, so this costs a message nothing.
    cause: int = 0
    source: int = 0

    def __post_init__(self) -> None:
        if self.final not in _ENDINGS:
            raise ValueError(f"an outcome ends delivered, undelivered, read, expired or "
                             f"held at the operator, not {self.final}")

    @property
    def held(self) -> bool:
        """Waits at the operator for something other than time: the API, or status reads."""
        return self.final is State.SENT or self.polls > 0


DELIVER = Outcome()


class DeliveryEngine:
    def __init__(self, events: EventBus, timings: Timings | None = None,
                 on_final: Callable[[Message], None] | None = None) -> None:
        self.events = events
        self.timings = timings or Timings()
        self.on_final = on_final  # the gateway settles money when a message ends
        self._timers: TimerQueue[Message] = TimerQueue()
        self._polls: dict[int, int] = {}  # status reads so far, by id, of messages that count

    def __len__(self) -> int:
        return len(self._timers)

    def submit(self, message: Message) -> None:
        message.state = State.QUEUED
        message.state_at = message.created_at
        if self.events.active:
            self.events.emit(message, State.QUEUED, message.created_at, ERR_NONE)
        outcome = message.outcome or DELIVER
        delay = outcome.queue_seconds
        lane: tuple[str, float] | None = None
        if delay is None:  # the usual delay has a FIFO lane; an outcome's own goes to the heap
            delay = self.timings.queue_seconds
            lane = ("queue", delay)
        start = max(message.send_at, message.created_at)
        if delay == 0 and start <= message.created_at:  # immediate: no timer at all
            self._step(message, message.created_at)
            return
        self._schedule(message, min(start + delay, message.valid_until), lane=lane)

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

    def finish(self, message: Message, state: State, at: float, err: int = ERR_NONE) -> None:
        """End a message by hand (the control API): through "sent to operator" if it is still
        queued, and through "delivered" if it is to be read; every step fires its event."""
        message.due = None
        self._polls.pop(message.id, None)
        if message.state is State.QUEUED:
            self._set(message, State.SENT, at, ERR_NONE)
        if state is State.READ and message.state is not State.DELIVERED:
            self._set(message, State.DELIVERED, at, ERR_NONE)
        self._set(message, state, at, err)

    def poll(self, message: Message, at: float) -> None:
        """A client read the status of a message whose outcome waits for reads: the
        outcome.polls-th read (counted from acceptance) delivers it, before that read answers."""
        outcome = message.outcome
        if outcome is None or message.state.final:
            return
        count = self._polls.get(message.id, 0) + 1
        if count < outcome.polls:
            self._polls[message.id] = count
            return
        self._polls.pop(message.id, None)
        self.finish(message, outcome.final, at, outcome.err)

    def resume(self, message: Message) -> None:
        """Re-arm a stored message's pending transition (after a restart): it fires when
        message.due comes, exactly as the timer it had would have."""
        if message.due is not None:
            self._timers.push(message.due, message)

    def clear(self) -> None:
        self._timers.clear()
        self._polls.clear()

    def _step(self, message: Message, at: float) -> None:
        state = message.state
        if state is State.QUEUED:
            if at >= message.valid_until:
                self._set(message, State.EXPIRED, at, ERR_NONE)
                return
            self._set(message, State.SENT, at, ERR_NONE)
            self._schedule_report(message, at)
        elif state is State.SENT:
            outcome = message.outcome or DELIVER
            if outcome.final is State.EXPIRED or at >= message.valid_until:
                self._set(message, State.EXPIRED, at, ERR_NONE)
            elif outcome.final is State.READ:
                self._set(message, State.DELIVERED, at, ERR_NONE)
                read_at = at + (READ_SECONDS if outcome.report_seconds is None else 0.0)
                if read_at <= at:
                    self._set(message, State.READ, at, ERR_NONE)
                else:
                    self._schedule(message, read_at)
            else:
                self._set(message, outcome.final, at, outcome.err)
        elif state is State.DELIVERED:  # only a message to be read has a timer now
            self._set(message, State.READ, at, ERR_NONE)

    def _schedule_report(self, message: Message, sent_at: float) -> None:
        outcome = message.outcome or DELIVER
        if outcome.held:
            return  # no timer: stays "sent to operator" until the API or a status read moves it
        if outcome.final is State.EXPIRED:
            self._schedule(message, message.valid_until)
            return
        delay = self.timings.report_seconds if outcome.report_seconds is None \
            else outcome.report_seconds
        if delay == 0 and sent_at < message.valid_until:
            self._step(message, sent_at)
            return
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
