"""What happens to a message, decided at acceptance so that runs are deterministic.

Magic codes ABBB need no setup. A number +7 900 000 ABBB carries its own; a text containing
"mock:ABBB" gives it to every recipient without one (the number wins):
  0000 (and any number outside the range): delivered
  0001: the network never answers, so the message expires when its validity ends
  0002: stuck at "sent to operator": never reported, never expires (until moved by hand)
  0003: delivered, then read READ_SECONDS later
  1BBB (BBB ≥ 1): undelivered, with err = BBB (79000001006: err 6)
  2BBB: delivered BBB seconds after acceptance (2000: at once, no queue or report delay)
  3BBB: delivered on the message's BBB-th status read (3000 counts as 3001)
  8BBB: the recipient is refused on acceptance with err BBB (249 bad format, 248 no route,
        250 forbidden, 251 over the per-number limit)
  9BBB: the whole send is refused with the core's BBB-th Refusal (gateway.REFUSALS)
Other codes are plain numbers: delivered.

Then the control API's rules (newest first), then the account's carrier profile, then the
engine's defaults.

+7 900 000 ABBB is a real mobile range and a common placeholder, so the range can be moved to
another prefix or switched off in the configuration ([magic] prefix, enabled), and a message
whose fate a magic code or a rule chose says so (`decided_by`): its Outcome carries the cause.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from sms_mocks.core.delivery import DELIVER, Outcome
from sms_mocks.core.messages import ERR_VIRTUAL, State
from sms_mocks.core.phones import PhoneProblem, parse

MAGIC_PREFIX = "7900000"
TOKEN = "mock:"
NEVER_ANSWERS = Outcome(State.EXPIRED)
STUCK = Outcome(State.SENT)
READ = Outcome(State.READ)
IMMEDIATE = Outcome(report_seconds=0.0, queue_seconds=0.0)
VIRTUAL = Outcome(State.DELIVERED, err=ERR_VIRTUAL)  # an account in test mode

_TOKEN = re.compile(r"mock:(\d{4})(?!\d)")
_SPECIAL = {0: DELIVER, 1: NEVER_ANSWERS, 2: STUCK, 3: READ}


# Who decided a message's fate (Outcome.cause); Outcome.source is then the magic code ABBB,
# or the rule's id.
BY_NUMBER = 1
BY_TOKEN = 2
BY_RULE = 3


def magic_code(digits: str, prefix: str | None = MAGIC_PREFIX) -> int | None:
    """ABBB of a number in the reserved range (`prefix` and four digits), else None; a prefix
    of None switches the range off."""
    if prefix is None or len(digits) != len(prefix) + 4 or not digits.startswith(prefix):
        return None
    tail = digits[-4:]
    return int(tail) if tail.isascii() and tail.isdigit() else None


def check_prefix(prefix: str) -> str:
    """A magic range prefix as the configuration gives it; ValueError says what is wrong."""
    if not (isinstance(prefix, str) and prefix.isascii() and prefix.isdigit()
            and 1 <= len(prefix) <= 11):
        raise ValueError(f"the magic prefix is 1 to 11 digits, not {prefix!r}")
    return prefix


def token_code(text: str) -> int | None:
    """ABBB of the first "mock:ABBB" in a text, else None."""
    if TOKEN not in text:  # the usual case costs one substring search
        return None
    found = _TOKEN.search(text)
    return int(found.group(1)) if found else None


def outcome_for(code: int) -> Outcome | None:
    """The delivery outcome a magic code asks for; None for a refusal code or a plain one."""
    kind, n = divmod(code, 1000)
    if kind == 0:
        return _SPECIAL.get(n)
    if kind == 1 and n:
        return Outcome(State.UNDELIVERED, err=n)
    if kind == 2:
        return IMMEDIATE if n == 0 else Outcome(queue_seconds=0.0, report_seconds=float(n))
    if kind == 3:
        return Outcome(polls=max(n, 1))
    return None


@cache  # at most two causes x 10,000 codes: every message with one code shares its outcome
def decided(code: int, cause: int) -> Outcome | None:
    """outcome_for(code), marked as chosen by a magic number (BY_NUMBER) or token (BY_TOKEN)."""
    found = outcome_for(code)
    return None if found is None else replace(found, cause=cause, source=code)


@cache
def refused_by(code: int, cause: int) -> Outcome:
    """What a recipient refused by an 8BBB code keeps as its outcome: never run (it is refused
    on acceptance), only there to say who refused it."""
    return Outcome(cause=cause, source=code)


def recipient_err(code: int | None) -> int:
    """The refusal err a magic 8BBB code gives its recipient; 0 for any other code."""
    return code - 8000 if code is not None and 8001 <= code <= 8999 else 0


def refusal_index(code: int | None) -> int:
    """BBB of a 9BBB code (the 1-based Refusal it asks for), else 0."""
    return code - 9000 if code is not None and 9001 <= code <= 9999 else 0


def for_phone(digits: str) -> Outcome:
    """The outcome a number alone decides (the magic range), else delivered."""
    code = magic_code(digits)
    found = outcome_for(code) if code is not None else None
    return found or DELIVER


# rules ------------------------------------------------------------------------------------
OUTCOMES = ("delivered", "undelivered", "expired", "stuck", "read")
PROGRESSIONS = ("default", "immediate", "seconds", "polls", "manual")
MAX_SECONDS = 10 * 365 * 24 * 3600.0
MAX_POLLS = 1_000_000


@dataclass(frozen=True, slots=True)
class OutcomeRule:
    """Messages to `phone` (digits), of `account` (a login) at `provider`, get `outcome`;
    a field left None matches anything."""

    id: int
    outcome: Outcome
    spec: dict[str, Any]  # as given, normalised: what GET /_mock/outcomes shows
    provider: str | None = None
    account: str | None = None
    phone: str | None = None
    decided: Outcome = DELIVER  # `outcome`, marked as this rule's (rule_from_spec sets it)

    def matches(self, provider: str, login: str, phone: str) -> bool:
        return ((self.provider is None or self.provider == provider)
                and (self.account is None or self.account == login)
                and (self.phone is None or self.phone == phone))


def rule_from_spec(spec: Any, rule_id: int, providers: Iterable[str]) -> OutcomeRule:
    """A rule from a config table or control-API body; ValueError says what is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("an outcome rule is an object")
    unknown = set(spec) - {"provider", "account", "phone", "outcome", "err", "progression"}
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    provider = _optional_str(spec, "provider")
    if provider is not None and provider not in providers:
        raise ValueError(f"provider is one of {', '.join(providers)}")
    account = _optional_str(spec, "account")
    phone = _optional_str(spec, "phone")
    if phone is not None:
        parsed = parse(phone)
        if parsed.problem is PhoneProblem.FORMAT or not parsed.digits:
            raise ValueError(f"phone {phone!r} is not a phone number")
        phone = parsed.digits
    kind = spec.get("outcome", "delivered")
    if kind not in OUTCOMES:
        raise ValueError(f"outcome is one of {', '.join(OUTCOMES)}")
    err = spec.get("err")
    if kind == "undelivered":
        if isinstance(err, bool) or not isinstance(err, int) or not 1 <= err <= 999:
            raise ValueError("an undelivered outcome needs err, a whole number 1..999")
    elif err is not None:
        raise ValueError("err goes only with outcome \"undelivered\"")
    after, n = _progression(spec.get("progression", {"after": "default"}))
    outcome = _outcome(kind, err or 0, after, n)
    shown: dict[str, Any] = {"id": rule_id, "provider": provider, "account": account,
                             "phone": phone, "outcome": kind, "err": err,
                             "progression": {"after": after, "n": n}}
    return OutcomeRule(rule_id, outcome, shown, provider, account, phone,
                       replace(outcome, cause=BY_RULE, source=rule_id))


