"""asgi/uvicorn_glue.py's assumptions about uvicorn's inside hold for the installed uvicorn.

A new uvicorn that renames a method, changes its parameters or drops an attribute fails here,
naming what changed, rather than as a fault that no longer closes a connection or a head
deadline that never fires."""

from __future__ import annotations

import asyncio
import contextlib
import tomllib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import uvicorn
from packaging.requirements import Requirement
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from sms_mocks.asgi import uvicorn_glue
from sms_mocks.asgi.uvicorn_glue import Assumption, Protocol, transport_of
from tests.helpers.transports import RecordingTransport

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
HEAD = b"GET /x?y=1 HTTP/1.1\r\nHost: a\r\nX-Long: " + b"v" * 40 + b"\r\n\r\n"


class Seen:
    """What one request through a Protocol showed."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {}
        self.in_request_while_answering = False
        self.protocol: Protocol | None = None


async def _one_request(seen: Seen) -> tuple[Protocol, RecordingTransport]:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.scope = scope
        assert seen.protocol is not None
        seen.in_request_while_answering = seen.protocol.in_request()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    protocol = seen.protocol = Protocol(config=config, server_state=ServerState(), app_state={})
    transport = RecordingTransport()
    protocol.connection_made(transport)
    protocol.data_received(HEAD)
    await asyncio.gather(*protocol.server_state.tasks)
    return protocol, transport


def test_every_assumption_about_uvicorn_holds() -> None:
    seen = Seen()

    async def run() -> list[str]:
        protocol, _ = await _one_request(seen)
        try:
            return uvicorn_glue.broken({
                HttpToolsProtocol: protocol, RequestResponseCycle: protocol.cycle,
                uvicorn.Server: uvicorn.Server(uvicorn.Config(None)),
                ServerState: protocol.server_state})
        finally:
            protocol.connection_lost(None)

    problems = asyncio.run(run())
    assert not problems, ("uvicorn no longer works as mocks/asgi/uvicorn_glue.py assumes "
                          "(adapt that module, then its bound in pyproject.toml):\n  "
                          + "\n  ".join(problems))


def test_a_request_carries_its_transport_and_the_connection_tells_its_phase() -> None:
    seen = Seen()

    async def run() -> tuple[Protocol, RecordingTransport, bool]:
        protocol, transport = await _one_request(seen)
        armed = protocol.keep_alive_armed()
        protocol.connection_lost(None)
        return protocol, transport, armed

    protocol, transport, armed = asyncio.run(run())
    assert transport_of(seen.scope) is transport, "the scope no longer carries the transport"
    assert transport.written.startswith(b"HTTP/1.1 200 OK\r\n")
    assert seen.in_request_while_answering, "in_request() is False while the app answers"
    assert not protocol.in_request(), "in_request() is True after the answer"
    assert armed, "uvicorn's keep-alive timer is not where keep_alive_armed() looks"
    assert abs(protocol.parsed_head_bytes() - len(HEAD)) <= 8  # to within optional spaces
    assert uvicorn_glue.status_line(431).startswith(b"HTTP/1.1 431 ")


def test_without_uvicorn_a_scope_has_no_transport() -> None:
    assert transport_of({"type": "http"}) is None


def test_a_broken_assumption_says_what_changed() -> None:
    renamed = Assumption(uvicorn.Server, "on_tock", ("self", "counter"), coroutine=True)
    changed = Assumption(uvicorn.Server, "on_tick", ("self",), coroutine=True)
    not_async = Assumption(uvicorn.Server, "on_tick", ("self", "counter"))
    missing = Assumption(ServerState, "sockets")
    assert renamed.broken() == (f"uvicorn {uvicorn.__version__}: Server.on_tock is no longer "
                                "a method")
    assert changed.broken() == (f"uvicorn {uvicorn.__version__}: Server.on_tick takes "
                                "('self', 'counter'), not ('self',)")
    assert not_async.broken() == (f"uvicorn {uvicorn.__version__}: Server.on_tick is now a "
                                  "coroutine")
    assert missing.broken(ServerState()) == (f"uvicorn {uvicorn.__version__}: "
                                             "ServerState.sockets no longer exists")


def test_the_installed_uvicorn_is_within_the_declared_bounds() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    requirement = next(Requirement(d) for d in declared if Requirement(d).name == "uvicorn")
    assert any(spec.operator == "<" for spec in requirement.specifier), \
        "uvicorn needs an upper bound: its internals are relied on (asgi/uvicorn_glue.py)"
    assert requirement.specifier.contains(version("uvicorn")), \
        f"uvicorn {version('uvicorn')} is installed, outside {requirement.specifier}"


class _Hooked(uvicorn_glue.Server):
    def __init__(self, stop: bool) -> None:
        super().__init__(uvicorn.Config(None))
        self.stop = stop
        self.ticks = 0
        self.hooks: list[str] = []

    def tick(self) -> bool:
        self.ticks += 1
        return self.stop

    @contextlib.contextmanager
    def signals(self) -> Iterator[None]:
        self.hooks.append("signals in")
        yield
        self.hooks.append("signals out")


def test_the_server_s_hooks_run_where_uvicorn_calls_its_methods() -> None:
    stopping, going_on = _Hooked(stop=True), _Hooked(stop=False)
    assert asyncio.run(stopping.on_tick(1)) is True
    assert asyncio.run(going_on.on_tick(1)) is False  # uvicorn's own tick had its say
    assert (stopping.ticks, going_on.ticks) == (1, 1)
    with going_on.capture_signals():
        going_on.hooks.append("serving")
    assert going_on.hooks == ["signals in", "serving", "signals out"]
    going_on.should_exit = True
    assert asyncio.run(going_on.on_tick(2)) is True
