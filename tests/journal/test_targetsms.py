"""TargetSMS's requests in the journal: parameters, the error texts, and why, in its words."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox

PHONE = "79991234567"


def test_an_accepted_send(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("targetsms", senders={"Shop": "approved"})
    answer = http.post("/sendsms.php", data={"user": account.login, "pwd": account.password,
                                             "sadr": "Shop", "dadr": PHONE, "text": "hi"}).text
    entry = sms_mocks.journal()[0]
    assert (entry["endpoint"], entry["params"], entry["account"], entry["outcome"],
            entry["ids"]) == (
        "sendsms.php (send)", {"user": account.login, "pwd": "***", "sadr": "Shop",
                               "dadr": PHONE, "text": "hi"}, account.login, "ok", [answer])


@pytest.mark.parametrize(("params", "outcome", "explanation"), [
    ({"pwd": "bad"}, "error: Неправильный логин или пароль", "wrong pwd for user '{login}'"),
    ({"pwd": None}, "error: Неправильный логин или пароль", "missing pwd"),
    ({"sadr": None}, "Нет отправителя.", "missing sadr"),
    ({"sadr": "Ghost"}, "Такого отправителя Нет.",
     "sadr 'Ghost' is not registered for this account"),
    ({"sadr": "VeryLongName1"}, "Отправитель не должен превышать 15 символов для цифровых "
     "номеров и 11 символов для буквенно-числовых.",
     "sadr 'VeryLongName1' is 13 characters: at most 15 for digits, 11 with letters"),
    ({"text": None}, "Нет текста сообщения.", "missing text"),
    ({"text": "go {link}"}, "Нет ссылки.", "text has {{link}} but link is missing"),
    ({"dadr": None}, "Укажите номер телефона.", "missing dadr"),
    ({"dadr": "12"}, "Укажите номер телефона.",
     "dadr must be 7XXXXXXXXXX or another country's international number (got '12')"),
    ({"dadr": "7999123456789012"}, "Номер телефона должен быть меньше 15 символов.",
     "dadr '7999123456789012' is 16 characters: at most 14"),
    ({"dadr": "79990000001"}, "Номер телефона присутствует в стоп-листе.",
     "dadr '79990000001' is in the account's stop-list"),
    ({"smsid": "999999"}, "Сообщение с таким ID не принималось",
     "no message with smsid '999999' for this account"),
])
def test_refusals_are_explained(sms_mocks: Sandbox, http: httpx.Client,
                                params: dict[str, Any], outcome: str, explanation: str) -> None:
    account = sms_mocks.account("targetsms", senders={"Shop": "approved"},
                                stop_list=["79990000001"])
    base = {"user": account.login, "pwd": account.password, "sadr": "Shop", "dadr": PHONE,
            "text": "hi"}
    query = {k: v for k, v in {**base, **params}.items() if v is not None}
    assert http.get("/sendsms.php", params=query).text == outcome
    entry = sms_mocks.journal()[0]
    assert (entry["refused"], entry["outcome"]) == (True, outcome)
    assert entry["explanation"] == explanation.format(login=account.login)


def test_no_funds_and_the_duplicate_rule(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("targetsms", balance="1", senders={"Shop": "approved"})
    query = {"user": account.login, "pwd": account.password, "sadr": "Shop", "dadr": PHONE,
             "text": "hi"}
    http.get("/sendsms.php", params=query)
    http.get("/sendsms.php", params=query)
    duplicate, no_funds = sms_mocks.journal()
    assert no_funds["explanation"] == "balance 1.00 is less than the cost 1.40"
    assert duplicate["explanation"] == (
        "the same parameters at most 1 times in 60 s (targetsms.duplicate)")


@pytest.mark.parametrize(("spec", "params", "outcome", "explanation"), [
    ({"blocked": True}, {}, "Аккаунт заблокирован.", "account '{login}' is blocked"),
    ({"closed": ["UA"]}, {"dadr": "380501234567"}, "Данное направление закрыто для вас.",
     "dadr '380501234567' is in a direction closed for this account (UA)"),
    ({"banned_words": ["casino"]}, {"text": "Casino night"}, "Текст SMS отклонен модератором.",
     "text contains the banned word 'casino'"),
    ({"senders": {"Shop": "approved", "Later": "pending"}}, {"sadr": "Later"},
     "Отправитель не прошел модерацию.", "sadr 'Later' is not approved yet (it is pending)"),
    ({"packages": {"Tele2": 0}}, {}, "Закончились SMS.",
     "the prepaid packages are used up for the dadr of this send (packages: Tele2=0)"),
    ({"packages": {"МТС": 5}}, {},
     "У нас закончились SMS. Для разрешения проблемы свяжитесь с менеджером.",
     "no prepaid package covers the dadr of this send (packages: МТС=5)"),
])
def test_account_state_refusals(sms_mocks: Sandbox, http: httpx.Client, spec: dict[str, Any],
                                params: dict[str, str], outcome: str, explanation: str) -> None:
    account = sms_mocks.account("targetsms", **{"senders": {"Shop": "approved"}, **spec})
    query = {"user": account.login, "pwd": account.password, "sadr": "Shop", "dadr": PHONE,
             "text": "hi", **params}
    assert http.get("/sendsms.php", params=query).text == outcome
    assert sms_mocks.journal()[0]["explanation"] == explanation.format(login=account.login)
