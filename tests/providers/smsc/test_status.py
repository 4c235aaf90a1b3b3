"""status.php: the state machine seen through every fmt, single and multiple forms, del=1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import MockAccount, Sandbox
from tests.helpers.clients import http_client
from tests.providers.smsc.client import Smsc

PHONE = "79991234567"
MSK = timezone(timedelta(hours=3))


def moscow(iso: str) -> tuple[str, int]:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment.astimezone(MSK).strftime("%d.%m.%Y %H:%M:%S"), int(moment.timestamp())


def test_queued_then_sent_then_delivered(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="hi", id=1)
    codes = []
    for step in (0, 1, 5):
        sms_mocks.advance(step)
        codes.append(json.loads(smsc.status(id=1, phone=PHONE, fmt=3))["status"])
    assert codes == [-1, 0, 1]


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_delivered_reads_status_1_in_every_fmt(smsc: Smsc, sms_mocks: Sandbox,
                                               fmt: int) -> None:
    smsc.send(phones=PHONE, mes="hi", id=1)
    sms_mocks.advance(60)
    [message] = sms_mocks.messages()
    assert message["status"] == "delivered"
    date, ts = moscow(message["status_at"])
    expected = {
        0: f"Status = 1, check_time = {date}, err = 0",
        1: f"1,{ts},0",
        2: f"<sms>\n<status>1</status>\n<last_date>{date}</last_date>\n"
           f"<last_timestamp>{ts}</last_timestamp>\n<flag>0</flag>\n<err>0</err>\n</sms>",
        3: f'{{"status":1,"last_date":"{date}","last_timestamp":{ts},"flag":0,"err":0}}',
    }[fmt]
    assert smsc.status(id=1, phone=PHONE, fmt=fmt) == expected


def test_status_finds_the_message_by_any_form_of_the_number(smsc: Smsc,
                                                            sms_mocks: Sandbox) -> None:
    smsc.send(phones="+7 (999) 123-45-67", mes="hi", id=1)
    sms_mocks.advance(60)
    assert smsc.status(id=1, phone="89991234567", fmt=1).startswith("1,")


def test_undelivered_carries_the_err_code(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones="79000001006", mes="hi", id=1)
    sms_mocks.advance(60)
    body = json.loads(smsc.status(id=1, phone="79000001006", fmt=3))
    assert (body["status"], body["err"]) == (20, 6)


def test_valid_01_to_a_silent_number_expires_after_one_hour(smsc: Smsc,
                                                            sms_mocks: Sandbox) -> None:
    smsc.send(phones="79000000001", mes="hi", id=1, valid="01")
    sms_mocks.advance(3599)
    assert smsc.status(id=1, phone="79000000001", fmt=1).startswith("0,")
    sms_mocks.advance(1)
    [message] = sms_mocks.messages()
    _, ts = moscow(message["status_at"])
    assert smsc.status(id=1, phone="79000000001", fmt=1) == f"3,{ts},0"
    assert message["status"] == "expired"
    assert ts - moscow(message["created_at"])[1] == 3600


def test_scheduled_send_waits_for_its_time(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="later", id=1, time="+10")
    sms_mocks.advance(9 * 60)
    assert smsc.status(id=1, phone=PHONE, fmt=1).startswith("-1,")
    sms_mocks.advance(61 + 5)
    assert smsc.status(id=1, phone=PHONE, fmt=1).startswith("1,")


def test_time_as_a_timestamp_and_as_a_moscow_date(smsc: Smsc, sms_mocks: Sandbox) -> None:
    now = int(datetime.fromisoformat(
        sms_mocks.control.call("GET", "/_mock/clock")["now"].replace("Z", "+00:00"))
        .timestamp())
    smsc.send(phones=PHONE, mes="ts", time=f"0{now + 7200}")
    at = datetime.fromtimestamp(now + 3 * 3600, MSK)
    smsc.send(phones=PHONE, mes="date", time=at.strftime("%d%m%y%H%M"))
    smsc.send(phones=PHONE, mes="tz", time=at.strftime("%d.%m.%y %H:%M"), tz=1)
    send_at = [moscow(m["send_at"])[1] for m in sms_mocks.messages()]
    minute = (now + 3 * 3600) // 60 * 60
    assert send_at == [now + 7200, minute, minute - 3600]


NOT_FOUND = {0: "Status = -3", 1: "-3,0,0", 2: "<sms>\n<status>-3</status>\n</sms>",
             3: '{"status":-3}'}


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_unknown_message_is_status_minus_3(smsc: Smsc, fmt: int) -> None:
    assert smsc.status(id=404, phone=PHONE, fmt=fmt) == NOT_FOUND[fmt]


def test_all_1_and_all_2_add_the_details(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones="79161234567", mes="Привет\n~~~\nnote", id=1, charset="utf-8")
    sms_mocks.advance(60)
    full = json.loads(smsc.status(id=1, phone="79161234567", fmt=3, all=2, charset="utf-8"))
    # flag and comment as the status-answer page's templates show them (research §1.1b)
    assert list(full) == ["status", "last_date", "last_timestamp", "flag", "err", "send_date",
                          "send_timestamp", "phone", "cost", "sender_id", "status_name",
                          "country", "operator", "region", "message", "sms_cnt", "comment",
                          "type"]
    assert (full["status_name"], full["country"], full["operator"], full["message"],
            full["comment"], full["cost"], full["type"]) == \
        ("Доставлено", "Россия", "МТС", "Привет", "note", "1.40", 0)
    date, ts = moscow(sms_mocks.messages()[0]["status_at"])
    sent_date = full["send_date"]
    assert smsc.status(id=1, phone="79161234567", all=1, charset="utf-8") == (
        f"Status = 1, check_time = {date}, err = 0, send_date = {sent_date}, "
        f"phone = 79161234567, cost = 1.40, sender_id = SMSC, status_name = Доставлено, "
        f"message = Привет, sms_cnt = 1, comment = note, type = 0")
    assert smsc.status(id=1, phone="79161234567", fmt=2, all=1, charset="utf-8") == (
        f"<sms>\n<status>1</status>\n<last_date>{date}</last_date>\n"
        f"<last_timestamp>{ts}</last_timestamp>\n<flag>0</flag>\n<err>0</err>\n"
        f"<send_date>{sent_date}"
        f"</send_date>\n<send_timestamp>{full['send_timestamp']}</send_timestamp>\n"
        "<phone>79161234567</phone>\n<cost>1.40</cost>\n<sender_id>SMSC</sender_id>\n"
        "<status_name>Доставлено</status_name>\n<message>Привет</message>\n"
        "<sms_cnt>1</sms_cnt>\n<comment>note</comment>\n<type>0</type>\n</sms>")
    line = smsc.status(id=1, phone="79161234567", fmt=1, all=1, charset="utf-8")
    # SMSC's PHP library splits this with the message last: nothing may follow it
    assert line.split(",")[3:] == [str(full["send_timestamp"]), "79161234567", "1.40", "SMSC",
                                   "Доставлено", "Привет"]
    line = smsc.status(id=1, phone="79161234567", fmt=1, all=2, charset="utf-8")
    assert line.split(",")[3:] == [str(full["send_timestamp"]), "79161234567", "1.40",
                                   "Россия", "МТС", full["region"], "SMSC", "Доставлено",
                                   "Привет"]


def test_answer_is_in_the_requested_charset(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="x", id=1)
    sms_mocks.advance(60)
    for charset, codec in (("", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8-r")):
        raw = smsc.get("status", id=1, phone=PHONE, all=1, charset=charset or None).content
        assert "Доставлено".encode(codec) in raw


def test_several_messages_answer_a_list_in_request_order(smsc: Smsc,
                                                         sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="a", id=1)
    smsc.send(phones="79000001006", mes="b", id=2)
    sms_mocks.advance(60)
    rows = json.loads(smsc.status(id="2,1,9", phone=f"79000001006,{PHONE},{PHONE}", fmt=3))
    assert [(r["id"], r["phone"], r["status"], r.get("err")) for r in rows] == [
        (2, "79000001006", 20, 6), (1, PHONE, 1, None), (9, PHONE, -3, None)]
    assert list(rows[1]) == ["status", "last_date", "last_timestamp", "id", "phone"]
    ts = {m["phone"]: moscow(m["status_at"])[1] for m in sms_mocks.messages()}
    # every row status,last_timestamp,err,id,phone; an unknown id's row too, with zeros
    assert smsc.status(id="1,2,77", phone=f"{PHONE},79000001006,79999999999", fmt=1) == \
        f"1,{ts[PHONE]},0,1,{PHONE}\n20,{ts['79000001006']},6,2,79000001006\n" \
        "-3,0,0,77,79999999999"


def test_a_trailing_comma_asks_for_the_list_form(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="a", id=1)
    rows = json.loads(smsc.status(id="1,", phone=f"{PHONE},", fmt=3))
    assert isinstance(rows, list)
    assert [(r["id"], r["status"]) for r in rows] == [(1, -1)]


def test_mismatched_lists_are_a_parameter_error(smsc: Smsc) -> None:
    assert smsc.status(id="1,2", phone=PHONE, fmt=1) == "0,-1"
    assert smsc.status(phone=PHONE) == "ERROR = 1 (parameters error)"


def test_del_1_deletes_the_message(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="a", id=1)
    assert smsc.status(id=1, phone=PHONE, fmt=3, **{"del": 1}) == "OK"
    assert smsc.status(id=1, phone=PHONE, fmt=3) == '{"status":-3}'
    assert smsc.status(id=1, phone=PHONE, fmt=3, **{"del": 1}) == \
        '{"error":"Error deleting a message","error_code":5}'


def test_more_than_five_status_requests_a_minute_is_error_9(smsc: Smsc,
                                                            sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="a", id=1)
    answers = [smsc.status(id=1, phone=PHONE, fmt=1)[:2] for _ in range(6)]
    assert answers == ["-1"] * 5 + ["0,"]
    assert smsc.status(id=1, phone=PHONE, fmt=1) == "0,-9"
    sms_mocks.advance(61)
    assert smsc.status(id=1, phone=PHONE, fmt=1).startswith("1,")


def test_wrong_password_is_error_2(smsc: Smsc) -> None:
    assert smsc.status(psw="x", id=1, phone=PHONE, fmt=3) == \
        '{"error":"authorise error","error_code":2}'


@pytest.fixture(scope="module")
def half_past_ten() -> Iterator[Smsc]:
    """An emulator whose virtual clock reads 10:30 Moscow time, for time windows."""
    start = datetime(2030, 1, 1, 10, 30, tzinfo=MSK).timestamp()
    with ServerThread(load(clock="virtual", clock_start=start)) as server, \
            http_client(server.url) as http:
        yield Smsc(http, MockAccount("smsc", "alex", "123"))


@pytest.mark.parametrize(("window", "tz", "sends_at"), [
    ("12-18", None, "01.01.2030 12:00:00"),  # before the window: at its start
    ("9-18", None, "01.01.2030 10:30:00"),   # inside it: now
    ("6-9", None, "02.01.2030 06:00:00"),    # after it: tomorrow at its start
    ("12-18", 2, "01.01.2030 10:30:00"),     # 12:30 where tz=+2 is: inside, now
])
def test_time_window_h1_h2(half_past_ten: Smsc, window: str, tz: int | None,
                           sends_at: str) -> None:
    body = half_past_ten.send(phones=PHONE, mes=f"{window} {tz}", time=window, tz=tz, fmt=1)
    ext_id = body.split(",")[0]
    status = json.loads(half_past_ten.status(id=ext_id, phone=PHONE, fmt=3, all=1))
    assert status["send_date"] == sends_at

@pytest.mark.slow
def test_a_second_identical_mass_request_within_a_minute_is_error_9(smsc: Smsc,
                                                                    sms_mocks: Sandbox) -> None:
    """The status-answer page: "more than one mass request within a minute" is error 9; PyPI's
    smsc asks for one message as the list `id=1,`, so it meets this on a second poll."""
    smsc.send(phones=PHONE, mes="a", id=1)
    assert smsc.status(id="1,", phone=f"{PHONE},", fmt=1).startswith("-1,")
    assert smsc.status(id="1,", phone=f"{PHONE},", fmt=1) == "0,-9"
    assert smsc.status(id=1, phone=PHONE, fmt=1).startswith("-1,")  # the single form is apart
    sms_mocks.advance(61)
    assert smsc.status(id="1,", phone=f"{PHONE},", fmt=1).startswith("1,")
