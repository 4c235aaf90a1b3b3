"""Whatever clients send, the journal changes no answer, and reading it never fails."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_mocks.config import load
from sms_mocks.serving.server import ServerThread
from tests.helpers.clients import http_client

START = 1_750_000_000.0
PATHS = ["/sys/send.php", "/sys/status.php", "/sys/balance.php", "/sys/templates.php",
         "/sys/op_templates.php", "/sys/ping.php", "/sys/senders.php", "/rest/send/",
         "/sys/soap.php",
         "/send.xml", "/report.xml", "/balance.xml", "/cancel.xml", "/sendsms.php"]
NAMES = ["login", "psw", "apikey", "phones", "mes", "sender", "time", "tz", "id", "fmt",
         "cost", "valid", "list", "bin", "call", "mail", "subj", "charset", "phone", "del",
         "all", "add", "get", "chg", "name", "msg", "format", "user", "pwd", "sadr", "dadr",
         "text", "link", "smsid", "balance"]
VALUES = st.one_of(st.sampled_from(["alex", "123", "demo", "test", "123456", "79991234567",
                                    "12", "1", "0", "3", "SMSC", "Shop", "+5", "utf-8"]),
                   st.text(max_size=30))
XML = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda inner: f"<data><login>test</login><password>123456</password>{inner}"
                            "</data>".encode(),
              st.sampled_from(["", "<text>hi</text><to number='79991234567'/>",
                               "<smsid>1</smsid>", "<start>x</start>",
                               "<source>Nope</source><text>a</text><to number='12'/>"])),
)
SOAP = st.builds(
    lambda op, inner: (
        '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
        f'<n:{op} xmlns:n="http://smsc.ru/sys/soap.php">{inner}</n:{op}></e:Body>'
        "</e:Envelope>").encode(),
    st.sampled_from(["send", "send2", "cost", "status", "balance", "nothing"]),
    st.sampled_from(["", "<login>alex</login><psw>123</psw>",
                     "<login>alex</login><psw>123</psw><phones>1</phones><mes>x</mes>",
                     "<login>alex</login><psw>123</psw><phone>7</phone><id>1</id>"]))


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Two emulators alike but for the journal: one keeps 50 requests, one none."""
    with ServerThread(load(clock="virtual", clock_start=START, journal_size=50)) as on, \
            ServerThread(load(clock="virtual", clock_start=START, journal_size=0)) as off, \
            http_client(on.url, timeout=10) as a, \
            http_client(off.url, timeout=10) as b:
        yield a, b


@pytest.mark.slow
@given(path=st.sampled_from(PATHS), method=st.sampled_from(["GET", "POST"]),
       query=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6),
       form=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6),
       xml=XML, soap=SOAP, raw=st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_answers_are_unchanged_and_the_journal_reads(
        pair: tuple[httpx.Client, httpx.Client], path: str, method: str, query: dict[str, str],
        form: dict[str, str], xml: bytes, soap: bytes, raw: bool) -> None:
    on, off = pair
    headers: dict[str, str] = {}
    if path.endswith(".xml"):
        body = xml
    elif path == "/sys/soap.php":
        body = soap
    elif path == "/rest/send/":
        body = httpx.Request("POST", "/", json=form).content
    else:
        body = urlencode(form).encode()
        if not raw:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
    content = body if method == "POST" else None
    answers = [client.request(method, path, params=query, content=content, headers=headers)
               for client in (on, off)]
    assert answers[0].status_code == answers[1].status_code
    assert answers[0].content == answers[1].content
    for filters in ({"refused": "true"}, {"provider": "smsc", "account": "alex"}):
        read = on.get("/_mock/journal", params={**filters, "limit": 10})
        assert read.status_code == 200, read.text
    entries = on.get("/_mock/journal", params={"limit": 1}).json()["entries"]
    if answers[0].status_code == 405:  # not a provider's method: the router said so
        return
    assert entries[0]["path"] == path
    assert entries[0]["status"] == answers[0].status_code
    assert entries[0]["answer"].encode() == answers[0].content[:1024] or \
        "\ufffd" in entries[0]["answer"]
    for client in (on, off):
        assert client.get("/_mock/health").json()["internal_errors"] == 0
