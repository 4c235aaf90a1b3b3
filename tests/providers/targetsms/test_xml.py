"""The XML gate: /xml/ (and /xml/index.php) sends, /xml/state.php, /xml/balance.php; every
answer HTTP 200 with a <response>, each refusal in the abonent's <information> and each
whole-document error in <error> (targetsms-json-xml.md)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from lxml import etree

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.targetsms.gate import (
    ACCOUNT_BLOCKED,
    BAD_DOCUMENT,
    DECLARATION,
    NO_POST,
    NOT_FOUND,
    PHONE,
    WRONG_LOGIN,
    XmlGate,
    abonent,
    error_of,
    message,
    root_of,
)

MOSCOW = timezone(timedelta(hours=3))
SENDERS = {"Shop": "approved", "Pending": "pending"}
SCRIPTS = ["/xml/", "/xml/index.php", "/xml/state.php", "/xml/balance.php"]


@pytest.fixture
def gate(sms_mocks: Sandbox, http: httpx.Client) -> XmlGate:
    return XmlGate(http, sms_mocks.account("targetsms", balance="100", senders=SENDERS))


def _row(element: etree._Element) -> tuple[str, dict[str, str], str | None]:
    return element.tag, dict(element.attrib), element.text


@pytest.mark.parametrize("path", ["/xml/", "/xml/index.php"])
def test_send_answers_an_information_for_each_abonent(gate: XmlGate, sms_mocks: Sandbox,
                                                      path: str) -> None:
    rows = gate.send(
        message("Shop", "Первое", [abonent(PHONE, 1), abonent("79011234567", 2)],
                extra="<name_delivery>Рассылка 1</name_delivery>"),
        message("Shop", "Второе", [abonent("79261234567", 10)], kind=None), path=path)
    messages = sorted(sms_mocks.messages(), key=lambda m: m["id"])
    assert [_row(r) for r in rows] == [
        ("information", {"number_sms": n, "id_sms": str(m["id"]), "parts": "1"}, "send")
        for n, m in zip(("1", "2", "10"), messages, strict=True)]
    assert [(m["phone"], m["text"], m["comment"]) for m in messages] == [
        (PHONE, "Первое", "Рассылка 1"), ("79011234567", "Первое", "Рассылка 1"),
        ("79261234567", "Второе", "")]


def test_the_answer_is_docs_layout(gate: XmlGate, sms_mocks: Sandbox) -> None:
    body = (f"{DECLARATION}<request>{gate.security()}"
            f"{message('Shop', 'x', [abonent(PHONE, 1)])}</request>")
    response = gate.raw("/xml/", body)
    [sent] = sms_mocks.messages()
    assert response.content == (
        f'{DECLARATION}<response>\n<information number_sms="1" id_sms="{sent["id"]}" '
        'parts="1">send</information>\n</response>\n').encode()


def test_security_after_the_messages_an_empty_message_and_one_without_type(
        gate: XmlGate, sms_mocks: Sandbox) -> None:
    # WP puts <security> last; GR and IK send an empty typed message, then an untyped one
    body = (f"{DECLARATION}<request>\n  <message type=\"sms\"></message>\n  <message>\n"
            f"    <sender>Shop</sender>\n    <text>Текст</text>\n    {abonent(PHONE, 1)}\n"
            f"  </message>\n  {gate.security()}\n</request>\n")
    root = root_of(gate.raw("/xml/index.php", body.replace("\n", "\r\n")))  # CURLOPT_CRLF
    [row] = root
    assert (row.get("number_sms"), row.text) == ("1", "send")
    assert [m["text"] for m in sms_mocks.messages()] == ["Текст"]


def test_docs_example_with_two_messages(gate: XmlGate, sms_mocks: Sandbox) -> None:
    rows = gate.send(
        message("Shop", "Текст сообщения 1", [
            abonent("79001234567", 1, client_id_sms="101", time_send="2020-03-31 12:34",
                    validity_period="2020-03-31 15:34"),
            abonent("79001234568", 2, client_id_sms="102", time_send="2020-03-31 12:35"),
            abonent("79001234569", 10, client_id_sms="110", time_send="")],
            extra="<translite>1</translite><name_delivery>Рассылка 1</name_delivery>"),
        message("Shop", "Текст сообщения 2", [abonent("79001234567", 11, client_id_sms="111")],
                kind=None))
    assert [(r.get("number_sms"), r.text) for r in rows] == [
        ("1", "send"), ("2", "send"), ("10", "send"), ("11", "send")]
    texts = [m["text"] for m in sorted(sms_mocks.messages(), key=lambda m: m["id"])]
    assert texts == ["Tekst soobscheniya 1"] * 3 + ["Текст сообщения 2"]


@pytest.mark.parametrize(("sender", "text", "number", "action"), [
    (None, "x", PHONE, "Нет отправителя."),
    ("Nobody", "x", PHONE, "Такого отправителя Нет."),
    ("Pending", "x", PHONE, "Отправитель не прошел модерацию."),
    ("Shop", "", PHONE, "Нет текста сообщения."),
    ("Shop", "x", None, "Укажите номер телефона."),
    ("Shop", "x", "791612345678901", "Номер телефона должен быть меньше 15 символов."),
    ("Shop", "x", "74957271122", "Данное направление закрыто."),
    ("Shop", "x", "79000009004", "Текст SMS отклонен модератором."),
])
def test_a_refused_abonent_has_the_sentence_and_no_id(gate: XmlGate, sms_mocks: Sandbox,
                                                      sender: str | None, text: str,
                                                      number: str | None, action: str) -> None:
    [row] = gate.send(message(sender, text, [abonent(number, 1)]))
    assert _row(row) == ("information", {"number_sms": "1"}, action)
    assert sms_mocks.messages() == []


def test_wappush_and_vcard(gate: XmlGate, sms_mocks: Sandbox) -> None:
    no_url, push, no_card, card = gate.send(
        message("Shop", "Каталог", [abonent(PHONE, 1)], kind="wappush"),
        message("Shop", "Каталог", [abonent(PHONE, 2)], kind="wappush",
                extra="<url>https://example.com</url>"),
        message("Shop", None, [abonent(PHONE, 3)], kind="vcard", extra="<name>Иван</name>"),
        message("Shop", None, [abonent(PHONE, 4)], kind="vcard",
                extra='<name>Иван</name><phone cell="79161234567" work="" fax=""/>'
                      '<address city="Москва"/>'))
    assert [r.text for r in (no_url, push, no_card, card)] == [
        "Нет ссылки.", "send",
        "Укажите название контакта и, хотя бы один параметр для визитной карточки.", "send"]
    assert [(m["channel"], m["text"]) for m in sorted(sms_mocks.messages(),
                                                        key=lambda m: m["id"])] == [
        ("push", "Каталог https://example.com"),
        ("vcard", "BEGIN:VCARD\nN:Иван\nCELL:79161234567\nCITY:Москва\nEND:VCARD")]


def test_client_id_sms_sends_once(gate: XmlGate, sms_mocks: Sandbox) -> None:
    [first] = gate.send(message("Shop", "x", [abonent(PHONE, 1, client_id_sms="17333344441")]))
    [again] = gate.send(message("Shop", "x", [abonent(PHONE, 2, client_id_sms="17333344441")]))
    assert again.get("id_sms") == first.get("id_sms")
    assert len(sms_mocks.messages()) == 1


def test_state_has_the_time_of_change_in_moscow_once_final(gate: XmlGate,
                                                           sms_mocks: Sandbox) -> None:
    sms_id = gate.send_one().get("id_sms")
    [waiting, unknown] = gate.state(sms_id, 999999999)
    assert _row(waiting) == ("state", {"id_sms": sms_id, "time": ""}, "send")
    assert _row(unknown) == ("state", {"id_sms": "999999999", "time": ""}, NOT_FOUND)
    sms_mocks.advance(6)
    [done] = gate.state(sms_id)
    [sent] = sms_mocks.messages()
    changed = datetime.fromisoformat(sent["status_at"].replace("Z", "+00:00")).astimezone(
        MOSCOW).strftime("%Y-%m-%d %H:%M:%S")
    assert _row(done) == ("state", {"id_sms": sms_id, "time": changed}, "deliver")


def test_state_by_a_get_with_the_document_as_text_plain(gate: XmlGate,
                                                        sms_mocks: Sandbox) -> None:
    # CI: CURLOPT_CUSTOMREQUEST => 'GET', the document in the body, Content-Type: text/plain
    sms_id = gate.send_one().get("id_sms")
    sms_mocks.advance(6)
    body = (f"{DECLARATION}<request>{gate.security()}<get_state><id_sms>{sms_id}</id_sms>"
            "</get_state></request>")
    [row] = root_of(gate.raw("/xml/state.php", body, method="GET", content_type="text/plain"))
    assert row.text == "deliver"


def test_balance_is_money_and_the_sms_left_by_direction(sms_mocks: Sandbox,
                                                        http: httpx.Client) -> None:
    gate = XmlGate(http, sms_mocks.account("targetsms", balance="150", senders=SENDERS,
                                           packages={"Россия": 111, "Украина": 111}))
    root = gate.balance()
    assert [_row(r) for r in root] == [("money", {"currency": "RUR"}, "150"),
                                       ("sms", {"area": "Россия"}, "111"),
                                       ("sms", {"area": "Украина"}, "111")]
    gate.send_one()
    assert [r.text for r in gate.balance()] == ["148.6", "110", "111"]


def test_balance_without_packages_is_the_money_alone(gate: XmlGate) -> None:
    assert [_row(r) for r in gate.balance()] == [("money", {"currency": "RUR"}, "100")]


@pytest.mark.parametrize("path", SCRIPTS)
def test_whole_document_errors(gate: XmlGate, sms_mocks: Sandbox, path: str) -> None:
    login, password = gate.account.login, gate.account.password

    def ask(body: str | bytes | None, method: str = "POST") -> str | None:
        return error_of(root_of(gate.raw(path, body, method=method)))

    assert ask(f'<request><security><login value="{login}"/><password value="{password}x"/>'
               "</security></request>") == WRONG_LOGIN
    assert ask(f'<request><security><login value="{login}"/></security></request>') \
        == WRONG_LOGIN
    assert ask("<request></request>") == WRONG_LOGIN
    assert ask(b"") == NO_POST
    assert ask(None, method="GET") == NO_POST
    assert ask("<request><security>") == BAD_DOCUMENT
    assert ask(f'<data><security><login value="{login}"/><password value="{password}"/>'
               "</security></data>") == BAD_DOCUMENT
    assert ask(f"<request>{gate.security()}<message><sender>Shop</sender><text>A & B</text>"
               f"{abonent(PHONE, 1)}</message></request>") == BAD_DOCUMENT  # text unescaped
    assert sms_mocks.messages() == []


@pytest.mark.parametrize("path", SCRIPTS)
def test_a_blocked_account_is_refused_whole(sms_mocks: Sandbox, http: httpx.Client,
                                            path: str) -> None:
    gate = XmlGate(http, sms_mocks.account("targetsms", blocked=True, senders=SENDERS))
    assert error_of(gate.post(path, message("Shop", "x", [abonent(PHONE, 1)]))) \
        == ACCOUNT_BLOCKED


def test_an_answer_echoes_the_clients_values_escaped(gate: XmlGate) -> None:
    [row] = gate.send(message("Shop", "x", [abonent("74957271122", '1"<&>')]))
    assert row.get("number_sms") == '1"<&>'
    [state] = gate.state("&lt;&amp;&gt;")
    assert state.get("id_sms") == "<&>" and state.text == NOT_FOUND


def test_a_windows_1251_document_that_says_so_is_read(gate: XmlGate, sms_mocks: Sandbox) -> None:
    body = (f'<?xml version="1.0" encoding="windows-1251"?>\n<request>{gate.security()}'
            f"{message('Shop', 'Привет', [abonent(PHONE, 1)])}</request>").encode("cp1251")
    [row] = root_of(gate.raw("/xml/", body))
    assert row.text == "send"
    assert [m["text"] for m in sms_mocks.messages()] == ["Привет"]
