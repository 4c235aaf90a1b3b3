"""Redaction on its own: every place a dialect sends a secret, the listed phone numbers in
every way people write them, and the secrets' literal text wherever else it turns up."""

from __future__ import annotations

import pytest

from sms_mocks.record.cassette import Body, Exchange, Request, Response
from sms_mocks.record.redact import Redactor, digits_of, phone_pattern, secret_forms


def _exchange(path: str, body: str = "", headers: list[tuple[str, str]] | None = None,
              answer: str = "OK", answer_headers: list[tuple[str, str]] | None = None
              ) -> Exchange:
    request = Request(0.0, "POST" if body else "GET", path, headers or [],
                      Body(body, "utf-8"))
    response = Response(1.0, 200, "OK", answer_headers or [], Body(answer, "utf-8"))
    return Exchange(1, "smsc", request, response)


def _all_text(exchange: Exchange) -> str:
    parts = [exchange.request.path, exchange.request.body.text, exchange.error]
    parts += [f"{k}: {v}" for k, v in exchange.request.headers]
    if exchange.response is not None:
        parts += [exchange.response.body.text]
        parts += [f"{k}: {v}" for k, v in exchange.response.headers]
    return "\n".join(parts)


@pytest.mark.parametrize(("path", "body", "expected_path", "expected_body"), [
    ("/sys/send.php?login=me&psw=s3cret&phones=1", "",
     "/sys/send.php?login=me&psw=REDACTED-1&phones=1", ""),
    ("/sys/balance.php?apikey=K3Y-abc&fmt=3", "", "/sys/balance.php?apikey=REDACTED-1&fmt=3", ""),
    ("/sys/balance.php?login=me&PSW=s3cret", "", "/sys/balance.php?login=me&PSW=REDACTED-1", ""),
    ("/sendsms.php?user=me&pwd=p%40ss%26word&balance=1", "",
     "/sendsms.php?user=me&pwd=REDACTED-1&balance=1", ""),
    ("/sys/send.php", "login=me&password=s3cret&mes=hi", "/sys/send.php",
     "login=me&password=REDACTED-1&mes=hi"),
    ("/rest/send/", '{"login": "me", "psw": "s3cret", "phones": "1"}', "/rest/send/",
     '{"login": "me", "psw": "REDACTED-1", "phones": "1"}'),
    ("/sys/soap.php", "<ns0:send><login>me</login><ns0:psw>s3cret</ns0:psw></ns0:send>",
     "/sys/soap.php", "<ns0:send><login>me</login><ns0:psw>REDACTED-1</ns0:psw></ns0:send>"),
    ("/send.xml", "<data><login>me</login><password>p&amp;ss&lt;w&gt;</password></data>",
     "/send.xml", "<data><login>me</login><password>REDACTED-1</password></data>"),
    ("/sendsmsjson.php", '{"security": {"login": "me", "password": "s3cret"}}', "/sendsmsjson.php",
     '{"security": {"login": "me", "password": "REDACTED-1"}}'),
    ("/xml/", '<security><login value="me"/><password value=\'s3cret\'/></security>', "/xml/",
     '<security><login value="me"/><password value=\'REDACTED-1\'/></security>'),
    ("/sys/send.php", '--B\r\nContent-Disposition: form-data; name="psw"\r\n\r\ns3cret\r\n--B--',
     "/sys/send.php", '--B\r\nContent-Disposition: form-data; name="psw"\r\n\r\nREDACTED-1\r\n'
                      "--B--"),
])
def test_each_way_a_dialect_sends_a_secret(path: str, body: str, expected_path: str,
                                           expected_body: str) -> None:
    redacted = Redactor().exchange(_exchange(path, body))
    assert redacted.request.path == expected_path
    assert redacted.request.body.text == expected_body
    assert redacted.redacted  # and it says what it took out


def test_an_empty_secret_is_left_as_sent() -> None:
    redacted = Redactor().exchange(_exchange("/sys/send.php?login=me&psw=&mes=x"))
    assert redacted.request.path == "/sys/send.php?login=me&psw=&mes=x"
    assert redacted.redacted == []


def test_one_marker_per_distinct_secret_across_exchanges() -> None:
    redactor = Redactor()
    one = redactor.exchange(_exchange("/a?login=me&psw=right"))
    two = redactor.exchange(_exchange("/a?login=me&psw=wrong"))
    three = redactor.exchange(_exchange("/a", "<psw>right</psw>"))
    assert one.request.path.endswith("psw=REDACTED-1")
    assert two.request.path.endswith("psw=REDACTED-2")  # a wrong password stays wrong
    assert three.request.body.text == "<psw>REDACTED-1</psw>"


