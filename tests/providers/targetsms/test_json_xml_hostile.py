"""Hostile and broken bodies for the JSON API and the XML gate: each gets the API's documented
error at once, HTTP 200, nothing is resolved, read, stored or charged, and the server goes on
serving. Any bytes at all get a well-formed answer of the API's own form.

Where the sources name no error (a body too large, a bad charset, a DTD, JSON that is not an
object) the answer is the nearest documented one, DOC's «Неправильный формат XML документа»;
see docs/fidelity.md."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.targetsms.gate import (
    ACCOUNT_BLOCKED,
    BAD_DOCUMENT,
    NO_POST,
    NOT_FOUND,
    PHONE,
    WRONG_LOGIN,
    JsonGate,
    XmlGate,
    answer_of,
    error_of,
    root_of,
)

SCRIPTS = ["/xml/", "/xml/index.php", "/xml/state.php", "/xml/balance.php"]
ERRORS = {BAD_DOCUMENT, ACCOUNT_BLOCKED, WRONG_LOGIN, NO_POST}
# Every sentence an abonent's row may carry (001's list, DOC's vCard one), and "send".
ACTIONS = {
    "send", "У нас закончились SMS. Для разрешения проблемы свяжитесь с менеджером.",
    "Закончились SMS.", "Аккаунт заблокирован.", "Укажите номер телефона.",
    "Номер телефона присутствует в стоп-листе.", "Данное направление закрыто для вас.",
    "Данное направление закрыто.",
    "Недостаточно средств для отправки SMS. SMS будет отправлена как только вы пополните счет "
    "по данному направлению.", "Текст SMS отклонен модератором.", "Нет отправителя.",
    "Отправитель не должен превышать 15 символов для цифровых номеров и 11 символов для "
    "буквенно-числовых.", "Номер телефона должен быть меньше 15 символов.",
    "Нет текста сообщения.", "Нет ссылки.",
    "Укажите название контакта и, хотя бы один параметр для визитной карточки.",
    "Такого отправителя Нет.", "Отправитель не прошел модерацию."}
STATES = {"send", "deliver", "not_deliver", "expired", "partly_deliver", NOT_FOUND}
MIB = 1024 * 1024


@pytest.fixture
def pair(sms_mocks: Sandbox, http: httpx.Client) -> tuple[JsonGate, XmlGate]:
    account = sms_mocks.account("targetsms", balance="100", senders={"Shop": "approved"})
    return JsonGate(http, account), XmlGate(http, account)


def _nothing_happened(gate: JsonGate, sms_mocks: Sandbox) -> None:
    assert sms_mocks.messages() == []
    assert gate("balance")["money"]["value"] == "100"


# -- XML: entities, DTDs, encodings --------------------------------------------------------

def _billion_laughs(xml: XmlGate) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE request [\n' + "\n".join(entities)
            + f"\n]>\n<request>{xml.security()}<message><sender>Shop</sender><text>&lol9;</text>"
              f'<abonent phone="{PHONE}" number_sms="1"/></message></request>')


def _external_entity(xml: XmlGate) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<!DOCTYPE request [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            f"<request>{xml.security()}<message><sender>Shop</sender><text>&xxe;</text>"
            f'<abonent phone="{PHONE}" number_sms="&xxe;"/></message>'
            "<get_state><id_sms>&xxe;</id_sms></get_state></request>")


XML_CASES = {
    "billion laughs": lambda x: _billion_laughs(x).encode(),
    "external entity": lambda x: _external_entity(x).encode(),
    "billion laughs in UTF-16": lambda x: _billion_laughs(x).replace(
        'encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"),
    "invalid UTF-8": lambda x: (f'<?xml version="1.0" encoding="utf-8"?><request>{x.security()}'
                                "<message><sender>Shop</sender><text>").encode()
    + b"\xd0\xff\xfe" + f'</text><abonent phone="{PHONE}"/></message></request>'.encode(),
    "windows-1251 bytes declared utf-8": lambda x: (
        f'<?xml version="1.0" encoding="utf-8"?><request>{x.security()}<message>'
        f'<sender>Shop</sender><text>Привет</text><abonent phone="{PHONE}"/></message>'
        "</request>").encode("cp1251"),
    "unknown encoding": lambda x: (f'<?xml version="1.0" encoding="X-NONE"?><request>'
                                   f"{x.security()}</request>").encode(),
    "declaration only": lambda x: b'<?xml version="1.0" encoding="utf-8"?>\n',
    "not XML": lambda x: b"user=demo&pwd=demo",
    "root <data>": lambda x: f"<data>{x.security()}</data>".encode(),
    "namespaced root": lambda x: f'<request xmlns="urn:x">{x.security()}</request>'.encode(),
}


@pytest.mark.slow
@pytest.mark.parametrize("path", SCRIPTS)
@pytest.mark.parametrize("case", XML_CASES, ids=list(XML_CASES))
def test_a_hostile_document_is_a_format_error(pair: tuple[JsonGate, XmlGate],
                                              sms_mocks: Sandbox, case: str, path: str) -> None:
    gate, xml = pair
    started = time.perf_counter()
    response = xml.raw(path, XML_CASES[case](xml))
    assert time.perf_counter() - started < 1
    assert error_of(root_of(response)) == BAD_DOCUMENT
    assert b"root:" not in response.content and b"lollol" not in response.content
    _nothing_happened(gate, sms_mocks)


# -- JSON: not an object, not UTF-8, too deep ------------------------------------------------

def _login(gate: JsonGate) -> str:
    return json.dumps(gate.security())


def _doc(gate: JsonGate, rest: str) -> str:
    """An object with the gate's security, then `rest` (the other members, as text)."""
    return '{"security": ' + _login(gate) + ", " + rest + "}"