def _optional_str(spec: dict[str, Any], key: str) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} is a non-empty string")
    return value


def _progression(raw: Any) -> tuple[str, float | int | None]:
    if not isinstance(raw, dict) or set(raw) - {"after", "n"}:
        raise ValueError("progression is {\"after\": ..., \"n\": N}")
    after = raw.get("after", "default")
    if after not in PROGRESSIONS:
        raise ValueError(f"progression.after is one of {', '.join(PROGRESSIONS)}")
    n = raw.get("n")
    if after == "seconds":
        if isinstance(n, bool) or not isinstance(n, int | float) or not (
                math.isfinite(n) and 0 <= n <= MAX_SECONDS):
            raise ValueError(f"progression seconds needs n, seconds 0..{MAX_SECONDS:.0f}")
        return after, n
    if after == "polls":
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_POLLS:
            raise ValueError(f"progression polls needs n, a whole number 1..{MAX_POLLS}")
        return after, n
    if n is not None:
        raise ValueError(f"progression {after} takes no n")
    return after, None


def _outcome(kind: str, err: int, after: str, n: float | int | None) -> Outcome:
    final = {"delivered": State.DELIVERED, "undelivered": State.UNDELIVERED,
             "expired": State.EXPIRED, "stuck": State.SENT, "read": State.READ}[kind]
    if after == "manual" or final is State.SENT:
        return STUCK  # waits for the control API whatever it was to become
    if final is State.EXPIRED:
        return NEVER_ANSWERS  # expiry is when validity ends: it has no timing of its own
    if after == "immediate":
        return Outcome(final, err, report_seconds=0.0, queue_seconds=0.0)
    if after == "seconds":
        return Outcome(final, err, report_seconds=float(n or 0), queue_seconds=0.0)
    if after == "polls":
        return Outcome(final, err, polls=int(n or 1))
    return Outcome(final, err)


