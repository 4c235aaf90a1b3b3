"""report.xml over time: Задача 2's scheduled mailing and Задача 3's grouped report, as the
document's own requests (posted verbatim) play out on the 2010 clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from sms_mocks.testing.sandbox import ControlClient
from tests.providers.smspager.client import (
    MSK,
    START_2010,
    Pager,
    detail,
    field,
    golden_xml,
    ok,
    sms_block,
)

TEXT = "Добрый день, приглашаем Вас в наш салон"
ALTERNATIVE = "Добрый день, приглашаем Вас в наш салон. Скидка по Вашей дисконтной карте – 5%"
NUMBERS = ["79019011234", "79029021234", "79039031234"]
# Задача 2 stores the numbers with the common text first, then the one with its own text.
ZADACHA_2_ORDER = ["79019011234", "79039031234", "79029021234"]
MAY_FIRST_NOON = datetime(2010, 5, 1, 12, 0, tzinfo=MSK).timestamp()


def _send(pager: Pager, key: str) -> str:
    answer = pager.raw("send", golden_xml(key))
    assert answer[0] == ("code", "1"), answer
    return field(answer, "smsid")


@pytest.mark.slow
def test_zadacha_2_waits_for_its_time_then_is_delivered(
        pager_2010: tuple[Pager, ControlClient]) -> None:
    pager, control = pager_2010
    smsid = _send(pager, "zadacha_2")

    def block(**counts: int) -> list[tuple[str, str]]:
        return sms_block(smsid, "2010-05-01 12:00:00", TEXT, "Magazin", all_col=3,
                         payment="5.6", **counts)

    assert pager.report(smsid=smsid) == ok(*block(waiting=3), *detail(waiting=ZADACHA_2_ORDER))
    control.advance(MAY_FIRST_NOON - START_2010 - 1)  # 11:59:59
    assert pager.report(smsid=smsid) == ok(*block(waiting=3), *detail(waiting=ZADACHA_2_ORDER))
    control.advance(1)  # 12:00:00: leaves one second later
    assert pager.report(smsid=smsid) == ok(*block(waiting=3), *detail(waiting=ZADACHA_2_ORDER))
    control.advance(1)
    assert pager.report(smsid=smsid) == ok(*block(enqueued=3), *detail(enqueued=ZADACHA_2_ORDER))
    control.advance(5)
    assert pager.report(smsid=smsid) == ok(*block(delivered=3), *detail(delivered=ZADACHA_2_ORDER))
    assert pager.balance() == "994.4"  # 1000 - (1.40 + 2 × 1.40 + 1.40)


@pytest.mark.slow
def test_zadacha_2_sends_the_alternative_text_to_one_number_only(
        pager_2010: tuple[Pager, ControlClient]) -> None:
    pager, control = pager_2010
    _send(pager, "zadacha_2")
    control.advance(MAY_FIRST_NOON - START_2010 + 6)
    stored = control.messages(provider="smspager", account="test")
    assert [(m["phone"], m["text"], m["parts"], m["status"], m["send_at"]) for m in stored] == [
        ("79019011234", TEXT, 1, "delivered", "2010-05-01T09:00:00Z"),
        ("79039031234", TEXT, 1, "delivered", "2010-05-01T09:00:00Z"),
        ("79029021234", ALTERNATIVE, 2, "delivered", "2010-05-01T09:00:00Z"),
    ]


def test_zadacha_3_a_client_smsid_gives_one_report_of_both_mailings(doc_pager: Pager) -> None:
    assert _send(doc_pager, "zadacha_3_first") == "abcde123"
    assert _send(doc_pager, "zadacha_3_second") == "abcde123"
    # No <sms> block for a client smsid: only the detail, over both mailings.
    assert doc_pager.report(smsid="abcde123") == ok(*detail(waiting=NUMBERS * 2))


def test_zadacha_3_the_general_report_lists_each_mailing_by_its_system_smsid(
        doc_pager: Pager) -> None:
    _send(doc_pager, "zadacha_3_first")
    _send(doc_pager, "zadacha_3_second")
    general = doc_pager.report()
    ids = [text for path, text in general if path == "sms/smsid"]
    assert len(ids) == 2
    assert "abcde123" not in ids and ids[0] != ids[1] and all(i.isdigit() for i in ids)
    assert general == ok(
        *sms_block(ids[0], "2010-02-01 12:00:00", TEXT, "Magazin", all_col=3, waiting=3,
                   payment="4.2"),
        *sms_block(ids[1], "2010-02-01 18:00:00", TEXT, "Magazin", all_col=3, waiting=3,
                   payment="4.2"))
    # A system smsid's detail has the <sms> block, and only that mailing's numbers.
    for smsid, when in zip(ids, ("2010-02-01 12:00:00", "2010-02-01 18:00:00"), strict=True):
        assert doc_pager.report(smsid=smsid) == ok(
            *sms_block(smsid, when, TEXT, "Magazin", all_col=3, waiting=3, payment="4.2"),
            *detail(waiting=NUMBERS))


def test_start_and_stop_choose_the_mailings_by_their_sending_time(doc_pager: Pager) -> None:
    _send(doc_pager, "zadacha_1")  # 2010-01-15 10:00:00
    _send(doc_pager, "zadacha_3_first")  # 2010-02-01 12:00:00
    _send(doc_pager, "zadacha_3_second")  # 2010-02-01 18:00:00

    def listed(**bounds: str) -> list[str]:
        answer = doc_pager.report(**bounds)
        assert answer[:2] == ok()
        return [text for path, text in answer if path == "sms/datetime"]

    assert listed() == ["2010-01-15 10:00:00", "2010-02-01 12:00:00", "2010-02-01 18:00:00"]
    assert listed(start="2010-02-01") == ["2010-02-01 12:00:00", "2010-02-01 18:00:00"]
    assert listed(stop="2010-01-31") == ["2010-01-15 10:00:00"]
    assert listed(start="2010-02-01 12:00:01", stop="2010-02-01 17:59:59") == []
    assert listed(start="2010-02-01 12:00:00", stop="2010-02-01 18:00:01") == [
        "2010-02-01 12:00:00", "2010-02-01 18:00:00"]
    assert listed(start="2010-03-01") == []
    # MySQL's zero date, which the platform's own Transport class sends by default: no bound
    assert listed(start="0000-00-00", stop="0000-00-00") == listed()
    assert listed(start="0000-00-00 00:00:00") == listed()


def test_a_bad_report_date_is_503(doc_pager: Pager) -> None:
    assert doc_pager.report(start="01.02.2010") == [
        ("code", "503"), ("descr", "Неверный формат datetime. Верный: yyyy-mm-dd HH:MM:SS")]


@pytest.mark.slow
def test_an_unknown_smsid_has_an_empty_detail(doc_pager: Pager) -> None:
    assert doc_pager.report(smsid="nothing-here") == ok(*detail())
