"""Control JSON bodies are read with bounds: nesting that would exhaust json.loads's recursion
is a 400 before it is parsed (it was a 500, a RecursionError), and a body declared larger than
1 MiB is a 413 before any of it is read (a 400 MiB one was read whole first)."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from sms_mocks.control.params import MAX_DEPTH, MAX_JSON, too_deep
from sms_mocks.testing.sandbox import Sandbox

DEEP = "[" * 100_000
JSON = {"content-type": "application/json"}


def test_the_parser_alone_cannot_take_such_nesting() -> None:
    """What the handlers used to do with the attack body."""
    with pytest.raises(RecursionError):
        json.loads(DEEP)


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/_mock/clock/advance"), ("POST", "/_mock/accounts"), ("POST", "/_mock/outcomes"),
    ("POST", "/_mock/inbound"), ("POST", "/_mock/clock/speed"), ("POST", "/_mock/clock/set"),
])
def test_deep_nesting_is_a_400_not_a_500(http: httpx.Client, method: str, path: str) -> None:
    for body in (DEEP, '{"seconds": ' + DEEP, "{" * 100_000, '{"a":' * 100_000):
        answer = http.request(method, path, content=body, headers=JSON)
        assert answer.status_code == 400, answer.text
        assert "deeper than 64 levels" in answer.json()["error"]
    assert http.get("/_mock/health").json()["internal_errors"] == 0


def test_deep_nesting_in_a_limits_change_is_a_400(sms_mocks: Sandbox,
                                                  http: httpx.Client) -> None:
    path = f"/_mock/accounts/smsc/{sms_mocks.smsc.login}/limits"
    answer = http.patch(path, content=DEEP, headers=JSON)
    assert answer.status_code == 400 and "deeper" in answer.json()["error"]


def test_nesting_up_to_the_limit_and_brackets_in_strings_are_fine(http: httpx.Client) -> None:
    inside = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # 64 levels with the object
    answer = http.post("/_mock/clock/advance", headers=JSON,
                       content='{"seconds": 0, "note": ' + inside + "}")
    assert answer.status_code == 200, answer.text
    deeper = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    answer = http.post("/_mock/clock/advance", headers=JSON,
                       content='{"seconds": 0, "note": ' + deeper + "}")
    assert answer.status_code == 400
    # brackets inside strings are text, however many (escaped quotes included)
    text = json.dumps("\"[{" * 50_000)
    answer = http.post("/_mock/clock/advance", headers=JSON,
                       content='{"seconds": 0, "note": ' + text + "}")
    assert answer.status_code == 200, answer.text


@pytest.mark.slow
def test_the_depth_scan() -> None:
    assert not too_deep('{"a": [1, {"b": []}]}', 4) and too_deep('{"a": [1, {"b": []}]}', 3)
    assert not too_deep("[" + "[]," * 100_000 + "[]]", 2)  # wide is not deep
    assert not too_deep('["' + "[" * 1000 + '"]', 1)
    assert not too_deep(r'["\"' + "[" * 1000 + '"]', 1)
    assert too_deep("[" * 1000, 64)
    assert not too_deep('["' + "[" * 1000, 1)  # an unclosed string runs to the end
    started = time.perf_counter()
    for worst in ("[" * MAX_JSON, "[" + "[]," * (MAX_JSON // 3),
                  "[" * 65 + '"' + '\\"' * (MAX_JSON // 2),  # an unclosed string of \"
                  '["\\[' * (MAX_JSON // 4), "[" * 65 + '"' * MAX_JSON):
        too_deep(worst, MAX_DEPTH)
    assert time.perf_counter() - started < 3  # about 0.3 s: linear, no recursion


def _raw(url: str, head: bytes, body: bytes) -> tuple[bytes, float]:
    """Send a request's head and the start of its body over a socket, then read the answer
    the server gives without waiting for the rest: (the answer, seconds it took)."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head + body)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < _length(answer):
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:  # closed with some of what we sent unread
                break
            if not chunk:
                break
            answer += chunk
    return answer, time.monotonic() - started


def _length(answer: bytes) -> int:
    """The size of a whole answer from its head's Content-Length."""
    head, _, _ = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return len(answer)


@pytest.mark.parametrize("path", ["/_mock/clock/advance", "/_mock/accounts"])
def test_a_400_mib_body_is_a_413_before_it_is_read(sms_mocks: Sandbox, path: str) -> None:
    host = urlsplit(sms_mocks.url).netloc
    size = 400 * 1024 * 1024
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    answer, seconds = _raw(sms_mocks.url, head, b"[" * 1000)  # 1000 of 419,430,400 bytes
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"at most 1048576 bytes" in answer
    assert seconds < 5
    assert sms_mocks.control.health()["status"] == "ok"


def test_a_chunked_body_is_cut_off_past_the_limit(sms_mocks: Sandbox) -> None:
    """No Content-Length to go by: the read stops once 1 MiB has come."""
    host = urlsplit(sms_mocks.url).netloc
    head = (f"POST /_mock/clock/advance HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    chunk = b"x" * 65536
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * (MAX_JSON // len(chunk))
    body += b"1\r\nx\r\n"  # one byte past the limit; no last chunk: still sending
    answer, _ = _raw(sms_mocks.url, head, body)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


def test_a_body_just_under_the_limit_is_read(http: httpx.Client) -> None:
    body = '{"seconds": 0, "pad": "' + "x" * (MAX_JSON - 40) + '"}'
    assert len(body) <= MAX_JSON
    assert http.post("/_mock/clock/advance", content=body, headers=JSON).status_code == 200
    assert http.post("/_mock/clock/advance", content=body + " " * 40,
                     headers=JSON).status_code == 413