def first_match(rules: list[OutcomeRule], provider: str, login: str,
                phone: str) -> Outcome | None:
    """The newest rule's outcome for this message (marked as the rule's), if a rule matches."""
    for rule in reversed(rules):
        if rule.matches(provider, login, phone):
            return rule.decided
    return None


# saying why -----------------------------------------------------------------------------
def code_effect(code: int) -> str:
    """What a magic code does, in a phrase."""
    kind, n = divmod(code, 1000)
    if kind == 0 and n in _EFFECTS:
        return _EFFECTS[n]
    if kind == 1 and n:
        return f"undelivered, err {n}"
    if kind == 2:
        return "delivered at once" if n == 0 else f"delivered {n} s after acceptance"
    if kind == 3:
        return f"delivered on status read {max(n, 1)}"
    if kind == 8 and n:
        return f"refused on acceptance, err {n}"
    if kind == 9 and n:
        return "the whole send refused"
    return "not a special code: the usual course"


_EFFECTS = {0: "delivered", 1: "never answered: expires when its validity ends",
            2: "stuck at the operator, never reported", 3: "delivered, then read"}


def effect(outcome: Outcome) -> str:
    """What an outcome does, in a phrase: a rule's, say."""
    final = outcome.final
    if final is State.SENT:
        return "held at the operator until moved by hand"
    if final is State.EXPIRED:
        return "never answered: expires when its validity ends"
    what = f"undelivered, err {outcome.err}" if final is State.UNDELIVERED else final.label
    if outcome.polls:
        return f"{what} on status read {outcome.polls}"
    if outcome.report_seconds is not None:
        seconds = outcome.report_seconds
        return f"{what} at once" if seconds == 0 else f"{what} {seconds:g} s after sending"
    return what


def decided_by(outcome: Outcome | None, phone: str) -> str | None:
    """Why a message went the way it did, when a magic number, a token or an outcome rule
    chose it: "magic number 79000000001 (never answered: ...)", "outcome rule 3 (...)"."""
    if outcome is None or not outcome.cause:
        return None
    cause, source = outcome.cause, outcome.source
    if cause == BY_NUMBER:
        return f"magic number {phone} ({code_effect(source)})"
    if cause == BY_TOKEN:
        return f"the text's {TOKEN}{source:04d} ({code_effect(source)})"
    if cause == BY_RULE:
        return f"outcome rule {source} ({effect(outcome)})"
    return None
