"""send.xml: who counts as a receiver, what is charged and when, validity, and the 5xx codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smspager.client import (
    Pager,
    detail,
    error,
    field,
    local,
    ok,
    parse_answer,
    request_xml,
    send_answer,
    sms_block,
)

MakePager = Callable[..., Pager]
Now = Callable[[], float]

PHONE = "79161234567"
OTHER = "79161234568"
FIXED_LINE = "74957271122"  # the document's example of a number that is not mobile
UNDELIVERED = "79000001006"  # the network reports it undelivered, err 6
SILENT = "79000000001"  # the network never answers
LONG = "я" * 71  # one Cyrillic character past a single SMS: 2 parts


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# money --------------------------------------------------------------------------------------


def test_onlydelivery_charges_only_the_delivered(pager: Pager, sms_mocks: Sandbox,
                                                 clock_now: Now) -> None:
    answer = pager.send("Оплата по факту", PHONE, UNDELIVERED, onlydelivery="1")
    smsid = field(answer, "smsid")
    assert answer == send_answer(smsid, local(clock_now()), "send", 2, 2, 0, "2.8", 2, "1.4")
    sms_mocks.advance(6)
    assert [(m["phone"], m["status"], m["err"]) for m in sms_mocks.messages()] == [
        (PHONE, "delivered", 0), (UNDELIVERED, "undelivered", 6)]
    assert pager.balance() == "98.6"
    report = pager.report(smsid=smsid)
    assert report[2:13] == sms_block(smsid, local(clock_now() - 6), "Оплата по факту",
                                     "Magazin", all_col=2, delivered=1, not_delivered=1,
                                     payment="1.4")
    assert report[13:] == detail(delivered=[PHONE], notDelivered=[UNDELIVERED])


def test_without_onlydelivery_the_undelivered_is_charged_too(pager: Pager,
                                                             sms_mocks: Sandbox) -> None:
    pager.send("Оплата сразу", PHONE, UNDELIVERED)
    assert pager.balance() == "97.2"
    sms_mocks.advance(6)
    assert [m["status"] for m in sms_mocks.messages()] == ["delivered", "undelivered"]
    assert pager.balance() == "97.2"


def test_too_little_money_sends_nothing_and_charges_nothing(make_pager: MakePager,
                                                            sms_mocks: Sandbox,
                                                            clock_now: Now) -> None:
    pager = make_pager(balance="1.00")
    answer = pager.send("Не хватит", PHONE, OTHER, smsid="poor-1")
    # A processed request (code 1): every receiver counted as not sent. The last field,
    # <price>, is left to test_price_of_one_sms_is_given_when_money_is_short.
    assert answer[:-1] == send_answer("poor-1", local(clock_now()), "send", 2, 0, 2, "0", 0,
                                      "1.4")[:-1]
    assert answer[-1][0] == "price"
    assert pager.balance() == "1"
    assert sms_mocks.messages() == []
    assert pager.report(smsid="poor-1") == ok(*detail())


def test_price_of_one_sms_is_given_when_money_is_short(make_pager: MakePager) -> None:
    pager = make_pager(balance="1.00")
    assert field(pager.send("Не хватит", PHONE, OTHER), "price") == "1.4"
    # action=check with the same numbers does give it:
    assert field(pager.send("Не хватит", PHONE, OTHER, action="check"), "price") == "1.4"


def test_check_warns_of_too_little_money_as_send_would(make_pager: MakePager,
                                                       clock_now: Now) -> None:
    pager = make_pager(balance="1.00")
    checked = pager.send("Не хватит", PHONE, OTHER, action="check", smsid="poor-2")
    sent = pager.send("Не хватит", PHONE, OTHER, action="send", smsid="poor-2")
    assert [(k, v) for k, v in checked if k != "action"] == \
        [(k, v) for k, v in sent if k != "action"]


def test_a_long_cyrillic_text_is_two_parts_per_number(pager: Pager, sms_mocks: Sandbox,
                                                      clock_now: Now) -> None:
    answer = pager.send(LONG, PHONE, OTHER, smsid="long")
    assert answer == send_answer("long", local(clock_now()), "send", 2, 2, 0, "5.6", 4, "1.4")
    assert [(m["parts"], m["cost"]) for m in sms_mocks.messages()] == [(2, "2.80")] * 2
    assert pager.balance() == "94.4"


# receivers ------------------------------------------------------------------------------------


def test_a_fixed_line_number_is_not_a_receiver(pager: Pager, sms_mocks: Sandbox,
                                               clock_now: Now) -> None:
    answer = pager.send("Привет", PHONE, FIXED_LINE, smsid="fixed")
    assert answer == send_answer("fixed", local(clock_now()), "send", 1, 1, 0, "1.4", 1, "1.4")
    assert pager.report(smsid="fixed") == ok(*detail(waiting=[PHONE]))


def test_only_fixed_line_numbers_send_nothing(pager: Pager, sms_mocks: Sandbox,
                                              clock_now: Now) -> None:
    answer = pager.send("Привет", FIXED_LINE, smsid="none")
    assert answer == send_answer("none", local(clock_now()), "send", 0, 0, 0, "0", 0, "1.4")
    assert pager.balance() == "100"


def test_a_stop_listed_number_counts_as_a_receiver_not_sent(make_pager: MakePager,
                                                            clock_now: Now) -> None:
    pager = make_pager(stop_list=[OTHER])
    answer = pager.send("Привет", PHONE, "+7 (916) 123-45-68", smsid="stop")
    assert answer == send_answer("stop", local(clock_now()), "send", 2, 1, 1, "1.4", 1, "1.4")
    assert pager.balance() == "98.6"
    assert pager.report(smsid="stop") == ok(*detail(waiting=[PHONE]))


def test_the_same_number_in_any_form_is_one_receiver(pager: Pager, clock_now: Now) -> None:
    answer = pager.send("Привет", "+7(916) 123-45 67", "8-916-123-4567", "9161234567",
                        smsid="same")
    assert answer == send_answer("same", local(clock_now()), "send", 1, 1, 0, "1.4", 1, "1.4")


def test_check_gives_the_figures_of_send_but_stores_and_charges_nothing(
        make_pager: MakePager, sms_mocks: Sandbox, clock_now: Now) -> None:
    pager = make_pager(stop_list=[OTHER])
    to = [PHONE, OTHER, FIXED_LINE, ("79161234569", LONG)]
    checked = pager.send("Привет", *to, action="check")
    assert checked == send_answer("", local(clock_now()), "check", 3, 2, 1, "4.2", 3, "1.4")
    assert pager.balance() == "100"
    assert sms_mocks.messages() == []
    sent = pager.send("Привет", *to, action="send", smsid="real")
    assert sent == send_answer("real", local(clock_now()), "send", 3, 2, 1, "4.2", 3, "1.4")
    assert pager.balance() == "95.8"


def test_check_keeps_the_clients_smsid(pager: Pager, sms_mocks: Sandbox,
                                       clock_now: Now) -> None:
    answer = pager.send("Привет", PHONE, action="CHECK", smsid="dry")
    assert answer == send_answer("dry", local(clock_now()), "check", 1, 1, 0, "1.4", 1, "1.4")
    assert sms_mocks.messages() == []


# validity and time ------------------------------------------------------------------------------


def test_vp_lets_a_silent_number_expire_after_two_hours(pager: Pager, sms_mocks: Sandbox,
                                                       clock_now: Now) -> None:
    sent_at = clock_now()
    smsid = field(pager.send("Кто здесь?", SILENT, vp="7200"), "smsid")

    def detail_now() -> list[tuple[str, str]]:
        return pager.report(smsid=smsid)[13:]

    assert detail_now() == detail(waiting=[SILENT])
    sms_mocks.advance(1)
    assert detail_now() == detail(enqueued=[SILENT])
    sms_mocks.advance(7198)  # 1 s before the end of validity
    assert detail_now() == detail(enqueued=[SILENT])
    sms_mocks.advance(1)
    assert detail_now() == detail(notDelivered=[SILENT])
    [message] = sms_mocks.messages()
    assert (message["status"], message["status_at"]) == ("expired", _iso(sent_at + 7200))


def test_without_vp_a_silent_number_waits_24_hours(pager: Pager, sms_mocks: Sandbox,
                                                  clock_now: Now) -> None:
    sent_at = clock_now()
    pager.send("Кто здесь?", SILENT)
    sms_mocks.advance(24 * 3600 - 1)
    assert [m["status"] for m in sms_mocks.messages()] == ["sent"]
    sms_mocks.advance(1)
    [message] = sms_mocks.messages()
    assert (message["status"], message["status_at"]) == ("expired", _iso(sent_at + 24 * 3600))


@pytest.mark.parametrize("vp", ["0", "-5", "2h", "1.5"])
def test_a_vp_that_is_no_whole_number_of_seconds_is_refused(pager: Pager, sms_mocks: Sandbox,
                                                            vp: str) -> None:
    assert pager.send("Привет", PHONE, vp=vp) == error(500)
    assert sms_mocks.messages() == []


def test_datetime_is_the_accounts_local_time(make_pager: MakePager, sms_mocks: Sandbox,
                                             clock_now: Now) -> None:
    pager = make_pager(tz=2)  # two hours east of Moscow
    now = clock_now()
    assert field(pager.send("Сейчас", PHONE), "datetime") == local(now, 2)
    later = local(now + 7200, 2)
    assert field(pager.send("Позже", OTHER, datetime=later), "datetime") == later
    assert [m["send_at"] for m in sms_mocks.messages()] == [_iso(now), _iso(now + 7200)]


def test_source_is_the_first_sender_unless_given(pager: Pager, sms_mocks: Sandbox) -> None:
    pager.send("Без подписи", PHONE)
    pager.send("С подписью", PHONE, source="SMS-Pager")
    assert [m["sender"] for m in sms_mocks.messages()] == ["Magazin", "SMS-Pager"]


def test_uppercase_smsid_of_the_csharp_client_is_accepted(pager: Pager, sms_mocks: Sandbox,
                                                          clock_now: Now) -> None:
    answer = pager.send("Привет", PHONE, SMSID="order-42")
    assert answer == send_answer("order-42", local(clock_now()), "send", 1, 1, 0, "1.4", 1,
                                 "1.4")
    assert [m["ext_id"] for m in sms_mocks.messages()] == ["order-42"]
    assert pager.report(SMSID="order-42") == ok(*detail(waiting=[PHONE]))


def test_a_21_character_smsid_is_accepted(pager: Pager, clock_now: Now) -> None:
    smsid = "x" * 21
    assert field(pager.send("Привет", PHONE, smsid=smsid), "smsid") == smsid


@pytest.mark.parametrize("content_type", [None, "text/xml", "application/xml; charset=utf-8",
                                          "application/x-www-form-urlencoded",
                                          "application/json", "text/plain"])
def test_the_document_is_read_whatever_the_content_type(pager: Pager,
                                                        content_type: str | None) -> None:
    body = request_xml(pager.account.login, pager.account.password)
    headers = {"content-type": content_type} if content_type else {}
    response = pager.post("/balance.xml", body, headers=headers)
    assert response.status_code == 200
    assert parse_answer(response.content) == ok(("account", "100"))


# refusals -------------------------------------------------------------------------------------


REFUSED = {
    "smsid of 22 characters": (502, {"smsid": "x" * 22}, [PHONE]),
    "date without time": (503, {"datetime": "2010-05-01"}, [PHONE]),
    "date in another format": (503, {"datetime": "01.05.2010 12:00:00"}, [PHONE]),
    "unknown source": (504, {"source": "Nobody"}, [PHONE]),
    "no <to>": (500, {}, []),
    "a <to> without number": (500, {}, [""]),
    "unknown action": (500, {"action": "delete"}, [PHONE]),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_send_stores_and_charges_nothing(pager: Pager, sms_mocks: Sandbox,
                                                 case: str) -> None:
    code, fields, to = REFUSED[case]
    assert pager.send("Привет", *to, **fields) == error(code)
    assert sms_mocks.messages() == []
    assert pager.balance() == "100"


def test_an_unapproved_source_is_504(make_pager: MakePager, sms_mocks: Sandbox) -> None:
    pager = make_pager(senders={"Magazin": "approved", "NewShop": "pending"})
    assert pager.send("Привет", PHONE, source="NewShop") == error(504)
    assert sms_mocks.messages() == []


def test_missing_text_is_500(pager: Pager, sms_mocks: Sandbox) -> None:
    assert pager.send(None, PHONE) == error(500)
    assert pager.send("", PHONE) == error(500)
    assert sms_mocks.messages() == []


def test_alternative_texts_alone_need_no_common_text(pager: Pager, sms_mocks: Sandbox,
                                                     clock_now: Now) -> None:
    answer = pager.send(None, (PHONE, "Только вам"), smsid="alt")
    assert answer == send_answer("alt", local(clock_now()), "send", 1, 1, 0, "1.4", 1, "1.4")
    assert [m["text"] for m in sms_mocks.messages()] == ["Только вам"]


@pytest.mark.parametrize("command", ["send", "report", "balance", "cancel"])
def test_wrong_password_unknown_login_and_blocked_account_are_501(
        pager: Pager, sms_mocks: Sandbox, command: str) -> None:
    login, password = pager.account.login, pager.account.password
    fields = [("text", "Привет"), ("smsid", "1")]
    for credentials in ((login, password + "x"), ("nobody-" + login, password)):
        assert pager.raw(command, request_xml(*credentials, fields, [PHONE])) == error(501)
    sms_mocks.update(pager.account, blocked=True)
    assert pager.raw(command, request_xml(login, password, fields, [PHONE])) == error(501)
    assert sms_mocks.messages() == []


@pytest.mark.parametrize("command", ["send", "report", "balance", "cancel"])
def test_missing_login_or_password_is_500(pager: Pager, command: str) -> None:
    body = f"<data><login>{pager.account.login}</login></data>".encode()
    assert pager.raw(command, body) == error(500)
    body = f"<data><password>{pager.account.password}</password></data>".encode()
    assert pager.raw(command, body) == error(500)
