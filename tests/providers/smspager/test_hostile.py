"""Hostile and broken documents: each gets its 70x answer at once, nothing is resolved, read or
stored, and the server goes on serving. Any bytes at all get a well-formed <data> answer."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sms_mocks.testing.sandbox import Sandbox
from tests.providers.smspager.client import (
    CODES,
    COMMANDS,
    CONTENT_TYPE,
    DESCRIPTIONS,
    PARSER_ERROR,
    Pager,
    parse_answer,
)

PHONE = "79161234567"


def _credentials(pager: Pager) -> str:
    return f"<login>{pager.account.login}</login><password>{pager.account.password}</password>"


def _billion_laughs(pager: Pager) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE data [\n" + "\n".join(entities)
            + f"\n]>\n<data>{_credentials(pager)}<text>&lol9;</text>"
              f"<to number='{PHONE}'></to></data>")


def _external_entity(pager: Pager) -> str:
    return ("<?xml version='1.0' encoding='UTF-8'?>\n"
            '<!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            f"<data>{_credentials(pager)}<smsid>&xxe;</smsid><text>&xxe;</text>"
            f"<to number='{PHONE}'>&xxe;</to></data>")


HOSTILE = {
    "malformed": (700, lambda p: f"<data>{_credentials(p)}<text>open".encode()),
    "empty body": (700, lambda p: b""),
    "declaration only": (700, lambda p: b"<?xml version='1.0' encoding='UTF-8'?>\n"),
    "root <request>": (701, lambda p: f"<?xml version='1.0' encoding='UTF-8'?>\n"
                                      f"<request>{_credentials(p)}</request>".encode()),
    "invalid UTF-8": (702, lambda p: f"<?xml version='1.0' encoding='UTF-8'?>\n<data>"
                                     f"{_credentials(p)}<text>".encode() + b"\xd0\xff\xfe"
                      + f"</text><to number='{PHONE}'></to></data>".encode()),
    "unknown encoding": (702, lambda p: f"<?xml version='1.0' encoding='X-NONE'?>\n<data>"
                                        f"{_credentials(p)}</data>".encode()),
    "billion laughs": (703, lambda p: _billion_laughs(p).encode()),
    "external entity": (703, lambda p: _external_entity(p).encode()),
}


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_document_gets_its_70x_code(pager: Pager, sms_mocks: Sandbox, case: str,
                                            command: str) -> None:
    code, build = HOSTILE[case]
    started = time.perf_counter()
    response = pager.post(f"/{command}.xml", build(pager))
    assert time.perf_counter() - started < 1
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    [first, (name, descr)] = parse_answer(response.content)
    assert first == ("code", str(code))
    assert name == "descr" and descr == PARSER_ERROR  # 000's words, nothing added
    assert b"root:" not in response.content and b"/bin/" not in response.content
    assert sms_mocks.messages() == []
    assert pager.balance() == "100"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_get_is_answered_as_an_empty_document(pager: Pager, command: str) -> None:
    # 000 says to POST but not that a GET is refused: a GET carries no document, so it is the
    # parser error an empty POST gets, not a framework's 405 page
    for response in (pager.http.get(f"/{command}.xml"), pager.post(f"/{command}.xml", b"")):
        assert response.status_code == 200
        assert response.headers["content-type"] == CONTENT_TYPE
        assert response.content == (
            "<?xml version='1.0' encoding='UTF-8'?>\n<data>\n<code>700</code>\n"
            f"<descr>{PARSER_ERROR}</descr>\n</data>\n").encode()


@pytest.mark.slow
def test_a_20_mib_body_is_704_at_once(pager: Pager) -> None:
    body = b"<data>" + b"x" * (20 * 1024 * 1024) + b"</data>"
    started = time.perf_counter()
    answer = pager.raw("send", body)
    assert time.perf_counter() - started < 1
    assert answer[0] == ("code", "704") and answer[1][1] == PARSER_ERROR
    assert pager.balance() == "100"


def test_the_declared_length_is_refused_before_the_body_is_read(pager: Pager) -> None:
    """Only the headers are sent: the answer comes without waiting for 20 MiB."""
    url = pager.http.base_url
    with socket.create_connection((url.host, url.port), timeout=2) as conn:
        conn.sendall(b"POST /send.xml HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                     b"Content-Length: 20971520\r\n\r\n<data>")
        received = b""
        while b"</data>" not in received:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert parse_answer(body)[0] == ("code", "704")
    assert pager.balance() == "100"


def test_a_chunked_body_past_one_mib_is_704(pager: Pager) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"<data>"
        for _ in range(40):
            yield b"y" * 32768  # 1.25 MiB in all, with no Content-Length
        yield b"</data>"

    response = pager.http.post("/balance.xml", content=chunks())
    assert parse_answer(response.content)[0] == ("code", "704")
    assert pager.balance() == "100"


def test_a_document_of_just_under_one_mib_is_read(pager: Pager) -> None:
    padding = "<!-- " + "z" * (1024 * 1024 - 200) + " -->"
    body = f"<data>{_credentials(pager)}{padding}</data>".encode()
    assert len(body) < 1024 * 1024
    assert pager.raw("balance", body)[-1] == ("account", "100")


def _utf16(document: str) -> bytes:
    return document.replace("<?xml version='1.0' encoding='UTF-8'?>\n", "").encode("utf-16")


@pytest.mark.parametrize("build", [_external_entity, _billion_laughs],
                         ids=["external entity", "billion laughs"])
def test_no_entity_is_resolved_in_a_utf16_document(pager: Pager, sms_mocks: Sandbox,
                                                   build: object) -> None:
    response = pager.post("/send.xml", _utf16(build(pager)))  # type: ignore[operator]
    assert response.status_code == 200
    answer = parse_answer(response.content)
    assert answer[0] != ("code", "1")
    assert b"root:" not in response.content and b"lollol" not in response.content
    assert sms_mocks.messages() == []
    assert pager.balance() == "100"


@pytest.mark.parametrize("build", [_external_entity, _billion_laughs],
                         ids=["external entity", "billion laughs"])
def test_a_dtd_in_a_utf16_document_is_703(pager: Pager, build: object) -> None:
    answer = pager.raw("send", _utf16(build(pager)))  # type: ignore[operator]
    assert answer[0] == ("code", "703")


# any bytes ---------------------------------------------------------------------------------

FIELD_NAMES = ["login", "password", "action", "text", "smsid", "SMSID", "datetime", "source",
               "onlydelivery", "vp", "start", "stop", "LOGIN", "data", "to"]
GOOD_VALUES = ["send", "check", "make", "1", "0", "7200", "Magazin", "Nobody", "abcde123",
               "x" * 22, "2010-05-01 12:00:00", "2099-01-01 00:00:00", "2010-05-01", "я" * 80,
               "", " ", "-1", "99999999999999999999"]
xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
field_value = st.one_of(st.sampled_from(GOOD_VALUES), xml_text)
field_name = st.one_of(st.sampled_from(FIELD_NAMES),
                       st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,10}", fullmatch=True))
numbers = st.one_of(st.sampled_from([PHONE, "79000001006", "79000000001", "74957271122",
                                     "+7(901) 123-45 67", "8-901-123-4567", "", "abc", "7",
                                     "+" + "9" * 20]), xml_text)


@st.composite
def documents(draw: st.DrawFn, credentials: str) -> bytes:
    """A <data> document: maybe logged in, some fields, some <to>s, maybe mangled."""
    parts = [credentials] if draw(st.booleans()) else []
    for name, value in draw(st.lists(st.tuples(field_name, field_value), max_size=6)):
        parts.append(f"<{name}>{escape(value)}</{name}>")
    for number, text in draw(st.lists(st.tuples(numbers, st.one_of(st.just(""), xml_text)),
                                      max_size=4)):
        parts.append(f"<to number={quoteattr(number)}>{escape(text)}</to>")
    parts = draw(st.permutations(parts))
    body = ("<?xml version='1.0' encoding='UTF-8'?>\n<data>" + "".join(parts) + "</data>") \
        .encode("utf-8")
    if draw(st.booleans()):  # mangle: cut it somewhere, or splice in random bytes
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(max_size=20)) + body[at + draw(st.integers(0, 5)):]
    return body


@pytest.mark.slow
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), command=st.sampled_from(COMMANDS))
def test_any_bytes_get_a_well_formed_answer(pager: Pager, sms_mocks: Sandbox,
                                            data: st.DataObject, command: str) -> None:
    body = data.draw(st.one_of(st.binary(max_size=300), documents(_credentials(pager))),
                     label="body")
    response = pager.post(f"/{command}.xml", body)
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    answer = parse_answer(response.content)
    (name, code), (descr_name, descr) = answer[:2]
    assert (name, descr_name) == ("code", "descr") and int(code) in CODES, answer
    event(f"code {code}")
    if int(code) >= 700:
        assert descr == PARSER_ERROR
    else:
        assert descr == DESCRIPTIONS[int(code)]
    if code != "1":
        assert len(answer) == 2, answer


def test_the_server_still_answers_after_the_fuzzing(pager: Pager) -> None:
    assert pager.balance() == "100"
