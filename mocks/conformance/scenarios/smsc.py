"""SMSC: send.php, status.php, balance.php (002) and the SOAP API (003)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from sms_mocks.conformance import clients
from sms_mocks.conformance.scenario import expect, expect_match, scenario
from sms_mocks.conformance.target import Answer, Credentials, Target

SILENT = "79000000001"  # emulator magic: the network never answers (docs/outcomes.md)
FIXED_LINE = "74957271122"


def _call(t: Target, account: Credentials, command: str, **params: Any) -> Answer:
    query = {"login": account.login, "psw": account.password, "charset": "utf-8", **params}
    answer = t.get("smsc", f"/sys/{command}.php", query)
    expect(answer.status, 200, f"{command}.php HTTP status")
    return answer


def _json(t: Target, account: Credentials, command: str, **params: Any) -> Any:
    return _call(t, account, command, fmt=3, **params).json()


@scenario("smsc", follows="002's money with two decimals; live JSON has been seen to drop a "
                          "trailing zero (\"4.1\")")
def price_without_sending(t: Target) -> None:
    """cost=1 prices a send in every fmt and sends nothing (free on the real service)."""
    account = t.account("smsc")
    before = _json(t, account, "balance")["balance"]
    forms = {
        0: r"(\d+\.\d\d) \(1 SMS\)",
        1: r"(\d+\.\d\d),1",
        2: r"<result>\n<cost>(\d+\.\d\d)</cost>\n<cnt>1</cnt>\n</result>\n?",
        3: r'\{"cost":"(\d+\.\d\d)","cnt":1\}',
    }
    costs = set()
    run = uuid.uuid4().hex[:8]  # earlier runs within the minute count towards error 9
    for fmt, form in forms.items():
        # a different text each time: five identical cost requests a minute are error 9
        answer = _call(t, account, "send", phones="79161234567",
                       mes=f"Price check {fmt} {run}", cost=1, fmt=fmt)
        costs.add(expect_match(form, answer.text, f"cost=1 fmt={fmt}").group(1))
    expect(len(costs), 1, "one price in every fmt")
    expect(_json(t, account, "balance")["balance"], before, "balance after pricing")


@scenario("smsc")
def send_status_balance(t: Target) -> None:
    """A send is charged, waits (-1), then reads delivered (1) in status.php."""
    phone = t.real_phone()
    account = t.account("smsc")
    before = _json(t, account, "balance")["balance"]
    sent = _json(t, account, "send", phones=phone, mes="Conformance send", cost=3)
    expect(sorted(sent), ["balance", "cnt", "cost", "id"], "send fields (cost=3, fmt=3)")
    expect(f"{float(before) - float(sent['cost']):.2f}", sent["balance"], "balance after send")
    first = _json(t, account, "status", phone=phone, id=sent["id"])
    if t.emulator:
        expect(first["status"], -1, "status right after the send (waiting)")
        t.advance(60)
        final = _json(t, account, "status", phone=phone, id=sent["id"])
        expect((final["status"], final["err"]), (1, 0), "status after a minute")
    else:
        expect(first["status"] in (-1, 0, 1), True, f"status of a fresh send ({first})")
    expect(_json(t, account, "balance")["balance"], sent["balance"], "balance.php after send")


@scenario("smsc")
def answer_forms(t: Target) -> None:
    """Every cost × fmt answer form of a send reads as 002 shows it."""
    phone = t.real_phone()
    account = t.account("smsc")
    money, n, ident = r"\d+\.\d\d", "1", r"\d+"
    forms = {
        (0, 0): f"OK - {n} SMS, ID - {ident}",
        (0, 2): f"OK - {n} SMS, ID - {ident}, COST - {money}",
        (0, 3): f"OK - {n} SMS, ID - {ident}, COST - {money}, BALANCE - {money}",
        (1, 0): f"{ident},{n}", (1, 2): f"{ident},{n},{money}",
        (1, 3): f"{ident},{n},{money},{money}",
        (2, 0): f"<result>\n<id>{ident}</id>\n<cnt>{n}</cnt>\n</result>\n?",
        (2, 3): (f"<result>\n<id>{ident}</id>\n<cnt>{n}</cnt>\n<cost>{money}</cost>\n"
                 f"<balance>{money}</balance>\n</result>\n?"),
        (3, 0): f'\\{{"id":{ident},"cnt":{n}\\}}',
        (3, 3): f'\\{{"id":{ident},"cnt":{n},"cost":"{money}","balance":"{money}"\\}}',
    }
    for (fmt, cost), form in forms.items():
        answer = _call(t, account, "send", phones=phone, mes=f"Form {fmt} {cost}", fmt=fmt,
                       cost=cost)
        expect_match(form, answer.text, f"send fmt={fmt} cost={cost}")


@scenario("smsc", follows="the live server's English error texts (002 lists Russian ones)")
def wrong_password_is_error_2(t: Target) -> None:
    """A wrong password is error 2 in each fmt of 002's error forms."""
    wrong = Credentials(t.account("smsc").login, "not-the-password")
    forms = {0: "ERROR = 2 (authorise error)", 1: "0,-2",
             2: "<result>\n<error>authorise error</error>\n<error_code>2</error_code>\n</result>",
             3: '{"error":"authorise error","error_code":2}'}
    for fmt, form in forms.items():
        answer = _call(t, wrong, "send", phones="79161234567", mes="x", fmt=fmt, cost=1)
        expect(answer.text.strip(), form, f"wrong password, fmt={fmt}")