SEND_TO = '"type": "sms", "message": [{"sender": "Shop", "text": "TEXT", "abonent": [{"phone": "' \
    + PHONE + '"}]}]'
JSON_CASES = {
    "cut short": lambda g: b'{"security": ' + _login(g).encode(),
    "windows-1251": lambda g: _doc(g, SEND_TO.replace("TEXT", "Привет")).encode("cp1251"),
    "UTF-16": lambda g: _doc(g, '"type": "balance"').encode("utf-16"),
    "a lone surrogate": lambda g: _doc(g, SEND_TO.replace("TEXT", "\\ud800")).encode(),
    "nested too deep": lambda g: b"[" * 100_000 + b"]" * 100_000,
    "nested too deep in an object": lambda g: _doc(
        g, '"type": "sms", "message": ' + "[" * 50_000 + "]" * 50_000).encode(),
    "Infinity": lambda g: _doc(g, '"type": "balance", "x": Infinity').encode(),
    "XML": lambda g: b"<request/>",
    "a BOM alone": lambda g: b"\xef\xbb\xbf",
}


@pytest.mark.slow
@pytest.mark.parametrize("case", JSON_CASES, ids=list(JSON_CASES))
def test_a_hostile_json_body_is_a_format_error(pair: tuple[JsonGate, XmlGate],
                                               sms_mocks: Sandbox, case: str) -> None:
    gate, _ = pair
    started = time.perf_counter()
    assert answer_of(gate.raw(JSON_CASES[case](gate))) == {"error": BAD_DOCUMENT}
    assert time.perf_counter() - started < 2
    _nothing_happened(gate, sms_mocks)


def test_a_number_past_any_integer_is_read_as_php_reads_it(pair: tuple[JsonGate, XmlGate]
                                                           ) -> None:
    gate, _ = pair
    body = _doc(gate, '"type": "state", "get_state": [' + "9" * 5000 + ", 1]")
    rows = answer_of(gate.raw(body))["state"]
    assert [row["state"] for row in rows] == [NOT_FOUND, NOT_FOUND]


@pytest.mark.slow
def test_too_many_abonents_is_a_format_error(pair: tuple[JsonGate, XmlGate],
                                             sms_mocks: Sandbox) -> None:
    gate, xml = pair
    many = [{}] * 20_001
    assert gate("sms", message=[{"sender": "Shop", "text": "x", "abonent": many}]) == {
        "error": BAD_DOCUMENT}
    assert gate("state", get_state=[1] * 20_001) == {"error": BAD_DOCUMENT}
    assert error_of(xml.post("/xml/", "<message>" + "<abonent/>" * 20_001 + "</message>")) \
        == BAD_DOCUMENT
    _nothing_happened(gate, sms_mocks)


