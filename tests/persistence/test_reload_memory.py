"""A sandbox reloaded from --data-dir holds its messages in as little memory as one that made
them: the loader shares what the send path shares (texts, senders, costs, outcomes, what one
send gives all its messages), so a restart does not double the server's memory.

Measured with tracemalloc the way bench/memory.py measures the live figure (its in-process
ASGI driver and requests, the bench account, the settled state), in a process of its own:
    python tests/persistence/test_reload_memory.py [messages]   prints MEMORY {json}
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # a large store measured twice

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 10_000
TOLERANCE = 0.10


def _used() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def _live(data_dir: str, messages: int) -> float:
    """Bytes per message of messages sent through send.php, settled (past every report, the
    validity and the limit windows), as bench/memory.py measures them. Sends and a reset
    before it fill the bounded caches (phone parsing, numbering, segments: 4096 each), so
    only what the messages keep is counted, from an empty store as a reload starts.
    Everything is committed to `data_dir`."""
    sys.path.insert(0, str(ROOT / "bench"))
    from common import settings
    from memory import Driver, send_many

    from sms_mocks.app import build_app

    configured = settings()
    configured.data_dir = data_dir
    configured.journal_size = 0  # the journal's last N requests are not the messages' cost
    app = build_app(configured)
    runtime = app.runtime
    gateway, persistence = runtime.gateway, runtime.persistence
    driver = Driver(app)
    settle = gateway.timings.validity_seconds + 3600
    warm = 5000  # more distinct numbers than the caches keep
    # traced from here: what the warm-up made and the measured part frees counts as freed
    tracemalloc.start()
    bad = await send_many(driver, 0, warm)
    gateway.advance(settle)
    runtime.reset()  # no message left; the ids go on
    persistence.commit()
    runtime.requests.flush()
    before = _used()
    bad += await send_many(driver, warm, messages)
    gateway.advance(settle)
    bad += await send_many(driver, warm + messages, 1)  # prunes the limit windows
    persistence.commit()
    runtime.requests.flush()
    after, count = _used(), len(gateway.store)
    tracemalloc.stop()
    persistence.close()
    assert bad == 0 and runtime.internal_errors == 0
    return (after - before) / count


def _reloaded(data_dir: str) -> tuple[float, int]:
    """Bytes per message of a runtime started on `data_dir`, less what one started on an
    empty dir holds."""
    sys.path.insert(0, str(ROOT / "bench"))
    from common import settings

    from sms_mocks.serving.runtime import Runtime

    def configured(directory: str) -> Any:
        chosen = settings()
        chosen.data_dir = directory
        return chosen

    tracemalloc.start()
    with tempfile.TemporaryDirectory() as empty:
        before = _used()
        bare = Runtime(configured(empty))
        overhead = _used() - before
        bare.persistence.close()  # type: ignore[union-attr]
        del bare
    before = _used()
    runtime = Runtime(configured(data_dir))
    after = _used()
    tracemalloc.stop()
    count = len(runtime.gateway.store)
    runtime.persistence.close()  # type: ignore[union-attr]
    return (after - before - overhead) / count, count


def measure(messages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        live = asyncio.run(_live(data_dir, messages))
        reloaded, count = _reloaded(data_dir)
    return {"messages": messages, "live_per_message": live, "reloaded_per_message": reloaded,
            "reloaded_messages": count}


def test_a_reloaded_message_costs_what_a_live_one_does() -> None:
    result = subprocess.run([sys.executable, __file__, str(MESSAGES)], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("MEMORY "))
    figures = json.loads(line.removeprefix("MEMORY "))
    live, reloaded = figures["live_per_message"], figures["reloaded_per_message"]
    assert figures["reloaded_messages"] == MESSAGES + 1
    assert abs(reloaded - live) <= TOLERANCE * live, figures


if __name__ == "__main__":
    print("MEMORY", json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)),
          flush=True)