@scenario("smsc")
def parameter_and_format_errors(t: Target) -> None:
    """No text is error 1; a bad date error 5; a bad number error 7 with the id echoed."""
    account = t.account("smsc")
    # cost=1 on each: were a real service to accept one of these, it would only price it
    expect(_call(t, account, "send", phones="79161234567", cost=1).text,
           "ERROR = 1 (parameters error)", "send without mes")
    expect(_json(t, account, "send", phones="79161234567", mes="x", time="99999999", cost=1),
           {"error": "Неверный формат даты.", "error_code": 5}, "send with a bad time")
    expect(_call(t, account, "send", phones="123", mes="x", id="42", cost=1).text,
           "ERROR = 7 (invalid number), ID - 42", "send to a bad number")
    expect(_json(t, account, "send", phones="123", mes="x", id="43", cost=1),
           {"error": "invalid number", "error_code": 7, "id": 43}, "error 7 in fmt=3")


@scenario("smsc")
def refusals_3_6_8(t: Target) -> None:
    """No money is error 3, an unregistered sender error 6, a fixed line error 8."""
    poor = t.account("smsc", balance="0.00")
    expect(_call(t, poor, "send", phones="79161234567", mes="x", id="7").text,
           "ERROR = 3 (no money), ID - 7", "send with no money")
    account = t.account("smsc", balance="100.00")
    expect(_call(t, account, "send", phones="79161234567", mes="x", sender="Nobody",
                 id="8").text,
           "ERROR = 6 (message is denied), ID - 8", "send from an unregistered sender")
    expect(_call(t, account, "send", phones=FIXED_LINE, mes="x", id="9").text,
           "ERROR = 8 (can't to deliver), ID - 9", "send to a fixed line")


@scenario("smsc")
def duplicate_send_is_error_9(t: Target) -> None:
    """The same send twice within a minute: the second is error 9 and is not charged."""
    phone = t.real_phone()
    account = t.account("smsc")
    text = f"Once only {uuid.uuid4().hex[:8]}"
    first = _call(t, account, "send", phones=phone, mes=text, cost=3, fmt=1)
    expect_match(r"\d+,1,\d+\.\d\d,\d+\.\d\d", first.text, "first send")
    again = _call(t, account, "send", phones=phone, mes=text, cost=3, fmt=1)
    expect(again.text, "0,-9", "the same send again")
    expect(_json(t, account, "balance")["balance"], first.text.split(",")[3],
           "balance after the refused duplicate")


