"""What the emulator understood of a recorded request, computed when the journal is read.

Each provider module turns a Record into a Reading: the parameters in the provider's words,
the account they name, the outcome parsed from the answer and, for a refused request, an
explanation in the provider's own terms. The explanation looks at the account as it is now,
so it is a near-miss hint, not a transcript; when it cannot be worked out it is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sms_mocks.control.views import iso
from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway
from sms_mocks.journal.recorder import Record, fault_outcome
from sms_mocks.providers import owner_of

SECRETS = frozenset({"psw", "pwd", "password", "apikey"})
MASK = "***"


@dataclass(slots=True)
class Reading:
    provider: str
    endpoint: str  # the command in the provider's words: "send.php", "send_sms", "send.xml"
    params: dict[str, Any] = field(default_factory=dict)  # unmasked: the view masks them
    login: str | None = None  # the login (or key) the request claims
    account: Account | None = None  # the account that names, if there is one
    outcome: str = "ok"  # "ok", the provider's error code or text, or a fault's (recorder.py)
    refused: bool = False
    explanation: str | None = None
    ids: list[str] = field(default_factory=list)  # message ids the answer gives


def masked(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (MASK if k.lower() in SECRETS and v else v) for k, v in params.items()}


def text_of(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def view(record: Record, reading: Reading) -> dict[str, Any]:
    """One journal entry as JSON."""
    entry: dict[str, Any] = {
        "seq": record.seq,
        "at": iso(record.at),
        "wall_time": iso(record.wall),
        "provider": reading.provider,
        "endpoint": reading.endpoint,
        "path": record.path,
        "method": record.method,
        "client": record.client,
        "params": masked(reading.params),
        "login": reading.login,
        "account": reading.account.login if reading.account is not None else None,
        "status": record.status,
        "answer": text_of(record.answer),
        "outcome": reading.outcome,
        "refused": reading.refused,
    }
    if record.body_size > len(record.body):
        entry["body_truncated"] = True
    if reading.ids:
        entry["ids"] = reading.ids
    if record.fault is not None:  # not the request's doing: say so, not why it would fail
        entry["fault"] = record.fault
        entry["explanation"] = f"fault rule {record.fault}"
    elif reading.explanation is not None:
        entry["explanation"] = reading.explanation
        if record.body_size > len(record.body):
            entry["explanation"] += f" (read from the first {len(record.body)} bytes kept)"
    return entry


def read(record: Record, gateway: Gateway, explain_refusal: bool = True,
         labels_only: bool = False) -> Reading:
    """What `record` was understood as; `explain_refusal=False` skips the explanation (the
    costly part: a refused send is planned again), for the request log; `labels_only` may
    also skip what the metrics do not need (provider, endpoint and outcome are always read)."""
    from sms_mocks.journal import smsc, smspager, targetsms  # they import this module

    reader = {"smsc": smsc.read, "smspager": smspager.read, "targetsms": targetsms.read}
    reading = reader[provider_of(record.path)](record, gateway, explain_refusal, labels_only)
    if record.fault is not None:  # what the client got: a fault rule's page or hang-up
        reading.outcome = fault_outcome(record) or reading.outcome
    return reading


def bare(record: Record) -> Reading:
    """What is shown of a request that could not be read (a bug of ours, counted)."""
    return Reading(provider_of(record.path), record.path.rsplit("/", 1)[-1])


def provider_of(path: str) -> str:
    return owner_of(path) or "smsc"
