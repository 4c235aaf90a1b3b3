"""Connections that abuse the server rather than send requests, over real loopback sockets: one
that never speaks, half a head, an idle kept connection, a head of a megabyte, and more idle
sockets than the process has file descriptors. Each is closed or refused within a bound, and the
server goes on serving (issue 18). The deadlines are shortened to half a second here."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest

from sms_mocks.config import load
from sms_mocks.serving import connections
from sms_mocks.serving.connections import Limits
from sms_mocks.serving.server import ServerThread
from tests.helpers.polling import eventually

pytestmark = pytest.mark.slow  # each waits out a connection deadline

SHORT = 0.5  # the head and keep-alive timeouts of the servers here
# closed within: the timeout, the 100 ms tick that notices it, and a loaded machine's slack
WITHIN = SHORT + 2.5
BALANCE = b"GET /sys/balance.php?login=alex&psw=123 HTTP/1.1\r\nHost: smsc.test\r\n"
ANSWER = b"HTTP/1.1 200 OK\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(load(clock="virtual"),
                      limits=Limits(head_seconds=SHORT, keep_alive_seconds=SHORT)) as served:
        yield served


def connect(server: ServerThread) -> socket.socket:
    host, port = server.sock.getsockname()[:2]
    return socket.create_connection((host, port), timeout=10)


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server says until it closes (FIN or RST), and how long that took."""
    started = time.monotonic()
    said = b""
    try:
        while chunk := sock.recv(65536):
            said += chunk
    except ConnectionResetError:
        pass
    return said, time.monotonic() - started


def read_answer(answers: BinaryIO) -> bytes:
    """The next answer (one with a Content-Length) off `answers`, the connection's makefile,
    whose buffer keeps what follows it."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = answers.readline()
        if not line:
            raise ConnectionError(f"closed after {head!r}")
        head += line
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    return head + answers.read(length)


def test_a_connection_that_never_sends_a_request_is_closed(server: ServerThread) -> None:
    with connect(server) as sock:
        said, took = read_until_closed(sock)
    assert said == b""
    assert SHORT * 0.8 <= took < WITHIN


def test_half_a_header_block_is_closed(server: ServerThread) -> None:
    with connect(server) as sock:
        sock.sendall(BALANCE + b"X-Half: a value that never ends")
        said, took = read_until_closed(sock)
    assert said == b""
    assert took < WITHIN


def test_a_head_trickled_in_is_closed_on_its_deadline_not_its_last_byte(
        server: ServerThread) -> None:
    """Each byte would restart a per-read timer; the deadline is the whole head's."""
    with connect(server) as sock:
        started = time.monotonic()
        with pytest.raises(OSError):
            for byte in BALANCE:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)  # the client's pace, not a wait for the server
        assert time.monotonic() - started < WITHIN


def test_a_head_sent_in_pieces_within_the_deadline_is_answered(server: ServerThread) -> None:
    with connect(server) as sock, sock.makefile("rb") as answers:
        for piece in (BALANCE[:10], BALANCE[10:40], BALANCE[40:], b"\r\n"):
            sock.sendall(piece)
        assert read_answer(answers).startswith(ANSWER)


def test_an_idle_kept_connection_is_closed_after_its_answer(server: ServerThread) -> None:
    with connect(server) as sock, sock.makefile("rb") as answers:
        sock.sendall(BALANCE + b"\r\n")
        assert read_answer(answers).startswith(ANSWER)
        said, took = read_until_closed(sock)
    assert said == b""
    assert SHORT * 0.8 <= took < WITHIN


def test_half_a_head_on_a_kept_connection_is_closed(server: ServerThread) -> None:
    """uvicorn's keep-alive timer stops at the next request's first byte; the head's deadline
    then starts."""
    with connect(server) as sock, sock.makefile("rb") as answers:
        sock.sendall(BALANCE + b"\r\n")
        assert read_answer(answers).startswith(ANSWER)
        sock.sendall(b"GET /sys/bal")
        said, took = read_until_closed(sock)
    assert said == b""
    assert took < WITHIN


