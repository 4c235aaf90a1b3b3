"""Fault rules: what a rule matches, when it fires, what it does; and the book that holds them.

A rule is built from a flat JSON/TOML table (docs/faults.md), validated whole: a spec that is
refused changes nothing. Each rule has its own random generators seeded from its `seed`, one
for firing and one for the fault's own draws (delays, garbling), so the same seed gives the
same sequence of outcomes for the same sequence of matching requests, whatever the action.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from sms_mocks.asgi.http import NGINX_REASONS
from sms_mocks.core.endpoints import UnknownEndpoint, resolve
from sms_mocks.core.phones import parse as parse_phone
from sms_mocks.faults.targets import ERRORS, PATHS, PROVIDERS, text_codes
from sms_mocks.seam.exchange import Facts

MAX_RULES = 1000
MAX_SECONDS = 600.0  # the longest delay, hold or pause a rule may ask for
MAX_STRING = 1000
MAX_TIMES = 10**9
LOGNORMAL_CAP = 30.0  # a lognormal delay's default ceiling, in seconds

# The statuses a front server answers for a gateway in trouble, with nginx's reason phrases.
STATUSES = {status: NGINX_REASONS[status] for status in (429, 500, 502, 503, 504)}

_MATCH = ("provider", "endpoint", "account", "phone", "text")
_TRIGGER = ("times", "probability", "seed")
ACTIONS: dict[str, tuple[str, ...]] = {
    "error": ("code",),
    "status": ("status", "retry_after"),
    "delay": ("seconds", "distribution", "min", "max", "mu", "sigma"),
    "close": (),
    "reset": (),
    "truncate": ("keep",),
    "garble": ("ratio",),
    "dribble": ("chunk", "interval"),
    "hold": ("seconds",),
}
DISTRIBUTIONS = ("fixed", "uniform", "lognormal")


class FaultSpecError(ValueError):
    """A rule spec that cannot be used; the message says why, for a 400 or a config error."""


@dataclass(frozen=True, slots=True)
class Match:
    provider: str | None = None
    endpoint: str | None = None
    account: str | None = None
    phone: str | None = None  # international digits
    text: str | None = None  # casefolded

    @property
    def needs_request(self) -> bool:
        """Whether matching needs the request's parameters, not just its path."""
        return self.account is not None or self.phone is not None or self.text is not None

    def accepts(self, facts: Facts) -> bool:
        if self.account is not None and facts.account != self.account:
            return False
        if self.phone is not None and self.phone not in facts.phones:
            return False
        return self.text is None or any(self.text in text.casefold() for text in facts.texts)


@dataclass(frozen=True, slots=True)
class Action:
    kind: str
    code: int | str | None = None  # error
    status: int = 503  # status
    retry_after: int | None = None  # status
    distribution: str = "fixed"  # delay
    seconds: float = 0.0  # delay (fixed), hold (the longest hold)
    low: float = 0.0  # delay: uniform's min
    high: float = 0.0  # delay: uniform's max, lognormal's cap
    mu: float = 0.0  # delay: lognormal
    sigma: float = 0.0  # delay: lognormal
    keep: int | None = None  # truncate: bytes of the body sent; None: half
    ratio: float = 0.1  # garble: the share of bytes changed
    chunk: int = 1  # dribble: bytes a piece
    interval: float = 0.1  # dribble: seconds between pieces

    def delay(self, rng: random.Random) -> float:
        if self.distribution == "uniform":
            return rng.uniform(self.low, self.high)
        if self.distribution == "lognormal":
            try:
                return min(rng.lognormvariate(self.mu, self.sigma), self.high)
            except OverflowError:
                return self.high
        return self.seconds


@dataclass(slots=True)
class Rule:
    id: int
    spec: dict[str, Any]  # as given, for the listing
    match: Match
    action: Action
    times: int | None
    probability: float | None
    seed: int
    hits: int = 0  # matching requests seen
    fired: int = 0
    trigger: random.Random = field(init=False)
    effects: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.trigger = random.Random(self.seed)
        self.effects = random.Random(f"fault effects {self.seed}")

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else self.times - self.fired

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def fires(self) -> bool:
        """One matching request: count it, and say whether the fault happens to it."""
        self.hits += 1
        if self.probability is not None and self.trigger.random() >= self.probability:
            return False
        self.fired += 1
        return True

    def view(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec, "seed": self.seed, "hits": self.hits,
                "fired": self.fired, "remaining": self.remaining}


