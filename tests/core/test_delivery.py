"""The delivery engine: timed transitions on the clock, outcomes by number, events in order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sms_mocks.core import outcomes
from sms_mocks.core.accounts import Account
from sms_mocks.core.clock import Clock
from sms_mocks.core.delivery import DELIVER, DeliveryEngine, Outcome, Timings
from sms_mocks.core.events import EventBus, StatusEvent
from sms_mocks.core.messages import Message, MessageStore, State

T0 = 1_000_000.0
VALIDITY = 3600.0
TIMINGS = Timings(queue_seconds=1, report_seconds=5, validity_seconds=VALIDITY)
ACCOUNT = Account(provider="smsc", login="shop", password="x")


class Rig:
    def __init__(self) -> None:
        self.clock = Clock.virtual(start=T0)
        self.events = EventBus()
        self.seen: list[tuple[int, State, float, int]] = []
        self.events.subscribe(lambda e: self.seen.append((e.message.id, e.state, e.at, e.err)))
        self.engine = DeliveryEngine(self.events, TIMINGS)
        self._ids = 0

    def submit(self, *, outcome: Outcome | None = None, send_at: float | None = None,
               valid: float = VALIDITY) -> Message:
        self._ids += 1
        now = self.clock.now()
        start = now if send_at is None else send_at
        message = Message(
            id=self._ids, account=ACCOUNT, ext_id=str(self._ids), phone="79999999999",
            text="hi", sender="", parts=1, cost=Decimal("1.40"), created_at=now,
            send_at=start, valid_until=start + valid, outcome=outcome)
        self.engine.submit(message)
        return message

    def advance(self, seconds: float) -> int:
        return self.engine.run_due(self.clock.advance(seconds))


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_message_is_queued_on_submit(rig: Rig) -> None:
    message = rig.submit()
    assert (message.state, message.state_at, message.due) == (State.QUEUED, T0, T0 + 1)


def test_queued_then_sent_then_delivered(rig: Rig) -> None:
    message = rig.submit()
    assert rig.advance(0.999) == 0
    assert message.state is State.QUEUED
    assert rig.advance(0.001) == 1
    assert (message.state, message.state_at) == (State.SENT, T0 + 1)
    assert rig.advance(4.999) == 0
    assert message.state is State.SENT
    assert rig.advance(0.001) == 1
    assert (message.state, message.state_at, message.err) == (State.DELIVERED, T0 + 6, 0)
    assert message.due is None


def test_transitions_carry_their_due_time_not_the_clock_time(rig: Rig) -> None:
    message = rig.submit()
    assert rig.advance(1000) == 2
    assert message.timeline() == [(State.QUEUED, T0, 0), (State.SENT, T0 + 1, 0),
                                  (State.DELIVERED, T0 + 6, 0)]


def test_undelivered_outcome_reports_its_err(rig: Rig) -> None:
    message = rig.submit(outcome=Outcome(State.UNDELIVERED, err=6))
    rig.advance(10)
    assert (message.state, message.state_at, message.err) == (State.UNDELIVERED, T0 + 6, 6)


def test_outcome_with_its_own_report_delay(rig: Rig) -> None:
    message = rig.submit(outcome=Outcome(report_seconds=30))
    rig.advance(30)
    assert message.state is State.SENT
    rig.advance(1)
    assert (message.state, message.state_at) == (State.DELIVERED, T0 + 31)


def test_never_answers_expires_exactly_at_valid_until(rig: Rig) -> None:
    message = rig.submit(outcome=outcomes.NEVER_ANSWERS)
    rig.advance(VALIDITY - 0.5)
    assert message.state is State.SENT
    rig.advance(10_000)
    assert (message.state, message.state_at, message.err) == (State.EXPIRED, T0 + VALIDITY, 0)


def test_report_later_than_validity_expires_at_valid_until(rig: Rig) -> None:
    message = rig.submit(outcome=Outcome(report_seconds=100), valid=50)
    rig.advance(1000)
    assert (message.state, message.state_at) == (State.EXPIRED, T0 + 50)


def test_validity_shorter_than_the_queue_expires_before_sending(rig: Rig) -> None:
    message = rig.submit(valid=0.5)
    rig.advance(10)
    assert [s for s, _, _ in message.timeline()] == [State.QUEUED, State.EXPIRED]


def test_scheduled_message_stays_queued_until_send_at(rig: Rig) -> None:
    message = rig.submit(send_at=T0 + 600)
    rig.advance(600)
    assert message.state is State.QUEUED
    rig.advance(1)
    assert (message.state, message.state_at) == (State.SENT, T0 + 601)
    rig.advance(5)
    assert (message.state, message.state_at) == (State.DELIVERED, T0 + 606)


def test_send_at_in_the_past_counts_from_creation(rig: Rig) -> None:
    message = rig.submit(send_at=T0 - 600)
    assert message.due == T0 + 1


def test_events_are_published_in_order(rig: Rig) -> None:
    rig.submit()
    rig.submit(outcome=Outcome(State.UNDELIVERED, err=6))
    rig.advance(100)
    assert rig.seen == [
        (1, State.QUEUED, T0, 0), (2, State.QUEUED, T0, 0),
        (1, State.SENT, T0 + 1, 0), (2, State.SENT, T0 + 1, 0),
        (1, State.DELIVERED, T0 + 6, 0), (2, State.UNDELIVERED, T0 + 6, 6),
    ]


def test_run_due_order_for_equal_due_times_is_submission_order(rig: Rig) -> None:
    messages = [rig.submit() for _ in range(20)]
    rig.advance(1)
    assert [i for i, state, _, _ in rig.seen if state is State.SENT] == [m.id for m in messages]


def test_earlier_due_fires_first_regardless_of_submission(rig: Rig) -> None:
    late = rig.submit(send_at=T0 + 100)
    early = rig.submit()
    rig.advance(200)
    sent = [i for i, state, _, _ in rig.seen if state is State.SENT]
    assert sent == [early.id, late.id]


def test_cancel_works_while_queued(rig: Rig) -> None:
    message = rig.submit(send_at=T0 + 600)
    assert rig.engine.cancel(message, T0 + 10)
    assert (message.state, message.state_at, message.due) == (State.CANCELLED, T0 + 10, None)
    assert rig.advance(10_000) == 0
    assert message.state is State.CANCELLED


def test_cancel_fails_once_sent(rig: Rig) -> None:
    message = rig.submit()
    rig.advance(1)
    assert not rig.engine.cancel(message, T0 + 2)
    assert message.state is State.SENT
    rig.advance(5)
    assert message.state is State.DELIVERED
    assert not rig.engine.cancel(message, T0 + 7)
    assert message.state is State.DELIVERED


def test_next_due_skips_stale_timers(rig: Rig) -> None:
    first = rig.submit()
    rig.clock.advance(0.5)
    rig.submit()
    assert rig.engine.next_due() == T0 + 1
    rig.engine.cancel(first, T0 + 0.5)
    assert rig.engine.next_due() == T0 + 1.5
    rig.advance(100)
    assert rig.engine.next_due() is None


def test_manual_transition_to_sent_schedules_the_report(rig: Rig) -> None:
    message = rig.submit(send_at=T0 + 600)
    rig.engine.transition(message, State.SENT, T0)
    assert message.due == T0 + 5
    rig.advance(5)
    assert (message.state, message.state_at) == (State.DELIVERED, T0 + 5)


def test_manual_final_transition_drops_the_timer(rig: Rig) -> None:
    message = rig.submit()
    rig.engine.transition(message, State.UNDELIVERED, T0, err=20)
    assert rig.advance(100) == 0
    assert (message.state, message.err) == (State.UNDELIVERED, 20)


def test_clear_drops_every_timer(rig: Rig) -> None:
    rig.submit()
    rig.engine.clear()
    assert len(rig.engine) == 0
    assert rig.advance(100) == 0


def test_outcome_must_be_final_or_held() -> None:
    assert Outcome(State.SENT).held  # stuck at the operator
    with pytest.raises(ValueError):
        Outcome(State.QUEUED)
    with pytest.raises(ValueError):
        Outcome(State.CANCELLED)


# outcomes ---------------------------------------------------------------------------------
def test_magic_number_that_never_answers() -> None:
    assert outcomes.for_phone("79000000001") is outcomes.NEVER_ANSWERS
    assert outcomes.NEVER_ANSWERS.final is State.EXPIRED


def test_magic_number_undelivered_with_its_err() -> None:
    assert outcomes.for_phone("79000001006") == Outcome(State.UNDELIVERED, err=6)
    assert outcomes.for_phone("79000001999") == Outcome(State.UNDELIVERED, err=999)


@pytest.mark.parametrize("digits", ["79999999999", "79000000000", "79000004000",
                                    "79000001000", "790000010060", "380671234567"])
def test_other_numbers_are_delivered(digits: str) -> None:
    assert outcomes.for_phone(digits) == DELIVER
    assert DELIVER.final is State.DELIVERED


# events and messages ----------------------------------------------------------------------
def test_event_bus_is_inactive_without_listeners_and_unsubscribes() -> None:
    bus = EventBus()
    got: list[StatusEvent] = []
    assert not bus.active
    unsubscribe = bus.subscribe(got.append)
    assert bus.active
    unsubscribe()
    unsubscribe()  # twice is harmless
    assert not bus.active


def test_state_final_and_label() -> None:
    assert [s for s in State if s.final] == [State.DELIVERED, State.UNDELIVERED, State.EXPIRED,
                                             State.CANCELLED, State.REJECTED, State.READ]
    assert State.UNDELIVERED.label == "undelivered"


def test_store_keeps_the_newest_message_for_an_id_and_phone(rig: Rig) -> None:
    store = MessageStore()
    old, new = rig.submit(), rig.submit()
    new.ext_id = old.ext_id
    store.add(old)
    store.add(new)
    assert store.find(ACCOUNT, old.ext_id, old.phone) is new
    assert store.get(old.id) is old
    assert len(store) == 2
    store.remove(old)  # the index entry belongs to `new`, so it stays
    assert store.find(ACCOUNT, old.ext_id, old.phone) is new
    assert store.get(old.id) is None
