"""send.php: answers in every fmt × cost, errors with and without the id echo, parameters."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smsc.client import Smsc

PHONE = "79991234567"
MOSCOW = timezone(timedelta(hours=3))

SUCCESS = {
    # (fmt, cost): body, for id=5, one SMS at 1.40 on a balance of 100.00 (002, "Ответ сервера")
    (0, 0): "OK - 1 SMS, ID - 5",
    (0, 1): "1.40 (1 SMS)",
    (0, 2): "OK - 1 SMS, ID - 5, COST - 1.40",
    (0, 3): "OK - 1 SMS, ID - 5, COST - 1.40, BALANCE - 98.60",
    (1, 0): "5,1",
    (1, 1): "1.40,1",
    (1, 2): "5,1,1.40",
    (1, 3): "5,1,1.40,98.60",
    (2, 0): "<result>\n<id>5</id>\n<cnt>1</cnt>\n</result>",
    (2, 1): "<result>\n<cost>1.40</cost>\n<cnt>1</cnt>\n</result>",
    (2, 2): "<result>\n<id>5</id>\n<cnt>1</cnt>\n<cost>1.40</cost>\n</result>",
    (2, 3): "<result>\n<id>5</id>\n<cnt>1</cnt>\n<cost>1.40</cost>\n<balance>98.60</balance>\n"
            "</result>",
    (3, 0): '{"id":5,"cnt":1}',
    (3, 1): '{"cost":"1.40","cnt":1}',
    (3, 2): '{"id":5,"cnt":1,"cost":"1.40"}',
    (3, 3): '{"id":5,"cnt":1,"cost":"1.40","balance":"98.60"}',
}


@pytest.mark.parametrize(("fmt", "cost"), sorted(SUCCESS))
def test_success_answer_in_every_fmt_and_cost(smsc: Smsc, fmt: int, cost: int) -> None:
    body = smsc.send(phones=PHONE, mes="Hello!", id=5, fmt=fmt, cost=cost)
    assert body == SUCCESS[(fmt, cost)]


def test_answer_headers_name_the_charset(smsc: Smsc) -> None:
    response = smsc.get("send", phones=PHONE, mes="x", fmt=3)
    assert response.headers["content-type"] == "application/json; charset=windows-1251"
    response = smsc.get("send", phones=PHONE, mes="y", fmt=2, charset="utf-8")
    assert response.headers["content-type"] == "text/xml; charset=utf-8"


def test_cnt_is_parts_times_recipients(smsc: Smsc) -> None:
    body = smsc.send(phones=f"{PHONE},79011234567;79161234567", mes="a" * 161, fmt=3, cost=2)
    assert json.loads(body) == {"id": 1, "cnt": 6, "cost": "8.40"}


def test_ids_are_assigned_per_account_from_one(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(phones=PHONE, mes="one", fmt=1) == "1,1"
    assert smsc.send(phones=PHONE, mes="two", fmt=1) == "2,1"
    assert [m["ext_id"] for m in sms_mocks.messages()] == ["1", "2"]


def test_string_ids_are_kept(smsc: Smsc) -> None:
    assert smsc.send(phones=PHONE, mes="x", id="order-17.a_b", fmt=3) == \
        '{"id":"order-17.a_b","cnt":1}'


@pytest.mark.parametrize("bad_id", ["12345678901", "2147483648", "has space", "x" * 41])
def test_malformed_id_is_a_parameter_error(smsc: Smsc, bad_id: str) -> None:
    assert smsc.send(phones=PHONE, mes="x", id=bad_id) == "ERROR = 1 (parameters error)"


@pytest.mark.parametrize("no_id", ["0", "00"])
def test_id_0_is_no_id_as_the_official_libraries_send_it(smsc: Smsc, sms_mocks: Sandbox,
                                                         no_id: str) -> None:
    """smsc_api.php and smsc_api.py send id=0 with every default send_sms()."""
    assert smsc.send(phones=PHONE, mes="x", id=no_id, fmt=1, cost=3) == "1,1,1.40,98.60"
    assert [m["ext_id"] for m in sms_mocks.messages()] == ["1"]


@pytest.mark.parametrize("sender", ["SMSC.RU", "smsc.ru", "Smsc.Ru"])
def test_smscs_shared_sender_is_open_to_every_account(smsc: Smsc, sms_mocks: Sandbox,
                                                      sender: str) -> None:
    assert smsc.send(phones=PHONE, mes="x", sender=sender, fmt=1) == "1,1"
    assert sms_mocks.messages()[0]["sender"] == sender


def test_an_unregistered_sender_is_still_refused(smsc: Smsc) -> None:
    assert smsc.send(phones=PHONE, mes="x", sender="SMSC.RUS", fmt=1) == "1,-6"


AUTH_ERROR = {
    0: "ERROR = 2 (authorise error)",
    1: "0,-2",
    2: "<result>\n<error>authorise error</error>\n<error_code>2</error_code>\n</result>",
    3: '{"error":"authorise error","error_code":2}',
}


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_wrong_password_is_error_2_in_the_requested_fmt(smsc: Smsc, fmt: int) -> None:
    assert smsc.send(psw="wrong", phones=PHONE, mes="x", fmt=fmt) == AUTH_ERROR[fmt]


BAD_NUMBER = {
    0: "ERROR = 7 (invalid number), ID - 77",
    1: "77,-7",
    2: "<result>\n<error>invalid number</error>\n<error_code>7</error_code>\n<id>77</id>\n"
       "</result>",
    3: '{"error":"invalid number","error_code":7,"id":77}',
}


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_bad_number_is_error_7_with_the_id_echoed(smsc: Smsc, fmt: int) -> None:
    assert smsc.send(phones="12-34", mes="x", id=77, fmt=fmt) == BAD_NUMBER[fmt]


DATE_ERROR = {
    0: "ERROR = 5 (Неверный формат даты.)",
    1: "0,-5",
    2: "<result>\n<error>Неверный формат даты.</error>\n<error_code>5</error_code>\n</result>",
    3: '{"error":"Неверный формат даты.","error_code":5}',
}


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
@pytest.mark.parametrize("time", ["tomorrow", "3113121200", "32.01.25 10:00", "+x", "25-30"])
def test_malformed_time_is_error_5(smsc: Smsc, fmt: int, time: str) -> None:
    assert smsc.send(phones=PHONE, mes="x", id=3, time=time, fmt=fmt) == DATE_ERROR[fmt]


def test_unknown_parameters_are_ignored(smsc: Smsc) -> None:
    assert smsc.send(phones=PHONE, mes="x", id=9, fmt=1, frobnicate="yes", zzz="") == "9,1"


@pytest.mark.parametrize("missing", ["phones", "mes"])
def test_missing_required_parameter_is_error_1(smsc: Smsc, missing: str) -> None:
    params = {"phones": PHONE, "mes": "x", "fmt": 3}
    del params[missing]
    assert smsc.send(**params) == '{"error":"parameters error","error_code":1}'


def test_text_over_1000_characters_is_refused(smsc: Smsc) -> None:
    assert smsc.send(phones=PHONE, mes="a" * 1001, fmt=1) == "0,-1"
    assert smsc.send(phones=PHONE, mes="a" * 1000, fmt=1, id=2) == "2,7"


def test_unknown_sender_is_error_6(smsc: Smsc) -> None:
    assert smsc.send(phones=PHONE, mes="x", sender="NOBODY", id=4) == \
        "ERROR = 6 (message is denied), ID - 4"


def test_sender_pending_moderation_is_error_6(smsc: Smsc, sms_mocks: Sandbox) -> None:
    sms_mocks.update(smsc.account, senders={"SMSC": "approved", "Shop": "pending"})
    assert smsc.send(phones=PHONE, mes="x", sender="Shop", fmt=1, id=4) == "4,-6"
    assert smsc.send(phones=PHONE, mes="x", sender="SMSC", fmt=1, id=4) == "4,1"


def test_blocked_account_is_refused_with_error_6(smsc: Smsc, sms_mocks: Sandbox) -> None:
    sms_mocks.update(smsc.account, blocked=True)
    assert smsc.send(phones=PHONE, mes="x", fmt=1, id=4) == "4,-6"


def test_stop_listed_number_alone_is_error_8(smsc: Smsc, sms_mocks: Sandbox) -> None:
    sms_mocks.update(smsc.account, stop_list=[PHONE])
    assert smsc.send(phones=PHONE, mes="x", id=6) == "ERROR = 8 (can't to deliver), ID - 6"


def test_fixed_line_number_alone_is_error_8(smsc: Smsc) -> None:
    assert smsc.send(phones="74957271122", mes="x", fmt=1, id=6) == "6,-8"


def test_autocorrection_and_the_plus_that_disables_it(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(phones="8-901-123-45-67", mes="a", fmt=1, id=1) == "1,1"
    assert smsc.send(phones="+8-901-123-45-67", mes="b", fmt=1, id=2) == "2,-8"
    assert smsc.send(phones="+7(901) 123-45 67", mes="c", fmt=1, id=3) == "3,1"
    assert [m["phone"] for m in sms_mocks.messages(status="queued")] == ["79011234567"] * 2


def test_out_of_funds_is_error_3_and_charges_nothing(sms_mocks: Sandbox, http) -> None:
    smsc = Smsc(http, sms_mocks.account("smsc", balance="2.00"))
    assert smsc.send(phones=PHONE, mes="one", fmt=1, cost=3) == "1,1,1.40,0.60"
    assert smsc.send(phones=PHONE, mes="two", fmt=3) == \
        '{"error":"no money","error_code":3,"id":2}'
    assert smsc.balance() == "0.60"
    assert len(sms_mocks.messages()) == 1


def test_balance_falls_by_exactly_each_accepted_cost(smsc: Smsc) -> None:
    costs = []
    for i, text in enumerate(["a", "b" * 200, "я" * 71, "d"]):
        costs.append(json.loads(smsc.send(phones=PHONE, mes=text, fmt=3, cost=3, id=i + 1,
                                          charset="utf-8")))
    assert [c["cost"] for c in costs] == ["1.40", "2.80", "2.80", "1.40"]
    assert [c["balance"] for c in costs] == ["98.60", "95.80", "93.00", "91.60"]
    assert smsc.balance() == "91.60"


def test_cost_query_charges_nothing_and_stores_nothing(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(phones=PHONE, mes="x" * 200, cost=1) == "2.80 (2 SMS)"
    assert smsc.balance() == "100.00"
    assert sms_mocks.messages() == []


def test_tariff_by_operator_and_country(sms_mocks: Sandbox, http) -> None:
    account = sms_mocks.account("smsc", tariff={"25001": "2.10", "UA": "3.00",
                                                "default": "1.00"})
    smsc = Smsc(http, account)
    body = smsc.send(phones="79161234567,380671234567,79011234567", mes="x", cost=1, fmt=3)
    assert json.loads(body) == {"cost": "6.10", "cnt": 3}


def test_md5_password_and_api_keys_authenticate(sms_mocks: Sandbox, http) -> None:
    account = sms_mocks.account("smsc", password="s3cret", api_keys=["KEY123"])
    md5 = hashlib.md5(b"s3cret").hexdigest()
    plain = {"phones": PHONE, "fmt": 1, "cost": 1, "mes": "x"}
    assert http.get("/sys/send.php", params={"login": account.login, "psw": md5, **plain}) \
        .text == "1.40,1"
    assert http.get("/sys/send.php", params={"login": account.login, "psw": md5.upper(),
                                             **plain}).text == "0,-2"
    assert http.get("/sys/send.php", params={"apikey": "KEY123", **plain}).text == "1.40,1"
    assert http.get("/sys/send.php", params={"login": "", "psw": "KEY123", **plain}) \
        .text == "1.40,1"
    assert http.get("/sys/send.php", params={"apikey": "nope", **plain}).text == "0,-2"


def test_post_form_and_query_merge_with_post_winning(smsc: Smsc) -> None:
    response = smsc.http.post(
        f"/sys/send.php?login={smsc.account.login}&fmt=0",
        data={"psw": smsc.account.password, "phones": PHONE, "mes": "posted", "fmt": "1"})
    assert response.text == "1,1"


def test_comment_is_kept_but_not_sent(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(phones=PHONE, mes="Hello!\n~~~\n" + "c" * 300, fmt=1) == "1,1"
    [message] = sms_mocks.messages()
    assert (message["text"], message["comment"]) == ("Hello!", "c" * 300)


def test_translit_styles(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes="Привет", translit=1, charset="utf-8")
    smsc.send(phones=PHONE, mes="транслит", translit=2, charset="utf-8")
    assert [m["text"] for m in sms_mocks.messages()] == ["Privet", "mpaHc/Ium"]
    assert [m["encoding"] for m in sms_mocks.messages()] == ["GSM-7", "GSM-7"]


def test_maxsms_trims_the_text_to_the_budget(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(phones=PHONE, mes="я" * 300, maxsms=2, fmt=1, charset="utf-8") == "1,2"
    assert len(sms_mocks.messages()[0]["text"]) == 134


@pytest.mark.slow
@pytest.mark.parametrize(("charset", "encoded"), [
    (None, "%CF%F0%E8%E2%E5%F2"),  # windows-1251 is the default
    ("windows-1251", "%CF%F0%E8%E2%E5%F2"),
    ("utf-8", "%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"),
    ("koi8-r", "%F0%D2%C9%D7%C5%D4"),
])
def test_request_charsets(smsc: Smsc, sms_mocks: Sandbox, charset: str | None,
                          encoded: str) -> None:
    query = f"login={smsc.account.login}&psw={smsc.account.password}&phones={PHONE}" \
            f"&mes={encoded}&fmt=1" + (f"&charset={charset}" if charset else "")
    assert smsc.http.get(f"/sys/send.php?{query}").text == "1,1"
    assert sms_mocks.messages()[0]["text"] == "Привет"


def test_list_sends_different_texts_under_one_id(smsc: Smsc, sms_mocks: Sandbox) -> None:
    body = smsc.send(list="79991234567:Hello!\n79011234567,79161234567:Hi\\nthere", fmt=3)
    assert body == '{"id":1,"cnt":3}'
    assert [(m["phone"], m["text"], m["ext_id"]) for m in sms_mocks.messages()] == [
        ("79991234567", "Hello!", "1"), ("79011234567", "Hi\nthere", "1"),
        ("79161234567", "Hi\nthere", "1")]


def test_op_1_lists_every_number_with_mccmnc(smsc: Smsc) -> None:
    body = smsc.send(phones="79161234567,12", mes="x", op=1, fmt=3, id=8)
    assert json.loads(body) == {"id": 8, "cnt": 1, "phones": [
        {"phone": "79161234567", "mccmnc": "25001", "cost": "1.40", "status": "-1",
         "error": "0"},
        {"phone": "12", "mccmnc": "", "cost": "0.00", "status": "22", "error": "249"}]}
    text = smsc.send(phones="79161234567", mes="y", op=1, fmt=1, id=9)
    assert text == "9,1\n79161234567,25001,1.40,-1,0"


def test_err_1_lists_only_the_failed_numbers(smsc: Smsc, sms_mocks: Sandbox) -> None:
    sms_mocks.update(smsc.account, stop_list=["79011234567"])
    body = smsc.send(phones="79161234567,79011234567", mes="x", err=1, fmt=3, id=8)
    assert json.loads(body)["phones"] == [
        {"phone": "79011234567", "mccmnc": "25020", "cost": "0.00", "status": "23",
         "error": "250"}]


def test_identical_send_within_a_minute_is_error_9(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(phones=PHONE, mes="same", fmt=1) == "1,1"
    assert smsc.send(phones=PHONE, mes="same", fmt=1) == "0,-9"
    sms_mocks.advance(60)
    assert smsc.send(phones=PHONE, mes="same", fmt=1) == "2,1"


def test_duplicate_rule_can_be_switched_off_per_account(smsc: Smsc, sms_mocks: Sandbox) -> None:
    sms_mocks.update(smsc.account, limits={"smsc.duplicate_send": False})
    assert [smsc.send(phones=PHONE, mes="same", fmt=1) for _ in range(3)] == \
        ["1,1", "2,1", "3,1"]


def test_more_than_five_identical_cost_requests_is_error_9(smsc: Smsc,
                                                           sms_mocks: Sandbox) -> None:
    answers = [smsc.send(phones=PHONE, mes="q", cost=1, fmt=1) for _ in range(6)]
    assert answers == ["1.40,1"] * 5 + ["0,-9"]
    sms_mocks.advance(61)
    assert smsc.send(phones=PHONE, mes="q", cost=1, fmt=1) == "1.40,1"


def test_more_than_50_messages_to_one_number_in_quick_succession(smsc: Smsc,
                                                                 sms_mocks: Sandbox) -> None:
    sms_mocks.update(smsc.account, balance="1000")
    answers = []
    for i in range(51):
        answers.append(smsc.send(phones=PHONE, mes=f"n{i}", fmt=1, id=i + 1))
        sms_mocks.advance(30)
    assert answers[:50] == [f"{i + 1},1" for i in range(50)]
    assert answers[50] == "51,-8"
    sms_mocks.advance(60)
    assert smsc.send(phones=PHONE, mes="after a pause", fmt=1, id=52) == "52,1"


def test_many_erroneous_requests_block_the_ip_with_error_4(smsc: Smsc,
                                                           sms_mocks: Sandbox) -> None:
    sms_mocks.update(smsc.account, limits={"smsc.error_block": {"max": 3, "block": 300}})
    assert [smsc.send(psw="bad", phones=PHONE, mes="x", fmt=1) for _ in range(3)] == \
        ["0,-2"] * 3
    assert smsc.send(phones=PHONE, mes="x", fmt=1) == "0,-4"
    assert smsc.balance(fmt=3) == '{"error":"ip is blocked","error_code":4}'
    sms_mocks.advance(300)
    assert smsc.send(phones=PHONE, mes="x", fmt=1) == "1,1"


def test_huge_body_is_a_parameter_error(smsc: Smsc) -> None:
    response = smsc.http.post(
        f"/sys/send.php?login={smsc.account.login}&psw={smsc.account.password}&fmt=3",
        content=b"mes=" + b"a" * (3 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    assert response.text == '{"error":"parameters error","error_code":1}'


def test_a_banned_word_is_error_6(sms_mocks: Sandbox, http) -> None:
    smsc = Smsc(http, sms_mocks.account("smsc", banned_words=["казино"]))
    assert smsc.send(phones=PHONE, mes="Лучшее КАЗИНО", charset="utf-8", fmt=1, id=3) == "3,-6"


def test_a_closed_direction_is_error_8(sms_mocks: Sandbox, http) -> None:
    smsc = Smsc(http, sms_mocks.account("smsc", closed=["UA"]))
    assert smsc.send(phones="380671234567", mes="x", fmt=1, id=3) == "3,-8"
    assert smsc.send(phones="79161234567", mes="x", fmt=1, id=4) == "4,1"


def test_a_list_lines_own_tz_shifts_a_ddmmyyhhmm_time(smsc: Smsc, sms_mocks: Sandbox) -> None:
    """002: "sender,tz|phones:mes" - tz is the line's own time zone, for the DDMMYYhhmm and
    DD.MM.YY hh:mm forms of `time` only."""
    now = datetime.fromisoformat(sms_mocks.clock()["now"])
    day = (now + timedelta(days=2)).astimezone(MOSCOW).replace(hour=10, minute=30, second=0,
                                                                   microsecond=0)
    lines = ["|79991234567:Moscow", ",2|79011234567:Ekaterinburg",
             ",-1|79161234567:Kaliningrad", ",|79261234567:empty tz"]
    for time in (day.strftime("%d%m%y%H%M"), day.strftime("%d.%m.%y %H:%M")):
        sms_mocks.advance(1)
        assert smsc.send(list="\n".join(lines), time=time, fmt=1) in ("1,4", "2,4")
    at = {m["text"]: {m2["send_at"] for m2 in sms_mocks.messages() if m2["text"] == m["text"]}
          for m in sms_mocks.messages()}
    moscow = day.astimezone(UTC)
    assert at == {"Moscow": {_iso(moscow)}, "Ekaterinburg": {_iso(moscow - timedelta(hours=2))},
                  "Kaliningrad": {_iso(moscow + timedelta(hours=1))},
                  "empty tz": {_iso(moscow)}}


def test_a_list_lines_tz_leaves_a_relative_time_alone(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(list=",5|79991234567:a\n|79011234567:b", time="+30", fmt=1)
    assert len({m["send_at"] for m in sms_mocks.messages()}) == 1


def test_a_list_lines_tz_out_of_range_is_error_5(smsc: Smsc) -> None:
    assert smsc.send(list=",13|79991234567:a", time="0101301030", fmt=1) == "0,-5"


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds").replace("+00:00", "Z")


LONG_LINK = "https://example.com/orders/2026/12/06/confirmation?token=" + "a1b2c3d4" * 12


def test_tinyurl_1_stores_short_links_and_bills_their_parts(smsc: Smsc, sms_mocks: Sandbox
                                                             ) -> None:
    """002: tinyurl=1 shortens the links, so the parts, cost and stored text follow from the
    short link: a 2-part text with a long link becomes one SMS."""
    text = f"Your order: {LONG_LINK}. Thanks!"
    assert smsc.send(phones=PHONE, mes=text, fmt=3, cost=2) == '{"id":1,"cnt":2,"cost":"2.80"}'
    assert smsc.send(phones=PHONE, mes=text, tinyurl=1, fmt=3, cost=2) == \
        '{"id":2,"cnt":1,"cost":"1.40"}'
    long, short = (m["text"] for m in sms_mocks.messages())
    assert long == text
    assert re.fullmatch(r"Your order: https://smsc\.ru/[0-9A-Za-z]{6}\. Thanks!", short)


def test_tinyurl_gives_one_link_the_same_short_link(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes=f"a {LONG_LINK} b www.example.org/x", tinyurl=1)
    smsc.send(phones=PHONE, mes=f"{LONG_LINK}", tinyurl=1, cost=1)  # cost=1 prices only
    smsc.send(phones=PHONE, mes=f"c {LONG_LINK}", tinyurl="1")
    first, second = (m["text"].split() for m in sms_mocks.messages())
    assert first[1] == second[1] != first[3]
    assert first[3].startswith("https://smsc.ru/")


def test_tinyurl_0_and_absent_leave_links_alone(smsc: Smsc, sms_mocks: Sandbox) -> None:
    smsc.send(phones=PHONE, mes=LONG_LINK, tinyurl=0)
    assert sms_mocks.messages()[0]["text"] == LONG_LINK


def test_a_bar_inside_a_list_lines_text_is_text(smsc: Smsc, sms_mocks: Sandbox) -> None:
    assert smsc.send(list="79991234567:Hi|there:you", fmt=1) == "1,1"
    assert sms_mocks.messages()[0]["text"] == "Hi|there:you"
