"""Retained memory per stored message, in-process: no network, the ASGI app called directly.

    python bench/memory.py [--messages 1000000] [--mode tracemalloc|rss]

Sends `messages` new messages through /sys/send.php (the same request as the throughput run),
then measures what stays allocated after a full garbage collection, twice:

* `fresh`: right after the sends, with the last 60 s of limit windows and every delivery
  timer still held, as a busy server holds them;
* `settled`: after the clock is moved past the delivery reports, the validity and the limit
  windows, when what is left is the message store and whatever never expires.

tracemalloc counts Python allocations exactly (the figure compared with the target); rss reads
the process's resident size instead (allocator slack and fragmentation included), in a run
without tracemalloc's own overhead. Prints `MEMORY <json>`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PATH, query, settings
from servers import ROOT, Broken

from sms_mocks.app import build_app

WARMUP = 2_000
TOP = 8  # allocation sites listed for the settled state
PAGE = os.sysconf("SC_PAGE_SIZE")


class Driver:
    """Calls the ASGI app the way uvicorn would for `GET PATH?query`, and keeps the answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.status = 0
        self.body = b""

    async def _receive(self) -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        else:
            self.body = message.get("body", b"")

    async def get(self, query_string: bytes) -> tuple[int, bytes]:
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": PATH, "raw_path": PATH.encode(), "query_string": query_string,
            "root_path": "", "headers": [(b"host", b"127.0.0.1")],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80), "state": {},
        }
        await self.app(scope, self._receive, self._send)
        return self.status, self.body


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


async def send_many(driver: Driver, first: int, count: int) -> int:
    """Send messages first..first+count-1; returns how many answers were not a success."""
    bad = 0
    for n in range(first, first + count):
        status, body = await driver.get(query(n).encode())
        if status != 200 or b'"error"' in body or b'"cnt":1' not in body:
            bad += 1
            if bad <= 3:
                print(f"bad answer to request {n}: {status} {body[:200]!r}", file=sys.stderr)
    return bad


def measure(mode: str) -> int:
    gc.collect()
    if mode == "tracemalloc":
        return tracemalloc.get_traced_memory()[0]
    return rss()


async def main_async(messages: int, mode: str) -> dict[str, Any]:
    app = build_app(settings())
    gateway = app.runtime.gateway
    driver = Driver(app)
    # Warm up: the middleware stack, caches and lazy imports are not per-message costs.
    bad = await send_many(driver, 0, WARMUP)
    if mode == "tracemalloc":
        tracemalloc.start()
    before_count = len(gateway.store)
    before = measure(mode)
    started = time.perf_counter()
    bad += await send_many(driver, WARMUP, messages)
    elapsed = time.perf_counter() - started
    fresh = measure(mode)
    stored = len(gateway.store) - before_count
    # Past every report, the validity and the 60 s windows; one more send prunes the windows.
    fired = gateway.advance(gateway.timings.validity_seconds + 3600)
    bad += await send_many(driver, WARMUP + messages, 1)
    settled = measure(mode)
    settled_count = len(gateway.store) - before_count
    top: list[str] = []
    if mode == "tracemalloc":
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)])
        root = str(Path(__file__).resolve().parents[1]) + os.sep
        for stat in snapshot.statistics("lineno")[:TOP]:
            frame = stat.traceback[0]
            where = frame.filename.removeprefix(root)
            top.append(f"{stat.size / max(settled_count, 1):7.0f} B/msg  {where}:{frame.lineno}")
        tracemalloc.stop()
    return {
        "mode": mode,
        "messages": messages,
        "stored": stored,
        "store_total": len(gateway.store),
        "bad_answers": bad,
        "internal_errors": app.runtime.internal_errors,
        "sends_per_second": messages / elapsed,
        "transitions_fired": fired,
        "fresh_bytes": fresh - before,
        "fresh_per_message": (fresh - before) / max(stored, 1),
        "settled_bytes": settled - before,
        "settled_per_message": (settled - before) / max(settled_count, 1),
        "top_settled": top,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--mode", choices=("tracemalloc", "rss"), default="tracemalloc")
    args = parser.parse_args()
    result = asyncio.run(main_async(args.messages, args.mode))
    print("MEMORY", json.dumps(result), flush=True)
    return 0


def run(messages: int) -> dict[str, dict[str, Any]]:
    """The tracemalloc and RSS runs side by side, each in its own process."""
    procs = {mode: subprocess.Popen(
        [sys.executable, __file__, "--messages", str(messages), "--mode", mode],
        cwd=ROOT, stdout=subprocess.PIPE, text=True) for mode in ("tracemalloc", "rss")}
    results: dict[str, dict[str, Any]] = {}
    for mode, proc in procs.items():
        out, _ = proc.communicate(timeout=3600)
        line = next((x for x in out.splitlines() if x.startswith("MEMORY ")), None)
        if proc.returncode != 0 or line is None:
            raise Broken(f"memory run ({mode}) failed with status {proc.returncode}")
        r = results[mode] = json.loads(line[7:])
        if r["stored"] != messages or r["bad_answers"] or r["internal_errors"]:
            raise Broken(f"memory run ({mode}): stored {r['stored']} of {messages} messages, "
                         f"{r['bad_answers']} bad answers, {r['internal_errors']} internal "
                         "errors")
    return results


if __name__ == "__main__":
    sys.exit(main())
