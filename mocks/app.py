"""Builds the ASGI app: every provider at its real paths, and the control plane, on one port."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from mocks.config import Settings
from mocks.control.api import routes as control_routes
from mocks.providers.smsc.routes import routes as smsc_routes
from mocks.providers.smspager.routes import routes as smspager_routes
from mocks.providers.targetsms.routes import routes as targetsms_routes
from mocks.runtime import Runtime

TICK_SECONDS = 0.05
# The dialects mounted below, for the ready line.
SERVED = ("SMSC HTTP", "SMS-Pager XML", "TargetSMS")


def build_app(settings: Settings | None = None) -> Starlette:
    runtime = Runtime(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticker = asyncio.create_task(_tick_forever(runtime))
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker

    app = Starlette(routes=[*smsc_routes, *smspager_routes, *targetsms_routes,
                            *control_routes],
                    lifespan=lifespan)
    app.state.runtime = runtime
    app.state.gateway = runtime.gateway
    return app


async def _tick_forever(runtime: Runtime) -> None:
    """A moving clock fires due transitions on its own, so events and callbacks flow."""
    while True:
        if runtime.gateway.clock.speed > 0:
            runtime.gateway.tick()
        await asyncio.sleep(TICK_SECONDS)
