"""Waiting for a server-side condition: another thread's or process's real I/O.

Never for a delivery: a test moves the virtual clock instead. What is waited for here happens
on its own (a callback POST arrives, a request reaches the server), so the test polls for it
with a deadline and fails with the last thing it saw.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T], until: Callable[[T], object] = bool, *,
               timeout: float = 10.0, interval: float = 0.02, what: str = "") -> T:
    """Calls `probe` until `until(result)` is true and returns that result; past `timeout`
    seconds the test fails, showing the last result."""
    __tracebackhide__ = True
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if until(result):
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what or 'the condition'} did not hold within {timeout} s; "
                                 f"last seen: {result!r}")
        time.sleep(interval)


def at_least(count: int) -> Callable[[list[T]], bool]:
    """`until` for a probe returning a list: it has `count` items or more."""
    return lambda items: len(items) >= count