class Book:
    """The rules in force, in the order they were made: the first that fires takes a request.
    `armed` is the one thing a provider request reads when no rule is in force."""

    def __init__(self, default_seed: int = 0) -> None:
        self.default_seed = default_seed
        self.rules: list[Rule] = []
        self.armed = False
        self._next_id = 1

    def add(self, spec: Any) -> Rule:
        if len(self.rules) >= MAX_RULES:
            raise FaultSpecError(f"at most {MAX_RULES} rules at once; delete some first")
        rule = build(self._next_id, spec, self.default_seed)
        self._next_id += 1
        self.rules.append(rule)
        self._rearm()
        return rule

    def get(self, rule_id: int) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def remove(self, rule_id: int) -> bool:
        kept = [rule for rule in self.rules if rule.id != rule_id]
        removed = len(kept) != len(self.rules)
        self.rules = kept
        self._rearm()
        return removed

    def clear(self) -> int:
        count = len(self.rules)
        self.rules = []
        self._rearm()
        return count

    def load(self, specs: list[Any]) -> None:
        """Only these rules, afresh (the configured ones, on start and on reset)."""
        self.clear()
        for spec in specs:
            self.add(spec)

    def candidates(self, path: str) -> list[Rule]:
        """Rules still in force that aim at this path (by provider or endpoint, or at all)."""
        provider = PATHS.get(path)
        return [rule for rule in self.rules if not rule.spent
                and (rule.match.provider is None or rule.match.provider == provider)
                and (rule.match.endpoint is None or rule.match.endpoint == path)]

    def choose(self, candidates: list[Rule], facts: Facts | None) -> Rule | None:
        """The rule that fires for this request, if any; every matching rule asked counts a
        hit. `facts` may be None only when no candidate needs them."""
        for rule in candidates:
            if rule.match.needs_request and (facts is None or not rule.match.accepts(facts)):
                continue
            if rule.fires():
                if rule.spent:
                    self._rearm()
                return rule
        return None

    def _rearm(self) -> None:
        self.armed = any(not rule.spent for rule in self.rules)


def build(rule_id: int, spec: Any, default_seed: int = 0) -> Rule:
    """A rule from its spec, or FaultSpecError."""
    if not isinstance(spec, dict):
        raise FaultSpecError("a fault rule is an object")
    kind = spec.get("action")
    if not isinstance(kind, str) or kind not in ACTIONS:
        raise FaultSpecError(f"action: one of {', '.join(ACTIONS)}")
    unknown = set(spec) - {"action", *_MATCH, *_TRIGGER, *ACTIONS[kind]}
    if unknown:
        raise FaultSpecError(f"unknown keys for a {kind!r} rule: {', '.join(sorted(unknown))}")
    match = _match(spec)
    times = _integer(spec, "times", 1, MAX_TIMES)
    probability = _number(spec, "probability", 0.0, 1.0)
    seed = _integer(spec, "seed", -2**63, 2**63 - 1)
    stored = dict(spec)
    if match.endpoint is not None:  # shown as the full path, however it was named
        stored["endpoint"] = match.endpoint
    return Rule(rule_id, stored, match, _action(kind, spec, match), times, probability,
                default_seed if seed is None else seed)


def _match(spec: dict[str, Any]) -> Match:
    provider = _string(spec, "provider")
    if provider is not None and provider not in PROVIDERS:
        raise FaultSpecError(f"provider: one of {', '.join(PROVIDERS)}")
    endpoint = _string(spec, "endpoint")
    if endpoint is not None:  # a full path or its last part: core/endpoints.py
        try:
            endpoint = resolve(endpoint, PATHS, provider)
        except UnknownEndpoint as exc:
            raise FaultSpecError(str(exc)) from None
        provider = PATHS[endpoint]
    phone = _string(spec, "phone")
    if phone is not None:
        digits = parse_phone(phone).digits
        if not digits:
            raise FaultSpecError("phone: not a phone number")
        phone = digits
    text = _string(spec, "text")
    return Match(provider, endpoint, _string(spec, "account"), phone,
                 text.casefold() if text is not None else None)


