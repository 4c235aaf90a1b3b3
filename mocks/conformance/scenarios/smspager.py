"""SMS-Pager: send.xml, report.xml, balance.xml, cancel.xml and the result codes (000)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from xml.sax.saxutils import escape, quoteattr

from sms_mocks.conformance import clients
from sms_mocks.conformance.scenario import expect, expect_match, scenario
from sms_mocks.conformance.target import Answer, Credentials, Target

SENDERS = {"SMS-Pager": "approved"}
MSK = timezone(timedelta(hours=3))
SILENT = "79000000001"  # emulator magic: the network never answers


def _account(t: Target, **spec: object) -> Credentials:
    # A fresh emulator account gets the document's sender; a real one has its own.
    return t.account("smspager", **({"senders": SENDERS, **spec} if t.emulator else spec))


CONTENT_TYPE = "text/xml; charset=UTF-8"


def _document(account: Credentials, inner: str) -> bytes:
    return (f"<?xml version='1.0' encoding='UTF-8'?>\n<data>\n"
            f"<login>{escape(account.login)}</login>\n"
            f"<password>{escape(account.password)}</password>\n{inner}</data>").encode()


def _post(t: Target, command: str, account: Credentials, inner: str) -> Answer:
    return t.post("smspager", f"/{command}.xml", _document(account, inner), CONTENT_TYPE)


def _fields(answer: Answer) -> dict[str, str]:
    """The answer's top-level elements (code, descr, ...), text stripped."""
    expect(answer.status, 200, "HTTP status")
    return _elements(answer.body)


def _elements(body: bytes) -> dict[str, str]:
    root = ET.fromstring(body)
    expect(root.tag, "data", "answer root")
    return {child.tag: (child.text or "").strip() for child in root}


def _report(t: Target, account: Credentials, smsid: str) -> ET.Element:
    """report.xml of one mailing, parsed."""
    return ET.fromstring(_post(t, "report", account, f"<smsid>{smsid}</smsid>\n").body)


def _send(t: Target, account: Credentials, phone: str, *, action: str = "send",
          extra: str = "", text: str = "Conformance") -> dict[str, str]:
    inner = (f"<action>{action}</action>\n<text>{escape(text)}</text>\n{extra}"
             f"<to number={quoteattr(phone)}></to>\n")
    return _fields(_post(t, "send", account, inner))


SEND_FIELDS = ["code", "descr", "smsid", "datetime", "action", "allRecivers", "colSendAbonent",
               "colNonSendAbonent", "priceOfSending", "colsmsOfSending", "price"]


@scenario("smspager")
def check_counts_without_sending(t: Target) -> None:
    """action=check answers send's figures, in 000's order, and charges nothing."""
    account = _account(t)
    before = _fields(_post(t, "balance", account, ""))["account"]
    answer = _send(t, account, "79161234567", action="check")
    expect(list(answer), SEND_FIELDS, "send.xml answer elements")
    expect((answer["code"], answer["action"], answer["allRecivers"], answer["colSendAbonent"]),
           ("1", "check", "1", "1"), "check figures")
    expect(_fields(_post(t, "balance", account, ""))["account"], before, "balance after check")


@scenario("smspager")
def send_report_balance(t: Target) -> None:
    """A send is charged; report.xml lists the number as waiting, then delivered."""
    phone = t.real_phone()
    account = _account(t)
    before = float(_fields(_post(t, "balance", account, ""))["account"])
    sent = _send(t, account, phone, extra="<smsid>conf1</smsid>\n")
    expect((sent["code"], sent["smsid"], sent["colSendAbonent"]), ("1", "conf1", "1"), "send")
    after = float(_fields(_post(t, "balance", account, ""))["account"])
    expect(round(before - after, 2), round(float(sent["price"]), 2), "balance fall = price")
    report = _report(t, account, "conf1")
    expect(report.findtext("code"), "1", "report code")
    if t.emulator:
        expect(report.findtext("detail/waiting/number"), phone, "waiting right after the send")
        t.advance(60)
        report = _report(t, account, "conf1")
        expect(report.findtext("detail/delivered/number"), phone, "delivered after a minute")


@scenario("smspager")
def login_errors_500_501(t: Target) -> None:
    """A wrong password is 501; a missing password 500; no text 500 (000's descriptions)."""
    account = _account(t)
    wrong = _fields(_post(t, "balance", Credentials(account.login, "not-it"), ""))
    expect((wrong["code"], wrong["descr"]), ("501", "Неверная пара логин/пароль"),
           "wrong password")
    missing = _fields(t.post("smspager", "/balance.xml",
                             b"<?xml version='1.0' encoding='UTF-8'?><data><login>x</login>"
                             b"</data>", "text/xml"))
    expect((missing["code"], missing["descr"]),
           ("500", "Недостаточно переданных параметров"), "no password")
    no_text = _fields(_post(t, "send", account, "<action>check</action>\n"
                                                "<to number='79161234567'></to>\n"))
    expect(no_text["code"], "500", "send without text")


