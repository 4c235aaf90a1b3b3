"""Outcomes in the core: magic codes, rules, carrier profiles, and the engine's progressions
(immediate, seconds, polls, held) and manual endings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sms_mocks.core import carriers, outcomes
from sms_mocks.core.accounts import Account
from sms_mocks.core.clock import Clock
from sms_mocks.core.delivery import DELIVER, READ_SECONDS, Outcome
from sms_mocks.core.gateway import REFUSALS, Gateway, Item, Refusal, SendRefused, SendRequest
from sms_mocks.core.messages import Message, State

T0 = 1_000_000.0
PROVIDERS = ("smsc", "smspager", "targetsms")


def gateway(carrier: str = "healthy") -> tuple[Gateway, Account]:
    gw = Gateway(clock=Clock.virtual(start=T0))
    account = Account(provider="smsc", login="shop", password="x", balance=Decimal("100"),
                      carrier=carrier)
    gw.accounts.add(account)
    seen: list[tuple[int, State, float, int]] = []
    gw.events.subscribe(lambda e: seen.append((e.message.id, e.state, e.at, e.err)))
    _SEEN[id(gw)] = seen
    return gw, account


_SEEN: dict[int, list[tuple[int, State, float, int]]] = {}


def seen(gw: Gateway) -> list[tuple[int, State, float, int]]:
    """The status events a gateway published, in order: (id, state, at, err)."""
    return _SEEN[id(gw)]


def send(gw: Gateway, account: Account, *phones: str, text: str = "hi") -> list[Message]:
    return gw.send(account, SendRequest([Item(list(phones), text)])).messages


# magic codes ------------------------------------------------------------------------------
@pytest.mark.parametrize(("digits", "code"), [("79000001006", 1006), ("79000009001", 9001),
                                              ("79000000000", 0), ("79161234567", None),
                                              ("790000010060", None), ("7900000100", None)])
def test_magic_code_of_a_number(digits: str, code: int | None) -> None:
    assert outcomes.magic_code(digits) == code


@pytest.mark.parametrize(("text", "code"), [("hi mock:1006", 1006), ("mock:0002!", 2),
                                            ("mock:10060", None), ("mock:106", None),
                                            ("no token", None), ("MOCK:1006", None)])
def test_token_code_of_a_text(text: str, code: int | None) -> None:
    assert outcomes.token_code(text) == code


def test_outcome_for_each_kind_of_code() -> None:
    assert outcomes.outcome_for(0) is DELIVER
    assert outcomes.outcome_for(1) is outcomes.NEVER_ANSWERS
    assert outcomes.outcome_for(2) == Outcome(State.SENT)
    assert outcomes.outcome_for(3) == Outcome(State.READ)
    assert outcomes.outcome_for(4) is None
    assert outcomes.outcome_for(1000) is None
    assert outcomes.outcome_for(1042) == Outcome(State.UNDELIVERED, err=42)
    assert outcomes.outcome_for(2000) == Outcome(queue_seconds=0, report_seconds=0)
    assert outcomes.outcome_for(2045) == Outcome(queue_seconds=0, report_seconds=45)
    assert outcomes.outcome_for(3000) == Outcome(polls=1)
    assert outcomes.outcome_for(3007) == Outcome(polls=7)
    assert outcomes.outcome_for(8249) is None and outcomes.outcome_for(9001) is None


def test_each_refusal_has_a_code() -> None:
    assert [outcomes.refusal_index(9000 + i) for i in range(1, len(Refusal) + 1)] == \
        list(range(1, len(Refusal) + 1))
    assert REFUSALS[0] is Refusal.ACCOUNT_BLOCKED and REFUSALS[-1] is Refusal.UNDELIVERABLE
    assert outcomes.refusal_index(9000) == 0 and outcomes.refusal_index(8249) == 0
    assert outcomes.recipient_err(8249) == 249 and outcomes.recipient_err(8000) == 0


@pytest.mark.parametrize("reason", list(Refusal))
def test_a_refusal_code_refuses_the_whole_send_uncharged(reason: Refusal) -> None:
    gw, account = gateway()
    code = 9001 + REFUSALS.index(reason)
    with pytest.raises(SendRefused) as refused:
        send(gw, account, "79161234567", f"7900000{code}")
    assert refused.value.reason is reason
    assert account.balance == Decimal("100") and len(gw.store) == 0


def test_a_recipient_code_refuses_only_that_recipient() -> None:
    gw, account = gateway()
    [ok] = send(gw, account, "79161234567", "79000008250")
    assert ok.phone == "79161234567"
    [rejected] = [m for m in gw.store if m.state is State.REJECTED]
    assert (rejected.phone, rejected.err) == ("79000008250", 250)


# the engine's progressions ----------------------------------------------------------------
def test_immediate_ends_on_acceptance_with_every_event_at_that_moment() -> None:
    gw, account = gateway()
    [m] = send(gw, account, "79000002000")
    assert (m.state, m.state_at, m.due) == (State.DELIVERED, T0, None)
    assert seen(gw) == [(m.id, State.QUEUED, T0, 0), (m.id, State.SENT, T0, 0),
                       (m.id, State.DELIVERED, T0, 0)]


def test_a_scheduled_immediate_message_still_waits_for_its_time() -> None:
    gw, account = gateway()
    [m] = gw.send(account, SendRequest([Item(["79000002000"], "x")], send_at=T0 + 60)).messages
    gw.advance(59)
    assert m.state is State.QUEUED
    gw.advance(1)
    assert (m.state, m.state_at) == (State.DELIVERED, T0 + 60)


def test_read_is_delivered_then_read_later() -> None:
    gw, account = gateway()
    [m] = send(gw, account, "79000000003")
    gw.advance(6)
    assert (m.state, m.state_at) == (State.DELIVERED, T0 + 6)
    gw.advance(READ_SECONDS - 0.5)
    assert m.state is State.DELIVERED
    gw.advance(1)
    assert (m.state, m.state_at) == (State.READ, T0 + 6 + READ_SECONDS)
    assert [s for _, s, _, _ in seen(gw)] == [State.QUEUED, State.SENT,
                                             State.DELIVERED, State.READ]


def test_stuck_never_reports_and_never_expires() -> None:
    gw, account = gateway()
    [m] = send(gw, account, "79000000002")
    gw.advance(30 * 24 * 3600)
    assert (m.state, m.due, len(gw.engine)) == (State.SENT, None, 0)


def test_polls_count_status_reads_from_acceptance() -> None:
    gw, account = gateway()
    [m] = send(gw, account, "79000003003")
    gw.polled(m)  # still queued: counts
    gw.advance(3600)
    assert m.state is State.SENT
    gw.polled(m)
    assert m.state is State.SENT
    gw.polled(m)
    assert (m.state, m.state_at) == (State.DELIVERED, T0 + 3600)
    gw.polled(m)  # ended: nothing more happens
    assert m.state is State.DELIVERED


def test_reads_of_other_messages_cost_nothing() -> None:
    gw, account = gateway()
    [m] = send(gw, account, "79161234567")
    gw.polled(m)
    gw.polled(None)
    assert m.state is State.QUEUED and gw.engine._polls == {}


def test_finish_passes_through_sent_and_refunds_pay_on_delivery() -> None:
    gw, account = gateway()
    [m] = gw.send(account, SendRequest([Item(["79161234567"], "x")],
                                       pay_on_delivery=True)).messages
    before = account.balance
    gw.advance(0.5)
    gw.finish(m, State.UNDELIVERED, 13)
    assert (m.state, m.err, m.sent_at) == (State.UNDELIVERED, 13, T0 + 0.5)
    assert account.balance == before + m.cost
    gw.advance(100)  # its old timers are stale
    assert m.state is State.UNDELIVERED


def test_finish_read_from_sent_goes_through_delivered() -> None:
    gw, account = gateway()
    [m] = send(gw, account, "79000000002")
    gw.advance(2)
    gw.finish(m, State.READ)
    assert [s for _, s, _, _ in seen(gw)][-2:] == [State.DELIVERED, State.READ]


# rules ------------------------------------------------------------------------------------
def rule(spec: dict[str, object], rule_id: int = 1) -> outcomes.OutcomeRule:
    return outcomes.rule_from_spec(spec, rule_id, PROVIDERS)


def test_rule_spec_is_normalised() -> None:
    r = rule({"phone": "+7 (916) 123-45-67", "outcome": "undelivered", "err": 6,
              "progression": {"after": "seconds", "n": 12}})
    assert r.spec == {"id": 1, "provider": None, "account": None, "phone": "79161234567",
                      "outcome": "undelivered", "err": 6,
                      "progression": {"after": "seconds", "n": 12}}
    assert r.outcome == Outcome(State.UNDELIVERED, 6, report_seconds=12, queue_seconds=0)


@pytest.mark.parametrize(("spec", "outcome"), [
    ({}, DELIVER),
    ({"outcome": "read", "progression": {"after": "immediate"}},
     Outcome(State.READ, report_seconds=0, queue_seconds=0)),
    ({"outcome": "delivered", "progression": {"after": "polls", "n": 2}}, Outcome(polls=2)),
    ({"outcome": "expired", "progression": {"after": "seconds", "n": 5}}, Outcome(State.EXPIRED)),
    ({"outcome": "undelivered", "err": 1, "progression": {"after": "manual"}},
     Outcome(State.SENT)),
    ({"outcome": "stuck"}, Outcome(State.SENT)),
])
def test_rule_outcomes(spec: dict[str, object], outcome: Outcome) -> None:
    assert rule(spec).outcome == outcome


@pytest.mark.parametrize("spec", [
    [], {"outcome": "lost"}, {"outcome": "undelivered"}, {"outcome": "undelivered", "err": 0},
    {"outcome": "undelivered", "err": True}, {"err": 5}, {"provider": "nope"},
    {"phone": "not a phone"}, {"account": ""}, {"account": 5}, {"colour": "red"},
    {"progression": "immediate"}, {"progression": {"after": "later"}},
    {"progression": {"after": "seconds"}}, {"progression": {"after": "seconds", "n": -1}},
    {"progression": {"after": "seconds", "n": float("inf")}},
    {"progression": {"after": "polls", "n": 0}}, {"progression": {"after": "polls", "n": 1.5}},
    {"progression": {"after": "manual", "n": 3}},
])
def test_bad_rule_specs_are_refused(spec: object) -> None:
    with pytest.raises(ValueError):
        outcomes.rule_from_spec(spec, 1, PROVIDERS)


def test_the_newest_matching_rule_wins_and_magic_codes_beat_rules() -> None:
    gw, account = gateway()
    gw.outcome_rules = [rule({"account": "shop", "outcome": "undelivered", "err": 1}, 1),
                        rule({"phone": "79161234567", "outcome": "stuck"}, 2),
                        rule({"provider": "targetsms", "outcome": "expired"}, 3)]
    plain, other, magic = send(gw, account, "79161234567", "79161234568", "79000001006")
    gw.advance(3 * 24 * 3600)
    assert (plain.state, other.state, other.err) == (State.SENT, State.UNDELIVERED, 1)
    assert (magic.state, magic.err) == (State.UNDELIVERED, 6)


# carrier profiles -------------------------------------------------------------------------
def test_flaky_fails_a_fifth_deterministically_with_plausible_errs() -> None:
    picks = [carriers.outcome("flaky", i) for i in range(1, 2001)]
    failed = [o for o in picks if o.final is State.UNDELIVERED]
    assert 0.15 < len(failed) / len(picks) < 0.25
    assert {o.err for o in failed} == set(carriers.FLAKY_ERRS)
    assert picks == [carriers.outcome("flaky", i) for i in range(1, 2001)]


def test_slow_and_dead_profiles() -> None:
    gw, account = gateway("slow")
    [m] = send(gw, account, "79161234567")
    gw.advance(carriers.SLOW_QUEUE - 0.5)
    assert m.state is State.QUEUED
    gw.advance(0.5)
    assert (m.state, m.state_at) == (State.SENT, T0 + carriers.SLOW_QUEUE)
    gw.advance(carriers.SLOW_REPORT)
    assert (m.state, m.state_at) == (State.DELIVERED,
                                     T0 + carriers.SLOW_QUEUE + carriers.SLOW_REPORT)
    account.carrier = "dead"
    [d] = send(gw, account, "79161234567")
    gw.advance(24 * 3600 - 1)
    assert d.state is State.SENT
    gw.advance(1)
    assert d.state is State.EXPIRED


def test_throttling_lets_one_message_a_second_leave_per_account() -> None:
    gw, account = gateway("throttling")
    messages = send(gw, account, *(f"7916123456{i}" for i in range(4)))
    gw.advance(10)
    assert [m.sent_at for m in messages] == [T0 + 1, T0 + 2, T0 + 3, T0 + 4]
    assert all(m.state is State.DELIVERED for m in messages)
    later = send(gw, account, "79161234567")  # the account's queue is free again
    gw.advance(10)
    assert later[0].sent_at == T0 + 11


def test_a_profile_change_applies_to_messages_accepted_after_it() -> None:
    gw, account = gateway("dead")
    [before] = send(gw, account, "79161234567")
    account.carrier = "healthy"
    [after] = send(gw, account, "79161234567")
    gw.advance(10)
    assert (before.state, after.state) == (State.SENT, State.DELIVERED)
