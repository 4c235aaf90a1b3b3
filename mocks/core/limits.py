"""Rate limits as mechanisms: a dialect names the rule and the key, the core counts.

Every rule reads the injected clock, so a test advances past a window instead of sleeping.
Windows prune themselves as time moves on, so memory follows the traffic of the last window,
not the history of the server.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sms_mocks.core.clock import Clock


@dataclass(frozen=True, slots=True)
class Rule:
    enabled: bool = True
    max: int = 1  # requests allowed per window (or in flight, or in a streak)
    window: float = 60.0  # seconds; for streaks, the largest gap that continues one
    block: float = 0.0  # seconds an offender stays blocked (error blocking only)

    def with_overrides(self, overrides: dict[str, Any] | bool | None) -> Rule:
        """This rule with some fields changed (checked beforehand: account_specs.py); each
        value is converted, as a compiled Rule takes only its fields' exact types."""
        if overrides is None:
            return self
        if isinstance(overrides, bool):
            return replace(self, enabled=overrides)
        unknown = overrides.keys() - RULE_FIELDS
        if unknown:
            raise TypeError(f"a rule has no field {min(unknown)!r}")
        # each value as its field's type (bool, int, float): 3 for a window becomes 3.0
        return replace(self, **{name: type(getattr(self, name))(value)
                                for name, value in overrides.items()})


RULE_FIELDS = tuple(f.name for f in fields(Rule))


def _compact(table: dict[Hashable, Any], peak: int) -> tuple[dict[Hashable, Any], int]:
    """A dict keeps its largest size after deletions; copy it once most keys are gone, so a
    burst of traffic does not hold its memory forever."""
    if peak > 1024 and len(table) * 4 < peak:
        return dict(table), len(table)
    return table, max(peak, len(table))


_NONE: Hashable = object()  # no key is due


class _Touches:
    """When each key was touched, in order: two queues, stamps and keys, rather than one of
    pairs (no tuple a touch). A key touched again is queued again; its older touch, when it
    comes due, finds the key touched since and leaves it.

    Why not an OrderedDict (touch = move_to_end): doubling it costs three times what a dict's
    does (70 ms against 21 ms at 700,000 keys, a pause every client sees), and its nodes
    cost more memory than two queue slots."""

    def __init__(self) -> None:
        self._stamps: deque[float] = deque()
        self._keys: deque[Hashable] = deque()

    def touch(self, key: Hashable, stamp: float) -> None:
        self._stamps.append(stamp)
        self._keys.append(key)

    def due(self, cutoff: float) -> Hashable:
        """The key of the oldest touch at or before `cutoff`, taken off; _NONE if there is none."""
        stamps = self._stamps
        if stamps and stamps[0] <= cutoff:
            stamps.popleft()
            return self._keys.popleft()
        return _NONE

    def clear(self) -> None:
        self._stamps.clear()
        self._keys.clear()


DISABLED = Rule(enabled=False)


