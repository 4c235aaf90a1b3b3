"""send.php's channels beyond plain SMS (002), each read back through status.php, and the
mailing options: binary, HLR, voice calls, period/freq, and virtual sending (test mode)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from sms_mocks.providers.smsc import channels
from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc

PHONE = "79161234567"  # МТС, Russia


def ts(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


# -- HLR ---------------------------------------------------------------------------------

def test_an_hlr_request_reads_back_in_its_row_forms(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(phones=PHONE, hlr=1, id=5, fmt=3) == '{"id":5,"cnt":1}'
    sms_mocks.advance(60)
    row = smsc.status(id=5, phone=PHONE, fmt=1).split(",")
    # status,time,err,imsi,msc,mcc,mnc,country,operator,roaming country,roaming operator
    assert len(row) == 11
    assert (row[0], row[2], row[5], row[6], row[7], row[8], row[9], row[10]) == \
        ("1", "0", "250", "01", "Россия", "МТС", "", "")
    assert row[3].startswith("25001") and len(row[3]) == 15 and row[3].isdigit()
    assert row[4].isdigit()
    # SMSC's PHP library tells an HLR row by "HLR" at index 14 (all=1) or 17 (all=2)
    assert smsc.status(id=5, phone=PHONE, fmt=1, all=1).split(",")[14] == "HLR"
    assert smsc.status(id=5, phone=PHONE, fmt=1, all=2).split(",")[17] == "HLR"
    full = json.loads(smsc.status(id=5, phone=PHONE, fmt=3, all=1, charset="utf-8"))
    assert {k: full[k] for k in ("status", "err", "mcc", "mnc", "cn", "net", "type")} == \
        {"status": 1, "err": 0, "mcc": "250", "mnc": "01", "cn": "Россия", "net": "МТС",
         "type": 4}
    assert full["imsi"] == row[3]
    text = smsc.status(id=5, phone=PHONE, charset="utf-8")
    assert text.startswith("Status = 1, check_time = ") and f"imsi = {row[3]}, " in text


def test_an_hlr_request_on_a_failing_number_knows_nothing(smsc: Smsc,
                                                          sms_mocks: Sandbox) -> None:
    smsc.send(mes="__HLR__", phones="79000001001", id=6)
    sms_mocks.advance(60)
    assert smsc.status(id=6, phone="79000001001", fmt=1).split(",")[2:] == ["1"] + [""] * 8


# -- voice calls -------------------------------------------------------------------------

def test_a_call_is_billed_by_its_seconds(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, tariff={"default": "1.40", "call": "3.00"})
    text = "Hello world, this is a call"  # 27 characters: 3 seconds at 12 a second
    answer = json.loads(smsc.send(phones=PHONE, mes=text, call=1, voice="w2",
                                  param="20,10,3", id=7, fmt=3, cost=3))
    assert (answer["cnt"], answer["cost"]) == (3, "0.15")  # 3 s of 3.00 a minute
    [message] = sms_mocks.messages()
    assert message["extra"] == {"voice": "w2", "param": "20,10,3"}
    sms_mocks.advance(60)
    full = json.loads(smsc.status(id=7, phone=PHONE, fmt=3, all=1))
    assert (full["type"], full["sms_cnt"], full["cost"], full["status"]) == (7, 3, "0.15", 1)
    row = smsc.status(id=7, phone=PHONE, fmt=1, all=1).split(",", 8)
    assert row[4:] == [PHONE, "0.15", "SMSC", "Доставлено", text]


def test_a_call_prefix_takes_its_param_after_the_comment_mark(sms_mocks: Sandbox,
                                                               smsc: Smsc) -> None:
    smsc.send(phones=PHONE, mes="__CALL__: Privet\n~~~\n5,5000,0")
    [message] = sms_mocks.messages()
    assert (message["channel"], message["text"], message["comment"], message["extra"]) == \
        ("call", "Privet", "", {"voice": "m3", "param": "10,3600,1"})


def test_call_1_keeps_the_text_after_the_mark_as_a_comment(sms_mocks: Sandbox,
                                                         smsc: Smsc) -> None:
    smsc.send(phones=PHONE, mes="Privet\n~~~\nfor the night shift", call=1)
    [message] = sms_mocks.messages()
    assert (message["text"], message["comment"], message["extra"]) == (
        "Privet", "for the night shift", {"voice": "m3", "param": "25,3,8"})


@pytest.mark.parametrize(("param", "expected"), [
    ("20,10,3", (20, 10, 3)), ("5,5,0", (10, 10, 1)), ("99,5000,9", (35, 3600, 9)),
    ("100,10,3", (25, 3, 8)), ("20,10,10", (25, 3, 8)), ("a,b,c", (25, 3, 8)),
    ("20,10", (25, 3, 8)), (None, (25, 3, 8)), ("20," + "9" * 5000 + ",3", (25, 3, 8)),
])
def test_call_param_is_clamped_as_documented(param: str | None,
                                             expected: tuple[int, int, int]) -> None:
    assert channels.call_param(param) == expected


def test_an_unknown_voice_is_a_parameter_error(smsc: Smsc) -> None:
    assert smsc.send(phones=PHONE, mes="x", call=1, voice="robot", fmt=1) == "0,-1"
    assert smsc.send(phones=PHONE, mes="x", call=1, voice="w,fr", fmt=1).endswith(",1")


# -- binary ------------------------------------------------------------------------------

def test_the_documents_binary_ems_example(smsc: Smsc, sms_mocks: Sandbox) -> None:
    hexed = "050A0307056048656C6C6F2C20576F726C6421"
    assert smsc.send(phones=PHONE, mes=hexed, bin=2, id=8, fmt=1) == "8,1"
    [message] = sms_mocks.messages()
    assert (message["channel"], message["encoding"], message["text"]) == ("bin", "binary",
                                                                          hexed)


def test_binary_takes_its_pid_and_dcs_from_the_trailer(smsc: Smsc,
                                                       sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="0048656C6C6F\n~~~\npid: 65, dcs: 4", bin=2)
    [message] = sms_mocks.messages()
    assert (message["text"], message["comment"], message["extra"]) == (
        "0048656C6C6F", "", {"pid": "65", "dcs": "4"})


def test_bin_1_takes_the_octets_themselves(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="\x00Hi", bin=1)
    assert sms_mocks.messages()[0]["text"] == "004869"


@pytest.mark.parametrize("charset", [None, "utf-8", "koi8-r"])
def test_bin_1_keeps_high_octets_whatever_the_charset(smsc: Smsc, sms_mocks: Sandbox,
                                                      charset: str | None) -> None:
    octets = bytes([0, 0x80, 0xC3, 0xFF, 0x41])
    query = (f"login={smsc.account.login}&psw={smsc.account.password}&phones={PHONE}"
             "&bin=1&mes=%00%80%C3%FF%41%0A~~~%0Apid:+65,+dcs:+4")
    if charset:
        query += f"&charset={charset}"
    assert smsc.http.get(f"/sys/send.php?{query}").text.startswith("OK - 1 SMS")
    [message] = sms_mocks.messages()
    assert (message["text"], message["extra"]) == (octets.hex().upper(),
                                                   {"pid": "65", "dcs": "4"})


def test_long_binary_is_split_by_octets(smsc: Smsc) -> None:
    assert smsc.send(phones=PHONE, mes="00" + "41" * 139, bin=2, fmt=1).endswith(",1")
    assert smsc.send(phones=PHONE, mes="00" + "41" * 299, bin=2, fmt=1).endswith(",3")


@pytest.mark.parametrize("mes", ["0G", "ABC", "05AABB", "", "0048\n~~~\npid=1"])
def test_bad_binary_is_a_parameter_error(smsc: Smsc, mes: str) -> None:
    assert smsc.send(phones=PHONE, mes=mes, bin=2, fmt=1) == "0,-1"


# -- spreading a mailing -----------------------------------------------------------------

def test_period_and_freq_spread_the_numbers_over_the_clock(smsc: Smsc,
                                                           sms_mocks: Sandbox) -> None:
    phones = ["79161234561", "79161234562", "79161234563", "79161234564", "79161234565"]
    # one hour, every 20 minutes: three groups of two, two and one
    assert smsc.send(phones=",".join(phones), mes="x", period=1, freq=20, fmt=1).endswith(",5")
    sent = sorted(ts(m["send_at"]) - ts(m["created_at"]) for m in sms_mocks.messages())
    assert sent == [0, 0, 1200, 1200, 2400]
    sms_mocks.advance(60)
    assert sorted(m["status"] for m in sms_mocks.messages()) == ["delivered"] * 2 + \
        ["queued"] * 3
    sms_mocks.advance(2400)
    assert {m["status"] for m in sms_mocks.messages()} == {"delivered"}


def test_freq_without_period_is_ignored(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones="79161234561,79161234562", mes="x", freq=20)
    assert {ts(m["send_at"]) - ts(m["created_at"]) for m in sms_mocks.messages()} == {0}


@pytest.mark.parametrize(("period", "freq"), [("0", "20"), ("721", "20"), ("1", "0"),
                                              ("1", "1441"), ("x", "20")])
def test_period_and_freq_out_of_range_are_errors(smsc: Smsc, period: str, freq: str) -> None:
    assert smsc.send(phones=PHONE, mes="x", period=period, freq=freq, fmt=1) == "0,-1"


# -- virtual sending ---------------------------------------------------------------------

@pytest.mark.slow
def test_virtual_sending_delivers_with_err_200_and_charges_nothing(
        sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, test_mode=True)
    before = sms_mocks.balance(smsc.account)
    answer = json.loads(smsc.send(phones=f"{PHONE},79000001006", mes="x", id=9, fmt=3,
                                  cost=3))
    assert (answer["cost"], answer["balance"]) == ("0.00", before)
    assert smsc.status(id=9, phone=PHONE, fmt=1).startswith("-1,")
    sms_mocks.advance(1)
    assert smsc.status(id=9, phone=PHONE, fmt=1).startswith("0,")
    sms_mocks.advance(60)
    # even a number that would fail is delivered: nothing reaches an operator
    for phone in (PHONE, "79000001006"):
        status = json.loads(smsc.status(id=9, phone=phone, fmt=3, all=1))
        assert (status["status"], status["err"], status["cost"]) == (1, 200, "0.00")
    assert sms_mocks.balance(smsc.account) == before
    assert Decimal(before) > 0


def test_virtual_sending_uses_no_prepaid_package(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, test_mode=True, packages={"МТС": 1})
    for n in range(3):  # more than the package holds, and a number it does not cover
        assert smsc.send(phones=PHONE, mes=f"x{n}", fmt=1).endswith(",1")
    assert smsc.send(phones="79031234567", mes="y", fmt=1).endswith(",1")
    [account] = [a for a in sms_mocks.control.call("GET", "/_mock/accounts")["accounts"]
                 if a["login"] == smsc.account.login]
    assert account["packages"] == {"МТС": 1}


def test_virtual_sending_still_charges_e_mail(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, test_mode=True, tariff={"default": "1.40", "mail": "0.50"},
                     senders={"me@example.com": "approved"})
    answer = json.loads(smsc.send(phones="you@example.com", mes="x", subj="s", mail=1,
                                  sender="me@example.com", fmt=3, cost=2))
    assert answer["cost"] == "0.50"


# -- the other channels and mailing options -----------------------------------------------

@pytest.mark.parametrize(("params", "channel"), [
    ({"flash": 1}, "flash"), ({"push": 1, "mes": "http://wap.ru\nWAP.RU"}, "push"),
    ({"ping": 1}, "ping"), ({"mms": 1, "subj": "s"}, "mms"), ({"viber": 1}, "viber"),
    ({"whatsapp": 1}, "whatsapp"), ({"soc": 1}, "soc"), ({"bot": "@shop_bot"}, "bot"),
    ({"mes": "__VIBER__: hi"}, "viber"), ({"mes": "__SOC__: hi"}, "soc"),
    ({"mes": "__BOT__: hi"}, "bot"), ({"mes": "__PING__"}, "ping"),
])
def test_each_channel_is_recorded_and_priced(sms_mocks: Sandbox, smsc: Smsc,
                                             params: dict[str, object], channel: str) -> None:
    sms_mocks.update(smsc.account, tariff={"default": "1.40", channel: "0.70"})
    answer = json.loads(smsc.send(**{"phones": PHONE, "mes": "hi", **params}, fmt=3, cost=2))
    [message] = sms_mocks.messages()
    assert (message["channel"], answer["cost"]) == (channel, "0.70")


def test_mail_needs_a_subject_and_a_sender(smsc: Smsc) -> None:
    base = {"phones": "you@example.com", "mes": "Hello", "mail": 1, "fmt": 1}
    assert smsc.send(**base, sender="alex2@mysite2.com") == "0,-1"
    assert smsc.send(**base, subj="Privet") == "0,-1"


@pytest.mark.parametrize(("code", "ok"), [("1234", True), ("12345678", True), ("123", False),
                                          ("123456789", False), ("12ab", False)])
def test_telegram_takes_only_codes_of_4_to_8_digits(smsc: Smsc, code: str, ok: bool) -> None:
    assert (smsc.send(phones=PHONE, mes=code, tg=1, fmt=1) != "0,-1") is ok


def test_groups_expand_to_their_numbers(sms_mocks: Sandbox, smsc: Smsc) -> None:
    sms_mocks.update(smsc.account, groups={"777": ["79161234561", "79161234562"],
                                           "888": ["79161234563"]})
    assert smsc.send(phones="G777,g888", mes="x", fmt=1).endswith(",3")
    assert sorted(m["phone"] for m in sms_mocks.messages()) == [
        "79161234561", "79161234562", "79161234563"]


def test_a_window_of_hours_waits_for_its_start(smsc: Smsc, sms_mocks: Sandbox) -> None:
    now = int(sms_mocks.control.call("GET", "/_mock/clock")["timestamp"])
    hour = (now // 3600 + 3) % 24  # the Moscow hour now
    start, end = (hour + 2) % 24, (hour + 3) % 24
    smsc.send(phones=PHONE, mes="x", time=f"{start}-{end}")
    [message] = sms_mocks.messages()
    wait = ts(message["send_at"]) - now
    assert 3600 < wait <= 7200  # from the next full hour + 1 to the window's start


def test_a_comment_is_kept_and_not_sent(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="Hello!\n~~~\nfor the history", fmt=1)
    [message] = sms_mocks.messages()
    assert (message["text"], message["comment"], message["parts"]) == (
        "Hello!", "for the history", 1)
