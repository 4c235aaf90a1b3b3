"""The recording proxy: clients point at it as they would at the emulator; it forwards each
request to the upstream unchanged, returns the upstream's answer unchanged, and writes the
exchange, redacted, to a cassette.

Standard library only (http.server in, http.client out), so recording needs nothing the
emulator does not. "Unchanged" within HTTP's rules: the Host header names the upstream, the
hop-by-hop headers (Connection, Transfer-Encoding, ...) are each connection's own, and a
chunked body is passed on with its length.
"""

from __future__ import annotations

import gzip
import http.client
import json
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from sms_mocks.record import dialects
from sms_mocks.record.cassette import (
    Body,
    Exchange,
    Headers,
    Request,
    Response,
    Writer,
    charset_of,
    header,
)
from sms_mocks.record.redact import Redactor

MAX_BODY = 16 * 1024 * 1024  # more than any provider takes; a larger body is refused (413)
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer",
                        "transfer-encoding", "upgrade", "proxy-authenticate", "expect"})


@dataclass(frozen=True, slots=True)
class Upstream:
    scheme: str
    host: str
    port: int
    base: str  # a path prefix, "" for the host's root
    netloc: str

    @classmethod
    def parse(cls, url: str) -> Upstream:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the upstream is an http:// or https:// URL, not {url!r}")
        if parts.query or parts.fragment or parts.username:
            raise ValueError("the upstream URL is a scheme, a host and at most a path")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"), parts.netloc)


def decoded(raw: bytes, encoding: str | None) -> tuple[bytes, str]:
    """An answer's bytes without their Content-Encoding, and what was undone (a cassette
    compares what clients read, not what the wire carried)."""
    name = (encoding or "").strip().lower()
    try:
        if name in ("gzip", "x-gzip"):
            return gzip.decompress(raw), name
        if name == "deflate":
            try:
                return zlib.decompress(raw), name
            except zlib.error:
                return zlib.decompress(raw, -zlib.MAX_WBITS), name
    except (OSError, EOFError, zlib.error):
        return raw, f"undecoded {name} (not valid {name})"
    if name in ("", "identity"):
        return raw, ""
    return raw, f"undecoded {name}"


class RecordingProxy:
    """The proxy's server; `start()` serves in a thread (tests), `serve_forever()` in the
    foreground (the CLI). `clock` stamps the exchanges (wall time; a test may pass the
    upstream emulator's own clock)."""

    def __init__(self, upstream: str, writer: Writer, redactor: Redactor, *,
                 host: str = "127.0.0.1", port: int = 0, timeout: float = 60.0,
                 clock: Callable[[], float] = time.time, context: ssl.SSLContext | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self.upstream = Upstream.parse(upstream)
        self.writer = writer
        self.redactor = redactor
        self.timeout = timeout
        self.clock = clock
        self.context = context
        self.log = log or (lambda line: None)
        self.server = _Server((host, port), _Handler)
        self.server.proxy = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> RecordingProxy:
        self._thread = threading.Thread(target=self.server.serve_forever, name="sms-mocks-record",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def forward(self, method: str, path: str, headers: Headers,
                body: bytes) -> tuple[int, str, Headers, bytes]:
        up = self.upstream
        conn: http.client.HTTPConnection
        if up.scheme == "https":
            conn = http.client.HTTPSConnection(up.host, up.port, timeout=self.timeout,
                                               context=self.context)
        else:
            conn = http.client.HTTPConnection(up.host, up.port, timeout=self.timeout)
        try:
            conn.putrequest(method, up.base + path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                conn.putheader(name, value)
            conn.endheaders(body or None)
            answer = conn.getresponse()
            raw = answer.read(MAX_BODY + 1)
            if len(raw) > MAX_BODY:
                raise http.client.HTTPException(f"the answer is over {MAX_BODY} bytes")
            return answer.status, answer.reason, [(str(k), str(v))
                                                  for k, v in answer.getheaders()], raw
        finally:
            conn.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: RecordingProxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # the proxy's own line per exchange says what happened, without the query

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            size = 0
            while True:
                line = self.rfile.readline(65537)
                length = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if length == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                size += length
                if size > MAX_BODY:
                    raise OverflowError
                chunks.append(self.rfile.read(length))
                self.rfile.readline(3)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise OverflowError
        return self.rfile.read(length) if length > 0 else b""

    def _plain(self, status: int, message: str) -> None:
        body = (json.dumps({"error": message}) + "\n").encode()
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _proxy(self) -> None:
        proxy = self.server.proxy
        at = proxy.clock()
        if self.path.startswith(("http://", "https://")):
            # a client that uses this as an HTTP proxy names the whole URL: keep its path
            parts = urlsplit(self.path)
            self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if self.path.split("?", 1)[0].startswith("/_mock"):
            # never forwarded: a control token must not reach a real provider
            self._plain(404, "a recording proxy has no control API (/_mock/)")
            return
        try:
            body = self._read_body()
        except OverflowError:
            self.close_connection = True
            self._plain(413, f"a body over {MAX_BODY} bytes is not recorded")
            return
        except ValueError:
            self.close_connection = True
            self._plain(400, "a malformed Content-Length or chunk size")
            return
        headers: Headers = [(k, v) for k, v in self.headers.items()
                            if k.lower() not in HOP_BY_HOP and k.lower() != "host"]
        headers.insert(0, ("Host", proxy.upstream.netloc))
        if body and "Transfer-Encoding" in self.headers:
            headers.append(("Content-Length", str(len(body))))
        index = proxy.writer.number()
        provider = dialects.provider_of(self.path)
        hints = dialects.request_charsets(provider, header(headers, "content-type"))
        request = Request(at, self.command, self.path, headers, Body.of(body, hints))
        started = time.monotonic()
        try:
            status, reason, answer_headers, raw = proxy.forward(self.command, self.path,
                                                                headers, body)
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            self._record(Exchange(index, provider, request, None, error), started)
            self._plain(502, f"the upstream did not answer: {error}")
            return
        answered = proxy.clock()
        plain, undone = decoded(raw, header(answer_headers, "content-encoding"))
        charset = charset_of(header(answer_headers, "content-type"))
        response = Response(answered, status, reason, answer_headers,
                            Body.of(plain, [charset]), undone)
        # on disk before the client has its answer: what a client saw, the cassette holds
        self._record(Exchange(index, provider, request, response), started)
        self.send_response_only(status, reason)
        length = False
        for name, value in answer_headers:
            if name.lower() == "content-length":  # in its place and spelling, our own count
                self.send_header(name, value if self.command == "HEAD" else str(len(raw)))
                length = True
            elif name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        if not length and self.command != "HEAD":  # it came chunked: the body is here now
            self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)
        self.wfile.flush()

    def _record(self, exchange: Exchange, started: float) -> None:
        proxy = self.server.proxy
        try:
            proxy.writer.add(proxy.redactor.exchange(exchange))
        except OSError as exc:  # the client still gets its answer: the upstream acted on it
            proxy.log(f"#{exchange.index} NOT RECORDED: {exc}")
        outcome = exchange.response.status if exchange.response else "no answer"
        path = exchange.request.path.split("?", 1)[0]
        proxy.log(f"#{exchange.index} {exchange.request.method} {path} → {outcome} "
                  f"({(time.monotonic() - started) * 1000:.0f} ms)")

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _proxy