@scenario("smspager")
def parameter_errors_502_503_504(t: Target) -> None:
    """A 22-character smsid is 502, a bad datetime 503, an unknown source 504 (check only)."""
    account = _account(t)
    cases = [("<smsid>" + "s" * 22 + "</smsid>\n", "502",
              "Превышен размер smsid. Максимальный размер 21 символ"),
             ("<datetime>tomorrow</datetime>\n", "503",
              "Неверный формат datetime. Верный: yyyy-mm-dd HH:MM:SS"),
             ("<source>NoSuchSource</source>\n", "504",
              "Недопустимое значение Адреса отправителя")]
    for extra, code, descr in cases:
        answer = _send(t, account, "79161234567", action="check", extra=extra)
        expect((answer["code"], answer["descr"]), (code, descr), f"send with {extra.strip()}")


@scenario("smspager")
def malformed_xml_is_700(t: Target) -> None:
    """A body that is not XML gets a 70x code with the parser's description, 000's words and
    no more (the emulator adds nothing; the real service is expected not to either)."""
    answer = _fields(t.post("smspager", "/send.xml", b"<data><login>", "text/xml"))
    expect(answer["code"][:2], "70", "code of a malformed document")
    expect(answer["descr"], "Ошибка парсера XML документа", "description of a malformed document")


def _moscow_in(t: Target, seconds: int) -> str:
    now = float(t.control("GET", "/_mock/clock")["timestamp"])
    at = datetime.fromtimestamp(now + seconds, UTC).astimezone(MSK)
    return at.strftime("%Y-%m-%d %H:%M:%S")


@scenario("smspager")
def scheduled_send_then_cancel(t: Target) -> None:
    """A send for an hour ahead waits; cancel.xml check counts it, make cancels and refunds."""
    account = _account(t, balance="10.00")
    when = _moscow_in(t, 3600)
    sent = _send(t, account, "79161234567",
                 extra=f"<smsid>later</smsid>\n<datetime>{when}</datetime>\n")
    expect((sent["code"], sent["datetime"]), ("1", when), "scheduled send")
    t.advance(1800)
    report = _report(t, account, "later")
    expect(report.findtext("detail/waiting/number"), "79161234567", "waiting half an hour in")
    check = _fields(_post(t, "cancel", account, "<action>check</action>\n<smsid>later</smsid>\n"))
    expect((check["code"], check["action"], check["cancelCol"]), ("1", "check", "1"),
           "cancel check")
    made = _fields(_post(t, "cancel", account, "<smsid>later</smsid>\n"))
    expect((made["code"], made["action"], made["cancelCol"]), ("1", "make", "1"), "cancel make")
    expect(_fields(_post(t, "balance", account, ""))["account"], "10", "balance after refund")


@scenario("smspager")
def validity_expires(t: Target) -> None:
    """vp=3600 to a number that never answers: enqueued, then notDelivered after an hour."""
    account = _account(t)
    _send(t, account, SILENT, extra="<smsid>lost</smsid>\n<vp>3600</vp>\n")
    t.advance(1800)
    report = _report(t, account, "lost")
    expect(report.findtext("detail/enqueued/number"), SILENT, "half an hour in")
    t.advance(1900)
    report = _report(t, account, "lost")
    expect(report.findtext("detail/notDelivered/number"), SILENT, "past the validity")


@scenario("smspager")
def curl_posts_xml(t: Target) -> None:
    """curl POSTs the raw XML of balance.xml and reads the account back."""
    account = _account(t)
    balance = _elements(clients.curl(f"{t.base('smspager')}/balance.xml",
                                     _document(account, ""), CONTENT_TYPE))
    expect(balance["code"], "1", "balance.xml over curl")
    expect_match(r"\d+(\.\d+)?", balance["account"], "the account over curl")


@scenario("smspager")
def httpx_posts_xml(t: Target) -> None:
    """httpx POSTs send.xml with action=check and reads its figures."""
    account = _account(t)
    check = "<action>check</action>\n<text>Hello</text>\n<to number='79161234567'></to>\n"
    answer = clients.httpx_post(f"{t.base('smspager')}/send.xml", _document(account, check),
                                CONTENT_TYPE)
    expect(answer.status_code, 200, "send.xml over httpx")
    fields = _elements(answer.content)
    expect((fields["code"], fields["action"], fields["colSendAbonent"]), ("1", "check", "1"),
           "check over httpx")