def test_a_body_trickling_in_after_its_answer_does_not_hold_the_connection(
        server: ServerThread) -> None:
    """A path that answers without reading the body (404 here): each later byte of that body
    stopped uvicorn's keep-alive timer, so the connection never closed."""
    with connect(server) as sock, sock.makefile("rb") as answers:
        sock.sendall(b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab")
        assert read_answer(answers).startswith(b"HTTP/1.1 404 ")
        started = time.monotonic()
        with pytest.raises(OSError):
            while time.monotonic() - started < WITHIN + 1:
                sock.sendall(b"c")
                time.sleep(0.05)  # the client's pace
        assert time.monotonic() - started < WITHIN


def test_a_megabyte_of_header_lines_is_refused_before_it_is_buffered(
        server: ServerThread) -> None:
    lines = b"".join(b"X-Filler-%07d: %s\r\n" % (n, b"a" * 100)
                     for n in range(1024 * 1024 // 120))
    refused, peak = _send_head(server, BALANCE + lines + b"\r\n")
    assert refused == b"" or refused.startswith(b"HTTP/1.1 431 ")
    # the limit, a read or two of 256 KiB and the parser's objects; a server that buffers the
    # head grows by 2.5 MB here
    assert peak < 1024 * 1024


def test_one_header_of_a_megabyte_is_refused_before_it_is_buffered(server: ServerThread) -> None:
    refused, peak = _send_head(server, BALANCE + b"X-One: " + b"a" * 1024 * 1024 + b"\r\n\r\n")
    assert refused == b"" or refused.startswith(b"HTTP/1.1 431 ")
    assert peak < 1024 * 1024


def _send_head(server: ServerThread, head: bytes) -> tuple[bytes, int]:
    """What the server said to `head` before closing, and the process's peak traced memory
    while it did."""
    tracemalloc.start()
    try:
        with connect(server) as sock:
            def send() -> None:
                with contextlib.suppress(OSError):  # refused while still sending
                    sock.sendall(head)

            sender = threading.Thread(target=send)
            sender.start()
            said, _ = read_until_closed(sock)
            sender.join(10)
        return said, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_head_over_the_limit_in_one_read_is_refused_431(server: ServerThread) -> None:
    with connect(server) as sock:
        sock.sendall(BALANCE + b"X-Big: " + b"a" * (connections.MAX_HEAD_BYTES + 100)
                     + b"\r\n\r\n")
        said, _ = read_until_closed(sock)
    assert said.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert b"connection: close" in said


def test_a_head_just_within_the_limit_is_answered(server: ServerThread) -> None:
    with connect(server) as sock, sock.makefile("rb") as answers:
        sock.sendall(BALANCE + b"X-Big: " + b"a" * (connections.MAX_HEAD_BYTES - 1000)
                     + b"\r\n\r\n")
        assert read_answer(answers).startswith(ANSWER)


def test_pipelined_requests_are_not_charged_each_other_s_bytes(server: ServerThread) -> None:
    """A large body and the next head in one read: the head is counted on its own."""
    big_body = b"x" * 200_000
    post = (b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + str(len(big_body)).encode() + b"\r\n\r\n" + big_body)
    get = BALANCE + b"X-Big: " + b"a" * 50_000 + b"\r\n\r\n"
    with connect(server) as sock, sock.makefile("rb") as answers:
        sock.sendall(post + get + get)
        assert read_answer(answers).startswith(b"HTTP/1.1 404 ")
        assert read_answer(answers).startswith(ANSWER)
        assert read_answer(answers).startswith(ANSWER)


def test_the_server_goes_on_answering(server: ServerThread) -> None:
    with connect(server) as sock:
        sock.sendall(BALANCE + b"Connection: close\r\n\r\n")
        said, _ = read_until_closed(sock)
    assert said.startswith(ANSWER) and said.endswith(b"1000.00")


def test_defaults() -> None:
    assert connections.current_limits() == Limits(10.0, 5.0, 64 * 1024)


# -- TLS ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    from sms_mocks.tls import authority

    files = authority.ensure(tmp_path_factory.mktemp("tls"), ["localhost"])
    with ServerThread(load(clock="virtual"), tls=files,
                      limits=Limits(head_seconds=SHORT, keep_alive_seconds=SHORT)) as served:
        yield served


def test_a_tls_connection_that_never_shakes_hands_is_closed(tls_server: ServerThread) -> None:
    """asyncio's handshake timeout is 60 s; the server's is the head's."""
    with connect(tls_server) as sock:
        said, took = read_until_closed(sock)
    assert said == b""
    assert took < WITHIN


def test_a_tls_connection_that_sends_no_request_is_closed(tls_server: ServerThread) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with connect(tls_server) as raw, context.wrap_socket(raw, server_hostname="localhost") as tls:
        started = time.monotonic()
        with pytest.raises((OSError, ssl.SSLError)):
            if tls.recv(1) == b"":
                raise ConnectionResetError
        assert time.monotonic() - started < WITHIN
    # and it still serves
    with connect(tls_server) as raw, context.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(BALANCE + b"\r\n")
        assert read_answer(tls.makefile("rb")).startswith(ANSWER)


# -- out of file descriptors ----------------------------------------------------------------

LAUNCHER = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_NOFILE, ({limit}, {limit}))
    import sms_mocks.serving.connections
    # the idle sockets stay until the test closes them
    sms_mocks.serving.connections.HEAD_SECONDS = 60.0
    from sms_mocks import cli
    sys.exit(cli.main(["serve", "--port", "0", "--clock", "virtual", "--log-format", "off"]))
""")
FD_LIMIT = 64
IDLE_SOCKETS = 300


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _balance(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(BALANCE + b"Connection: close\r\n\r\n")
        try:
            said, _ = read_until_closed(sock)
        except TimeoutError:
            return b""
    return said


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_NOFILE and /proc")
def test_out_of_file_descriptors_the_log_stays_quiet_and_serving_resumes(
        tmp_path: Path) -> None:
    # stderr to a file, as a service's log is: a pipe nobody reads would stop a flooding server
    # once full, which is not what is being shown
    log_file = tmp_path / "stderr.log"
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER.format(limit=FD_LIMIT)],
            stdout=subprocess.PIPE, stderr=log, text=True)
    idle: list[socket.socket] = []
    try:
        assert process.stdout is not None
        ready = process.stdout.readline()
        assert " serving " in ready, ready
        port = int(ready.split(" at ")[1].split()[0].rstrip(",").rsplit(":", 1)[1])
        assert _balance(port).startswith(ANSWER)

        idle = [socket.create_connection(("127.0.0.1", port), timeout=5)
                for _ in range(IDLE_SOCKETS)]
        cpu = _cpu_seconds(process.pid)
        time.sleep(2)  # what the server does while out of descriptors, not a wait for it
        assert _cpu_seconds(process.pid) - cpu < 1.0  # not spinning

        for sock in idle:
            sock.close()
        # the kernel hands the closes to the server
        eventually(lambda: _balance(port), lambda answered: answered.startswith(ANSWER),
                   timeout=5, interval=0.05)
    finally:
        for sock in idle:
            sock.close()
        process.terminate()
        process.communicate(timeout=20)
    stderr = log_file.read_text()
    lines = stderr.splitlines()
    assert "Traceback" not in stderr
    # one line a second at most (the old flood: some 300 lines of tracebacks a second)
    assert 1 <= len(lines) <= 10, stderr[:2000]
    assert "cannot accept connections: Too many open files" in lines[0]


def test_answers_name_no_server_software() -> None:
    """The providers' real server header is not documented: none is sent rather than uvicorn's."""
    with ServerThread(load(clock="virtual")) as server:
        answer = httpx.get(f"{server.url}/sys/balance.php", params={"login": "alex", "psw": "123"})
    assert answer.status_code == 200
    assert "server" not in answer.headers
    assert "date" in answer.headers