# -- size and time ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_20_mib_body_is_refused_at_once(pair: tuple[JsonGate, XmlGate],
                                          sms_mocks: Sandbox) -> None:
    gate, xml = pair
    big = b" " * (20 * MIB)
    started = time.perf_counter()
    assert answer_of(gate.raw(b"{" + big + b"}")) == {"error": BAD_DOCUMENT}
    assert error_of(root_of(xml.raw("/xml/", b"<request>" + big + b"</request>"))) \
        == BAD_DOCUMENT
    assert time.perf_counter() - started < 3
    _nothing_happened(gate, sms_mocks)


@pytest.mark.parametrize("path", ["/sendsmsjson.php", "/xml/"])
def test_the_declared_length_is_refused_before_the_body_is_read(
        pair: tuple[JsonGate, XmlGate], path: str) -> None:
    """Only the headers are sent: the answer comes without waiting for 20 MiB."""
    url = pair[0].http.base_url
    with socket.create_connection((url.host, url.port), timeout=2) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                     "Content-Length: 20971520\r\n\r\n{".encode())
        received = b""
        while BAD_DOCUMENT.encode() not in received:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert BAD_DOCUMENT.encode() in body


def test_a_chunked_body_past_one_mib_is_refused(pair: tuple[JsonGate, XmlGate],
                                                sms_mocks: Sandbox) -> None:
    gate, xml = pair

    def chunks() -> Iterator[bytes]:
        yield b"<request>"
        for _ in range(40):
            yield b" " * 32768  # 1.25 MiB in all, with no Content-Length
        yield b"</request>"

    response = xml.http.post("/xml/balance.php", content=chunks())
    assert error_of(root_of(response)) == BAD_DOCUMENT
    _nothing_happened(gate, sms_mocks)


def test_a_document_of_just_under_one_mib_is_read(pair: tuple[JsonGate, XmlGate]) -> None:
    gate, xml = pair
    padding = " " * (MIB - 300)
    body = _doc(gate, padding + '"type": "balance"')
    assert answer_of(gate.raw(body))["money"]["value"] == "100"
    root = xml.post("/xml/balance.php", "<!-- " + "z" * (MIB - 400) + " -->")
    assert root[0].text == "100"


# -- any bytes -------------------------------------------------------------------------------

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
GOOD = ["Shop", "Nobody", "sms", "flashsms", "wappush", "vcard", "", " ", "1", "0", PHONE,
        "79000001001", "74957271122", "791612345678901", "12", "+7 916 123-45-67", "я" * 80,
        "2030-01-01 12:00", "2000-01-01 00:00", "state", "balance", "{link}", "1" * 30]
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.sampled_from(GOOD), text),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(
                                ["phone", "number_sms", "text", "sender", "x"]), inner,
                                max_size=3)),
    max_leaves=8)
abonents = st.lists(st.fixed_dictionaries({}, optional={
    "phone": st.one_of(st.sampled_from(GOOD), values), "number_sms": values,
    "client_id_sms": st.one_of(st.sampled_from(["1", "2"]), values),
    "time_send": values, "validity_period": values}), max_size=3)
messages = st.lists(st.fixed_dictionaries({}, optional={
    "type": st.one_of(st.sampled_from(["sms", "flashsms", "wappush", "vcard"]), values),
    "sender": st.one_of(st.sampled_from(GOOD), values), "text": values, "translite": values,
    "name_delivery": values, "url": values, "name": values, "cell": values,
    "abonent": st.one_of(abonents, values)}), max_size=3)


@st.composite
def json_bodies(draw: st.DrawFn, security: dict[str, str]) -> bytes:
    body: dict[str, Any] = {}
    if draw(st.booleans()):
        body["security"] = draw(st.one_of(st.just(security), values))
    body["type"] = draw(st.one_of(st.sampled_from(["sms", "state", "balance"]), values))
    body["message"] = draw(st.one_of(messages, values))
    body["get_state"] = draw(st.one_of(st.lists(st.one_of(st.integers(0, 10**6), values),
                                                max_size=4), values))
    data = json.dumps(dict(draw(st.permutations(list(body.items())))),
                      ensure_ascii=draw(st.booleans())).encode()
    if draw(st.booleans()):  # mangle: cut it somewhere, or splice in random bytes
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=20)) + data[at + draw(st.integers(0, 5)):]
    return data


