"""TargetSMS's two document APIs (the JSON API and the XML gate) recorded and diffed too:
their credentials (`"password"`, `<password value="..."/>`, a Bearer token) never reach the
cassette, and a clean session replays as a match, ids mapped inside their documents."""

from __future__ import annotations

import json
import re

import pytest

from sms_mocks.record import cassette as cassettes
from sms_mocks.record import diff
from tests.record.upstream import (
    TARGET_LOGIN,
    TARGET_PASSWORD,
    WRONG_PASSWORD,
    Recording,
    Upstream,
    send,
)

pytestmark = pytest.mark.slow  # an upstream emulator and a recording proxy per test

TOKEN = "T0ken-of-the-Target-acct"
JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "text/xml"}


def _json(password: str, **rest: object) -> bytes:
    return json.dumps({"security": {"login": TARGET_LOGIN, "password": password},
                       **rest}).encode()


def _xml(password: str, inner: str) -> bytes:
    return (f'<request><security><login value="{TARGET_LOGIN}"/><password value="{password}"/>'
            f"</security>{inner}</request>").encode()


def test_the_document_apis_are_redacted_and_replay_clean(upstream: Upstream,
                                                         recording: Recording) -> None:
    upstream.control.put_account(provider="targetsms", login=TARGET_LOGIN, api_keys=[TOKEN])
    url = recording.url
    sent = send(url, "POST", "/sendsmsjson.php", _json(TARGET_PASSWORD, type="sms", message=[
        {"sender": "Shop", "text": "Json", "abonent": [{"phone": "79991112233",
                                                         "number_sms": "1"}]}]), JSON)
    first = json.loads(sent.body)["sms"][0]["id_sms"]
    gate = send(url, "POST", "/xml/", _xml(TARGET_PASSWORD, "<message><sender>Shop</sender>"
                "<text>Xml</text><abonent phone=\"79991112244\" number_sms=\"1\"/></message>"),
                XML)
    second = re.findall(rb'id_sms="(\d+)"', gate.body)[0].decode()
    upstream.control.advance(30)
    send(url, "POST", "/sendsmsjson.php", _json(TARGET_PASSWORD, type="state",
                                                get_state=[first, second]), JSON)
    send(url, "POST", "/xml/state.php", _xml(TARGET_PASSWORD, f"<get_state><id_sms>{second}"
                                             "</id_sms></get_state>"), XML)
    send(url, "POST", "/sendsmsjson.php", b'{"type": "balance"}',
         {**JSON, "Authorization": f"Bearer {TOKEN}"})
    send(url, "POST", "/xml/balance.php", _xml(WRONG_PASSWORD, ""), XML)
    text = recording.path.read_text("utf-8")
    for secret in (TARGET_PASSWORD, WRONG_PASSWORD, TOKEN):
        assert secret not in text
    exchanges = cassettes.load(recording.path).exchanges
    assert '<password value="REDACTED-1"/>' in exchanges[1].request.body.text
    assert ("Authorization", "Bearer REDACTED-2") in exchanges[4].request.headers
    assert {e.provider for e in exchanges} == {"targetsms"}
    verdicts = diff.run(cassettes.load(recording.path))
    assert [v.line() for v in verdicts if not v.match] == []
    assert len(verdicts) == 6


def test_the_document_apis_back_their_coverage_rows(upstream: Upstream,
                                                     recording: Recording) -> None:
    from sms_mocks.record.rows import backed
    send(recording.url, "POST", "/sendsmsjson.php", _json(TARGET_PASSWORD, type="balance"), JSON)
    send(recording.url, "POST", "/xml/balance.php", _xml(WRONG_PASSWORD, ""), XML)
    first, second = cassettes.load(recording.path).exchanges
    assert backed(first) == [("TargetSMS", "JSON API request (targetsms-json-xml)",
                              "`type` balance")]
    assert backed(second) == [
        ("TargetSMS", "JSON and XML whole-request error (targetsms-json-xml)",
         "Неправильный логин или пароль"),
        ("TargetSMS", "XML gate script (targetsms-json-xml)", "/xml/balance.php")]
