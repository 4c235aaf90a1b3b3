"""A stand-in for whatever answers the control client: a proxy's error page, a gateway timing
out, an emulator behind a path prefix. It answers every request with the next planned answer
and keeps the paths it was asked for."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Stub:
    url: str
    answers: list[tuple[int, str, bytes]] = field(default_factory=list)  # status, type, body
    paths: list[str] = field(default_factory=list)

    def plan(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.answers.append((status, content_type, body))


@contextmanager
def stub_server() -> Iterator[Stub]:
    stub = Stub("")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            stub.paths.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            status, content_type, body = stub.answers.pop(0) if stub.answers else (
                200, "application/json", b"{}")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