def _action(kind: str, spec: dict[str, Any], match: Match) -> Action:
    if kind == "error":
        return _error(spec, match)
    if kind == "status":
        status = _integer(spec, "status", 0, 999)
        if status not in STATUSES:
            raise FaultSpecError(f"status: one of {', '.join(map(str, STATUSES))}")
        return Action(kind, status=status,
                      retry_after=_integer(spec, "retry_after", 0, 86400))
    if kind == "delay":
        return _delay(spec)
    if kind == "truncate":
        return Action(kind, keep=_integer(spec, "keep", 0, 2**31))
    if kind == "garble":
        ratio = _number(spec, "ratio", 0.0, 1.0)
        if ratio == 0.0:
            raise FaultSpecError("ratio: above 0, at most 1")
        return Action(kind, ratio=0.1 if ratio is None else ratio)
    if kind == "dribble":
        chunk = _integer(spec, "chunk", 1, 2**20)
        interval = _number(spec, "interval", 0.0, 10.0)
        return Action(kind, chunk=1 if chunk is None else chunk,
                      interval=0.1 if interval is None else interval)
    if kind == "hold":
        seconds = _number(spec, "seconds", 0.0, MAX_SECONDS)
        return Action(kind, seconds=60.0 if seconds is None else seconds)
    return Action(kind)  # close, reset


def _error(spec: dict[str, Any], match: Match) -> Action:
    if match.provider is None:
        raise FaultSpecError("an error rule needs a provider or an endpoint: codes are each "
                             "provider's own")
    known = ERRORS[match.provider]
    code = spec.get("code")
    valid = (isinstance(code, str) if text_codes(match.provider)
             else isinstance(code, int) and not isinstance(code, bool))
    if not valid or code not in known:
        listed = ", ".join(str(c) for c in sorted(known, key=str))
        raise FaultSpecError(f"code: one of {match.provider}'s documented errors: {listed}")
    return Action("error", code=code)


def _delay(spec: dict[str, Any]) -> Action:
    distribution = _string(spec, "distribution") or "fixed"
    if distribution not in DISTRIBUTIONS:
        raise FaultSpecError(f"distribution: one of {', '.join(DISTRIBUTIONS)}")
    wanted = {"fixed": {"seconds"}, "uniform": {"min", "max"},
              "lognormal": {"mu", "sigma", "max"}}[distribution]
    stray = set(spec) & {"seconds", "min", "max", "mu", "sigma"} - wanted
    if stray:
        raise FaultSpecError(f"a {distribution} delay takes {', '.join(sorted(wanted))}, "
                             f"not {', '.join(sorted(stray))}")
    if distribution == "fixed":
        seconds = _number(spec, "seconds", 0.0, MAX_SECONDS)
        if seconds is None:
            raise FaultSpecError("a fixed delay needs seconds")
        return Action("delay", seconds=seconds)
    if distribution == "uniform":
        low, high = _number(spec, "min", 0.0, MAX_SECONDS), _number(spec, "max", 0.0,
                                                                     MAX_SECONDS)
        if low is None or high is None or low > high:
            raise FaultSpecError("a uniform delay needs min <= max")
        return Action("delay", distribution=distribution, low=low, high=high)
    mu, sigma = _number(spec, "mu", -50.0, 10.0), _number(spec, "sigma", 0.0, 10.0)
    if mu is None or sigma is None:
        raise FaultSpecError("a lognormal delay needs mu and sigma")
    cap = _number(spec, "max", 0.0, MAX_SECONDS)
    return Action("delay", distribution=distribution, mu=mu, sigma=sigma,
                  high=LOGNORMAL_CAP if cap is None else cap)


def _string(spec: dict[str, Any], key: str) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_STRING:
        raise FaultSpecError(f"{key}: a non-empty string of at most {MAX_STRING} characters")
    return value


def _integer(spec: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultSpecError(f"{key}: a whole number from {low} to {high}")
    return value


def _number(spec: dict[str, Any], key: str, low: float, high: float) -> float | None:
    value = spec.get(key)
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or not low <= value <= high):
        raise FaultSpecError(f"{key}: a number from {low:g} to {high:g}")
    return float(value)
