"""Every provider endpoint against what a broken or hostile client sends: a 50 MB body declared
or streamed, a body that trickles in, deep nesting. Each is refused with the provider's own
error before the rest arrives, memory stays flat, and the server goes on serving."""

from __future__ import annotations

import resource
import select
import socket

import httpx
import pytest

from sms_mocks.asgi import http as mocks_http
from sms_mocks.testing.sandbox import Sandbox

SMSC_REFUSED = b"ERROR = 1 (parameters error)"
# nginx in front of TargetSMS's PHP refuses the body itself: 413 and its own page
TARGETSMS_REFUSED = (b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n"
                     b"<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n"
                     b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
# path, content type, what the provider answers a refused body with
ENDPOINTS = [
    ("/sys/send.php", "application/x-www-form-urlencoded", SMSC_REFUSED),
    ("/sys/status.php", "application/x-www-form-urlencoded", SMSC_REFUSED),
    ("/sys/balance.php", "application/x-www-form-urlencoded", SMSC_REFUSED),
    ("/sys/templates.php", "application/x-www-form-urlencoded", SMSC_REFUSED),
    ("/sys/op_templates.php", "application/x-www-form-urlencoded", SMSC_REFUSED),
    ("/sys/ping.php", "application/x-www-form-urlencoded", SMSC_REFUSED),
    ("/sys/senders.php", "application/x-www-form-urlencoded", SMSC_REFUSED),
    ("/rest/send/", "application/json", b'{"error":"parameters error","error_code":1}'),
    ("/sys/soap.php", "text/xml", b"<SOAP-ENV:Fault>"),
    ("/send.xml", "text/xml", b"<code>704</code>"),
    ("/report.xml", "text/xml", b"<code>704</code>"),
    ("/balance.xml", "text/xml", b"<code>704</code>"),
    ("/cancel.xml", "text/xml", b"<code>704</code>"),
    ("/sendsms.php", "application/x-www-form-urlencoded", TARGETSMS_REFUSED),
]
IDS = [path for path, _, _ in ENDPOINTS]
FIFTY_MB = 50 * 1024 * 1024


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _head(path: str, content_type: str, length: int | None) -> bytes:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\n"
            f"{framing}\r\n\r\n").encode()


def _read_answer(sock: socket.socket) -> bytes:
    """The whole answer, read until the server closes or the declared length is in."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
        head, found, body = data.partition(b"\r\n\r\n")
        if found:
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            if length is not None and len(body) >= length:
                return data


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.parametrize(("path", "content_type", "refusal"), ENDPOINTS, ids=IDS)
def test_a_declared_50_mb_body_is_refused_before_it_is_sent(
        sms_mocks: Sandbox, path: str, content_type: str, refusal: bytes) -> None:
    with _connect(sms_mocks.url) as sock:
        sock.sendall(_head(path, content_type, FIFTY_MB))  # and not one byte of the body
        answer = _read_answer(sock)
    assert refusal in answer, answer[:400]
    assert b"Traceback" not in answer


@pytest.mark.parametrize(("path", "content_type", "refusal"), ENDPOINTS, ids=IDS)
def test_a_streamed_50_mb_body_is_refused_after_the_first_megabytes(
        sms_mocks: Sandbox, path: str, content_type: str, refusal: bytes) -> None:
    chunk = b"a" * 65536
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    peak_before = _rss_kib()
    with _connect(sms_mocks.url) as sock:
        sock.sendall(_head(path, content_type, None))
        while sent < FIFTY_MB:  # send until the answer comes
            sock.sendall(framed)
            sent += len(chunk)
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
        answer = _read_answer(sock)
    assert refusal in answer, answer[:400]
    # the largest limit is 2 MiB; the rest is what the kernel buffers held in flight
    assert sent <= 16 * 1024 * 1024
    # The server runs in this process: no body piled up in it.
    assert _rss_kib() - peak_before < 20 * 1024


@pytest.mark.slow
@pytest.mark.parametrize(("path", "content_type", "refusal"), ENDPOINTS, ids=IDS)
def test_a_body_that_trickles_in_is_refused_at_the_deadline(
        sms_mocks: Sandbox, monkeypatch: pytest.MonkeyPatch, path: str, content_type: str,
        refusal: bytes) -> None:
    monkeypatch.setattr(mocks_http, "BODY_SECONDS", 0.3)  # the server runs in this process
    with _connect(sms_mocks.url) as sock:
        sock.sendall(_head(path, content_type, 100) + b"a=1")  # 97 bytes never come
        answer = _read_answer(sock)
    assert refusal in answer, answer[:400]


@pytest.mark.parametrize("path", ["/send.xml", "/sys/soap.php"])
@pytest.mark.parametrize("depth", [300, 100_000])
def test_deep_nesting_gets_the_documented_error(http: httpx.Client, path: str,
                                                depth: int) -> None:
    nested = b"<data>" + b"<x>" * depth + b"</x>" * depth + b"</data>"
    answer = http.post(path, content=nested)
    if path == "/send.xml":
        assert answer.status_code == 200 and "<code>70" in answer.text
    else:
        assert answer.status_code == 500 and "<SOAP-ENV:Fault>" in answer.text


def test_the_server_still_answers_afterwards(http: httpx.Client) -> None:
    assert http.get("/_mock/health").json()["status"] == "ok"