@scenario("smsc")
def identical_cost_requests_are_limited(t: Target) -> None:
    """002: more than five identical cost requests within a minute: the sixth is error 9."""
    account = t.account("smsc")
    text = f"Price once {uuid.uuid4().hex[:8]}"
    answers = [_call(t, account, "send", phones="79161234567", mes=text, cost=1, fmt=1).text
               for _ in range(6)]
    for n, answer in enumerate(answers[:5], 1):
        expect_match(r"\d+\.\d\d,1", answer, f"cost request {n}")
    expect(answers[5], "0,-9", "the sixth identical cost request")


@scenario("smsc")
def balance_reads_are_limited(t: Target) -> None:
    """More than ten balance reads a minute: the eleventh is error 9."""
    account = t.account("smsc")
    answers = [_call(t, account, "balance", fmt=1).text for _ in range(11)]
    # A real account may have been read within the minute already: then error 9 comes sooner.
    allowed = answers.index("0,-9") if "0,-9" in answers else len(answers)
    expect(allowed < 11, True, "error 9 within eleven balance reads a minute")
    if t.emulator:  # a fresh account: exactly ten are allowed
        expect(allowed, 10, "balance reads allowed within a minute")
    for n, text in enumerate(answers[:allowed], 1):
        expect_match(r"\d+\.\d\d", text, f"balance read {n}")
    expect(set(answers[allowed:]), {"0,-9"}, "the reads past the limit")


@scenario("smsc")
def unknown_message_status(t: Target) -> None:
    """status.php of a message that does not exist is status -3."""
    account = t.account("smsc")
    expect(_json(t, account, "status", phone="79161234567", id="2000000000"),
           {"status": -3}, "status of an unknown message")


@scenario("smsc")
def scheduled_send_waits(t: Target) -> None:
    """time=+m holds the message (-1) until then; then it is delivered."""
    account = t.account("smsc")
    sent = _json(t, account, "send", phones="79161234567", mes="Later", time="+10")
    t.advance(9 * 60)
    expect(_json(t, account, "status", phone="79161234567", id=sent["id"])["status"], -1,
           "status nine minutes into a ten-minute wait")
    t.advance(2 * 60)
    expect(_json(t, account, "status", phone="79161234567", id=sent["id"])["status"], 1,
           "status a minute after the scheduled time")


@scenario("smsc")
def validity_expires(t: Target) -> None:
    """valid=01 to a number that never answers: status 0, then 3 (expired) after an hour."""
    account = t.account("smsc")
    sent = _json(t, account, "send", phones=SILENT, mes="Lost", valid="01")
    t.advance(30 * 60)
    expect(_json(t, account, "status", phone=SILENT, id=sent["id"])["status"], 0,
           "status half an hour in")
    t.advance(31 * 60)
    expect(_json(t, account, "status", phone=SILENT, id=sent["id"])["status"], 3,
           "status past the validity")


@scenario("smsc")
def curl_sends_and_reads(t: Target) -> None:
    """curl: a send and its status, the exact bytes of fmt=0 and fmt=1."""
    phone = t.real_phone()
    account = t.account("smsc")
    base = t.base("smsc")
    auth = {"login": account.login, "psw": account.password}
    sent = clients.curl(f"{base}/sys/send.php?" + urlencode(
        {**auth, "phones": phone, "mes": "Hello from curl"})).decode()
    ident = expect_match(r"OK - 1 SMS, ID - (\d+)", sent, "curl send").group(1)
    status = clients.curl(f"{base}/sys/status.php?" + urlencode(
        {**auth, "phone": phone, "id": ident, "fmt": 1})).decode()
    expect_match(r"-?\d+,\d+,\d+", status, "curl status fmt=1")