def _check_json(answer: dict[str, Any]) -> str:
    if "error" in answer:
        assert set(answer) == {"error"} and answer["error"] in ERRORS, answer
        return answer["error"]  # type: ignore[no-any-return]
    [(key, value)] = answer.items()
    if key == "sms":
        for row in value:
            assert row["action"] in ACTIONS, row
            assert set(row) <= {"number_sms", "id_sms", "parts", "action"}
            assert all(isinstance(v, str) for v in row.values())
            assert ("id_sms" in row) == (row["action"] == "send"), row
    elif key == "state":
        for row in value:
            assert row["state"] in STATES and all(isinstance(v, str) for v in row.values())
    else:
        assert key == "money" and set(value) == {"currency", "value"}
    return key


@pytest.mark.slow
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_json_body_gets_a_json_answer(pair: tuple[JsonGate, XmlGate],
                                          data: st.DataObject) -> None:
    gate, _ = pair
    body = data.draw(st.one_of(st.binary(max_size=300), json_bodies(gate.security())),
                     label="body")
    event(_check_json(answer_of(gate.raw(body))))


@st.composite
def xml_bodies(draw: st.DrawFn, security: str) -> bytes:
    parts = [security] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.one_of(st.none(), st.sampled_from(["sms", "flashsms", "wappush",
                                                          "vcard"]), text))
        inner = "".join(f"<{name}>{escape(draw(st.one_of(st.sampled_from(GOOD), text)))}</{name}>"
                        for name in draw(st.lists(st.sampled_from(
                            ["sender", "text", "translite", "name_delivery", "url", "name"]),
                            max_size=4)))
        for _ in range(draw(st.integers(0, 3))):
            attributes = draw(st.dictionaries(st.sampled_from(
                ["phone", "number_sms", "client_id_sms", "time_send", "validity_period"]),
                st.one_of(st.sampled_from(GOOD), text), max_size=4))
            inner += "<abonent" + "".join(f" {k}={quoteattr(v)}" for k, v in
                                          attributes.items()) + "/>"
        kind_attribute = "" if kind is None else f" type={quoteattr(kind)}"
        parts.append(f"<message{kind_attribute}>{inner}</message>")
    ids = draw(st.lists(st.one_of(st.integers(0, 10**6).map(str), text), max_size=3))
    if ids:
        parts.append("<get_state>" + "".join(f"<id_sms>{escape(i)}</id_sms>" for i in ids)
                     + "</get_state>")
    body = ('<?xml version="1.0" encoding="utf-8"?>\n<request>'
            + "".join(draw(st.permutations(parts))) + "</request>").encode()
    if draw(st.booleans()):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(max_size=20)) + body[at + draw(st.integers(0, 5)):]
    return body


@pytest.mark.slow
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), path=st.sampled_from(SCRIPTS))
def test_any_xml_body_gets_a_response(pair: tuple[JsonGate, XmlGate], data: st.DataObject,
                                      path: str) -> None:
    _, xml = pair
    body = data.draw(st.one_of(st.binary(max_size=300), xml_bodies(xml.security())),
                     label="body")
    root = root_of(xml.raw(path, body))
    error = error_of(root)
    if error is not None:
        assert len(root) == 1 and error in ERRORS
        event(error)
        return
    tags = {child.tag for child in root}
    event(",".join(sorted(tags)) or "empty")
    for child in root:
        if child.tag == "information":
            assert child.text in ACTIONS
            assert (child.get("id_sms") is not None) == (child.text == "send")
        elif child.tag == "state":
            assert child.text in STATES
        else:
            assert child.tag in ("money", "sms")


def test_the_server_still_answers_after_the_fuzzing(pair: tuple[JsonGate, XmlGate]) -> None:
    gate, xml = pair
    assert gate("balance")["money"]["value"] == "100"
    assert xml.balance()[0].text == "100"