def test_a_bearer_token_keeps_its_scheme() -> None:
    redacted = Redactor().exchange(_exchange("/a", headers=[("Authorization", "Bearer t0ken")],
                                             answer="echo t0ken"))
    assert redacted.request.headers == [("Authorization", "Bearer REDACTED-1")]
    assert redacted.response is not None and redacted.response.body.text == "echo REDACTED-1"


def test_credential_headers() -> None:
    exchange = _exchange("/a", headers=[("Authorization", "Basic bWU6czNjcmV0"),
                                        ("Cookie", "session=abc123"), ("Accept", "*/*")],
                         answer_headers=[("Set-Cookie", "session=def456; HttpOnly")])
    redacted = Redactor().exchange(exchange)
    assert dict(redacted.request.headers) == {"Authorization": "Basic REDACTED-1",
                                              "Cookie": "REDACTED-2", "Accept": "*/*"}
    assert redacted.response is not None
    assert dict(redacted.response.headers) == {"Set-Cookie": "REDACTED-3"}


@pytest.mark.parametrize("written", [
    "79165551234", "89165551234", "+79165551234", "9165551234", "+7 (916) 555-12-34",
    "+7(916)555-12-34", "8 916 555 12 34", "%2B79165551234", "%2B7+%28916%29+555-12-34",
    "7-916-555-12-34",
])
def test_a_listed_number_however_it_is_written(written: str) -> None:
    redactor = Redactor(["+7 (916) 555-12-34"])
    exchange = _exchange(f"/sys/send.php?phones={written},79990001122&mes=hi",
                         f"<to number='{written}'></to>",
                         answer=f'{{"phone":"{written}","other":"79990001122"}}')
    redacted = redactor.exchange(exchange)
    assert redacted.request.path == "/sys/send.php?phones=79990000001,79990001122&mes=hi"
    assert redacted.request.body.text == "<to number='79990000001'></to>"
    assert redacted.response is not None
    assert redacted.response.body.text == '{"phone":"79990000001","other":"79990001122"}'


def test_a_number_inside_a_longer_one_is_not_the_listed_one() -> None:
    pattern = phone_pattern("79165551234")
    assert not pattern.search("179165551234")
    assert not pattern.search("791655512345")
    assert pattern.search("id=79165551234&x")


def test_each_listed_number_gets_its_own_stand_in() -> None:
    redactor = Redactor(["79165551234", "8 (903) 111-22-33"])
    redacted = redactor.exchange(_exchange("/x?phones=79031112233,79165551234"))
    assert redacted.request.path == "/x?phones=79990000002,79990000001"
    assert digits_of("8 (903) 111-22-33") == "79031112233"


def test_a_secret_seen_once_is_taken_out_everywhere_else() -> None:
    redactor = Redactor()
    redactor.exchange(_exchange("/a?login=me&psw=p%40ss%26word"))
    echoed = _exchange("/b?note=p%40ss%26word", "comment=p@ss&amp;word",
                       headers=[("Referer", "http://x/?p=p%40ss%26word")],
                       answer='{"echo": "p@ss&word"}')
    text = _all_text(redactor.exchange(echoed))
    for form in secret_forms("p@ss&word"):
        assert form not in text
    assert text.count("REDACTED-1") == 4


def test_listed_secrets_are_taken_out_wherever_they_are() -> None:
    redacted = Redactor(secrets=["my-Real-Passw0rd"]).exchange(
        _exchange("/x?comment=my-Real-Passw0rd", answer="you said my-Real-Passw0rd"))
    assert "my-Real-Passw0rd" not in _all_text(redacted)


def test_a_short_secret_is_redacted_where_sent_but_not_hunted_for() -> None:
    redactor = Redactor()
    redacted = redactor.exchange(_exchange("/sys/balance.php?login=alex&psw=123",
                                           answer="1230.00"))
    assert redacted.request.path.endswith("psw=REDACTED-1")
    assert redacted.response is not None and redacted.response.body.text == "1230.00"


def test_a_secret_inside_a_marker_does_not_break_the_marker() -> None:
    redactor = Redactor(secrets=["DACT", "EDAC"])
    redacted = redactor.exchange(_exchange("/a?psw=DACT&x=EDAC"))
    assert redacted.request.path == "/a?psw=REDACTED-1&x=REDACTED-2"


def test_free_text_is_redacted_too() -> None:
    redactor = Redactor(["79165551234"])
    assert redactor.text("GET /a?psw=hunter22&phone=89165551234") == \
        "GET /a?psw=REDACTED-1&phone=79990000001"


def test_a_listed_number_that_is_no_number_is_refused() -> None:
    with pytest.raises(ValueError, match="not a phone number"):
        Redactor(["12"])
