"""cancel.xml: only what has not gone to the operator can be stopped, and it is refunded."""

from __future__ import annotations

from collections.abc import Callable

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smspager.client import Pager, detail, field, local, ok, sms_block

NUMBERS = ["79161234567", "79161234568", "79161234569"]


def _scheduled(pager: Pager, now: float, **fields: str) -> str:
    """A mailing to three numbers an hour from now; its smsid."""
    answer = pager.send("Завтра скидки", *NUMBERS, datetime=local(now + 3600), **fields)
    assert answer[0] == ("code", "1") and field(answer, "priceOfSending") == "4.2", answer
    return fields.get("smsid") or field(answer, "smsid")


def test_cancel_before_dispatch_stops_every_message_and_refunds(
        pager: Pager, sms_mocks: Sandbox, clock_now: Callable[[], float]) -> None:
    now = clock_now()
    smsid = _scheduled(pager, now)
    assert pager.balance() == "95.8"
    assert pager.cancel(smsid, "make") == ok(("action", "make"), ("cancelCol", "3"))
    assert pager.balance() == "100"
    assert sms_mocks.balance(pager.account) == "100.00"
    assert pager.report(smsid=smsid) == ok(
        *sms_block(smsid, local(now + 3600), "Завтра скидки", "Magazin", all_col=3,
                   payment="0"),
        *detail(cancel=NUMBERS))
    # Cancelled stays cancelled: its time comes and nothing leaves.
    sms_mocks.advance(3600 + 60)
    assert [m["status"] for m in sms_mocks.messages()] == ["cancelled"] * 3
    assert pager.balance() == "100"
    assert pager.cancel(smsid) == ok(("action", "make"), ("cancelCol", "0"))


def test_cancel_by_client_smsid_with_make_as_the_default(
        pager: Pager, clock_now: Callable[[], float]) -> None:
    _scheduled(pager, clock_now(), smsid="promo-1")
    assert pager.cancel("promo-1") == ok(("action", "make"), ("cancelCol", "3"))
    assert pager.report(smsid="promo-1") == ok(*detail(cancel=NUMBERS))
    assert pager.balance() == "100"


def _waiting(smsid: str, now: float) -> list[tuple[str, str]]:
    return ok(*sms_block(smsid, local(now + 3600), "Завтра скидки", "Magazin", all_col=3,
                         waiting=3, payment="4.2"),
              *detail(waiting=NUMBERS))


def test_cancel_check_counts_but_cancels_nothing(
        pager: Pager, sms_mocks: Sandbox, clock_now: Callable[[], float]) -> None:
    now = clock_now()
    smsid = _scheduled(pager, now)
    assert pager.cancel(smsid, "check") == ok(("action", "check"), ("cancelCol", "3"))
    assert pager.cancel(smsid, "check") == ok(("action", "check"), ("cancelCol", "3"))
    assert pager.balance() == "95.8"
    assert [m["status"] for m in sms_mocks.messages()] == ["queued"] * 3
    assert pager.report(smsid=smsid) == _waiting(smsid, now)


def test_after_dispatch_nothing_is_cancelled_or_refunded(
        pager: Pager, sms_mocks: Sandbox) -> None:
    smsid = field(pager.send("Сейчас", *NUMBERS), "smsid")
    sms_mocks.advance(1)  # with the operator now
    assert pager.cancel(smsid, "check") == ok(("action", "check"), ("cancelCol", "0"))
    assert pager.cancel(smsid, "make") == ok(("action", "make"), ("cancelCol", "0"))
    assert pager.balance() == "95.8"
    assert [m["status"] for m in sms_mocks.messages()] == ["sent"] * 3
    sms_mocks.advance(5)
    assert pager.cancel(smsid) == ok(("action", "make"), ("cancelCol", "0"))
    assert [m["status"] for m in sms_mocks.messages()] == ["delivered"] * 3
    assert pager.balance() == "95.8"


def test_cancel_touches_only_the_mailing_named(
        pager: Pager, sms_mocks: Sandbox, clock_now: Callable[[], float]) -> None:
    now = clock_now()
    first = _scheduled(pager, now)
    second = _scheduled(pager, now)
    assert pager.cancel(second) == ok(("action", "make"), ("cancelCol", "3"))
    assert [m["status"] for m in sms_mocks.messages()] == ["queued"] * 3 + ["cancelled"] * 3
    assert pager.balance() == "95.8"
    assert pager.report(smsid=first) == _waiting(first, now)


def test_another_accounts_mailing_cannot_be_cancelled(
        pager: Pager, make_pager: Callable[..., Pager], sms_mocks: Sandbox,
        clock_now: Callable[[], float]) -> None:
    smsid = _scheduled(pager, clock_now())
    other = make_pager()
    assert other.cancel(smsid) == ok(("action", "make"), ("cancelCol", "0"))
    assert [m["status"] for m in sms_mocks.messages()] == ["queued"] * 3


def test_cancel_without_smsid_or_with_an_unknown_action_is_500(pager: Pager) -> None:
    missing = [("code", "500"), ("descr", "Недостаточно переданных параметров")]
    assert pager.call("cancel", action="make") == missing
    assert pager.cancel("1", "delete") == missing
