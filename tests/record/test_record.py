"""The recording proxy: it passes requests and answers through unchanged, and its cassette
holds each exchange byte for byte (but for the redactions), each with its time."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from sms_mocks.record import cassette as cassettes
from sms_mocks.record.cassette import Body, Cassette, Writer
from sms_mocks.record.proxy import RecordingProxy, decoded
from sms_mocks.record.redact import Redactor
from tests.record.upstream import (
    PHONE,
    PHONE_FORMS,
    SECRETS,
    SMSC_PASSWORD,
    Recording,
    Upstream,
    send,
    session,
)

pytestmark = pytest.mark.slow  # an upstream emulator and a recording proxy per test

# The headers a proxy may change: the Host names the upstream; the rest belong to a connection.
MAY_CHANGE = {"host", "connection", "content-length", "transfer-encoding", "keep-alive"}


def _without(headers: list[tuple[str, str]], names: set[str]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() not in names]


def test_requests_and_answers_pass_through_and_are_recorded_byte_for_byte(
        upstream: Upstream, recording: Recording) -> None:
    answers = session(recording.url, upstream.control.advance)
    seen = upstream.planted.seen
    recorded = cassettes.load(recording.path).exchanges
    assert len(answers) == len(seen) == len(recorded) == 17
    redact = Redactor([PHONE])  # the same redaction, to say what the cassette must hold
    for answer, up, exchange in zip(answers, seen, recorded, strict=True):
        # the client got the upstream's answer, unchanged
        assert (answer.status, answer.body) == (up.status, up.answer)
        assert _without(up.answer_headers, MAY_CHANGE) == \
            [h for h in _without(answer.headers, MAY_CHANGE) if h[0].lower() != "date"]
        # the cassette holds the request as the upstream got it and the answer as the client
        # got it, each exactly, but for the redacted secrets and the listed number
        res = exchange.response
        assert res is not None and res.status == answer.status and res.reason == answer.reason
        assert res.headers == answer.headers
        assert exchange.request.method == up.method
        expected = redact.exchange(cassettes.Exchange(
            0, exchange.provider,
            cassettes.Request(0, up.method, up.path, [], Body.of(up.body, ["utf-8"])),
            cassettes.Response(0, up.status, "", [], Body.of(up.answer, [res.body.charset]))))
        assert exchange.request.path == expected.request.path
        assert exchange.request.body.raw() == expected.request.body.raw()
        assert expected.response is not None
        assert res.body.raw() == expected.response.body.raw()
        if not exchange.redacted:  # nothing to take out: the very bytes
            assert exchange.request.body.raw() == up.body and res.body.raw() == up.answer
        # (an ASGI server hands the app lowercase names; the cassette keeps the client's)
        assert [(k.lower(), v) for k, v in _without(exchange.request.headers, MAY_CHANGE)] \
            == _without(up.headers, MAY_CHANGE)
        assert ("Host", upstream.url.split("//")[1]) in exchange.request.headers


def test_each_exchange_has_its_times_from_the_upstreams_clock(upstream: Upstream,
                                                              recording: Recording) -> None:
    start = upstream.now()
    session(recording.url, upstream.control.advance)
    exchanges = cassettes.load(recording.path).exchanges
    times = [e.request.at for e in exchanges]
    assert times == sorted(times) and times[0] == start and times[-1] == start + 30
    assert all(e.response is not None and e.response.at >= e.request.at for e in exchanges)
    assert [e.index for e in exchanges] == list(range(1, 18))


def test_secrets_and_the_listed_number_are_redacted_in_the_cassette(
        upstream: Upstream, recording: Recording) -> None:
    session(recording.url, upstream.control.advance)
    text = recording.path.read_text("utf-8")
    for secret in SECRETS:
        assert secret not in text
    for form in PHONE_FORMS:
        assert form not in text
    exchanges = cassettes.load(recording.path).exchanges
    assert "psw=REDACTED-1" in exchanges[0].request.path
    assert "phones=79990000001" in exchanges[0].request.path
    assert "psw=REDACTED-2" in exchanges[3].request.path  # the wrong password: its own marker
    assert "apikey=REDACTED-3" in exchanges[4].request.path
    assert "<psw>REDACTED-1</psw>" in exchanges[5].request.body.text
    assert "<password>REDACTED-4</password>" in exchanges[8].request.body.text
    assert exchanges[0].redacted == ["psw in the query", "a listed phone number in the path"]
    # the proxy's own lines name no query at all
    assert recording.lines and not any("?" in line or SMSC_PASSWORD in line
                                       for line in recording.lines)


def test_the_control_api_is_never_forwarded(upstream: Upstream, recording: Recording) -> None:
    answer = send(recording.url, "GET", "/_mock/health")
    assert answer.status == 404 and b"no control API" in answer.body
    assert cassettes.load(recording.path).exchanges == []


def test_an_upstream_that_does_not_answer_is_a_502_and_recorded(tmp_path: Path) -> None:
    from sms_mocks.serving.server import bind
    sock = bind("127.0.0.1", 0)  # a port nobody listens on once it is closed
    port = sock.getsockname()[1]
    sock.close()
    path = tmp_path / "down.json"
    proxy = RecordingProxy(f"http://127.0.0.1:{port}", Writer(path, Cassette("x")),
                           Redactor(), timeout=2).start()
    try:
        answer = send(proxy.url, "GET", "/sys/balance.php?login=a&psw=hunter22")
    finally:
        proxy.stop()
    assert answer.status == 502
    [exchange] = cassettes.load(path).exchanges
    assert exchange.response is None and "Connection" in exchange.error
    assert "hunter22" not in path.read_text()


def test_bodies_keep_their_bytes_in_any_charset() -> None:
    for raw, hints in [("Привет".encode("cp1251"), ["windows-1251"]),
                       ("Привет".encode(), ["windows-1251"]), (b"\x98\xff\x00", ["windows-1251"]),
                       (b"", []), ("Ответ".encode("koi8-r"), ["koi8-r"])]:
        body = Body.of(raw, hints)
        assert body.raw() == raw
    assert Body.of("Привет".encode("cp1251"), ["windows-1251"]).text == "Привет"
    assert Body.of(b"\x98", ["windows-1251"]).charset == "latin-1"


def test_a_compressed_answer_is_kept_as_clients_read_it() -> None:
    assert decoded(gzip.compress(b"OK - 1 SMS"), "gzip") == (b"OK - 1 SMS", "gzip")
    assert decoded(b"plain", None) == (b"plain", "")
    assert decoded(b"\x00\x01", "br") == (b"\x00\x01", "undecoded br")


def test_a_cassette_reads_back_as_written(upstream: Upstream, recording: Recording) -> None:
    session(recording.url, upstream.control.advance)
    first = cassettes.load(recording.path)
    again = recording.path.with_name("again.json")
    cassettes.write_atomically(again, cassettes.to_json(first))
    assert cassettes.load(again) == first
    assert oct(recording.path.stat().st_mode & 0o777) == "0o600"


def test_an_exchange_is_on_disk_before_its_client_has_the_answer(
        upstream: Upstream, recording: Recording) -> None:
    send(recording.url, "GET", "/sys/balance.php?login=alex&psw=123")
    assert len(cassettes.load(recording.path).exchanges) == 1


@pytest.mark.parametrize("url", ["smsc.ru", "ftp://smsc.ru", "https://smsc.ru/?x=1"])
def test_an_upstream_must_be_an_http_url(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        RecordingProxy(url, Writer(tmp_path / "c.json", Cassette(url)), Redactor())


def test_a_client_that_names_the_whole_url_is_recorded_by_its_path(
        upstream: Upstream, recording: Recording) -> None:
    answer = send(recording.url, "GET", "http://smsc.ru/sys/balance.php?login=alex&psw=123")
    assert answer.body == b"1000.00"
    [exchange] = cassettes.load(recording.path).exchanges
    assert exchange.request.path == "/sys/balance.php?login=alex&psw=REDACTED-1"


def test_concurrent_exchanges_are_each_recorded_once(upstream: Upstream,
                                                     recording: Recording) -> None:
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: send(recording.url, "GET",
                                               f"/sendsms.php?user=demo&pwd=demo&smsid={n}"),
                                range(1, 25)))
    assert all(a.status == 200 for a in answers)
    exchanges = cassettes.load(recording.path).exchanges
    assert [e.index for e in exchanges] == list(range(1, 25))
    assert sorted(e.request.path for e in exchanges) == sorted(
        f"/sendsms.php?user=REDACTED-1&pwd=REDACTED-1&smsid={n}" for n in range(1, 25))
