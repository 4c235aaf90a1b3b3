"""One provider request as the rest of the emulator sees it: the bytes the journal kept
(`Record`), and what the endpoint understood of them (`Reading`), read once, by the endpoint,
and handed on through the scope to the fault matcher, the journal, the request log and the
metrics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sms_mocks.core.accounts import Account, AccountRegistry
from sms_mocks.core.phones import parse as parse_phone

READING_KEY = "sms_mocks.reading"  # the scope key an endpoint leaves its Reading under


@dataclass(frozen=True, slots=True)
class Facts:
    """What a request is about, for matching fault rules."""

    account: str | None = None  # the login
    phones: frozenset[str] = frozenset()  # international digits
    texts: tuple[str, ...] = ()


MAX_PHONES = 1000  # numbers a fault rule looks at in one request
_NUMBERS = re.compile(r"[,;]")


def split_numbers(value: str) -> list[str]:
    """A list of numbers as the providers' parameters write them: split on , and ;."""
    return _NUMBERS.split(value)


def facts_of(account: str | None, phones: Iterable[str], texts: Iterable[str]) -> Facts:
    """Facts with each number as international digits (as written when it has none)."""
    digits = set()
    for count, raw in enumerate(phones):
        if count == MAX_PHONES:
            break
        raw = raw.strip()
        if raw:
            digits.add(parse_phone(raw).digits or raw)
    return Facts(account or None, frozenset(digits), tuple(t for t in texts if t))


@dataclass(slots=True)
class Reading:
    """One request as its endpoint understood it: read once, by the endpoint, and handed to the
    fault matcher, the journal, the request log and the metrics through the scope."""

    provider: str
    endpoint: str  # the command in the provider's words: "send.php", "send_sms", "send.xml"
    params: dict[str, Any] = field(default_factory=dict)  # unmasked: the journal masks them
    login: str | None = None  # the login (or key) the request claims
    account: Account | None = None  # the account that names, if there is one
    outcome: str = "ok"  # "ok", the provider's error code or text, or a fault's
    refused: bool = False
    explanation: str | None = None  # filled when the journal is read, for a refusal
    decided_by: Sequence[str] = ()  # filled then too (journal/notes.py)
    # the message ids the answer gives; a tuple (not a list the garbage collector follows: the
    # journal and the request log keep a Reading for every request)
    ids: Sequence[str] = ()
    code: int | str | None = None  # the provider's error code or text, for a refusal
    request: Any = None  # the dialect's own reading of the request, which its endpoint serves

    def __repr__(self) -> str:  # the dialect's parse is no one else's business
        return (f"Reading({self.provider}, {self.endpoint}, outcome={self.outcome!r}, "
                f"ids={self.ids})")

    def refuse(self, outcome: str) -> None:
        self.refused = True
        self.outcome = outcome

    def kept(self) -> Kept:
        """The reading as the journal and the request log keep it: a plain tuple, which the
        garbage collector stops following once it holds only strings, numbers and dicts of
        them (an object would stay followed, and cost every collection, for each request the
        journal holds). The account is kept by login; the dialect's own parse only where a
        refusal's explanation may need it."""
        return (self.provider, self.endpoint, self.params, self.login,
                self.account.login if self.account is not None else None, self.outcome,
                self.refused, tuple(self.ids), self.code,
                self.request if self.code is not None else None)

    @classmethod
    def restored(cls, kept: Kept, accounts: AccountRegistry) -> Reading:
        """A fresh Reading of what `kept` holds, its account looked up again."""
        provider, endpoint, params, login, account, outcome, refused, ids, code, request = kept
        return cls(provider, endpoint, params, login,
                   accounts.get(provider, account) if account is not None else None, outcome,
                   refused, None, (), ids, code, request)


# (provider, endpoint, params, login, account login, outcome, refused, ids, code, request)
Kept = tuple[str, str, dict[str, Any], "str | None", "str | None", str, bool, tuple[str, ...],
             "int | str | None", Any]


FAULT_KEY = "sms_mocks.fault"  # set in the scope by sms_mocks.faults when a rule fires
# What the client got of a request a fault rule took, by the rule's action, when that is not
# an answer a dialect's reader can word (error, delay and dribble give the endpoint's own).
# A connection that ended with no answer has no status, so these name how it ended.
FAULT_OUTCOMES = {"close": "closed", "reset": "reset", "hold": "no answer",
                  "truncate": "truncated", "garble": "garbled"}


@dataclass(slots=True)
class Record:
    seq: int
    at: float  # the emulator's clock when the request arrived
    wall: float  # the host's clock, for matching with a client's own logs
    method: str
    path: str
    query: bytes
    client: str
    content_type: bytes
    body: bytes  # at most MAX_BODY bytes
    body_size: int  # what the client sent, all of it
    status: int  # 0 if the request was never answered
    answer: bytes  # at most MAX_ANSWER bytes
    fault: str | None  # the fault rule that took the request, if one did
    reading: Kept | None = None  # what the endpoint understood (Reading.kept); None: no endpoint


def fault_label(rule_id: int, kind: str) -> str:
    """How a record names the fault rule that took its request: `3 (close)`."""
    return f"{rule_id} ({kind})"


def fault_kind(fault: str) -> str:
    """The action of a record's fault label."""
    return fault.rpartition(" (")[2].removesuffix(")")


def fault_outcome(record: Record) -> str | None:
    """The outcome a request a fault rule took counts as, when the rule (not the endpoint)
    made what the client got: `http 503` for a status page, `closed`, `reset`, `no answer`
    (held until someone hung up), `truncated`, `garbled`. None when the answer is the
    endpoint's own (an `error` in the dialect's words, a `delay`, a `dribble`), which the
    dialect's reader words, or when no rule took the request."""
    if record.fault is None:
        return None
    kind = fault_kind(record.fault)
    if kind == "status" and record.status:
        return f"http {record.status}"
    if kind in FAULT_OUTCOMES:
        return FAULT_OUTCOMES[kind]
    if record.status == 0:  # never answered: the rule failed (a bug, counted) or the client left
        return FAULT_OUTCOMES["close"]
    return None


def text_of(data: bytes) -> str:
    return data.decode("utf-8", "replace")
