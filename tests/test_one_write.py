"""A provider's answer leaves in one write (serving/one_write.py): its head waits for its body,
and for nothing that is not coming: an interim 100 Continue, a close, a reset, a HEAD answer,
a stream, the server's tick."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest
import uvicorn
from uvicorn.server import ServerState

from sms_mocks.asgi.uvicorn_glue import TRANSPORT_KEY
from sms_mocks.config import load
from sms_mocks.serving.app import build_app
from sms_mocks.serving.connections import GuardedHttpToolsProtocol
from sms_mocks.serving.one_write import OneWriteTransport, answer_in_one_write, flush_held
from sms_mocks.serving.server import ServerThread
from tests.helpers.transports import RecordingTransport

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def held() -> tuple[OneWriteTransport, RecordingTransport]:
    inner = RecordingTransport()
    transport = OneWriteTransport(inner)
    transport.hold = True
    return transport, inner


def test_a_held_head_leaves_with_the_body_in_one_write() -> None:
    transport, inner = held()
    transport.write(HEAD)
    assert inner.calls == []
    transport.write(b"ok")
    assert inner.calls == [HEAD + b"ok"]
    transport.write(b"next")  # one head is held, not every write
    assert inner.calls == [HEAD + b"ok", b"next"]


def test_without_a_hold_each_write_leaves_at_once() -> None:
    inner = RecordingTransport()
    transport = OneWriteTransport(inner)
    transport.write(HEAD)
    transport.writelines([b"o", b"k"])
    assert inner.calls == [HEAD, b"ok"]


def test_an_interim_answer_is_not_held_and_the_head_after_it_is() -> None:
    transport, inner = held()
    transport.write(CONTINUE)
    assert inner.calls == [CONTINUE]
    transport.write(HEAD)
    transport.write(b"ok")
    assert inner.calls == [CONTINUE, HEAD + b"ok"]


@pytest.mark.parametrize("ending", ["close", "abort", "write_eof"])
def test_a_held_head_is_written_before_the_connection_ends(ending: str) -> None:
    transport, inner = held()
    transport.write(HEAD)
    getattr(transport, ending)()
    assert inner.calls == [HEAD, "eof" if ending == "write_eof" else ending]


def test_a_complete_answer_leaves_nothing_held_for_the_next() -> None:
    transport, inner = held()
    transport.write(HEAD)
    transport.done()
    assert inner.calls == [HEAD]
    unused, _ = held()  # an answer that wrote no head
    unused.done()
    assert not unused.hold


def test_the_tick_writes_the_heads_still_held() -> None:
    waiting, inner = held()
    waiting.write(HEAD)
    idle, quiet = held()
    flush_held([waiting, idle, RecordingTransport(), object()])
    assert inner.calls == [HEAD]
    assert quiet.calls == []
    assert idle.hold, "a hold not yet used stays for its answer"


def test_the_write_buffer_counts_a_held_head() -> None:
    transport, _ = held()
    assert transport.get_write_buffer_size() == 7
    transport.write(HEAD)
    assert transport.get_write_buffer_size() == 7 + len(HEAD)


def test_only_a_one_write_transport_is_asked_to_hold() -> None:
    plain = RecordingTransport()
    answer_in_one_write({TRANSPORT_KEY: plain, "method": "GET"})  # another kind: left alone
    answer_in_one_write({"method": "GET"})  # no transport (another ASGI server): nothing to do
    transport = OneWriteTransport(RecordingTransport())
    answer_in_one_write({TRANSPORT_KEY: transport, "method": "HEAD"})
    assert not transport.hold, "a HEAD answer has no body to wait for"
    answer_in_one_write({TRANSPORT_KEY: transport, "method": "GET"})
    assert transport.hold


def test_anything_else_is_the_transport_s_own() -> None:
    inner = RecordingTransport()
    transport = OneWriteTransport(inner)
    assert transport.get_extra_info("peername") == ("127.0.0.1", 5000)
    assert not transport.is_closing()
    assert transport.get_protocol() == "protocol"
    inner.calls.append("x")
    assert transport.calls == ["x"]  # what it does not name itself, by __getattr__


# -- through the server's protocol and the emulator's app ---------------------------------

def requests_through_the_protocol(*heads: bytes) -> list[list[bytes | str]]:
    """Each request through a GuardedHttpToolsProtocol to the emulator, on a connection of its
    own: the writes it caused."""
    app = build_app(load(clock="virtual"))
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    seen = []

    async def run() -> None:
        for head in heads:
            protocol = GuardedHttpToolsProtocol(config=config, server_state=ServerState(),
                                                app_state={})
            inner = RecordingTransport()
            protocol.connection_made(inner)
            protocol.data_received(head)
            await asyncio.gather(*protocol.server_state.tasks)
            protocol.connection_lost(None)
            seen.append([call for call in inner.calls if isinstance(call, bytes)])

    asyncio.run(run())
    return seen


BALANCE = b"/sys/balance.php?login=alex&psw=123 HTTP/1.1\r\nHost: smsc.test\r\n\r\n"


def test_a_provider_answer_is_one_write_a_head_request_s_too_and_the_control_api_s_two(
        ) -> None:
    get, head, control = requests_through_the_protocol(
        b"GET " + BALANCE, b"HEAD " + BALANCE,
        b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert len(get) == 1, get
    answer = get[0]
    assert isinstance(answer, bytes) and answer.startswith(b"HTTP/1.1 200 OK\r\n")
    head_line, body = answer.split(b"\r\n\r\n", 1)
    assert body and f"content-length: {len(body)}".encode() in head_line
    assert len(head) == 1 and head[0] == head_line + b"\r\n\r\n", head
    assert len(control) == 2, "the control API (a stream among its answers) is never held"


# -- over loopback ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(load(clock="virtual")) as served:
        yield served


def read_head(sock: socket.socket) -> bytes:
    said = b""
    while b"\r\n\r\n" not in said:
        chunk = sock.recv(1)
        assert chunk, f"closed after {said!r}"
        said += chunk
    return said


def test_a_client_that_waits_for_100_continue_gets_it_then_the_answer(
        server: ServerThread) -> None:
    body = b"login=alex&psw=123"
    host, port = server.sock.getsockname()[:2]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"POST /sys/balance.php HTTP/1.1\r\nHost: smsc.test\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        assert read_head(sock) == CONTINUE  # the client sends nothing more until this
        sock.sendall(body)
        head = read_head(sock)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        answer = b""
        while len(answer) < length:
            answer += sock.recv(length - len(answer))
        assert answer.strip()
