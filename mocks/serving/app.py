"""Builds the ASGI app: every provider at its real paths, and the control plane, on one port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from functools import partial
from time import perf_counter
from typing import Any

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sms_mocks.asgi.http import ProviderApp, expire_slow_bodies, header
from sms_mocks.config import Settings
from sms_mocks.control.access import Gate, gated
from sms_mocks.control.routes import ROUTES as control_routes
from sms_mocks.faults import apply as faults
from sms_mocks.journal.recorder import Journal
from sms_mocks.outbound.posting import deliver
from sms_mocks.seam import registry
from sms_mocks.seam.hosts import provider_of_host
from sms_mocks.serving.heap import HeapKeeper
from sms_mocks.serving.one_write import answer_in_one_write
from sms_mocks.serving.runtime import Runtime
from sms_mocks.store import Persistence
from sms_mocks.ui.routes import routes as ui_routes

log = logging.getLogger("sms_mocks.app")

TICK_SECONDS = 0.05
CALLBACKS_AT_ONCE = 8
NOT_FOUND = PlainTextResponse("Not Found", status_code=404)  # Starlette's own 404, reused


def build_app(settings: Settings | None = None, *, runtime: Runtime | None = None
              ) -> EmulatorApp:
    """The app for `runtime` (made from `settings` when not given)."""
    runtime = runtime or Runtime(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: EmulatorApp) -> AsyncIterator[None]:
        ticker = asyncio.create_task(_tick_forever(runtime, app))
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            runtime.requests.flush()  # the last requests' log lines
            if runtime.persistence is not None:
                runtime.persistence.close()

    providers = [route for provider in registry.providers() for route in provider.routes]
    owners = {path: provider.name for provider in registry.providers() for path in provider.paths}
    return EmulatorApp(runtime, providers, owners, routes=[*providers, *control_routes,
                                                            *ui_routes], lifespan=lifespan)


class EmulatorApp(Starlette):
    """Starlette, with the providers' exact paths looked up before its middleware and router:
    their endpoints answer every error in the provider's words themselves, so the stack has
    nothing to add on the path every client request takes.

    A provider path asked for on another provider's real host (sms_mocks.seam.hosts) is not found
    there, whatever the method, as on the real host."""

    def __init__(self, runtime: Runtime, providers: Sequence[BaseRoute], owners: dict[str, str],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime  # the one way to the gateway, the journal, faults, the store
        # what fault rules may need of an endpoint (injected_error) only a ProviderApp has
        self._direct: dict[tuple[str, str], ProviderApp] = {
            (route.path, method): route.app for route in providers
            if isinstance(route, Route) and isinstance(route.app, ProviderApp)
            for method in route.methods or ()}
        self._owners = owners  # provider path → provider
        self.served = 0  # HTTP requests begun, so the heap keeper can tell when it is idle
        # The hot path's references, taken from the runtime once. With the journal off, a
        # journal of one record takes its place: the request log reads each request's record.
        self.recorder = runtime.journal if runtime.journal.size else Journal(1, runtime.gateway.now)
        self.gate = Gate(runtime.settings.control_token)  # who may use /_mock/ (access.py)
        self._faults = runtime.faults
        self._persistence = runtime.persistence  # with --data-dir: commits before answers
        self._requests = runtime.requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.served += 1
            if self._persistence is not None:
                send = self._persistence.committing(send)
            owner = self._owners.get(scope["path"])
            if owner is not None and provider_of_host(header(scope, b"host")) not in (None, owner):
                await NOT_FOUND(scope, receive, send)
                return
            endpoint = self._direct.get((scope["path"], scope["method"]))
            if endpoint is not None:
                scope["app"] = self
                answer_in_one_write(scope)
                app: ASGIApp = endpoint
                if self._faults.armed:  # the one cost of fault rules while there are none
                    app = partial(faults.handle, self._faults, endpoint)
                # around the faults too: the journal shows what the client got
                recorder = self.recorder
                started = perf_counter()
                try:
                    await recorder.around(app, scope, receive, send)
                finally:  # the journal appended this request's record just now
                    self._requests.add(recorder.records[-1], perf_counter() - started)
                return
        if scope["type"] != "lifespan" and gated(scope["path"]):
            await self.gate(super().__call__, scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _commit(persistence: Persistence) -> None:
    """What timers did between requests goes to disk; a failing disk is logged, not fatal
    (the changes stay noted, and the next commit tries again)."""
    try:
        persistence.commit()
    except sqlite3.Error:
        log.exception("cannot write the data dir")


async def _tick_forever(runtime: Runtime, app: EmulatorApp) -> None:
    """A moving clock fires due transitions on its own, so events and callbacks flow, and the
    outbox's due callbacks go out. A long-running server also keeps its garbage collector out
    of the requests' way (mocks/serving/heap.py)."""
    heap = HeapKeeper(time.monotonic()) if runtime.settings.freeze_gc else None
    if heap is not None:
        heap.install()
    sending = asyncio.Semaphore(CALLBACKS_AT_ONCE)
    tasks: set[asyncio.Task[None]] = set()
    try:
        while True:
            if runtime.gateway.clock.speed > 0:
                runtime.gateway.tick()
            expire_slow_bodies()
            if runtime.persistence is not None:
                _commit(runtime.persistence)
            for batch in runtime.outbox.take_due():
                task = asyncio.create_task(deliver(runtime.outbox, batch, sending))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            runtime.requests.flush()
            if heap is not None:
                heap.step(time.monotonic(), app.served)
            await asyncio.sleep(TICK_SECONDS)
    finally:  # shutting down: POSTs on their way are cut short, not waited for
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def served() -> list[str]:
    """The APIs the app serves, for the ready line."""
    return [api for provider in registry.providers() for api in provider.apis]
