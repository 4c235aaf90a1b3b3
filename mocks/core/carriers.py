"""Carrier profiles: how an account's network behaves when nothing more specific (a magic
number or token, an outcome rule) decides a message. An account's `carrier` names one; a
change applies to messages accepted after it.

  healthy     the engine's default timings; everything is delivered
  flaky       one message in FLAKY_EVERY (chosen by a hash of its id, so runs repeat) is
              undelivered, with an err from FLAKY_ERRS (also by the hash); the rest delivered
  slow        leaves the queue after SLOW_QUEUE seconds, reported SLOW_REPORT seconds later
  dead        nothing is ever reported: every message expires when its validity ends
  throttling  an account's messages leave the queue THROTTLE_RATE a second, in order of
              acceptance; each is reported at the default delay after it leaves
"""

from __future__ import annotations

from sms_mocks.core.delivery import DELIVER, Outcome
from sms_mocks.core.messages import State

CARRIERS = ("healthy", "flaky", "slow", "dead", "throttling")
HEALTHY = "healthy"

FLAKY_EVERY = 5
FLAKY_ERRS = (6, 237, 220)  # subscriber offline, not answering, operator queue full
SLOW_QUEUE = 30.0
SLOW_REPORT = 300.0
THROTTLE_RATE = 1.0  # messages a second, per account

_SLOW = Outcome(queue_seconds=SLOW_QUEUE, report_seconds=SLOW_REPORT)
_DEAD = Outcome(State.EXPIRED)
_FLAKY = tuple(Outcome(State.UNDELIVERED, err=err) for err in FLAKY_ERRS)


def _mix(n: int) -> int:
    """A cheap, well-spread hash of a message id (Knuth's multiplicative one)."""
    return (n * 2654435761) & 0xFFFFFFFF


def outcome(carrier: str, message_id: int) -> Outcome:
    """A profile's outcome for one message; throttling is timed by the gateway (Throttle)."""
    if carrier == "flaky":
        h = _mix(message_id)
        return _FLAKY[(h >> 8) % len(_FLAKY)] if h % FLAKY_EVERY == 0 else DELIVER
    if carrier == "slow":
        return _SLOW
    if carrier == "dead":
        return _DEAD
    return DELIVER


class Throttle:
    """When each throttled account's next message may leave the queue."""

    def __init__(self) -> None:
        self._free_at: dict[tuple[str, str], float] = {}

    def queue_delay(self, key: tuple[str, str], start: float, usual: float) -> float:
        """The queue delay of a message that would leave at start + usual."""
        leaves = max(start + usual, self._free_at.get(key, 0.0))
        self._free_at[key] = leaves + 1.0 / THROTTLE_RATE
        return leaves - start

    def clear(self) -> None:
        self._free_at.clear()
