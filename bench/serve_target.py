"""One server under test, in its own process (so it has a core and a GIL to itself).

    python bench/serve_target.py --target baseline|raw|emulator [--host 127.0.0.1] [--port 0]
                                 [--prefill N]

Prints `READY <url>` once it listens; on SIGTERM or SIGINT it stops and prints `STATS <json>`:
for the emulator, the messages stored, rejected, the requests it refused, the status reads
that found no message, and internal errors, which bench/throughput.py checks against the
answers it counted (wrk does not read the bodies).

--prefill N stores N messages on the bench account before listening, for status.php to read
(common.status_query).

All targets run on the uvicorn server that sms_mocks.serving.server.make_server builds, the very
same uvicorn.Config (options, loop and http implementation auto-selection) and Server class: the
baseline (a bare Starlette route) and raw (a bare ASGI callable, the floor under any framework)
only swap the ASGI app before the server loads it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    LOGIN,
    PAGER_PATH,
    PATH,
    SOAP_PATH,
    STATUS_BATCH,
    STATUS_PATH,
    TARGET_PATH,
    phone,
    settings,
)
from uvicorn._compat import asyncio_run

from sms_mocks.core.gateway import Gateway, Item, SendRequest
from sms_mocks.serving.server import bind, make_server, url_of

BASELINE_BODY = "OK"


def baseline_app() -> Starlette:
    """The floor: a bare Starlette app, one route, a constant plain-text answer."""

    async def constant(request: Request) -> PlainTextResponse:
        return PlainTextResponse(BASELINE_BODY)

    return Starlette(routes=[Route(PATH, constant),
                             Route(STATUS_PATH, constant),
                             Route(TARGET_PATH, constant),
                             Route(PAGER_PATH, constant, methods=["POST"]),
                             Route(SOAP_PATH, constant, methods=["POST"])])


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Below the baseline: an ASGI callable that answers every request the constant, with no
    framework at all (bench/run --peers shows it as the ceiling of any app on this server)."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", b"%d" % len(BASELINE_BODY))]})
    await send({"type": "http.response.body", "body": BASELINE_BODY.encode()})


def prefill(gateway: Gateway, count: int) -> None:
    """Store `count` messages as common.status_query expects them, STATUS_BATCH a send."""
    account = gateway.accounts.get("smsc", LOGIN)
    assert account is not None
    for first in range(0, count, STATUS_BATCH):
        phones = [phone(n) for n in range(first, min(first + STATUS_BATCH, count))]
        gateway.send(account, SendRequest([Item(phones, "Test message")],
                                          ext_id=str(first // STATUS_BATCH + 1)))
    # Deliver them now: otherwise all of them fall due together a few seconds into the run and
    # the status.php rounds would measure that burst of transitions instead.
    timings = gateway.timings
    gateway.advance(timings.queue_seconds + timings.report_seconds + 1)


def stub_send(call: Any) -> str:
    """send.php's fmt=3 answer to a send, built from the request, with nothing sent."""
    return f'{{"id":{call.params.get("id", "0")},"cnt":1,"cost":"1.40","balance":"1.00"}}'


class MissingCounter:
    """Counts what a load generator that does not read bodies cannot see: status.php reads
    that found no message (SMSC's status -3 in its fmt=3 answer). It wraps the endpoint's
    command, not the gateway, which may be compiled (no subclass can replace its class)."""

    def __init__(self, command: Any) -> None:
        self.command = command
        self.missing = 0

    def __call__(self, call: Any) -> str:
        answer: str = self.command(call)
        if answer.startswith('{"status":-3'):
            self.missing += 1
        return answer


def refused(emulator: Any) -> int:
    """Requests the emulator answered with anything but success, by its request counters."""
    counters = emulator.runtime.requests
    counters.flush()
    return sum(count for (_, _, outcome), count in counters.requests.items()
               if outcome != "ok")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", choices=("baseline", "raw", "emulator"), required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--uvicorn-loop", action="store_true",
                        help="run on the loop uvicorn's Config picks (uvloop when installed), "
                             "as uvicorn.Server.run does, instead of asyncio.run as "
                             "sms_mocks.serving.server.serve_forever does")
    parser.add_argument("--prefill", type=int, default=0,
                        help="messages to store before listening, for status.php")
    parser.add_argument("--stub-send", action="store_true",
                        help="the emulator's send.php command answers a constant: what remains "
                             "is the frame every request pays")
    args = parser.parse_args()

    server = make_server(settings())
    emulator = server.config.app
    if args.target in ("baseline", "raw"):
        assert not server.config.loaded
        server.config.app = baseline_app() if args.target == "baseline" else raw_app
    if args.target == "emulator":
        gateway = emulator.runtime.gateway
        prefill(gateway, args.prefill)
        counters = []
        for method in ("GET", "POST"):
            endpoint = emulator._direct[(STATUS_PATH, method)]
            endpoint.command = MissingCounter(endpoint.command)
            counters.append(endpoint.command)
        if args.stub_send:
            for method in ("GET", "POST"):
                emulator._direct[(PATH, method)].command = stub_send
    sock = bind(args.host, args.port)

    loop_name = ""

    async def run() -> None:
        nonlocal loop_name
        loop_name = type(asyncio.get_running_loop()).__module__.split(".")[0]
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if server.started:
            print("READY", url_of(sock), flush=True)
        await task

    if args.uvicorn_loop:
        asyncio_run(run(), loop_factory=server.config.get_loop_factory())
    else:
        asyncio.run(run())  # what serving.server.serve_forever (the CLI) and ServerThread do
    sock.close()
    stats: dict[str, object] = {"target": args.target, "loop": loop_name,
                                "http": server.config.http_protocol_class.__name__}
    if args.target == "emulator":
        store = emulator.runtime.gateway.store
        stats["stored"] = len(store) - args.prefill
        stats["refused"] = refused(emulator)
        stats["missing"] = sum(counter.missing for counter in counters)
        stats["rejected"] = sum(1 for m in store if m.state.name == "REJECTED")
        stats["internal_errors"] = emulator.runtime.internal_errors
    print("STATS", json.dumps(stats), flush=True)
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
