"""Under attack (the hardening issue): the bounds a served emulator keeps, measured from outside.

Four attacks go to `sms-mocks serve --clock virtual --log-format off` on a free loopback port,
whose resident size is read from /proc/<pid>/status (its peak through VmHWM, reset before an
attack by writing 5 to /proc/<pid>/clear_refs):

1. idle: IDLE sockets that never speak and HALF that send half a request head; a send.php is
   answered while they are open, and the server closes every one within its head deadline
   (connections.HEAD_SECONDS, 10 s, plus the 0.1 s tick that notices it).
2. head: one request whose head is HEAD_MIB MiB of header lines, sent as fast as the server
   reads it: a 431 (or a close) as soon as 64 KiB have come, and the server grows by the limit
   and a read or two, not by the head.
3. sink: POSTS callbacks of 64 KiB to /_mock/sink/{name}: the sink keeps at most its 64 MiB,
   and reading its first page back costs the page, not the sink.
4. json: 100,000 `[` to POST /_mock/clock/advance (a 400, not a RecursionError's 500), and a
   body declared at 400 MiB, of which 1,000 bytes are sent (a 413 before it is read).

The fifth reads the control plane at scale from a server whose store is filled directly, in a
process of its own (`python bench/attack.py --serve-store N`: a ServerThread of
config.load(clock="virtual") with MESSAGES delivered messages built the way
tests/control/test_message_pages.py builds them, then frozen out of the collector's way as a
served emulator's heap keeper does):

5. reads: the median time of a filtered page of GET /_mock/messages (one login's newest 200;
   the numbers containing some digits), and the slowest send.php answered while READS such
   pages are read back to back on another connection (the median of ROUNDS rounds' slowest,
   as one slowest answer on a shared machine is mostly what else ran then).

Every socket has a timeout and every loop a count and a deadline. `measure` returns the raw
figures, `rows` the report's rows, each naming the test that holds its bound.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import json
import os
import re
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_ACCOUNT, LOGIN, PATH, query
from report import Row
from servers import ROOT, Broken, read_line

MIB = 1024 * 1024
HOST = "127.0.0.1"
TIMEOUT = 10.0  # every socket's
START_TIMEOUT = 60.0  # `sms-mocks serve` to its ready line
STORE_TIMEOUT = 900.0  # the in-process server to its ready line, its store built


@dataclass(frozen=True)
class Sizes:
    idle: int = 300  # sockets that never speak
    half: int = 20  # sockets that send half a head
    idle_wait: float = 15.0  # seconds from the first connect to give up on the closes
    head_mib: int = 32  # the head of header lines
    posts: int = 2000  # sink POSTs of SINK_BODY bytes
    messages: int = 1_000_000  # stored for the control-plane reads
    samples: int = 21  # reads of each filtered page, for the median
    reads: int = 20  # pages read back to back while send.php is timed
    rounds: int = 5  # of those reads: the row is the median of each round's slowest send


FULL = Sizes()
QUICK = Sizes(head_mib=4, posts=200, messages=100_000, samples=11, rounds=3)

# The targets (and the slack we allow where it says "a few").
HEAD_SECONDS = 10.0  # connections.HEAD_SECONDS
TICK = 0.1  # uvicorn's tick, on which the overdue connections are closed
HEAD_RSS_MIB = 16  # "a few MB"
SINK_MIB = 64  # control/sink.MAX_BYTES
SINK_SLACK_MIB = 16
PAGE_MS = 50.0
SEND_MS = 50.0

# What holds each bound in the suite.
T_CONN = "tests/reliability/test_connections.py"
T_SINK = "tests/control/test_sink_bounds.py"
T_JSON = "tests/control/test_json_bodies.py"
T_PAGES = "tests/control/test_message_pages.py"
HELD_BY = {
    "idle": f"`{T_CONN}::test_a_connection_that_never_sends_a_request_is_closed`, "
            f"`::test_half_a_header_block_is_closed`, `::test_defaults` (10 s)",
    "idle_send": f"none exactly: `{T_CONN}::test_the_server_goes_on_answering` (after the "
                 "attacks), `::test_out_of_file_descriptors_the_log_stays_quiet_and_serving_"
                 "resumes` (300 idle sockets, then serving again)",
    "head": f"`{T_CONN}::test_a_megabyte_of_header_lines_is_refused_before_it_is_buffered`, "
            "`::test_a_head_over_the_limit_in_one_read_is_refused_431`",
    "sink": f"`{T_SINK}::test_many_big_posts_stay_under_the_byte_bound_oldest_dropped_first`",
    "sink_page": f"`{T_SINK}::test_a_page_of_a_full_sink_is_bounded_in_bytes_and_time`",
    "deep": f"`{T_JSON}::test_deep_nesting_is_a_400_not_a_500`",
    "declared": f"`{T_JSON}::test_a_400_mib_body_is_a_413_before_it_is_read`",
    "pages": f"`{T_PAGES}::test_a_filtered_page_of_a_million_looks_at_no_more_than_the_page`, "
             "`::test_the_newest_page_costs_about_what_it_costs_on_a_tiny_store`",
    "pages_send": "none: the page cost above bounds it (one page at a time on one loop)",
}

BALANCE_HEAD = b"GET /sys/balance.php?login=alex&psw=123 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
HALF_HEAD = BALANCE_HEAD + b"X-Half: a value that never ends"
SINK_BODY = b"x" * (64 * 1024)  # control/sink.MAX_BODY: the largest body it takes
SINK_NAMES = 7
DEEP = b"[" * 100_000
DECLARED = 400 * MIB
DECLARED_SENT = 1000
ALEX_SENDS = 5  # send.php requests timed while the idle sockets are open
STORE_PREFIX = "7998"  # the stored messages' numbers: 7998 + 7 digits (sends use 7999)
PHONE_DIGITS = STORE_PREFIX + "005000"  # in ten stored numbers: n = 50,000 … 50,009
BUSY = 4  # logins besides the bench's own, which has a fifth of the store


# -- the served emulator ----------------------------------------------------------------------
class Served:
    """A server process that prints a line with `at http://host:port` once it listens."""

    def __init__(self, argv: list[str], timeout: float, stdin: bool = False) -> None:
        # a file, not a pipe (one nobody reads could stop the server); closed by stop()
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        env = {k: v for k, v in os.environ.items() if not k.startswith("SMS_MOCKS_")}
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log,
                                     stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                     text=True, env=env)
        line = read_line(self.proc, timeout)
        found = re.search(r" at http://([^\s,:]+):(\d+)", line)
        if not found:
            self.stop()
            raise Broken(f"attack: the server did not start: {line!r} {self.stderr()[-2000:]}")
        self.port = int(found.group(2))
        self.pid = self.proc.pid
        self.ready = line

    def status(self, field: str) -> int:
        """A /proc/<pid>/status size, in bytes."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise Broken(f"attack: no {field} in /proc/{self.pid}/status")

    def rss(self) -> int:
        return self.status("VmRSS")

    def reset_peak(self) -> bool:
        """Set VmHWM to the current RSS (Linux 4.0+); False where that is not allowed."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def alive(self) -> None:
        if self.proc.poll() is not None:
            raise Broken(f"attack: the server exited with {self.proc.returncode}: "
                         f"{self.stderr()[-2000:]}")

    def stop(self) -> str:
        """Ends the process (closing its stdin first, which stops --serve-store); its stderr."""
        if self.proc.poll() is None:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
                self.proc.stdin = None  # communicate() below would flush it
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=20)
            if self.proc.poll() is None:
                self.proc.terminate()
        try:
            self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
        text = self.stderr()
        self.log.close()
        return text


def serve_command() -> list[str]:
    script = Path(sys.executable).with_name("sms-mocks")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "sms_mocks"]
    return [*head, "serve", "--host", HOST, "--port", "0", "--clock", "virtual",
            "--log-format", "off"]


class Peak:
    """The server's peak RSS over a stretch: VmHWM after a reset, else RSS sampled (2 ms)."""

    def __init__(self, server: Served) -> None:
        self.server = server
        self.before = server.rss()
        self.exact = server.reset_peak()
        self.sampled = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        deadline = time.monotonic() + 300
        while not self._stop.wait(0.002) and time.monotonic() < deadline:
            with contextlib.suppress(OSError, Broken):
                self.sampled = max(self.sampled, self.server.rss())

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.after = self.server.rss()
        peak = max(self.sampled, self.after)
        if self.exact:
            peak = max(peak, self.server.status("VmHWM"))
        self.peak = peak

    @property
    def growth(self) -> int:
        return self.peak - self.before


