"""Everything the emulator assumes about uvicorn beyond its documented API, in one module.

uvicorn documents Config, Server.serve() and Server.should_exit; the rest used here is its
inside: the httptools protocol class and its per-connection attributes, the server's tick,
signal capture, start, stop and its set of connections. Nothing else in sms_mocks imports
uvicorn's internals or reads their attributes: serving/connections.py extends Protocol,
serving/server.py extends Server, and faults reach a connection through transport_of(scope).
pyproject.toml bounds uvicorn's version, and tests/architecture/test_uvicorn_glue.py checks
every name listed in ASSUMPTIONS against the installed uvicorn, and drives a Protocol through
a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import (
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)
from uvicorn.server import ServerState

# The scope key under which a request's connection transport travels (Protocol puts it there).
TRANSPORT_KEY = "sms_mocks.transport"


def transport_of(scope: MutableMapping[str, Any]) -> asyncio.Transport | None:
    """The transport of the connection a request came on; None under another ASGI server (or
    none at all: a test calling the app), where a fault falls back to what ASGI can say."""
    # Only Protocol puts it there; uvloop's transports are no asyncio.Transport subclasses,
    # so there is nothing to check it by.
    return cast("asyncio.Transport | None", scope.get(TRANSPORT_KEY))


def status_line(code: int) -> bytes:
    """uvicorn's own status line for `code` ("HTTP/1.1 431 Request Header ...\\r\\n")."""
    return STATUS_LINE[code]


_begin = HttpToolsProtocol.on_message_begin  # called directly: no super() on every request


class Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (what http="auto" picks), whose requests carry their
    transport in the scope. A subclass may extend the parser callbacks (data_received,
    on_message_begin, on_headers_complete, on_message_complete) and send_400_response."""

    def on_message_begin(self) -> None:
        _begin(self)
        self.scope[TRANSPORT_KEY] = self.transport  # type: ignore[literal-required]

    def now(self) -> float:
        """The event loop's time, which uvicorn's timers use."""
        return self.loop.time()

    def in_request(self) -> bool:
        """Whether a request is being read or answered on this connection."""
        cycle = self.cycle
        return cycle is not None and not cycle.response_complete

    def keep_alive_armed(self) -> bool:
        """Whether uvicorn's keep-alive timer watches this connection (idle after an answer)."""
        return self.timeout_keep_alive_task is not None

    def parsed_head_bytes(self) -> int:
        """The request head just parsed, in bytes: the request line and "name: value\\r\\n"
        lines, to within their optional whitespace."""
        return len(self.url) + 16 + sum(len(name) + len(value) + 4
                                        for name, value in self.headers)


class Server(uvicorn.Server):
    """uvicorn's server with hooks where the emulator changes it. Override the hooks, not
    uvicorn's methods: starting() and stopping() wrap its start and stop, tick() runs on its
    100 ms tick (True ends the server), signals() replaces its signal capture."""

    def tick(self) -> bool:
        return False

    def starting(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def stopping(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def signals(self) -> contextlib.AbstractContextManager[None]:
        return super().capture_signals()

    def connections(self) -> list[object]:
        """The server's open connections: Protocols, or another protocol (a WebSocket's)."""
        return list(self.server_state.connections)

    def transports(self) -> list[asyncio.Transport]:
        """The open connections' transports."""
        found = (getattr(c, "transport", None) for c in self.server_state.connections)
        return [transport for transport in found if transport is not None]

    # uvicorn's methods, each handing to a hook
    async def startup(self, sockets: list[Any] | None = None) -> None:
        with self.starting():
            await super().startup(sockets)

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        with self.stopping():
            await super().shutdown(sockets)

    async def on_tick(self, counter: int) -> bool:
        return self.tick() or await super().on_tick(counter)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with self.signals():
            yield


# -- what the above relies on, checked by tests/architecture/test_uvicorn_glue.py -----------

@dataclass(frozen=True, slots=True)
class Assumption:
    owner: type
    name: str
    parameters: tuple[str, ...] | None = None  # a method's, self first; None: an attribute
    coroutine: bool = False

    def broken(self, instance: object | None = None) -> str | None:
        """What is wrong with this assumption against the installed uvicorn; None if it holds.
        `instance`: an object of `owner`, for the attributes its methods set."""
        where = f"uvicorn {uvicorn.__version__}: {self.owner.__qualname__}.{self.name}"
        if self.parameters is None:
            target = instance if instance is not None else self.owner
            return None if hasattr(target, self.name) else f"{where} no longer exists"
        method = getattr(self.owner, self.name, None)
        if not callable(method):
            return f"{where} is no longer a method"
        found = tuple(inspect.signature(method).parameters)
        if found != self.parameters:
            return f"{where} takes {found}, not {self.parameters}"
        if inspect.iscoroutinefunction(method) is not self.coroutine:
            return f"{where} is {'no longer' if self.coroutine else 'now'} a coroutine"
        return None


_HTTP = HttpToolsProtocol
ASSUMPTIONS: tuple[Assumption, ...] = (
    # the methods Protocol and its subclass extend, and how they are called
    Assumption(_HTTP, "connection_made", ("self", "transport")),
    Assumption(_HTTP, "data_received", ("self", "data")),
    Assumption(_HTTP, "on_message_begin", ("self",)),
    Assumption(_HTTP, "on_headers_complete", ("self",)),
    Assumption(_HTTP, "on_message_complete", ("self",)),
    Assumption(_HTTP, "send_400_response", ("self", "msg")),
    Assumption(_HTTP, "on_response_complete", ("self",)),  # after an answer's last write
    # the per-connection state they read (set in __init__ or on_message_begin)
    Assumption(_HTTP, "transport"),
    Assumption(_HTTP, "loop"),
    Assumption(_HTTP, "cycle"),
    Assumption(_HTTP, "timeout_keep_alive_task"),
    Assumption(_HTTP, "scope"),
    Assumption(_HTTP, "url"),
    Assumption(_HTTP, "headers"),
    Assumption(RequestResponseCycle, "response_complete"),
    # the server's methods Server overrides, and its state
    Assumption(uvicorn.Server, "startup", ("self", "sockets"), coroutine=True),
    Assumption(uvicorn.Server, "shutdown", ("self", "sockets"), coroutine=True),
    Assumption(uvicorn.Server, "on_tick", ("self", "counter"), coroutine=True),
    Assumption(uvicorn.Server, "capture_signals", ("self",)),
    Assumption(uvicorn.Server, "server_state"),
    Assumption(uvicorn.Server, "should_exit"),
    Assumption(uvicorn.Server, "force_exit"),
    Assumption(uvicorn.Server, "started"),
    Assumption(ServerState, "connections"),
)


def broken(instances: Mapping[type, object]) -> list[str]:
    """Every assumption that does not hold, in words; `instances`: an object of each owner
    (a Protocol that has read a request, a Server, ...), for the attributes they set."""
    found = (assumption.broken(instances.get(assumption.owner)) for assumption in ASSUMPTIONS)
    return [problem for problem in found if problem is not None]
