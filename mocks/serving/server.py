"""Running the app under uvicorn: in the foreground for the CLI, or in a thread for tests.

Listeners may mix plain HTTP and HTTPS. uvicorn serves all of one server's sockets with one
TLS setting, so the other kind gets a companion server on the same app and event loop; the
leader owns the lifespan (the clock ticker) and the signals, and the companion ends with it.

Connections are bounded by sms_mocks.serving.connections: the protocol (uvicorn's httptools
one, with a deadline and a size limit for the request head), the listening socket (it sheds
connections when file descriptors run out), and the loop's accept errors (one line a second).
What this needs of uvicorn's inside goes through sms_mocks.asgi.uvicorn_glue's hooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import uvicorn

from sms_mocks.asgi import uvicorn_glue
from sms_mocks.config import Settings
from sms_mocks.serving import connections, one_write
from sms_mocks.serving.app import EmulatorApp, build_app
from sms_mocks.serving.connections import Limits
from sms_mocks.tls.files import TlsFiles

TLS_CLOSE_SECONDS = 0.3


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # one that copes with running out of file descriptors (connections.ListeningSocket)
    sock = connections.listening_socket(family)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()  # a busy port is reported, not a leaked socket too
        raise
    sock.set_inheritable(True)
    return sock


@dataclass(frozen=True)
class Listener:
    sock: socket.socket
    tls: bool = False  # served with the TlsFiles given to serve_forever


def url_of(sock: socket.socket, tls: bool = False) -> str:
    host, port = sock.getsockname()[:2]
    return f"{'https' if tls else 'http'}://{'[' + host + ']' if ':' in host else host}:{port}"


class _Server(uvicorn_glue.Server):
    """uvicorn's server, but SIGINT and SIGTERM end it with a clean exit status, and its tick
    closes the connections whose request head is overdue (connections.expire)."""

    def __init__(self, config: uvicorn.Config, limits: Limits | None = None) -> None:
        super().__init__(config)
        self.limits = limits or connections.current_limits()

    @contextlib.contextmanager
    def starting(self) -> Iterator[None]:
        connections.install(asyncio.get_running_loop())
        token = connections.handshake_seconds.set(self.limits.head_seconds)
        try:
            yield
        finally:
            connections.handshake_seconds.reset(token)

    def tick(self) -> bool:
        connections.expire(self.connections(), asyncio.get_running_loop().time())
        one_write.flush_held(self.transports())
        return False

    @contextlib.contextmanager
    def signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: object) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True

    @contextlib.contextmanager
    def stopping(self) -> Iterator[None]:
        # uvicorn closes idle connections first; a TLS one then waits for the client's
        # close_notify, which an idle pooled client never sends, and the stop would hang for
        # the whole graceful timeout. Those are cut once the rest have had their moment.
        cut = asyncio.get_running_loop().call_later(TLS_CLOSE_SECONDS, self._abort_closing_tls)
        try:
            yield
        finally:
            cut.cancel()

    def _abort_closing_tls(self) -> None:
        for transport in self.transports():
            if transport.is_closing() and transport.get_extra_info("sslcontext") is not None:
                transport.abort()


class _Companion(_Server):
    """Serves more sockets of the leader's app with another TLS setting; no lifespan, no
    signals of its own: it stops when the leader does."""

    def __init__(self, config: uvicorn.Config, leader: _Server) -> None:
        super().__init__(config, leader.limits)
        self.leader = leader

    @contextlib.contextmanager
    def signals(self) -> Iterator[None]:
        yield

    def tick(self) -> bool:
        return self.leader.should_exit or super().tick()


def _config(app: Any, tls: TlsFiles | None, limits: Limits, *, access_log: bool = False,
            lifespan: Literal["on", "off"] = "on") -> uvicorn.Config:
    files: dict[str, Any] = {} if tls is None else {"ssl_certfile": str(tls.cert),
                                                    "ssl_keyfile": str(tls.key)}
    # uvicorn's httptools protocol (what http="auto" picks) with a bounded head
    return uvicorn.Config(app, log_level="warning", access_log=access_log, lifespan=lifespan,
                          http=connections.protocol_class(limits),
                          timeout_keep_alive=limits.keep_alive_seconds,  # type: ignore[arg-type]
                          timeout_graceful_shutdown=5,
                          # no "server: uvicorn": the providers' own server names are not known
                          server_header=False, **files)


def make_server(settings: Settings, *, access_log: bool = False,
                tls: TlsFiles | None = None, limits: Limits | None = None) -> _Server:
    """limits: the connections' deadlines and head size (connections.Limits; by default the
    module's constants)."""
    return serve_app(build_app(settings), access_log=access_log, tls=tls, limits=limits)


def serve_app(app: EmulatorApp, *, access_log: bool = False, tls: TlsFiles | None = None,
              limits: Limits | None = None) -> _Server:
    """make_server for an app already built (whose type uvicorn's config does not keep)."""
    limits = limits or connections.current_limits()
    return _Server(_config(app, tls, limits, access_log=access_log), limits)


def serve_forever(settings: Settings, listeners: Sequence[Listener],
                  on_ready: Callable[[list[str], Any], None],
                  tls: TlsFiles | None = None) -> None:
    """Serves until a signal; on_ready gets every listener's URL, in order, once all listen,
    and the app they serve."""
    groups: dict[bool, list[socket.socket]] = {}
    for listener in listeners:
        groups.setdefault(listener.tls, []).append(listener.sock)
    runs: list[tuple[_Server, list[socket.socket]]] = []
    for secure, sockets in groups.items():
        files = tls if secure else None
        if not runs:
            runs.append((make_server(settings, tls=files), sockets))
        else:
            leader = runs[0][0]
            runs.append((_Companion(_config(leader.config.app, files, leader.limits,
                                            lifespan="off"), leader), sockets))

    async def main() -> None:
        tasks = [asyncio.create_task(server.serve(sockets=sockets)) for server, sockets in runs]
        while not all(server.started for server, _ in runs) and \
                not any(task.done() for task in tasks):
            await asyncio.sleep(0.01)
        if all(server.started for server, _ in runs):
            on_ready([url_of(listener.sock, listener.tls) for listener in listeners],
                     runs[0][0].config.app)
        else:  # one could not start: the others stop too
            for server, _ in runs:
                server.should_exit = True
        await asyncio.gather(*tasks)

    asyncio.run(main())


class ServerThread:
    """The whole emulator in a background thread, on a loopback port (0 picks a free one)."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1", port: int = 0,
                 tls: TlsFiles | None = None, limits: Limits | None = None) -> None:
        self.sock = bind(host, port)
        self.url = url_of(self.sock, tls is not None)
        self.app = build_app(settings)
        self.server = serve_app(self.app, tls=tls, limits=limits)
        self._thread = threading.Thread(target=self._run, name="sms-mocks", daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))

    def start(self, timeout: float = 10.0) -> ServerThread:
        self._thread.start()
        deadline = threading.Event()
        waited = 0.0
        while not self.server.started:
            if not self._thread.is_alive() or waited > timeout:
                raise RuntimeError("sms-mocks server did not start")
            deadline.wait(0.005)
            waited += 0.005
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self.sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
