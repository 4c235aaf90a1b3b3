"""One clock for everything that depends on time.

A single class covers the three modes: real (speed 1), accelerated (speed X) and virtual
(speed 0: it moves only when advanced). Switching speed keeps the current reading.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

MAX_STEP = 100 * 365 * 24 * 3600.0  # a century per step
LATEST = 253402300799.0  # 9999-12-31 23:59:59 UTC: later readings cannot be printed as dates
MAX_SPEED = 10_000.0  # a day in under nine seconds; faster is not a clock a test can follow


class Clock:
    def __init__(self, *, speed: float = 1.0, start: float | None = None) -> None:
        if speed < 0:
            raise ValueError("clock speed must be >= 0")
        self._speed = speed
        self._base = time.time() if start is None else float(start)
        self._real_base = time.monotonic()

    @classmethod
    def virtual(cls, start: float | None = None) -> Clock:
        # A virtual clock starts on a whole second so timestamps read cleanly.
        return cls(speed=0.0, start=float(int(time.time() if start is None else start)))

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def mode(self) -> str:
        if self._speed == 0:
            return "virtual"
        return "real" if self._speed == 1 else "accelerated"

    def setting(self) -> tuple[float, float]:
        """(base, speed): changes only when the clock is advanced, set or re-sped, so a store
        can tell when to write the clock without comparing readings that move by themselves."""
        return (self._base, self._speed)

    def now(self) -> float:
        if self._speed == 0:
            return self._base
        reading = self._base + (time.monotonic() - self._real_base) * self._speed
        # A fast clock set near the end of time stops there rather than read an unprintable date.
        return reading if reading < LATEST else LATEST

    def advance(self, seconds: float) -> float:
        if not 0 <= seconds <= MAX_STEP:
            raise ValueError(f"the clock moves forward, at most {MAX_STEP:.0f} s at a time")
        if self.now() + seconds > LATEST:
            raise ValueError("the clock cannot pass the year 9999")
        self._rebase()
        self._base += seconds
        return self._base

    def set_speed(self, speed: float) -> None:
        if speed < 0:
            raise ValueError("clock speed must be >= 0")
        self._rebase()
        self._speed = speed

    def set_time(self, at: float) -> None:
        """Jump to an absolute reading (forward only, so due timers are never skipped)."""
        if not self.now() <= at <= LATEST:
            raise ValueError("the clock only moves forward, and not past the year 9999")
        self._rebase()
        self._base = float(at)

    def _rebase(self) -> None:
        self._base = self.now()
        self._real_base = time.monotonic()


_ISO: dict[int, str] = {}  # the last few thousand seconds written, for pages of messages


def iso(ts: float) -> str:
    # A clock set near the end of time gives later due dates; they read as its last second.
    ts = min(ts, LATEST)
    second = math.floor(ts)
    if ts - second >= 1 - 1e-6:  # within a microsecond of the next: rounding may tip over
        return _iso(ts)
    text = _ISO.get(second)
    if text is None:
        if len(_ISO) >= 4096:
            _ISO.clear()
        text = _ISO[second] = _iso(second)
    return text


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