# -- HTTP ---------------------------------------------------------------------------------------
def connect(port: int) -> socket.socket:
    return socket.create_connection((HOST, port), timeout=TIMEOUT)


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """(status, body, seconds) of one request on a kept connection."""
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    answer = conn.getresponse()
    data = answer.read()
    return answer.status, data, time.perf_counter() - started


def sent_ok(status: int, body: bytes) -> bool:
    return status == 200 and b'"cnt":1' in body and b'"error"' not in body


def alex_send(port: int, n: int) -> float:
    """Seconds for one send.php of the built-in SMSC account on a new connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        started = time.perf_counter()
        status, body, _ = request(conn, "GET", f"{PATH}?login=alex&psw=123&phones="
                                  f"7999{n:07d}&mes=Attack&fmt=3&id={n + 1}")
        took = time.perf_counter() - started
    finally:
        conn.close()
    if not sent_ok(status, body):
        raise Broken(f"attack: send.php answered {status} {body[:200]!r}")
    return took


def read_until_closed(sock: socket.socket, limit: int = MIB) -> tuple[bytes, float | None]:
    """What the server says (up to `limit` bytes) until it closes or TIMEOUT passes, and the
    perf_counter time its first byte (or the close, if it said nothing) came."""
    said = b""
    first: float | None = None
    with contextlib.suppress(ConnectionResetError, TimeoutError, BrokenPipeError):
        while len(said) < limit:
            chunk = sock.recv(65536)
            if first is None:
                first = time.perf_counter()
            if not chunk:
                break
            said += chunk
    return said, first


# -- 1. idle and half-sent connections --------------------------------------------------------
def idle_sockets(server: Served, sizes: Sizes) -> dict[str, Any]:
    selector = selectors.DefaultSelector()
    opened: dict[socket.socket, float] = {}
    closed: dict[socket.socket, float] = {}
    spoke = 0
    try:
        for n in range(sizes.idle + sizes.half):
            sock = connect(server.port)
            opened[sock] = time.monotonic()
            if n >= sizes.idle:
                sock.sendall(HALF_HEAD)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        first = min(opened.values())
        sends = [alex_send(server.port, n) for n in range(ALEX_SENDS)]
        deadline = first + sizes.idle_wait
        while len(closed) < len(opened) and (now := time.monotonic()) < deadline:
            ready = selector.select(timeout=min(0.5, deadline - now))
            seen = time.monotonic()  # for the whole batch: reading 320 sockets takes ms
            for key, _ in ready:
                sock = key.fileobj  # type: ignore[assignment]
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except ConnectionResetError:
                    data = b""
                if data:
                    spoke += 1
                    continue
                closed[sock] = seen
                selector.unregister(sock)
    finally:
        selector.close()
        for sock in opened:
            sock.close()
    server.alive()
    held = [closed[s] - opened[s] for s in closed]
    return {"sockets": len(opened), "closed": len(closed), "spoke": spoke,
            "send_ms": [s * 1000 for s in sends],
            "longest_s": max(held) if held else float("inf"),
            "shortest_s": min(held) if held else float("inf"),
            "span_s": (max(closed.values()) - first) if closed else float("inf")}


# -- 2. a head of many megabytes ----------------------------------------------------------------
def header_block() -> bytes:
    """About a MiB of header lines."""
    return b"".join(b"X-Filler-%07d: %s\r\n" % (n, b"a" * 100) for n in range(MIB // 120))


def big_head(server: Served, mib: int) -> dict[str, Any]:
    block = header_block()
    blocks = max(1, mib * MIB // len(block))
    sent = [0]
    sock = connect(server.port)

    def send() -> None:
        with contextlib.suppress(OSError):  # refused while still sending
            sock.sendall(BALANCE_HEAD)
            for _ in range(blocks):
                sock.sendall(block)
                sent[0] += len(block)
            sock.sendall(b"\r\n")

    with Peak(server) as peak:
        try:
            sender = threading.Thread(target=send, daemon=True)
            started = time.perf_counter()
            sender.start()
            said, first = read_until_closed(sock)
            took = (first or time.perf_counter()) - started
            sender.join(TIMEOUT)
        finally:
            sock.close()
    server.alive()
    got = "431" if said.startswith(b"HTTP/1.1 431 ") else \
        "closed" if said == b"" else said[:40].decode("latin-1")
    return {"mib": blocks * len(block) / MIB, "got": got, "seconds": took,
            "sent_mib": sent[0] / MIB, "rss_growth": peak.growth, "exact": peak.exact}


# -- 3. the sink --------------------------------------------------------------------------------
def sink_flood(server: Served, posts: int) -> dict[str, Any]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
    bad = 0
    deadline = time.monotonic() + 300
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        with Peak(server) as peak:
            started = time.perf_counter()
            for n in range(posts):
                if time.monotonic() > deadline:
                    raise Broken(f"attack: {n} of {posts} sink POSTs in 300 s")
                status, body, _ = request(conn, "POST", f"/_mock/sink/attack{n % SINK_NAMES}",
                                          SINK_BODY, headers)
                bad += status != 200 or body != b"OK"
            posting = time.perf_counter() - started
        times: list[float] = []
        size = 0
        for _ in range(5):
            status, body, took = request(conn, "GET", "/_mock/sink")
            if status != 200 or "sinks" not in json.loads(body):
                raise Broken(f"attack: GET /_mock/sink answered {status} {body[:200]!r}")
            times.append(took)
            size = len(body)
    finally:
        conn.close()
    server.alive()
    if bad:
        raise Broken(f"attack: {bad} of {posts} sink POSTs were not answered 200 OK")
    return {"posts": posts, "mib": posts * len(SINK_BODY) / MIB, "posting_s": posting,
            "rss_growth": peak.growth, "rss_after": peak.after - peak.before,
            "page_ms": statistics.median(times) * 1000, "page_kib": size / 1024}


# -- 4. control JSON bodies -------------------------------------------------------------------
def json_bodies(server: Served) -> dict[str, Any]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
    try:
        deep, body, deep_s = request(conn, "POST", "/_mock/clock/advance", DEEP,
                                     {"Content-Type": "application/json"})
        deep_error = json.loads(body).get("error", "") if body.startswith(b"{") else ""
    finally:
        conn.close()
    head = (f"POST /_mock/clock/advance HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {DECLARED}\r\n\r\n").encode()
    sock = connect(server.port)
    try:
        started = time.perf_counter()
        sock.sendall(head + b"[" * DECLARED_SENT)
        said = b""
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            while b"\r\n\r\n" not in said and len(said) < 65536:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                said += chunk
        declared_s = time.perf_counter() - started
    finally:
        sock.close()
    server.alive()
    status = int(said.split(b" ", 2)[1]) if said.startswith(b"HTTP/1.1 ") else 0
    return {"deep": deep, "deep_error": deep_error, "deep_ms": deep_s * 1000,
            "declared": status, "declared_s": declared_s}


def health(server: Served) -> dict[str, Any]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
    try:
        status, body, _ = request(conn, "GET", "/_mock/health")
    finally:
        conn.close()
    if status != 200:
        raise Broken(f"attack: /_mock/health answered {status}")
    return json.loads(body)  # type: ignore[no-any-return]


# -- 5. control-plane reads at scale ----------------------------------------------------------
def serve_store(messages: int) -> int:
    """The child of `reads`: a ServerThread whose store holds `messages` delivered messages,
    built directly; prints its URL and serves until its stdin closes."""
    from sms_mocks.config import load
    from sms_mocks.core.messages import Message, State
    from sms_mocks.serving.server import ServerThread

    settings = load(clock="virtual")
    busy = [{"provider": "smsc", "login": f"busy{n}", "password": "x"} for n in range(BUSY)]
    settings.accounts += [dict(BENCH_ACCOUNT), *busy]
    server = ServerThread(settings, host=HOST)
    gateway = server.app.runtime.gateway
    owners = [gateway.accounts.get("smsc", a["login"]) for a in busy]
    bench = gateway.accounts.get("smsc", LOGIN)
    store, now, cost = gateway.store, gateway.now(), Decimal("1.00")
    started = time.perf_counter()
    gc.disable()  # a million young objects: nothing to collect while they are made
    try:
        for n in range(messages):
            owner = bench if n % 5 == 4 else owners[n % BUSY]
            store.add(Message(id=store.new_id(), account=owner, ext_id=str(n + 1),
                              phone=f"{STORE_PREFIX}{n:07d}", text="Your code 1234",
                              sender="SMSC", parts=1, cost=cost, created_at=now, send_at=now,
                              valid_until=now + 86400, state=State.DELIVERED,
                              state_at=now + 5))
    finally:
        gc.freeze()  # what a served emulator's heap keeper does with survivors, once a second
        gc.enable()
    built = time.perf_counter() - started
    with server:
        print(f"READY at {server.url} built {messages} in {built:.1f} s", flush=True)
        sys.stdin.readline()  # until the parent closes it
    return 0


def reads(sizes: Sizes) -> dict[str, Any]:
    server = Served([sys.executable, __file__, "--serve-store", str(sizes.messages)],
                    STORE_TIMEOUT, stdin=True)
    try:
        result = _reads(server, sizes)
    finally:
        server.stop()
    built = re.search(r" in ([\d.]+) s", server.ready)
    result["build_s"] = float(built.group(1)) if built else float("nan")
    return result


def _page(conn: http.client.HTTPConnection, path: str, shown: int,
          bodies: list[bytes] | None = None) -> float:
    """Seconds for one page; its body is checked now, or kept in `bodies` to check later
    (parsing it here would hold this process's GIL while send.php is being timed)."""
    status, body, took = request(conn, "GET", path)
    if status != 200:
        raise Broken(f"attack: GET {path} answered {status} {body[:200]!r}")
    if bodies is None:
        _check_page(path, body, shown)
    else:
        bodies.append(body)
    return took


def _check_page(path: str, body: bytes, shown: int) -> None:
    found = len(json.loads(body)["messages"])
    if found != shown:
        raise Broken(f"attack: GET {path} showed {found} messages, not {shown}")


def _reads(server: Served, sizes: Sizes) -> dict[str, Any]:
    by_login = "/_mock/messages?account=" + LOGIN + "&limit=200"
    by_phone = "/_mock/messages?phone=" + PHONE_DIGITS + "&limit=200"
    login_shown = min(200, sizes.messages // 5)
    phone_shown = sum(1 for n in range(50_000, 50_010) if n < sizes.messages)
    conn = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
    sender = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
    first_send = sizes.messages + 1  # ids and numbers no stored message has
    try:
        _page(conn, by_login, login_shown)  # warm: the first read writes the number text
        _page(conn, by_phone, phone_shown)
        login_s = [_page(conn, by_login, login_shown) for _ in range(sizes.samples)]
        phone_s = [_page(conn, by_phone, phone_shown) for _ in range(sizes.samples)]

        def send(n: int) -> float:
            status, body, took = request(sender, "GET", f"{PATH}?{query(n)}")
            if not sent_ok(status, body):
                raise Broken(f"attack: send.php answered {status} {body[:200]!r}")
            return took

        alone = [send(first_send + n) for n in range(sizes.reads * 5)]
        n = first_send + len(alone)
        page_s: list[float] = []
        worsts: list[float] = []
        sends_during = 0
        for _ in range(sizes.rounds):
            bodies: list[bytes] = []
            failed: list[BaseException] = []

            def read_pages(bodies: list[bytes] = bodies,
                           failed: list[BaseException] = failed) -> None:
                try:
                    page_s.extend(_page(conn, by_login, login_shown, bodies)
                                  for _ in range(sizes.reads))
                except BaseException as exc:  # re-raised below
                    failed.append(exc)

            reader = threading.Thread(target=read_pages, daemon=True)
            during: list[float] = []
            deadline = time.monotonic() + 60
            reader.start()
            while reader.is_alive() and len(during) < 100_000 and time.monotonic() < deadline:
                during.append(send(n))
                n += 1
            reader.join(TIMEOUT)
            if failed:
                raise failed[0]
            if reader.is_alive() or len(bodies) != sizes.reads:
                raise Broken(f"attack: {len(bodies)} of {sizes.reads} pages read in 60 s")
            for body in bodies:
                _check_page(by_login, body, login_shown)
            worsts.append(max(during))
            sends_during += len(during)
        server.alive()
    finally:
        conn.close()
        sender.close()
    return {"messages": sizes.messages, "login_ms": statistics.median(login_s) * 1000,
            "phone_ms": statistics.median(phone_s) * 1000, "phone_shown": phone_shown,
            "send_worst_ms": statistics.median(worsts) * 1000,
            "send_worsts_ms": [w * 1000 for w in worsts], "sends_during": sends_during,
            "send_alone_worst_ms": max(alone) * 1000,
            "send_alone_median_ms": statistics.median(alone) * 1000, "sends_alone": len(alone),
            "pages_during": len(page_s),
            "page_during_median_ms": statistics.median(page_s) * 1000}


# -- all of it ----------------------------------------------------------------------------------
def measure(sizes: Sizes, quiet: bool = False) -> dict[str, Any]:
    def say(text: str) -> None:
        if not quiet:
            print(f"  {text}", flush=True)

    result: dict[str, Any] = {"sizes": sizes}
    server = Served(serve_command(), START_TIMEOUT)
    try:
        result["rss_start"] = server.rss()
        say(f"idle: {sizes.idle} idle + {sizes.half} half-head sockets (up to "
            f"{sizes.idle_wait:g} s)")
        result["idle"] = idle_sockets(server, sizes)
        say(f"head: {sizes.head_mib} MiB of header lines")
        result["head"] = big_head(server, sizes.head_mib)
        say(f"sink: {sizes.posts} POSTs of 64 KiB")
        result["sink"] = sink_flood(server, sizes.posts)
        say("json: 100,000 nested brackets; a body declared at 400 MiB")
        result["json"] = json_bodies(server)
        result["health"] = health(server)
    finally:
        stderr = server.stop()
    result["tracebacks"] = stderr.count("Traceback")
    say(f"reads: {sizes.messages:,} messages stored in-process, then the control plane")
    result["reads"] = reads(sizes)
    return result


def rows(r: dict[str, Any]) -> list[Row]:
    idle, head, sink, js, rd = r["idle"], r["head"], r["sink"], r["json"], r["reads"]
    close_target = HEAD_SECONDS + 2 * TICK  # the deadline, its tick, and connect-to-accept slack
    all_closed = idle["closed"] == idle["sockets"]
    sink_target = SINK_MIB + SINK_SLACK_MIB
    return [
        Row(f"{idle['sockets'] - r['sizes'].half} idle + {r['sizes'].half} half-head sockets "
            f"open: send.php answered, ms (slowest of {len(idle['send_ms'])}, each on a new "
            "connection)", f"{max(idle['send_ms']):.1f}", test=HELD_BY["idle_send"]),
        Row(f"… the server closed {idle['closed']} of {idle['sockets']} ("
            f"{'none' if not idle['spoke'] else idle['spoke']} answered), s after their "
            f"connect (the last; the first {idle['shortest_s']:.2f})",
            f"{idle['longest_s']:.3f}" if all_closed else f"> {r['sizes'].idle_wait:g}",
            f"≤ {close_target:g}", all_closed and idle["longest_s"] <= close_target,
            test=HELD_BY["idle"]),
        Row(f"a head of {head['mib']:.0f} MiB of header lines, sent as fast as read: the "
            f"answer, after ms ({head['sent_mib']:.1f} MiB taken by the sockets)",
            f"{head['got']}, {head['seconds'] * 1000:.1f}", "431 or closed",
            head["got"] in ("431", "closed"), test=HELD_BY["head"]),
        Row("… server RSS growth, MiB (peak)", f"{head['rss_growth'] / MIB:.1f}",
            f"≤ {HEAD_RSS_MIB}", head["rss_growth"] <= HEAD_RSS_MIB * MIB,
            test=HELD_BY["head"]),
        Row(f"{sink['posts']:,} sink POSTs of 64 KiB ({sink['mib']:.0f} MiB): server RSS "
            f"growth, MiB (peak; {sink['rss_after'] / MIB:.1f} after)",
            f"{sink['rss_growth'] / MIB:.1f}", f"≤ {sink_target} ({SINK_MIB} + "
            f"{SINK_SLACK_MIB})", sink["rss_growth"] <= sink_target * MIB,
            test=HELD_BY["sink"]),
        Row(f"… the sink's first page read back (GET /_mock/sink, {sink['page_kib']:.0f} KiB), "
            "ms (median of 5)", f"{sink['page_ms']:.1f}", f"≤ {PAGE_MS:g}",
            sink["page_ms"] <= PAGE_MS, test=HELD_BY["sink_page"]),
        Row("100,000 `[` to POST /_mock/clock/advance: status", str(js["deep"]), "400",
            js["deep"] == 400, test=HELD_BY["deep"]),
        Row(f"a body declared at 400 MiB ({DECLARED_SENT:,} bytes of it sent): status, after "
            "ms", f"{js['declared']}, {js['declared_s'] * 1000:.1f}", "413 before reading",
            js["declared"] == 413, test=HELD_BY["declared"]),
        Row(f"{rd['messages']:,} stored: GET /_mock/messages?account=<login>&limit=200, ms "
            f"(median of {r['sizes'].samples})", f"{rd['login_ms']:.1f}", f"≤ {PAGE_MS:g}",
            rd["login_ms"] <= PAGE_MS, test=HELD_BY["pages"]),
        Row(f"… ?phone=<10 digits>&limit=200 ({rd['phone_shown']} numbers match), ms "
            f"(median of {r['sizes'].samples})", f"{rd['phone_ms']:.1f}", f"≤ {PAGE_MS:g}",
            rd["phone_ms"] <= PAGE_MS, test=HELD_BY["pages"]),
        Row(f"… send.php while {r['sizes'].reads} such pages are read back to back: the "
            f"slowest, ms (median of {r['sizes'].rounds} rounds, {rd['sends_during']} sends; "
            f"worst {max(rd['send_worsts_ms']):.1f}; alone: median "
            f"{rd['send_alone_median_ms']:.2f}, slowest {rd['send_alone_worst_ms']:.1f})",
            f"{rd['send_worst_ms']:.1f}", f"≤ {SEND_MS:g}", rd["send_worst_ms"] <= SEND_MS,
            test=HELD_BY["pages_send"]),
    ]


def notes(r: dict[str, Any]) -> list[str]:
    said = [f"Attacks 1–4: `{' '.join(Path(c).name for c in serve_command()[:1])} serve "
            "--clock virtual --log-format off` on a loopback port, its RSS from "
            f"/proc/<pid>/status (VmHWM after a reset where allowed; at start "
            f"{r['rss_start'] / MIB:.0f} MiB); afterwards /_mock/health counted "
            f"{r['health'].get('internal_errors', '?')} internal errors and its stderr "
            f"{r['tracebacks']} tracebacks.",
            f"Attack 5: {r['reads']['messages']:,} delivered messages added to a ServerThread's "
            f"store in its own process in {r['reads']['build_s']:.1f} s (a fifth of them the "
            "login's, ten numbers with the digits), "
            "read over HTTP from this one; send.php by the bench account on its own "
            "connection."]
    if not r["head"]["exact"]:
        said.append("The head's RSS peak was sampled every 2 ms (clear_refs not allowed).")
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description="internal: the server of the reads attack")
    parser.add_argument("--serve-store", type=int, required=True, metavar="MESSAGES")
    args = parser.parse_args()
    return serve_store(args.serve_store)


if __name__ == "__main__":
    sys.exit(main())
