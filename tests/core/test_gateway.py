"""The gateway's send command: all-or-nothing charging, refusals, rejections, ids and time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sms_mocks.core.accounts import Account, SenderState
from sms_mocks.core.changes import Changes
from sms_mocks.core.clock import Clock
from sms_mocks.core.delivery import Timings
from sms_mocks.core.events import StatusEvent
from sms_mocks.core.gateway import (
    Gateway,
    Item,
    RecipientKind,
    Refusal,
    SendRefused,
    SendRequest,
    SendResult,
    recipient_kind,
)
from sms_mocks.core.limits import Limits, Rule
from sms_mocks.core.messages import State

T0 = 1_900_000_000
GOOD = "79999999999"
GOOD2 = "79161234567"
FLOOD = Rule(max=50, window=60)


@pytest.fixture
def gw() -> Gateway:
    gateway = Gateway(clock=Clock.virtual(start=T0),
                      timings=Timings(queue_seconds=1, report_seconds=5, validity_seconds=3600),
                      limits=Limits({"smsc.balance_requests": Rule(max=2, window=60)}))
    gateway.accounts.add(Account(
        provider="smsc", login="shop", password="secret", balance=Decimal("1000.00"),
        senders={"Shop": SenderState.APPROVED, "Wait": SenderState.PENDING,
                 "No": SenderState.REJECTED},
        stop_list={"79990000000"}))
    return gateway


@pytest.fixture
def shop(gw: Gateway) -> Account:
    account = gw.accounts.get("smsc", "shop")
    assert account is not None
    return account


def send(gw: Gateway, account: Account, *phones: str, text: str = "hello",
         sender: str | None = None, dry_run: bool = False, **kwargs: object) -> SendResult:
    request = SendRequest([Item(list(phones), text, sender)], **kwargs)  # type: ignore[arg-type]
    return gw.send(account, request, dry_run=dry_run)


def refusal(gw: Gateway, account: Account, *phones: str, **kwargs: object) -> Refusal:
    with pytest.raises(SendRefused) as caught:
        send(gw, account, *phones, **kwargs)
    return caught.value.reason


# charging ---------------------------------------------------------------------------------
def test_send_charges_price_times_parts_times_recipients(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, GOOD, GOOD2, "79011234567", text="a" * 161)  # 2 parts
    assert (result.parts, result.cost) == (6, Decimal("8.40"))
    assert shop.balance == result.balance == Decimal("991.60")
    assert [m.cost for m in result.messages] == [Decimal("2.80")] * 3
    assert [m.parts for m in result.messages] == [2, 2, 2]


def test_repeated_sends_are_exact(gw: Gateway, shop: Account) -> None:
    for _ in range(3):
        send(gw, shop, GOOD)
    assert str(shop.balance) == "995.80"


def test_tariff_by_operator_is_used(gw: Gateway, shop: Account) -> None:
    shop.tariff.prices["25001"] = Decimal("2.10")  # МТС
    result = send(gw, shop, GOOD, GOOD2)
    assert result.cost == Decimal("3.50")


def test_non_sms_channel_counts_one_unit_per_recipient(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, GOOD, text="a" * 500, channel="viber")
    assert (result.parts, result.cost) == (1, Decimal("1.40"))


def test_dry_run_charges_nothing_and_stores_nothing(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, GOOD, GOOD2, text="a" * 161, dry_run=True)
    assert (result.parts, result.cost, result.messages) == (4, Decimal("5.60"), [])
    assert shop.balance == Decimal("1000.00")
    assert len(gw.store) == 0
    assert len(gw.engine) == 0
    assert send(gw, shop, GOOD).ext_id == "1"  # dry runs take no id


def test_no_funds_refuses_and_charges_nothing(gw: Gateway, shop: Account) -> None:
    shop.balance = Decimal("2.79")
    assert refusal(gw, shop, GOOD, GOOD2) is Refusal.NO_FUNDS
    assert shop.balance == Decimal("2.79")
    assert len(gw.store) == 0


def test_credit_allows_sending_below_zero(gw: Gateway, shop: Account) -> None:
    shop.balance, shop.credit = Decimal("0"), Decimal("1.40")
    assert send(gw, shop, GOOD).balance == Decimal("-1.40")
    assert refusal(gw, shop, GOOD) is Refusal.NO_FUNDS


def test_maxsms_trims_the_text_and_its_cost(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, GOOD, text="a" * 1000, maxsms=2)
    assert result.messages[0].text == "a" * 306
    assert result.cost == Decimal("2.80")


def test_translit_is_applied_before_segmenting(gw: Gateway, shop: Account) -> None:
    message = send(gw, shop, GOOD, text="Привет", translit=1).messages[0]
    assert (message.text, message.encoding) == ("Privet", "GSM-7")


# refusals ---------------------------------------------------------------------------------
def test_unknown_sender_is_refused(gw: Gateway, shop: Account) -> None:
    assert refusal(gw, shop, GOOD, sender="Nobody") is Refusal.SENDER_UNKNOWN


@pytest.mark.parametrize("sender", ["Wait", "No"])
def test_unmoderated_sender_is_refused(gw: Gateway, shop: Account, sender: str) -> None:
    assert refusal(gw, shop, GOOD, sender=sender) is Refusal.SENDER_NOT_MODERATED


def test_approved_or_default_sender_is_used(gw: Gateway, shop: Account) -> None:
    assert send(gw, shop, GOOD, sender="Shop").messages[0].sender == "Shop"
    assert send(gw, shop, GOOD).messages[0].sender == "Shop"


def test_blocked_account_is_refused(gw: Gateway, shop: Account) -> None:
    shop.blocked = True
    assert refusal(gw, shop, GOOD) is Refusal.ACCOUNT_BLOCKED
    assert shop.balance == Decimal("1000.00")


def test_all_bad_numbers_are_refused(gw: Gateway, shop: Account) -> None:
    assert refusal(gw, shop, "abc", "123") is Refusal.BAD_NUMBERS
    assert len(gw.store) == 0
    assert shop.balance == Decimal("1000.00")


def test_a_stop_listed_number_alone_is_undeliverable(gw: Gateway, shop: Account) -> None:
    assert refusal(gw, shop, "79990000000") is Refusal.UNDELIVERABLE
    assert shop.balance == Decimal("1000.00")


def test_a_fixed_line_alone_is_undeliverable(gw: Gateway, shop: Account) -> None:
    assert refusal(gw, shop, "74957271122") is Refusal.UNDELIVERABLE


def test_refusal_carries_the_request_id(gw: Gateway, shop: Account) -> None:
    with pytest.raises(SendRefused) as caught:
        send(gw, shop, "abc", ext_id="42")
    assert caught.value.ext_id == "42"


# partial acceptance -----------------------------------------------------------------------
def test_good_and_bad_number_accepts_one_and_rejects_the_other(gw: Gateway,
                                                               shop: Account) -> None:
    result = send(gw, shop, GOOD, "abc")
    assert [m.phone for m in result.messages] == [GOOD]
    assert [(r.raw, r.err) for r in result.rejected] == [("abc", 249)]
    assert result.cost == Decimal("1.40")
    stored = gw.find(shop, result.ext_id, "abc")
    assert stored is not None
    assert (stored.state, stored.err, stored.cost) == (State.REJECTED, 249, Decimal("0"))


def test_stop_listed_number_among_good_ones_is_rejected_with_250(gw: Gateway,
                                                                 shop: Account) -> None:
    result = send(gw, shop, GOOD, "79990000000")
    assert [(r.phone, r.err) for r in result.rejected] == [("79990000000", 250)]
    stored = gw.find(shop, result.ext_id, "79990000000")
    assert stored is not None and stored.state is State.REJECTED


def test_duplicate_recipients_get_one_message(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, GOOD, "+7 999 999-99-99", "89999999999")
    assert len(result.messages) == 1
    assert result.cost == Decimal("1.40")


def test_find_accepts_any_form_of_the_number(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, GOOD)
    assert gw.find(shop, result.ext_id, "8 (999) 999-99-99") is result.messages[0]


# per-number flood rule --------------------------------------------------------------------
def test_per_number_flood_refuses_the_fifty_first_in_a_streak(gw: Gateway,
                                                               shop: Account) -> None:
    for _ in range(50):
        send(gw, shop, GOOD, per_number_rule=FLOOD)
        gw.advance(59)
    assert refusal(gw, shop, GOOD, per_number_rule=FLOOD) is Refusal.UNDELIVERABLE
    result = send(gw, shop, GOOD, GOOD2, per_number_rule=FLOOD)
    assert [(r.phone, r.err) for r in result.rejected] == [(GOOD, 251)]
    gw.advance(60)
    assert len(send(gw, shop, GOOD, per_number_rule=FLOOD).messages) == 1


def test_flood_rule_is_not_applied_without_a_rule(gw: Gateway, shop: Account) -> None:
    for _ in range(60):
        send(gw, shop, GOOD)
    assert shop.balance == Decimal("916.00")


def test_flood_streak_gap_follows_the_rule_window(gw: Gateway, shop: Account) -> None:
    rule = Rule(max=2, window=10)
    for _ in range(3):  # 30 s apart: each starts a new streak under a 10 s window
        send(gw, shop, GOOD, per_number_rule=rule)
        gw.advance(30)
    send(gw, shop, GOOD, per_number_rule=rule)  # starts a streak (30 s since the last)
    result = send(gw, shop, GOOD, per_number_rule=rule)  # the second of that streak: max=2
    assert len(result.messages) == 1


# ids, time and events ---------------------------------------------------------------------
def test_ids_auto_increment_per_account(gw: Gateway, shop: Account) -> None:
    other = gw.accounts.add(Account(provider="smsc", login="other", password="x"))
    assert [send(gw, shop, GOOD).ext_id for _ in range(3)] == ["1", "2", "3"]
    assert send(gw, other, GOOD).ext_id == "1"


def test_given_ext_id_is_kept(gw: Gateway, shop: Account) -> None:
    assert send(gw, shop, GOOD, ext_id="abc").ext_id == "abc"
    assert send(gw, shop, GOOD).ext_id == "1"


def test_message_ids_are_unique_across_accounts(gw: Gateway, shop: Account) -> None:
    other = gw.accounts.add(Account(provider="smsc", login="other", password="x"))
    ids = [send(gw, a, GOOD).messages[0].id for a in (shop, other, shop)]
    assert ids == [1, 2, 3]


def test_advance_fires_transitions(gw: Gateway, shop: Account) -> None:
    message = send(gw, shop, GOOD).messages[0]
    assert message.state is State.QUEUED
    assert gw.advance(1) == 1
    assert message.state is State.SENT
    assert gw.advance(1000) == 1
    assert (message.state, message.state_at) == (State.DELIVERED, T0 + 6)


def test_magic_number_outcome_is_attached(gw: Gateway, shop: Account) -> None:
    message = send(gw, shop, "79000001006").messages[0]
    gw.advance(10)
    assert (message.state, message.err) == (State.UNDELIVERED, 6)


def test_scheduled_send_and_validity(gw: Gateway, shop: Account) -> None:
    message = send(gw, shop, "79000000001", send_at=T0 + 600, valid_seconds=120).messages[0]
    assert (message.send_at, message.valid_until) == (T0 + 600, T0 + 720)
    gw.advance(600)
    assert message.state is State.QUEUED
    gw.advance(10_000)
    assert (message.state, message.state_at) == (State.EXPIRED, T0 + 720)


def test_send_at_in_the_past_means_now(gw: Gateway, shop: Account) -> None:
    message = send(gw, shop, GOOD, send_at=T0 - 100).messages[0]
    assert (message.send_at, message.valid_until) == (T0, T0 + 3600)


def test_events_follow_the_send(gw: Gateway, shop: Account) -> None:
    seen: list[StatusEvent] = []
    gw.events.subscribe(seen.append)
    send(gw, shop, GOOD, "abc")
    gw.advance(10)
    assert [(e.message.phone, e.state, e.at - T0) for e in seen] == [
        (GOOD, State.QUEUED, 0), ("abc", State.REJECTED, 0),
        (GOOD, State.SENT, 1), (GOOD, State.DELIVERED, 6)]


def test_delete_drops_the_message_and_its_timer(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, GOOD)
    gw.delete(result.messages[0])
    assert gw.find(shop, result.ext_id, GOOD) is None
    assert gw.advance(100) == 0


def test_clear_forgets_messages_but_keeps_accounts(gw: Gateway, shop: Account) -> None:
    send(gw, shop, GOOD)
    gw.clear()
    assert list(gw.messages()) == []
    assert gw.advance(100) == 0
    assert gw.accounts.get("smsc", "shop") is shop


# accounts and limits ----------------------------------------------------------------------
def test_authenticate(gw: Gateway, shop: Account) -> None:
    assert gw.authenticate("smsc", "shop", "secret") is shop
    assert gw.authenticate("smsc", "shop", "wrong") is None
    assert gw.authenticate("smspager", "shop", "secret") is None


def test_by_api_key_ignores_an_empty_key(gw: Gateway) -> None:
    account = gw.accounts.add(Account(provider="smsc", login="k", password="", api_keys={""}))
    assert gw.by_api_key("smsc", "") is None
    gw.accounts.set_api_keys(account, ["K"])
    assert gw.by_api_key("smsc", "K") is account


def test_allow_counts_under_a_named_rule(gw: Gateway, shop: Account) -> None:
    assert [gw.allow("smsc.balance_requests", shop, "k") for _ in range(3)] == [True, True,
                                                                              False]
    gw.advance(60)
    assert gw.allow("smsc.balance_requests", shop, "k")


def test_allow_honours_account_overrides(gw: Gateway, shop: Account) -> None:
    shop.limits = {"smsc.balance_requests": False}
    assert all(gw.allow("smsc.balance_requests", shop, "k") for _ in range(10))


def test_allow_an_unknown_rule_is_always_true(gw: Gateway, shop: Account) -> None:
    assert all(gw.allow("nope", shop, "k") for _ in range(10))


@pytest.mark.parametrize(("raw", "channel", "kind"), [
    ("a@b.ru", "mail", RecipientKind.EMAIL),
    ("not an address", "mail", RecipientKind.INVALID),
    ("@nick", "bot", RecipientKind.MESSENGER),
    ("#123", "bot", RecipientKind.MESSENGER),
    ("@nick", "sms", RecipientKind.PHONE),
    (GOOD, "sms", RecipientKind.PHONE),
])
def test_recipient_kind(raw: str, channel: str, kind: RecipientKind) -> None:
    assert recipient_kind(raw, channel) is kind


def test_mail_channel_sends_to_addresses(gw: Gateway, shop: Account) -> None:
    result = send(gw, shop, "a@b.ru", "bad", channel="mail")
    assert [m.phone for m in result.messages] == ["a@b.ru"]
    assert [(r.raw, r.err) for r in result.rejected] == [("bad", 249)]


# prepaid packages -----------------------------------------------------------------------------
def test_packages_pay_most_specific_first(gw: Gateway, shop: Account) -> None:
    shop.packages = {"МТС": 1, "Россия": 2, "Остальные": 5}
    send(gw, shop, "79161234567", "79161234568", "79011234567")
    assert shop.packages == {"МТС": 0, "Россия": 0, "Остальные": 5}


def test_no_package_for_a_direction_and_used_up_packages_refuse(gw: Gateway,
                                                                shop: Account) -> None:
    shop.packages = {"Мегафон": 1}
    assert refusal(gw, shop, "79161234567") is Refusal.NO_PACKAGE
    shop.packages = {"МТС": 1}
    assert refusal(gw, shop, "79161234567", "79161234568") is Refusal.PACKAGE_USED_UP
    assert shop.packages == {"МТС": 1}  # a refused send uses nothing


def test_a_counted_hit_is_noted_with_the_stamp_its_window_keeps() -> None:
    """A rollback (persistence.py) takes a hit back by its stamp: with a moving clock, a second
    reading of it would never match, and a rolled-back send would block its own retry."""
    gateway = Gateway(clock=Clock(speed=1000.0), limits=Limits({"r": Rule(max=1, window=60)}))
    gateway.changes = Changes()
    assert gateway.allow("r", None, "k")
    [(window, key, stamp, _)] = gateway.changes.hits
    window.forget(key, stamp)
    assert gateway.allow("r", None, "k"), "the hit taken back still counts"
