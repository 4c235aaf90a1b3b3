"""SMSC refuses a login's fifteenth simultaneous request with error 9 (002, error 9)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from sms_mocks.testing.sandbox import Sandbox
from tests.helpers.polling import eventually
from tests.providers.smsc.client import Smsc

BODY = b"phones=79991234567&mes=held&fmt=1"


@contextmanager
def held_requests(url: str, query: str, count: int) -> Iterator[list[socket.socket]]:
    """Requests whose bodies are only half sent, so the server keeps them in progress."""
    parts = urlsplit(url)
    sockets = []
    try:
        for i in range(count):
            sock = socket.create_connection((parts.hostname, parts.port))
            body = BODY.replace(b"held", f"held{i}".encode())
            sock.sendall(
                f"POST /sys/send.php?{query} HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:5])
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def read_response(sock: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(4096)
    return body.decode()


def wait_in_flight(sms_mocks: Sandbox, count: int) -> None:
    # Waits for the server to take the requests in, not for any delivery.
    eventually(lambda: sms_mocks.control.health()["requests_in_flight"],
               lambda in_flight: in_flight >= count, timeout=5,
               what=f"{count} held requests in flight")


def test_fifteenth_simultaneous_request_is_error_9(smsc: Smsc, sms_mocks: Sandbox) -> None:
    query = f"login={smsc.account.login}&psw={smsc.account.password}"
    with held_requests(sms_mocks.url, query, 14) as held:
        wait_in_flight(sms_mocks, 14)
        assert smsc.send(phones="79991234567", mes="fifteenth", fmt=1) == "0,-9"
        # 002's own words for this case of error 9, not the duplicate's
        assert smsc.send(phones="79991234567", mes="fifteenth") == \
            "ERROR = 9 (too many concurrent requests)"
        assert smsc.balance(fmt=3) == '{"error":"too many concurrent requests","error_code":9}'
        other = sms_mocks.account("smsc")  # another login is not affected
        assert smsc.http.get("/sys/balance.php", params={
            "login": other.login, "psw": other.password}).text == "1000.00"
        held[0].sendall(BODY.replace(b"held", b"held0")[5:])
        assert read_response(held[0]) == "1,1"
        assert smsc.send(phones="79991234567", mes="now there is room", fmt=1) == "2,1"
