"""TargetSMS: sendsms.php send, status, detailed status, balance and its error texts (001)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from sms_mocks.conformance import clients
from sms_mocks.conformance.scenario import expect, expect_match, scenario
from sms_mocks.conformance.target import Credentials, Target

SENDER = "Shop"
DETAIL_KEYS = ["id_sms", "time_change_state", "state_sms", "num_parts", "price"]
BALANCE = r"(\d+(?:\.\d+)?) RUR"


def _account(t: Target, **spec: Any) -> Credentials:
    senders = spec.pop("senders", {SENDER: "approved"})
    return t.account("targetsms", **({"senders": senders, **spec} if t.emulator else spec))


def _sender(t: Target) -> str:
    """The emulator's account has Shop; on a real one, TARGETSMS_SENDER (docs/conformance.md)."""
    if t.emulator:
        return SENDER
    return t.credentials["targetsms"].sender or SENDER


def _call(t: Target, account: Credentials, **params: Any) -> str:
    answer = t.get("targetsms", "/sendsms.php",
                   {"user": account.login, "pwd": account.password, **params})
    expect(answer.status, 200, "HTTP status")
    return answer.body.decode("utf-8")


def _balance(t: Target, account: Credentials) -> float:
    text = _call(t, account, balance=1)
    return float(expect_match(BALANCE + r"(\n.*)?", text, "balance answer").group(1))


@scenario("targetsms")
def send_status_balance(t: Target) -> None:
    """A send answers its id; the status goes send → deliver; the balance falls by the price."""
    phone = t.real_phone()
    account = _account(t)
    before = _balance(t, account)
    ident = expect_match(r"\d+", _call(t, account, sadr=_sender(t), dadr=phone,
                                      text="Conformance"), "send answer").group(0)
    status = _call(t, account, smsid=ident)
    if t.emulator:
        expect(status, "send", "status right after the send")
        t.advance(60)
        expect(_call(t, account, smsid=ident), "deliver", "status after a minute")
        expect(round(before - _balance(t, account), 2), 1.4, "balance fall")
    else:
        expect(status in ("", "send", "deliver"), True, f"status {status!r}")


@scenario("targetsms")
def detail_read_by_php_unserialize(t: Target) -> None:
    """detail=1 is read by PHP's own unserialize(): 001's five keys, in order."""
    phone = t.real_phone()
    account = _account(t)
    ident = _call(t, account, sadr=_sender(t), dadr=phone, text="Detail")
    if t.emulator:
        t.advance(60)
    detail = t.get("targetsms", "/sendsms.php", {"user": account.login, "pwd": account.password,
                                                "smsid": ident, "detail": 1}).body
    read = clients.php_json("unserialize.php", stdin=detail)
    expect(read["ok"], True, f"unserialize() of {detail!r}")
    expect(read["keys"], DETAIL_KEYS, "the detail's keys")
    expect(str(read["value"]["id_sms"]), ident, "id_sms")
    expect(read["price_is_float"], True, "price is a PHP float")
    if t.emulator:
        expect((read["value"]["state_sms"], read["value"]["num_parts"]), ("deliver", 1),
               "state and parts after a minute")


@scenario("targetsms")
def request_error_texts(t: Target) -> None:
    """A request missing its text, number or sender, or with one too long: 001's texts."""
    account = _account(t)
    sender = _sender(t)
    cases = [
        ({"sadr": sender, "dadr": "79161234567"}, "Нет текста сообщения."),
        ({"sadr": sender, "text": "x"}, "Укажите номер телефона."),
        ({"dadr": "79161234567", "text": "x"}, "Нет отправителя."),
    ]
    for params, text in cases:
        expect(_call(t, account, **params), text, f"send with {sorted(params)}")
    if not t.may_spend:  # were a real service to accept these, they would be sent
        return
    phone = t.real_phone()
    sized = [
        ({"sadr": "ABCDEFGHIJKL", "dadr": phone, "text": "x"},
         "Отправитель не должен превышать 15 символов для цифровых номеров и 11 символов "
         "для буквенно-числовых."),
        ({"sadr": sender, "dadr": "791612345678901", "text": "x"},
         "Номер телефона должен быть меньше 15 символов."),
    ]
    for params, text in sized:
        expect(_call(t, account, **params), text, f"send with {params}")


