"""Advancing the clock: 24 h with `messages` pending, in-process on the core.

    python bench/advance.py [--messages 100000] [--repeat 3]

Each repetition builds a fresh emulator core on a virtual clock (as the pytest fixture's server
runs), sends `messages` messages through Gateway.send (1,000 recipients a send, so the set-up
stays short; each recipient is its own message with its own delivery timers) and times
Gateway.advance(24 h), the call behind POST /_mock/clock/advance. Every message must be final
afterwards. Prints `ADVANCE <json>` with each repetition's seconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import LOGIN, phone, settings
from servers import Broken

from sms_mocks.core.gateway import Item, SendRequest
from sms_mocks.serving.runtime import Runtime

DAY = 24 * 3600.0
BATCH = 1000


def once(messages: int) -> dict[str, Any]:
    config = settings()
    config.clock = "virtual"
    gateway = Runtime(config).gateway
    account = gateway.accounts.get("smsc", LOGIN)
    assert account is not None
    for first in range(0, messages, BATCH):
        phones = [phone(n) for n in range(first, min(first + BATCH, messages))]
        gateway.send(account, SendRequest([Item(phones, "Test message")]))
    pending = sum(1 for m in gateway.store if not m.state.final)
    gc.collect()  # the set-up's garbage is not the advance's cost
    started = time.perf_counter()
    fired = gateway.advance(DAY)
    seconds = time.perf_counter() - started
    left = sum(1 for m in gateway.store if not m.state.final)
    return {"seconds": seconds, "pending": pending, "fired": fired, "left": left}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [once(args.messages) for _ in range(args.repeat)]
    print("ADVANCE", json.dumps({"messages": args.messages, "runs": runs}), flush=True)
    return 0


def run(messages: int, repeat: int) -> dict[str, Any]:
    """In a fresh process, so the other probes' heap is not in the collector's way."""
    out = subprocess.run([sys.executable, __file__, "--messages", str(messages),
                          "--repeat", str(repeat)], capture_output=True, text=True,
                         timeout=900, check=False)
    line = next((x for x in out.stdout.splitlines() if x.startswith("ADVANCE ")), None)
    if out.returncode != 0 or line is None:
        raise Broken(f"advance probe failed ({out.returncode}): {out.stderr[-500:]}")
    runs = json.loads(line[8:])["runs"]
    for r in runs:
        if r["pending"] != messages or r["left"]:
            raise Broken(f"advance probe: {r['pending']} of {messages} messages pending before, "
                         f"{r['left']} not final after")
    return {"median": statistics.median(r["seconds"] for r in runs), "runs": runs,
            "messages": messages, "fired": runs[0]["fired"]}


if __name__ == "__main__":
    sys.exit(main())