class SlidingWindow:
    """At most `rule.max` hits per key inside any `rule.window` seconds."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        # A key's one stamp is a bare float, which the garbage collector does not follow (most
        # keys, like the duplicate-send key, are hit once); more stamps go in a list, not a
        # deque: a deque costs 600 bytes even when it holds one stamp.
        self._hits: dict[Hashable, float | list[float]] = {}
        self._touches = _Touches()
        self._horizon = 0.0
        self._peak = 0

    def hit(self, key: Hashable, rule: Rule, now: float | None = None) -> bool:
        """Count one hit, stamped `now` (the clock's time when not given); False when it is over
        the limit (an over-limit hit is not counted)."""
        if now is None:
            now = self._clock.now()
        self._prune(now, rule.window)
        hits = self._hits
        entry = hits.get(key)
        if entry is None:
            if rule.max < 1:
                return False
            hits[key] = now
        else:
            start = now - rule.window
            if not isinstance(entry, list):
                if entry <= start:  # out of the window, refused or not (as a list's would be)
                    if rule.max < 1:
                        del hits[key]
                        return False
                    hits[key] = now
                elif rule.max < 2:
                    return False
                else:
                    hits[key] = [entry, now]
            else:
                while entry and entry[0] <= start:
                    del entry[0]
                if len(entry) >= rule.max:
                    return False
                entry.append(now)
        self._touches.touch(key, now)
        return True

    def forget(self, key: Hashable, stamp: float) -> None:
        """Take back one counted hit (its request was rolled back)."""
        entry = self._hits.get(key)
        if isinstance(entry, list):
            if stamp in entry:
                entry.remove(stamp)
        elif entry == stamp:
            del self._hits[key]

    def _prune(self, now: float, window: float) -> None:
        self._horizon = max(self._horizon, window)
        cutoff = now - self._horizon
        hits, touches = self._hits, self._touches
        while (key := touches.due(cutoff)) is not _NONE:
            entry = hits.get(key)
            if entry is None:
                continue
            last = (entry[-1] if entry else cutoff) if isinstance(entry, list) else entry
            if last <= cutoff:  # not hit since this touch: every stamp is out of any window
                del hits[key]
        self._hits, self._peak = _compact(hits, self._peak)

    def clear(self) -> None:
        self._hits.clear()
        self._touches.clear()


class Streaks:
    """Consecutive events per key with gaps under `rule.window`; refuse past `rule.max`.

    A streak whose last event is older than the window is over, so it is dropped: memory
    follows the keys of the last window, not every key ever seen."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._streaks: dict[Hashable, tuple[float, int]] = {}
        self._touches = _Touches()
        self._horizon = 0.0
        self._peak = 0

    def check(self, key: Hashable, rule: Rule) -> bool:
        """Would one more event be allowed? Counts nothing."""
        last, count = self._streaks.get(key, (float("-inf"), 0))
        return not (self._clock.now() - last < rule.window and count + 1 > rule.max)

    def record(self, key: Hashable, rule: Rule) -> None:
        now = self._clock.now()
        streaks = self._streaks
        last, count = streaks.get(key, (float("-inf"), 0))
        streaks[key] = (now, count + 1 if now - last < rule.window else 1)
        self._touches.touch(key, now)
        self._horizon = max(self._horizon, rule.window)
        cutoff = now - self._horizon
        touches = self._touches
        while (due := touches.due(cutoff)) is not _NONE:
            streak = streaks.get(due)
            if streak is not None and streak[0] <= cutoff:
                del streaks[due]
        self._streaks, self._peak = _compact(streaks, self._peak)

    def clear(self) -> None:
        self._streaks.clear()
        self._touches.clear()


class InFlight:
    """Requests in progress per key."""

    def __init__(self) -> None:
        self._count: dict[Hashable, int] = {}

    def enter(self, key: Hashable, rule: Rule) -> bool:
        current = self._count.get(key, 0)
        if current >= rule.max:
            return False
        self._count[key] = current + 1
        return True

    @property
    def total(self) -> int:
        return sum(self._count.values())

    def leave(self, key: Hashable) -> None:
        current = self._count.get(key, 0) - 1
        if current > 0:
            self._count[key] = current
        else:
            self._count.pop(key, None)


@dataclass(slots=True)
class _Offender:
    errors: int = 0
    blocked_until: float = float("-inf")


class ErrorBlocker:
    """Block a key for `rule.block` seconds after `rule.max` erroneous requests in a row."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._offenders: dict[Hashable, _Offender] = {}

    def blocked(self, key: Hashable) -> bool:
        offender = self._offenders.get(key)
        return offender is not None and self._clock.now() < offender.blocked_until

    def record(self, key: Hashable, erroneous: bool, rule: Rule) -> None:
        if self.blocked(key):
            return  # answers refused while blocked neither extend nor lift the block
        if not erroneous:
            self._offenders.pop(key, None)
            return
        offender = self._offenders.setdefault(key, _Offender())
        offender.errors += 1
        if offender.errors >= rule.max:
            offender.blocked_until = self._clock.now() + rule.block
            offender.errors = 0

    def clear(self) -> None:
        self._offenders.clear()


@dataclass(slots=True)
class Limits:
    """The named rules in force by default; accounts may override any of them."""

    rules: dict[str, Rule] = field(default_factory=dict)

    def rule(self, name: str, account_overrides: dict[str, Any] | None = None) -> Rule:
        base = self.rules.get(name, DISABLED)
        if account_overrides and name in account_overrides:
            return base.with_overrides(account_overrides[name])
        return base
