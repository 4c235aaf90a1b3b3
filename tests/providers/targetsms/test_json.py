"""sendsmsjson.php: sms, state and balance, every answer HTTP 200 with JSON, each refusal in
the row's action and each whole-request error in "error" (targetsms-json-xml.md)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.targetsms.gate import (
    ACCOUNT_BLOCKED,
    BAD_DOCUMENT,
    NO_POST,
    NOT_FOUND,
    PHONE,
    WRONG_LOGIN,
    JsonGate,
    answer_of,
)

MOSCOW = timezone(timedelta(hours=3))
SENDERS = {"Shop": "approved", "Pending": "pending", "79991234567": "approved"}


@pytest.fixture
def gate(sms_mocks: Sandbox, http: httpx.Client) -> JsonGate:
    return JsonGate(http, sms_mocks.account("targetsms", balance="100", senders=SENDERS))


def test_send_answers_a_row_for_each_abonent_all_values_strings(gate: JsonGate,
                                                              sms_mocks: Sandbox) -> None:
    rows = gate.send(
        {"type": "sms", "sender": "Shop", "text": "Первое", "name_delivery": "Акция",
         "abonent": [{"phone": PHONE, "number_sms": 1, "client_id_sms": 5001},
                     {"phone": 79011234567, "number_sms": "2"}]},
        {"sender": "79991234567", "text": "Second", "abonent": [
            {"phone": "79261234567", "number_sms": 3}]})
    messages = sorted(sms_mocks.messages(), key=lambda m: m["id"])
    assert rows == [{"number_sms": n, "id_sms": str(m["id"]), "parts": "1", "action": "send"}
                    for n, m in zip(("1", "2", "3"), messages, strict=True)]
    assert [(m["phone"], m["text"], m["sender"], m["comment"], m["extra"]) for m in messages] == [
        (PHONE, "Первое", "Shop", "Акция", {"client_id_sms": "5001"}),
        ("79011234567", "Первое", "Shop", "Акция", {}),
        ("79261234567", "Second", "79991234567", "", {})]
    assert {m["provider"] for m in messages} == {"targetsms"}


def test_parts_and_cost_are_the_texts(gate: JsonGate, sms_mocks: Sandbox) -> None:
    row = gate.send_one(text="я" * 71)
    assert row["parts"] == "2"
    assert gate("balance")["money"] == {"currency": "RUR", "value": "97.2"}  # 100 - 2 × 1.40


def test_an_abonent_without_number_sms_has_none_in_its_row(gate: JsonGate) -> None:
    [row] = gate.send({"sender": "Shop", "text": "x", "abonent": [{"phone": PHONE}]})
    assert list(row) == ["id_sms", "parts", "action"]


@pytest.mark.parametrize(("message", "abonent", "account", "action"), [
    ({"sender": None}, {}, {}, "Нет отправителя."),
    ({"sender": "Nobody"}, {}, {}, "Такого отправителя Нет."),
    ({"sender": "Pending"}, {}, {}, "Отправитель не прошел модерацию."),
    ({"sender": "TwelveLetter"}, {}, {}, "Отправитель не должен превышать 15 символов для "
     "цифровых номеров и 11 символов для буквенно-числовых."),
    ({"text": " "}, {}, {}, "Нет текста сообщения."),
    ({"text": None}, {}, {}, "Нет текста сообщения."),
    ({}, {"phone": None}, {}, "Укажите номер телефона."),
    ({}, {"phone": "12"}, {}, "Укажите номер телефона."),
    ({}, {"phone": "791612345678901"}, {}, "Номер телефона должен быть меньше 15 символов."),
    ({}, {"phone": "74957271122"}, {}, "Данное направление закрыто."),
    ({}, {}, {"stop_list": [PHONE]}, "Номер телефона присутствует в стоп-листе."),
    ({}, {}, {"closed": ["25001"]}, "Данное направление закрыто для вас."),
    ({"text": "Лучшее казино"}, {}, {"banned_words": ["казино"]},
     "Текст SMS отклонен модератором."),
    ({}, {}, {"balance": "0"}, "Недостаточно средств для отправки SMS. SMS будет отправлена как "
     "только вы пополните счет по данному направлению."),
    ({}, {}, {"packages": {"Мегафон": 5}},
     "У нас закончились SMS. Для разрешения проблемы свяжитесь с менеджером."),
    ({}, {}, {"packages": {"МТС": 0}}, "Закончились SMS."),
    ({}, {"phone": "79000009001"}, {}, "Аккаунт заблокирован."),
    ({"type": "wappush"}, {}, {}, "Нет ссылки."),
    ({"type": "vcard", "name": "Иван"}, {}, {},
     "Укажите название контакта и, хотя бы один параметр для визитной карточки."),
    ({"type": "vcard", "cell": "79161234567"}, {}, {},
     "Укажите название контакта и, хотя бы один параметр для визитной карточки."),
])
def test_a_refused_abonent_has_the_sentence_in_action_and_no_id(
        sms_mocks: Sandbox, http: httpx.Client, message: dict[str, Any],
        abonent: dict[str, Any], account: dict[str, Any], action: str) -> None:
    gate = JsonGate(http, sms_mocks.account("targetsms", **{
        "balance": "100", "senders": SENDERS, **account}))
    spec = {"type": "sms", "sender": "Shop", "text": "Привет", **message}
    spec["abonent"] = [{"phone": PHONE, "number_sms": 1, **abonent}]
    body = {k: v for k, v in spec.items() if v is not None}
    body["abonent"] = [{k: v for k, v in a.items() if v is not None} for a in body["abonent"]]
    assert gate.send(body) == [{"number_sms": "1", "action": action}]
    assert sms_mocks.messages() == []
    assert gate("balance")["money"]["value"] == account.get("balance", "100")


def test_each_abonent_is_accepted_or_refused_on_its_own(gate: JsonGate,
                                                        sms_mocks: Sandbox) -> None:
    rows = gate.send({"sender": "Shop", "text": "x", "abonent": [
        {"phone": PHONE, "number_sms": 1}, {"phone": "74957271122", "number_sms": 2},
        {"phone": "79011234567", "number_sms": 3}]})
    assert [r["action"] for r in rows] == ["send", "Данное направление закрыто.", "send"]
    assert len(sms_mocks.messages()) == 2
    assert gate("balance")["money"]["value"] == "97.2"


def test_money_runs_out_abonent_by_abonent(sms_mocks: Sandbox, http: httpx.Client) -> None:
    gate = JsonGate(http, sms_mocks.account("targetsms", balance="2", senders=SENDERS))
    rows = gate.send({"sender": "Shop", "text": "x", "abonent": [
        {"phone": PHONE, "number_sms": 1}, {"phone": "79011234567", "number_sms": 2}]})
    assert [r["action"] for r in rows] == ["send", texts_no_funds()]


def texts_no_funds() -> str:
    return ("Недостаточно средств для отправки SMS. SMS будет отправлена как только вы "
            "пополните счет по данному направлению.")


def test_an_empty_message_and_no_messages_give_no_rows(gate: JsonGate) -> None:
    assert gate.send({"type": "sms", "abonent": []}) == []
    assert gate("sms") == {"sms": []}


def test_client_id_sms_sends_once(gate: JsonGate, sms_mocks: Sandbox) -> None:
    [first] = gate.send({"sender": "Shop", "text": "x", "abonent": [
        {"phone": PHONE, "number_sms": 1, "client_id_sms": 17}]})
    again = gate.send({"sender": "Shop", "text": "other", "abonent": [
        {"phone": "79011234567", "number_sms": 5, "client_id_sms": "17"},
        {"phone": PHONE, "number_sms": 6, "client_id_sms": "18"},
        {"phone": PHONE, "number_sms": 7, "client_id_sms": "18"}]})
    assert again[0] == {**first, "number_sms": "5"}
    assert again[2] == {**again[1], "number_sms": "7"}
    assert len(sms_mocks.messages()) == 2
    assert gate("balance")["money"]["value"] == "97.2"


def test_client_id_sms_is_per_account(gate: JsonGate, sms_mocks: Sandbox,
                                      http: httpx.Client) -> None:
    other = JsonGate(http, sms_mocks.account("targetsms", senders=SENDERS))
    body = {"sender": "Shop", "text": "x", "abonent": [{"phone": PHONE, "client_id_sms": 1}]}
    assert gate.send(body)[0]["id_sms"] != other.send(body)[0]["id_sms"]


def test_translite_name_delivery_and_the_other_types(gate: JsonGate, sms_mocks: Sandbox) -> None:
    gate.send({"sender": "Shop", "text": "Привет", "translite": 1,
               "abonent": [{"phone": PHONE}]},
              {"type": "flashsms", "sender": "Shop", "text": "Flash",
               "abonent": [{"phone": PHONE}]},
              {"type": "wappush", "sender": "Shop", "text": "Каталог",
               "url": "https://example.com/c", "abonent": [{"phone": PHONE}]},
              {"type": "vcard", "sender": "Shop", "name": "Иван", "cell": "79161234567",
               "abonent": [{"phone": PHONE}]},
              {"type": "SMS", "sender": "Shop", "text": "unknown type", "abonent": [
                  {"phone": PHONE}]})
    messages = sorted(sms_mocks.messages(), key=lambda m: m["id"])
    assert [(m["channel"], m["text"]) for m in messages] == [
        ("sms", "Privet"), ("flash", "Flash"), ("push", "Каталог https://example.com/c"),
        ("vcard", "BEGIN:VCARD\nN:Иван\nCELL:79161234567\nEND:VCARD"),
        ("sms", "unknown type")]


def _moscow(ts: float) -> str:
    return datetime.fromtimestamp(ts, MOSCOW).strftime("%Y-%m-%d %H:%M")


def test_time_send_schedules_and_validity_period_limits(gate: JsonGate, sms_mocks: Sandbox) -> None:
    now = float(sms_mocks.clock()["timestamp"])
    later, soon = _moscow(now + 3600), _moscow(now + 120)
    rows = gate.send({"sender": "Shop", "text": "x", "abonent": [
        {"phone": PHONE, "number_sms": 1, "time_send": later},
        {"phone": "79000000001", "number_sms": 2, "time_send": "", "validity_period": soon},
        {"phone": PHONE, "number_sms": 3, "time_send": "not a time"}]})
    scheduled, silent, now_sent = (r["id_sms"] for r in rows)
    sms_mocks.advance(600)
    assert [r["state"] for r in gate.state(scheduled, silent, now_sent)] == [
        "send", "partly_deliver", "deliver"]
    sms_mocks.advance(3600)
    assert gate.state(scheduled)[0]["state"] == "deliver"


def test_state_reads_ids_as_strings_and_numbers(gate: JsonGate, sms_mocks: Sandbox) -> None:
    ok, failed = (gate.send_one(phone=p)["id_sms"] for p in (PHONE, "79000001001"))
    assert gate.state(ok, int(failed), "999999999", "abc") == [
        {"id_sms": ok, "state": "send"}, {"id_sms": failed, "state": "send"},
        {"id_sms": "999999999", "state": NOT_FOUND}, {"id_sms": "abc", "state": NOT_FOUND}]
    sms_mocks.advance(6)
    assert gate.state(int(ok), failed) == [
        {"id_sms": ok, "state": "deliver", "num_parts": "1", "price": "1.4"},
        {"id_sms": failed, "state": "not_deliver"}]


def test_state_words_follow_the_clock(gate: JsonGate, sms_mocks: Sandbox) -> None:
    ids = [gate.send_one(phone=p)["id_sms"]
           for p in ("79000001006", "79000000001", "79000000003")]
    sms_mocks.advance(24 * 3600 + 60)
    assert [r["state"] for r in gate.state(*ids)] == ["expired", "partly_deliver", "deliver"]


def test_another_accounts_message_is_not_found(gate: JsonGate, sms_mocks: Sandbox,
                                               http: httpx.Client) -> None:
    sms_id = gate.send_one()["id_sms"]
    other = JsonGate(http, sms_mocks.account("targetsms", senders=SENDERS))
    assert other.state(sms_id) == [{"id_sms": sms_id, "state": NOT_FOUND}]


def test_balance_is_money_with_its_currency_as_strings(gate: JsonGate) -> None:
    assert gate("balance") == {"money": {"currency": "RUR", "value": "100"}}
    gate.send_one()
    assert gate("balance") == {"money": {"currency": "RUR", "value": "98.6"}}


def test_the_same_request_twice_in_a_minute_is_answered_twice(sms_mocks: Sandbox,
                                                              http: httpx.Client) -> None:
    # sendsms.php's once-a-minute rule (001) is not the JSON API's: no source gives it one
    gate = JsonGate(http, sms_mocks.account("targetsms", senders=SENDERS))
    first, second = gate.send_one(), gate.send_one()
    assert first["action"] == second["action"] == "send"
    assert gate("balance") == gate("balance")


@pytest.mark.parametrize("body", [
    {"security": {"password": "x"}, "type": "balance"},
    {"security": {"login": "nobody", "password": "x"}, "type": "balance"},
    {"type": "balance"},
    {"security": "login", "type": "balance"},
], ids=["wrong password", "unknown login", "no security", "security not an object"])
def test_a_wrong_login_is_the_whole_requests_error(gate: JsonGate, body: dict[str, Any]) -> None:
    if "security" in body and isinstance(body["security"], dict) and "login" not in \
            body["security"]:
        body["security"]["login"] = gate.account.login
    assert gate.post(body) == {"error": WRONG_LOGIN}


def test_a_missing_password_is_a_wrong_login(gate: JsonGate) -> None:
    assert gate.post({"security": {"login": gate.account.login}, "type": "balance"}) == {
        "error": WRONG_LOGIN}


@pytest.mark.parametrize("type_", ["sms", "state", "balance"])
def test_a_blocked_account_is_refused_whole(sms_mocks: Sandbox, http: httpx.Client,
                                            type_: str) -> None:
    gate = JsonGate(http, sms_mocks.account("targetsms", blocked=True, senders=SENDERS))
    assert gate(type_) == {"error": ACCOUNT_BLOCKED}


def test_a_bearer_token_logs_in_without_security(sms_mocks: Sandbox, http: httpx.Client) -> None:
    account = sms_mocks.account("targetsms", senders=SENDERS, api_keys=["tok-123"])
    gate = JsonGate(http, account)
    bearer = {"Authorization": "Bearer tok-123"}
    assert gate.post({"type": "balance"}, bearer)["money"]["currency"] == "RUR"
    [row] = gate.post({"type": "sms", "message": [{"sender": "Shop", "text": "x", "abonent": [
        {"phone": PHONE, "number_sms": "1"}]}]}, bearer)["sms"]
    assert row["action"] == "send"
    assert gate.post({"type": "balance"}, {"Authorization": "Bearer nope"}) == {
        "error": WRONG_LOGIN}
    assert gate.post({"type": "balance"}, {"Authorization": "Basic tok-123"}) == {
        "error": WRONG_LOGIN}


@pytest.mark.parametrize(("body", "error"), [
    (b"", NO_POST),
    (b"{", BAD_DOCUMENT),
    (b"[1, 2]", BAD_DOCUMENT),
    (b'"sms"', BAD_DOCUMENT),
    (b"null", BAD_DOCUMENT),
    (b"type=balance", BAD_DOCUMENT),
    (b'{"type": "balance", "x": NaN}', BAD_DOCUMENT),
], ids=["empty", "cut short", "array", "string", "null", "a form", "NaN"])
def test_a_body_that_is_not_a_json_object(gate: JsonGate, body: bytes, error: str) -> None:
    assert answer_of(gate.raw(body)) == {"error": error}


@pytest.mark.parametrize("type_", [None, "list_bases", "originator", "", 5])
def test_a_type_this_api_does_not_serve_is_a_format_error(gate: JsonGate,
                                                          type_: object) -> None:
    body: dict[str, Any] = {"security": gate.security()}
    if type_ is not None:
        body["type"] = type_
    assert gate.post(body) == {"error": BAD_DOCUMENT}


def test_the_login_is_checked_before_the_type(gate: JsonGate) -> None:
    assert gate.post({"security": {"login": "nobody", "password": "x"}, "type": "nope"}) == {
        "error": WRONG_LOGIN}


def test_a_get_is_answered_as_a_post_without_a_body(gate: JsonGate) -> None:
    assert answer_of(gate.raw(None, method="GET")) == {"error": NO_POST}


def test_a_bom_and_any_content_type_are_read(gate: JsonGate) -> None:
    body = json.dumps({"security": gate.security(), "type": "balance"}).encode()
    assert "money" in answer_of(gate.raw(b"\xef\xbb\xbf" + body))
    for content_type in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
        assert "money" in answer_of(gate.raw(body, {"Content-Type": content_type}))