@scenario("targetsms")
def account_error_texts(t: Target) -> None:
    """Refusals that depend on the account: blocked, money, stop-list, senders, moderation."""
    cases: list[tuple[dict[str, Any], dict[str, Any], str]] = [
        ({"blocked": True}, {}, "Аккаунт заблокирован."),
        ({"balance": "0"}, {}, "Недостаточно средств для отправки SMS. SMS будет отправлена "
                               "как только вы пополните счет по данному направлению."),
        ({"stop_list": ["79161234567"]}, {}, "Номер телефона присутствует в стоп-листе."),
        ({"closed": ["RU"]}, {}, "Данное направление закрыто для вас."),
        ({"banned_words": ["casino"]}, {"text": "casino tonight"},
         "Текст SMS отклонен модератором."),
        ({}, {"sadr": "Nobody"}, "Такого отправителя Нет."),
        ({"senders": {"Fresh": "pending"}}, {"sadr": "Fresh"},
         "Отправитель не прошел модерацию."),
        ({}, {"dadr": "74957271122"}, "Данное направление закрыто."),
        ({}, {"text": "Follow {link}"}, "Нет ссылки."),
        ({"packages": {"Россия": 1}}, {"dadr": "380501234567"},
         "У нас закончились SMS. Для разрешения проблемы свяжитесь с менеджером."),
        ({"packages": {"Россия": 0}}, {}, "Закончились SMS."),
    ]
    for spec, params, text in cases:
        account = _account(t, **spec)
        request = {"sadr": SENDER, "dadr": "79161234567", "text": "Hello", **params}
        expect(_call(t, account, **request), text, f"send for an account with {spec}")


@scenario("targetsms")
def same_request_twice_in_a_minute(t: Target) -> None:
    """001: identical requests at most once a minute; the second gets the error line."""
    account = _account(t)
    # an extra parameter makes this run's request its own (the service ignores it)
    request = {"balance": 1, "conformance": uuid.uuid4().hex[:8]}
    expect_match(BALANCE + r"(\n.*)?", _call(t, account, **request), "first balance read")
    expect(_call(t, account, **request),
           "error: Попытка отправки более одного одинакового запроса в течение минуты",
           "the same request again")
    if t.emulator:
        t.advance(61)
        expect_match(BALANCE + r"(\n.*)?", _call(t, account, **request), "a minute later")


@scenario("targetsms", follows="001 gives no text for a wrong login or an unknown id; the "
                               "emulator uses the platform's JSON/XML words: the login one "
                               "as an `error: …` line, as the duplicate error is, the unknown "
                               "id bare, in place of the status word")
def wrong_login_and_unknown_message(t: Target) -> None:
    """A wrong password and an unknown message id answer the platform's own words."""
    account = _account(t)
    wrong = _call(t, Credentials(account.login, "not-it"), balance=1)
    expect_match(r"(error: )?Неправильный логин или пароль\.?", wrong, "wrong password")
    unknown = _call(t, account, smsid="1")
    # the real service may yet prove to answer an `error:` line or nothing (FACTS C.2: blank)
    expect_match(r"Сообщение с таким ID не принималось|error: .*|", unknown, "unknown message")


@scenario("targetsms")
def curl_sends_and_reads(t: Target) -> None:
    """curl: a send answers bare digits; the status one word of 001's vocabulary."""
    phone = t.real_phone()
    account = _account(t)
    auth = {"user": account.login, "pwd": account.password}
    base = t.base("targetsms")
    sent = clients.curl(f"{base}/sendsms.php?" + urlencode(
        {**auth, "sadr": _sender(t), "dadr": phone, "text": "Hello from curl"})).decode()
    expect_match(r"\d+", sent, "curl send")
    status = clients.curl(f"{base}/sendsms.php?" + urlencode({**auth, "smsid": sent})).decode()
    expect(status in ("", "send", "deliver", "not_deliver", "expired", "partly_deliver"), True,
           f"curl status {status!r}")


@scenario("targetsms")
def httpx_reads_the_balance(t: Target) -> None:
    """httpx: balance=1 answers the amount and RUR, as UTF-8 plain text."""
    account = _account(t)
    answer = clients.httpx_get(f"{t.base('targetsms')}/sendsms.php",
                               {"user": account.login, "pwd": account.password, "balance": 1,
                                "conformance": uuid.uuid4().hex[:8]})
    expect(answer.status_code, 200, "HTTP status")
    expect(answer.headers.get("content-type", "").startswith("text/plain"), True,
           f"content type {answer.headers.get('content-type')!r}")
    expect_match(BALANCE + r"(\n.*)?", answer.content.decode("utf-8"), "balance over httpx")