@scenario("smsc")
def httpx_sends_and_reads(t: Target) -> None:
    """httpx: a POSTed-style GET send in fmt=3, its status and the balance."""
    phone = t.real_phone()
    account = t.account("smsc")
    base = t.base("smsc")
    auth = {"login": account.login, "psw": account.password, "fmt": 3}
    sent = clients.httpx_get(f"{base}/sys/send.php", {**auth, "phones": phone,
                                                      "mes": "Hello from httpx"})
    expect(sent.status_code, 200, "httpx send status")
    ident = sent.json()["id"]
    status = clients.httpx_get(f"{base}/sys/status.php", {**auth, "phone": phone, "id": ident})
    expect("status" in status.json(), True, f"status answer {status.text!r}")
    balance = clients.httpx_get(f"{base}/sys/balance.php", auth).json()
    expect_match(r"\d+\.\d\d", balance["balance"], "balance over httpx")


@scenario("smsc", follows="the namespace of 003's WSDL copy, http://smsc.ru/sys/soap.php; "
                          "the live one is https (docs/configuration.md: [smsc] soap_namespace)")
def soap_with_zeep(t: Target) -> None:
    """zeep through the served WSDL: balance, cost, an error in-band, a send and its status."""
    account = t.account("smsc")
    soap = clients.zeep_service(f"{t.base('smsc')}/sys/soap.php?wsdl")
    auth = {"login": account.login, "psw": account.password}
    expect_match(r"\d+\.\d\d", soap.get_balance(**auth).balance, "get_balance")
    cost = soap.get_sms_cost(**auth, phones="79161234567", mes="x" * 161)
    expect((cost.cnt, cost.error), ("2", None), "get_sms_cost of 161 Latin characters")
    expect(soap.get_balance(login=account.login, psw="wrong").error, "2",
           "get_balance with a wrong password")
    if not t.may_spend:  # a real service without the spend switch: the free calls only
        return
    phone = t.real_phone()
    sent = soap.send_sms(**auth, phones=phone, mes="Hello from zeep", id="", sender="",
                         time="0")
    expect((sent.cnt, sent.error), ("1", None), "send_sms")
    status = soap.get_status(**auth, phone=phone, id=sent.id, all="0")
    expect(status.error, None, "get_status error")
    if t.emulator:
        expect(status.status, "-1", "get_status right after the send")


@scenario("smsc")
def soap_with_php(t: Target) -> None:
    """PHP's SoapClient, as 003's examples call it: balance, cost, send, status, an error."""
    account = t.account("smsc")
    # a real service without the spend switch: the free calls only
    phone, what = (t.real_phone(), "send") if t.may_spend else ("79161234567", "cost")
    read = clients.php_json("soap.php", f"{t.base('smsc')}/sys/soap.php?wsdl",
                            account.login, account.password, what, phone, extension="soap")
    expect_match(r"\d+\.\d\d", read["balance"]["balance"], "get_balance")
    expect(read["cost"]["cnt"], "1", "get_sms_cost cnt")
    expect(read["wrong"]["error"], "2", "get_balance with a wrong password")
    if what == "send":
        expect(read["send"]["cnt"], "1", "send_sms cnt")
        expect(read["status"]["phone"], phone, "get_status phone")



@scenario("smsc")
def ignored_parameters_change_nothing(t: Target) -> None:
    """smsreq, fileurl, imgcode, userip, pp and nl are accepted and change no price; nor does
    tinyurl on a text without links."""
    account = t.account("smsc")
    text = f"Ignored {uuid.uuid4().hex[:8]}"
    plain = _call(t, account, "send", phones="79161234567", mes=text, cost=1, fmt=1).text
    expect_match(r"\d+\.\d\d,1", plain, "cost=1 fmt=1 without them")
    extras = {"tinyurl": 1, "smsreq": 10, "imgcode": "x1y2", "userip": "192.0.2.1",
              "pp": "1", "nl": 1}
    priced = _call(t, account, "send", phones="79161234567", mes=text, cost=1, fmt=1,
                   **extras).text
    expect(priced, plain, "cost=1 with the parameters the emulator ignores")
