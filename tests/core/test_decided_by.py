"""A message whose fate a magic number, a "mock:" token or an outcome rule chose says so, and
the magic range can be moved or switched off."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sms_mocks.core import outcomes
from sms_mocks.core.accounts import Account
from sms_mocks.core.clock import Clock
from sms_mocks.core.gateway import Gateway, Item, Refusal, SendRefused, SendRequest
from sms_mocks.core.messages import Message, State

PLAIN = "79161234567"


def gateway(prefix: str | None = outcomes.MAGIC_PREFIX) -> tuple[Gateway, Account]:
    gw = Gateway(clock=Clock.virtual(start=1_000_000.0), magic_prefix=prefix)
    account = Account(provider="smsc", login="shop", password="x", balance=Decimal("100"))
    gw.accounts.add(account)
    return gw, account


def send(gw: Gateway, account: Account, *phones: str, text: str = "hi") -> list[Message]:
    return gw.send(account, SendRequest([Item(list(phones), text)])).messages


def why(message: Message) -> str | None:
    return outcomes.decided_by(message.outcome, message.phone)


def test_a_magic_number_says_so_and_an_ordinary_one_says_nothing() -> None:
    gw, account = gateway()
    silent, plain = send(gw, account, "79000000001", PLAIN)
    assert why(silent) == ("magic number 79000000001 "
                           "(never answered: expires when its validity ends)")
    assert why(plain) is None
    gw.advance(2 * 24 * 3600)
    assert (silent.state, plain.state) == (State.EXPIRED, State.DELIVERED)


def test_a_token_says_so_and_the_number_wins_over_it() -> None:
    gw, account = gateway()
    by_token, by_number = send(gw, account, PLAIN, "79000001006", text="x mock:2030")
    assert why(by_token) == "the text's mock:2030 (delivered 30 s after acceptance)"
    assert why(by_number) == "magic number 79000001006 (undelivered, err 6)"


def test_a_rule_names_its_id_and_what_it_does() -> None:
    gw, account = gateway()
    gw.outcome_rules = [outcomes.rule_from_spec(
        {"phone": PLAIN, "outcome": "undelivered", "err": 13,
         "progression": {"after": "seconds", "n": 20}}, 3, ("smsc",))]
    [ruled] = send(gw, account, PLAIN)
    assert why(ruled) == "outcome rule 3 (undelivered, err 13 20 s after sending)"
    [other] = send(gw, account, "79161234568")
    assert why(other) is None


@pytest.mark.parametrize(("spec", "said"), [
    ({"outcome": "stuck"}, "held at the operator until moved by hand"),
    ({"outcome": "expired"}, "never answered: expires when its validity ends"),
    ({"outcome": "read", "progression": {"after": "immediate"}}, "read at once"),
    ({"progression": {"after": "polls", "n": 2}}, "delivered on status read 2"),
    ({}, "delivered"),
])
def test_each_rule_effect_is_worded(spec: dict[str, object], said: str) -> None:
    rule = outcomes.rule_from_spec(spec, 1, ("smsc",))
    assert outcomes.decided_by(rule.decided, PLAIN) == f"outcome rule 1 ({said})"
    assert rule.outcome.cause == 0  # the rule's own outcome stays the plain effect


def test_every_special_code_is_worded() -> None:
    assert outcomes.code_effect(2) == "stuck at the operator, never reported"
    assert outcomes.code_effect(3) == "delivered, then read"
    assert outcomes.code_effect(2000) == "delivered at once"
    assert outcomes.code_effect(3000) == "delivered on status read 1"
    assert outcomes.code_effect(8249) == "refused on acceptance, err 249"
    assert outcomes.code_effect(9001) == "the whole send refused"
    assert outcomes.code_effect(4000) == "not a special code: the usual course"


def test_a_recipient_refused_by_its_number_keeps_why() -> None:
    gw, account = gateway()
    result = gw.send(account, SendRequest([Item([PLAIN, "79000008250"], "hi")]))
    [refused] = result.rejected
    assert refused.err == 250
    [stored] = [m for m in gw.store if m.state is State.REJECTED]
    assert why(stored) == "magic number 79000008250 (refused on acceptance, err 250)"


def test_a_send_refused_by_a_code_keeps_which() -> None:
    gw, account = gateway()
    with pytest.raises(SendRefused) as raised:
        send(gw, account, PLAIN, text="mock:9001")
    assert raised.value.reason is Refusal.ACCOUNT_BLOCKED
    assert outcomes.decided_by(raised.value.decided, raised.value.phone) == \
        "the text's mock:9001 (the whole send refused)"


def test_the_magic_range_can_be_switched_off() -> None:
    gw, account = gateway(prefix=None)
    [placeholder] = send(gw, account, "79000000001")
    assert why(placeholder) is None
    gw.advance(10)
    assert placeholder.state is State.DELIVERED
    [token] = send(gw, account, PLAIN, text="mock:1006")  # tokens still work: they are asked for
    gw.advance(10)
    assert (token.state, token.err) == (State.UNDELIVERED, 6)


def test_the_magic_range_can_be_moved() -> None:
    gw, account = gateway(prefix="7999000")
    moved, old = send(gw, account, "79990001006", "79000001006")
    gw.advance(10)
    assert (moved.state, moved.err) == (State.UNDELIVERED, 6)
    assert why(moved) == "magic number 79990001006 (undelivered, err 6)"
    assert (old.state, why(old)) == (State.DELIVERED, None)


def test_the_range_is_the_prefix_and_exactly_four_digits() -> None:
    assert outcomes.magic_code("79990001006", "7999000") == 1006
    assert outcomes.magic_code("799900010060", "7999000") is None
    assert outcomes.magic_code("79000001006", None) is None
    assert outcomes.magic_code("7900000١٠٠٦") is None  # Arabic-Indic digits are not a code


def test_messages_with_one_code_share_one_outcome() -> None:
    gw, account = gateway()
    first = send(gw, account, "79000003005")[0]
    second = send(gw, account, "79000003005")[0]
    assert first.outcome is second.outcome  # a million such messages cost one outcome
