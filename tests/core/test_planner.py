"""The planner on its own: what a send would make, with nothing charged, counted or stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sms_mocks.core.accounts import Account, SenderState
from sms_mocks.core.clock import Clock
from sms_mocks.core.gateway import Gateway
from sms_mocks.core.limits import Rule, Streaks
from sms_mocks.core.messages import ERR_BAD_NUMBER, ERR_NUMBER_FORBIDDEN, ERR_NUMBER_LIMIT
from sms_mocks.core.outcomes import BY_NUMBER, BY_TOKEN
from sms_mocks.core.planner import Planner, package_use
from sms_mocks.core.sends import Item, Refusal, SendRefused, SendRequest

GOOD = "79999999999"
GOOD2 = "79161234567"
PREFIX = "7999000"


def _account(**kwargs: object) -> Account:
    return Account(provider="smsc", login="shop", password="p",  # type: ignore[arg-type]
                   senders={"Shop": SenderState.APPROVED, "Wait": SenderState.PENDING},
                   stop_list={"79990000000"}, **kwargs)


def _planner() -> tuple[Planner, Streaks]:
    streaks = Streaks(Clock.virtual(start=1_900_000_000))
    return Planner(streaks), streaks


def _request(*phones: str, text: str = "hello", sender: str | None = None,
             **kwargs: object) -> SendRequest:
    return SendRequest([Item(list(phones), text, sender)], **kwargs)  # type: ignore[arg-type]


def test_a_plan_prices_each_recipient_and_changes_no_account() -> None:
    planner, _ = _planner()
    account = _account()
    planned, rejected = planner.plan(account, _request(GOOD, GOOD2, "12", "79990000000",
                                                       GOOD, text="a" * 161), "7", None)
    assert [(p.phone, p.parts, p.cost, p.sender) for p in planned] == [
        (GOOD, 2, Decimal("2.80"), "Shop"), (GOOD2, 2, Decimal("2.80"), "Shop")]
    assert [(r.raw, r.err) for r in rejected] == [("12", ERR_BAD_NUMBER),
                                                  ("79990000000", ERR_NUMBER_FORBIDDEN)]
    assert (account.balance, account.ids_issued) == (Decimal("1000.00"), 0)


def test_a_whole_send_refused_names_why() -> None:
    planner, _ = _planner()
    account = _account(banned_words={"casino"})
    cases = [(_request(GOOD, sender="Nobody"), Refusal.SENDER_UNKNOWN),
             (_request(GOOD, sender="Wait"), Refusal.SENDER_NOT_MODERATED),
             (_request(GOOD, text="Win at the CASINO"), Refusal.TEXT_REJECTED),
             (_request("12", "34"), Refusal.BAD_NUMBERS),
             (_request("12", "79990000000"), Refusal.UNDELIVERABLE)]
    for request, reason in cases:
        with pytest.raises(SendRefused) as refused:
            planner.plan(account, request, "9", None)
        assert (refused.value.reason, refused.value.ext_id) == (reason, "9")


def test_a_magic_number_counts_only_inside_the_prefix_it_is_given() -> None:
    planner, _ = _planner()
    account = _account()
    magic = PREFIX + "0001"
    (inside,), _ = planner.plan(account, _request(magic), "1", PREFIX)
    (outside,), _ = planner.plan(account, _request(magic), "2", None)
    assert (inside.magic, inside.cause) == (1, BY_NUMBER)
    assert (outside.magic, outside.cause) == (None, BY_TOKEN)


def test_the_flood_streak_is_read_from_the_streaks_it_was_given() -> None:
    planner, streaks = _planner()
    account = _account()
    rule = Rule(max=1, window=60)
    planner.plan(account, _request(GOOD, per_number_rule=rule), "1", None)
    streaks.record((account.key, GOOD), rule)  # the gateway counts what it accepts
    planned, rejected = planner.plan(account, _request(GOOD, GOOD2, per_number_rule=rule), "2",
                                     None)
    assert [p.phone for p in planned] == [GOOD2]
    assert [(r.phone, r.err) for r in rejected] == [(GOOD, ERR_NUMBER_LIMIT)]


def test_equal_texts_and_costs_are_one_object_each() -> None:
    planner, _ = _planner()
    account = _account()
    first, _ = planner.plan(account, _request(GOOD, text="".join(["he", "llo"])), "1", None)
    again, _ = planner.plan(account, _request(GOOD2, text="".join(["hel", "lo"])), "2", None)
    assert first[0].text is again[0].text
    assert first[0].cost is again[0].cost
    assert planner.cost(Decimal("3.00"), 61, unit_seconds=1) == Decimal("3.05")  # per minute


def test_test_mode_plans_free_messages_but_e_mail_is_charged() -> None:
    planner, _ = _planner()
    account = _account(test_mode=True)
    (sms,), _ = planner.plan(account, _request(GOOD), "1", None)
    (mail,), _ = planner.plan(account, _request("a@b.ru", channel="mail"), "2", None)
    assert (sms.cost, mail.cost) == (Decimal("0"), Decimal("1.40"))


def test_package_use_takes_the_most_specific_package_with_room() -> None:
    planner, _ = _planner()
    account = _account(packages={"Россия": 1, "Остальные": 5})
    planned, _ = planner.plan(account, _request(GOOD, GOOD2), "1", None)
    assert package_use(account, planned, "1") == {"Россия": 1, "Остальные": 1}
    assert package_use(_account(), planned, "1") == {}
    with pytest.raises(SendRefused) as refused:
        package_use(_account(packages={"Россия": 1}), planned, "1")
    assert refused.value.reason is Refusal.PACKAGE_USED_UP


def test_the_gateway_plans_with_its_own_streaks() -> None:
    gateway = Gateway(clock=Clock.virtual(start=1_900_000_000))
    account = gateway.accounts.add(_account())
    rule = Rule(max=1, window=60)
    gateway.send(account, _request(GOOD, per_number_rule=rule))
    with pytest.raises(SendRefused) as refused:
        gateway.send(account, _request(GOOD, per_number_rule=rule))
    assert refused.value.reason is Refusal.UNDELIVERABLE
